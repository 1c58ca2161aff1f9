"""The records a store hands out: one named, typed record for every kind of row it returns.

Rows that a query reads by the thousand are NamedTuples (terms, episodes' sources: built from a
driver's row at the cost of a tuple, read by name, still tuples where a caller unpacks them) or,
for the turn records (TurnRecord, TurnHit), dataclasses with slots, which cost the same and can
share one declaration of a turn's fields (TurnRow). Records that are written back or filled in
step by step (subscriptions, a store's health report) are dataclasses; the other immutable records
are NamedTuples too, because every process pays for its records' classes at import (Python 3.11:
a frozen dataclass about 0.5 ms to create, a NamedTuple about 0.1).
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field, fields
from typing import Any, NamedTuple


def described(text: str) -> dict[str, str]:
    """A record field's metadata with its description: what the JSON schema of the record (and
    so the MCP tools' schemas, generated from these records by podkb.schemas) says of it."""
    return {"description": text}


# A turn's fields are declared once, here: TURN_COLUMNS (the columns a store SELECTs), the
# store's TurnRecord and TurnHit, the search hit (results.Hit) and the JSON schema's TurnRow
# and Hit (podkb.schemas) all take them from this class, so a new field is one line here (and
# its column in the store's schema); tests/test_store_records.py checks that nothing else spells
# them out. Plain dataclasses with slots: built from a driver's row about as fast as a NamedTuple
# (1.39 µs a row against its 1.32, measured under load), and no pydantic on the search path.
@dataclass(slots=True)
class TurnRow:
    """A turn as the store hands it out (store.TURN_COLUMNS): a transcript's or a context's line."""

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
    source: str = field(metadata=described("source file name"))
    line: int = field(metadata=described("1-based source line where the turn starts"))

    def fields(self) -> dict[str, Any]:
        """The turn's JSON record: TURN_COLUMNS and their values (`times` left out)."""
        return dict(zip(TURN_COLUMNS, _turn_values(self), strict=True))


# The turn record as stores hand it out, in this order: the JSON contract of a turn (export's
# json, jsonl and csv columns) and the columns a store SELECTs for it.
TURN_COLUMNS = tuple(f.name for f in fields(TurnRow))
_turn_values = operator.attrgetter(*TURN_COLUMNS)


@dataclass(slots=True)
class TurnRecord(TurnRow):
    """One stored turn: TURN_COLUMNS, then its timed pieces when they were asked for."""

    # [[character offset, seconds], ...] as stored (iter_turn_rows(with_times=True)), else None.
    times: list[list[Any]] | None = None


@dataclass(slots=True)
class TurnHit(TurnRow):
    """A turn that a search found: TURN_COLUMNS, its BM25 score (higher is better, 0 when
    unranked) and its (character offset, seconds) pairs."""

    score: float
    times: list[tuple[int, float]]


class FileEpisode(NamedTuple):
    """An episode read from a file, with what ingest compares to skip the file unchanged."""

    episode_id: str
    source_sha256: str | None  # the file's content hash
    inputs_sha256: str | None  # the metadata it was read with
    source_stat: str | None  # the file's size, mtime and inode when last hashed


class EpisodePath(NamedTuple):
    episode_id: str
    source_path: str | None


class EpisodeSource(NamedTuple):
    """Where a stored episode was read from (all None: no such episode)."""

    source_path: str | None
    source_sha256: str | None
    format: str | None


class EpisodeCitation(NamedTuple):
    """What a citation names of an episode."""

    title: str | None
    show: str | None


class SpeakerName(NamedTuple):
    """The name and role a user gave to a source's speaker label."""

    name: str
    role: str


class SpeakerLabel(NamedTuple):
    """A speaker with one label as written in a source (None: the source wrote none)."""

    speaker: str
    label: str | None


class NamedSpeaker(NamedTuple):
    """A named speaker's aggregate over its turns (words None: no turns counted)."""

    speaker: str
    turns: int
    words: int | None
    roles: list[str]
    episode_ids: list[str]


class TermCount(NamedTuple):
    """An indexed token and the number of turns holding it."""

    term: str
    turns: int


class MatchCount(NamedTuple):
    turns: int
    episodes: int


class SpeakerFacet(NamedTuple):
    """One speaker's share of the knowledge base (name None: the turns of no known speaker)."""

    name: str | None
    roles: list[str]
    episode_ids: list[str]
    turns: int
    words: int


class ChapterFacet(NamedTuple):
    """One chapter of one episode: its turns and the start of its first timed turn."""

    name: str
    episode_id: str
    turns: int
    start: float | None


@dataclass
class FeedRecord:
    """A subscription. `feed_id` is the feed's identity, fixed when it was first subscribed:
    the feed may move (`url` follows it) and keep its episodes."""

    feed_id: str
    url: str
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    sha256: str | None = None  # of the feed's last body read
    last_checked: str | None = None  # ISO 8601 UTC
    last_error: str | None = None


@dataclass
class FeedItemRecord:
    """What podkb knows of one item of a feed: where its transcript was, what it was when read
    (validators and hash: an unchanged transcript is not read again), and how it went."""

    feed_id: str
    item_key: str  # the item's guid, else its enclosure URL, else its link or title
    episode_id: str | None = None
    transcript_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    sha256: str | None = None  # of the transcript read
    item_sha256: str | None = None  # of the item's own fields as the feed gives them
    status: str = "ok"  # ok, no_transcript, failed
    error: str | None = None


class HealthCheck(NamedTuple):
    name: str
    ok: bool
    detail: str
    advice: str | None = None  # the next step when the check failed


@dataclass
class StoreHealth:
    """What a backend found when it checked a store, without changing it."""

    location: str = ""  # as shown to people (a URL without its password)
    checks: list[HealthCheck] = field(default_factory=list)
    size_bytes: int | None = None
    schema_version: int | None = None
    # The schema is older but this podkb migrates it (doctor --repair may proceed).
    migratable: bool = False
    counts: dict[str, int] = field(default_factory=dict)

    def passed(self, name: str, detail: str) -> None:
        self.checks.append(HealthCheck(name, True, detail))

    def failed(self, name: str, detail: str, advice: str) -> None:
        self.checks.append(HealthCheck(name, False, detail, advice))
