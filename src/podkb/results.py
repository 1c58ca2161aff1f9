"""The typed result records: what search, quotes, episodes and speakers answer.

Their fields, in this order, are the JSON contract of `--format json|jsonl|csv` and of the MCP
tools' structured content (podkb.mcp_tools): both build their rows here, so the two cannot
diverge. A new field of a hit is one field on `Hit` and its value set in `search.cite_hits`
(where a hit gets what it needs from its episode); `extra="forbid"` makes a field set there but
not declared here fail every search test.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .models import Episode

Span = tuple[int, int]


class TurnRow(BaseModel):
    """A turn as the store hands it out (store.TURN_COLUMNS): a transcript's or a context's line."""

    model_config = ConfigDict(extra="forbid")

    episode_id: str
    turn: int
    speaker: str | None
    speaker_label: str | None
    role: str
    text: str
    lang: str
    start: float | None
    end: float | None
    chapter: str | None
    source: str = Field(description="source file name")
    line: int = Field(description="1-based source line where the turn starts")


class HitContext(BaseModel):
    """The turns around a hit (search --context N)."""

    model_config = ConfigDict(extra="forbid")

    before: list[TurnRow]
    after: list[TurnRow]


class Hit(TurnRow):
    """A search hit: the turn, then what ranks, quotes and cites it."""

    score: float = Field(description="BM25 relevance (0 when unranked)")
    snippet: str = Field(description="a window of the turn around its first match")
    matches: list[Span] = Field(description="match spans inside the snippet")
    quote: str = Field(description="the whole sentence(s) holding the first match")
    quote_start: float | None = Field(description="seconds where the quote starts, if timed")
    quote_matches: list[Span] = Field(description="match spans inside the quote")
    episode_title: str | None
    show: str | None
    start_hms: str | None = Field(description="the turn's start as hh:mm:ss")
    quote_start_hms: str | None = Field(description="the quote's start as hh:mm:ss")
    audio_url: str | None = Field(
        description="the episode's audio at the quote's moment (a #t=SECONDS media fragment), "
        "or null without an audio URL or a time"
    )
    citation: str = Field(
        description='"quote" — Speaker, Show, "Episode title" (hh:mm:ss), then the audio_url'
    )
    context: HitContext | None = None

    def row(self) -> dict[str, Any]:
        """The hit as a JSON row: `context` only when it was asked for (as the CLI always had)."""
        return self.model_dump(exclude={"context"} if self.context is None else None)

    def cite(self) -> str:
        """The citation line of this hit's fields (what `citation` holds)."""
        return cite_text(
            speaker=self.speaker,
            show=self.show,
            episode=self.episode_title or self.episode_id,
            when=self.quote_start_hms or self.start_hms,
            quote=self.quote,
            audio_url=self.audio_url,
        )


class Quote(Hit):
    """A quote (`podkb quotes`, the MCP `quotes` tool): a hit by the speaker asked about. The
    quote and its start time are the point; the fields are a hit's, so one script reads both."""


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


# A CSV hit: the turn, then what ranks, quotes and cites it (the JSON hit's flat fields).
HIT_FIELDS = [
    *TurnRow.model_fields,
    "score",
    "snippet",
    "quote",
    "quote_start",
    "start_hms",
    "quote_start_hms",
    "episode_title",
    "show",
    "audio_url",
    "citation",
]


def hit_rows(hits: list[Hit]) -> list[dict[str, Any]]:
    """Search hits (search.SearchResult.hits) as the JSON rows every output writes."""
    return [h.row() for h in hits]


def cite_text(
    *,
    speaker: str | None,
    show: str | None,
    episode: str,
    when: str | None,
    quote: str,
    audio_url: str | None,
) -> str:
    """One paste-ready line: "quote" — Speaker, Show, "Episode title" (hh:mm:ss), the audio
    link; `episode`: its title, else its id; `when`: where the quote (else the turn) starts."""
    who = [speaker or "unknown speaker"]
    if show:
        who.append(show)
    who.append(f'"{episode}"')
    tail = f" ({when})" if when else ""
    # Quotation marks inside the quote become single ones, as in print.
    quote = quote.translate(_INNER_QUOTES)
    link = f" {audio_url}" if audio_url else ""
    return f'"{quote}" — {", ".join(who)}{tail}{link}'


_INNER_QUOTES = str.maketrans({'"': "'", "“": "‘", "”": "’"})
