"""The subtitle readers: SubRip (SRT) and WebVTT, as captioning tools and meeting apps write them.

A cue's time becomes the turn's `start` and `end`; consecutive cues of one speaker become one
turn. The speaker comes from a WebVTT voice tag (`<v Sarah>`, as Teams writes it), which carries
over to the following cues until another voice is given (as the Podcasting 2.0 transcript spec
describes), or from a `Name:` / `[SPEAKER_00]:` prefix (Zoom), which carries over the same way.
A `>>` at the start of a cue is the captioning mark for a new, unnamed speaker; dialogue dashes
(`- Hi.` / `- Hello.` in one cue) are two people's lines.

Cues are found by their timing lines, so a cue whose text runs into the next timing line with no
blank line between is still read. YouTube's automatic captions show each line twice (a rolling
two-line display, and 10 ms "hold" cues that repeat the screen): a file that does this is read
with each caption line once, the repeats marked `duplicate`.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...catalog import name_key
from ..raw import RawTranscript
from ..shared.cues import Cue, apply_prefix_labels, join_text, merge_cues, take_speaker_change
from ..shared.labels import is_role_label, looks_like_name, split_label
from ..shared.nonspeech import is_marker_line, strip_pauses

if TYPE_CHECKING:
    from ..context import ReadContext

# Hours optional; Teams writes every field unpadded (`0:0:0.210`).
_TS = r"(?:\d+:)?\d{1,2}:\d{1,2}(?:[.,]\d{1,3})?"
_TIMING_RE = re.compile(rf"^\s*(?P<start>{_TS})\s*-->\s*(?P<end>{_TS})(?:\s+.*)?$")
_INDEX_RE = re.compile(r"^\s*\d+\s*$")
# A timestamp with a one-digit minute or second field: Teams, whose fraction is milliseconds
# written without padding (`0:0:6.90 --> 0:0:6.500` runs from 6.090 s to 6.500 s).
_UNPADDED_RE = re.compile(r"(?:^|[^\d:])(?:\d+:)?(?:\d:\d{1,2}|\d{1,2}:\d)[.,]\d")
# SubRip's formatting: <b> <i> <u> <s>, <font color="...">, and {\an8}-style positioning.
_SRT_TAG_RE = re.compile(r"</?[ibus]>|<font(?:\s[^<>]*)?>|</font>|\{\\[^}]*\}", re.I)
_VTT_VOICE_RE = re.compile(r"<v(?:\.[^\s>]*)*(?:\s+(?P<name>[^>]*))?>")
# Every WebVTT tag: <c.colorE5E5E5>, </c>, <i>, YouTube's word times <00:05:04.199>, <lang en>.
_VTT_TAG_RE = re.compile(r"<[^>]*>")
_VTT_BLOCK_KEYWORDS = ("NOTE", "STYLE", "REGION")
_LANGUAGE_HEADER_RE = re.compile(r"^Language:\s*([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)\s*$")
# A subtitle dialogue dash: one dash (not the `--` of an interrupted sentence), then the line.
_DASH_RE = re.compile(r"^[-‐–](?![-‐–])(?:\s+|(?=[^\W\d_]))(?=\S)")
_STRAY_RE = re.compile(r"[.,;:!?…。，、·\-–—]{1,3}")
# `[Maya] Welcome back.`: a bracketed name before the words, as hand-made captions write it
# (after a dialogue dash, or opening a cue).
_BRACKET_NAME_RE = re.compile(r"^\[(?P<name>[^\[\]\n]{1,40})\]\s*(?P<rest>[^\s:：].*)$", re.DOTALL)
# A label inside a cue, after another speaker's finished sentence: `... lobsters. Dan: I love`.
_MID_LABEL_RE = re.compile(
    r"(?<=[.!?…\"”])\s+(?P<name>[A-Z][\w'’.\-]*(?: [A-Z][\w'’.\-]*){0,3})\s?:\s+(?=\S)"
)


@dataclass
class _Block:
    """A cue as the file shows it: its timing line and its payload lines (0-based)."""

    timing: int
    start: float
    end: float
    lines: list[tuple[int, str]]


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
    raw = RawTranscript(format="srt")
    lines = text.split("\n")
    timings = [i for i, ln in enumerate(lines) if _TIMING_RE.match(ln)]
    unpadded = _is_unpadded(lines, timings)
    blocks: list[_Block] = []
    for n, i in enumerate(timings):
        raw.mark(i + 1, "timing")
        stop = timings[n + 1] if n + 1 < len(timings) else len(lines)
        body = list(range(i + 1, stop))
        while body and not lines[body[-1]].strip():
            body.pop()
        if n + 1 < len(timings) and body and _INDEX_RE.match(lines[body[-1]]):
            raw.mark(body.pop() + 1, "timing")  # the next cue's number
        payload = [(j, _SRT_TAG_RE.sub("", lines[j])) for j in body]
        blocks.append(_block(lines[i], i, payload, unpadded))
    if timings and timings[0] > 0 and _INDEX_RE.match(lines[timings[0] - 1]):
        raw.mark(timings[0], "timing")  # the first cue's number
    cues: list[Cue] = []
    for block in _drop_rolling_repeats(blocks, raw, _srt_text):
        cues.extend(_cues(block.lines, block, _srt_text, raw))
    return _finish(raw, cues, known_names, chapter_starts)


def read_vtt(
    text: str, known_names: frozenset[str] = frozenset(), chapter_starts: tuple[float, ...] = ()
) -> RawTranscript:
    """WebVTT: the header (`WEBVTT`, `Kind:`, `Language:`, YouTube's `Style:` lines), NOTE,
    STYLE and REGION blocks (metadata), and cues: an optional identifier line, the timing line,
    and the payload up to an empty line or the next timing line."""
    raw = RawTranscript(format="vtt")
    lines = text.split("\n")
    timings = [i for i, ln in enumerate(lines) if _TIMING_RE.match(ln)]
    timing_set = set(timings)
    unpadded = _is_unpadded(lines, timings)
    i = 0
    while i < len(lines) and lines[i].strip() and i not in timing_set:  # the header block
        raw.mark(i + 1, "metadata")
        m = _LANGUAGE_HEADER_RE.match(lines[i])
        if m:
            raw.lang = m.group(1)  # YouTube states the track's language: `Language: en`
        i += 1
    blocks: list[_Block] = []
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        if i in timing_set:
            raw.mark(i + 1, "timing")
            j = i + 1
            while j < len(lines) and lines[j] != "" and j not in timing_set:
                j += 1
            payload = [(k, lines[k]) for k in range(i + 1, j)]
            if not payload:
                j, payload = _payload_after_blank(lines, j, timing_set)
            if j in timing_set and _ends_with_identifier(payload):
                raw.mark(payload.pop()[0] + 1, "timing")
            blocks.append(_block(lines[i], i, payload, unpadded))
            i = j
            continue
        if i + 1 in timing_set:
            raw.mark(i + 1, "timing")  # a cue identifier (Zoom numbers its cues, Teams ids them)
            i += 1
            continue
        start = i
        while i < len(lines) and lines[i].strip() and i not in timing_set:
            i += 1
        if lines[start].split(" ", 1)[0].strip() in _VTT_BLOCK_KEYWORDS:
            raw.mark_lines(start + 1, i, "metadata")
            if lines[start].strip() == "NOTE":
                _note_fields(raw, lines[start + 1 : i])
        # Any other block is not a cue: the spec says to skip it; its lines stay unaccounted.
    cues: list[Cue] = []
    carried: list[bool] = []  # the cue's voice came from an earlier cue's tag
    voice: str | None = None
    for block in _drop_rolling_repeats(blocks, raw, _vtt_shown):
        for piece_voice, texts in _voice_pieces(block.lines):
            if piece_voice is not None:
                voice = piece_voice
            for cue in _cues(texts, block, _vtt_text, raw):
                if voice is not None and not cue.new_speaker:
                    cue.label = voice
                if cue.new_speaker:
                    voice = None  # `>>` or a dash: someone else speaks; the voice no longer holds
                carried.append(piece_voice is None and cue.label is not None)
                cues.append(cue)
    _prefixes_over_carried_voices(cues, carried, known_names)
    return _finish(raw, cues, known_names, chapter_starts)


def _prefixes_over_carried_voices(
    cues: list[Cue], carried: list[bool], known: frozenset[str]
) -> None:
    """`<v Travis> ...` cues, then a cue that opens with `Gilon:` (the Podcasting 2.0 example
    mixes both): the label names the new speaker, and the cues after it are that speaker's
    until the next voice tag. Only a label the file confirms (used twice, as a label or a
    voice; a role label; a known name): a carried voice is not lightly overruled."""
    found = [(i, split_label(cue.text, known)) for i, cue in enumerate(cues) if carried[i]]
    candidates = [(i, cand) for i, cand in found if cand is not None]
    if not candidates:
        return
    uses = Counter(name_key(cand.name) for _, cand in candidates)
    uses.update(
        {name_key(c.label) for c, was in zip(cues, carried, strict=True) if c.label and not was}
    )
    for i, cand in candidates:
        key = name_key(cand.name)
        if not (uses[key] >= 2 or is_role_label(cand.name) or key in known):
            continue
        previous = cues[i].label
        cues[i].label, cues[i].text = cand.name, cand.rest
        j = i + 1
        while j < len(cues) and carried[j] and cues[j].label == previous:
            cues[j].label = cand.name  # the voice carried on was the label's now
            j += 1


# What podkb's own WebVTT writes in a NOTE block after the header: `title: ...`, `show: ...`.
_NOTE_FIELD_RE = re.compile(r"^(episode_id|title|show|date):[ \t]+(\S.*?)\s*$")


def _note_fields(raw: RawTranscript, lines: list[str]) -> None:
    """The episode's id, title, show and date from a NOTE block whose every line is one."""
    found = [_NOTE_FIELD_RE.match(line) for line in lines]
    if not found or not all(found):
        return  # a comment, not fields
    for m in found:
        assert m is not None
        key, value = m.group(1), m.group(2)
        if getattr(raw, key) is None:
            setattr(raw, key, value)


def _payload_after_blank(
    lines: list[str], j: int, timing_set: set[int]
) -> tuple[int, list[tuple[int, str]]]:
    """A cue with no text, then a blank line and a block of text that is neither a cue (no
    timing line, no identifier before one) nor a NOTE, STYLE or REGION: hand-made captions put
    a cue's text there (a section's question under its time). The spec would skip the block;
    its words would be lost, so it is read as the cue's text. Returns where the cue ends."""
    k = j
    while k < len(lines) and not lines[k].strip() and k not in timing_set:
        k += 1
    if k >= len(lines) or k == j or k in timing_set or k + 1 in timing_set:
        return j, []
    if lines[k].split(" ", 1)[0].strip() in _VTT_BLOCK_KEYWORDS:
        return j, []
    end = k
    while end < len(lines) and lines[end].strip() and end not in timing_set:
        end += 1
    if end in timing_set:
        return j, []  # the block runs into the next cue's timing: an identifier, not text
    return end, [(n, lines[n]) for n in range(k, end)]


def _block(timing_line: str, index: int, payload: list[tuple[int, str]], unpadded: bool) -> _Block:
    m = _TIMING_RE.match(timing_line)
    assert m is not None
    return _Block(
        timing=index,
        start=_seconds(m.group("start"), unpadded),
        end=_seconds(m.group("end"), unpadded),
        lines=payload,
    )


def _is_unpadded(lines: list[str], timings: list[int]) -> bool:
    return any(_UNPADDED_RE.search(lines[i]) for i in timings)


def _seconds(value: str, unpadded: bool) -> float:
    """`01:02:03.500`, `00:01,5` or Teams' `0:0:6.90` (6.090 s) as seconds."""
    clock, _, fraction = value.replace(",", ".").partition(".")
    seconds = 0.0
    for part in clock.split(":"):
        seconds = seconds * 60 + int(part)
    if fraction:
        seconds += int(fraction) / 1000 if unpadded else float(f"0.{fraction}")
    return round(seconds, 3)


def _ends_with_identifier(payload: list[tuple[int, str]]) -> bool:
    """Whether the payload's last line is the next cue's identifier, not cue text: the cue ran
    into the next one with no empty line, but a whitespace-only line stood before that line."""
    return len(payload) >= 2 and not payload[-2][1].strip() and bool(payload[-1][1].strip())


def _vtt_text(line: str) -> str:
    """A payload line's text: tags removed (voice ends too), character references decoded."""
    return html.unescape(_VTT_TAG_RE.sub("", line)).strip()


def _vtt_shown(line: str) -> str:
    """A payload line as the rolling-repeat check compares it: its text with the voice that says
    it, so that two speakers saying the same words ("Yes." / "Yes.") are never one repeat."""
    text = _vtt_text(line)
    voices = [m.group("name") or "" for m in _VTT_VOICE_RE.finditer(line)]
    return f"{' '.join(voices)}: {text}" if text and voices else text


def _srt_text(line: str) -> str:
    return line.strip()  # SubRip's tags are gone already; `<` and `&` are text in SRT


def _drop_rolling_repeats(
    blocks: list[_Block], raw: RawTranscript, text_of: Callable[[str], str]
) -> list[_Block]:
    """Each caption line once, for files that show every line twice (YouTube's automatic
    captions): a cue's leading lines that repeat the previous cue's last lines are marked
    `duplicate` and dropped. Other files are left as they are: there, a cue that repeats the
    last one ("Yeah." / "Yeah.") is speech said twice."""
    plain = [[(j, " ".join(text_of(t).split())) for j, t in b.lines if text_of(t)] for b in blocks]
    shown = [[t for _, t in cue] for cue in plain]
    repeats = sum(1 for prev, cur in zip(shown, shown[1:], strict=False) if _overlap(prev, cur))
    if repeats < 2 or repeats * 3 < len(blocks):
        return blocks
    kept: list[_Block] = []
    previous: list[str] = []
    for block, cue in zip(blocks, plain, strict=True):
        texts = [t for _, t in cue]
        overlap = _overlap(previous, texts)
        repeated = {j for j, _ in cue[:overlap]}
        if overlap == len(texts):  # the whole cue is a repeat: its markup-only lines too
            repeated.update(j for j, t in block.lines if t.strip())
        for j in sorted(repeated):
            raw.mark(j + 1, "duplicate")
        lines = [x for x in block.lines if x[0] not in repeated]
        kept.append(_Block(block.timing, block.start, block.end, lines))
        if texts:
            previous = texts
    return kept


def _overlap(previous: list[str], current: list[str]) -> int:
    """How many of `current`'s first lines repeat `previous`'s last lines."""
    for k in range(min(len(previous), len(current)), 0, -1):
        if current[:k] == previous[-k:]:
            return k
    return 0


def _voice_pieces(payload: list[tuple[int, str]]) -> list[tuple[str | None, list[tuple[int, str]]]]:
    """A cue's payload split where a `<v Name>` tag starts, tags kept (they are removed later).

    A piece with no voice tag has voice None (the voice in force carries over to it).
    """
    pieces: list[tuple[str | None, list[tuple[int, str]]]] = [(None, [])]
    for line_no, raw_line in payload:
        pos = 0
        for m in _VTT_VOICE_RE.finditer(raw_line):
            before = raw_line[pos : m.start()]
            if before.strip():
                pieces[-1][1].append((line_no, before))
            name = _vtt_text(m.group("name") or "") or None
            pieces.append((name, []))
            pos = m.end()
        rest = raw_line[pos:]
        if rest.strip():
            pieces[-1][1].append((line_no, rest))
    return [(voice, texts) for voice, texts in pieces if texts or voice is not None]


def _cues(
    texts: list[tuple[int, str]],
    block: _Block,
    text_of: Callable[[str], str],
    raw: RawTranscript | None = None,
) -> list[Cue]:
    """One cue's text as cues: one, or one per dialogue dash (`- Hi.` / `- Hello.`)."""
    clean = [(j, text_of(t)) for j, t in texts]
    clean = [(j, t) for j, t in clean if t]
    # A stray fragment alone on the first line (`.`, `,`, `…`, left over from the previous
    # cue's sentence) is no text, and must not hide the label that opens the next line.
    while len(clean) > 1 and _STRAY_RE.fullmatch(clean[0][1]):
        if raw is not None:
            raw.mark(clean[0][0] + 1, "non_speech")
        clean = clean[1:]
    pieces: list[tuple[bool, list[tuple[int, str]]]] = []
    for j, t in clean:
        m = _DASH_RE.match(t)
        if m:
            pieces.append((True, [(j, t[m.end() :])]))
        elif pieces:
            pieces[-1][1].append((j, t))
        else:
            pieces.append((False, [(j, t)]))
    cues = []
    for dash, piece in pieces:
        text = ""
        for _, t in piece:
            text = join_text(text, t)
        text, change = take_speaker_change(text)
        cues.append(
            Cue(
                text=text,
                line=piece[0][0] + 1,
                end_line=piece[-1][0] + 1,
                start=block.start,
                end=block.end,
                new_speaker=change or dash,
                dash=dash,
            )
        )
    return cues


def _finish(
    raw: RawTranscript,
    cues: list[Cue],
    known_names: frozenset[str],
    chapter_starts: tuple[float, ...],
) -> RawTranscript:
    _bracket_labels(cues, known_names)
    roles = apply_prefix_labels(cues, known_names)
    cues = _split_mid_cue_labels(cues)
    cues = _without_pauses(cues, raw)
    raw.hosts = [name for name, role in roles.items() if role == "host"]
    raw.guests = [name for name, role in roles.items() if role == "guest"]
    raw.turns = merge_cues(cues, carry_over=True, boundaries=chapter_starts)
    return raw


def _bracket_labels(cues: list[Cue], known: frozenset[str]) -> None:
    """`- [Maya] Welcome back.`: the name in brackets is the speaker (the brackets never reach
    the text), where it is a name used so twice or known, and not a sound (`[Music]`)."""
    found = []
    for i, cue in enumerate(cues):
        if cue.label is not None or "[" not in cue.text[:1]:
            continue
        m = _BRACKET_NAME_RE.match(cue.text)
        if (
            m
            and looks_like_name(m.group("name").strip())
            and not is_marker_line(m.group(0)[: m.end("name") + 1])
        ):
            found.append((i, m.group("name").strip(), m.group("rest")))
    counts = Counter(name_key(name) for _, name, _ in found)
    # A file that names its speakers so (one name twice): a name once after a dialogue dash too.
    named = any(n >= 2 for n in counts.values())
    for i, name, rest in found:
        key = name_key(name)
        if counts[key] >= 2 or key in known or (named and cues[i].dash):
            cues[i].label, cues[i].text = name, rest
        elif _styled_speaker_name(name):
            cues[i].label, cues[i].text, cues[i].carries = name, rest, False


# `[Gasps]`, `[Laughing]`, `[Cheered]`: a sound is written as a verb.
_SOUND_VERB_RE = re.compile(r"(?:s|ing|ed)$")


def _styled_speaker_name(name: str) -> bool:
    """`[Alba] En 1928,`: subtitlers' style guides (Netflix's among them) name an off-screen
    speaker in brackets in the name's own capitals and write sounds as verbs in lower case
    (`[laughs]`): a name in title case, not a verb, is a speaker even used once."""
    words = name.split()
    return (
        1 <= len(words) <= 3
        and all(w[:1].isupper() and not w.isupper() for w in words)
        and not _SOUND_VERB_RE.search(words[-1])
    )


def _split_mid_cue_labels(cues: list[Cue]) -> list[Cue]:
    """`Bekah: ... lobsters. Dan: I love lobsters.`: a label the file uses elsewhere (or the
    first name of one), after a finished sentence inside a cue, starts that speaker's cue.
    Both pieces keep the cue's times (the file gives none for the second)."""
    labels = {name_key(c.label) for c in cues if c.label}
    if not labels:
        return cues
    firsts = {k.split()[0] for k in labels if len(k.split()) > 1}
    out: list[Cue] = []
    for cue in cues:
        pieces = [cue]
        if ":" in cue.text:
            pieces = _split_cue(cue, labels, firsts)
        out.extend(pieces)
    return out


def _split_cue(cue: Cue, labels: set[str], firsts: set[str]) -> list[Cue]:
    pieces: list[Cue] = []
    text, label = cue.text, cue.label
    pos = 0
    for m in _MID_LABEL_RE.finditer(cue.text):
        key = name_key(m.group("name"))
        if key not in labels and key.split()[0] not in labels | firsts:
            continue
        pieces.append(_piece(cue, text[pos : m.start()], label, first=not pieces))
        label, pos = m.group("name"), m.end()
    if not pieces:
        return [cue]
    pieces.append(_piece(cue, text[pos:], label, first=False))
    return [p for p in pieces if p.text.strip()]


def _piece(cue: Cue, text: str, label: str | None, *, first: bool) -> Cue:
    return Cue(
        text=text.strip(),
        line=cue.line,
        start=cue.start,
        end=cue.end,
        label=label,
        new_speaker=cue.new_speaker if first else False,
        end_line=cue.end_line,
        dash=cue.dash if first else False,
    )


def _without_pauses(cues: list[Cue], raw: RawTranscript) -> list[Cue]:
    """Pause markers (`[ SPACE 3 secs ]`) are not speech: a cue of nothing else is left out
    (its lines `non_speech`), and they are taken out of a cue's words, so that they never reach
    the text or the language guess (their Latin letters make a short Chinese line look
    Spanish)."""
    kept = []
    for cue in cues:
        text = strip_pauses(cue.text)
        if not text:
            raw.mark_lines(cue.line, cue.end_line or cue.line, "non_speech")
            continue
        cue.text = text
        kept.append(cue)
    return kept


def read_srt_file(text: str, ctx: ReadContext) -> RawTranscript:
    return read_srt(text, ctx.known_names, ctx.chapter_starts)


def read_vtt_file(text: str, ctx: ReadContext) -> RawTranscript:
    return read_vtt(text, ctx.known_names, ctx.chapter_starts)
