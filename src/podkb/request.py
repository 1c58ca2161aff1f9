"""What a person asks for: the request models shared by search, quotes, batch and export.

Validated as pydantic models are (unknown fields refused, text fields must be strings) at the
edge: the command line (cli_options.request_options) and batch files build these, the library
takes them. They are declared as pydantic models but on fields.Model, which checks plainly
valid values itself and leaves the rest to the pydantic model generated from the same lines:
the same values and errors, and a search that never imports pydantic.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Literal, NamedTuple

from .fields import Field, Model, field_validator
from .text import fold

if TYPE_CHECKING:
    from .models import Episode

# Episode dates compare as text, so a date filter is a prefix of an ISO date.
_DATE_RE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")

MAX_LIMIT = 10_000
# Turns around a hit: more than any episode holds is a typo (and would overflow the store's ints).
MAX_CONTEXT = 10_000


class CliOption(NamedTuple):
    """A request field's command-line option: its flags and help (cli_options.REQUEST_OPTIONS
    is made of these, so a field declares its option where it is declared)."""

    flags: tuple[str, ...]
    help: str
    metavar: str | None = None  # what help calls the value; else cli_options._METAVARS's name


def _one_argument(value: str) -> tuple[str, ...]:
    return (value,)


class TurnCondition(NamedTuple):
    """What a filter the store applies to each turn means, on both engines: an SQL condition on
    `turns t` with `{p}` where each argument stands (the engines differ only in how they write
    a parameter), and the arguments made from the filter's value."""

    sql: str
    args: Callable[[str], tuple[str, ...]] = _one_argument


def _lang_arguments(value: str) -> tuple[str, ...]:
    # Language tags are case-insensitive (BCP 47): zh-hant is zh-Hant; zh keeps zh-Hans.
    return value.lower(), value.lower() + "-%"


class EpisodeCondition(NamedTuple):
    """What a filter of episodes means: whether it keeps an episode, given the filter's value
    (search.resolve_filter turns the episodes kept into the store's list of episode ids)."""

    keeps: Callable[[Episode, str], bool]


class Resolved(NamedTuple):
    """What a name filter's value resolved to: the episodes it keeps, and what the person should
    be told about how the name was read ("matched 'x' to 'y'")."""

    episode_ids: tuple[str, ...]
    note: str | None = None


class NameCondition(NamedTuple):
    """A filter whose value is a name to resolve in the store (an episode's id prefix, a
    speaker's alias or close spelling) to the episodes it keeps; an unknown name is a
    UsageError with suggestions. `resolver` is "module:function" of podkb, a function of the
    store and the value that gives a Resolved (search.resolve_filter calls it): named, not
    imported, because the resolvers read the store, and the store reads this module."""

    resolver: str


def _of_show(episode: Episode, show: str) -> bool:
    # Case and accents folded; search.resolve_filter refuses a show the store does not hold.
    if not episode.show:
        return False
    return fold(episode.show).strip() == fold(show).strip()


# An undated episode is outside any date range; a date filter is a prefix of an ISO date.
def _dated_since(episode: Episode, since: str) -> bool:
    return bool(episode.date) and str(episode.date)[: len(since)] >= since


def _dated_until(episode: Episode, until: str) -> bool:
    return bool(episode.date) and str(episode.date)[: len(until)] <= until


def _is_calendar_date(value: str) -> bool:
    """2024-13 and 2024-02-30 have the shape of a date but name none."""
    import datetime

    year, month, day = (value.split("-") + ["01", "01"])[:3]
    try:
        datetime.date(int(year), int(month), int(day))
    except ValueError:
        return False
    return True


def check_date(value: str) -> str:
    """`value` if it is a year, a month or a day (YYYY[-MM[-DD]]) of the calendar, else
    ValueError: the filters compare dates as text, so an episode's date must be one too."""
    if not (_DATE_RE.fullmatch(value) and _is_calendar_date(value)):
        raise ValueError(f"{value!r} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD")
    return value


