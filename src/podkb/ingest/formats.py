"""Format detection from content (never from the file name) and dispatch to a reader."""

from __future__ import annotations

from .raw import RawTranscript
from .webtext import read_web_text


def read_transcript(text: str, *, known_names: frozenset[str] = frozenset(), path: str = "") -> RawTranscript:
    return read_web_text(text, known_names)
