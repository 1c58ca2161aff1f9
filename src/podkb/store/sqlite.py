"""The embedded store: one SQLite file with episodes, turns and an FTS5 full-text index.

This module is the only place that knows SQLite's own SQL, PRAGMAs and FTS5 (the lookups both
SQL engines write alike are in `common.py`): it compiles podkb's query tree to FTS5 MATCH
expressions, ranks with bm25(), runs the integrity checks of `podkb doctor`, and turns every
sqlite3 error into a StoreError. Every write is one transaction, so an ingest lands whole or not
at all (SQLite's journal keeps this true across a killed process). The schema carries a version; a store written by another
version is migrated when podkb knows how, and refused with a message otherwise.
"""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import StoreBusyError, StoreError
from ..text import cjk_bigrams, index_terms, is_cjk, stems_of, word_count
from . import impacts
from .base import TurnQuery, default_location
from .common import (
    FEED_TABLES,
    TURNS_FILTERS_INDEX,
    Dialect,
    SQLStore,
    busy_timeout,
    hit_record,
    times_json,
    token_key,
    translated,
    turn_columns_sql,
    turn_filters,
    turn_values,
)
from .records import MatchCount, NamedSpeaker, StoreHealth, TermCount, TurnHit

if TYPE_CHECKING:
    from ..models import Turn
    from ..query import Clause, Term

SCHEMA_VERSION = 9

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS episodes (
    episode_id TEXT PRIMARY KEY,
    show TEXT, title TEXT, date TEXT, lang TEXT,
    hosts TEXT NOT NULL, guests TEXT NOT NULL,
    description TEXT,
    source TEXT NOT NULL, source_path TEXT, source_sha256 TEXT, format TEXT,
    turns INTEGER NOT NULL, chapters TEXT NOT NULL,
    ingested_at TEXT NOT NULL,
    inputs_sha256 TEXT, source_stat TEXT,
    audio_url TEXT, link TEXT, duration REAL
);
-- Ingest looks up every file by its path (replace, skip when unchanged): an index, not a scan.
CREATE INDEX IF NOT EXISTS episodes_source_path ON episodes(source_path);
CREATE TABLE IF NOT EXISTS turns (
    id INTEGER PRIMARY KEY,
    episode_id TEXT NOT NULL REFERENCES episodes(episode_id) ON DELETE CASCADE,
    turn INTEGER NOT NULL,
    speaker TEXT, speaker_label TEXT, role TEXT NOT NULL,
    text TEXT NOT NULL, lang TEXT NOT NULL,
    start REAL, "end" REAL, chapter TEXT,
    source TEXT NOT NULL, line INTEGER NOT NULL,
    words INTEGER NOT NULL DEFAULT 0,
    times TEXT,
    UNIQUE (episode_id, turn)
);
CREATE INDEX IF NOT EXISTS turns_speaker ON turns(speaker);
{turns_filters};
-- Every (speaker, label as written) pair, kept by refresh_summaries(): speaker lookups read this,
-- not a million turns.
CREATE TABLE IF NOT EXISTS speaker_labels (
    speaker TEXT NOT NULL, label TEXT, turns INTEGER NOT NULL,
    PRIMARY KEY (speaker, label)
);
-- Names users gave to a source's speaker labels (`podkb speakers name`), source: the file's
-- real path. They outlive the episode's turns, so ingest gives them again on re-ingest.
CREATE TABLE IF NOT EXISTS speaker_names (
    source TEXT NOT NULL, label TEXT NOT NULL, name TEXT NOT NULL, role TEXT NOT NULL,
    PRIMARY KEY (source, label)
);
-- Full-text index, rowid = turns.id. body: folded words and CJK bigrams, uni: CJK characters,
-- speaker and episode: one token each, for filters written inside MATCH (fast in FTS5),
-- chapter: the chapter title's words, stems: the body's spaced-script words, Snowball-stemmed.
-- turns.times: JSON [[character offset, seconds], ...] where timed pieces start in the text.
{turn_index}
{feed_tables};
{impacts}
"""
# Contentless (content=''): the index keeps its terms, not a second copy of the turns' text (a
# third of the store); nothing reads its columns back. Removing a row takes the values it was
# indexed with, which `_index_row` derives again from the turn: the analyzer is deterministic,
# and a change to it comes with a schema version whose migration rebuilds the index.
_TURN_INDEX = """CREATE VIRTUAL TABLE IF NOT EXISTS turn_index USING fts5(
    body, uni, speaker, episode, chapter, stems,
    content = '',
    tokenize = "unicode61 remove_diacritics 0 tokenchars '_'"
);"""
_SCHEMA = (
    _SCHEMA.replace("{turn_index}", _TURN_INDEX)
    .replace("{feed_tables}", FEED_TABLES)
    .replace("{impacts}", impacts.SCHEMA)
    .replace("{turns_filters}", TURNS_FILTERS_INDEX)
)

# Column weights for bm25(): body, uni, speaker, episode, chapter, stems. Filter columns never
# score; stems weigh less than body, so the word form as written ranks above another form.
_BM25 = "bm25(turn_index, 1.0, 1.0, 0.0, 0.0, 0.3, 0.5)"


def default_db_path() -> Path:
    return Path(default_location())


# Index rows queued in a transaction before they are given to FTS5 (SQLiteStore._flush_index).
_INDEX_QUEUE = 5000


_INDEX_COLUMNS = "rowid, body, uni, speaker, episode, chapter, stems"
_INDEX_INSERT = f"INSERT INTO turn_index({_INDEX_COLUMNS}) VALUES (?,?,?,?,?,?,?)"
_INDEX_DELETE = (
    f"INSERT INTO turn_index(turn_index, {_INDEX_COLUMNS}) VALUES ('delete',?,?,?,?,?,?,?)"
)


def analyze_text(text: str) -> tuple[str, str, str, int]:
    """What the store derives from a turn's text: its index columns body, uni and stems (the
    analyzer's terms space-joined, which FTS5's tokenizer splits on the spaces again, so the
    index holds exactly the analyzer's terms) and its word count. A pure function of the text:
    ingest's worker processes compute it beside the records (`put_episode(analyzed=...)`)."""
    terms, chars = index_terms(text)
    return " ".join(terms), " ".join(chars), " ".join(stems_of(terms)), word_count(text)


