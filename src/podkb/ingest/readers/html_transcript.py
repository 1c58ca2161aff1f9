"""The Podcasting 2.0 HTML transcript form: `<cite>Name:</cite> <time>0:00</time> <p>text</p>`.

Each `<cite>` names the speaker of the paragraphs after it, `<time>` gives their start. Extra
paragraphs under one `<cite>` (and no new `<time>`) continue the same turn. Entities are decoded,
other inline tags dropped; `<script>` and `<style>` are never text. The page's `<title>` or first
`<h1>` becomes the episode title.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from ...errors import InputError
from ..raw import LineClass, RawTranscript, RawTurn
from ..shared.labels import parse_time
from ..shared.nonspeech import scrub_turns

if TYPE_CHECKING:
    from ..context import ReadContext

_FORM_RE = re.compile(
    r"<cite\b[^>]*>.*?</cite>\s*(?:<time\b[^>]*>.*?</time>\s*)?<p\b", re.IGNORECASE | re.DOTALL
)
_TIME_RE = re.compile(r"^\s*(\d{1,2}(?::\d{1,2}){1,2}(?:[.,]\d{1,3})?)\s*$")
_SKIP = {"script", "style", "template", "noscript"}
_BREAKS = {"br", "div", "li"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6", "title"}


def looks_like_html_transcript(text: str) -> bool:
    return bool(_FORM_RE.search(text[:200_000]))


def read_html_transcript(text: str, *, path: str = "") -> RawTranscript:
    parser = _TranscriptParser()
    parser.feed(text)
    parser.close()
    raw = RawTranscript(format="html", turns=[t for t in parser.turns if t.text.strip()])
    scrub_turns(raw)  # `<p>[Music]</p>` is not a paragraph anyone said
    raw.title = parser.title
    _mark_lines(raw, text, parser.line_kinds)
    if not raw.turns:
        raise InputError("HTML transcript without <p> paragraphs", path=path)
    return raw


# What the text on a source line was read as, strongest first: a line with paragraph text is
# the turn's; else its cite is a label, its time a timing, and so on. Text outside every
# element podkb reads ("other") is text lost, and is reported as such.
_KIND_CLASS: list[tuple[str, LineClass]] = [
    ("label", "label"),
    ("timing", "timing"),
    ("metadata", "metadata"),
    ("other", "unaccounted"),
    ("chrome", "chrome"),
]
_IN_KIND = {"cite": "label", "time": "timing", "title": "metadata", "h1": "metadata"}


def _mark_lines(raw: RawTranscript, text: str, kinds: dict[int, set[str]]) -> None:
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        seen = kinds.get(n, set())
        if "speech" in seen:
            continue
        cls: LineClass = next((c for k, c in _KIND_CLASS if k in seen), "metadata")
        raw.mark(n, cls)  # a line of tags alone is the page's structure: metadata


class _TranscriptParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.turns: list[RawTurn] = []
        self.line_kinds: dict[int, set[str]] = {}
        self._heading_depth = 0  # inside <title> or <h1>..<h6>: page headings are metadata
        self.title: str | None = None
        self._in: str | None = None  # "cite", "time", "p", "title", "h1"
        self._buf: list[str] = []
        self._skip_depth = 0
        self._label: str | None = None
        self._label_line = 0
        self._label_fresh = False  # a <cite> seen since the last paragraph
        self._time: float | None = None
        self._time_fresh = False
        self._p_line = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HEADINGS:
            self._heading_depth += 1
        if tag in _SKIP:
            self._skip_depth += 1
            return
        if tag in ("cite", "time", "p") or (tag in ("title", "h1") and self.title is None):
            self._in, self._buf = tag, []
            if tag == "cite":
                self._label_line = self.getpos()[0]
            elif tag == "p":
                self._p_line = self.getpos()[0]
            elif tag == "time":
                self._buf.append(dict(attrs).get("datetime") or "")
        elif tag in _BREAKS and self._in == "p":
            self._buf.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HEADINGS:
            self._heading_depth = max(0, self._heading_depth - 1)
        if tag in _SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
            return
        if tag != self._in:
            return
        content = " ".join("".join(self._buf).split())
        self._in = None
        if tag == "cite":
            self._label = content.rstrip(":：").strip() or None
            self._label_fresh = True
        elif tag == "time":
            m = _TIME_RE.match(content.split(" ")[-1] if content else "")
            self._time = parse_time(m.group(1)) if m else None
            self._time_fresh = m is not None
        elif tag == "p":
            self._paragraph(content)
        elif tag in ("title", "h1") and content:
            self.title = content

    def handle_data(self, data: str) -> None:
        self._note_lines(data)
        if self._in is not None and not self._skip_depth:
            self._buf.append(data)

    def _note_lines(self, data: str) -> None:
        """Remember, for each source line this data has words on, what it was read as."""
        if self._skip_depth:
            kind = "chrome"
        elif self._in == "p":
            kind = "speech"
        elif self._in is not None:
            kind = _IN_KIND[self._in]
        else:
            kind = "metadata" if self._heading_depth else "other"
        first = self.getpos()[0]
        for offset, piece in enumerate(data.split("\n")):
            if piece.strip():
                self.line_kinds.setdefault(first + offset, set()).add(kind)

    def _paragraph(self, content: str) -> None:
        if not content:
            return
        end_line = self.getpos()[0]
        last = self.turns[-1] if self.turns else None
        if last is not None and not self._label_fresh and not self._time_fresh:
            last.text = f"{last.text}\n\n{content}"
            last.end_line = end_line
            return
        line = self._label_line if self._label_fresh else self._p_line
        self.turns.append(
            RawTurn(
                text=content,
                line=line,
                label=self._label,
                start=self._time if self._time_fresh else None,
                end_line=end_line,
            )
        )
        self._label_fresh = self._time_fresh = False


def read(text: str, ctx: ReadContext) -> RawTranscript:
    return read_html_transcript(text, path=ctx.path)
