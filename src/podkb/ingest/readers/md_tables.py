"""Transcripts published as Markdown (pipe) tables: a time column, a text column, perhaps a
speaker column.

    | Time    | Transcript                          | Video                          |
    |---------|-------------------------------------|--------------------------------|
    | 0:00:12 | Call the meeting to order, please.  | [source video](...?start=12)   |

    | # | Start  | End    | Speaker    | Text                  |
    |---|--------|--------|------------|-----------------------|
    | 1 | 0.00s  | 4.20s  | SPEAKER_00 | Welcome back.         |

Meeting archives publish machine transcripts so, and transcription tools export them so, one
row a segment. A row's time is its start (and its end, where a column gives it); the speaker
column names its speaker; other columns (a row number, a link to the video at that moment) are
not text. Rows of one speaker are one turn; without a speaker column, rows are joined up to the
end of a sentence. Headings around the table are the title and metadata; other lines around it
are speech of an unknown speaker, never dropped.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..raw import RawTranscript, RawTurn
from ..shared.chrome import is_transcript_marker
from ..shared.cues import Cue, merge_cues
from ..shared.labels import parse_time
from ..shared.nonspeech import strip_markers
from .markdown import apply_front_matter, front_matter

if TYPE_CHECKING:
    from ..context import ReadContext

_ROW_RE = re.compile(r"^\s*\|(?P<cells>.*)\|\s*$")
_RULE_RE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_CELL_SPLIT_RE = re.compile(r"(?<!\\)\|")
_START_COLUMNS = {"time", "start", "start time", "timestamp", "begin", "timecode", "from", "in"}
_END_COLUMNS = {"end", "end time", "stop", "to", "out"}
_TEXT_COLUMNS = {"text", "transcript", "transcription", "caption", "subtitle", "content"}
_TEXT_COLUMNS |= {"utterance", "words", "dialogue", "内容", "文本", "字幕", "台词"}
_SPEAKER_COLUMNS = {"speaker", "speaker name", "name", "who", "说话人", "說話人", "发言人"}
# `0:00:12`, `00:01:02,500`, `1:02`, `12.34s`, `12.34`: the times the tables write.
_TIME_RE = re.compile(
    r"^(?P<clock>\d{1,2}(?::\d{1,2}){1,2}(?:[.,]\d{1,3})?)$|^(?P<s>\d+(?:\.\d+)?)s?$"
)
_LINK_RE = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NO_SPEAKER = {"", "-", "—", "–", "unknown", "n/a", "none", "?"}
# Enough rows to call the file a table transcript, and most of its lines in the table.
_MIN_ROWS = 3
_MIN_SHARE = 0.5


def _cells(line: str) -> list[str] | None:
    m = _ROW_RE.match(line)
    if not m:
        return None
    return [c.strip().replace("\\|", "|") for c in _CELL_SPLIT_RE.split(m.group("cells"))]


def _column_name(cell: str) -> str:
    return " ".join(cell.strip("*_` ").casefold().split())


def _columns(header: list[str]) -> dict[str, int] | None:
    """Which cell is the start, end, text and speaker; None when there is no start or text."""
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        name = _column_name(cell)
        for kind, names in (
            ("start", _START_COLUMNS),
            ("end", _END_COLUMNS),
            ("text", _TEXT_COLUMNS),
            ("speaker", _SPEAKER_COLUMNS),
        ):
            if name in names and kind not in found:
                found[kind] = i
    return found if "start" in found and "text" in found else None


def _table(lines: list[str]) -> tuple[int, dict[str, int]] | None:
    """The header row's index and its columns: the first row followed by a rule row."""
    for i in range(len(lines) - 1):
        header = _cells(lines[i])
        if header is None or not _RULE_RE.match(lines[i + 1]):
            continue
        columns = _columns(header)
        if columns is not None:
            return i, columns
    return None


