"""Line accounting: what every non-blank source line of a transcript was used for.

A reader marks the lines it used for something other than turn text (`RawTranscript.mark`) and
gives each turn the span of source lines its text came from. Here every non-blank line gets one
class: its mark if it has one, else `text` when it lies inside a turn's span, else `unaccounted`,
which is text podkb would lose. A file that would lose more than a little is refused (or, with
`--lenient`, kept with a warning); `podkb ingest --explain` prints the classes line by line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..text import word_count
from .raw import LINE_CLASSES, LineClass, RawTranscript, RawTurn

# Share of a file's words that may go unaccounted before the file is refused: a stray line of
# a page (a caption credit, a byline) passes; a reader that misses a block of speech does not.
MAX_LOST_SHARE = 0.02
# Lines read as text must hold at least this share of the words between the first and the last
# turn line: a reader that recognised a body and set most of it aside has guessed its shape wrong.
MIN_BODY_SHARE = 0.5


@dataclass(frozen=True)
class LineUse:
    """One non-blank source line: its number (1-based), class, and the raw turn it went to."""

    line: int
    cls: LineClass
    turn: int | None
    text: str


@dataclass
class Accounting:
    lines: list[LineUse]
    words_source: int
    words_kept: int
    lost_words: int
    body_words: int  # words on the body's lines (first turn line to last), less labels and times
    body_text_words: int  # of these, words on lines read as text
    body_aside: int | None = None  # the first body line not read as text

    def counts(self) -> dict[str, int]:
        """Lines per class, every class present (zero when no line has it)."""
        counts: dict[str, int] = dict.fromkeys(LINE_CLASSES, 0)
        for use in self.lines:
            counts[use.cls] += 1
        return counts

    @property
    def unaccounted(self) -> list[LineUse]:
        return [use for use in self.lines if use.cls == "unaccounted"]

    def loss(self) -> str | None:
        """Why this file would lose text, or None when it keeps what it should."""
        lost_lines = self.unaccounted
        if self.words_source and self.lost_words > MAX_LOST_SHARE * self.words_source:
            where = (
                f" on {len(lost_lines)} line(s), first at line {lost_lines[0].line}"
                if lost_lines
                else ""
            )
            return (
                f"{self.lost_words} of {self.words_source} words would not be read into turns"
                f"{where}"
            )
        if self.body_words and self.body_text_words < MIN_BODY_SHARE * self.body_words:
            first = f", first set aside at line {self.body_aside}" if self.body_aside else ""
            return (
                f"only {self.body_text_words} of the {self.body_words} words between the first "
                f"and the last turn were read as text{first}"
            )
        return None


def account(raw: RawTranscript, text: str) -> Accounting:
    """Classify every non-blank line of `text` (the decoded source) for `raw`, its reading."""
    source_lines = text.split("\n")
    owner = _line_owners([(t.line, t.end_line or t.line) for t in raw.turns], len(source_lines))
    uses: list[LineUse] = []
    for n, line in enumerate(source_lines, start=1):
        if not line.strip():
            continue
        cls = raw.line_classes.get(n)
        turn = owner.get(n)
        if cls is None:
            cls = "text" if turn is not None else "unaccounted"
        uses.append(LineUse(line=n, cls=cls, turn=turn if cls == "text" else None, text=line))
    words_kept = sum(word_count(t.text) for t in raw.turns)
    line_words = [word_count(u.text) for u in uses]  # each line counted once, used thrice
    lost = sum(n for u, n in zip(uses, line_words, strict=True) if u.cls == "unaccounted")
    if raw.source_words is not None:
        words_source = raw.source_words
        lost = max(lost, words_source - words_kept)
    else:
        words_source = sum(line_words)
    body, body_text, aside = (
        _body_words(raw.turns, uses, line_words) if raw.source_words is None else (0, 0, None)
    )
    return Accounting(
        lines=uses,
        words_source=words_source,
        words_kept=words_kept,
        lost_words=lost,
        body_words=body,
        body_text_words=body_text,
        body_aside=aside,
    )


def _line_owners(spans: list[tuple[int, int]], n_lines: int) -> dict[int, int]:
    """For each line (1..n_lines) some span covers, the first span (turn index) that covers it.

    Linear in lines plus spans: a line once owned is skipped by later spans (a "next free line"
    pointer with path compression), so overlapping spans never rescan the lines they share.
    Kept in dicts of the covered lines only: lists of every line cost 16 MiB of blank lines
    about 600 MiB.
    """
    owner: dict[int, int] = {}
    next_free: dict[int, int] = {}  # an owned line -> a later line that may be free

    def find(i: int) -> int:
        root = i
        while root in next_free:
            root = next_free[root]
        while i in next_free and next_free[i] != root:
            next_free[i], i = root, next_free[i]
        return root

    for index, (first, last) in enumerate(spans):
        first, last = max(first, 1), min(max(first, last), n_lines)
        i = find(first)
        while i <= last:
            owner[i] = index
            next_free[i] = i + 1
            i = find(i + 1)
    return owner


def _body_words(
    turns: list[RawTurn], uses: list[LineUse], line_words: list[int]
) -> tuple[int, int, int | None]:
    """Words on the lines from the first turn's line to the last turn's last line (labels and
    times aside), how many of them are on lines read as text, and the first line that is not."""
    if not turns:
        return 0, 0, None
    first = min(t.line for t in turns)
    last = max(t.end_line or t.line for t in turns)
    body = text = 0
    aside = None
    for u, words in zip(uses, line_words, strict=True):
        if first <= u.line <= last and u.cls not in _STRUCTURE:
            body += words
            if u.cls == "text":
                text += words
            elif aside is None:
                aside = u.line
    return body, text, aside


# Not body words: labels and times, and repeated lines (a rolling caption's second showing),
# whose words are read once, from the line that shows them first.
_STRUCTURE = {"label", "timing", "duplicate"}


def words_of_texts(texts: Iterable[str]) -> int:
    """Words in the fields of a structured source that hold speech (`RawTranscript.source_words`)."""
    return sum(word_count(t) for t in texts)


_JSON_KEY_RE = re.compile(r'"((?:[^"\\]|\\.)*)"\s*:')


def mark_json_lines(
    raw: RawTranscript,
    text: str,
    *,
    speech_keys: frozenset[str],
    label_keys: frozenset[str] = frozenset(),
    timing_keys: frozenset[str] = frozenset(),
) -> None:
    """Classes for the lines of a JSON source: a line holding a speech field stays unmarked
    (its turn's span makes it text); a line holding a speaker field is a label, one holding
    only times is timing, and every other line is structure (metadata).

    Keys are found by their `"key":` shape on each line, which is linear and needs no second
    parse; a speech value that itself contains `"body":` makes its line count as speech,
    which is what it is.
    """
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        keys = set(_JSON_KEY_RE.findall(line))
        if keys & speech_keys:
            continue
        if keys & label_keys:
            raw.mark(n, "label")
        elif keys and keys <= timing_keys:
            raw.mark(n, "timing")
        else:
            raw.mark(n, "metadata")
