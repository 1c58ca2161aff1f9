"""What the SQL engines share: records made from rows, filters, and the lookups alike in both.

SQLite and PostgreSQL keep the same tables (episodes, turns, speaker_labels, speaker_names), so
most lookups differ only in the driver's placeholder, in how a list is passed, and in how text is
ordered. A `Dialect` says those three things, and `SQLStore` runs those lookups once for both.
The episode write path is shared too: replacing an episode, its row, and the turn columns
both engines store (an engine adds its own index columns and writes the turns its own way).
What really differs (the full-text index and ranking, deleting, schema creation, transactions
and locking, health checks) stays in each engine's module, and so does the SQL written for it;
the migration steps are data, per engine, in `migrations.py`.
"""

from __future__ import annotations

import functools
import json
import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Concatenate, NamedTuple, ParamSpec, Self, TypeVar

from ..errors import StoreError
from ..request import TURN_CONDITIONS
from ..text import fold, word_count
from .base import TurnQuery
from .records import (
    TURN_COLUMNS,
    ChapterFacet,
    EpisodeCitation,
    EpisodePath,
    EpisodeSource,
    FeedItemRecord,
    FeedRecord,
    FileEpisode,
    NamedSpeaker,
    SpeakerFacet,
    SpeakerLabel,
    SpeakerName,
    TurnHit,
    TurnRecord,
)
from .url import redact as redact  # re-exported: the engines import it from here

if TYPE_CHECKING:
    from ..models import Episode, Turn

# How long a second writer waits for the first before "store busy" ($PODKB_BUSY_TIMEOUT seconds).
BUSY_TIMEOUT_S = 10.0

# The episode record's columns, in the order episode_record() reads them.
EPISODE_COLUMNS = (
    "episode_id, show, title, date, lang, hosts, guests, description, source, turns, chapters,"
    " audio_url, link, duration"
)


_FEED_COLUMNS = (
    "feed_id",
    "url",
    "title",
    "etag",
    "last_modified",
    "sha256",
    "last_checked",
    "last_error",
)
_ITEM_COLUMNS = (
    "feed_id",
    "item_key",
    "episode_id",
    "transcript_url",
    "etag",
    "last_modified",
    "sha256",
    "item_sha256",
    "status",
    "error",
)
# Subscriptions and what is known of each feed item, the same DDL on both engines.
# The per-turn filters' columns (request.TURN_CONDITIONS: language, role) beside each turn's id:
# a filtered count joins its matches to this narrow index, not to the turns' rows (text and
# all), ~4x less CPU a match (sqlite.count_turns names it with INDEXED BY).
TURNS_FILTERS_INDEX = "CREATE INDEX IF NOT EXISTS turns_filters ON turns(id, lang, role)"

FEED_TABLES = """
CREATE TABLE IF NOT EXISTS feeds (
    feed_id text PRIMARY KEY, url text NOT NULL UNIQUE, title text,
    etag text, last_modified text, sha256 text, last_checked text, last_error text
);
CREATE TABLE IF NOT EXISTS feed_items (
    feed_id text NOT NULL REFERENCES feeds (feed_id) ON DELETE CASCADE,
    item_key text NOT NULL, episode_id text, transcript_url text,
    etag text, last_modified text, sha256 text, item_sha256 text,
    status text NOT NULL, error text,
    PRIMARY KEY (feed_id, item_key)
)
"""


def busy_timeout() -> float:
    try:
        return max(0.0, float(os.environ.get("PODKB_BUSY_TIMEOUT", BUSY_TIMEOUT_S)))
    except ValueError:
        return BUSY_TIMEOUT_S


@functools.lru_cache(maxsize=4096)  # the same speakers and episode ids, once per turn
def token_key(value: str | None) -> str:
    """One index token for a name or id (the --speaker and --episode filters): folded, non-word
    characters as underscores."""
    if not value:
        return "_none_"
    out = "".join(ch if ch.isalnum() else "_" for ch in fold(value))
    return out.strip("_") or "_none_"


