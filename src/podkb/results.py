"""The typed result records: what search and quotes answer.

Their fields, in this order, are the JSON contract of `--format json|jsonl|csv` and of the MCP
tools' structured content (podkb.mcp_tools): both build their rows here, so the two cannot
diverge. A hit is a turn (store.records.TurnRow, where a turn's fields are declared once) and
then what ranks, quotes and cites it; a new field of a hit is one field on `Hit` and its value
set in `search.cite_hits` (where a hit gets what it needs from its episode). They are plain
dataclasses, so a search never imports pydantic (about 100 ms of start-up); the JSON schema
and validation use pydantic models generated from them (podkb.schemas). A field set in
`cite_hits` but not declared here is a TypeError in every search test.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from .store.records import TurnRow, described

Span = tuple[int, int]

__all__ = ["HIT_FIELDS", "Hit", "HitContext", "Quote", "TurnRow", "cite_text", "hit_rows"]


@dataclass(slots=True)
class HitContext:
    """The turns around a hit (search --context N)."""

    before: list[TurnRow]
    after: list[TurnRow]


@dataclass(slots=True)
class Hit(TurnRow):
    """A search hit: the turn, then what ranks, quotes and cites it."""

    score: float = field(metadata=described("BM25 relevance (0 when unranked)"))
    snippet: str = field(metadata=described("a window of the turn around its first match"))
    matches: list[Span] = field(metadata=described("match spans inside the snippet"))
    quote: str = field(metadata=described("the whole sentence(s) holding the first match"))
    quote_start: float | None = field(
        metadata=described("seconds where the quote starts, if timed")
    )
    quote_matches: list[Span] = field(metadata=described("match spans inside the quote"))
    episode_title: str | None
    show: str | None
    start_hms: str | None = field(metadata=described("the turn's start as hh:mm:ss"))
    quote_start_hms: str | None = field(metadata=described("the quote's start as hh:mm:ss"))
    audio_url: str | None = field(
        metadata=described(
            "the episode's audio at the quote's moment (a #t=SECONDS media fragment), "
            "or null without an audio URL or a time"
        )
    )
    citation: str = field(
        metadata=described(
            '"quote" — Speaker, Show, "Episode title" (hh:mm:ss), then the audio_url'
        )
    )
    context: HitContext | None = None

    def row(self) -> dict[str, Any]:
        """The hit as a JSON row: `context` only when it was asked for (as the CLI always had)."""
        row = {name: getattr(self, name) for name in _ROW_FIELDS}
        if self.context is not None:
            row["context"] = {
                "before": [t.fields() for t in self.context.before],
                "after": [t.fields() for t in self.context.after],
            }
        return row

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


_ROW_FIELDS = tuple(f.name for f in fields(Hit) if f.name != "context")


@dataclass(slots=True)
class Quote(Hit):
    """A quote (`podkb quotes`, the MCP `quotes` tool): a hit by the speaker asked about. The
    quote and its start time are the point; the fields are a hit's, so one script reads both."""


# A CSV hit: the turn, then what ranks, quotes and cites it (the JSON hit's flat fields).
HIT_FIELDS = [
    *(f.name for f in fields(TurnRow)),
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
