"""The typed records at podkb's boundaries. Field names are the JSON contract scripts rely on."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["host", "guest", "unknown"]


class Turn(BaseModel):
    """One speaker turn: what one person said, with where it came from."""

    model_config = ConfigDict(extra="forbid")

    episode_id: str
    turn: int = Field(ge=0, description="0-based order within the episode")
    speaker: str | None = Field(description="canonical name, or null when the source does not say")
    speaker_label: str | None = Field(description="the label as written in the source")
    role: Role = "unknown"
    text: str
    lang: str = Field(description="BCP-47 tag: en, zh-Hant, zh-Hans, ja, und ...")
    start: float | None = Field(default=None, description="seconds from the start, or null")
    end: float | None = None
    chapter: str | None = None
    source: str = Field(description="source file name")
    line: int = Field(ge=1, description="1-based source line where the turn starts")
    # Where timed pieces (cues, segments, word groups) start in `text`: (character offset,
    # seconds). Stored for quotes, which cite the time of their own sentence; not exported.
    times: list[tuple[int, float]] = Field(default_factory=list, exclude=True)


class Chapter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str
    start: float | None = Field(default=None, description="seconds, on the turns' clock")


class Episode(BaseModel):
    model_config = ConfigDict(extra="forbid")

    episode_id: str
    show: str | None = None
    title: str | None = None
    date: str | None = None
    lang: str | None = None
    hosts: list[str] = Field(default_factory=list)
    guests: list[str] = Field(default_factory=list)
    description: str | None = None
    source: str
    turns: int = 0
    chapters: list[Chapter] = Field(default_factory=list)
    # From a feed's item (or a sidecar's `audio:`): the audio file, the episode's page, and
    # its length in seconds.
    audio_url: str | None = None
    link: str | None = None
    duration: float | None = None


# The version of EpisodeDump: a later podkb reads every earlier version; a dump of a later
# version than this podkb knows is refused with that reason.
DUMP_VERSION = 1


class DumpedSource(BaseModel):
    """Where a dumped episode's file was and what it was read with: restored, a re-ingest of
    that file finds the episode unchanged."""

    model_config = ConfigDict(extra="forbid")

    source_path: str | None = None
    source_sha256: str | None = None
    inputs_sha256: str | None = None
    source_stat: str | None = None
    format: str | None = None


class DumpedName(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    role: Role


class EpisodeDump(BaseModel):
    """What a jsonl/json export writes into an episode's first turn record (`"episode"`) so
    that `podkb ingest` restores the episode whole: every Episode field, its source, the names
    a user gave its labels (`podkb speakers name`), and where each turn's timed pieces start."""

    model_config = ConfigDict(extra="forbid")

    dump_version: int = DUMP_VERSION
    fields: Episode
    store: DumpedSource = Field(default_factory=DumpedSource)
    speaker_names: dict[str, DumpedName] = Field(default_factory=dict)
    times: dict[int, list[tuple[int, float]]] = Field(default_factory=dict)
