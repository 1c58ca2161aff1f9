"""What a reader is given besides the text: its own small module, so that every reader depends
on it and none on the dispatcher (`formats.py`) that calls the readers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReadContext:
    """What a reader may use besides the text."""

    path: str = ""
    # Folded names the catalog, sidecar and speaker register know: labels that are surely names.
    known_names: frozenset[str] = frozenset()
    # Times (from a chapters sidecar) that timed cues never merge across.
    chapter_starts: tuple[float, ...] = ()