class Dialect(NamedTuple):
    """What an engine's SQL writes differently in the lookups both engines share."""

    param: str  # the driver's placeholder
    # Written after a text column in SELECT DISTINCT or ORDER BY: order by code point, as SQLite
    # always does (PostgreSQL would follow the database's locale).
    bytewise: str = ""
    arrays: bool = False  # a list is one parameter (= ANY(%s)), not one per value (IN (?,?))

    def one_of(self, column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
        """`column` is one of the values: the condition and its arguments."""
        if self.arrays:
            return f"{column} = ANY({self.param})", [list(values)]
        return f"{column} IN ({','.join([self.param] * len(values))})", list(values)


# An episode's row as put_episode writes it (episode_row gives the values in this order).
_EPISODE_INSERT = (
    "INSERT INTO episodes(episode_id, show, title, date, lang, hosts, guests, description, source,"
    " source_path, source_sha256, format, turns, chapters, ingested_at, inputs_sha256,"
    " source_stat, audio_url, link, duration) VALUES ({values})"
).format(values=", ".join(["{p}"] * 20))


def episode_row(
    episode: Episode,
    *,
    source_path: str | None,
    source_sha256: str | None,
    inputs_sha256: str | None,
    source_stat: str | None,
    fmt: str | None,
) -> tuple[Any, ...]:
    """The values of _EPISODE_INSERT (lists as JSON text; turns 0 until they are written)."""
    return (
        episode.episode_id,
        episode.show,
        episode.title,
        episode.date,
        episode.lang,
        json.dumps(episode.hosts, ensure_ascii=False),
        json.dumps(episode.guests, ensure_ascii=False),
        episode.description,
        episode.source,
        source_path,
        source_sha256,
        fmt,
        0,
        json.dumps([c.model_dump() for c in episode.chapters], ensure_ascii=False),
        datetime.now(UTC).isoformat(timespec="seconds"),
        inputs_sha256,
        source_stat,
        episode.audio_url,
        episode.link,
        episode.duration,
    )


def turn_values(t: Turn, words: int | None = None) -> tuple[Any, ...]:
    """The columns of a turn that both engines store, in TURN_COLUMNS order, then its word count
    (`words`, if counted already; an engine adds its index columns and `times_json`)."""
    return (
        t.episode_id,
        t.turn,
        t.speaker,
        t.speaker_label,
        t.role,
        t.text,
        t.lang,
        t.start,
        t.end,
        t.chapter,
        t.source,
        t.line,
        word_count(t.text) if words is None else words,
    )


def times_json(t: Turn) -> str | None:
    return json.dumps(t.times) if t.times else None


def turn_columns_sql(table: str = "") -> str:
    """The turn record's columns for a SELECT (`end` is an SQL keyword), optionally qualified."""
    prefix = f"{table}." if table else ""
    return ", ".join(prefix + ('"end"' if c == "end" else c) for c in TURN_COLUMNS)


def turn_filters(query: TurnQuery, dialect: Dialect) -> tuple[list[str], list[Any]]:
    """The filters both engines write as SQL conditions on `turns t` (chapter, and the per-turn
    filters of request.TURN_CONDITIONS: language, role, ...), and their arguments in order."""

    where: list[str] = []
    args: list[Any] = []
    if query.chapters is not None:
        condition, values = dialect.one_of("t.chapter", query.chapters)
        where.append(condition)
        args.extend(values)
    for name, value in query.conditions:
        meaning = TURN_CONDITIONS[name]
        where.append(meaning.sql.format(p=dialect.param))
        args.extend(meaning.args(value))
    return where, args


def episode_record(row: Sequence[Any]) -> dict[str, Any]:
    """An Episode's fields from a row of EPISODE_COLUMNS (lists are stored as JSON text)."""
    (episode_id, show, title, date, lang, hosts, guests, description, source, turns, chapters) = (
        row[:11]
    )
    audio_url, link, duration = row[11:14]
    return {
        "episode_id": episode_id,
        "show": show,
        "title": title,
        "date": date,
        "lang": lang,
        "hosts": json.loads(hosts),
        "guests": json.loads(guests),
        "description": description,
        "source": source,
        "turns": turns,
        "chapters": json.loads(chapters),
        "audio_url": audio_url,
        "link": link,
        "duration": duration,
    }


_TIMES_AT = len(TURN_COLUMNS)


def turn_record(row: Sequence[Any], *, with_times: bool) -> TurnRecord:
    """A turn's record from a row of TURN_COLUMNS followed by `times` (JSON text or NULL)."""
    if with_times:
        return TurnRecord(*(*row[:_TIMES_AT], json.loads(row[_TIMES_AT] or "[]")))
    return TurnRecord(*(*row[:_TIMES_AT], None))


def hit_record(row: Sequence[Any], score: float) -> TurnHit:
    """A search hit from a row of TURN_COLUMNS followed by `times`: the turn, its score (higher
    is better) and its (character offset, seconds) pairs."""
    times = [(int(at), float(sec)) for at, sec in json.loads(row[_TIMES_AT] or "[]")]
    return TurnHit(*(*row[:_TIMES_AT], round(score, 4) if score else 0.0, times))


class Column(NamedTuple):
    table: str
    name: str
    declaration: str  # its type and constraints, in the engine's SQL


class Step(NamedTuple):
    """What one schema version adds to the one before it. Run in this order: columns (each only
    if missing), then statements (written to be repeatable: IF NOT EXISTS), then what is derived."""

    columns: tuple[Column, ...] = ()
    statements: str = ""  # SQL statements separated by `;`
    count_words: bool = False  # turns.words was added: count each turn's words into it
    refresh_summaries: bool = False
    rebuild_index: bool = False  # every turn analyzed again (implies the summaries)


_P = ParamSpec("_P")
_R = TypeVar("_R")
_Store = TypeVar("_Store", bound="SQLStore")


def translated(
    method: Callable[Concatenate[_Store, _P], _R],
) -> Callable[Concatenate[_Store, _P], _R]:
    """The driver's errors leave the store as StoreError (busy, damaged, or as the engine says)."""

    @functools.wraps(method)
    def wrapper(store: _Store, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with store.translating():
            return method(store, *args, **kwargs)

    return wrapper


class SQLStore(ABC):
    """The part of a KnowledgeStore that both SQL engines run alike, given their `Dialect`.

    An engine sets `conn` (a connection whose execute() returns a cursor: sqlite3, psycopg) and
    `dialect`, and says which of its driver's errors mean what (`driver_error`)."""

    conn: Any
    dialect: ClassVar[Dialect]

    @abstractmethod
    def driver_error(self, exc: Exception) -> StoreError | None:
        """exc as a StoreError if the driver raised it, else None (not the store's to explain)."""

    @property
    @abstractmethod
    def location(self) -> str: ...

    @abstractmethod
    def columns_of(self, table: str) -> set[str]:
        """The names of the table's columns (what a migration step adds only if missing)."""

    @abstractmethod
    def refresh_summaries(self) -> None: ...

    @abstractmethod
    def rebuild_index(self) -> int: ...

    @abstractmethod
    def delete_episode(self, episode_id: str) -> bool: ...

    @abstractmethod
    def _lock_episode(self, episode_id: str, source_path: str | None) -> None:
        """Hold, to the end of the transaction, what replacing this episode needs alone."""

    @abstractmethod
    def _put_turns(
        self, episode_id: str, turns: Iterable[Turn], analyzed: Mapping[str, Any] | None = None
    ) -> int:
        """Write the episode's turns with their index entries, and the episode's turn count;
        returns how many turns it wrote. `analyzed`: the store's text_analyzer of (some of)
        the turns' texts, computed already (by ingest's worker processes)."""

    @abstractmethod
    def _named_speakers(self) -> Iterable[NamedSpeaker]:
        """Every named speaker's aggregate, most turns first, then by name: the one aggregate
        the engines write differently."""

    @contextmanager
    def translating(self) -> Iterator[None]:
        """What the driver raises inside leaves as StoreError; anything else as it is."""
        try:
            yield
        except Exception as exc:
            error = self.driver_error(exc)
            if error is None:
                raise
            raise error from None

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _first_column(self, sql: str, args: Sequence[Any] = ()) -> list[Any]:
        """The first column of every row of `sql` (in this engine's dialect, see _sql)."""
        return [r[0] for r in self.conn.execute(self._sql(sql), args)]

    def _sql(self, sql: str) -> str:
        """`sql` in this engine's dialect: `{p}` is the placeholder, `{bytewise}` orders the text
        column before it by code point; `{episode_columns}` and `{turn_columns}` are the
        records' columns."""
        return sql.format(
            p=self.dialect.param,
            bytewise=self.dialect.bytewise,
            episode_columns=EPISODE_COLUMNS,
            turn_columns=turn_columns_sql(),
        )

    def _version_in_meta(self) -> int:
        """The schema version the store's meta table records (StoreError if none or unreadable)."""
        row = self.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        if row is None:
            raise StoreError("not a podkb store (no schema version)", path=self.location)
        try:
            return int(row[0])
        except ValueError:
            raise StoreError(f"unreadable schema version {row[0]!r}", path=self.location) from None

    # --- migrations (the steps: migrations.py) ----------------------------------------------

    def migrate(self, version: int, steps: Mapping[int, Step], target: int) -> None:
        """Bring the store from `version` up to `target`, step by step, recording each version
        reached (call inside a transaction: a failed step leaves the store as it was)."""
        while version < target:
            step = steps.get(version)
            if step is None:
                raise StoreError(
                    f"schema {version} cannot be migrated to {target}; re-ingest into a new store",
                    path=self.location,
                )
            self._run_step(step)
            version += 1
            self.conn.execute(
                self._sql("UPDATE meta SET value={p} WHERE key='schema_version'"), (str(version),)
            )

    def _run_step(self, step: Step) -> None:
        added = set()
        for column in step.columns:
            if column.name not in self.columns_of(column.table):
                self.conn.execute(
                    f"ALTER TABLE {column.table} ADD COLUMN {column.name} {column.declaration}"
                )
                added.add(column.name)
        for statement in step.statements.split(";"):
            if statement.strip():
                self.conn.execute(statement)
        if step.count_words and "words" in added:
            update = self._sql("UPDATE turns SET words={p} WHERE id={p}")
            for rowid, text in self.conn.execute("SELECT id, text FROM turns").fetchall():
                self.conn.execute(update, (word_count(text), rowid))
        if step.rebuild_index:
            self.rebuild_index()
        elif step.refresh_summaries:
            self.refresh_summaries()

    # --- writes (call inside transaction()) -------------------------------------------------

    @translated
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
        number of turns written."""
        self._lock_episode(episode.episode_id, source_path)
        self.delete_episode(episode.episode_id)
        if source_path:
            for row in self.conn.execute(
                self._sql("SELECT episode_id FROM episodes WHERE source_path={p}"), (source_path,)
            ).fetchall():
                self.delete_episode(row[0])
        row = episode_row(
            episode,
            source_path=source_path,
            source_sha256=source_sha256,
            inputs_sha256=inputs_sha256,
            source_stat=source_stat,
            fmt=fmt,
        )
        self.conn.execute(self._sql(_EPISODE_INSERT), row)
        return self._put_turns(episode.episode_id, turns, analyzed)

    @translated
    def remember_speaker_names(self, source_key: str, names: Mapping[str, tuple[str, str]]) -> None:
        for label, (name, role) in names.items():
            self._upsert(
                "speaker_names",
                ("source", "label", "name", "role"),
                "source, label",
                [source_key, label, name, role],
            )

    # --- episodes ---------------------------------------------------------------------------

    @translated
    def existing_source_of(self, episode_id: str) -> str | None:
        row = self.conn.execute(
            self._sql("SELECT source FROM episodes WHERE episode_id={p}"), (episode_id,)
        ).fetchone()
        return row[0] if row else None

    @translated
    def episodes_from(self, source_path: str) -> list[FileEpisode]:
        return [
            FileEpisode(r[0], r[1], r[2], r[3])
            for r in self.conn.execute(
                self._sql(
                    "SELECT episode_id, source_sha256, inputs_sha256, source_stat FROM episodes"
                    " WHERE source_path={p}"
                ),
                (source_path,),
            ).fetchall()
        ]

    @translated
    def record_source_stat(self, episode_id: str, source_stat: str) -> None:
        self.conn.execute(
            self._sql("UPDATE episodes SET source_stat={p} WHERE episode_id={p}"),
            (source_stat, episode_id),
        )

    @translated
    def source_paths(self) -> list[EpisodePath]:
        return [
            EpisodePath(r[0], r[1])
            for r in self.conn.execute(
                self._sql(
                    "SELECT episode_id, source_path FROM episodes ORDER BY episode_id{bytewise}"
                )
            ).fetchall()
        ]

    @translated
    def episode_source(self, episode_id: str) -> EpisodeSource:
        row = self.conn.execute(
            self._sql(
                "SELECT source_path, source_sha256, format FROM episodes WHERE episode_id={p}"
            ),
            (episode_id,),
        ).fetchone()
        return EpisodeSource(row[0], row[1], row[2]) if row else EpisodeSource(None, None, None)

    @translated
    def episodes(self) -> list[Episode]:
        from ..models import Episode

        rows = self.conn.execute(
            self._sql("SELECT {episode_columns} FROM episodes ORDER BY episode_id{bytewise}")
        ).fetchall()
        return [Episode.model_validate(episode_record(r)) for r in rows]

    @translated
    def episode_title_show(self, episode_id: str) -> EpisodeCitation | None:
        row = self.conn.execute(
            self._sql("SELECT title, show FROM episodes WHERE episode_id={p}"), (episode_id,)
        ).fetchone()
        return EpisodeCitation(row[0], row[1]) if row else None

    @translated
    def episode_audio_url(self, episode_id: str) -> str | None:
        row = self.conn.execute(
            self._sql("SELECT audio_url FROM episodes WHERE episode_id={p}"), (episode_id,)
        ).fetchone()
        return row[0] if row else None

    @translated
    def episode(self, episode_id: str) -> Episode | None:
        from ..models import Episode

        row = self.conn.execute(
            self._sql("SELECT {episode_columns} FROM episodes WHERE episode_id={p}"),
            (episode_id,),
        ).fetchone()
        return Episode.model_validate(episode_record(row)) if row else None

    @translated
    def episode_ids(self) -> list[str]:
        return self._first_column("SELECT episode_id FROM episodes ORDER BY episode_id{bytewise}")

    # --- subscriptions ----------------------------------------------------------------------

    def _upsert(self, table: str, columns: tuple[str, ...], key: str, values: list[Any]) -> None:
        updates = ", ".join(f"{c}=excluded.{c}" for c in columns if c not in key.split(", "))
        self.conn.execute(
            self._sql(
                f"INSERT INTO {table}({', '.join(columns)}) VALUES "
                f"({', '.join(['{p}'] * len(columns))}) ON CONFLICT ({key}) DO UPDATE SET {updates}"
            ),
            values,
        )

    @translated
    def feeds(self) -> list[FeedRecord]:
        rows = self.conn.execute(
            self._sql(f"SELECT {', '.join(_FEED_COLUMNS)} FROM feeds ORDER BY url{{bytewise}}")
        ).fetchall()
        return [FeedRecord(*r) for r in rows]

    @translated
    def feed_by_url(self, url: str) -> FeedRecord | None:
        row = self.conn.execute(
            self._sql(f"SELECT {', '.join(_FEED_COLUMNS)} FROM feeds WHERE url={{p}}"), (url,)
        ).fetchone()
        return FeedRecord(*row) if row else None

    @translated
    def put_feed(self, feed: FeedRecord) -> None:
        values = [getattr(feed, c) for c in _FEED_COLUMNS]
        self._upsert("feeds", _FEED_COLUMNS, "feed_id", values)

    @translated
    def delete_feed(self, feed_id: str) -> None:
        self.conn.execute(self._sql("DELETE FROM feed_items WHERE feed_id={p}"), (feed_id,))
        self.conn.execute(self._sql("DELETE FROM feeds WHERE feed_id={p}"), (feed_id,))

    @translated
    def feed_items(self, feed_id: str) -> list[FeedItemRecord]:
        rows = self.conn.execute(
            self._sql(
                f"SELECT {', '.join(_ITEM_COLUMNS)} FROM feed_items WHERE feed_id={{p}}"
                " ORDER BY item_key{bytewise}"
            ),
            (feed_id,),
        ).fetchall()
        return [FeedItemRecord(*r) for r in rows]

    @translated
    def put_feed_item(self, item: FeedItemRecord) -> None:
        values = [getattr(item, c) for c in _ITEM_COLUMNS]
        self._upsert("feed_items", _ITEM_COLUMNS, "feed_id, item_key", values)

    # --- turns ------------------------------------------------------------------------------

    def iter_turn_rows(
        self,
        *,
        episode_id: str | None = None,
        speakers: list[str] | None = None,
        with_times: bool = False,
    ) -> Iterator[TurnRecord]:
        """Turns in episode and turn order (cheap: a tuple per row, no model)."""
        sql = self._sql("SELECT {turn_columns}, times FROM turns")
        where: list[str] = []
        args: list[Any] = []
        if episode_id is not None:
            where.append(self._sql("episode_id={p}"))
            args.append(episode_id)
        if speakers is not None:
            condition, values = self.dialect.one_of("speaker", speakers)
            where.append(condition)
            args.extend(values)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += self._sql(" ORDER BY episode_id{bytewise}, turn")
        # A generator: a decorator would see only its creation, not the rows it reads.
        with self.translating():
            cursor = self.conn.execute(sql, args)
            while rows := cursor.fetchmany(1000):
                for row in rows:
                    yield turn_record(row, with_times=with_times)

    @translated
    def turns(
        self, *, episode_id: str | None = None, speakers: list[str] | None = None
    ) -> list[Turn]:
        from ..models import Turn

        return [
            Turn.model_validate({**t.fields(), "times": t.times})
            for t in self.iter_turn_rows(episode_id=episode_id, speakers=speakers, with_times=True)
        ]

    @translated
    def context_turns(self, episode_id: str, turn: int, n: int) -> list[TurnRecord]:
        rows = self.conn.execute(
            self._sql(
                "SELECT {turn_columns} FROM turns"
                " WHERE episode_id = {p} AND turn BETWEEN {p} AND {p} AND turn != {p}"
                " ORDER BY turn"
            ),
            (episode_id, turn - n, turn + n, turn),
        ).fetchall()
        return [turn_record(r, with_times=False) for r in rows]

    @translated
    def counts(self) -> dict[str, int]:
        def one(sql: str) -> int:
            return int(self.conn.execute(sql).fetchone()[0])

        return {
            "episodes": one("SELECT count(*) FROM episodes"),
            "turns": one("SELECT count(*) FROM turns"),
            "speakers": one("SELECT count(DISTINCT speaker) FROM turns WHERE speaker IS NOT NULL"),
        }

    # --- speakers and chapters --------------------------------------------------------------

    @translated
    def speaker_names_for(self, source_key: str) -> dict[str, SpeakerName]:
        rows = self.conn.execute(
            self._sql(
                "SELECT label, name, role FROM speaker_names WHERE source={p} ORDER BY label"
            ),
            (source_key,),
        ).fetchall()
        return {label: SpeakerName(name, role) for label, name, role in rows}

    @translated
    def forget_speaker_names(self, source_key: str) -> None:
        self.conn.execute(self._sql("DELETE FROM speaker_names WHERE source={p}"), (source_key,))

    @translated
    def speaker_names(self) -> list[str]:
        return self._first_column(
            "SELECT DISTINCT speaker{bytewise} FROM speaker_labels ORDER BY 1"
        )

    @translated
    def speaker_label_pairs(self) -> list[SpeakerLabel]:
        return [
            SpeakerLabel(r[0], r[1])
            for r in self.conn.execute("SELECT speaker, label FROM speaker_labels")
        ]

    @translated
    def speaker_episode_ids(self, speaker: str) -> list[str]:
        return self._first_column(
            "SELECT DISTINCT episode_id{bytewise} FROM turns WHERE speaker = {p} ORDER BY 1",
            (speaker,),
        )

    @translated
    def speaker_facets(self) -> list[SpeakerFacet]:
        facets = [
            SpeakerFacet(
                name=name,
                roles=sorted(roles),
                episode_ids=sorted(episode_ids),
                turns=int(turns),
                words=int(words or 0),
            )
            for name, turns, words, roles, episode_ids in self._named_speakers()
        ]
        turns, words = self.conn.execute(
            "SELECT count(*), sum(words) FROM turns WHERE speaker IS NULL"
        ).fetchone()
        if turns:
            episode_ids = self._first_column(
                "SELECT DISTINCT episode_id{bytewise} FROM turns WHERE speaker IS NULL ORDER BY 1"
            )
            facets.append(
                SpeakerFacet(
                    name=None,
                    roles=[],
                    episode_ids=episode_ids,
                    turns=int(turns),
                    words=int(words or 0),
                )
            )
        return facets

    @translated
    def chapter_titles(self) -> list[str]:
        return self._first_column(
            "SELECT DISTINCT chapter{bytewise} FROM turns WHERE chapter IS NOT NULL ORDER BY 1"
        )

    @translated
    def chapter_facets(self) -> list[ChapterFacet]:
        return [
            ChapterFacet(name=chapter, episode_id=episode_id, turns=int(turns), start=start)
            for chapter, episode_id, turns, start in self.conn.execute(
                self._sql(
                    "SELECT chapter, episode_id, count(*), min(start) FROM turns"
                    " WHERE chapter IS NOT NULL GROUP BY episode_id, chapter"
                    " ORDER BY episode_id{bytewise}, min(turn)"
                )
            )
        ]
