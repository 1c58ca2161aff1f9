"""Non-speech markers: `[music]`, `(laughter)`, `**Break**`, `[inaudible 00:03:21]`.

Transcript editors write what was heard but not said as a bracketed word. It is not a word of
the turn around it: searching for "music" must not find every theme tune, and a quote must not
cite "[laughs]". A line that is only a marker is marked `non_speech`; markers inside a line are
taken out of the text. Only a closed list of words counts: `[sic]` or `[the company]` are
editorial insertions that belong to the sentence and stay.
"""

from __future__ import annotations

import re

from .raw import RawTranscript

_WORDS = (
    r"music|music playing|theme music|intro music|outro music|upbeat music|soft music|"
    r"laughter|laughs|laughing|laugh|chuckles|chuckling|giggles|applause|clapping|cheering|"
    r"inaudible|unintelligible|indistinct|crosstalk|cross talk|overlapping|silence|pause|"
    r"break|ad break|commercial break|advertisement|sponsor break|intro|outro|"
    r"background noise|noise|coughs|coughing|sighs|sigh|static|beep|bleep|"
    r"音乐|音樂|笑声|笑聲|笑|掌声|掌聲|听不清|聽不清|停顿|停頓|音楽|拍手"
)
_TIME = r"\d{1,2}(?::\d{1,2}){1,2}(?:[.,]\d{1,3})?"
# The marker word, optionally with a time (Rev writes `[inaudible 00:03:21]`).
_INNER = rf"\s*(?i:{_WORDS})(?:\s+{_TIME})?\s*"
_BRACKETED = rf"\[{_INNER}\]|\({_INNER}\)|（{_INNER}）|【{_INNER}】"
_LINE_RE = re.compile(rf"^\s*(?:{_BRACKETED}|(?:\*\*|__){_INNER}(?:\*\*|__)|\*{_INNER}\*)\s*$")
_INLINE_RE = re.compile(rf"[ \t]*(?:{_BRACKETED})")


def is_marker_line(text: str) -> bool:
    """The whole line is a non-speech marker (`[Music]`, `**Break**`, `(applause)`)."""
    return bool(_LINE_RE.match(text))


def strip_markers(text: str) -> str:
    """The text without bracketed non-speech markers, spaces tidied where one was taken out."""
    if "[" not in text and "(" not in text and "（" not in text and "【" not in text:
        return text
    cleaned = _INLINE_RE.sub("", text)
    if cleaned == text:
        return text
    # A marker at the start leaves the following word without its space; one between words
    # leaves exactly one space (the regex takes the space before the marker).
    cleaned = re.sub(r"[ \t]{2,}", " ", cleaned)
    cleaned = re.sub(r"\n[ \t]+", "\n", cleaned)
    return re.sub(r"\n{3,}", "\n\n", cleaned).strip()


def scrub_turns(raw: RawTranscript) -> None:
    """Markers out of turns a reader made without knowing them: a turn that is only a marker
    goes (its line is marked `non_speech`), markers inside a turn's text are taken out."""
    kept = []
    for turn in raw.turns:
        if is_marker_line(turn.text):
            raw.mark(turn.line, "non_speech")
            continue
        turn.text = strip_markers(turn.text)
        if turn.text:
            kept.append(turn)
    raw.turns = kept
