"""What a person asks for: the request models shared by search, quotes, batch and export.

Validated with pydantic (unknown fields refused, text fields must be strings) at the edge: the
command line (cli_options.request_options) and batch files build these, the library takes them.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

MAX_LIMIT = 10_000
# Turns around a hit: more than any episode holds is a typo (and would overflow the store's ints).
MAX_CONTEXT = 10_000


class TurnFilter(BaseModel):
    """Which turns a command looks at: the filters shared by search, quotes, batch and export.

    A new filter is a field here, its option in cli_options.REQUEST_OPTIONS, and its meaning
    in search.resolve_filter (and store.base.TurnQuery when the store must apply it).
    """

    model_config = ConfigDict(extra="forbid", strict=True)

    speaker: str | None = Field(default=None, description="name, alias or close spelling")
    topic: str | None = Field(default=None, description="taxonomy topic or chapter title")
    episode: str | None = Field(default=None, description="episode id or unique prefix")
    lang: str | None = Field(default=None, description="en, zh, zh-Hant, ...")

    def has_filter(self) -> bool:
        return any((self.speaker, self.topic, self.episode, self.lang))


class SearchRequest(TurnFilter):
    """One search: a query and filters, how many hits, and how many turns around each."""

    query: str | None = None
    limit: int = Field(default=10, ge=1, le=MAX_LIMIT, description="how many hits at most")
    context: int = Field(
        default=0, ge=0, le=MAX_CONTEXT, description="turns shown before and after each hit"
    )
