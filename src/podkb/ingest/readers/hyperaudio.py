"""Hyperaudio interactive transcripts: HTML with every word's time in milliseconds.

Hyperaudio Lite pages (and the tools that export to them) write each word as an element with
its start and duration in milliseconds, a paragraph per stretch of speech, and the speaker as
a span of its own at the paragraph's start:

    <p>
      <span data-m="45060" data-d="0" class="speaker">Adrian: </span>
      <span data-m="45060" data-d="840">Security </span>
      <span data-m="45900" data-d="120">and </span>
    </p>

A paragraph is a turn: its speaker span names who speaks (the colon is not part of the name),
its first word's `data-m` is its start, its last word's `data-m` + `data-d` its end, and every
word's time is kept for quotes. Where a file names speakers, a paragraph without a speaker span
goes on with the speaker before it; where it names none, each paragraph is a turn of its own
with no speaker. Headings inside the transcript are chapters, from the start of the paragraph
after them. Scripts, styles, forms and the player around the transcript are not
speech; the page's `<title>` names the episode.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from ...errors import InputError
from ..raw import LineClass, RawChapter, RawTranscript, RawTurn
from ..shared.nonspeech import scrub_turns

if TYPE_CHECKING:
    from ..context import ReadContext

_WORD_TIME_RE = re.compile(r"""<(?:span|a)\b[^>]*\bdata-m\s*=\s*["']?\d+""", re.IGNORECASE)
_SKIP = {"script", "style", "template", "noscript", "form", "video", "audio"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_MIN_TIMED_WORDS = 20


def looks_like_hyperaudio(text: str) -> bool:
    """Words with millisecond times (`<span data-m="45060">`), many of them, in paragraphs."""
    head = text[:200_000]
    return "<p" in head.lower() and len(_WORD_TIME_RE.findall(head)) >= _MIN_TIMED_WORDS


@dataclass
class _Paragraph:
    line: int
    speaker: str | None = None
    words: list[str] = field(default_factory=list)
    times: list[tuple[int, float]] = field(default_factory=list)  # (offset in the text, s)
    start: float | None = None
    end: float | None = None
    end_line: int = 0
    # len(self.text) as the words arrive, and whether they end inside a word (the next piece
    # then continues it): a word's offset without joining the paragraph again for each word.
    length: int = 0
    open: bool = False

    @property
    def text(self) -> str:
        return " ".join("".join(self.words).split())

    def add(self, data: str) -> None:
        pieces = data.split()
        for n, piece in enumerate(pieces):
            glued = n == 0 and self.open and not data[0].isspace()
            self.length += len(piece) + (0 if glued or not self.length else 1)
        if data:
            self.open = not data[-1].isspace()
        self.words.append(data)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[_Paragraph] = []
        self.headings: list[tuple[int, str, float | None]] = []  # line, title, start
        self.title: str | None = None
        self.kinds: dict[int, LineClass] = {}
        self._skip = 0
        self._p: _Paragraph | None = None
        self._speaker_depth = 0  # inside a speaker span
        self._speaker: list[str] = []
        self._word_time: float | None = None  # the time of the word element being read
        self._word_end: float | None = None
        self._heading: tuple[int, list[str], float | None] | None = None
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip += 1
            return
        values = dict(attrs)
        if tag == "title":
            self._in_title = True
        elif tag in _HEADINGS:
            self._heading = (self.getpos()[0], [], _ms(values.get("data-m")))
        elif tag == "p":
            self._close_paragraph()
            self._p = _Paragraph(line=0)  # the line of its first label or word (below)
        elif self._p is not None and tag in ("span", "a"):
            if "speaker" in (values.get("class") or "").split():
                self._speaker_depth = 1
                self._speaker = []
                return
            if self._speaker_depth:
                self._speaker_depth += 1
            start = _millis(values.get("data-m"))
            if start is not None:
                self._word_time = start / 1000
                length = _millis(values.get("data-d"))
                self._word_end = (start + length) / 1000 if length is not None else None

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
            return
        if tag == "title":
            self._in_title = False
        elif tag in _HEADINGS and self._heading is not None:
            line, words, start = self._heading
            title = " ".join("".join(words).split())
            if title:
                self.headings.append((line, title, start))
            self._heading = None
        elif tag == "p":
            self._close_paragraph()
        elif tag in ("span", "a") and self._speaker_depth:
            self._speaker_depth -= 1
            if not self._speaker_depth and self._p is not None:
                name = " ".join("".join(self._speaker).split()).rstrip(":：").strip()
                self._p.speaker = name or None

    def handle_data(self, data: str) -> None:
        if not data.strip():
            if self._p is not None and not self._speaker_depth:
                self._p.add(" ")
            return
        line = self.getpos()[0]
        if self._skip:
            self._mark(line, data, "chrome")
        elif self._in_title:
            self.title = self.title or " ".join(data.split())
            self._mark(line, data, "metadata")
        elif self._heading is not None:
            self._heading[1].append(data)
            self._mark(line, data, "metadata")
        elif self._p is not None and self._speaker_depth:
            self._p.line = self._p.line or line
            self._speaker.append(data)
            self._mark(line, data, "label")
        elif self._p is not None:
            self._p.line = self._p.line or line + (len(data) - len(data.lstrip("\n")))
            self._word(data)
            self._mark(line, data, "text")
            self._p.end_line = line + data.count("\n")
        else:
            self._mark(line, data, "chrome")  # the page around the transcript: not speech

    def _word(self, data: str) -> None:
        p = self._p
        assert p is not None
        if self._word_time is not None:
            if p.start is None:
                p.start = self._word_time
            p.times.append((p.length + (1 if p.length else 0), self._word_time))
            p.end = self._word_end if self._word_end is not None else p.end
            self._word_time = None
        p.add(data)

    def _mark(self, line: int, data: str, cls: LineClass) -> None:
        for offset, piece in enumerate(data.split("\n")):
            if piece.strip():
                self.kinds.setdefault(line + offset, cls)

    def _close_paragraph(self) -> None:
        if self._p is not None and self._p.text:
            self.paragraphs.append(self._p)
        self._p = None
        self._speaker_depth = 0


def _millis(value: str | None) -> int | None:
    if value is None or not value.strip().isdigit():
        return None
    return int(value.strip())


def _ms(value: str | None) -> float | None:
    """A `data-m` value (milliseconds) in seconds."""
    millis = _millis(value)
    return None if millis is None else millis / 1000


def read_hyperaudio(text: str, *, path: str = "") -> RawTranscript:
    parser = _Parser()
    parser.feed(text)
    parser.close()
    raw = RawTranscript(format="hyperaudio", title=parser.title)
    named = any(p.speaker for p in parser.paragraphs)
    for p in parser.paragraphs:
        last = raw.turns[-1] if raw.turns else None
        if named and p.speaker is None and last is not None:
            # A paragraph of the speaker before it: the file names speakers where they change.
            base = len(last.text) + 2
            last.times.extend((base + offset, seconds) for offset, seconds in p.times)
            last.text = f"{last.text}\n\n{p.text}"
            last.end = p.end if p.end is not None else last.end
            last.end_line = max(p.end_line, p.line)
            continue
        raw.turns.append(
            RawTurn(
                text=p.text,
                line=p.line,
                end_line=max(p.end_line, p.line),
                label=p.speaker,
                start=p.start,
                end=p.end,
                times=p.times,
            )
        )
    _chapters(raw, parser)
    for n, cls in parser.kinds.items():
        if cls != "text":
            raw.mark(n, cls)
    for n, line in enumerate(text.split("\n"), start=1):
        if line.strip() and n not in parser.kinds:
            raw.mark(n, "metadata")  # tags alone: the page's structure
    scrub_turns(raw)
    if not raw.turns:
        raise InputError("Hyperaudio transcript without paragraphs of timed words", path=path)
    return raw


def _chapters(raw: RawTranscript, parser: _Parser) -> None:
    """Headings inside the transcript as chapters of the turns after them."""
    for line, title, start in parser.headings:
        later = [t for t in raw.turns if t.line > line]
        if not later:
            continue
        # The turns' own clock: the first word after the heading (a heading's data-m is often
        # 0, or the section's media time, which need not match the words').
        begins = later[0].start if later[0].start is not None else start
        raw.chapters.append(RawChapter(title=title, start=begins))
        for turn in later:
            turn.chapter = title


def read(text: str, ctx: ReadContext) -> RawTranscript:
    return read_hyperaudio(text, path=ctx.path)
