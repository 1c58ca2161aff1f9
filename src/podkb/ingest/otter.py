"""Otter-style text exports: a `Name  0:00` (or `1:02:03`) line, then what that person said.

    Sarah Chen  0:00
    Welcome back to the show.

    Mark Davis  0:04
    Thanks for having me.

The header line's time is the turn's start. "Unknown Speaker" is Otter's way of saying it does
not know: such turns keep no speaker. The "Transcribed by https://otter.ai" footer is not speech.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .labels import is_role_label, looks_like_name, parse_time
from .raw import RawTranscript, RawTurn

if TYPE_CHECKING:
    from .formats import ReadContext

_HEADER_RE = re.compile(r"^(?P<name>\S.{0,59}?)\s+(?P<ts>\d{1,2}:\d{2}(?::\d{2})?)\s*$")
_FOOTER_RE = re.compile(r"(?i)^transcribed by\s+https?://(?:www\.)?otter\.ai\S*$")
_UNKNOWN = {"unknown speaker", "unknown", "未知说话人", "未知說話人"}


def _header(line: str) -> tuple[str, float] | None:
    m = _HEADER_RE.match(line.strip())
    if not m:
        return None
    name = m.group("name").strip()
    if not (looks_like_name(name) or is_role_label(name) or name.casefold() in _UNKNOWN):
        return None
    return name, parse_time(m.group("ts"))


def looks_like_otter(text: str) -> bool:
    """At least two header lines, the first near the top, and about one header per paragraph."""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    headers = [i for i, ln in enumerate(lines) if _header(ln)]
    if len(headers) < 2 or headers[0] > 3:
        return False
    others = len(lines) - len(headers)
    followed = sum(1 for i in headers if i + 1 < len(lines) and not _header(lines[i + 1]))
    return followed >= 0.8 * len(headers) and len(headers) >= 0.3 * others


def read_otter(text: str) -> RawTranscript:
    raw = RawTranscript(format="otter")
    current: RawTurn | None = None
    preamble: list[str] = []
    for n, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped or _FOOTER_RE.match(stripped):
            continue
        header = _header(stripped)
        if header is not None:
            name, start = header
            label = None if name.casefold() in _UNKNOWN else name
            current = RawTurn(text="", line=n, label=label, start=start)
            raw.turns.append(current)
        elif current is None:
            preamble.append(stripped)
        else:
            current.text = f"{current.text}\n\n{stripped}" if current.text else stripped
    if len(preamble) == 1 and len(preamble[0]) <= 200:
        raw.title = preamble[0]
    elif preamble:
        raw.description = "\n\n".join(preamble)
    raw.turns = [t for t in raw.turns if t.text]
    return raw


def read(text: str, ctx: ReadContext) -> RawTranscript:
    return read_otter(text)
