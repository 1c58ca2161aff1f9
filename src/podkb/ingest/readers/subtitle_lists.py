"""Subtitle lists that are not SRT or WebVTT: YouTube's SBV, and the edit lists video editors keep.

YouTube SubViewer (`.sbv`, what YouTube Studio downloads):

    0:00:01.000,0:00:04.000
    Hello, this is a caption
    on two lines

A time line (`start,end`), the caption's lines, a blank line. Captions join into turns as SRT
cues do: a `Name:` prefix names the speaker and carries over, `>>` is a new, unnamed speaker.

Editors' subtitle lists (tab-separated, as tsv_edl for DaVinci Resolve writes them from an SRT):

    EDL<TAB>Record In<TAB>Record Out<TAB>Clipname<TAB>Subtitle
    * Intro
    EDL<TAB>00:00:00,280<TAB>00:00:09,760<TAB>| E67 |<TAB>What you're about to hear...

Each row is a caption: the Record In/Out timecodes are its times; the row mark (`EDL`, or `xxx`
and `---` for rows left out of the cut, still speech) and the clip name are never text; a
`Name:` prefix names the speaker as in SBV. Timecodes are milliseconds (`00:00:09,760`) or
frames (`01:00:09:18`). `* Section` lines are chapters; other lines between rows are the
editor's notes (metadata). `\\N` in a caption is a line break; `[ SPACE 3.7 secs ]` a pause.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..raw import RawChapter, RawTranscript
from ..shared.cues import Cue, apply_prefix_labels, join_text, merge_cues, take_speaker_change
from ..shared.nonspeech import is_marker_line, strip_markers
from ..shared.xmldoc import time_value

if TYPE_CHECKING:
    from ..context import ReadContext

_SBV_TS = r"\d{1,2}:\d{2}:\d{2}(?:\.\d{1,3})?"
_SBV_TIMING_RE = re.compile(rf"^\s*(?P<start>{_SBV_TS})\s*,\s*(?P<end>{_SBV_TS})\s*$")

# `00:00:09,760` (milliseconds, as in SRT) or `01:00:09:18` (frames, as editors show them).
_TC = r"\d{1,2}:\d{2}:\d{2}(?:[,.]\d{1,3}|[:;]\d{2})?"
# Decoding turns tabs into spaces, so a row is read by its shape: an optional row mark, the two
# timecodes, the clip name (`| name |` as tsv_edl writes it, or a media file's name), the caption.
_ROW_RE = re.compile(
    rf"^\s*(?:(?P<mark>EDL|xxx|---|[A-Za-z]{{1,8}})\s+)?(?P<start>{_TC})\s+(?P<end>{_TC})"
    r"(?:\s+(?:\|[^|]*\||[^\s|]+\.[A-Za-z0-9]{2,5}(?=\s|$)))?(?:\s+(?P<text>.*?))?\s*$"
)
# `EDL  Record In  Record Out  Clipname  Subtitle`, or more columns around the two (tab-separated).
_HEADER_RE = re.compile(
    r"(?i)^\s*(?:\S+\s+)?record in\s+record out\b|^\s*(?:[^\t\n]*\t)+record in\trecord out\b"
)
_SECTION_RE = re.compile(r"^\s*(\*+)\s+(?P<title>\S.*)$")
# Pauses tsv_edl writes as captions of their own: `[ SPACE 3.7 secs ]`.
_PAUSE_RE = re.compile(r"^\s*\[\s*SPACE\s+\d+(?:\.\d+)?\s*secs?\s*\]\s*$", re.I)
# Editors work at a frame rate the list does not state; frames are a fraction of a second.
_FRAME_RATE = 30.0


def looks_like_sbv(text: str) -> bool:
    """The first non-blank line is an SBV time line (`0:00:01.000,0:00:04.000`)."""
    for line in text.lstrip("\ufeff").split("\n", 8)[:8]:
        if line.strip():
            return bool(_SBV_TIMING_RE.match(line))
    return False


def looks_like_edit_list(text: str) -> bool:
    """A list whose header names Record In and Record Out, or whose first line is a row
    (`EDL  00:00:00,280  00:00:09,760  | clip |  text`)."""
    for line in text.lstrip("\ufeff").split("\n", 8)[:8]:
        if line.strip():
            return bool(_HEADER_RE.match(line) or _ROW_RE.match(line))
    return False


def read_sbv(
    text: str, known_names: frozenset[str] = frozenset(), chapter_starts: tuple[float, ...] = ()
) -> RawTranscript:
    raw = RawTranscript(format="sbv")
    lines = text.split("\n")
    cues: list[Cue] = []
    i = 0
    while i < len(lines):
        m = _SBV_TIMING_RE.match(lines[i])
        if not m:
            i += 1  # text outside a caption stays unaccounted: the account reports it
            continue
        raw.mark(i + 1, "timing")
        start, end = _timecode(m.group("start")), _timecode(m.group("end"))
        j = i + 1
        body: list[tuple[int, str]] = []
        while j < len(lines) and lines[j].strip() and not _SBV_TIMING_RE.match(lines[j]):
            body.append((j + 1, lines[j].strip()))
            j += 1
        cue = _cue(raw, body, start, end)
        if cue is not None:
            cues.append(cue)
        i = j
    return _finish(raw, cues, known_names, chapter_starts)


def read_edit_list(
    text: str, known_names: frozenset[str] = frozenset(), chapter_starts: tuple[float, ...] = ()
) -> RawTranscript:
    raw = RawTranscript(format="edit-list")
    cues: list[Cue] = []
    notes: list[str] = []
    pending_chapter: RawChapter | None = None
    columns: dict[str, int] | None = None
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        if columns is None and "\t" in line and _HEADER_RE.match(line):
            columns = _header_columns(line)
        row = _row(line, columns)
        if row is None:
            section = _SECTION_RE.match(line)
            if section:
                pending_chapter = RawChapter(title=section.group("title").strip())
                raw.chapters.append(pending_chapter)
            elif not _HEADER_RE.match(line):
                notes.append(line.strip())  # the editor's notes between rows
            raw.mark(n, "metadata")
            continue
        start, end = _timecode(row[0]), _timecode(row[1])
        if pending_chapter is not None:
            pending_chapter.start, pending_chapter = start, None
        caption = row[2].replace("\\N", "\n")
        cue = _cue(raw, [(n, t.strip()) for t in caption.split("\n")], start, end)
        if cue is not None:
            cues.append(cue)
        else:
            raw.mark(n, "timing")  # a row with times and no caption
    raw.description = "\n\n".join(notes) or None
    return _finish(raw, cues, known_names, chapter_starts)


# The columns a list's header names, by what they hold (tsv_edl's, and the extra ones editors'
# exports add: `Source In`/`Source Out`, `Reel`, `Notes`).
_COLUMN_NAMES = {
    "record in": "start",
    "record out": "end",
    "subtitle": "text",
    "subtitles": "text",
    "caption": "text",
    "text": "text",
}


def _header_columns(header: str) -> dict[str, int] | None:
    """Which tab-separated column holds the start, end and caption; None when the header does
    not name them all."""
    columns: dict[str, int] = {}
    for i, cell in enumerate(header.split("\t")):
        kind = _COLUMN_NAMES.get(" ".join(cell.strip().casefold().split()))
        if kind is not None and kind not in columns:
            columns[kind] = i
    return columns if {"start", "end", "text"} <= set(columns) else None


def _row(line: str, columns: dict[str, int] | None) -> tuple[str, str, str] | None:
    """A row's Record In, Record Out and caption: by the header's columns where it names them,
    else by the row's shape."""
    if columns:
        by_columns = _row_by_columns(line, columns)
        if by_columns is not None:
            return by_columns
    m = _ROW_RE.match(line)
    return (m.group("start"), m.group("end"), m.group("text") or "") if m else None


