"""The subtitle readers: SubRip (SRT) and WebVTT.

A cue's time becomes the turn's `start` and `end`; consecutive cues of one speaker become one
turn. The speaker comes from a WebVTT voice tag (`<v Sarah>`), which carries over to the
following cues until another voice is given (as the Podcasting 2.0 transcript spec describes),
or from a `Name:` / `[SPEAKER_00]:` prefix, which carries over the same way (files often name
the speaker only when it changes). A `>>` at the start of a cue is the captioning mark for a
new, unnamed speaker.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from .cues import Cue, apply_prefix_labels, join_text, merge_cues, take_speaker_change
from .labels import parse_time
from .raw import RawTranscript

if TYPE_CHECKING:
    from .formats import ReadContext

_TS = r"(?:\d+:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_TIMING_RE = re.compile(rf"^\s*(?P<start>{_TS})\s*-->\s*(?P<end>{_TS})(?:\s+.*)?$")
_INDEX_RE = re.compile(r"^\s*\d+\s*$")
# SubRip's formatting: <b> <i> <u> <s>, <font color="...">, and {\an8}-style positioning.
_SRT_TAG_RE = re.compile(r"</?[ibus]>|<font(?:\s[^<>]*)?>|</font>|\{\\[^}]*\}", re.I)
_VTT_VOICE_RE = re.compile(r"<v(?:\.[^\s>]*)*(?:\s+(?P<name>[^>]*))?>")
_VTT_VOICE_END_RE = re.compile(r"</v\s*>")
_VTT_TAG_RE = re.compile(r"<[^>]*>")


def looks_like_srt(text: str) -> bool:
    """An SRT file starts with a cue: an optional number line, then `00:00:01,000 --> ...`."""
    lines = [ln for ln in text.lstrip("\ufeff").split("\n", 8)[:8] if ln.strip()]
    if not lines:
        return False
    if _TIMING_RE.match(lines[0]):
        return True
    return len(lines) > 1 and bool(_INDEX_RE.match(lines[0]) and _TIMING_RE.match(lines[1]))


def looks_like_vtt(text: str) -> bool:
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    return first == "WEBVTT" or first.startswith(("WEBVTT ", "WEBVTT\t"))


def read_srt(
    text: str, known_names: frozenset[str] = frozenset(), chapter_starts: tuple[float, ...] = ()
) -> RawTranscript:
    """Cues are found by their timing lines: the text of a cue runs to the next timing line,
    less a cue number just before it, so a missing blank line or number does not lose a cue."""
    lines = text.split("\n")
    timings = [i for i, ln in enumerate(lines) if _TIMING_RE.match(ln)]
    cues: list[Cue] = []
    for n, i in enumerate(timings):
        stop = timings[n + 1] if n + 1 < len(timings) else len(lines)
        body = list(range(i + 1, stop))
        while body and not lines[body[-1]].strip():
            body.pop()
        if n + 1 < len(timings) and body and _INDEX_RE.match(lines[body[-1]]):
            body.pop()  # the next cue's number
        texts = [(j, _SRT_TAG_RE.sub("", lines[j]).strip()) for j in body]
        texts = [(j, t) for j, t in texts if t]
        m = _TIMING_RE.match(lines[i])
        assert m is not None
        cue = _cue(texts, i, m)
        if cue is not None:
            cues.append(cue)
    return _transcript("srt", cues, known_names, chapter_starts)


def read_vtt(
    text: str, known_names: frozenset[str] = frozenset(), chapter_starts: tuple[float, ...] = ()
) -> RawTranscript:
    """WebVTT blocks: the header, NOTE/STYLE/REGION blocks (skipped), and cues (an optional
    identifier line, the timing line, the payload up to a blank line)."""
    lines = text.split("\n")
    cues: list[Cue] = []
    voice: str | None = None
    i = 0
    while i < len(lines) and lines[i].strip():  # header block
        i += 1
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        start = i
        while i < len(lines) and lines[i].strip():
            i += 1
        block = list(range(start, i))
        first = lines[block[0]].strip()
        if first.split(" ", 1)[0] in ("NOTE", "STYLE", "REGION") and "-->" not in first:
            continue
        timing_at = next((j for j in block[:2] if _TIMING_RE.match(lines[j])), None)
        if timing_at is None:
            continue  # not a cue: the spec says to skip it
        m = _TIMING_RE.match(lines[timing_at])
        assert m is not None
        payload = [(j, lines[j]) for j in block if j > timing_at]
        for piece_voice, texts in _voice_pieces(payload):
            if piece_voice is not None:
                voice = piece_voice
            cue = _cue(texts, timing_at, m)
            if cue is None:
                continue
            if voice is not None and not cue.new_speaker:
                cue.label = voice
            if cue.new_speaker:
                voice = None  # `>>`: someone else speaks now; the earlier voice no longer holds
            cues.append(cue)
    return _transcript("vtt", cues, known_names, chapter_starts)


def _voice_pieces(payload: list[tuple[int, str]]) -> list[tuple[str | None, list[tuple[int, str]]]]:
    """A cue's payload split where a `<v Name>` tag starts; tags removed, entities decoded.

    A piece with no voice tag has voice None (the voice in force carries over to it).
    """
    pieces: list[tuple[str | None, list[tuple[int, str]]]] = [(None, [])]
    for line_no, raw_line in payload:
        pos = 0
        for m in _VTT_VOICE_RE.finditer(raw_line):
            before = raw_line[pos : m.start()]
            if before.strip():
                pieces[-1][1].append((line_no, before))
            name = html.unescape(_VTT_TAG_RE.sub("", m.group("name") or "")).strip() or None
            pieces.append((name, []))
            pos = m.end()
        rest = raw_line[pos:]
        if rest.strip():
            pieces[-1][1].append((line_no, rest))
    out = []
    for voice, texts in pieces:
        clean = [
            (j, html.unescape(_VTT_TAG_RE.sub("", _VTT_VOICE_END_RE.sub("", t))).strip())
            for j, t in texts
        ]
        clean = [(j, t) for j, t in clean if t]
        if clean or voice is not None:
            out.append((voice, clean))
    return out


def _cue(texts: list[tuple[int, str]], timing_line: int, m: re.Match[str]) -> Cue | None:
    if not texts:
        return None
    text = ""
    for _, t in texts:
        text = join_text(text, t)
    text, change = take_speaker_change(text)
    return Cue(
        text=text,
        line=texts[0][0] + 1,
        start=round(parse_time(m.group("start")), 3),
        end=round(parse_time(m.group("end")), 3),
        new_speaker=change,
    )


def _transcript(
    fmt: str, cues: list[Cue], known_names: frozenset[str], chapter_starts: tuple[float, ...]
) -> RawTranscript:
    apply_prefix_labels(cues, known_names)
    return RawTranscript(
        format=fmt, turns=merge_cues(cues, carry_over=True, boundaries=chapter_starts)
    )


def read_srt_file(text: str, ctx: ReadContext) -> RawTranscript:
    return read_srt(text, ctx.known_names, ctx.chapter_starts)


def read_vtt_file(text: str, ctx: ReadContext) -> RawTranscript:
    return read_vtt(text, ctx.known_names, ctx.chapter_starts)
