"""Chinese and Japanese machine transcripts that put spaces between words, joined back.

Speech recognisers (and tokenisers run before export) write `今天 我们 聊聊 人工 智能 。`: the
spaces are not the text's, and they break the words the index makes across them (`工智` of
人工智能). A turn whose characters of unspaced scripts are mostly separated by spaces has those
spaces taken out; a space beside a Latin word, and the odd space a writer put between two
phrases of otherwise unspaced text, stay.
"""

from __future__ import annotations

import re

from ...text import UNSPACED_RANGES, char_class
from ..raw import RawTurn

_UNSPACED = char_class(UNSPACED_RANGES)
_GAP_RE = re.compile(f"(?<=[{_UNSPACED}]) +(?=[{_UNSPACED}])")
_RUN_RE = re.compile(f"[{_UNSPACED}]+")
# Two gaps at least, between at least a third of the runs of unspaced characters: a writer's
# own spaces are rarer than that, a word-spacing recogniser's are between nearly all words.
_MIN_GAPS = 2
_MIN_GAP_SHARE = 1 / 3


def join_spaced_words(turn: RawTurn) -> None:
    """Take the recogniser's spaces out of the turn's text, keeping `times` on their characters."""
    text = turn.text
    gaps = [(m.start(), m.end()) for m in _GAP_RE.finditer(text)]
    if len(gaps) < _MIN_GAPS or len(gaps) < _MIN_GAP_SHARE * len(_RUN_RE.findall(text)):
        return
    pieces: list[str] = []
    removed_before: list[tuple[int, int]] = []  # (offset in the old text, characters removed)
    pos = removed = 0
    for start, end in gaps:
        pieces.append(text[pos:start])
        removed += end - start
        removed_before.append((end, removed))
        pos = end
    pieces.append(text[pos:])
    turn.text = "".join(pieces)
    turn.times = [(_shift(offset, removed_before), seconds) for offset, seconds in turn.times]


def _shift(offset: int, removed_before: list[tuple[int, int]]) -> int:
    shift = 0
    for end, removed in removed_before:
        if end > offset:
            break
        shift = removed
    return offset - shift
