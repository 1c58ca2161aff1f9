"""Otter-style text exports: a `Name  0:00` (or `1:02:03`) line, then what that person said.

    Sarah Chen  0:00
    Welcome back to the show.

    Mark Davis  0:04
    Thanks for having me.

The header line's time is the turn's start. "Unknown Speaker" is Otter's way of saying it does
not know: such turns keep no speaker. The "Transcribed by https://otter.ai" footer is not speech.
Sites that publish Otter exports as Markdown bold the name (`**Kelly**  0:00`); some exports put
the same `0:00 ` in front of every line, which says nothing and is taken off.

Zoom's saved captions have the same layout with the name in brackets (`[Janet Dough] 11:02:09`);
their times are the meeting's clock, not positions in the recording. A file whose first
bracketed header is at an hour or later is read as such: speakers, and no start times (the
recording's own start is not in the file, and a guessed offset would be an invented time).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..raw import RawTranscript, RawTurn
from ..shared.labels import is_role_label, looks_like_name, parse_time
from ..shared.nonspeech import is_marker_line, strip_markers
from .timestamped import is_sentence

if TYPE_CHECKING:
    from ..context import ReadContext

# `Sarah Chen  0:00`; some tools put a bar or a dash between (`Sarah Chen | 00:00:05`).
_HEADER_RE = re.compile(
    r"^(?P<name>\S.{0,59}?)(?:\s+[|\-\u2013\u2014])?\s+(?P<ts>\d{1,2}:\d{2}(?::\d{2})?)\s*$"
)
_BRACKET_HEADER_RE = re.compile(r"^\[(?P<name>[^\[\]]{1,60})\]\s+(?P<ts>\d{1,2}:\d{2}:\d{2})\s*$")
_FOOTER_RE = re.compile(r"(?i)^transcribed by\s+https?://(?:www\.)?otter\.ai\S*$")
_UNKNOWN = {"unknown speaker", "unknown", "未知说话人", "未知說話人"}
_ANY_TIME_RE = re.compile(r"\d:\d")
_BOLD_RE = re.compile(r"^(?:\*\*|__)(.+?)(?:\*\*|__)$")
# `0:00 ` in front of every line (header and text alike): an export artefact, not a time.
_LINE_PREFIX_RE = re.compile(r"^(\d{1,2}:\d{2}) (?=\S)")


def _header(line: str) -> tuple[str, float] | None:
    line = line.strip()
    m = _BRACKET_HEADER_RE.match(line) or _HEADER_RE.match(line)
    if not m:
        return None
    name = m.group("name").strip()
    bold = _BOLD_RE.match(name)
    if bold:
        name = bold.group(1).strip()
    if not (looks_like_name(name) or is_role_label(name) or name.casefold() in _UNKNOWN):
        return None
    return name, parse_time(m.group("ts"))


def _strip_line_prefix(lines: list[str]) -> list[str]:
    """Lines without a `0:00 ` that every non-blank line starts with (the same on all of them)."""
    prefixes = {m.group(1) if (m := _LINE_PREFIX_RE.match(ln)) else None for ln in lines if ln}
    if len(prefixes) != 1 or None in prefixes:
        return lines
    return [_LINE_PREFIX_RE.sub("", ln, count=1) for ln in lines]


def _lines(text: str) -> list[str]:
    return _strip_line_prefix([ln.strip() for ln in text.split("\n")])


def looks_like_otter(text: str) -> bool:
    """At least two header lines, the first near the top, and about one header per paragraph."""
    if not _ANY_TIME_RE.search(text):
        return False  # a header's time is digits, a colon, digits: one scan rules out the rest
    lines = [ln for ln in _lines(text) if ln]
    headers = [i for i, ln in enumerate(lines) if _header(ln)]
    if len(headers) < 2 or headers[0] > 3:
        return False
    others = len(lines) - len(headers)
    followed = sum(1 for i in headers if i + 1 < len(lines) and not _header(lines[i + 1]))
    return followed >= 0.8 * len(headers) and len(headers) >= 0.3 * others


def _clock_times(text: str) -> bool:
    """Whether the headers are Zoom's saved captions at the meeting's clock: bracketed names,
    the first at 1:00:00 or later (a recording's positions start near zero)."""
    for line in _lines(text):
        if _header(line):
            m = _BRACKET_HEADER_RE.match(line)
            return m is not None and parse_time(m.group("ts")) >= 3600
    return False


def read_otter(text: str) -> RawTranscript:
    raw = RawTranscript(format="otter")
    clock = _clock_times(text)
    current: RawTurn | None = None
    preamble: list[tuple[int, str]] = []
    for n, stripped in enumerate(_lines(text), start=1):
        if not stripped:
            continue
        if _FOOTER_RE.match(stripped):
            raw.mark(n, "chrome")
            continue
        header = _header(stripped)
        if header is not None:
            name, start = header
            label = None if name.casefold() in _UNKNOWN else name
            raw.mark(n, "label")
            current = RawTurn(text="", line=n, label=label, start=None if clock else start)
            raw.turns.append(current)
        elif current is None and is_sentence(stripped):
            # Said before the first header (a prologue, an opening note): nobody is named.
            current = RawTurn(text=strip_markers(stripped), line=n, end_line=n)
            raw.turns.append(current)
        elif current is None:
            raw.mark(n, "metadata")
            preamble.append((n, stripped))
        elif is_marker_line(stripped):
            raw.mark(n, "non_speech")
        else:
            spoken = strip_markers(stripped)
            current.text = f"{current.text}\n\n{spoken}" if current.text else spoken
            current.end_line = n
    if len(preamble) == 1 and len(preamble[0][1]) <= 200:
        raw.title = preamble[0][1].lstrip("#").strip()
    elif preamble:
        raw.description = "\n\n".join(p for _, p in preamble)
    raw.turns = [t for t in raw.turns if t.text]
    return raw


def read(text: str, ctx: ReadContext) -> RawTranscript:
    return read_otter(text)
