"""The server store: the same knowledge base in a PostgreSQL database (`--db postgresql://...`).

This module is the only place that knows PostgreSQL (the lookups both SQL engines write alike
are in `common.py`). It keeps the tables of the SQLite store
(episodes, turns, speaker labels, a schema version in `meta`) and indexes each turn with the
tokens of podkb's own analyzer (`text.index_terms`: folding, CJK bigrams and single
characters), written as `tsvector` values with positions and searched through GIN indexes, so
both engines find the same turns for the same query. PostgreSQL's parser never sees the text.

Ranking is FTS5's BM25 reproduced term for term (k1 = 1.2, b = 0.75, the same column weights
and the same document lengths), so scores and order agree with SQLite's: the document
frequency of a word comes from `term_docs` (plus the not yet folded `term_deltas` that each
ingest appends, so concurrent writers never update the same row), a phrase's from the index.

Many writers: each `ingest` is one transaction, each file one savepoint in it; a transaction-level
advisory lock per source path and per episode id makes replacing an episode atomic when two
machines ingest the same file. Readers never wait (MVCC).
"""

from __future__ import annotations

import json
import math
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import StoreBusyError, StoreError
from ..text import cjk_bigrams, index_terms, is_cjk, stems_of
from . import pg_impacts
from .base import TurnQuery
from .common import (
    FEED_TABLES,
    Dialect,
    SQLStore,
    busy_timeout,
    hit_record,
    redact,
    times_json,
    token_key,
    translated,
    turn_columns_sql,
    turn_filters,
    turn_values,
)
from .migrations import POSTGRES_STEPS
from .records import MatchCount, NamedSpeaker, StoreHealth, TermCount, TurnHit
from .url import ServerURL, parse_server_url

if TYPE_CHECKING:
    import psycopg

    from ..models import Turn
    from ..query import Clause, Term

SCHEMA_VERSION = 6
# FTS5's BM25 constants and podkb's column weights (body, uni, chapter; filters never score).
K1 = 1.2
B = 0.75
WEIGHTS = {"body": 1.0, "uni": 1.0, "chapter": 0.3, "stems": 0.5}
# tsvector limits: a position above 16383 is stored as 16383, a lexeme is at most 2046 bytes.
_MAX_POS = 16383
_MAX_LEXEME_BYTES = 2046
_INSTALL_HINT = "PostgreSQL stores need the psycopg driver: pip install 'podkb[postgres]'"

_SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS episodes (
    episode_id text PRIMARY KEY,
    show text, title text, date text, lang text,
    hosts text NOT NULL, guests text NOT NULL,
    description text,
    source text NOT NULL, source_path text, source_sha256 text, format text,
    turns integer NOT NULL, chapters text NOT NULL,
    ingested_at text NOT NULL,
    tokens bigint NOT NULL DEFAULT 0,
    inputs_sha256 text, source_stat text,
    audio_url text, link text, duration double precision
);
CREATE INDEX IF NOT EXISTS episodes_source_path ON episodes (source_path);
CREATE TABLE IF NOT EXISTS turns (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    episode_id text NOT NULL REFERENCES episodes (episode_id) ON DELETE CASCADE,
    turn integer NOT NULL,
    speaker text, speaker_label text, role text NOT NULL,
    text text NOT NULL, lang text NOT NULL,
    start double precision, "end" double precision, chapter text,
    source text NOT NULL, line integer NOT NULL,
    words integer NOT NULL,
    speaker_key text NOT NULL,
    body tsvector NOT NULL, uni tsvector NOT NULL, chapter_terms tsvector NOT NULL,
    tokens integer NOT NULL,
    stems tsvector NOT NULL DEFAULT ''::tsvector, times text,
    UNIQUE (episode_id, turn)
);
CREATE INDEX IF NOT EXISTS turns_body ON turns USING gin (body);
CREATE INDEX IF NOT EXISTS turns_uni ON turns USING gin (uni);
CREATE INDEX IF NOT EXISTS turns_chapter_terms ON turns USING gin (chapter_terms);
CREATE INDEX IF NOT EXISTS turns_stems ON turns USING gin (stems);
CREATE INDEX IF NOT EXISTS turns_speaker_key ON turns (speaker_key, id);
CREATE INDEX IF NOT EXISTS turns_speaker ON turns (speaker, speaker_label);
CREATE TABLE IF NOT EXISTS speaker_labels (
    speaker text NOT NULL, label text, turns bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS speaker_names (
    source text NOT NULL, label text NOT NULL, name text NOT NULL, role text NOT NULL,
    PRIMARY KEY (source, label)
);
CREATE TABLE IF NOT EXISTS term_docs (term text PRIMARY KEY, docs bigint NOT NULL);
CREATE TABLE IF NOT EXISTS term_deltas (term text NOT NULL, docs bigint NOT NULL);
-- Every query reads a word's pending deltas: by index, never by a scan of rows a fold deleted.
CREATE INDEX IF NOT EXISTS term_deltas_term ON term_deltas (term);
"""
    + FEED_TABLES
    + ";"
    + pg_impacts.SCHEMA
)
# Columns of `turns` as documented in the schema (DDL comments are kept in the catalog).
_COMMENTS = {
    "turns.speaker_key": "token_key(speaker): the --speaker filter, as SQLite's FTS5 column",
    "turns.body": "podkb analyzer tokens of the text (words, CJK bigrams) with positions",
    "turns.uni": "every CJK character of the text, for one-character queries",
    "turns.chapter_terms": "analyzer tokens of the chapter title (topic filters, weight 0.3)",
    "turns.stems": "Snowball stems of the body words whose stem differs (weight 0.5)",
    "turns.times": "JSON [[character offset, seconds], ...]: where timed pieces start",
    "turns.tokens": "BM25 document length: tokens in body, uni, chapter, plus speaker and episode",
    "episodes.tokens": "sum of its turns' tokens: BM25's average document length",
    "speaker_names.source": "real path of the source file whose labels a user named",
    "term_docs.docs": "turns whose body holds the term (folded from term_deltas by ingest)",
    **pg_impacts.COMMENTS,
}

# Lock keys: one namespace for source paths and episode ids, one for summary refreshes.
_LOCK_ITEM = 0x706B
_LOCK_SUMMARIES = 0x706B_0001


def _driver() -> Any:
    try:
        import psycopg
    except ImportError:
        raise StoreError(_INSTALL_HINT) from None
    return psycopg


# How long podkb waits for a server to accept a connection, and for one statement to finish
# ($PODKB_PG_CONNECT_TIMEOUT, $PODKB_PG_STATEMENT_TIMEOUT seconds; 0: no limit). The slowest
# statement measured is a word in 1% of 10M turns (13 s) and a summary refresh after a large
# ingest; ten minutes leaves room for those, and ends a statement stuck on a lock or a server.
CONNECT_TIMEOUT_S = 10
STATEMENT_TIMEOUT_S = 600


def _seconds(variable: str, default: float) -> float:
    try:
        return max(0.0, float(os.environ.get(variable, default)))
    except ValueError:
        return default


def connect_timeout() -> int:
    # libpq takes whole seconds, and 1 for anything less than 2 (0 is no limit).
    return int(_seconds("PODKB_PG_CONNECT_TIMEOUT", CONNECT_TIMEOUT_S))


def statement_timeout() -> float:
    return _seconds("PODKB_PG_STATEMENT_TIMEOUT", STATEMENT_TIMEOUT_S)


def _first_line(exc: Exception, server: ServerURL | None) -> str:
    """The driver's message, first line, with every secret of the URL hidden."""
    text = str(exc).strip()
    first = text.splitlines()[0] if text else type(exc).__name__
    return server.scrub(first) if server is not None else first


def server_error(
    exc: Exception, location: str | None = None, server: ServerURL | None = None
) -> StoreError:
    """The typed error for a server failure: busy (lock wait, deadlock), unreachable, or as said."""
    state = getattr(exc, "sqlstate", None) or ""
    first = _first_line(exc, server)
    if state == "57014" and "statement timeout" in first:
        return StoreError(
            f"the server did not finish a statement within {statement_timeout():g} s "
            "($PODKB_PG_STATEMENT_TIMEOUT seconds, 0 for no limit); is it overloaded, or is a "
            "table locked by another session?",
            path=location,
        )
    if state in ("55P03", "40P01", "40001"):  # lock timeout, deadlock, serialization failure
        return StoreBusyError(
            "store busy: another podkb process holds what this one needs; try again",
            path=location,
        )
    if state.startswith("08") or state == "" and "connection" in first:
        return StoreError(
            f"cannot reach the server ({first}); check the URL, the server and ~/.pgpass",
            path=location,
        )
    return StoreError(f"store error: {first}", path=location)


# --- the analyzer's tokens as tsvector and tsquery values --------------------------------------


def tsvector_literal(tokens: Sequence[str]) -> str:
    """`'lexeme':1,4 ...` with 1-based positions: what PostgreSQL stores, without its parser."""
    positions: dict[str, list[str]] = {}
    for i, tok in enumerate(tokens[:_MAX_POS], start=1):
        where = positions.get(tok)
        if where is None:
            positions[tok] = [str(i)]
        elif len(where) < 256:  # PostgreSQL keeps at most 256 positions of a lexeme
            where.append(str(i))
    for tok in tokens[_MAX_POS:]:  # beyond the last position PostgreSQL counts: all at it
        where = positions.setdefault(tok, [])
        if len(where) < 256 and (not where or where[-1] != str(_MAX_POS)):
            where.append(str(_MAX_POS))
    return " ".join(
        f"{_quote(lexeme)}:{','.join(where)}"
        for lexeme, where in positions.items()
        if _indexable(lexeme)
    )


def _indexable(lexeme: str) -> bool:
    """PostgreSQL refuses a lexeme over 2046 bytes; no query can name such a word either."""
    return len(lexeme) * 4 <= _MAX_LEXEME_BYTES or len(lexeme.encode()) <= _MAX_LEXEME_BYTES


def _quote(lexeme: str) -> str:
    if "'" in lexeme or "\\" in lexeme:
        lexeme = lexeme.replace("\\", "\\\\").replace("'", "''")
    return f"'{lexeme}'"


@dataclass(frozen=True)
class Phrase:
    """One phrase of a query, as FTS5 counts them: tokens in order in one column."""

    column: str  # body, uni or chapter
    tokens: tuple[str, ...]
    prefix: bool = False

    def tsquery(self) -> str:
        parts = [_quote(t) for t in self.tokens]
        if self.prefix:
            parts[-1] += ":*"
        return " <-> ".join(parts)

    def count_at(self, positions: dict[str, list[int]]) -> int:
        """Occurrences of the phrase from its tokens' positions in one turn's column."""
        *head, last = self.tokens
        if self.prefix:
            ends = {
                p for lexeme, where in positions.items() if lexeme.startswith(last) for p in where
            }
        else:
            ends = set(positions.get(last, ()))
        if not head:
            return len(ends)
        n = len(self.tokens)
        middle = [set(positions.get(t, ())) for t in head[1:]]
        return sum(
            1
            for p in positions.get(head[0], ())
            if p + n - 1 in ends and all(p + j in m for j, m in enumerate(middle, start=1))
        )

    def like_pattern(self, token: str, *, last: bool) -> str:
        escaped = token.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return escaped + "%" if last and self.prefix else escaped


_SQL_COLUMN = {"body": "t.body", "uni": "t.uni", "chapter": "t.chapter_terms", "stems": "t.stems"}


def term_phrases(term: Term, column: str = "body") -> list[Phrase]:
    """A term as the phrases any of which matches it (the same alternatives FTS5 is given)."""
    words = term.words
    if len(words) == 1 and is_cjk(words[0]) and len(words[0]) == 1:
        return [Phrase("uni" if column == "body" else column, (words[0],))]
    tokens: list[str] = []
    for w in words:
        tokens.extend(cjk_bigrams(w) if is_cjk(w) else [w])
    phrases = [Phrase(column, tuple(tokens), term.prefix and not is_cjk(tokens[-1]))]
    stemmed = term.stemmed if column == "body" else None
    if stemmed is not None:
        # Other forms of the word, as the SQLite backend matches them (see its fts_term).
        phrases.append(Phrase("stems", (stemmed,)))
        if stemmed != words[0]:
            phrases.append(Phrase(column, (stemmed,)))
    joined = term.joined_form()
    if joined is not None:
        phrases.append(Phrase(column, (joined,)))
    return phrases


class _Compiled:
    """A TurnQuery as SQL conditions on `turns t`, and the phrases BM25 scores."""

    def __init__(self, query: TurnQuery) -> None:
        self.where: list[str] = []
        self.args: list[Any] = []
        self.phrases: list[Phrase] = []
        for clause in query.all_of:
            self.where.append(self._clause(clause, score=True))
        if query.speaker:
            self.where.append("t.speaker_key = %s")
            self.args.append(token_key(query.speaker))
        if query.topic_terms:
            parts = [self._term(t, "body", score=True) for t in query.topic_terms]
            parts += [self._term(t, "chapter", score=True) for t in query.topic_terms if t.words]
            self.where.append("(" + " OR ".join(parts) + ")")
        where, args = turn_filters(query, PostgresStore.dialect)
        self.where.extend(where)
        self.args.extend(args)
        if query.episode_ids is not None:
            self.where.append("t.episode_id = ANY(%s)")
            self.args.append(list(query.episode_ids))
        if query.none_of:
            excluded = " OR ".join(self._clause(c, score=False) for c in query.none_of)
            self.where.append(f"NOT ({excluded})")

    def _clause(self, clause: Clause, *, score: bool) -> str:
        return "(" + " OR ".join(self._term(t, "body", score=score) for t in clause.terms) + ")"

    def _term(self, term: Term, column: str, *, score: bool) -> str:
        conditions = []
        for phrase in term_phrases(term, column):
            if not all(_indexable(token) for token in phrase.tokens):
                # PostgreSQL indexes no lexeme that long (and refuses it in a tsquery): no turn
                # holds the phrase, as SQLite finds none.
                conditions.append("FALSE")
                continue
            if score:
                self.phrases.append(phrase)
            conditions.append(f"{_SQL_COLUMN[phrase.column]} @@ %s::tsquery")
            self.args.append(phrase.tsquery())
        return "(" + " OR ".join(conditions) + ")"

    def sql_where(self) -> str:
        return " AND ".join(self.where) if self.where else "TRUE"


def _tokens_of(text: str, chapter: str | None) -> dict[str, list[str]]:
    body, uni = index_terms(text)
    return {
        "body": body,
        "uni": uni,
        "chapter": index_terms(chapter)[0] if chapter else [],
        "stems": stems_of(body),
    }


# --- the store -------------------------------------------------------------------------------------


class PostgresStore(SQLStore):
    """A podkb knowledge base in a PostgreSQL database."""

    # Text ordered by code point, as SQLite orders it, whatever the database's locale.
    dialect = Dialect(param="%s", bytewise=' COLLATE "C"', arrays=True)
    # Each file in its own transaction: its advisory locks (path, episode id) are the only
    # ones a writer holds, so two ingests of the same files in opposite orders never deadlock.
    files_per_transaction = 1
    text_analyzer = None

    def __init__(self, url: str, *, create: bool = True, read_only: bool = False) -> None:
        driver = _driver()
        create = create and not read_only
        self.url = url
        self._server = parse_server_url(url)  # parsed once: every message shows it redacted
        self._location = self._server.shown
        # The URL's own connect_timeout, or `options=-c statement_timeout=...`, wins.
        given = {} if "connect_timeout" in url else {"connect_timeout": connect_timeout()}
        try:
            self.conn: psycopg.Connection[Any] = driver.connect(
                url, autocommit=True, application_name="podkb", **given
            )
        except driver.Error as exc:
            raise _connect_error(exc, self._location, self._server) from None
        try:
            # A writer waits this long for another's lock before "store busy" (like SQLite's).
            self.conn.execute(f"SET lock_timeout = {int(busy_timeout() * 1000)}")
            if "statement_timeout" not in url:
                self.conn.execute(f"SET statement_timeout = {int(statement_timeout() * 1000)}")
            if read_only:
                # The server refuses every write of this session, whatever podkb asks for.
                self.conn.execute("SET default_transaction_read_only = on")
            self._init_schema(create=create)
        except driver.Error as exc:
            self.conn.close()
            raise server_error(exc, self._location, self._server) from None
        except BaseException:
            self.conn.close()
            raise

    @property
    def location(self) -> str:
        return self._location

    def driver_error(self, exc: Exception) -> StoreError | None:
        return (
            server_error(exc, self._location, self._server)
            if isinstance(exc, _driver().Error)
            else None
        )

    # --- schema ---------------------------------------------------------------------------

    def _init_schema(self, *, create: bool) -> None:
        version = self._schema_version()
        if version is None:
            if not create:
                raise StoreError(
                    f"no knowledge base in {self._location}; run `podkb ingest seeds/ --db URL` first"
                )
            # Two first ingests at once: one creates the schema, the other waits and sees it.
            # The lock is taken before the transaction that looks again, not inside it: a
            # transaction begun before the other one's commit may still find no `meta` table
            # (the server's catalog cache is refreshed when a transaction starts).
            self.conn.execute("SELECT pg_advisory_lock(%s)", (_LOCK_SUMMARIES,))
            try:
                with self.conn.transaction():
                    if self._schema_version() is None:
                        self._create_schema()
            finally:
                self.conn.execute("SELECT pg_advisory_unlock(%s)", (_LOCK_SUMMARIES,))
        elif version > SCHEMA_VERSION:
            raise NewerSchemaError(
                f"written by a newer podkb (schema {version}, this one reads {SCHEMA_VERSION}); "
                "upgrade podkb",
                path=self._location,
            )
        elif version < SCHEMA_VERSION:
            self._migrate(version)

    def _create_schema(self) -> None:
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                self.conn.execute(statement)
        for column, comment in _COMMENTS.items():
            self.conn.execute(f"COMMENT ON COLUMN {column} IS {_sql_string(comment)}")
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES ('schema_version', %s)", (str(SCHEMA_VERSION),)
        )

    def _migrate(self, version: int) -> None:
        """Bring an older schema up to SCHEMA_VERSION in one transaction, step by step."""
        with self.conn.transaction():
            # The lists' lock first, as a writer takes it before the summaries' lock.
            self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (pg_impacts.LOCK_IMPACTS,))
            self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_SUMMARIES,))
            # Another podkb may have migrated it while this one waited for the lock.
            self.migrate(self._schema_version() or version, POSTGRES_STEPS, SCHEMA_VERSION)
            if pg_impacts.needs_build(self.conn, self.turn_count()):
                pg_impacts.build(self.conn)

    def columns_of(self, table: str) -> set[str]:
        rows = self.conn.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = %s",
            (table,),
        )
        return {r[0] for r in rows}

    def _schema_version(self) -> int | None:
        row = self.conn.execute("SELECT to_regclass('meta') IS NOT NULL").fetchone()
        if not row or not row[0]:
            return None
        return self._version_in_meta()

    # --- transactions ---------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One server transaction: all or nothing. Other writers run at the same time."""
        psycopg = _driver()
        try:
            with self.conn.transaction():
                yield
        except psycopg.Error as exc:
            raise server_error(exc, self._location, self._server) from None

    @contextmanager
    def savepoint(self, name: str = "item") -> Iterator[None]:
        with self.conn.transaction(savepoint_name=name):
            yield

    # --- writes (call inside transaction()) -------------------------------------------------

    def _lock(self, key: str) -> None:
        self.conn.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (_LOCK_ITEM, key))

    def after_writes(self) -> None:
        """Document frequencies and speaker labels are folded in once, after the writes; the
        impact lists are built once the store is big enough (unless another writer is busy:
        then a later ingest builds them, and meanwhile every query is scored in full)."""
        self.refresh_summaries()
        if pg_impacts.needs_build(self.conn, self.turn_count()):
            with self.conn.transaction():
                pg_impacts.build(self.conn, wait=False)

    @translated
    def delete_episode(self, episode_id: str) -> bool:
        pg_impacts.hold_for_writing(self.conn)
        pg_impacts.remove_episode(self.conn, episode_id)
        # The episode's words leave the document frequencies as a delta: no shared row is touched.
        self.conn.execute(
            "INSERT INTO term_deltas(term, docs) SELECT u.lexeme, -count(*) FROM turns t,"
            " unnest(t.body) u WHERE t.episode_id = %s GROUP BY u.lexeme",
            (episode_id,),
        )
        deleted = self.conn.execute("DELETE FROM episodes WHERE episode_id=%s", (episode_id,))
        return bool(deleted.rowcount)

    def _lock_episode(self, episode_id: str, source_path: str | None) -> None:
        """Locks in one order (path, then id), held to the end of the transaction: two machines
        ingesting the same file replace the episode one after the other, never half each."""
        if source_path:
            self._lock("path:" + source_path)
        self._lock("episode:" + episode_id)

    def _put_turns(
        self, episode_id: str, turns: Iterable[Turn], analyzed: Mapping[str, Any] | None = None
    ) -> int:
        """The turns with their analyzer tokens as tsvectors and BM25 lengths, the episode's
        words as term deltas (no row shared with other writers), copied in batches."""
        chapters: dict[str, list[str]] = {}
        doc_freq: Counter[str] = Counter()  # this episode's turns holding each word
        rows: list[tuple[Any, ...]] = []
        count = 0
        tokens_total = 0
        for t in turns:
            body, uni = index_terms(t.text)
            stems = stems_of(body)
            doc_freq.update(w for w in set(body) if _indexable(w))
            if t.chapter and t.chapter not in chapters:
                chapters[t.chapter] = index_terms(t.chapter)[0]
            chapter = chapters[t.chapter] if t.chapter else []
            # + speaker and episode tokens, as FTS5 counts every column of the row
            tokens = len(body) + len(uni) + len(chapter) + len(stems) + 2
            rows.append(
                (
                    *turn_values(t),
                    token_key(t.speaker),
                    tsvector_literal(body),
                    tsvector_literal(uni),
                    tsvector_literal(chapter),
                    tokens,
                    tsvector_literal(stems),
                    times_json(t),
                )
            )
            count += 1
            tokens_total += tokens
            if len(rows) >= 1000:  # bounded memory: a huge episode streams in batches
                self._insert_turns(rows)
        self._insert_turns(rows)
        self._copy("term_deltas (term, docs)", doc_freq.items())
        self.conn.execute(
            "UPDATE episodes SET turns=%s, tokens=%s WHERE episode_id=%s",
            (count, tokens_total, episode_id),
        )
        pg_impacts.add_episode(self.conn, episode_id)
        return count

    def _insert_turns(self, rows: list[tuple[Any, ...]]) -> None:
        self._copy(
            'turns (episode_id, turn, speaker, speaker_label, role, text, lang, start, "end",'
            " chapter, source, line, words, speaker_key, body, uni, chapter_terms, tokens,"
            " stems, times)",
            rows,
        )
        rows.clear()

    def _copy(self, table: str, rows: Iterable[Sequence[Any]]) -> None:
        """COPY, not INSERT: one stream for many rows, several times faster on a server."""
        with self.conn.cursor() as cur, cur.copy(f"COPY {table} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    @translated
    def refresh_summaries(self) -> None:
        """Fold the term deltas into term_docs and recount speaker labels.

        One refresh at a time (an advisory lock), at the end of an ingest: this is the only
        write to rows that every writer shares, so writers never wait on each other before it.
        """
        with self.conn.transaction():
            self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_SUMMARIES,))
            self._fold_term_deltas()
            if pg_impacts.tables_exist(self.conn):
                pg_impacts.fold_rest(self.conn)
            self.conn.execute("DELETE FROM speaker_labels")
            self.conn.execute(
                "INSERT INTO speaker_labels(speaker, label, turns) SELECT speaker, speaker_label,"
                " count(*) FROM turns WHERE speaker IS NOT NULL GROUP BY speaker, speaker_label"
            )

    def _fold_term_deltas(self) -> None:
        # Rows are taken and deleted in one statement, so a delta that another writer commits
        # meanwhile stays for the next fold; terms in sorted order, so two folds never deadlock.
        self.conn.execute(
            "WITH taken AS (DELETE FROM term_deltas RETURNING term, docs),"
            " summed AS (SELECT term, sum(docs)::bigint AS docs FROM taken GROUP BY term"
            ' ORDER BY term COLLATE "C")'
            " INSERT INTO term_docs(term, docs) SELECT term, docs FROM summed"
            " ON CONFLICT (term) DO UPDATE SET docs = term_docs.docs + excluded.docs"
        )
        # Words in more than a tenth of the turns: counted here, once per ingest, because
        # the search asks for them on every query (a word that left the store stays at 0).
        common = dict(
            self.conn.execute(
                "SELECT term, docs FROM term_docs WHERE docs > (SELECT coalesce(sum(turns), 0)"
                " FROM episodes) / 10"
            ).fetchall()
        )
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES ('common_terms', %s)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (json.dumps(common),),
        )

    @translated
    def rebuild_index(self) -> int:
        """Re-analyze every turn: index columns, document lengths, term counts, summaries, and
        the impact lists."""
        # No writer beside this (the lists' lock before the summaries', as writers take them).
        self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (pg_impacts.LOCK_IMPACTS,))
        n = 0
        updates: list[tuple[Any, ...]] = []
        with self.conn.cursor(name="podkb_rebuild") as cur:
            cur.execute("SELECT id, speaker, text, chapter FROM turns ORDER BY id")
            for rowid, speaker, text, chapter in cur:
                tokens = _tokens_of(text, chapter)
                length = sum(len(v) for v in tokens.values()) + 2
                updates.append(
                    (
                        token_key(speaker),
                        tsvector_literal(tokens["body"]),
                        tsvector_literal(tokens["uni"]),
                        tsvector_literal(tokens["chapter"]),
                        length,
                        tsvector_literal(tokens["stems"]),
                        rowid,
                    )
                )
                n += 1
        with self.conn.cursor() as write:
            write.executemany(
                "UPDATE turns SET speaker_key=%s, body=%s::tsvector, uni=%s::tsvector,"
                " chapter_terms=%s::tsvector, tokens=%s, stems=%s::tsvector WHERE id=%s",
                updates,
            )
        self.conn.execute(
            "UPDATE episodes e SET turns = s.turns, tokens = s.tokens FROM (SELECT"
            " e2.episode_id, count(t.id) AS turns, coalesce(sum(t.tokens), 0) AS tokens"
            " FROM episodes e2 LEFT JOIN turns t ON t.episode_id = e2.episode_id"
            " GROUP BY e2.episode_id) s WHERE s.episode_id = e.episode_id"
        )
        self.conn.execute("DELETE FROM term_deltas")
        self.conn.execute("DELETE FROM term_docs")
        self.conn.execute(
            "INSERT INTO term_docs(term, docs) SELECT u.lexeme, count(*) FROM turns t,"
            " unnest(t.body) u GROUP BY u.lexeme"
        )
        self.refresh_summaries()
        if pg_impacts.tables_exist(self.conn):  # the turns' lengths and terms may have changed
            pg_impacts.clear(self.conn)
            if pg_impacts.needs_build(self.conn, n):
                pg_impacts.build(self.conn)
        return n

    # --- reads ----------------------------------------------------------------------------

    @translated
    def body_terms(
        self, *, more_than: int = 0, starting_with: str | None = None
    ) -> list[TermCount]:
        where = ""
        args_: list[Any] = [more_than]
        if starting_with:
            where = ' WHERE term COLLATE "C" >= %s AND term COLLATE "C" < %s'
            args_ = [starting_with, starting_with + "\U0010ffff", more_than]
        rows = self.conn.execute(
            "SELECT term, sum(docs)::bigint FROM (SELECT term, docs FROM term_docs UNION ALL"
            f" SELECT term, docs FROM term_deltas) d{where} GROUP BY term HAVING sum(docs) > %s",
            args_,
        ).fetchall()
        return [TermCount(r[0], int(r[1])) for r in rows]

    @translated
    def common_terms(self) -> dict[str, int]:
        """Words in more than a tenth of the turns (as of the last ingest's refresh)."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'common_terms'").fetchone()
        return {str(k): int(v) for k, v in json.loads(row[0]).items()} if row else {}

    @translated
    def turn_count(self) -> int:
        row = self.conn.execute("SELECT coalesce(sum(turns), 0) FROM episodes").fetchone()
        return int(row[0]) if row else 0

    # --- search and facets ------------------------------------------------------------------

    @translated
    def search_turns(self, query: TurnQuery) -> list[TurnHit]:
        """The turns the index finds, ranked by FTS5's BM25 computed from the same numbers."""
        if query.episode_ids is not None and not query.episode_ids:
            return []
        compiled = _Compiled(query)
        columns = turn_columns_sql("t") + ", t.times"
        where = compiled.sql_where()
        if not query.ranked or not compiled.phrases:
            rows = self.conn.execute(
                f"SELECT {columns} FROM turns t WHERE {where} ORDER BY t.id LIMIT %s OFFSET %s",
                [*compiled.args, query.limit, query.offset],
            ).fetchall()
            return [hit_record(r, 0.0) for r in rows]
        best = self._top_from_lists(query, compiled, where)
        if best is None:
            candidates = self._candidates(compiled, where)
            if not candidates:
                return []
            scores = self._bm25(compiled.phrases, candidates)
            ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
            best = ranked[query.offset : query.offset + query.limit]
        ids = [rowid for rowid, _ in best]
        by_id = {
            r[-1]: r
            for r in self.conn.execute(
                f"SELECT {columns}, t.id FROM turns t WHERE t.id = ANY(%s)", (ids,)
            )
        }
        return [hit_record(by_id[rowid], score) for rowid, score in best]

    def _top_from_lists(
        self, query: TurnQuery, compiled: _Compiled, where: str
    ) -> list[tuple[int, float]] | None:
        """The best turns from the impact lists (store/pg_impacts.py), scored as below, read in
        one snapshot; None when the lists cannot prove them."""
        phrases = [
            (p.column, p.tokens[0], p.prefix) for p in compiled.phrases if len(p.tokens) == 1
        ]
        if len(phrases) != len(compiled.phrases) or not pg_impacts.answerable(query, phrases):
            return None
        with self._snapshot():
            stats = self._stats(compiled.phrases)

            def score(ids: list[int]) -> dict[int, float]:
                rows = self._candidates(compiled, where, ids)
                return self._scores(compiled.phrases, stats, rows)

            return pg_impacts.top(self.conn, query, phrases, stats, score)

    @contextmanager
    def _snapshot(self) -> Iterator[None]:
        """Reads that see one state of the store (a writer committing between them would leave
        its turns outside the lists read, but inside the counts read after)."""
        psycopg = _driver()
        if self.conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            yield  # inside a transaction already: it has its own view
            return
        self.conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def _candidates(
        self, compiled: _Compiled, where: str, ids: list[int] | None = None
    ) -> list[Any]:
        """Every matching turn (of `ids`, if given): its id, length, and per column the positions
        of the query's tokens (read from the index on the server, so no turn is analyzed again
        here)."""
        patterns: dict[str, set[str]] = {c: set() for c in _SQL_COLUMN}
        for phrase in compiled.phrases:
            for i, token in enumerate(phrase.tokens):
                patterns[phrase.column].add(
                    phrase.like_pattern(token, last=i == len(phrase.tokens) - 1)
                )
        used = [c for c in _SQL_COLUMN if patterns[c]]
        selects = ", ".join(
            f"(SELECT json_object_agg(u.lexeme, u.positions) FROM unnest({_SQL_COLUMN[c]}) u"
            " WHERE u.lexeme LIKE ANY(%s))"
            for c in used
        )
        only = "" if ids is None else " AND t.id = ANY(%s)"
        rows = self.conn.execute(
            f"SELECT t.id, t.tokens, {selects} FROM turns t WHERE {where}{only}",
            [*(sorted(patterns[c]) for c in used), *compiled.args, *([] if ids is None else [ids])],
        ).fetchall()
        return [(r[0], r[1], dict(zip(used, (p or {} for p in r[2:]), strict=True))) for r in rows]

    @translated
    def count_turns(self, query: TurnQuery, at_most: int | None = None) -> int:
        if query.episode_ids is not None and not query.episode_ids:
            return 0
        compiled = _Compiled(query)
        inner = f"SELECT 1 FROM turns t WHERE {compiled.sql_where()}"
        args = list(compiled.args)
        if at_most is not None:
            inner += " LIMIT %s"
            args.append(at_most)
        row = self.conn.execute(f"SELECT count(*) FROM ({inner}) AS matching", args).fetchone()
        return _scalar(row)

    def _bm25(self, phrases: list[Phrase], candidates: list[Any]) -> dict[int, float]:
        return self._scores(phrases, self._stats(phrases), candidates)

    def _stats(self, phrases: list[Phrase]) -> pg_impacts.Stats:
        """The average length and each phrase's turn count and IDF, as BM25 reads them."""
        n_rows, n_tokens = self.conn.execute(
            "SELECT coalesce(sum(turns), 0), coalesce(sum(tokens), 0) FROM episodes"
        ).fetchone() or (0, 0)
        n_rows = int(n_rows)
        avgdl = float(n_tokens) / n_rows if n_rows else 1.0
        idf, counted = [], []
        for phrase in phrases:
            # Each count is its own statement: a writer committing between them can make a
            # phrase's turns outnumber the turns counted, and log() of a negative ratio fails.
            hits = min(self._phrase_docs(phrase), n_rows)
            value = math.log((n_rows - hits + 0.5) / (hits + 0.5))
            idf.append(value if value > 0.0 else 1e-6)
            counted.append(hits)
        return pg_impacts.Stats(avgdl, idf, counted)

    def _scores(
        self, phrases: list[Phrase], stats: pg_impacts.Stats, candidates: list[Any]
    ) -> dict[int, float]:
        """Each candidate's BM25 (FTS5's formula; the lists' bound uses the same `part`)."""
        scores: dict[int, float] = {}
        for rowid, length, positions in candidates:
            score = 0.0
            for phrase, weight in zip(phrases, stats.idfs, strict=True):
                found = positions.get(phrase.column, {})
                freq = phrase.count_at(found) * WEIGHTS[phrase.column] if found else 0.0
                score += weight * pg_impacts.part(freq, float(length), stats.avgdl)
            scores[int(rowid)] = score
        return scores

    def _phrase_docs(self, phrase: Phrase) -> int:
        """Turns holding the phrase in its column (BM25's n(q))."""
        if phrase.column == "body" and len(phrase.tokens) == 1 and not phrase.prefix:
            row = self.conn.execute(
                "SELECT coalesce((SELECT docs FROM term_docs WHERE term = %s), 0)"
                " + coalesce((SELECT sum(docs) FROM term_deltas WHERE term = %s), 0)",
                (phrase.tokens[0], phrase.tokens[0]),
            ).fetchone()
            return _scalar(row)
        column = _SQL_COLUMN[phrase.column]
        row = self.conn.execute(
            f"SELECT count(*) FROM turns t WHERE {column} @@ %s::tsquery", (phrase.tsquery(),)
        ).fetchone()
        return _scalar(row)

    def _named_speakers(self) -> Iterator[NamedSpeaker]:
        for row in self.conn.execute(
            "SELECT speaker, count(*), sum(words), array_agg(DISTINCT role),"
            " array_agg(DISTINCT episode_id) FROM turns WHERE speaker IS NOT NULL"
            ' GROUP BY speaker ORDER BY count(*) DESC, speaker COLLATE "C"'
        ):
            yield NamedSpeaker(*row)

    @translated
    def count_matches(self, terms: Sequence[Term]) -> MatchCount:
        if not terms:
            return MatchCount(0, 0)
        compiled = _Compiled(TurnQuery(topic_terms=tuple(terms)))
        row = self.conn.execute(
            f"SELECT count(*), count(DISTINCT t.episode_id) FROM turns t WHERE {compiled.sql_where()}",
            compiled.args,
        ).fetchone()
        turns, episodes = row if row else (0, 0)
        return MatchCount(int(turns), int(episodes))

    # --- health ---------------------------------------------------------------------------

    def health(self) -> StoreHealth:
        """Schema, index and count checks (read-only), with server-appropriate advice."""
        health = StoreHealth(location=self._location)
        health.schema_version = self._schema_version()
        health.passed("connection", f"connected to {self._location}")
        if health.schema_version != SCHEMA_VERSION:
            health.failed(
                "schema",
                f"schema {health.schema_version}, this podkb reads {SCHEMA_VERSION}",
                "run `podkb doctor --repair --db URL` to migrate it",
            )
            return health
        health.passed("schema", f"version {SCHEMA_VERSION}")
        health.counts = self.counts()
        one = self.conn.execute
        stale = _scalar(
            one(
                "SELECT count(*) FROM episodes e WHERE e.turns <> (SELECT count(*) FROM turns t"
                " WHERE t.episode_id = e.episode_id) OR e.tokens <> (SELECT coalesce(sum(tokens), 0)"
                " FROM turns t WHERE t.episode_id = e.episode_id)"
            ).fetchone()
        )
        # Every word's turn count (folded and pending deltas) against a recount from the index.
        miscounted = _scalar(
            one(
                "SELECT count(*) FROM (SELECT u.lexeme AS term, count(*) AS docs FROM turns t,"
                " unnest(t.body) u GROUP BY 1) a FULL JOIN (SELECT term, sum(docs) AS docs FROM"
                " (SELECT term, docs FROM term_docs UNION ALL SELECT term, docs FROM term_deltas) d"
                " GROUP BY term HAVING sum(docs) <> 0) b USING (term)"
                " WHERE a.docs IS DISTINCT FROM b.docs"
            ).fetchone()
        )
        invalid = [
            r[0]
            for r in one(
                "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                " JOIN pg_class r ON r.oid = i.indrelid WHERE r.relname IN ('turns', 'episodes',"
                " 'term_docs') AND NOT (i.indisvalid AND i.indisready)"
            )
        ]
        if stale or miscounted or invalid:
            health.failed(
                "index",
                f"{stale} episodes with stale counts, {miscounted} words miscounted,"
                f" invalid indexes: {', '.join(invalid) or 'none'}",
                "run `podkb doctor --repair --db URL` to rebuild the index from the turns",
            )
        else:
            health.passed("index", f"{health.counts['turns']} turns indexed, counts agree")
        size = one("SELECT pg_database_size(current_database())").fetchone()
        health.size_bytes = _scalar(size)
        return health


def _scalar(row: Sequence[Any] | None) -> int:
    return int(row[0]) if row and row[0] is not None else 0


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class NewerSchemaError(StoreError):
    """A store a newer podkb wrote: the server answered, and only an upgrade reads it."""


def _connect_error(exc: Exception, location: str, server: ServerURL) -> StoreError:
    first = _first_line(exc, server)
    if "does not exist" in first and "database" in first:
        return StoreError(
            f"{first}; create it first (createdb, or CREATE DATABASE) and grant podkb's user on it",
            path=location,
        )
    if "password" in first or "authentication" in first:
        return StoreError(
            f"{first}; give the password in PGPASSWORD or ~/.pgpass (never printed)",
            path=location,
        )
    return StoreError(
        f"cannot reach the server ({first}); is it running, and is the URL right?", path=location
    )


# --- the backend's module interface (see store/__init__.py) -----------------------------------


def open_store(url: str, *, create: bool = True, read_only: bool = False) -> PostgresStore:
    return PostgresStore(url, create=create, read_only=read_only)


def diagnose(url: str) -> StoreHealth:
    try:
        store = PostgresStore(url, create=False)
    except NewerSchemaError as exc:
        health = StoreHealth(location=redact(url))
        health.failed("schema", exc.message, "upgrade podkb to read this store")
        return health
    except StoreError as exc:
        health = StoreHealth(location=redact(url))
        health.failed(
            "connection",
            exc.message,
            "start the server or fix the URL; `podkb ingest --db URL` creates the schema",
        )
        return health
    with store:
        try:
            return store.health()
        except Exception as exc:
            psycopg = _driver()
            if isinstance(exc, psycopg.Error):
                health = StoreHealth(location=redact(url))
                health.failed(
                    "server",
                    str(server_error(exc, server=parse_server_url(url))),
                    "check the server's log; then run doctor again",
                )
                return health
            raise


def repair(url: str) -> None:
    """Migrate (on open) and re-analyze every turn, in one transaction."""
    with PostgresStore(url, create=False) as store, store.transaction():
        store.rebuild_index()
