"""The embedded store: one SQLite file with episodes, turns and a full-text index.

Every write is one transaction, so an ingest lands whole or not at all (SQLite's journal keeps
this true across a killed process). The schema carries a version; a store written by another
version is migrated when podkb knows how, and refused with a message otherwise.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import StoreBusyError, StoreError
from .text import fold, index_fields, word_count

if TYPE_CHECKING:
    from .models import Episode, Turn

SCHEMA_VERSION = 2
# How long a second writer waits for the first before "store busy" ($PODKB_BUSY_TIMEOUT seconds).
BUSY_TIMEOUT_S = 10.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS episodes (
    episode_id TEXT PRIMARY KEY,
    show TEXT, title TEXT, date TEXT, lang TEXT,
    hosts TEXT NOT NULL, guests TEXT NOT NULL,
    description TEXT,
    source TEXT NOT NULL, source_path TEXT, source_sha256 TEXT, format TEXT,
    turns INTEGER NOT NULL, chapters TEXT NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS turns (
    id INTEGER PRIMARY KEY,
    episode_id TEXT NOT NULL REFERENCES episodes(episode_id) ON DELETE CASCADE,
    turn INTEGER NOT NULL,
    speaker TEXT, speaker_label TEXT, role TEXT NOT NULL,
    text TEXT NOT NULL, lang TEXT NOT NULL,
    start REAL, "end" REAL, chapter TEXT,
    source TEXT NOT NULL, line INTEGER NOT NULL,
    words INTEGER NOT NULL DEFAULT 0,
    UNIQUE (episode_id, turn)
);
CREATE INDEX IF NOT EXISTS turns_speaker ON turns(speaker);
-- Every (speaker, label as written) pair, kept by refresh_summaries(): speaker lookups read this,
-- not a million turns.
CREATE TABLE IF NOT EXISTS speaker_labels (
    speaker TEXT NOT NULL, label TEXT, turns INTEGER NOT NULL,
    PRIMARY KEY (speaker, label)
);
-- Full-text index, rowid = turns.id. body: folded words and CJK bigrams, uni: CJK characters,
-- speaker and episode: one token each, for filters written inside MATCH (fast in FTS5).
{turn_index}
"""
_TURN_INDEX = """CREATE VIRTUAL TABLE IF NOT EXISTS turn_index USING fts5(
    body, uni, speaker, episode, chapter,
    tokenize = "unicode61 remove_diacritics 0 tokenchars '_'"
);"""
_SCHEMA = _SCHEMA.replace("{turn_index}", _TURN_INDEX)

TURN_COLUMNS = (
    "episode_id",
    "turn",
    "speaker",
    "speaker_label",
    "role",
    "text",
    "lang",
    "start",
    "end",
    "chapter",
    "source",
    "line",
)


def default_db_path() -> Path:
    env = os.environ.get("PODKB_DB")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("podkb", appauthor=False)) / "podkb.db"


def busy_timeout() -> float:
    try:
        return max(0.0, float(os.environ.get("PODKB_BUSY_TIMEOUT", BUSY_TIMEOUT_S)))
    except ValueError:
        return BUSY_TIMEOUT_S


def token_key(value: str | None) -> str:
    """One FTS token for a name or id: folded, non-word characters as underscores."""
    if not value:
        return "_none_"
    out = "".join(ch if ch.isalnum() else "_" for ch in fold(value))
    return out.strip("_") or "_none_"


