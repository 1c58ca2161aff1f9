"""Whole HTML pages with a transcript in them (beyond the Podcasting 2.0 `<cite>` form).

    <title>Field Notes 12</title> ...
    <p>1:59</p><p>Welcome back to Field Notes.</p>          a time, then its paragraph
    <p><b>Maya Chen</b>  0:00<br>Welcome back.</p>           an Otter export saved as a page

The page is cut into its blocks of text (paragraphs, list items, headings, table cells, and
the lines inside them broken by `<br>`), each with the source line it starts on. Navigation,
headers, footers, forms, scripts and styles are not transcript. The blocks are then read, one
per line, by the reader their shape calls for (timestamped, Otter-style, or labels and prose),
and every turn keeps the page line it came from. The page's `<title>` (or first `<h1>`) names
the episode when the transcript does not.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from ...text import word_count
from ..raw import RawTranscript
from ..shared.nonspeech import scrub_turns, strip_markers
from ..shared.xmldoc import mark_structure

if TYPE_CHECKING:
    from ..context import ReadContext

_PAGE_RE = re.compile(r"<!doctype\s+html|<html[\s>]|<body[\s>]", re.IGNORECASE)
_P_RE = re.compile(r"<p[\s>]", re.IGNORECASE)
_SKIP = {"script", "style", "template", "noscript", "svg", "nav", "header", "footer", "aside"}
_SKIP |= {"form", "button", "select", "head"}
_BLOCKS = {"p", "div", "li", "dt", "dd", "td", "th", "blockquote", "pre", "section", "article"}
_BLOCKS |= {"h1", "h2", "h3", "h4", "h5", "h6", "tr", "ul", "ol", "table", "main", "figure"}
_BLOCKS |= {"figcaption", "time", "cite"}
_VOID = {"br", "hr", "img", "input", "meta", "link", "source", "wbr", "area", "base", "col"}


def looks_like_html_page(text: str) -> bool:
    """An HTML document, or a fragment of several paragraphs."""
    head = text[:200_000]
    return bool(_PAGE_RE.search(head[:4096])) or len(_P_RE.findall(head)) >= 3


class _Blocks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.units: list[tuple[int, str]] = []  # (source line, text of one block line)
        self.title: str | None = None
        self.skipped_words = 0
        self._buf: list[str] = []
        self._line = 0
        self._skip: list[str] = []  # open skipped elements
        self._in_title = False
        self._title_buf: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP and tag not in _VOID:
            self._flush()
            self._skip.append(tag)
            return
        if tag == "title":
            self._in_title, self._title_buf = True, []
            return
        if tag in _BLOCKS or tag in ("br", "hr"):
            self._flush()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS or tag in ("br", "hr"):
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._in_title:
            self._in_title = False
            self.title = " ".join("".join(self._title_buf).split()) or None
            return
        if self._skip:
            if tag in self._skip:  # tolerate tags left open inside it
                del self._skip[len(self._skip) - 1 - self._skip[::-1].index(tag) :]
            return
        if tag in _BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title_buf.append(data)
            return
        if self._skip:
            self.skipped_words += word_count(data)
            return
        if not self._buf and data.strip():
            # The line the text starts on: the tag's line plus the newlines before the text.
            lead = len(data) - len(data.lstrip())
            self._line = self.getpos()[0] + data[:lead].count("\n")
        if self._buf or data.strip():
            self._buf.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self._buf).split())
        if text:
            self.units.append((self._line, text))
        self._buf = []

    def close(self) -> None:
        super().close()
        self._flush()


def read_html_page(text: str, known: frozenset[str] = frozenset()) -> RawTranscript:
    from . import otter, timestamped, webtext
    from .markdown import fill_end_lines

    parser = _Blocks()
    parser.feed(text)
    parser.close()
    units = parser.units
    body = "\n".join(u for _, u in units)
    if timestamped.looks_like_timestamped(body):
        raw = timestamped.read_timestamped(body, known)
    elif otter.looks_like_otter(body):
        raw = otter.read_otter(body)
    else:
        raw = webtext.read_web_text(body, known)
    scrub_turns(raw)
    fill_end_lines(raw, body.split("\n"))
    source_line = [line for line, _ in units]
    text_lines = _unmarked_units(raw, len(units))
    raw.format = "html-page"
    # Speech words: inline non-speech markers (`(laughs)`) are taken out of turns, not lost.
    raw.source_words = sum(word_count(strip_markers(units[i][1])) for i in text_lines)
    raw.source_words -= _label_words(raw, units, set(text_lines))
    _to_source_lines(raw, source_line)
    raw.title = raw.title or parser.title
    mark_structure(text, raw)
    return raw


def _label_words(raw: RawTranscript, units: list[tuple[int, str]], text_lines: set[int]) -> int:
    """Words of the `Name:` labels that open text blocks (`<p>Tom Okafor: Thanks.</p>`): in
    the block, but not speech."""
    words = 0
    for turn in raw.turns:
        i = turn.line - 1
        if turn.label and i in text_lines and units[i][1].startswith(turn.label):
            words += word_count(turn.label)
    return words


def _unmarked_units(raw: RawTranscript, count: int) -> list[int]:
    """Indexes of the blocks the body reader used as text (not marked as something else)."""
    return [i for i in range(count) if (i + 1) not in raw.line_classes]


def _to_source_lines(raw: RawTranscript, source_line: list[int]) -> None:
    """Block numbers (one per line of the reader's input) back to the page's own lines."""
    classes = raw.line_classes
    raw.line_classes = {}
    blocks_on = Counter(source_line)
    marked_on = Counter(source_line[block - 1] for block in classes)
    # A page line takes its blocks' class when none of its blocks is text (`<p>1:59</p>
    # <p>[Music]</p>`: the last, the one with content, decides); with text on it, it is text.
    for block, cls in sorted(classes.items()):
        line = source_line[block - 1]
        if marked_on[line] == blocks_on[line]:
            raw.line_classes[line] = cls
    for turn in raw.turns:
        turn.line = source_line[turn.line - 1]
        if turn.end_line is not None:
            turn.end_line = source_line[turn.end_line - 1]


def read(text: str, ctx: ReadContext) -> RawTranscript:
    return read_html_page(text, ctx.known_names)
