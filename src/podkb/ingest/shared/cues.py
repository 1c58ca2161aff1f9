"""Timed pieces of speech (subtitle cues, JSON segments) into speaker turns.

Subtitles and word-level JSON cut speech into pieces that follow the clock, not the speaker:
a sentence runs across cues, and a speaker's name is often written only when the speaker
changes. The readers turn their files into `Cue`s; `merge_cues` joins consecutive cues of one
speaker into one turn, from the first cue's start to the last cue's end.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ...catalog import name_key
from ...text import UNSPACED_RANGES, char_class
from ..raw import RawTurn
from .labels import expand_initials, is_role_label, split_label

_SENTENCE_END = tuple('.!?。！？…"”」』)）')
_CJK_OR_PUNCT = re.compile(f"[{char_class(UNSPACED_RANGES)}]")
_NO_SPACE_BEFORE = tuple(",.!?;:…)]}%」』，。！？、；：）")
# `>>` is the captioning mark (CEA-608) for a change of speaker: a new turn, its speaker not named.
_SPEAKER_CHANGE_RE = re.compile(r"^\s*>>+(?!>)\s*")
# Automatic captions have no punctuation: without a sentence end or a speaker, a turn is cut
# after this many characters (about a minute of speech) so that it stays a citable unit.
_MAX_UNPUNCTUATED = 1000
_UNNAMED = "\x00unnamed"  # the key of a `>>` turn: someone speaks, never equal to a named speaker


@dataclass
class Cue:
    text: str
    line: int
    start: float | None = None
    end: float | None = None
    label: str | None = None  # the speaker the cue names (voice tag, `Name:` prefix, JSON speaker)
    new_speaker: bool = False  # `>>`: the speaker changes and is not named
    # The last source line of the cue's text, for readers that track turn line spans (JSON).
    end_line: int | None = None
    # A subtitle dialogue dash (`- Hi.` / `- Hello.`): a new speaker, who may still be named by
    # a `Name:` prefix after the dash.
    dash: bool = False
    # The label names this cue's speaker only (a name once in brackets, `[Alba]`): the next cues
    # join it only to finish its sentence, never carry the name on.
    carries: bool = True


def join_text(left: str, right: str) -> str:
    """Two pieces of running text as one: a space between words, none between CJK characters
    or before closing punctuation."""
    left, right = left.rstrip(), right.lstrip()
    if not left:
        return right
    if not right:
        return left
    if right.startswith(_NO_SPACE_BEFORE) or (
        _CJK_OR_PUNCT.match(left[-1]) and _CJK_OR_PUNCT.match(right[0])
    ):
        return left + right
    return f"{left} {right}"


def ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(_SENTENCE_END)


def take_speaker_change(text: str) -> tuple[str, bool]:
    """Text without a leading `>>`, and whether it had one."""
    m = _SPEAKER_CHANGE_RE.match(text)
    return (text[m.end() :], True) if m else (text, False)


def apply_prefix_labels(cues: Sequence[Cue], known: frozenset[str] = frozenset()) -> dict[str, str]:
    """Find `Name:` / `[SPEAKER_00]:` prefixes in cues that carry no speaker yet.

    A colon inside a sentence is not a label: the prefix must be shaped like a name and be used
    at least twice, be a role label (`SPEAKER_00`, `Host`, `主持人`), be a name podkb knows, or,
    in a file that names its speakers (a label above, a voice tag, a `>>` mark, or two different
    names that each start a sentence), start a cue that follows a finished sentence. A cue
    after `>>` has no name: its speaker is not given.

    Returns the roles the labels state (`Name (host):`), name -> "host" or "guest".
    """
    candidates = []
    for i, cue in enumerate(cues):
        if cue.label is not None or (cue.new_speaker and not cue.dash):
            continue  # named already, or `>>`: a speaker whose name is not given
        cand = split_label(cue.text, known)
        if cand is not None:
            candidates.append((i, cand))
    # `Shaun Apps（SA）：` once, then `SA：`: one speaker.
    expanded = expand_initials([c for _, c in candidates])
    candidates = [(i, c) for (i, _), c in zip(candidates, expanded, strict=True) if c is not None]
    counts = Counter(name_key(c.name) for _, c in candidates)
    strong = {
        i
        for i, c in candidates
        if counts[name_key(c.name)] >= 2
        or is_role_label(c.name)
        or name_key(c.name) in known
        or c.confirmed
    }
    at_sentence_start = {i for i, _ in candidates if i == 0 or ends_sentence(cues[i - 1].text)}
    names_at_starts = {name_key(c.name) for i, c in candidates if i in at_sentence_start}
    document_labelled = (
        bool(strong) or any(c.label or c.new_speaker for c in cues) or len(names_at_starts) >= 2
    )
    # Files that start (nearly) every cue with a label (Zoom) need no sentence end before one:
    # there, a name used once at the start of a cue is one more speaker.
    every_cue_labelled = len(strong) >= 0.8 * len(cues) - 1
    roles: dict[str, str] = {}
    for i, cand in candidates:
        if i in strong or (document_labelled and (i in at_sentence_start or every_cue_labelled)):
            cues[i].label = cand.name
            cues[i].text = cand.rest
            if cand.role is not None:
                roles.setdefault(cand.name, cand.role)
    return roles


def merge_cues(
    cues: Sequence[Cue], *, carry_over: bool, boundaries: Sequence[float] = ()
) -> list[RawTurn]:
    """Consecutive cues of one speaker as one turn.

    carry_over: a cue that names no speaker continues the current one (WebVTT voices and
    subtitle prefixes work this way). Without it (JSON segments) such a cue has no speaker.
    Where no speaker is known, cues are joined up to the end of a sentence: nothing says who
    speaks, so a turn is no longer than what the text shows belongs together.
    boundaries: chapter starts; a turn never runs across one (the speaker carries on after it).
    """
    turns: list[RawTurn] = []
    current: RawTurn | None = None
    current_key: str | None = None  # the speaker's key; None while no speaker is known
    for cue in cues:
        text = cue.text.strip()
        if not text and not cue.label:
            continue
        if current is not None and _crosses(current, cue, boundaries):
            if cue.label is None and not cue.new_speaker and current_key is not None and carry_over:
                current = _start(turns, cue, text, current.label)
                continue
            current, current_key = None, None
        if cue.label is not None:
            key = name_key(cue.label)
            if current is not None and current_key == key:
                _extend(current, cue, text)
                continue
            current = _start(turns, cue, text, cue.label)
            current_key = key if cue.carries else None
            continue
        if cue.new_speaker:
            # After `>>` the unnamed speaker carries on; after a dialogue dash nothing says who
            # speaks next, so the next cue joins only an unfinished sentence.
            current = _start(turns, cue, text, None)
            current_key = None if cue.dash else _UNNAMED
            continue
        if current is not None and current_key is not None and carry_over:
            _extend(current, cue, text)
        elif (
            current is not None
            and current_key is None
            and not ends_sentence(current.text)
            and len(current.text) < _MAX_UNPUNCTUATED
        ):
            _extend(current, cue, text)
        else:
            current, current_key = _start(turns, cue, text, None), None
    return [t for t in turns if t.text.strip()]


def _crosses(turn: RawTurn, cue: Cue, boundaries: Sequence[float]) -> bool:
    if turn.start is None or cue.start is None:
        return False
    return any(turn.start < b <= cue.start + 0.0005 for b in boundaries)


def _start(turns: list[RawTurn], cue: Cue, text: str, label: str | None) -> RawTurn:
    turn = RawTurn(
        text=text,
        line=cue.line,
        label=label,
        start=cue.start,
        end=cue.end,
        end_line=cue.end_line or cue.line,
    )
    if cue.start is not None and text:
        turn.times.append((0, cue.start))
    turns.append(turn)
    return turn


def _extend(turn: RawTurn, cue: Cue, text: str) -> None:
    turn.text = join_text(turn.text, text)
    if cue.start is not None and text:
        # join_text only adds at the seam, so the cue's text is the tail of the turn's text.
        turn.times.append((len(turn.text) - len(text), cue.start))
    turn.end_line = max(turn.end_line or turn.line, cue.end_line or cue.line)
    if cue.end is not None:
        turn.end = cue.end if turn.end is None else max(turn.end, cue.end)
    if turn.start is None:
        turn.start = cue.start
