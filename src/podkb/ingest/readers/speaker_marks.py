"""Text transcripts that mark each change of speaker with `>>`, as closed captions do.

    >> Good evening, and welcome.
    >> Thank you for having me.
    It is good to be here.
    >> JUDY WOODRUFF: Let's start with the storm.

A `>>` (the captioning mark for a new speaker, CEA-608) starts a new turn whose speaker the
text does not name; a caps name and a colon right after it (`>> JUDY WOODRUFF:`) name the
speaker. Lines without the mark continue the turn, and a `>>` inside a line splits it there.
Lines before the first mark are the title (a short first line) or speech of an unknown speaker.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from ...catalog import name_key
from ..raw import RawTranscript, RawTurn
from ..shared.cues import join_text
from ..shared.labels import split_label
from ..shared.nonspeech import is_marker_line, strip_markers

if TYPE_CHECKING:
    from ..context import ReadContext

_MARK_RE = re.compile(r"^\s*(?:>>|»)(?!>)\s*")
_INLINE_MARK_RE = re.compile(r"\s+>>(?!>)\s+")
_MIN_MARKS = 3
_MIN_MARK_SHARE = 0.1
_TERMINAL = tuple('.!?。！？…"”」』)）')


def looks_like_speaker_marks(text: str) -> bool:
    """Three lines or more open with `>>`, a tenth of the first lines at least."""
    if ">>" not in text[:50_000]:
        return False
    lines = [ln for ln in text[:50_000].split("\n", 400)[:400] if ln.strip()]
    marks = sum(1 for ln in lines if _MARK_RE.match(ln))
    return marks >= _MIN_MARKS and marks >= _MIN_MARK_SHARE * len(lines)


def read_speaker_marks(text: str, known: frozenset[str] = frozenset()) -> RawTranscript:
    raw = RawTranscript(format="speaker-marks")
    pieces = _pieces(text)
    names = Counter(
        name_key(c.name)
        for _, marked, body in pieces
        if marked and (c := split_label(body, known)) is not None
    )
    current: RawTurn | None = None
    seen_mark = False
    for n, marked, body in pieces:
        if is_marker_line(body):
            raw.mark(n, "non_speech")
            continue
        body = strip_markers(body)
        if marked:
            seen_mark = True
            label = split_label(body, known)
            if label is not None and not _named(label.name, names, known):
                label = None
            rest = label.rest if label is not None else body
            current = RawTurn(text=rest, line=n, end_line=n, label=label.name if label else None)
            raw.turns.append(current)
            if not rest:
                raw.mark(n, "label")
            continue
        if not seen_mark and current is None and n == pieces[0][0] and _is_title(body):
            raw.title = body
            raw.mark(n, "metadata")
            continue
        if current is None:
            current = RawTurn(text=body, line=n, end_line=n)  # before the first mark
            raw.turns.append(current)
            continue
        current.text = join_text(current.text, body)
        current.end_line = n
    raw.turns = [t for t in raw.turns if t.text.strip()]
    return raw


def _pieces(text: str) -> list[tuple[int, bool, str]]:
    """(line, opens with a mark, text) for each non-blank line, split at marks inside it."""
    out: list[tuple[int, bool, str]] = []
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        m = _MARK_RE.match(line)
        marked = m is not None
        rest = line[m.end() :] if m else line
        for i, part in enumerate(_INLINE_MARK_RE.split(rest)):
            if part.strip() or (i == 0 and marked):
                out.append((n, marked or i > 0, part.strip()))
    return out


def _named(name: str, counts: Counter[str], known: frozenset[str]) -> bool:
    """A name after `>>` is a label when written in capitals (as captioners write names), used
    twice, or known."""
    key = name_key(name)
    return name.isupper() or counts[key] >= 2 or key in known


def _is_title(text: str) -> bool:
    return len(text) <= 120 and not text.endswith(_TERMINAL)


def read(text: str, ctx: ReadContext) -> RawTranscript:
    return read_speaker_marks(text, ctx.known_names)
