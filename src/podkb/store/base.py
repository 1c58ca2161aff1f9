"""What every storage engine offers podkb: the store interface.

The rest of podkb (ingest, search, speakers, topics, export, doctor, the CLI) talks to a
`KnowledgeStore` and never to a database driver. A backend owns its SQL, its index and its
error mapping: whatever its driver raises leaves the backend as a `StoreError`
(`StoreBusyError` when another writer holds the store). The query it receives is a tree
(`TurnQuery` made of `query.Clause` and `query.Term`), which each backend compiles itself.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from .records import (
    TURN_COLUMNS,
    ChapterFacet,
    EpisodeCitation,
    EpisodePath,
    EpisodeSource,
    FeedItemRecord,
    FeedRecord,
    FileEpisode,
    HealthCheck,
    MatchCount,
    SpeakerFacet,
    SpeakerLabel,
    SpeakerName,
    StoreHealth,
    TermCount,
    TurnHit,
    TurnRecord,
)

# The records lived here before store/records.py: code that imports them from here still can.
__all__ = [
    "TURN_COLUMNS",
    "ChapterFacet",
    "FeedItemRecord",
    "FeedRecord",
    "HealthCheck",
    "KnowledgeStore",
    "SpeakerFacet",
    "StoreHealth",
    "TurnQuery",
    "default_location",
]

if TYPE_CHECKING:
    from ..models import Episode, Turn
    from ..query import Clause, Term


def default_location() -> str:
    """$PODKB_DB, else podkb.db in the user data directory."""
    env = os.environ.get("PODKB_DB")
    if env:
        return env
    from pathlib import Path

    from platformdirs import user_data_dir

    return str(Path(user_data_dir("podkb", appauthor=False)) / "podkb.db")


class TurnQuery(NamedTuple):
    """A search, backend-neutral: which turns match, how they are filtered and ordered.

    A turn matches when every clause of `all_of` matches (a clause: any of its terms) and no
    clause of `none_of` does. `topic_terms` matches when any term occurs in the text or in the
    turn's chapter title; `chapters` keeps turns of those chapter titles. Ranked results come
    best first by BM25 over the text (chapter titles weigh less; filters never score), ties in
    ingest order; unranked results come in ingest order with score 0.
    """

    all_of: tuple[Clause, ...] = ()
    none_of: tuple[Clause, ...] = ()
    speaker: str | None = None
    topic_terms: tuple[Term, ...] = ()
    chapters: tuple[str, ...] | None = None
    # (filter, value) of the per-turn filters (--lang, --role): request.TURN_CONDITIONS says
    # what each means in SQL ("zh" also keeps "zh-Hans" and "zh-Hant").
    conditions: tuple[tuple[str, str], ...] = ()
    limit: int = 10
    ranked: bool = True
    offset: int = 0  # skip this many of the ordered results (paging)
    # Only turns of these episodes (what --episode, --featuring, --show, --since and --until
    # select); None: any.
    episode_ids: tuple[str, ...] | None = None

    @property
    def has_criteria(self) -> bool:
        return bool(
            self.all_of
            or self.speaker
            or self.topic_terms
            or self.chapters is not None
            or self.conditions
            or self.episode_ids is not None
        )


class KnowledgeStore(Protocol):
    """A podkb knowledge base: episodes, their turns and a full-text index over the turns."""

    # How many files an ingest writes in one transaction. An embedded store commits a batch
    # (a commit's sync is the cost); a server commits each file, so that a writer holds one
    # file's locks at a time and writers of the same files in any order never deadlock.
    files_per_transaction: int
    # What put_episode derives from a turn's text (index terms, word count), as a pure function
    # that ingest may run in its worker processes and pass back as put_episode(analyzed=...);
    # None: the store derives it itself.
    text_analyzer: Callable[[str], Any] | None

    @property
    def location(self) -> str:
        """Where the store is (a file path or a server URL without its password)."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> KnowledgeStore: ...

    def __exit__(self, *exc: object) -> None: ...

    # --- transactions: every write happens inside transaction() ---------------------------

    def transaction(self) -> AbstractContextManager[None]:
        """All or nothing, one writer at a time."""
        ...

    def savepoint(self, name: str = "item") -> AbstractContextManager[None]:
        """A nested all-or-nothing step inside transaction(): one episode, for example."""
        ...

    # --- writes ---------------------------------------------------------------------------

    def existing_source_of(self, episode_id: str) -> str | None:
        """The source of the stored episode with this id, if there is one."""
        ...

    def put_episode(
        self,
        episode: Episode,
        turns: Iterable[Turn],
        *,
        source_path: str | None = None,
        source_sha256: str | None = None,
        inputs_sha256: str | None = None,
        source_stat: str | None = None,
        fmt: str | None = None,
        analyzed: Mapping[str, Any] | None = None,
    ) -> int:
        """Replace the episode (same id, or same source path) with these turns; returns the
        number of turns written. `inputs_sha256` hashes the metadata it was read with."""
        ...

    def delete_episode(self, episode_id: str) -> bool:
        """Delete the episode and its turns; True if it was there. Speaker and turn counts stay
        exact without a recount."""
        ...

    def episodes_from(self, source_path: str) -> list[FileEpisode]:
        """The episodes read from this file, with their content hash, inputs hash and file
        status: ingest asks this for every file, so it must be an indexed lookup."""
        ...

    def record_source_stat(self, episode_id: str, source_stat: str) -> None:
        """The file's status (size, mtime, inode) now that its unchanged bytes were hashed."""
        ...

    def source_paths(self) -> list[EpisodePath]:
        """Every episode's id and source file path, in id order."""
        ...

    def episode_source(self, episode_id: str) -> EpisodeSource:
        """The stored episode's source path, content hash and format (put_episode's keywords);
        all None when there is no such episode."""
        ...

    def speaker_names_for(self, source_key: str) -> dict[str, SpeakerName]:
        """Names users gave to this source's speaker labels: label -> (name, role)."""
        ...

    def remember_speaker_names(self, source_key: str, names: Mapping[str, tuple[str, str]]) -> None:
        """Keep names for a source's labels (label -> (name, role)), replacing earlier ones for
        the same labels; ingest gives them again when the source is read again."""
        ...

    def forget_speaker_names(self, source_key: str) -> None:
        """Drop the names kept for a source (they were given for a transcript it no longer
        holds)."""
        ...

    def refresh_summaries(self) -> None:
        """Recount what lookups read instead of scanning turns (after a batch of writes)."""
        ...

    def after_writes(self) -> None:
        """Bring what lookups read up to date after puts and deletes (once per ingest or
        removal): cheap where the backend keeps its summaries exact as it goes."""
        ...

    def rebuild_index(self) -> int:
        """Rebuild every derived structure (index, counts, summaries) from the turns."""
        ...

    # --- subscriptions (podkb ingest FEED, podkb update) ----------------------------------

    def feeds(self) -> list[FeedRecord]:
        """Every subscription, by URL."""
        ...

    def feed_by_url(self, url: str) -> FeedRecord | None: ...

    def put_feed(self, feed: FeedRecord) -> None:
        """Add or replace the subscription with this feed_id."""
        ...

    def delete_feed(self, feed_id: str) -> None:
        """Forget the subscription and its items (the episodes stay)."""
        ...

    def feed_items(self, feed_id: str) -> list[FeedItemRecord]: ...

    def put_feed_item(self, item: FeedItemRecord) -> None:
        """Add or replace what is known of one item (feed_id, item_key)."""
        ...

    # --- reads ----------------------------------------------------------------------------

    def episodes(self) -> list[Episode]: ...

    def episode(self, episode_id: str) -> Episode | None: ...

    def episode_title_show(self, episode_id: str) -> EpisodeCitation | None:
        """Title and show of an episode, None if there is none: what a citation needs, without
        building an Episode (search output stays clear of the record models' import cost)."""
        ...

    def episode_audio_url(self, episode_id: str) -> str | None:
        """The episode's audio URL (from its feed's enclosure, or a sidecar's `audio:`)."""
        ...

    def episode_ids(self) -> list[str]: ...

    def iter_turn_rows(
        self,
        *,
        episode_id: str | None = None,
        speakers: list[str] | None = None,
        with_times: bool = False,
    ) -> Iterator[TurnRecord]:
        """Turns (their `times` when asked) in episode and turn order."""
        ...

    def turns(
        self, *, episode_id: str | None = None, speakers: list[str] | None = None
    ) -> list[Turn]: ...

    def context_turns(self, episode_id: str, turn: int, n: int) -> list[TurnRecord]:
        """The turns within n of `turn` in its episode (not the turn itself), in order."""
        ...

    def turn_count(self) -> int: ...

    def counts(self) -> dict[str, int]:
        """episodes, turns and named speakers."""
        ...

    def speaker_names(self) -> list[str]: ...

    def speaker_label_pairs(self) -> list[SpeakerLabel]:
        """Every (speaker, label as written in the source) pair."""
        ...

    def body_terms(
        self, *, more_than: int = 0, starting_with: str | None = None
    ) -> list[TermCount]:
        """Indexed tokens of the text in more than `more_than` turns, with their turn counts;
        starting_with: only tokens with that prefix (a range of the index, not a scan of it)."""
        ...

    def common_terms(self) -> dict[str, int]:
        """Words in more than a tenth of the turns, with their turn counts."""
        ...

    # --- search and facets ------------------------------------------------------------------

    def search_turns(self, query: TurnQuery) -> list[TurnHit]:
        """Matching turns with their scores (higher is better) and [offset, seconds] pairs, at
        most query.limit, after query.offset."""
        ...

    def count_turns(self, query: TurnQuery, at_most: int | None = None) -> int:
        """How many turns match the query, ignoring limit and offset; counting stops at
        at_most (None: count them all), so a word in most turns costs no more than a rare one."""
        ...

    def speaker_episode_ids(self, speaker: str) -> list[str]:
        """The episodes in which this (canonical) speaker has a turn, by id."""
        ...

    def speaker_facets(self) -> list[SpeakerFacet]:
        """Every named speaker, most turns first, then the unknown speaker's turns if any."""
        ...

    def chapter_titles(self) -> list[str]: ...

    def chapter_facets(self) -> list[ChapterFacet]:
        """Chapters in episode order, then in the order they start."""
        ...

    def count_matches(self, terms: Sequence[Term]) -> MatchCount:
        """Turns and episodes in which any of the terms occurs (text or chapter title)."""
        ...
