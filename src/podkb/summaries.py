"""The typed records of the listing commands: `podkb episodes` and `podkb speakers` (and their
MCP tools). pydantic models, as their fields are the JSON contract; kept apart from the hit
records (results.py) so that a search imports no pydantic."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from .models import Episode


class EpisodeSummary(Episode):
    """One episode of `podkb episodes`: the episode record itself, so that a field added to
    the episode (models.Episode) is listed by the CLI and the MCP `episodes` tool at once."""


class SpeakerSummary(BaseModel):
    """One speaker of `podkb speakers`: counts over the whole knowledge base."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(description="null: the turns whose speaker the sources do not name")
    aliases: list[str]
    roles: list[str]
    episodes: int
    episode_ids: list[str]
    turns: int
    words: int
