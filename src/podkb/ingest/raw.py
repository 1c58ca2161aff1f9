"""What a reader hands on: the transcript as the source shows it, before speakers are resolved."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RawChapter:
    title: str
    start: float | None = None


@dataclass
class RawTurn:
    text: str
    line: int
    label: str | None = None  # the speaker label as written, if any
    # Set when the text shows who speaks without a label (e.g. the unlabeled interviewer's
    # questions): "host" or "guest", resolved against the episode's participants later.
    implied_role: str | None = None
    start: float | None = None
    end: float | None = None
    chapter: str | None = None
    # Structured sources that already say who speaks (podkb's own turn records) set these;
    # `role` not None means "resolved": the speaker is taken as given, never re-resolved or merged.
    speaker: str | None = None
    role: str | None = None
    lang: str | None = None


@dataclass
class RawTranscript:
    format: str
    turns: list[RawTurn] = field(default_factory=list)
    title: str | None = None
    show: str | None = None
    date: str | None = None
    description: str | None = None
    chapters: list[RawChapter] = field(default_factory=list)
    # Names the text itself gives to the side that speaks without labels ("I'm your host, X").
    implied_names: dict[str, str] = field(default_factory=dict)
    hosts: list[str] = field(default_factory=list)
    guests: list[str] = field(default_factory=list)
    episode_id: str | None = None  # when the source names its episode (podkb's turn records)