class TurnFilter(Model):
    """Which turns a command looks at: the filters shared by search, quotes, batch and export.

    A new filter is a field here: its type, its CliOption (flags and help), its description
    (the MCP tools' schemas), and what it means: a TurnCondition when the store applies it to
    each turn (both engines' SQL), an EpisodeCondition when it keeps whole episodes (a test of
    one episode), a NameCondition when its value is a name to resolve to the episodes it keeps
    (and the resolver it names); nothing else to write. The speaker and the topic resolve to
    what the engines' full-text indexes answer (a speaker's column, a topic's keywords or
    chapters): search.resolve_filter's.
    """

    model_config = {"extra": "forbid", "strict": True}

    speaker: Annotated[
        str | None,
        CliOption(
            ("--speaker", "-s"), "Only turns by this speaker (name, alias or close spelling)."
        ),
    ] = Field(default=None, description="name, alias or close spelling")
    topic: Annotated[
        str | None,
        CliOption(("--topic", "-t"), "Only turns on this topic (taxonomy topic or chapter title)."),
    ] = Field(default=None, description="taxonomy topic or chapter title")
    episode: Annotated[
        str | None,
        CliOption(("--episode", "-e"), "Only this episode (id or unique prefix)."),
        NameCondition("episodes:episode_filter"),
    ] = Field(default=None, description="episode id or unique prefix")
    featuring: Annotated[
        str | None,
        CliOption(
            ("--featuring",),
            "Only episodes in which this speaker speaks (name, alias or close spelling).",
            metavar="NAME",
        ),
        NameCondition("speakers:featuring_filter"),
    ] = Field(default=None, description="a speaker of the episodes (name, alias or close spelling)")
    lang: Annotated[
        str | None,
        CliOption(("--lang",), "Only turns in this language (en, zh, zh-Hant, ...)."),
        TurnCondition("(lower(t.lang) = {p} OR lower(t.lang) LIKE {p})", _lang_arguments),
    ] = Field(default=None, description="en, zh, zh-Hant, ... (any case)")
    role: Annotated[
        Literal["host", "guest"] | None,
        CliOption(("--role",), "Only turns by hosts or by guests \\[host|guest]."),
        TurnCondition("t.role = {p}"),
    ] = Field(default=None, description="host or guest")
    show: Annotated[
        str | None,
        CliOption(("--show",), "Only episodes of this show (any case)."),
        EpisodeCondition(_of_show),
    ] = Field(default=None, description="the show's name (any case)")
    since: Annotated[
        str | None,
        CliOption(("--since",), "Only episodes dated on or after this (YYYY[-MM[-DD]])."),
        EpisodeCondition(_dated_since),
    ] = Field(default=None, description="episodes dated on or after (YYYY[-MM[-DD]])")
    until: Annotated[
        str | None,
        CliOption(("--until",), "Only episodes dated on or before this (YYYY[-MM[-DD]])."),
        EpisodeCondition(_dated_until),
    ] = Field(default=None, description="episodes dated on or before (YYYY[-MM[-DD]])")

    @field_validator("since", "until")
    @classmethod
    def _iso_date(cls, value: str | None) -> str | None:
        return None if value is None else check_date(value)

    def has_filter(self) -> bool:
        return any(getattr(self, name) for name in TurnFilter.model_fields)

    def turn_conditions(self) -> tuple[tuple[str, str], ...]:
        """(filter, value) of each filter given that the store applies per turn (TURN_CONDITIONS)."""
        given = ((name, getattr(self, name)) for name in TURN_CONDITIONS)
        return tuple((name, value) for name, value in given if value)

    def episode_conditions(self) -> tuple[tuple[str, str], ...]:
        """(filter, value) of each filter of episodes given (EPISODE_CONDITIONS)."""
        given = ((name, getattr(self, name)) for name in EPISODE_CONDITIONS)
        return tuple((name, value) for name, value in given if value)

    def name_conditions(self) -> tuple[tuple[str, str], ...]:
        """(filter, value) of each name filter given (NAME_CONDITIONS)."""
        given = ((name, getattr(self, name)) for name in NAME_CONDITIONS)
        return tuple((name, value) for name, value in given if value)


# The filters the store applies to each turn, by field: a field with a TurnCondition is one.
TURN_CONDITIONS: dict[str, TurnCondition] = {
    name: condition
    for name, field in TurnFilter.model_fields.items()
    for condition in field.metadata
    if isinstance(condition, TurnCondition)
}

# The filters of episodes (--show, --since, ...), by field: a field with an EpisodeCondition.
EPISODE_CONDITIONS: dict[str, EpisodeCondition] = {
    name: condition
    for name, field in TurnFilter.model_fields.items()
    for condition in field.metadata
    if isinstance(condition, EpisodeCondition)
}

# The filters whose value is a name to resolve to episodes (--episode, --featuring), by field.
NAME_CONDITIONS: dict[str, NameCondition] = {
    name: condition
    for name, field in TurnFilter.model_fields.items()
    for condition in field.metadata
    if isinstance(condition, NameCondition)
}


class SearchRequest(TurnFilter):
    """One search: a query and filters, how many hits, and how many turns around each."""

    query: str | None = None
    limit: Annotated[int, CliOption(("--limit", "-n"), "How many hits at most; 0 for all.")] = (
        Field(default=10, ge=0, le=MAX_LIMIT, description="how many hits at most (0: all)")
    )
    offset: Annotated[
        int, CliOption(("--offset",), "Skip this many hits first (the next page).")
    ] = Field(default=0, ge=0, description="skip this many hits (paging)")
    context: Annotated[
        int, CliOption(("--context", "-C"), "Show N turns before and after each hit.")
    ] = Field(default=0, ge=0, le=MAX_CONTEXT, description="turns shown before and after each hit")
