"""TTML transcripts, as Apple Podcasts writes them (and TTML captions in general).

    <tt xmlns:ttm="http://www.w3.org/ns/ttml#metadata"
        xmlns:podcasts="http://podcasts.apple.com/transcript-ttml-internal">
      <body><div>
        <p begin="0.220" end="28.620" ttm:agent="SPEAKER_1">
          <span begin="0.220" end="1.300" podcasts:unit="sentence">
            <span begin="0.220" end="0.500" podcasts:unit="word">Welcome</span>...

Each `<p>` is a paragraph of one speaker: `ttm:agent` (named in the head by `<ttm:agent
xml:id="..."><ttm:name>` where the file names it) or `podcasts:speaker`. Word spans are joined
into the sentence they make (Apple writes them with no space between); a sentence span's start
is kept in `times` so a quote cites its own sentence. Consecutive paragraphs of one speaker make
one turn.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ...text import word_count
from ..raw import RawTranscript, RawTurn
from ..shared.cues import ends_sentence, join_text
from ..shared.nonspeech import is_marker_line, strip_markers
from ..shared.xmldoc import Element, mark_structure, parse_xml, time_value, xml_lang

if TYPE_CHECKING:
    from ..context import ReadContext

_ROOT_RE = re.compile(
    r"^\ufeff?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*(?:<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>\s*)?<(?:\w+:)?tt[\s>]",
    re.S,
)


def looks_like_ttml(text: str) -> bool:
    return bool(_ROOT_RE.match(text[:4096]))


def read_ttml(text: str, path: str = "") -> RawTranscript:
    root = parse_xml(text, path)
    raw = RawTranscript(format="ttml", lang=xml_lang(root.attrs.get("lang")))
    raw.title = next((e.text().strip() or None for e in root.elements() if e.tag == "title"), None)
    names = _agent_names(root)
    frame_rate = time_value(root.attrs.get("frameRate")) or 30.0
    current: RawTurn | None = None
    current_key: str | None = None
    words = 0
    for p in (e for e in root.elements() if e.tag == "p"):
        pieces = _pieces(p, frame_rate)
        body = ""
        times: list[tuple[int, float]] = []
        for piece, start in pieces:
            piece = strip_markers(" ".join(piece.split()))
            if not piece or is_marker_line(piece):
                continue
            joined = join_text(body, piece)
            if start is not None:
                times.append((len(joined) - len(piece), start))
            body = joined
        words += word_count(body)
        if not body:
            if pieces and any(is_marker_line(" ".join(p.split())) for p, _ in pieces):
                raw.mark(p.line, "non_speech")
            continue
        agent = p.attrs.get("agent") or p.attrs.get("speaker")
        label = names.get(agent, agent) if agent else None
        begin = time_value(p.attrs.get("begin"), frame_rate)
        end = time_value(p.attrs.get("end"), frame_rate)
        if begin is not None and not any(off == 0 for off, _ in times):
            times.insert(0, (0, begin))
        same = current is not None and (
            (label is not None and label == current_key)
            or (label is None and current_key is None and not ends_sentence(current.text))
        )
        if current is not None and same:
            joined = join_text(current.text, body)
            offset = len(joined) - len(body)
            current.text = joined
            current.times.extend((offset + off, t) for off, t in times)
            current.end = end if end is not None else current.end
            current.end_line = max(current.end_line or p.line, _last_line(p))
            continue
        current = RawTurn(
            text=body,
            line=p.line,
            label=label,
            start=begin if begin is not None else (times[0][1] if times else None),
            end=end,
            end_line=_last_line(p),
            times=times,
        )
        current_key = label
        raw.turns.append(current)
    raw.source_words = words
    mark_structure(text, raw)
    return raw


def _pieces(p: Element, frame_rate: float) -> list[tuple[str, float | None]]:
    """The paragraph's text in timed pieces: sentences where the file marks them, else the
    timed spans, else the paragraph's text as one piece."""
    sentences = [e for e in p.elements() if e.tag == "span" and e.attrs.get("unit") == "sentence"]
    if sentences:
        return [(_words(s), time_value(s.attrs.get("begin"), frame_rate)) for s in sentences]
    return [(_words(p), None)]


def _words(element: Element) -> str:
    """Text with word spans joined by spaces (Apple writes `<span>a</span><span>b</span>`) and
    lines broken by `<br/>` joined as running text."""
    lines = [""]
    stack: list[Element | str] = [element]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            lines[-1] += node
            continue
        if node.tag == "br":
            lines.append("")
        if node.attrs.get("role", "").startswith("x-"):
            continue  # translations, romanisations: not what was said
        if node.tag == "span" and node.attrs.get("unit") == "word":
            lines[-1] = join_text(lines[-1], node.text())
            continue
        stack.extend(reversed(node.children))
    text = ""
    for line in lines:
        text = join_text(text, " ".join(line.split()))
    return text


def _agent_names(root: Element) -> dict[str, str]:
    """`<ttm:agent xml:id="v1"><ttm:name>Maya Chen</ttm:name></ttm:agent>` -> {"v1": "Maya Chen"}."""
    names: dict[str, str] = {}
    for agent in (e for e in root.elements() if e.tag == "agent" and e.attrs.get("id")):
        name = next((e.text().strip() for e in agent.elements() if e.tag == "name"), "")
        if name:
            names[agent.attrs["id"]] = name
    return names


def _last_line(element: Element) -> int:
    return max(e.line for e in element.elements())


def read(text: str, ctx: ReadContext) -> RawTranscript:
    return read_ttml(text, ctx.path)
