"""Quotes: the whole sentence(s) around a match, with the time the sentence starts. Pure.

A search hit points at a turn; a quote is what a person would paste into an article: the
sentence that holds the match (a short one with its neighbour), never cut mid-sentence, and the
time where that sentence begins when the source gives times inside the turn (subtitle cues,
JSON segments or word groups: `times`, pairs of character offset and seconds).

Sentence ends are `.` `!` `?` `…` followed by a space (English and other spaced scripts),
`。` `！` `？` (Chinese and Japanese, no space needed), and paragraph breaks. A full stop is not
an end after a known abbreviation (`Dr.`, `e.g.`), an initial (`J.`), a dotted acronym
(`U.S.`), or when the next word starts in lower case; decimals (`3.5`) have no space after the
dot and never split.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

# A quote grows by whole sentences up to about this many characters, and never past three
# sentences; a single sentence longer than MAX_CHARS is cut to a window around the match.
MAX_SENTENCES = 3
MAX_CHARS = 320
# A sentence this short ("Exactly.", "Yes, evaluation.") says little alone: add the next one.
SHORT_SENTENCE = 60

_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sr jr st vs etc e.g i.e cf al approx dept est fig inc ltd co corp no vol"
    " mt ft jan feb mar apr jun jul aug sep sept oct nov dec gen gov sen rep rev capt col lt".split()
)
# A candidate end: terminal punctuation, closing quotes or brackets, then the gap that follows.
_END_RE = re.compile(r"[.!?…]+[\"'”’)\]»]*(?=\s|$)|[。！？]+[」』”’）)\]]*|\n[ \t]*\n")
_WORD_BEFORE_RE = re.compile(r"([^\s\"'“‘(\[]+)$")
_SPACE_RE = re.compile(r"\s+")
_NEXT_CHAR_RE = re.compile(r"\s*(\S)")


@dataclass(frozen=True)
class Quote:
    text: str  # whitespace collapsed; "…" marks a window cut out of a longer sentence
    start: float | None  # seconds: where the first quoted sentence starts, else the turn's start
    begin: int  # character range of the quote in the turn's text
    end: int
    matches: list[tuple[int, int]] = field(default_factory=list)  # spans inside `text`


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character ranges of the sentences in text, leading/trailing space trimmed."""
    spans: list[tuple[int, int]] = []
    begin = 0
    for m in _END_RE.finditer(text):
        if m.group()[0] in ".…" and not _ends_with_full_stop(text, m.start(), m.end()):
            continue
        end = m.end()
        _append_trimmed(text, begin, end, spans)
        begin = end
    _append_trimmed(text, begin, len(text), spans)
    return spans


def _ends_with_full_stop(text: str, dot: int, after: int) -> bool:
    if text[dot:after].startswith(("..", "…")):
        return _next_starts_sentence(text, after)  # an ellipsis "..." ends only before a capital
    word_m = _WORD_BEFORE_RE.search(text, max(0, dot - 40), dot)  # bounded: linear in the turn
    word = word_m.group(1) if word_m else ""
    key = word.lower()
    if key in _ABBREVIATIONS:
        return False
    if len(word) == 1 and word.isalpha() and word.isupper():
        return False  # an initial: "J. Smith"
    if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word):
        return False  # a dotted acronym: "U.S.", "e.g."
    return _next_starts_sentence(text, after)


def _next_starts_sentence(text: str, pos: int) -> bool:
    m = _NEXT_CHAR_RE.match(text, pos)
    if m is None:
        return True
    first = m.group(1)
    # A lower-case letter after a full stop continues the sentence ("approx. ten", "3 p.m. and").
    return not (first.isalpha() and first.islower())


def _append_trimmed(text: str, begin: int, end: int, spans: list[tuple[int, int]]) -> None:
    while begin < end and text[begin].isspace():
        begin += 1
    while end > begin and text[end - 1].isspace():
        end -= 1
    if end > begin:
        spans.append((begin, end))


