"""What a reader hands on: the transcript as the source shows it, before speakers are resolved."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from ..models import DumpedSource, Episode, Turn

# What each non-blank source line is, for the ingest report and `ingest --explain`:
# text: read into a turn; label: a speaker label on a line of its own; timing: a timestamp or
# cue timing line (or cue number); metadata: front matter, headers, episode fields; chrome: page
# furniture; duplicate: a repeated page or a rolling caption line; non_speech: [music],
# **Break**; unaccounted: none of these (text that was lost: a file with many is refused).
LineClass = Literal[
    "text", "label", "timing", "metadata", "chrome", "duplicate", "non_speech", "unaccounted"
]
LINE_CLASSES: tuple[LineClass, ...] = (
    "text",
    "label",
    "timing",
    "metadata",
    "chrome",
    "duplicate",
    "non_speech",
    "unaccounted",
)


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
    # The last source line (1-based, inclusive) the turn's text comes from; None: `line` only.
    # Non-blank lines from `line` to `end_line` that the reader did not mark otherwise are text.
    end_line: int | None = None
    # Where timed pieces (cues, segments, words) start inside the turn: (character offset in
    # `text`, seconds). Quotes take the time of the sentence they cite from these.
    times: list[tuple[int, float]] = field(default_factory=list)


@dataclass
class RestoredEpisode:
    """One episode of a podkb dump, already resolved: stored as it was, never re-resolved."""

    episode: Episode
    turns: list[Turn]
    source: DumpedSource
    speaker_names: dict[str, tuple[str, str]] = field(default_factory=dict)
    # How many turns the episode had when it was exported: more than `turns` for a filtered
    # export, which must not replace the whole episode in a store that holds it.
    exported_of: int = 0


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
    lang: str | None = None  # the episode's language when the source states it (front matter)
    # Source lines the reader used for something other than turn text (1-based -> class).
    line_classes: dict[int, LineClass] = field(default_factory=dict)
    # Structured sources (JSON, XML) where lines do not map to speech: the number of words in
    # the fields that hold speech, so that words kept can be checked against them.
    source_words: int | None = None
    # How the reader read times whose unit the format does not state (segment JSON with
    # integer `start`/`end`): the unit and why, for the ingest report. None: the format says.
    time_unit: str | None = None
    # A podkb dump (turn records carrying their episode): the episodes it restores, whose
    # turns are `turns` in this order. One file, many episodes.
    restored: list[RestoredEpisode] | None = None

    def mark(self, line: int, cls: LineClass) -> None:
        """Say what a source line (1-based) was used for; the first mark of a line stands."""
        self.line_classes.setdefault(line, cls)

    def mark_lines(self, first: int, last: int, cls: LineClass) -> None:
        for line in range(first, last + 1):
            self.mark(line, cls)
