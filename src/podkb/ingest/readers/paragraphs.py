"""The reader of last resort: the whole body as paragraphs whose speaker is not given.

When no reader recognises a file's shape, or the reader that took it would drop text it cannot
place, podkb reads every paragraph as a turn with no speaker rather than guess and lose the
rest. Only what is surely not speech is set aside: YAML front matter (metadata), and in an HTML
fragment its tags, `<script>`/`<style>` (chrome) and `<title>` (the episode title).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from ..raw import RawTranscript, RawTurn

if TYPE_CHECKING:
    from ..context import ReadContext

_MARKUP_RE = re.compile(
    r"<(?:p|div|span|html|body|head|section|article|main|li|ul|ol|h[1-6]|br|table|td|blockquote)\b",
    re.IGNORECASE,
)
_FRONT_MATTER_OPEN = "---"
_FRONT_MATTER_CLOSE = ("---", "...")
# Front matter is a short header: a `---` further down than this is a Markdown rule, not its end.
_MAX_FRONT_MATTER_LINES = 200
_TITLE_RE = re.compile(r"^title\s*:\s*(?P<title>.+?)\s*$")


def looks_like_markup(text: str) -> bool:
    """An HTML fragment or page that no transcript reader took: it opens with a tag and holds
    block elements."""
    head = text.lstrip("\ufeff \t\n")[:4096]
    return head.startswith("<") and bool(_MARKUP_RE.search(head))


def read(text: str, ctx: ReadContext) -> RawTranscript:
    return read_paragraphs(text)


def read_paragraphs(text: str) -> RawTranscript:
    if looks_like_markup(text):
        return _read_markup(text)
    raw = RawTranscript(format="paragraphs")
    lines = text.split("\n")
    body_from = _front_matter(lines, raw)
    current: RawTurn | None = None
    parts: list[str] = []  # the paragraph's lines, joined once it ends (not copied per line)
    for n in range(body_from + 1, len(lines) + 1):
        stripped = lines[n - 1].strip()
        if not stripped:
            if current is not None:
                current.text = " ".join(parts)
            current = None
        elif current is None:
            current = RawTurn(text=stripped, line=n, end_line=n)
            parts = [stripped]
            raw.turns.append(current)
        else:
            parts.append(stripped)
            current.end_line = n
    if current is not None:
        current.text = " ".join(parts)
    return raw


def _front_matter(lines: list[str], raw: RawTranscript) -> int:
    """Lines of a YAML front matter block at the top (marked metadata; its title read), or 0."""
    if not lines or lines[0].strip().lstrip("\ufeff") != _FRONT_MATTER_OPEN:
        return 0
    for i in range(1, min(len(lines), _MAX_FRONT_MATTER_LINES)):
        if lines[i].strip() in _FRONT_MATTER_CLOSE:
            raw.mark_lines(1, i + 1, "metadata")
            for line in lines[1:i]:
                m = _TITLE_RE.match(line)
                if m and raw.title is None:
                    raw.title = m.group("title").strip("'\"") or None
            return i + 1
    return 0


def _read_markup(text: str) -> RawTranscript:
    parser = _BlockParser()
    parser.feed(text)
    parser.close()
    parser.end_block()
    raw = RawTranscript(format="paragraphs", title=parser.title, turns=parser.turns)
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        kind = parser.line_kinds.get(n)
        if kind == "chrome":
            raw.mark(n, "chrome")
        elif kind != "speech":
            raw.mark(n, "metadata")  # tags alone, or the page title
    return raw


_BLOCKS = {
    "p",
    "div",
    "li",
    "br",
    "tr",
    "td",
    "section",
    "article",
    "blockquote",
    "dd",
    "dt",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "body",
}
_SKIP = {"script", "style", "template", "noscript"}


class _BlockParser(HTMLParser):
    """Text of block elements as paragraphs, with the source lines each one came from."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.turns: list[RawTurn] = []
        self.title: str | None = None
        self.line_kinds: dict[int, str] = {}
        self._skip_depth = 0
        self._in_title = False
        self._parts: list[str] = []
        self._first: int | None = None
        self._last = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip_depth += 1
        elif tag == "title":
            self._in_title = True
        elif tag in _BLOCKS:
            self.end_block()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag == "title":
            self._in_title = False
        elif tag in _BLOCKS:
            self.end_block()

    def handle_data(self, data: str) -> None:
        first = self.getpos()[0]
        kind = "chrome" if self._skip_depth else "title" if self._in_title else "speech"
        for offset, piece in enumerate(data.split("\n")):
            if piece.strip():
                line = first + offset
                if kind == "speech":  # a line with any speech on it is the paragraph's
                    self.line_kinds[line] = kind
                else:
                    self.line_kinds.setdefault(line, kind)
                if kind == "speech":
                    self._first = line if self._first is None else self._first
                    self._last = line
        if kind == "title":
            self.title = " ".join(f"{self.title or ''} {data}".split()) or None
        elif kind == "speech":
            self._parts.append(data)

    def end_block(self) -> None:
        content = " ".join("".join(self._parts).split())
        if content and self._first is not None:
            self.turns.append(RawTurn(text=content, line=self._first, end_line=self._last))
        self._parts, self._first = [], None