def make_quote(
    text: str,
    matches: Sequence[tuple[int, int]],
    *,
    times: Sequence[tuple[int, float]] = (),
    turn_start: float | None = None,
    max_chars: int = MAX_CHARS,
) -> Quote:
    """The quote for a turn: the sentence holding the first match (the first sentence when
    nothing matched), grown by following sentences that hold matches or while it is short."""
    sentences = sentence_spans(text) or [(0, len(text))]
    first_match = matches[0][0] if matches else 0
    i = _sentence_at(sentences, first_match)
    first, last = i, i
    while last + 1 < len(sentences) and last - first + 1 < MAX_SENTENCES:
        begin, end = sentences[first][0], sentences[last][1]
        nxt = sentences[last + 1]
        grown = nxt[1] - begin
        if grown > max_chars:
            break
        has_match = any(nxt[0] <= s < nxt[1] for s, _ in matches)
        if not (has_match or end - begin < SHORT_SENTENCE):
            break
        last += 1
    begin, end = _unpaired_marks_trimmed(text, sentences[first][0], sentences[last][1])
    inside = [(s, e) for s, e in matches if s >= begin and e <= end]
    if end - begin > max_chars:
        quoted, spans = _window(text, begin, end, inside, max_chars)
    else:
        quoted, spans = _collapse(text, begin, end, inside)
    return Quote(
        text=quoted,
        start=time_at(times, begin, turn_start),
        begin=begin,
        end=end,
        matches=spans,
    )


# Quotation marks as (opening, closing) pairs; a straight double quote is both.
_QUOTE_PAIRS = (('"', '"'), ("“", "”"), ("«", "»"), ("「", "」"), ("『", "』"))


def _unpaired_marks_trimmed(text: str, begin: int, end: int) -> tuple[int, int]:
    """The range without a closing quotation mark at its end whose opening mark lies before the
    quote (a sentence that began inside someone's reported words), or an opening one at its
    start that closes after it: pasted alone, either reads as a typo."""
    for opening, closing in _QUOTE_PAIRS:
        piece = text[begin:end]
        if opening == closing:
            if piece.count(opening) % 2 == 0:
                continue
            if piece.endswith(closing) and end - begin > 1:
                end -= 1
            elif piece.startswith(opening) and end - begin > 1:
                begin += 1
            continue
        if piece.endswith(closing) and piece.count(closing) > piece.count(opening):
            end -= 1
        elif piece.startswith(opening) and piece.count(opening) > piece.count(closing):
            begin += 1
    return begin, end


def _sentence_at(sentences: list[tuple[int, int]], offset: int) -> int:
    starts = [s for s, _ in sentences]
    return max(0, bisect.bisect_right(starts, offset) - 1)


def time_at(times: Sequence[tuple[int, float]], offset: int, default: float | None) -> float | None:
    """The start of the timed piece that holds character `offset` (times sorted by offset)."""
    best = default
    for at, seconds in times:
        if at > offset:
            break
        best = seconds
    return best


def _collapse(
    text: str, begin: int, end: int, spans: list[tuple[int, int]]
) -> tuple[str, list[tuple[int, int]]]:
    """text[begin:end] with runs of whitespace as one space, and spans moved to match."""
    out: list[str] = []
    new_pos = [0] * (end - begin + 1)  # position in the output of each source character
    n = 0
    pos = begin
    for m in _SPACE_RE.finditer(text, begin, end):
        piece = text[pos : m.start()]
        for k in range(len(piece)):
            new_pos[pos - begin + k] = n + k
        out.append(piece)
        n += len(piece)
        for k in range(m.start(), m.end()):
            new_pos[k - begin] = n
        out.append(" ")
        n += 1
        pos = m.end()
    piece = text[pos:end]
    for k in range(len(piece)):
        new_pos[pos - begin + k] = n + k
    out.append(piece)
    n += len(piece)
    new_pos[end - begin] = n
    moved = [(new_pos[s - begin], new_pos[e - begin]) for s, e in spans]
    return "".join(out), moved


def _window(
    text: str, begin: int, end: int, spans: list[tuple[int, int]], max_chars: int
) -> tuple[str, list[tuple[int, int]]]:
    """A giant sentence: about max_chars around its first match, cut at spaces, marked with …"""
    anchor = spans[0][0] if spans else begin
    lo = max(begin, anchor - max_chars // 3)
    hi = min(end, lo + max_chars)
    lo = max(begin, hi - max_chars)
    if lo > begin:
        space = text.find(" ", lo, lo + 30)
        lo = space + 1 if space != -1 and space + 1 <= anchor else lo
    if hi < end:
        space = text.rfind(" ", hi - 30, hi)
        hi = space if space > lo else hi
    inside = [(s, e) for s, e in spans if s >= lo and e <= hi]
    body, moved = _collapse(text, lo, hi, inside)
    prefix = "…" if lo > begin else ""
    suffix = "…" if hi < end else ""
    shift = len(prefix)
    return f"{prefix}{body}{suffix}", [(s + shift, e + shift) for s, e in moved]
