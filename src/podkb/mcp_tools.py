"""The MCP tools, without the SDK: their argument models, what they answer, and their bounds.

Each tool's input schema is its argument model's JSON schema. The models are the CLI's request
models (request.SearchRequest, request.TurnFilter) with MCP's bounds on paging, so a filter
added to the request model is an argument of `search`, `quotes` and `episodes` at once. The
answers are the CLI's JSON rows (results.py), cut to the documented bounds below, and a short
text for clients that show only text. mcp_server.py puts them on the wire.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from . import fields as declared
from .errors import UsageError
from .request import SearchRequest, TurnFilter
from .results import Hit, Quote
from .schemas import model_of
from .store import KnowledgeStore
from .store.records import TurnRecord, TurnRow
from .summaries import EpisodeSummary, SpeakerSummary

# The answers' schemas hold the records' pydantic models, generated from their dataclasses (the
# one declaration of their fields); mypy reads the dataclasses, which have the same fields.
if TYPE_CHECKING:
    HitModel = Hit
    QuoteModel = Quote
    TurnModel = TurnRow
else:
    HitModel = model_of(Hit)
    QuoteModel = model_of(Quote)
    TurnModel = model_of(TurnRow)

# A page holds at most this many hits, quotes, turns, episodes or speakers; a client pages
# with `offset` (no "0 for all" here: an assistant's context is small).
MAX_RESULTS = 50
# A turn's `text` (and an episode's `description`) longer than this is cut, marked with "…";
# the quote, snippet and citation are never longer than a few hundred characters anyway.
MAX_TEXT_CHARS = 4_000
# ...but `transcript` asked for one turn alone (turn, context 0) gives its text up to this many
# characters: the way to read the rest of a turn that other answers cut.
MAX_ONE_TURN_CHARS = 90_000
# One answer's structured content, as JSON: a page that would be longer ends early, and its
# `next_offset` says where the next page starts.
MAX_RESPONSE_CHARS = 100_000
MAX_OFFSET = 1_000_000
MAX_TOOL_CONTEXT = 3


def _described(model: type[BaseModel] | type[declared.Model], name: str) -> str:
    description = model.model_fields[name].description
    assert description, f"{model.__name__}.{name} has no description"
    return description


_LIMIT = f"how many results at most, 1 to {MAX_RESULTS} (page on with offset)"
_OFFSET = "skip this many results first (the next page: the answer's next_offset)"


class SearchArgs(SearchRequest):
    """The `search` tool's arguments: the CLI's SearchRequest with MCP's bounds."""

    query: str | None = declared.Field(
        default=None,
        description='words (all must match), "exact phrases", OR, prefix*, -word to exclude; '
        "may be left out when a filter is given",
    )
    limit: int = declared.Field(default=10, ge=1, le=MAX_RESULTS, description=_LIMIT)
    offset: int = declared.Field(default=0, ge=0, le=MAX_OFFSET, description=_OFFSET)
    context: int = declared.Field(
        default=0,
        ge=0,
        le=MAX_TOOL_CONTEXT,
        description=f"turns before and after each hit, 0 to {MAX_TOOL_CONTEXT}",
    )


class QuotesArgs(SearchArgs):
    """The `quotes` tool's arguments: a search by one speaker (`podkb quotes --speaker`)."""

    speaker: str = declared.Field(description="whose quotes: " + _described(TurnFilter, "speaker"))
    query: str | None = declared.Field(
        default=None,
        description='what the quotes are about: words (all must match), "exact phrases", OR, '
        "prefix*, -word; leave out for any quote by the speaker",
    )


class EpisodesArgs(TurnFilter):
    """The `episodes` tool's arguments: episodes holding at least one turn that the filters
    keep (no filter: every episode)."""

    limit: int = declared.Field(default=MAX_RESULTS, ge=1, le=MAX_RESULTS, description=_LIMIT)
    offset: int = declared.Field(default=0, ge=0, le=MAX_OFFSET, description=_OFFSET)


class SpeakersArgs(BaseModel):
    """The `speakers` tool's arguments."""

    model_config = ConfigDict(extra="forbid", strict=True)

    episode: str | None = Field(
        default=None,
        description="only speakers of this episode: " + _described(TurnFilter, "episode"),
    )
    show: str | None = Field(
        default=None, description="only speakers of this show: " + _described(TurnFilter, "show")
    )
    limit: int = Field(default=MAX_RESULTS, ge=1, le=MAX_RESULTS, description=_LIMIT)
    offset: int = Field(default=0, ge=0, le=MAX_OFFSET, description=_OFFSET)