def _index_row(
    rowid: int,
    episode_id: str,
    speaker: str | None,
    text: str,
    chapter: str | None,
    *,
    chapter_terms: dict[str, str],
    analyzed: tuple[str, str, str, int] | None = None,
) -> tuple[Any, ...]:
    """A turn's row of the full-text index, the one place it is derived (insert, delete,
    rebuild), from analyze_text (`analyzed`, if computed already). chapter_terms: the chapter
    titles analyzed so far (an episode repeats a few)."""
    body, uni, stems, _ = analyzed or analyze_text(text)
    if chapter and chapter not in chapter_terms:
        chapter_terms[chapter] = " ".join(index_terms(chapter)[0])
    return (
        rowid,
        body,
        uni,
        token_key(speaker),
        token_key(episode_id),
        chapter_terms[chapter] if chapter else "",
        stems,
    )


class SQLiteStore(SQLStore):
    """A podkb knowledge base in one SQLite file."""

    conn: sqlite3.Connection
    dialect = Dialect(param="?")
    # Large enough that a commit's sync is a small share of the time, small enough that an
    # interrupted ingest of a big folder keeps most of its work.
    files_per_transaction = 500
    text_analyzer = staticmethod(analyze_text)
    # Index rows written in this transaction but not yet given to FTS5 (see _flush_index).
    _pending_index: list[tuple[Any, ...]]
    _impact_lists: impacts.Lists

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        create: bool = True,
        read_only: bool = False,
    ) -> None:
        self.path = Path(path) if path is not None else default_db_path()
        self._pending_index = []
        self._impact_lists = impacts.Lists()
        create = create and not read_only
        if not create and not self.path.exists():
            raise StoreError(
                f"no knowledge base at {self.path}; run `podkb ingest seeds/` first (or pass --db)"
            )
        if create:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                reason = f"cannot create its folder: {_folder_problem(self.path.parent, exc)}"
                raise StoreError(reason, path=str(self.path)) from None
        if create and self.path.exists() and not is_writable(self.path):
            raise StoreError(
                "the store is read-only here: podkb can search it but not write it; ingest "
                "into a writable store (--db)",
                path=str(self.path),
            )
        # A reader of a store it may not write (a read-only mount or folder, a file of another
        # user) opens it read-only: it can search, but never migrate, index or write.
        self.read_only = read_only or (not create and not is_writable(self.path))
        try:
            if self.read_only:
                self.conn = connect_read_only(self.path)
            else:
                self.conn = sqlite3.connect(self.path, timeout=busy_timeout(), isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(
                f"cannot open the store: {exc}; check the path and its permissions",
                path=str(self.path),
            ) from None
        self.conn.row_factory = sqlite3.Row
        try:
            self.conn.execute("PRAGMA foreign_keys = ON")
            # The schema is checked first: a file that is not a podkb store, or is one of a
            # newer version, is refused before anything (even its journal mode) is changed.
            self._init_schema()
            if not self.read_only:
                # WAL: readers never wait for a writer, and a commit syncs one file. With
                # synchronous=NORMAL a crash can lose the last commit but never tears one.
                self.conn.execute("PRAGMA journal_mode = WAL")
                self.conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise store_error(exc, self.path) from None

    # --- schema ---------------------------------------------------------------------------

    def _init_schema(self) -> None:
        version = self._schema_version()
        if version is None:
            with self.transaction():
                _exec_script(self.conn, _SCHEMA)
                self.conn.execute(
                    "INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)",
                    (str(SCHEMA_VERSION),),
                )
                self.conn.execute(
                    "INSERT OR IGNORE INTO meta(key, value) VALUES ('turn_count', '0')"
                )
        elif version > SCHEMA_VERSION:
            raise StoreError(
                f"written by a newer podkb (schema {version}, this one reads {SCHEMA_VERSION}); "
                "upgrade podkb",
                path=str(self.path),
            )
        elif version < SCHEMA_VERSION:
            if self.read_only and version >= _OLDEST_READABLE:
                return  # reads need nothing a later schema added; the next writer migrates it
            if self.read_only:
                raise StoreError(
                    f"a read-only store of schema {version}, which this podkb must migrate to "
                    f"{SCHEMA_VERSION} before it can read it: copy it somewhere writable (--db)",
                    path=str(self.path),
                )
            self._migrate(version)

    def _migrate(self, version: int) -> None:
        """Bring an older store up to SCHEMA_VERSION in one transaction, step by step."""
        from .migrations import SQLITE_STEPS  # only an older store needs the steps

        with self.transaction():
            self.migrate(version, SQLITE_STEPS, SCHEMA_VERSION)
            # Schema 8's impact lists are derived from the turns: built once the tables exist.
            if impacts.needs_build(self.conn, self.turn_count()):
                impacts.build(self.conn)
            elif version < 9 and impacts.is_built(self.conn):
                impacts.fill_docs(self.conn)  # schema 9 keeps each listed term's turn count

    def columns_of(self, table: str) -> set[str]:
        return {r[1] for r in self.conn.execute(f"PRAGMA table_info({table})")}

    def _schema_version(self) -> int | None:
        tables = {
            r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        if not tables:
            return None
        if "meta" not in tables:
            raise StoreError("not a podkb store (no meta table)", path=str(self.path))
        return self._version_in_meta()

    # --- transactions ---------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE ... COMMIT: one writer at a time, all or nothing."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise store_error(exc, self.path) from None
        self._pending_index = []
        try:
            yield
            self._flush_index()
        except sqlite3.Error as exc:
            self._rollback()
            raise store_error(exc, self.path) from None
        except BaseException:
            self._rollback()
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback()
                raise store_error(exc, self.path) from None

    def _rollback(self) -> None:
        self._pending_index = []
        if self.conn.in_transaction:  # SQLite may have rolled back already (disk full, I/O error)
            self.conn.execute("ROLLBACK")

    @contextmanager
    def savepoint(self, name: str = "item") -> Iterator[None]:
        """A nested all-or-nothing step inside transaction(): one episode, for example."""
        # The index rows queued when it began: rolled back, it queues exactly those again
        # (whatever it gave FTS5 meanwhile, SQLite takes back; _flush_index starts a new list).
        queued, count = self._pending_index, len(self._pending_index)
        self._execute_translated(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            if self.conn.in_transaction:
                self._execute_translated(f"ROLLBACK TO {name}")
                self._execute_translated(f"RELEASE {name}")
                self._pending_index = queued[:count]
            raise
        else:
            self._execute_translated(f"RELEASE {name}")

    def _execute_translated(self, sql: str) -> None:
        try:
            self.conn.execute(sql)
        except sqlite3.Error as exc:
            raise store_error(exc, self.path) from None

    @property
    def location(self) -> str:
        return str(self.path)

    def driver_error(self, exc: Exception) -> StoreError | None:
        return store_error(exc, self.path) if isinstance(exc, sqlite3.Error) else None

    # --- writes (call inside transaction()) -------------------------------------------------

    @translated
    def delete_episode(self, episode_id: str) -> bool:
        """Delete one episode, its turns and their index rows. True if it was there."""
        pairs = self.conn.execute(
            "SELECT speaker, speaker_label, count(*) FROM turns"
            " WHERE episode_id=? AND speaker IS NOT NULL GROUP BY speaker, speaker_label",
            (episode_id,),
        ).fetchall()
        self._count_speaker_labels([(sp, label, -n) for sp, label, n in pairs])
        turns = self.conn.execute(
            "SELECT id, episode_id, speaker, text, chapter FROM turns WHERE episode_id=?",
            (episode_id,),
        )
        first = turns.fetchone()
        # A new episode has no turns to take out, and the queued index rows stay queued:
        # flushing them here, before every file, had FTS5 write a segment a file.
        removed = self._unindex(itertools.chain([first], turns)) if first is not None else 0
        self._count_turns(-removed)
        impacts.remove(self.conn, episode_id)
        self.conn.execute("DELETE FROM turns WHERE episode_id=?", (episode_id,))
        return (
            self.conn.execute("DELETE FROM episodes WHERE episode_id=?", (episode_id,)).rowcount > 0
        )

    def _unindex(self, rows: Iterable[tuple[Any, ...]]) -> int:
        """Take turns (id, episode_id, speaker, text, chapter) out of the contentless index: it
        is told the values each was indexed with, derived again as put_episode derived them.
        Returns how many turns it took out."""
        self._flush_index()  # a turn taken out must be in the index, not still queued
        chapter_terms: dict[str, str] = {}
        batch: list[tuple[Any, ...]] = []
        removed = 0
        for row in rows:
            batch.append(_index_row(*row, chapter_terms=chapter_terms))
            removed += 1
            if len(batch) >= 1000:
                self._impact_lists.unindexed(self.conn, batch)
                self.conn.executemany(_INDEX_DELETE, batch)
                batch.clear()
        self._impact_lists.unindexed(self.conn, batch)
        self.conn.executemany(_INDEX_DELETE, batch)
        return removed

    def _count_speaker_labels(self, deltas: Iterable[tuple[str, str | None, int]]) -> None:
        """Keep speaker_labels exact as episodes come and go, without recounting every turn."""
        for speaker, label, n in deltas:
            updated = self.conn.execute(
                "UPDATE speaker_labels SET turns=turns+? WHERE speaker=? AND label IS ?",
                (n, speaker, label),
            ).rowcount
            if not updated and n > 0:
                self.conn.execute(
                    "INSERT INTO speaker_labels(speaker, label, turns) VALUES (?,?,?)",
                    (speaker, label, n),
                )
        self.conn.execute("DELETE FROM speaker_labels WHERE turns <= 0")

    def _count_turns(self, n: int) -> None:
        if n:
            self.conn.execute(
                "UPDATE meta SET value = CAST(value AS INTEGER) + ? WHERE key='turn_count'", (n,)
            )

    def _lock_episode(self, episode_id: str, source_path: str | None) -> None:
        """Nothing to take: BEGIN IMMEDIATE made this the one writer."""

    def _put_turns(
        self,
        episode_id: str,
        turns: Iterable[Turn],
        analyzed: Mapping[str, tuple[str, str, str, int]] | None = None,
    ) -> int:
        """The turns, their rows of the full-text index, and the exact counts kept beside them
        (speaker labels, the store's turn count), streamed in batches."""
        next_id = (self.conn.execute("SELECT max(id) FROM turns").fetchone()[0] or 0) + 1
        chapter_terms: dict[str, str] = {}
        rows: list[tuple[Any, ...]] = []
        index_rows: list[tuple[Any, ...]] = []
        labels: Counter[tuple[str, str | None]] = Counter()
        count = 0
        for t in turns:
            if t.speaker is not None:
                labels[(t.speaker, t.speaker_label)] += 1
            text_terms = (analyzed.get(t.text) if analyzed else None) or analyze_text(t.text)
            rows.append((next_id, *turn_values(t, words=text_terms[3]), times_json(t)))
            index_rows.append(
                _index_row(
                    next_id,
                    t.episode_id,
                    t.speaker,
                    t.text,
                    t.chapter,
                    chapter_terms=chapter_terms,
                    analyzed=text_terms,
                )
            )
            next_id += 1
            count += 1
            if len(rows) >= 1000:  # bounded memory: a huge episode streams in batches
                self._insert_turns(rows, index_rows)
        self._insert_turns(rows, index_rows)
        if len(self._pending_index) >= _INDEX_QUEUE or not self.conn.in_transaction:
            self._flush_index()
        self.conn.execute("UPDATE episodes SET turns=? WHERE episode_id=?", (count, episode_id))
        self._count_speaker_labels((sp, label, n) for (sp, label), n in labels.items())
        self._count_turns(count)
        return count

    def _insert_turns(self, rows: list[tuple[Any, ...]], index_rows: list[tuple[Any, ...]]) -> None:
        self.conn.executemany(
            'INSERT INTO turns(id, episode_id, turn, speaker, speaker_label, role, text, lang, start, "end",'
            " chapter, source, line, words, times) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
        self._pending_index.extend(index_rows)
        rows.clear()
        index_rows.clear()

    def _flush_index(self) -> None:
        """Give FTS5 the queued index rows. FTS5 writes its pending terms to disk as a new
        segment at every savepoint (each file ingest writes is one): rows given to it one
        file at a time made a segment per file (200 turns) for it to merge again, 20% of the
        index's insert time at 20k turns, growing with the store. Queued, they go in 5,000
        at a time. Anything that reads or deletes index rows calls this first."""
        if self._pending_index:
            rows, self._pending_index = self._pending_index, []
            self.conn.executemany(_INDEX_INSERT, rows)
            self._impact_lists.add(self.conn, rows)  # reads the rows' sizes FTS5 just wrote

    @translated
    def refresh_summaries(self) -> None:
        """Recount what lookups read instead of scanning turns: speaker labels, turn count."""
        self.conn.execute("DELETE FROM speaker_labels")
        self.conn.execute(
            "INSERT INTO speaker_labels(speaker, label, turns) SELECT speaker, speaker_label, count(*)"
            " FROM turns WHERE speaker IS NOT NULL GROUP BY speaker, speaker_label"
        )
        self.conn.execute(
            "INSERT OR REPLACE INTO meta(key, value) VALUES ('turn_count', (SELECT count(*) FROM turns))"
        )
        self.refresh_common_terms()

    def after_writes(self) -> None:
        """speaker_labels and the turn count are kept exact by each put and delete: only the
        common words are recounted, and only once the store has changed by a tenth."""
        self._flush_index()  # the impact lists are built from the index
        total = self.turn_count()
        row = self.conn.execute("SELECT value FROM meta WHERE key='common_terms_at'").fetchone()
        counted_at = int(row[0]) if row else -1
        if counted_at < 0 or abs(total - counted_at) * 10 > max(counted_at, 1):
            self.refresh_common_terms()
        if impacts.needs_build(self.conn, total):
            impacts.build(self.conn)

    def refresh_common_terms(self) -> None:
        """Words in more than a tenth of the turns (the search answers those unranked).

        Counting them reads the whole vocabulary (seconds at a million turns), so it is done
        when the store has grown or shrunk by a tenth since the last count, not on every
        ingest: a file added to a big store costs the file. A word whose share crosses 10% in
        between is ranked (or not) a little longer; the hits are the same either way."""
        total = self.turn_count()
        common = self.body_terms(more_than=int(total) // 10)
        self.conn.executemany(
            "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
            [("common_terms", json.dumps(dict(common))), ("common_terms_at", str(total))],
        )
        self._common_terms = None

    @translated
    def rebuild_index(self) -> int:
        """Rebuild the full-text index, turn counts and summaries from the turns (call inside
        transaction()). All of it is derived data, so this loses nothing. Returns turns indexed."""
        self._pending_index = []  # rebuilt from the turns, which hold these rows' turns too
        # DROP, not DELETE: deleting from a damaged index reads the damage and fails.
        try:
            self.conn.execute("DROP TABLE IF EXISTS turn_index")
        except sqlite3.DatabaseError:
            # The index cannot even open (its structure record is lost): give it the blank
            # records of a new, empty FTS5 table, which it can open and so be dropped.
            self.conn.execute("CREATE VIRTUAL TABLE temp.podkb_blank USING fts5(x)")
            blank = self.conn.execute("SELECT id, block FROM temp.podkb_blank_data").fetchall()
            self.conn.execute("DROP TABLE temp.podkb_blank")
            self.conn.execute("DELETE FROM turn_index_data")
            self.conn.executemany("INSERT INTO turn_index_data(id, block) VALUES (?, ?)", blank)
            self.conn.execute("DROP TABLE turn_index")
        _exec_script(self.conn, _TURN_INDEX)
        n = 0
        chapter_terms: dict[str, str] = {}
        rows = self.conn.execute(
            "SELECT id, episode_id, speaker, text, chapter FROM turns ORDER BY id"
        )
        while batch := rows.fetchmany(1000):  # streamed: a million turns never sit in memory
            self.conn.executemany(
                _INDEX_INSERT, [_index_row(*r, chapter_terms=chapter_terms) for r in batch]
            )
            n += len(batch)
        self.conn.execute(
            "UPDATE episodes"
            " SET turns=(SELECT count(*) FROM turns t WHERE t.episode_id=episodes.episode_id)"
        )
        self.refresh_summaries()
        _exec_script(self.conn, impacts.SCHEMA)
        impacts.clear(self.conn)
        if impacts.needs_build(self.conn, n):
            impacts.build(self.conn)
        return n

    # --- reads ----------------------------------------------------------------------------

    _common_terms: dict[str, int] | None = None

    @translated
    def body_terms(
        self, *, more_than: int = 0, starting_with: str | None = None
    ) -> list[TermCount]:
        """Indexed tokens of the text (words and CJK bigrams) in more than `more_than` turns,
        with their turn counts."""
        self._flush_index()
        self.conn.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.podkb_vocab USING fts5vocab(main, turn_index, col)"
        )
        sql = "SELECT term, doc FROM temp.podkb_vocab WHERE col = 'body' AND doc > ?"
        args: list[Any] = [more_than]
        if starting_with:
            # fts5vocab reads a term range straight from the index (its terms are sorted)
            sql += " AND term >= ? AND term < ?"
            args += [starting_with, starting_with + "\U0010ffff"]
        return [TermCount(r[0], r[1]) for r in self.conn.execute(sql, args)]

    @translated
    def common_terms(self) -> dict[str, int]:
        """Words in more than a tenth of the turns, with their turn counts (as of the last ingest)."""
        if self._common_terms is None:
            row = self.conn.execute("SELECT value FROM meta WHERE key='common_terms'").fetchone()
            self._common_terms = json.loads(row[0]) if row else {}
        return self._common_terms

    @translated
    def turn_count(self) -> int:
        row = self.conn.execute("SELECT value FROM meta WHERE key='turn_count'").fetchone()
        return int(row[0]) if row else self.conn.execute("SELECT count(*) FROM turns").fetchone()[0]

    # --- search and facets ------------------------------------------------------------------

    @translated
    def search_turns(self, query: TurnQuery) -> list[TurnHit]:
        """Filters on speaker and episode are written inside the MATCH expression as column
        filters (the fast path in FTS5); language, role and chapter filters are SQL conditions
        on the joined turn. Ties in score fall back to ingest order."""
        self._flush_index()
        compiled = self._compile(query)
        if compiled is None:
            return []
        match_parts, exclusion, where, args = compiled
        answer = impacts.top(self.conn, query, where, args, _index_row)
        if answer is not None:
            return self._hits_of(answer)
        rows = self._run_search(
            match_parts,
            exclusion,
            where,
            args,
            query.limit,
            ranked=query.ranked,
            offset=query.offset,
        )
        # bm25() is lower for better matches; podkb's score is higher for better ones.
        return [hit_record(row, -row["rank"] if row["rank"] else 0.0) for row in rows]

    def _hits_of(self, answer: impacts.Answer) -> list[TurnHit]:
        """The hit records of a proven top (turn ids with their bm25 ranks), in its order."""
        columns = turn_columns_sql("t") + ", t.times AS times"
        ids = [rowid for rowid, _ in answer.rows]
        by_id = {
            row["id"]: row
            for row in self._search_rows(
                f"SELECT {columns}, t.id AS id FROM turns t"
                " WHERE t.id IN (SELECT value FROM json_each(?))",
                [json.dumps(ids)],
            )
        }
        return [hit_record(by_id[rowid], -rank) for rowid, rank in answer.rows]

    def count_turns(self, query: TurnQuery, at_most: int | None = None) -> int:
        compiled = self._compile(query)
        if compiled is None:
            return 0
        match_parts, exclusion, where, args = compiled
        if at_most is not None and impacts.holds_at_least(self.conn, query, at_most):
            return at_most
        if match_parts:
            match = " AND ".join(f"({p})" for p in match_parts)
            if exclusion:
                match = f"({match}) NOT ({exclusion})"
            if not where:
                sql = "SELECT 1 FROM turn_index WHERE turn_index MATCH ?"
                return self._count(sql, [match], at_most)
            sql = (
                f"SELECT 1 FROM turn_index JOIN turns t{self._filters_index(query)}"
                " ON t.id = turn_index.rowid WHERE turn_index MATCH ?"
            )
            params: list[Any] = [match, *args]
        else:
            sql = "SELECT 1 FROM turns t WHERE 1"
            params = list(args)
            if exclusion:
                # Its placeholder comes before the filters': so does its argument.
                sql += " AND t.id NOT IN (SELECT rowid FROM turn_index WHERE turn_index MATCH ?)"
                params.insert(0, exclusion)
        for cond in where:
            sql += f" AND {cond}"
        return self._count(sql, params, at_most)

    def _filters_index(self, query: TurnQuery) -> str:
        """` INDEXED BY turns_filters` when every SQL condition reads only the columns it holds
        (SQLite's planner looks turns up by rowid otherwise); '' for a store without it (a
        read-only store of schema 8) or other filters."""
        if query.chapters is not None or any(
            n not in ("lang", "role") for n, _ in query.conditions
        ):
            return ""
        found = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'turns_filters'"
        ).fetchone()
        return " INDEXED BY turns_filters" if found else ""

    def _count(self, sql: str, params: list[Any], at_most: int | None) -> int:
        """Rows of `sql` (a SELECT 1 ...), read no further than at_most."""
        if at_most is None:
            return int(self._search_rows(f"SELECT count(*) FROM ({sql})", params)[0][0])
        limited = f"SELECT count(*) FROM ({sql} LIMIT ?)"
        return int(self._search_rows(limited, [*params, at_most])[0][0])

    def _compile(
        self, query: TurnQuery
    ) -> tuple[list[str], str | None, list[str], list[Any]] | None:
        """The query as MATCH parts, an exclusion, SQL conditions and their arguments; None
        when it can match nothing (an empty set of episodes)."""
        match_parts: list[str] = []
        if query.episode_ids is not None and not query.episode_ids:
            return None
        clauses = [*query.all_of, *query.none_of]
        empty = impacts.empty_phrases(self.conn, [t for c in clauses for t in c.terms])
        if query.all_of:
            match_parts.append(" AND ".join(fts_clause(c, empty) for c in query.all_of))
        if query.speaker:
            match_parts.append(f'speaker : "{token_key(query.speaker)}"')
        if query.episode_ids is not None:
            match_parts.append(
                " OR ".join(f'episode : "{token_key(e)}"' for e in query.episode_ids)
            )
        if query.topic_terms:
            match_parts.append(fts_topic(query.topic_terms))
        where, args = turn_filters(query, self.dialect)
        exclusion = " OR ".join(fts_clause(c, empty) for c in query.none_of) or None
        return match_parts, exclusion, where, args

    def _run_search(
        self,
        match_parts: list[str],
        exclusion: str | None,
        where: list[str],
        args: list[Any],
        limit: int,
        *,
        ranked: bool,
        offset: int = 0,
    ) -> list[sqlite3.Row]:
        columns = turn_columns_sql("t") + ", t.times AS times"
        if match_parts:
            match = " AND ".join(f"({p})" for p in match_parts)
            if exclusion:
                match = f"({match}) NOT ({exclusion})"
            score = _BM25 if ranked else "0.0"
            if not where:
                # Take the best rows inside FTS5 first, then join just those to their turns.
                inner_order = "rank, rowid" if ranked else "rowid"
                sql = (
                    f"SELECT {columns}, t.id AS id, r.rank AS rank FROM (SELECT rowid, {score} AS rank"
                    f" FROM turn_index WHERE turn_index MATCH ? ORDER BY {inner_order}"
                    " LIMIT ? OFFSET ?) r JOIN turns t ON t.id = r.rowid ORDER BY r.rank, t.id"
                )
                return self._search_rows(sql, [match, limit, offset])
            sql = (
                f"SELECT {columns}, t.id AS id, {score} AS rank FROM turn_index"
                " JOIN turns t ON t.id = turn_index.rowid WHERE turn_index MATCH ?"
            )
            params: list[Any] = [match, *args]
            order = "rank, t.id" if ranked else "turn_index.rowid"
        else:
            sql = f"SELECT {columns}, t.id AS id, 0.0 AS rank FROM turns t WHERE 1"
            params = list(args)
            order = "t.id"
            if exclusion:
                # Its placeholder comes before the filters': so does its argument.
                sql += " AND t.id NOT IN (SELECT rowid FROM turn_index WHERE turn_index MATCH ?)"
                params.insert(0, exclusion)
        for cond in where:
            sql += f" AND {cond}"
        sql += f" ORDER BY {order} LIMIT ? OFFSET ?"
        params.extend([limit, offset])
        return self._search_rows(sql, params)

    def _search_rows(self, sql: str, params: list[Any]) -> list[sqlite3.Row]:
        self._flush_index()
        try:
            return self.conn.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise
            # Compiling guarantees valid MATCH syntax; anything here is a store problem.
            raise StoreError(f"search failed: {exc}", path=str(self.path)) from None

    def _named_speakers(self) -> Iterator[NamedSpeaker]:
        for name, turns, words, roles, episode_ids in self.conn.execute(
            "SELECT speaker, count(*), sum(words), json_group_array(DISTINCT role),"
            " json_group_array(DISTINCT episode_id) FROM turns WHERE speaker IS NOT NULL"
            " GROUP BY speaker ORDER BY count(*) DESC, speaker"
        ):
            yield NamedSpeaker(name, turns, words, json.loads(roles), json.loads(episode_ids))

    @translated
    def count_matches(self, terms: Sequence[Term]) -> MatchCount:
        if not terms:
            return MatchCount(0, 0)
        self._flush_index()
        turns, episodes = self.conn.execute(
            "SELECT count(*), count(DISTINCT t.episode_id) FROM turn_index"
            " JOIN turns t ON t.id = turn_index.rowid WHERE turn_index MATCH ?",
            (fts_topic(terms),),
        ).fetchone()
        return MatchCount(int(turns), int(episodes))


# --- the query tree compiled to FTS5 ----------------------------------------------------------


def fts_term(
    term: Term, column: str = "body", empty: frozenset[tuple[str, str]] = frozenset()
) -> str:
    """A term as an FTS5 expression over the body (or another text) column and uni.

    Every piece reaches FTS5 as a quoted string literal, so no input is a syntax error. CJK runs
    become bigram phrases; a lone CJK character searches the unigram column. empty: (column,
    token) phrases known to be in no turn, left out (impacts.empty_phrases)."""
    cjk_singles: list[str] = []
    phrase: list[str] = []
    for w in term.words:
        if is_cjk(w):
            if len(w) == 1 and len(term.words) == 1:
                cjk_singles.append(w)
            else:
                phrase.extend(cjk_bigrams(w))
        else:
            phrase.append(w)
    if cjk_singles:
        return (
            f"uni : {_literal(cjk_singles[0])}"
            if column == "body"
            else f"{column} : {_literal(cjk_singles[0])}"
        )
    expr = _literal(" ".join(phrase))
    if term.prefix and not is_cjk(phrase[-1]):
        expr += " *"
    alternatives = [f"{column} : {expr}"]
    stemmed = term.stemmed if column == "body" else None
    if stemmed is not None:
        # Other forms of the word: in stems (weighted lower than body, so the form as written
        # ranks first), or in body when the form is the stem itself (run for running).
        alternatives.append(f"stems : {_literal(stemmed)}")
        if stemmed != term.words[0]:
            alternatives.append(f"{column} : {_literal(stemmed)}")
    joined = term.joined_form()
    if joined is not None:
        alternatives.append(f"{column} : {_literal(joined)}")
    if empty:
        # A phrase in no turn matches nothing and adds 0.0 to bm25's sum for every row, yet
        # FTS5 walks its token's whole doclist (kept for all columns) to find that out: the
        # stem as a word in body, most often. At least one phrase stays, to keep the syntax.
        written = {f"{col} : {_literal(tok)}" for col, tok in empty}
        alternatives = [a for a in alternatives if a not in written] or alternatives[:1]
    return alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")"


def fts_clause(clause: Clause, empty: frozenset[tuple[str, str]] = frozenset()) -> str:
    inner = " OR ".join(fts_term(t, empty=empty) for t in clause.terms)
    return f"({inner})" if len(clause.terms) > 1 else inner


def fts_topic(terms: Sequence[Term]) -> str:
    """Any of the terms, in the text or in the chapter title."""
    parts = [fts_term(t, "body") for t in terms] + [
        fts_term(t, "chapter") for t in terms if t.words
    ]
    return "(" + " OR ".join(parts) + ")"


def _literal(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _exec_script(conn: sqlite3.Connection, script: str) -> None:
    # executescript() would COMMIT the open transaction; run statement by statement instead.
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def store_error(exc: sqlite3.Error, path: Path | None = None) -> StoreError:
    """The typed error for an SQLite failure, with what to do next: busy, damaged, read-only,
    full, or as SQLite says."""
    msg = str(exc)
    where = str(path) if path is not None else None
    doctor = f"run `podkb doctor --db {path}`" if path is not None else "run `podkb doctor`"
    if "locked" in msg or "busy" in msg:
        return StoreBusyError("store busy: another podkb process is writing; try again", path=where)
    if "not a database" in msg or "malformed" in msg:
        return StoreError(f"damaged or not a podkb store ({msg}); {doctor}", path=where)
    if "Could not decode to UTF-8" in msg:
        # Python's sqlite3 quotes the undecodable bytes: not worth showing, and not safe to.
        column = msg.split("column ", 1)[-1].split(" ", 1)[0]
        return StoreError(
            f"damaged text in the store (column {column} is not UTF-8: a damaged page, or "
            f"written by another tool); {doctor}, or re-ingest into a new store",
            path=where,
        )
    if "readonly" in msg or "read-only" in msg:
        return StoreError(
            "the store is read-only here: podkb can search it but not write it; ingest into a "
            "writable store (--db)",
            path=where,
        )
    if "disk is full" in msg:
        return StoreError("the disk is full: free some space and try again", path=where)
    return StoreError(f"store error: {msg}; {doctor}", path=where)


# Schemas whose stores this podkb can read without migrating them (for read-only stores).
_OLDEST_READABLE = 7


def is_writable(path: Path) -> bool:
    """Whether podkb may write the store: the file and its folder (WAL needs -wal and -shm
    files beside it). access(2) says no on a read-only mount, also to root."""
    folder = path.parent if str(path.parent) else Path(".")
    return os.access(path, os.W_OK) and os.access(folder, os.W_OK)


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection. `mode=ro` sees a live writer's latest commits, but fails on a
    WAL store whose folder is read-only (it cannot create the -shm file): then `immutable=1`,
    which reads the file as it is, is the right way to open it."""
    uri = path.resolve().as_uri()
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=busy_timeout(), isolation_level=None)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError as exc:
        if "unable to open" not in str(exc) and "readonly" not in str(exc):
            raise
        conn.close()
    return sqlite3.connect(f"{uri}?immutable=1", uri=True, isolation_level=None)


# --- podkb doctor: checks that read the store without changing it -------------------------------


def open_store(
    location: str | os.PathLike[str], *, create: bool = True, read_only: bool = False
) -> SQLiteStore:
    return SQLiteStore(location, create=create, read_only=read_only)


def diagnose(location: str | os.PathLike[str]) -> StoreHealth:
    """SQLite's integrity check, the FTS5 index's own check, the index against the turns, the
    episodes' turn counts and the summaries. Raises StoreBusyError if a writer holds the file."""
    path = Path(location)
    health = StoreHealth(location=str(path))
    if not path.exists():
        health.failed(
            "store",
            f"no knowledge base at {path}",
            "run `podkb ingest <folder>` to create it, or point --db / $PODKB_DB at another store",
        )
        return health
    health.size_bytes = path.stat().st_size if path.is_file() else None
    read_only = not is_writable(path)
    try:
        if read_only:
            conn = connect_read_only(path)
        else:
            conn = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=rw",
                uri=True,
                timeout=busy_timeout(),
                isolation_level=None,
            )
    except sqlite3.Error as exc:
        health.failed("store", f"cannot open: {exc}", "check the path and its permissions")
        return health
    size = f"{health.size_bytes} bytes" if health.size_bytes is not None else "opened"
    # Read-only is not damage: the checks below read the store all the same.
    health.passed(
        "store",
        f"{size}, read-only (search works; --repair needs a writable copy)" if read_only else size,
    )
    try:
        if _check_schema(health, conn) and _check_integrity(health, conn):
            _check_index(health, conn)
    except sqlite3.DatabaseError as exc:
        err = store_error(exc, path)
        if isinstance(err, StoreBusyError):
            raise err from None
        health.failed("store", str(exc), _RECOVER.format(db=path))
    finally:
        conn.close()
    return health


def repair(location: str | os.PathLike[str]) -> None:
    """Migrate an older schema, then rebuild the index, turn counts and summaries from the turns,
    in one transaction. A store that fails SQLite's integrity check, or whose schema no podkb
    migration reads, is left alone (diagnose says how to recover it)."""
    health = diagnose(location)
    for check in health.checks:
        if check.name in ("store", "integrity") and not check.ok:
            return
        if check.name == "schema" and not check.ok and not health.migratable:
            return
    with SQLiteStore(location, create=False) as store, store.transaction():
        store.rebuild_index()


def _folder_problem(folder: Path, exc: OSError) -> str:
    """Why a store's folder cannot be made. mkdir says "File exists" when a part of the path is
    a file, which reads as if the store were there: name that file instead."""
    if folder.exists() and not folder.is_dir():
        return f"{folder} is a file"
    return exc.strerror or str(exc)


_RECOVER = (
    "the file is damaged: keep a copy (cp {db} {db}.damaged), then restore a backup, or recover "
    "what SQLite can read (sqlite3 {db} .recover | sqlite3 recovered.db), or re-ingest your "
    "transcripts into a new store (podkb ingest --db new.db <folders>)"
)


def _check_schema(health: StoreHealth, conn: sqlite3.Connection) -> bool:
    path = health.location
    try:
        tables = {
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
        }
    except sqlite3.DatabaseError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise
        health.failed("store", f"not a readable SQLite database ({exc})", _RECOVER.format(db=path))
        return False
    if "meta" not in tables:
        health.failed(
            "schema",
            "not a podkb store (no meta table)",
            "point --db at a podkb store; podkb never writes into other databases",
        )
        return False
    row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    try:
        version = int(row[0]) if row else None
    except ValueError:
        version = None
    health.schema_version = version
    health.migratable = version is not None and 1 <= version < SCHEMA_VERSION
    if version != SCHEMA_VERSION:
        if version is not None and version > SCHEMA_VERSION:
            advice = "upgrade podkb to read this store"
        elif version is not None and version >= 1:
            advice = "podkb migrates it when it next opens it; podkb doctor --repair does it now"
        else:
            advice = (
                "re-ingest your transcripts into a new store (podkb ingest --db new.db <folders>)"
            )
        health.failed(
            "schema", f"schema version {version}, this podkb reads {SCHEMA_VERSION}", advice
        )
        return False
    missing = {"episodes", "turns", "turn_index", "speaker_labels"} - tables
    if missing:
        health.failed(
            "schema",
            f"missing tables: {', '.join(sorted(missing))}",
            _RECOVER.format(db=path),
        )
        return False
    health.passed("schema", f"version {version}")
    return True


def _check_integrity(health: StoreHealth, conn: sqlite3.Connection) -> bool:
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check(20)")]
        fk = conn.execute("PRAGMA foreign_key_check").fetchall()
    except sqlite3.DatabaseError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise
        rows, fk = [str(exc)], []
    if rows != ["ok"]:
        health.failed("integrity", "; ".join(rows[:5]), _RECOVER.format(db=health.location))
    elif fk:
        health.failed(
            "integrity",
            f"{len(fk)} rows point at missing rows (foreign keys)",
            _RECOVER.format(db=health.location),
        )
    else:
        health.passed("integrity", "SQLite integrity check: ok")
    return rows == ["ok"]


def _check_index(health: StoreHealth, conn: sqlite3.Connection) -> None:

    def one(sql: str) -> int:
        return int(conn.execute(sql).fetchone()[0])

    reindex = "rebuild the search index from the turns: podkb doctor --repair"
    counts = {
        "episodes": one("SELECT count(*) FROM episodes"),
        "turns": one("SELECT count(*) FROM turns"),
        "speakers": one("SELECT count(DISTINCT speaker) FROM turns WHERE speaker IS NOT NULL"),
    }
    health.counts = counts
    try:
        counts["indexed_turns"] = one("SELECT count(*) FROM turn_index")
    except sqlite3.DatabaseError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise
        health.failed("fts", f"full-text index unreadable ({exc})", reindex)
        return
    try:
        # FTS5's own check: the index matches the text the table stores.
        conn.execute("INSERT INTO turn_index(turn_index) VALUES('integrity-check')")
        health.passed("fts", "full-text index integrity check: ok")
    except sqlite3.DatabaseError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise
        if "readonly" in str(exc):
            # FTS5 runs its check as a write; the checks below still compare index and turns.
            health.passed("fts", "full-text index integrity check: skipped, the store is read-only")
        else:
            health.failed("fts", f"full-text index damaged ({exc})", reindex)
    unindexed = one("SELECT count(*) FROM turns WHERE id NOT IN (SELECT rowid FROM turn_index)")
    stale = one("SELECT count(*) FROM turn_index WHERE rowid NOT IN (SELECT id FROM turns)")
    if unindexed or stale:
        health.failed(
            "index",
            f"{unindexed} turns missing from the search index, {stale} index rows "
            "for turns that no longer exist",
            reindex,
        )
    else:
        health.passed("index", f"{counts['indexed_turns']} of {counts['turns']} turns indexed")
    wrong = one(
        "SELECT count(*) FROM episodes e"
        " WHERE e.turns != (SELECT count(*) FROM turns t WHERE t.episode_id = e.episode_id)"
    )
    orphans = one(
        "SELECT count(*) FROM turns WHERE episode_id NOT IN (SELECT episode_id FROM episodes)"
    )
    if wrong or orphans:
        health.failed(
            "episodes",
            f"{wrong} episodes with a wrong turn count, {orphans} turns of no episode",
            reindex if not orphans else _RECOVER.format(db=health.location),
        )
    else:
        health.passed("episodes", f"{counts['episodes']} episodes, turn counts match")
    # What lookups read instead of scanning turns: the turn count and the speaker labels.
    stored = conn.execute("SELECT value FROM meta WHERE key='turn_count'").fetchone()
    labels_off = one(
        "SELECT count(*) FROM (SELECT speaker, speaker_label AS label, count(*) AS n FROM turns"
        " WHERE speaker IS NOT NULL GROUP BY speaker, speaker_label"
        " EXCEPT SELECT speaker, label, turns FROM speaker_labels)"
    ) + one(
        "SELECT count(*) FROM (SELECT speaker, label, turns FROM speaker_labels EXCEPT"
        " SELECT speaker, speaker_label, count(*) FROM turns WHERE speaker IS NOT NULL"
        " GROUP BY speaker, speaker_label)"
    )
    count_off = stored is not None and str(stored[0]) != str(counts["turns"])
    if labels_off or count_off:
        detail = f"{labels_off} speaker label summaries out of date" + (
            f", turn count {stored[0]} for {counts['turns']} turns" if count_off else ""
        )
        health.failed("summaries", detail, reindex)
    else:
        health.passed("summaries", "speaker labels and turn count match the turns")
    _check_impacts(health, conn, reindex)


def _check_impacts(health: StoreHealth, conn: sqlite3.Connection, reindex: str) -> None:
    """The impact lists against the turns: a few counts, not a rebuild."""
    found = impacts.problems(conn)
    if found:
        health.failed("impacts", "; ".join(found), reindex)
    elif impacts.is_built(conn):
        listed = int(conn.execute("SELECT count(*) FROM impact_terms").fetchone()[0])
        health.passed("impacts", f"{listed} impact lists, consistent with the turns")
