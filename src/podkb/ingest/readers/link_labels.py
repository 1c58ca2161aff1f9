"""Meeting pages whose speaker labels are links into the video: `<a href="...&t=0.549s">[Name]</a>: text`.

City-council and meeting-video sites write each speaker's turn as a link to the moment in the
recording, the name in brackets, a colon and what was said:

    <p><a href="https://www.youtube.com/watch?v=abc&amp;t=0.549s">[Mayor Lee]</a>: Good evening.</p>

The link is the label: its text names the speaker, its `t=` (`0.549s`, `83`, `1h2m3s`) is the
turn's start. Everything up to the next label is the turn's text, tags removed and entities
decoded; headings between turns are chapters. The same shape in Markdown
(`[\\[Name\\]](https://...&t=12s): text`) is read alike. Paragraphs of prose before the first
label are speech of an unknown speaker (an opening statement); the page's head, navigation
and footer are not speech.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..raw import RawChapter, RawTranscript, RawTurn
from ..shared.nonspeech import strip_markers

if TYPE_CHECKING:
    from ..context import ReadContext

_T = r"[?&#;]t=(?P<t>[0-9hms.]+)"
_HTML_LABEL = (
    rf"<a\b[^>]*\bhref\s*=\s*[\"'][^\"']*{_T}[^\"']*[\"'][^>]*>\s*"
    r"\[?(?P<name>[^\[\]<>\n]{1,60}?)\]?\s*</a>\s*[:：]"
)
_MD_LABEL = (
    r"\[\\?\[(?P<mname>[^\[\]\n]{1,60}?)\\?\]\]\([^)\s]*[?&#]t=(?P<mt>[0-9hms.]+)[^)\s]*\)\s*[:：]"
)
_LABEL_RE = re.compile(f"{_HTML_LABEL}|{_MD_LABEL}", re.I)
_TAG_RE = re.compile(r"<[^>]*>")
# Inline tags sit inside words' sentences (`on <b>Pine Street</b>,`): taken out without a space.
_INLINE_TAG_RE = re.compile(
    r"</?(?:a|b|i|u|em|strong|span|small|mark|abbr|font|sup|sub)\b[^>]*>", re.I
)
_SKIP_RE = re.compile(r"<(script|style|head|nav|footer|template)\b.*?</\1\s*>", re.I | re.S)
_HEADING_RE = re.compile(r"<h[1-6]\b[^>]*>(?P<title>.*?)</h[1-6]\s*>", re.I | re.S)
_BLOCK_END_RE = re.compile(r"</(?:p|div|li|td|section|article)\s*>|\n\s*\n", re.I)
_PARAGRAPH_RE = re.compile(r"<p\b[^>]*>(?P<body>.*?)</p\s*>", re.I | re.S)
_TITLE_RE = re.compile(r"<title\b[^>]*>(?P<title>.*?)</title\s*>", re.I | re.S)
_MIN_PROLOGUE_WORDS = 8


def looks_like_link_labels(text: str) -> bool:
    """Two or more speaker labels that are links with a `t=` time."""
    head = text[:200_000]
    if "t=" not in head:
        return False
    first = _LABEL_RE.search(head)
    return first is not None and _LABEL_RE.search(head, first.end()) is not None


def read_link_labels(text: str) -> RawTranscript:
    raw = RawTranscript(format="link-labels")
    starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line_of(pos: int) -> int:
        return bisect_right(starts, pos)

    page_title = _TITLE_RE.search(text)
    if page_title:
        raw.title = _plain(page_title.group("title")) or None
    labels = list(_LABEL_RE.finditer(text))
    first_label = labels[0].start() if labels else len(text)
    raw.turns.extend(_prologue(text, first_label, line_of))
    chapter: RawChapter | None = None  # the heading above the turns that follow
    for h in _HEADING_RE.finditer(text, 0, first_label):
        title = _plain(h.group("title"))
        if title and not h.group(0).lower().startswith("<h1"):
            chapter = RawChapter(title=title)  # `<h2>Call to order</h2>` above the first turn
    if chapter is not None:
        raw.chapters.append(chapter)
    for i, m in enumerate(labels):
        stop = labels[i + 1].start() if i + 1 < len(labels) else _block_end(text, m.end())
        chunk = text[m.end() : stop]
        body = _plain(_HEADING_RE.sub(" ", _SKIP_RE.sub(" ", chunk)))
        start = _seconds(m.group("t") or m.group("mt") or "")
        if chapter is not None and chapter.start is None:
            chapter.start = start
        if body:
            raw.turns.append(
                RawTurn(
                    text=body,
                    line=line_of(m.start()),
                    end_line=line_of(max(m.end(), stop - 1)),
                    label=_plain(m.group("name") or m.group("mname") or "") or None,
                    start=start,
                    chapter=chapter.title if chapter else None,
                )
            )
        else:
            raw.mark(line_of(m.start()), "label")
        for h in _HEADING_RE.finditer(chunk):
            title = _plain(h.group("title"))
            first, last = line_of(m.end() + h.start()), line_of(m.end() + h.end() - 1)
            raw.mark_lines(first, last, "metadata")
            if title:
                chapter = RawChapter(title=title)
                raw.chapters.append(chapter)
    _mark_outside(text, raw)
    return raw


def _prologue(text: str, stop: int, line_of: Callable[[int], int]) -> list[RawTurn]:
    """Prose paragraphs before the first label: speech whose speaker the page does not name."""
    turns: list[RawTurn] = []
    region = _SKIP_RE.sub(lambda m: " " * len(m.group(0)), text[:stop])
    for p in _PARAGRAPH_RE.finditer(region):
        body = _plain(p.group("body"))
        if len(body.split()) >= _MIN_PROLOGUE_WORDS:
            turns.append(RawTurn(text=body, line=line_of(p.start()), end_line=line_of(p.end() - 1)))
    return turns


def _block_end(text: str, pos: int) -> int:
    """The last turn ends with its block (paragraph, list item), not with the page."""
    m = _BLOCK_END_RE.search(text, pos)
    return m.start() if m else len(text)


def _plain(fragment: str) -> str:
    text = html.unescape(_TAG_RE.sub(" ", _INLINE_TAG_RE.sub("", fragment)))
    text = re.sub(r"\\([\[\]*_])", r"\1", text)  # Markdown escapes
    return " ".join(strip_markers(text).split())


def _seconds(value: str) -> float | None:
    """`0.549s`, `83`, `1h2m3s`, `2m5.5s` as seconds."""
    m = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s?)?", value)
    if not m or not value:
        return None
    h, mi, s = m.groups()
    return round(int(h or 0) * 3600 + int(mi or 0) * 60 + float(s or 0), 3)


def _mark_outside(text: str, raw: RawTranscript) -> None:
    """Lines outside every turn (the page's head, navigation, footer): not speech."""
    lines = text.split("\n")
    covered = [False] * (len(lines) + 2)
    for t in raw.turns:
        for n in range(t.line, (t.end_line or t.line) + 1):
            if n < len(covered):
                covered[n] = True
    for n, line in enumerate(lines, start=1):
        if line.strip() and not covered[n]:
            raw.mark(n, "metadata")


def read(text: str, ctx: ReadContext) -> RawTranscript:
    return read_link_labels(text)
