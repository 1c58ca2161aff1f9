"""Podlove Simple Transcripts XML, as Podlove Publisher exports it.

    <pst:transcripts version="1.0" xmlns:pst="http://podlove.org/simple-transcripts">
      <pst:speech>
        <pst:speaker>Maya Chen</pst:speaker>
        <pst:item start="00:00:00.500" end="00:00:03.200">Welcome back to Field Notes.</pst:item>
        <pst:item start="00:00:03.200" end="00:00:06.000">Today: weather stations.</pst:item>
      </pst:speech>
      ...

A `pst:speech` is one speaker's stretch of talk; its items are the timed pieces of that turn
(their starts are kept in `times`). An item may also carry its own `speaker` attribute. A speech
without a speaker keeps none.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ...text import word_count
from ..raw import RawTranscript, RawTurn
from ..shared.cues import join_text
from ..shared.nonspeech import is_marker_line, strip_markers
from ..shared.xmldoc import Element, mark_structure, parse_xml, time_value

if TYPE_CHECKING:
    from ..context import ReadContext

_ROOT_RE = re.compile(
    r"^\ufeff?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*(?:<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>\s*)?<(?:\w+:)?transcripts\b[^>]*"
    r"podlove\.org/simple-transcripts",
    re.S,
)


def looks_like_podlove_xml(text: str) -> bool:
    return bool(_ROOT_RE.match(text[:4096]))


def read_podlove_xml(text: str, path: str = "") -> RawTranscript:
    root = parse_xml(text, path)
    raw = RawTranscript(format="podlove-xml")
    words = 0
    # A `speech` groups items under one speaker; items directly under the root stand alone.
    groups: list[tuple[str | None, list[Element]]] = []
    for node in root.children:
        if not isinstance(node, Element):
            continue
        if node.tag == "speech":
            speaker = next(
                (
                    c.text().strip()
                    for c in node.children
                    if isinstance(c, Element) and c.tag == "speaker"
                ),
                None,
            )
            items = [c for c in node.children if isinstance(c, Element) and c.tag == "item"]
            groups.append((speaker or None, items))
        elif node.tag == "item":
            groups.append((node.attrs.get("speaker") or None, [node]))
    for speaker, items in groups:
        turn: RawTurn | None = None
        for item in items:
            label = item.attrs.get("speaker") or speaker
            piece = " ".join(item.text().split())
            words += word_count(piece)
            piece = strip_markers(piece)
            if not piece or is_marker_line(piece):
                continue
            start = time_value(item.attrs.get("start"))
            end = time_value(item.attrs.get("end"))
            if turn is None or turn.label != label:
                turn = RawTurn(text="", line=item.line, label=label, start=start)
                raw.turns.append(turn)
            joined = join_text(turn.text, piece)
            if start is not None:
                turn.times.append((len(joined) - len(piece), start))
            turn.text = joined
            turn.end = end if end is not None else turn.end
            turn.end_line = item.line
    raw.turns = [t for t in raw.turns if t.text]
    raw.source_words = words
    mark_structure(text, raw)
    return raw


def read(text: str, ctx: ReadContext) -> RawTranscript:
    return read_podlove_xml(text, ctx.path)