class Store:
    """A podkb knowledge base in one SQLite file."""

    def __init__(self, path: str | os.PathLike[str] | None = None, *, create: bool = True) -> None:
        self.path = Path(path) if path is not None else default_db_path()
        if not create and not self.path.exists():
            raise StoreError(
                f"no knowledge base at {self.path}; run `podkb ingest seeds/` first (or pass --db)"
            )
        if create:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                reason = f"cannot create its folder: {exc.strerror or exc}"
                raise StoreError(reason, path=str(self.path)) from None
        try:
            self.conn = sqlite3.connect(self.path, timeout=busy_timeout(), isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the store: {exc}", path=str(self.path)) from None
        self.conn.row_factory = sqlite3.Row
        try:
            self.conn.execute("PRAGMA foreign_keys = ON")
            # The schema is checked first: a file that is not a podkb store, or is one of a
            # newer version, is refused before anything (even its journal mode) is changed.
            self._init_schema()
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
        elif version > SCHEMA_VERSION:
            raise StoreError(
                f"written by a newer podkb (schema {version}, this one reads {SCHEMA_VERSION}); "
                "upgrade podkb",
                path=str(self.path),
            )
        elif version < SCHEMA_VERSION:
            self._migrate(version)

    def _migrate(self, version: int) -> None:
        """Bring an older store up to SCHEMA_VERSION in one transaction, step by step."""
        steps = {1: self._migrate_1_to_2}
        with self.transaction():
            while version < SCHEMA_VERSION:
                step = steps.get(version)
                if step is None:
                    raise StoreError(
                        f"schema {version} cannot be migrated to {SCHEMA_VERSION}; re-ingest into a new store",
                        path=str(self.path),
                    )
                step()
                version += 1
                self.conn.execute(
                    "UPDATE meta SET value=? WHERE key='schema_version'", (str(version),)
                )

    def _migrate_1_to_2(self) -> None:
        columns = {r[1] for r in self.conn.execute("PRAGMA table_info(turns)")}
        if "words" not in columns:
            self.conn.execute("ALTER TABLE turns ADD COLUMN words INTEGER NOT NULL DEFAULT 0")
            from .text import word_count

            for rowid, text in self.conn.execute("SELECT id, text FROM turns").fetchall():
                self.conn.execute("UPDATE turns SET words=? WHERE id=?", (word_count(text), rowid))
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS speaker_labels (speaker TEXT NOT NULL, label TEXT,"
            " turns INTEGER NOT NULL, PRIMARY KEY (speaker, label))"
        )
        self.refresh_summaries()

    def _schema_version(self) -> int | None:
        tables = {
            r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        if not tables:
            return None
        if "meta" not in tables:
            raise StoreError("not a podkb store (no meta table)", path=str(self.path))
        row = self.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        if row is None:
            raise StoreError("not a podkb store (no schema version)", path=str(self.path))
        try:
            return int(row[0])
        except ValueError:
            raise StoreError(f"unreadable schema version {row[0]!r}", path=str(self.path)) from None

    # --- transactions ---------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE ... COMMIT: one writer at a time, all or nothing."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise store_error(exc, self.path) from None
        try:
            yield
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
        if self.conn.in_transaction:  # SQLite may have rolled back already (disk full, I/O error)
            self.conn.execute("ROLLBACK")

    @contextmanager
    def savepoint(self, name: str = "item") -> Iterator[None]:
        """A nested all-or-nothing step inside transaction(): one episode, for example."""
        self.conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute(f"ROLLBACK TO {name}")
                self.conn.execute(f"RELEASE {name}")
            raise
        else:
            self.conn.execute(f"RELEASE {name}")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writes (call inside transaction()) -------------------------------------------------

    def existing_source_of(self, episode_id: str) -> str | None:
        row = self.conn.execute(
            "SELECT source FROM episodes WHERE episode_id=?", (episode_id,)
        ).fetchone()
        return row[0] if row else None

    def delete_episode(self, episode_id: str) -> None:
        ids = [
            r[0]
            for r in self.conn.execute("SELECT id FROM turns WHERE episode_id=?", (episode_id,))
        ]
        self.conn.executemany("DELETE FROM turn_index WHERE rowid=?", ((i,) for i in ids))
        self.conn.execute("DELETE FROM turns WHERE episode_id=?", (episode_id,))
        self.conn.execute("DELETE FROM episodes WHERE episode_id=?", (episode_id,))

    def put_episode(
        self,
        episode: Episode,
        turns: Iterable[Turn],
        *,
        source_path: str | None = None,
        source_sha256: str | None = None,
        fmt: str | None = None,
    ) -> int:
        """Replace the episode (same id) with these turns. Returns the number of turns written."""
        self.delete_episode(episode.episode_id)
        if source_path:
            for (old_id,) in self.conn.execute(
                "SELECT episode_id FROM episodes WHERE source_path=?", (source_path,)
            ).fetchall():
                self.delete_episode(old_id)
        self.conn.execute(
            "INSERT INTO episodes(episode_id, show, title, date, lang, hosts, guests, description, source,"
            " source_path, source_sha256, format, turns, chapters, ingested_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
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
            ),
        )
        episode_token = token_key(episode.episode_id)
        next_id = (self.conn.execute("SELECT max(id) FROM turns").fetchone()[0] or 0) + 1
        chapter_tokens: dict[str, str] = {}
        rows: list[tuple[Any, ...]] = []
        index_rows: list[tuple[Any, ...]] = []
        count = 0
        for t in turns:
            body, uni = index_fields(t.text)
            if t.chapter and t.chapter not in chapter_tokens:
                chapter_tokens[t.chapter] = index_fields(t.chapter)[0]
            rows.append(
                (
                    next_id,
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
                    word_count(t.text),
                )
            )
            index_rows.append(
                (
                    next_id,
                    body,
                    uni,
                    token_key(t.speaker),
                    episode_token,
                    chapter_tokens[t.chapter] if t.chapter else "",
                )
            )
            next_id += 1
            count += 1
            if len(rows) >= 1000:  # bounded memory: a huge episode streams in batches
                self._insert_turns(rows, index_rows)
        self._insert_turns(rows, index_rows)
        self.conn.execute(
            "UPDATE episodes SET turns=? WHERE episode_id=?", (count, episode.episode_id)
        )
        return count

    def _insert_turns(self, rows: list[tuple[Any, ...]], index_rows: list[tuple[Any, ...]]) -> None:
        self.conn.executemany(
            'INSERT INTO turns(id, episode_id, turn, speaker, speaker_label, role, text, lang, start, "end",'
            " chapter, source, line, words) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
        self.conn.executemany(
            "INSERT INTO turn_index(rowid, body, uni, speaker, episode, chapter) VALUES (?,?,?,?,?,?)",
            index_rows,
        )
        rows.clear()
        index_rows.clear()

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
        # Words in more than a tenth of the turns (the search answers those unranked): counted
        # here once, because a vocabulary lookup at query time costs tens of milliseconds.
        total = self.conn.execute("SELECT value FROM meta WHERE key='turn_count'").fetchone()[0]
        common = self.body_terms(more_than=int(total) // 10)
        self.conn.execute(
            "INSERT OR REPLACE INTO meta(key, value) VALUES ('common_terms', ?)",
            (json.dumps(dict(common)),),
        )
        self._common_terms = None

    def rebuild_index(self) -> int:
        """Rebuild the full-text index, turn counts and summaries from the turns (call inside
        transaction()). All of it is derived data, so this loses nothing. Returns turns indexed."""
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
        index_rows: list[tuple[Any, ...]] = []
        for rowid, episode_id, speaker, text, chapter in self.conn.execute(
            "SELECT id, episode_id, speaker, text, chapter FROM turns ORDER BY id"
        ).fetchall():
            body, uni = index_fields(text)
            chapter_token = index_fields(chapter)[0] if chapter else ""
            index_rows.append(
                (rowid, body, uni, token_key(speaker), token_key(episode_id), chapter_token)
            )
            n += 1
        self.conn.executemany(
            "INSERT INTO turn_index(rowid, body, uni, speaker, episode, chapter)"
            " VALUES (?,?,?,?,?,?)",
            index_rows,
        )
        self.conn.execute(
            "UPDATE episodes"
            " SET turns=(SELECT count(*) FROM turns t WHERE t.episode_id=episodes.episode_id)"
        )
        self.refresh_summaries()
        return n

    # --- reads ----------------------------------------------------------------------------

    _common_terms: dict[str, int] | None = None

    def body_terms(self, *, more_than: int = 0) -> list[tuple[str, int]]:
        """Indexed tokens of the text (words and CJK bigrams) in more than `more_than` turns,
        with their turn counts."""
        self.conn.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.podkb_vocab USING fts5vocab(main, turn_index, col)"
        )
        return self.conn.execute(
            "SELECT term, doc FROM temp.podkb_vocab WHERE col = 'body' AND doc > ?", (more_than,)
        ).fetchall()

    def common_terms(self) -> dict[str, int]:
        """Words in more than a tenth of the turns, with their turn counts (as of the last ingest)."""
        if self._common_terms is None:
            row = self.conn.execute("SELECT value FROM meta WHERE key='common_terms'").fetchone()
            self._common_terms = json.loads(row[0]) if row else {}
        return self._common_terms

    def turn_count(self) -> int:
        row = self.conn.execute("SELECT value FROM meta WHERE key='turn_count'").fetchone()
        return int(row[0]) if row else self.conn.execute("SELECT count(*) FROM turns").fetchone()[0]

    def speaker_label_pairs(self) -> list[tuple[str, str | None]]:
        return [
            (r[0], r[1]) for r in self.conn.execute("SELECT speaker, label FROM speaker_labels")
        ]

    def episodes(self) -> list[Episode]:
        from .models import Episode

        rows = self.conn.execute("SELECT * FROM episodes ORDER BY episode_id").fetchall()
        return [Episode.model_validate(_episode_dict(r)) for r in rows]

    def episode(self, episode_id: str) -> Episode | None:
        from .models import Episode

        row = self.conn.execute(
            "SELECT * FROM episodes WHERE episode_id=?", (episode_id,)
        ).fetchone()
        return Episode.model_validate(_episode_dict(row)) if row else None

    def episode_ids(self) -> list[str]:
        return [
            r[0] for r in self.conn.execute("SELECT episode_id FROM episodes ORDER BY episode_id")
        ]

    def iter_turn_rows(
        self, *, episode_id: str | None = None, speakers: list[str] | None = None
    ) -> Iterator[dict[str, Any]]:
        """Turns as plain dicts in episode and turn order (cheap: no model per row)."""
        sql = f"SELECT {turn_columns_sql()} FROM turns"
        where, args = [], []
        if episode_id is not None:
            where.append("episode_id=?")
            args.append(episode_id)
        if speakers is not None:
            where.append(f"speaker IN ({','.join('?' * len(speakers))})")
            args.extend(speakers)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY episode_id, turn"
        for row in self.conn.execute(sql, args):
            yield dict(zip(TURN_COLUMNS, row, strict=True))

    def turns(
        self, *, episode_id: str | None = None, speakers: list[str] | None = None
    ) -> list[Turn]:
        from .models import Turn

        return [
            Turn.model_validate(d)
            for d in self.iter_turn_rows(episode_id=episode_id, speakers=speakers)
        ]

    def speaker_names(self) -> list[str]:
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT DISTINCT speaker FROM speaker_labels ORDER BY speaker"
            )
        ]

    def counts(self) -> dict[str, int]:
        one = self.conn.execute
        return {
            "episodes": one("SELECT count(*) FROM episodes").fetchone()[0],
            "turns": one("SELECT count(*) FROM turns").fetchone()[0],
            "speakers": one(
                "SELECT count(DISTINCT speaker) FROM turns WHERE speaker IS NOT NULL"
            ).fetchone()[0],
        }