def _row_by_columns(line: str, columns: dict[str, int]) -> tuple[str, str, str] | None:
    """A tab-separated row by the header's columns: the Record In/Out and the caption, whatever
    other columns (source times, reel, clip, notes) stand around them."""
    cells = line.split("\t")
    if len(cells) <= max(columns["start"], columns["end"]):
        return None
    start, end = cells[columns["start"]].strip(), cells[columns["end"]].strip()
    if not (re.fullmatch(_TC, start) and re.fullmatch(_TC, end)):
        return None
    text_at = columns["text"]
    caption = cells[text_at].strip() if text_at < len(cells) else ""
    return start, end, caption


def _timecode(value: str) -> float | None:
    seconds = time_value(value.replace(";", ":").replace(",", "."), _FRAME_RATE)
    return None if seconds is None else round(seconds, 3)


def _cue(
    raw: RawTranscript, body: list[tuple[int, str]], start: float | None, end: float | None
) -> Cue | None:
    """A caption's lines as one cue; a caption that is only a pause or a marker is non-speech."""
    text = ""
    for _, piece in body:
        text = join_text(text, piece)
    if not text:
        return None
    if _PAUSE_RE.match(text) or is_marker_line(text):
        for n, _ in body:
            raw.mark(n, "non_speech")
        return None
    text, change = take_speaker_change(strip_markers(text))
    return Cue(
        text=text,
        line=body[0][0],
        end_line=body[-1][0],
        start=start,
        end=end,
        new_speaker=change,
    )


def _finish(
    raw: RawTranscript,
    cues: list[Cue],
    known_names: frozenset[str],
    chapter_starts: tuple[float, ...],
) -> RawTranscript:
    roles = apply_prefix_labels(cues, known_names)
    raw.hosts = [name for name, role in roles.items() if role == "host"]
    raw.guests = [name for name, role in roles.items() if role == "guest"]
    boundaries = tuple(
        sorted({*chapter_starts, *(c.start for c in raw.chapters if c.start is not None)})
    )
    raw.turns = merge_cues(cues, carry_over=True, boundaries=boundaries)
    return raw


def read_sbv_file(text: str, ctx: ReadContext) -> RawTranscript:
    return read_sbv(text, ctx.known_names, ctx.chapter_starts)


def read_edit_list_file(text: str, ctx: ReadContext) -> RawTranscript:
    return read_edit_list(text, ctx.known_names, ctx.chapter_starts)