def _time(cell: str) -> float | None:
    m = _TIME_RE.match(_LINK_RE.sub(r"\1", cell).strip("[]() "))
    if not m:
        return None
    return parse_time(m.group("clock")) if m.group("clock") else float(m.group("s"))


def looks_like_time_table(text: str) -> bool:
    """A pipe table with a time and a text column holding most of the file's lines."""
    if "|" not in text[:20_000]:
        return False
    lines = text.split("\n")
    found = _table(lines[:400])
    if found is None:
        return False
    header, _ = found
    rows = sum(1 for ln in lines[header + 2 :] if _cells(ln) is not None)
    non_blank = sum(1 for ln in lines if ln.strip())
    return rows >= _MIN_ROWS and rows + 2 >= _MIN_SHARE * non_blank


def read_time_table(text: str, path: str = "") -> RawTranscript:
    raw = RawTranscript(format="table")
    lines = text.split("\n")
    fence, front = front_matter(lines, path)
    if fence is not None:
        raw.mark_lines(1, fence + 1, "metadata")
        lines[: fence + 1] = [""] * (fence + 1)
    found = _table(lines)
    assert found is not None  # looks_like_time_table said so
    header, columns = found
    raw.mark(header + 1, "metadata")
    raw.mark(header + 2, "timing")  # the rule under the header
    cues: list[Cue] = []
    end = header + 2
    while end < len(lines) and (cells := _cells(lines[end])) is not None:
        cue = _cue(cells, columns, end + 1)
        if cue is not None:
            cues.append(cue)
        elif columns["text"] < len(cells) and cells[columns["text"]]:
            raw.mark(end + 1, "non_speech")  # `[laughs]`: heard, not said
        else:
            raw.mark(end + 1, "timing")  # a row with no words: its times only
        end += 1
    _around(lines[:header], 0, raw)
    _around(lines[end:], end, raw)
    # A row names its own speaker or none: an empty or `UNKNOWN` cell never inherits one.
    turns = merge_cues(cues, carry_over=False)
    raw.turns = sorted([*raw.turns, *turns], key=lambda t: t.line)
    apply_front_matter(raw, front)
    return raw


def _cue(cells: list[str], columns: dict[str, int], line: int) -> Cue | None:
    def cell(kind: str) -> str:
        i = columns.get(kind)
        return cells[i] if i is not None and i < len(cells) else ""

    words = strip_markers(_LINK_RE.sub(r"\1", cell("text")).replace("<br>", " ")).strip()
    if not words:
        return None
    speaker = cell("speaker").strip("*_ ")
    return Cue(
        text=" ".join(words.split()),
        line=line,
        start=_time(cell("start")),
        end=_time(cell("end")),
        label=None if speaker.casefold() in _NO_SPEAKER else speaker,
    )


def _around(lines: list[str], offset: int, raw: RawTranscript) -> None:
    """Lines before and after the table: headings name the episode (the first) or are metadata;
    anything else is speech of an unknown speaker, each paragraph its own turn."""
    paragraph: RawTurn | None = None
    for n, line in enumerate(lines, start=offset + 1):
        stripped = line.strip()
        if not stripped:
            paragraph = None
            continue
        if stripped.startswith("#"):
            raw.mark(n, "metadata")
            heading = stripped.lstrip("#").strip()
            if _DATE_RE.match(heading) and raw.date is None:
                raw.date = heading
            elif raw.title is None and not is_transcript_marker(heading):
                raw.title = _LINK_RE.sub(r"\1", heading).strip() or None
            paragraph = None
            continue
        said = _LINK_RE.sub(r"\1", stripped)
        if paragraph is None:
            paragraph = RawTurn(text=said, line=n, end_line=n)
            raw.turns.append(paragraph)
        else:
            paragraph.text = f"{paragraph.text} {said}"
            paragraph.end_line = n


def read(text: str, ctx: ReadContext) -> RawTranscript:
    return read_time_table(text, ctx.path)