def _q(column: str) -> str:
    return '"end"' if column == "end" else column


def turn_columns_sql(table: str = "") -> str:
    """The turn record's columns for a SELECT (`end` is an SQL keyword), optionally qualified."""
    prefix = f"{table}." if table else ""
    return ", ".join(prefix + _q(c) for c in TURN_COLUMNS)


def _episode_dict(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "episode_id": row["episode_id"],
        "show": row["show"],
        "title": row["title"],
        "date": row["date"],
        "lang": row["lang"],
        "hosts": json.loads(row["hosts"]),
        "guests": json.loads(row["guests"]),
        "description": row["description"],
        "source": row["source"],
        "turns": row["turns"],
        "chapters": json.loads(row["chapters"]),
    }


def _exec_script(conn: sqlite3.Connection, script: str) -> None:
    # executescript() would COMMIT the open transaction; run statement by statement instead.
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def store_error(exc: sqlite3.Error, path: Path | None = None) -> StoreError:
    """The typed error for an SQLite failure: busy, damaged, or as SQLite says."""
    msg = str(exc)
    where = str(path) if path is not None else None
    if "locked" in msg or "busy" in msg:
        return StoreBusyError("store busy: another podkb process is writing; try again", path=where)
    if "not a database" in msg or "malformed" in msg:
        return StoreError(f"damaged or not a podkb store ({msg}); run `podkb doctor`", path=where)
    return StoreError(f"store error: {msg}", path=where)