class TranscriptArgs(BaseModel):
    """The `transcript` tool's arguments: one episode's turns, all of them, a time range, or
    the turns around one turn (a hit's `turn`: untimed transcripts have no times to ask for)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    episode: str = Field(description=_described(TurnFilter, "episode"))
    start: float | None = Field(
        default=None, ge=0, description="seconds: only turns still going at or after this"
    )
    end: float | None = Field(
        default=None, ge=0, description="seconds: only turns starting at or before this"
    )
    turn: int | None = Field(
        default=None,
        ge=0,
        description="a turn number (a hit's `turn`): only the turns around it",
    )
    context: int = Field(
        default=3,
        ge=0,
        le=MAX_RESULTS,
        description="with turn: how many turns before and after it (0: that turn alone, "
        f"its text whole up to {MAX_ONE_TURN_CHARS:,} characters where other answers cut it "
        f"at {MAX_TEXT_CHARS:,})",
    )
    limit: int = Field(default=MAX_RESULTS, ge=1, le=MAX_RESULTS, description=_LIMIT)
    offset: int = Field(default=0, ge=0, le=MAX_OFFSET, description=_OFFSET)


# --- what the tools answer: their output schemas ---------------------------------------------


class Page(BaseModel):
    """Where a page of results stands."""

    model_config = ConfigDict(extra="forbid")

    offset: int = Field(description="where this page starts")
    total: int | None = Field(description="how many results in all (a floor if total_is_more)")
    total_is_more: bool = Field(description="more than `total` match (counting stopped)")
    next_offset: int | None = Field(description="the offset of the next page; null on the last")


class HitsPage(Page):
    hits: list[HitModel]
    note: str | None = Field(description="a corrected spelling, or why hits are unranked")


class QuotesPage(Page):
    quotes: list[QuoteModel]
    note: str | None = Field(description="a corrected spelling, or why quotes are unranked")


class EpisodesPage(Page):
    episodes: list[EpisodeSummary]


class SpeakersPage(Page):
    speakers: list[SpeakerSummary]


class TranscriptPage(EpisodeSummary, Page):
    """The episode and a page of its turns, as `podkb show --format json` gives them."""

    # The turns themselves, where the episode record holds their count (as in `podkb show`).
    turns: list[TurnModel]  # type: ignore[assignment]


@dataclass(frozen=True)
class Answer:
    """What a tool answers: structured content (the CLI's JSON rows) and a short text."""

    structured: dict[str, Any]
    text: str


@dataclass(frozen=True)
class Tool:
    name: str
    description: str
    # The request declarations (SearchArgs, ...) are fields.Model, checked as pydantic models.
    arguments: type[BaseModel] | type[declared.Model]
    answer: type[Page]
    run: Callable[[KnowledgeStore, Any], Answer]

    def input_schema(self) -> dict[str, Any]:
        return self.arguments.model_json_schema()

    def output_schema(self) -> dict[str, Any]:
        return self.answer.model_json_schema()

    def call(self, store: KnowledgeStore, arguments: dict[str, Any]) -> Answer:
        """The answer, or a PodkbError whose one line is the CLI's message."""
        return self.run(store, parse_arguments(self.arguments, arguments))


def parse_arguments(
    model: type[BaseModel] | type[declared.Model], arguments: dict[str, Any]
) -> Any:
    """The validated arguments, or a UsageError naming the argument: `limit: Input should ...`."""
    try:
        return model.model_validate(arguments)
    except ValidationError as exc:
        err = exc.errors()[0]
        name = ".".join(str(part) for part in err["loc"])
        reason = err["msg"].removeprefix("Value error, ")
        raise UsageError(f"{name}: {reason}" if name else reason) from None


# --- bounds ---------------------------------------------------------------------------------


def cut_text(text: str | None, at_most: int = MAX_TEXT_CHARS) -> str | None:
    if text is None or len(text) <= at_most:
        return text
    return text[:at_most] + "…"


def _bounded_hit(row: dict[str, Any]) -> dict[str, Any]:
    row = {**row, "text": cut_text(row["text"])}
    if "context" in row:
        row["context"] = {
            side: [{**t, "text": cut_text(t["text"])} for t in turns]
            for side, turns in row["context"].items()
        }
    return row


# What an answer holds beside its rows (paging, a note) fits in this many characters.
_PAGING_CHARS = 1_000


def _page(rows: list[dict[str, Any]], *, beside: int = 0) -> list[dict[str, Any]]:
    """As many rows as fit in MAX_RESPONSE_CHARS with `beside` characters of the answer's other
    fields (at least one row: each is bounded itself)."""
    kept: list[dict[str, Any]] = []
    size = beside + _PAGING_CHARS
    for row in rows:
        size += len(json.dumps(row, ensure_ascii=False)) + 1
        if kept and size > MAX_RESPONSE_CHARS:
            break
        kept.append(row)
    return kept


def _paging(
    offset: int, shown: int, total: int | None, more: bool = False, *, cut: bool = False
) -> dict[str, Any]:
    """Where this page stands: `next_offset` is null on the last page. `cut`: the page ended
    early to stay within MAX_RESPONSE_CHARS."""
    has_next = cut or more or (total is not None and total > offset + shown)
    return {
        "offset": offset,
        "total": total,
        "total_is_more": more,
        "next_offset": offset + shown if has_next and shown else None,
    }


def _more_line(paging: dict[str, Any], shown: int, what: str) -> str:
    total = paging["total"]
    counted = "more" if total is None else f"{total:,}"
    if paging["total_is_more"]:
        counted = f"more than {counted}"
    first = paging["offset"] + 1
    line = f"{first}-{paging['offset'] + shown} of {counted} {what}" if shown else f"no {what}"
    if paging["next_offset"] is not None:
        line += f"; call again with offset={paging['next_offset']} for more"
    return line


# --- the tools ------------------------------------------------------------------------------


def _hits_answer(store: KnowledgeStore, args: SearchArgs, key: str) -> Answer:
    from .results import hit_rows
    from .search import search_or_correct

    result = search_or_correct(store, args)
    rows = _page([_bounded_hit(r) for r in hit_rows(result.hits)])
    cut = len(rows) < len(result.hits)
    paging = _paging(args.offset, len(rows), result.total, result.total_is_more, cut=cut)
    lines = [f"{result.note}"] if result.note else []
    for n, row in enumerate(rows, start=args.offset + 1):
        lines.append(f"{n}. {row['citation']} [episode {row['episode_id']}, turn {row['turn']}]")
    lines.append(_more_line(paging, len(rows), key))
    return Answer({key: rows, **paging, "note": result.note}, "\n".join(lines))


def search_tool(store: KnowledgeStore, args: SearchArgs) -> Answer:
    return _hits_answer(store, args, "hits")


def quotes_tool(store: KnowledgeStore, args: QuotesArgs) -> Answer:
    return _hits_answer(store, args, "quotes")


def episodes_tool(store: KnowledgeStore, args: EpisodesArgs) -> Answer:
    from .episodes import episode_summaries
    from .query import parse_query
    from .search import resolve_filter

    resolved = resolve_filter(store, args)
    chosen = [e for e in store.episodes() if resolved.keeps_episode(e.episode_id)]
    # The filters on turns (speaker, topic, lang, role, ...): an episode holding one such turn.
    on_turns = resolved._replace(episode_ids=None).turn_query(parse_query(""), limit=1)
    if on_turns.has_criteria:
        chosen = [
            e
            for e in chosen
            if store.count_turns(on_turns._replace(episode_ids=(e.episode_id,)), at_most=1) > 0
        ]
    page = episode_summaries(chosen[args.offset : args.offset + args.limit])
    rows = _page([{**s.model_dump(), "description": cut_text(s.description)} for s in page])
    paging = _paging(args.offset, len(rows), len(chosen), cut=len(rows) < len(page))
    lines = [
        f"{row['episode_id']}: {row['title'] or '(untitled)'} ({row['show'] or 'no show'}, "
        f"{row['date'] or 'undated'}; hosts {', '.join(row['hosts']) or '-'}; guests "
        f"{', '.join(row['guests']) or '-'}; {row['turns']} turns)"
        for row in rows
    ]
    lines.append(_more_line(paging, len(rows), "episodes"))
    return Answer({"episodes": rows, **paging}, "\n".join(lines))


def speakers_tool(store: KnowledgeStore, args: SpeakersArgs) -> Answer:
    from .search import resolve_filter
    from .speakers import speaker_summary

    summaries = speaker_summary(store)
    if args.episode or args.show:
        resolved = resolve_filter(store, TurnFilter(episode=args.episode, show=args.show))
        summaries = [s for s in summaries if any(map(resolved.keeps_episode, s.episode_ids))]
    page = summaries[args.offset : args.offset + args.limit]
    rows = _page([s.model_dump() for s in page])
    paging = _paging(args.offset, len(rows), len(summaries), cut=len(rows) < len(page))
    lines = [
        f"{row['name'] or '(unknown speaker)'} ({', '.join(row['roles'])}): {row['turns']} turns "
        f"in {row['episodes']} episode(s)"
        + (f"; also {', '.join(row['aliases'])}" if row["aliases"] else "")
        for row in rows
    ]
    lines.append(_more_line(paging, len(rows), "speakers"))
    return Answer({"speakers": rows, **paging}, "\n".join(lines))


def transcript_tool(store: KnowledgeStore, args: TranscriptArgs) -> Answer:
    from .episodes import episode_summaries, resolve_episode
    from .output import format_time

    episode_id = resolve_episode(store, args.episode)
    episode = store.episode(episode_id)
    assert episode is not None  # resolve_episode found it
    turns = list(store.iter_turn_rows(episode_id=episode_id))
    if args.turn is not None:
        if args.turn >= len(turns):
            raise UsageError(
                f"turn: episode {episode_id!r} has {len(turns)} turns (0 to {len(turns) - 1})"
            )
        turns = [t for t in turns if abs(t.turn - args.turn) <= args.context]
    if args.start is not None or args.end is not None:
        if all(t.start is None for t in turns):
            raise UsageError(
                f"episode {episode_id!r} has no times: ask for the turns around a hit with "
                "turn (and context)"
            )
        turns = [t for t in turns if _in_range(t, args.start, args.end)]
    summary = episode_summaries([episode])[0].model_dump()
    summary["description"] = cut_text(summary["description"])
    page = turns[args.offset : args.offset + args.limit]
    beside = len(json.dumps(summary, ensure_ascii=False))
    alone = args.turn is not None and args.context == 0
    at_most = MAX_ONE_TURN_CHARS if alone else MAX_TEXT_CHARS
    rows = _page([{**t.fields(), "text": cut_text(t.text, at_most)} for t in page], beside=beside)
    paging = _paging(args.offset, len(rows), len(turns), cut=len(rows) < len(page))
    lines = [f"{episode.title or episode_id} ({episode.show or 'no show'})"]
    for t in rows:
        when = f"[{format_time(t['start'])}] " if t["start"] is not None else ""
        lines.append(f"{when}{t['speaker'] or '(unknown speaker)'} (turn {t['turn']}): {t['text']}")
    lines.append(_more_line(paging, len(rows), "turns"))
    return Answer({**summary, "turns": rows, **paging}, "\n".join(lines))


def _in_range(turn: TurnRecord, start: float | None, end: float | None) -> bool:
    if turn.start is None:
        return False
    last = turn.end if turn.end is not None else turn.start
    return (start is None or last >= start) and (end is None or turn.start <= end)


TOOLS: dict[str, Tool] = {
    tool.name: tool
    for tool in (
        Tool(
            "search",
            "Search the podcast transcripts: ranked hits (best first), each with the speaker, "
            "episode, show, times, the quoted sentence(s) and a citation line. Give a query, "
            "filters, or both. Same answers as `podkb search --format json`.",
            SearchArgs,
            HitsPage,
            search_tool,
        ),
        Tool(
            "quotes",
            "What did a speaker say (about a query)? Sentence quotes with their start time, "
            "episode title, show and a citation line; follow up with `transcript` (episode and "
            "turn) for the context. Same answers as `podkb quotes --format json`.",
            QuotesArgs,
            QuotesPage,
            quotes_tool,
        ),
        Tool(
            "transcript",
            "One episode's turns in order: all of them (paged), those in a time range (start, "
            "end in seconds), or those around a turn (a hit's `turn`, with context). Each turn "
            "keeps its speaker, times and source file and line.",
            TranscriptArgs,
            TranscriptPage,
            transcript_tool,
        ),
        Tool(
            "episodes",
            "The episodes in the knowledge base with show, title, date, hosts, guests and turn "
            "count; filters keep the episodes holding a turn they match.",
            EpisodesArgs,
            EpisodesPage,
            episodes_tool,
        ),
        Tool(
            "speakers",
            "The speakers with their aliases, roles, episodes and turn and word counts (over "
            "the whole knowledge base), optionally only those of an episode or a show.",
            SpeakersArgs,
            SpeakersPage,
            speakers_tool,
        ),
    )
}
