"""Non-speech markers: `[music]`, `(laughter)`, `**Break**`, `[inaudible 00:03:21]`.

Transcript editors write what was heard but not said as a bracketed word. It is not a word of
the turn around it: searching for "music" must not find every theme tune, and a quote must not
cite "[laughs]". A line that is only a marker is marked `non_speech`; markers inside a line are
taken out of the text. Only a closed list of words counts: `[sic]` or `[the company]` are
editorial insertions that belong to the sentence and stay.
"""

from __future__ import annotations

import re

from ..raw import RawTranscript

_WORDS = (
    r"music|music playing|theme music|intro music|outro music|upbeat music|soft music|"
    r"laughter|laughs|laughing|laugh|chuckles|chuckling|giggles|applause|clapping|cheering|"
    r"inaudible|unintelligible|indistinct|crosstalk|cross talk|overlapping|silence|pause|"
    r"break|ad break|commercial break|advertisement|sponsor break|intro|outro|space|long pause|"
    r"background noise|noise|coughs|coughing|sighs|sigh|static|beep|bleep|"
    r"音乐|音樂|笑声|笑聲|笑|掌声|掌聲|听不清|聽不清|停顿|停頓|音楽|拍手"
)
_TIME = r"\d{1,2}(?::\d{1,2}){1,2}(?:[.,]\d{1,3})?"
# How long a pause lasted, as caption tools write it: `[ SPACE 3 secs ]`, `[pause 2s]`.
_DURATION = r"\d+(?:[.,]\d+)?\s*(?:s|sec|secs|second|seconds|秒)\.?"
# The marker word, optionally with a time (Rev writes `[inaudible 00:03:21]`) or a duration.
_INNER = rf"\s*(?i:{_WORDS})(?:\s+{_TIME}|\s+{_DURATION})?\.?\s*"
_BRACKETED = rf"\[{_INNER}\]|\({_INNER}\)|（{_INNER}）|【{_INNER}】"
# Radio and TV transcripts describe what is heard in capitals on a line of its own: NPR's
# `(SOUNDBITE OF MUSIC)`, `(SOUNDBITE OF ARCHIVED RECORDING)`, CNN's `(BEGIN VIDEO CLIP)`. Case
# matters: `(Soundbite of a man laughing)` in prose is a writer's aside, not this convention.
_STAGE = (
    r"\(\s*(?:SOUNDBITE OF [^()\n]{1,150}|(?:BEGIN|END) (?:VIDEO CLIP|VIDEOTAPE|AUDIO CLIP)|"
    r"COMMERCIAL BREAK|CROSSTALK)\s*\)"
    # A hearing record's `[Whereupon, at 11:40 a.m., the hearing was adjourned.]`.
    r"|\[Whereupon,[^\[\]\n]{1,200}\]"
)
# `(Intro music: Electroswing)`: a marker word with what it was, after a colon.
_DESCRIBED = rf"\(\s*(?i:{_WORDS})\s*:\s*[^()\n]{{1,80}}\)"
# Transcription services mark a show's parts on lines of their own, in capitals: `[INTRODUCTION]`,
# `[EPISODE]`, `[END OF EPISODE]` (before the announcer's outro, which is still speech),
# `[END]`. Only whole lines, only capitals: `[the end]` in a sentence is the speaker's.
_SECTION = (
    r"\[\s*(?:INTRODUCTION|INTRO|OUTRO|EPISODE|INTERVIEW|BREAK|END|"
    r"END OF (?:THE )?(?:EPISODE|INTERVIEW|TRANSCRIPT|SHOW|PODCAST|RECORDING))\s*\]"
)
_LINE_RE = re.compile(
    rf"^\s*(?:{_BRACKETED}|(?:\*\*|__){_INNER}(?:\*\*|__)|\*{_INNER}\*|{_STAGE}|{_DESCRIBED}|"
    rf"{_SECTION})\s*$"
)
# No leading `\s*` in the pattern: tried at every position of a long run of spaces it made
# the search quadratic (seconds on one 20 kB line). Spaces before a marker are trimmed in code.
_INLINE_RE = re.compile(_BRACKETED)


def is_marker_line(text: str) -> bool:
    """The whole line is a non-speech marker (`[Music]`, `**Break**`, `(applause)`)."""
    return bool(_LINE_RE.match(text))


def strip_markers(text: str) -> str:
    """The text without bracketed non-speech markers, spaces tidied where one was taken out."""
    if "[" not in text and "(" not in text and "（" not in text and "【" not in text:
        return text
    pieces: list[str] = []
    pos = 0
    for m in _INLINE_RE.finditer(text):
        pieces.append(text[pos : m.start()].rstrip(" \t"))
        pos = m.end()
    if not pieces:
        return text
    pieces.append(text[pos:])
    cleaned = re.sub(r"\n[ \t]+", "\n", "".join(pieces))
    return re.sub(r"\n{3,}", "\n\n", cleaned).strip()


def scrub_turns(raw: RawTranscript) -> None:
    """Markers out of turns a reader made without knowing them: a turn that is only a marker
    goes (its line is marked `non_speech`), markers inside a turn's text are taken out."""
    kept = []
    for turn in raw.turns:
        if is_marker_line(turn.text):
            raw.mark(turn.line, "non_speech")
            continue
        text = strip_markers(turn.text)
        lead = len(text) - len(text.lstrip())
        turn.text = text.strip()
        if lead:
            turn.times = [(max(0, off - lead), t) for off, t in turn.times]
        if turn.text:
            kept.append(turn)
    raw.turns = kept


# Pauses as caption tools mark them: `[ SPACE 3 secs ]`, `[pause]`, `(silence 2s)`. Unlike
# `[Music]` or `（笑声）`, which some caption and JSON files keep as a cue of their own (and
# podkb keeps as they are there), a pause is never something anyone said.
_PAUSE_INNER = rf"\s*(?i:space|pause|long pause|silence)(?:\s+{_DURATION})?\s*"
_PAUSE_RE = re.compile(rf"\[{_PAUSE_INNER}\]|\({_PAUSE_INNER}\)|（{_PAUSE_INNER}）")


def strip_pauses(text: str) -> str:
    """The text without pause markers (empty when it held nothing else)."""
    if "[" not in text and "(" not in text and "（" not in text:
        return text
    cleaned = _PAUSE_RE.sub(" ", text)
    return text if cleaned == text else " ".join(cleaned.split())
