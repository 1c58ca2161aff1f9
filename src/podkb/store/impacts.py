"""Exact top-k ranking without scoring every match: impact lists beside the FTS5 index.

FTS5's bm25() scores every matching row before the best ten are taken (~4 µs a row: a word in
1% of ten million turns costs ~0.4 s). For every (column, term) in more than LIST_MIN_DF turns,
this module keeps the turns where the term weighs most (its best LIST_LENGTH postings by a
static BM25 impact, its frequency and the turn's length) and, for the term's other turns, the
smallest turn length seen for each frequency. BM25's per-phrase part F(k1+1)/(F+k1(1-b+bD/avgdl))
grows with F and shrinks with D, so whatever the average length has become, no turn outside the
list scores more on that term than the best (frequency, smallest length) pair allows.

A query is then answered from the lists' turns alone, scored exactly (FTS5's formula, in the
same floating-point order, from the index's own statistics and row sizes), when the k-th best
of them scores more than any turn outside every list can (or as much, with a smaller id than
the first turn that can reach it): that proves the answer is the full scoring's, ties (rank,
rowid) included. A turn every phrase's list accounts for is scored from the postings'
frequencies; any other candidate from its text. Otherwise, and for every query shape the
lists do not cover, the caller scores every match as before: answers never change, only
sometimes the time. A prefix is one phrase over its forms: answered from their lists alike.

bm25's nHit for a listed term is its turn count as the writes kept it (impact_terms.doc), not
fts5vocab's, which walks the term's whole doclist (the cost that grows with the store). FTS5
keeps one doclist per token for all columns, so a token listed in body or stems is listed in
the other of the two as well, however rare there (a query word reads its word and its stem in
both): that twin's list holds every turn it is in (at most LIST_MIN_DF), so its count and its
turns are known without the walk.

A build reads each listed term's frequencies from FTS5's own doclists (fts5vocab's instance
table, streamed term by term), so it is exact for every turn. Between builds, exactness rests
on reading each new turn's terms as FTS5 did: its index row (`_index_row`, the same function
that indexes it) is split on the spaces the analyzer joined its terms with. That equals FTS5's
unicode61 tokens for the characters in `_SAFE_TERMS`; a new turn with any other character in
a text column is never left to a bound (it is a candidate of every query, `impact_pending`,
until the next build), and a query token outside that set is not answered here.

Writes keep the lists valid: a new turn joins a term's list when its impact reaches the list's
floor, and otherwise lowers the rest's smallest length for its frequency; a removed turn leaves
the lists (removal only loosens a bound). Lists are built from the index by the schema 8
migration, `podkb doctor --repair`, and after writes once a store of BUILD_MIN_TURNS or more
has none or has doubled since the last build (terms that became frequent since then are read in
full, up to FETCH_MAX turns); a smaller store has none and every query is scored by FTS5.
"""

from __future__ import annotations

import array
import bisect
import functools
import json
import math
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from ..text import SHORT_TEXT, char_class, cjk_bigrams, in_ranges, is_cjk, range_bounds
from .common import token_key

if TYPE_CHECKING:
    from ..query import Term
    from .base import TurnQuery

K1, B = 1.2, 0.75
# bm25()'s column weights (sqlite._BM25): body, uni, speaker, episode, chapter, stems.
COLUMNS = ("body", "uni", "speaker", "episode", "chapter", "stems")
WEIGHTS = {"body": 1.0, "uni": 1.0, "speaker": 0.0, "episode": 0.0, "chapter": 0.3, "stems": 0.5}
# Index-row positions (after the rowid) of the columns that hold lists.
_LISTED = {"body": 1, "uni": 2, "stems": 6}

_READ_TOGETHER = ("body", "stems")  # term_phrases: a word and its stem, in these two columns
LIST_LENGTH = 64  # postings kept per term: enough for a top 10 under most filters
LIST_MIN_DF = 1000  # a term in fewer turns is scored in full: its matches cost ~4 ms at most
FETCH_MAX = 4000  # a phrase without a list whose turns are all read as candidates
MAX_CANDIDATES = 1500  # more than this to score in Python costs more than FTS5 would
MAX_DEPTH = 100  # offset + limit answered here (the lists hold 64 a term)
# Lists are built once a store holds this many turns: below it no term's full scoring costs
# more than a few milliseconds, and a small ingest does not pay for a pass over its turns.
BUILD_MIN_TURNS = 50_000

# Characters FTS5's unicode61 tokenizer (remove_diacritics 0, tokenchars '_') keeps inside a
# token and leaves unchanged, in every SQLite version: lower-case ASCII letters and digits,
# '_', lower-case Latin-1 letters, CJK ideographs, kana and Hangul syllables. A space separates.
_SAFE_RANGES = (
    (0x20, 0x20),  # the space between tokens
    (0x30, 0x39),  # 0-9
    (0x5F, 0x5F),  # _
    (0x61, 0x7A),  # a-z
    (0xDF, 0xF6),
    (0xF8, 0xFF),
    (0x3041, 0x3096),
    (0x30A1, 0x30FA),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7A3),
)
_SAFE_TERMS = f"[{char_class(_SAFE_RANGES)}]*"
_SAFE_BOUNDS = range_bounds(_SAFE_RANGES)
_SAFE_ASCII = re.compile("[a-z0-9_ ]*")  # its ASCII part: most terms, and a cheap compile


@functools.cache
def _safe_terms() -> re.Pattern[str]:
    return re.compile(_SAFE_TERMS)  # ~2.5 ms to compile: for texts, not a query's terms


SCHEMA = """
CREATE TABLE IF NOT EXISTS impact_terms (
    id INTEGER PRIMARY KEY, col TEXT NOT NULL, term TEXT NOT NULL,
    floor REAL NOT NULL, rest TEXT NOT NULL, doc INTEGER, UNIQUE (col, term)
);
CREATE TABLE IF NOT EXISTS impact_postings (
    term_id INTEGER NOT NULL, turn_id INTEGER NOT NULL, tf INTEGER NOT NULL,
    PRIMARY KEY (term_id, turn_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS impact_postings_turn ON impact_postings(turn_id);
CREATE TABLE IF NOT EXISTS impact_pending (turn_id INTEGER PRIMARY KEY);
"""
# impact_terms: one row per listed (column, term); floor: the static impact of the list's last
# posting when built (a new turn at or above it joins the list); rest: JSON {frequency: [the
# smallest turn length among the term's turns outside the list, the first turn of that length]};
# doc: the turns holding the term in the column (bm25's nHit, what fts5vocab counts by walking
# the term's whole doclist: 25 ms for three phrases in 88,000 turns of a 1M store), kept exact
# by every write; NULL when a turn FTS5 may have read otherwise changed it (walk the doclist).
# impact_postings.tf: the term's frequency in the turn's column. impact_pending: turns every
# query scores (characters outside _SAFE_TERMS). meta keys: impacts_avgdl (the average length
# the static impacts use), impacts_turns (the turn count at the last build), impacts_generation.


def is_safe(text: str) -> bool:
    if text.isascii():
        return _SAFE_ASCII.fullmatch(text) is not None
    if len(text) <= SHORT_TEXT:  # a query's term: a character at a time, nothing compiled
        return all(in_ranges(ch, _SAFE_BOUNDS) for ch in text)
    return _safe_terms().fullmatch(text) is not None


def _varints(blob: bytes) -> list[int]:
    """SQLite's variable-length integers (FTS5's averages and docsize records)."""
    out: list[int] = []
    i, n = 0, len(blob)
    while i < n:
        value = 0
        for j in range(9):
            byte = blob[i]
            i += 1
            if j == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        out.append(value)
    return out


def index_totals(conn: sqlite3.Connection) -> tuple[int, int]:
    """FTS5's row count and token count over all columns (its averages record), as bm25 reads them."""
    row = conn.execute("SELECT block FROM turn_index_data WHERE id = 1").fetchone()
    if row is None or not row[0]:
        return 0, 0
    values = _varints(bytes(row[0]))
    return values[0], sum(values[1:])


def row_length(blob: bytes) -> int:
    """A row's tokens over all columns (its docsize record): bm25's D."""
    data = bytes(blob)
    if max(data, default=0) < 0x80:
        return sum(data)  # every column under 128 tokens: each varint is one byte
    return sum(_varints(data))


def idf(n_rows: int, n_hit: int) -> float:
    value = math.log((n_rows - n_hit + 0.5) / (n_hit + 0.5))
    return value if value > 0.0 else 1e-6


def weighted(tf: int, weight: float) -> float:
    """The phrase frequency bm25 sums instance by instance (0.5 + 0.5 + ..., not tf * 0.5)."""
    freq = 0.0
    for _ in range(tf):
        freq += weight
    return freq


def part(freq: float, length: float, avgdl: float) -> float:
    """BM25's per-phrase part, in fts5_aux.c's order of operations."""
    return (freq * (K1 + 1.0)) / (freq + K1 * (1 - B + B * length / avgdl))


def rank_of(freqs: Sequence[float], idfs: Sequence[float], length: float, avgdl: float) -> float:
    """What bm25() returns for a row (lower is better), bit for bit: the same operations in
    the same order as fts5Bm25Function."""
    score = 0.0
    for freq, weight in zip(freqs, idfs, strict=True):
        score += weight * part(freq, length, avgdl)
    return -1.0 * score


def term_phrases(term: Term) -> list[tuple[str, str]] | None:
    """The (column, token) phrases sqlite.fts_term writes for a term, in its order, when each
    is one token; None for a prefix, a phrase of several tokens or a hyphen-joined form."""
    if term.prefix or len(term.words) != 1:
        return None
    word = term.words[0]
    if is_cjk(word):
        if len(word) == 1:
            return [("uni", word)]
        bigrams = cjk_bigrams(word)
        return [("body", bigrams[0])] if len(bigrams) == 1 else None
    phrases = [("body", word)]
    stemmed = term.stemmed
    if stemmed is not None:
        phrases.append(("stems", stemmed))
        if stemmed != word:
            phrases.append(("body", stemmed))
    return phrases


# --- building and keeping the lists -----------------------------------------------------------

IndexRow = Callable[..., tuple[Any, ...]]


def _static_impact(tf: int, length: int, weight: float, avgdl: float) -> float:
    return part(weighted(tf, weight), float(length), avgdl)


def _row_terms(index_row: Sequence[Any]) -> list[tuple[str, Counter[str]]] | None:
    """The listed columns' term frequencies of an index row; None when a column holds a
    character FTS5 might split or fold differently (the turn then stays a candidate)."""
    out = []
    for col, pos in _LISTED.items():
        text = index_row[pos]
        if not text:
            continue
        if not is_safe(text):
            return None
        out.append((col, Counter(text.split())))
    return out


def build(conn: sqlite3.Connection, *, progress: Callable[[int], None] | None = None) -> int:
    """(Re)build every list from the full-text index's own doclists (call inside a transaction):
    each listed term's instances, read term by term through fts5vocab, are its frequencies in
    every turn exactly as FTS5 counted them, so no turn is analyzed again and none is left
    pending. Returns the number of terms listed; `progress` gets the terms done so far."""
    clear(conn)
    n_rows, n_tokens = index_totals(conn)
    avgdl = n_tokens / n_rows if n_rows else 1.0
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.podkb_vocab USING fts5vocab(main, turn_index, col)"
    )
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.podkb_instances"
        " USING fts5vocab(main, turn_index, instance)"
    )
    listed: dict[str, dict[str, tuple[int, int]]] = {}  # term: {column: (term id, turns)}
    for n, (term, col, doc) in enumerate(
        conn.execute(
            "SELECT term, col, doc FROM temp.podkb_vocab WHERE doc > ?"
            " AND col IN ('body', 'uni', 'stems')",
            (LIST_MIN_DF,),
        ),
        start=1,
    ):
        listed.setdefault(term, {})[col] = (n, int(doc))
    next_id = sum(len(columns) for columns in listed.values()) + 1  # after the vocabulary's
    lengths = _row_lengths(conn)
    for done, (term, columns) in enumerate(listed.items(), start=1):
        # A query word reads its word and its stem in both body and stems: a token frequent in
        # one is listed in the other too, however rare there, with every turn that holds it (a
        # complete list, as the query would have read it in full), since counting it from the
        # index walks the token's whole doclist, and reading its turns walks it again.
        spaced = columns.keys() & {*_READ_TOGETHER} and not is_cjk(term)  # CJK has no stems
        beside = [c for c in _READ_TOGETHER if c not in columns] if spaced else []
        pairs = _term_pairs(conn, term, [*columns, *beside], lengths, whole=beside)
        for col in beside:
            columns[col] = (next_id, sum(pairs[col].counts.values()))
            next_id += 1
        for col, (term_id, doc) in columns.items():
            # A whole list has room for more than its turns: its floor stays 0.0, so every new
            # turn joins it and it stays whole.
            keep = doc + 1 if col in beside else LIST_LENGTH
            kept, floor, rest = _best(pairs[col], WEIGHTS[col], avgdl, keep)
            conn.execute(
                "INSERT INTO impact_terms(id, col, term, floor, rest, doc) VALUES (?,?,?,?,?,?)",
                (term_id, col, term, floor, _rest_json(rest), doc),
            )
            conn.executemany(
                "INSERT INTO impact_postings(term_id, turn_id, tf) VALUES (?,?,?)",
                ((term_id, rowid, tf) for rowid, tf in kept),
            )
        if progress:
            progress(done)
    _set_meta(conn, impacts_avgdl=repr(avgdl), impacts_turns=str(n_rows))
    _bump_generation(conn)
    return sum(len(columns) for columns in listed.values())


def _row_lengths(conn: sqlite3.Connection) -> array.array[int]:
    """Every row's length (bm25's D), indexed by rowid: an array, not a dict, so that ten
    million turns cost 40 MB."""
    top = conn.execute("SELECT max(id) FROM turn_index_docsize").fetchone()[0] or 0
    lengths = array.array("I", bytes(4 * (top + 1)))
    for rowid, size in conn.execute("SELECT id, sz FROM turn_index_docsize"):
        lengths[rowid] = row_length(size)
    return lengths


@dataclass
class _Pairs:
    """A term's turns in one column, grouped by (frequency, length), the pair its static impact
    depends on: each pair's first `keep` turns (LIST_LENGTH + 1: enough to fill a list and to
    name the rest's first turn; all of them for a whole list) and how many turns it has. Bounded by the pairs, not the turns: a word in
    nine million turns holds a few thousand pairs."""

    firsts: dict[tuple[int, int], list[int]]
    counts: Counter[tuple[int, int]]

    def add(self, tf: int, length: int, rowid: int, keep: int) -> None:
        key = (tf, length)
        first = self.firsts.get(key)
        self.counts[key] += 1
        if first is None:
            self.firsts[key] = [rowid]
        elif len(first) < keep:
            bisect.insort(first, rowid)  # the doclist is in rowid order: an append
        elif rowid < first[-1]:
            bisect.insort(first, rowid)
            first.pop()


def _term_pairs(
    conn: sqlite3.Connection,
    term: str,
    columns: Iterable[str],
    lengths: array.array[int],
    *,
    whole: Sequence[str] = (),
) -> dict[str, _Pairs]:
    """The term's (frequency, length) pairs in each listed column, from its instances: one row
    per occurrence, in doclist order (turn, column, offset), so a turn's frequency in a column
    is the length of its run of rows. Streamed: the doclist is never held whole. The `whole`
    columns (a token in no more than LIST_MIN_DF turns there) keep every turn."""
    pairs = {col: _Pairs({}, Counter()) for col in columns}
    keeps = {col: LIST_MIN_DF + 1 if col in whole else LIST_LENGTH + 1 for col in pairs}
    rows = conn.execute("SELECT col, doc FROM temp.podkb_instances WHERE term = ?", (term,))
    current: tuple[str, int] | None = None
    tf = 0
    for row in rows:
        if row == current:
            tf += 1
            continue
        if current is not None and current[0] in pairs:
            pairs[current[0]].add(tf, lengths[current[1]], current[1], keeps[current[0]])
        current, tf = row, 1
    if current is not None and current[0] in pairs:
        pairs[current[0]].add(tf, lengths[current[1]], current[1], keeps[current[0]])
    return pairs


def _best(
    pairs: _Pairs, weight: float, avgdl: float, keep: int
) -> tuple[list[tuple[int, int]], float, Rest]:
    """A term's list in one column: the `keep` turns of highest static impact (ties: the
    earlier turn first), the last one's impact (the floor, 0.0 when the list holds every turn)
    and the rest's bound. Each (frequency, length) pair is scored once."""
    by_impact: dict[float, list[tuple[int, int]]] = {}
    for key in pairs.firsts:
        by_impact.setdefault(_static_impact(key[0], key[1], weight, avgdl), []).append(key)
    kept: list[tuple[int, int]] = []
    floor = 0.0
    rest: Rest = {}
    for impact in sorted(by_impact, reverse=True):
        keys = by_impact[impact]
        room = keep - len(kept)
        used: Counter[tuple[int, int]] = Counter()
        if room > 0:
            # Pairs of one impact tie: their turns join the list in id order.
            tied = sorted((rowid, key) for key in keys for rowid in pairs.firsts[key])[:room]
            kept.extend((rowid, key[0]) for rowid, key in tied)
            used.update(key for _, key in tied)
            if len(kept) == keep:
                floor = impact
        for key in keys:
            taken = used[key]
            if taken < pairs.counts[key]:  # the pair's first turn outside the list
                _into_rest(rest, key[0], key[1], pairs.firsts[key][taken])
    return kept, floor, rest


# A term's turns outside its list: {frequency: (the smallest length, the first turn of that
# frequency and length)}. The first turn settles ties: a turn outside the list that scores as much
# as the k-th answer comes after it only when its id is larger.
Rest = dict[int, tuple[int, int]]


def _into_rest(rest: Rest, tf: int, length: int, rowid: int) -> bool:
    """Count a turn among the rest; True when the rest changed (a looser bound or an earlier first turn)."""
    old = rest.get(tf)
    if old is None or length < old[0] or (length == old[0] and rowid < old[1]):
        rest[tf] = (length, rowid)
        return True
    return False


def _rest_json(rest: Rest) -> str:
    return json.dumps({str(tf): list(v) for tf, v in rest.items()})


def _rest_of(text: str) -> Rest:
    return {int(tf): (int(v[0]), int(v[1])) for tf, v in json.loads(text).items()}


def clear(conn: sqlite3.Connection) -> None:
    """No lists: every query is scored by FTS5 until the next build."""
    for table in ("impact_postings", "impact_terms", "impact_pending"):
        conn.execute(f"DELETE FROM {table}")
    conn.execute("DELETE FROM meta WHERE key IN ('impacts_turns', 'impacts_avgdl')")
    _bump_generation(conn)


def _set_meta(conn: sqlite3.Connection, **values: str) -> None:
    conn.executemany("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", list(values.items()))


def _meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return str(row[0]) if row else None


def _bump_generation(conn: sqlite3.Connection) -> None:
    conn.execute(
        "INSERT INTO meta(key, value) VALUES ('impacts_generation', '1') ON CONFLICT(key)"
        " DO UPDATE SET value = CAST(value AS INTEGER) + 1"
    )


def is_built(conn: sqlite3.Connection) -> bool:
    return _meta(conn, "impacts_turns") is not None


def needs_build(conn: sqlite3.Connection, turns: int) -> bool:
    """The store is big enough for lists and has none yet, or has doubled since they were built."""
    if turns < BUILD_MIN_TURNS:
        return False
    built_at = _meta(conn, "impacts_turns")
    return built_at is None or turns > 2 * int(built_at)


@dataclass
class _Listed:
    term_id: int
    floor: float
    rest: Rest


class Lists:
    """The listed terms of one store, read once and kept while no other writer changes them
    (impacts_generation): each batch of new turns is checked against them in memory."""

    def __init__(self) -> None:
        self.generation: str | None = None
        self.avgdl = 1.0
        self.terms: dict[tuple[str, str], _Listed] = {}

    def _load(self, conn: sqlite3.Connection, generation: str | None) -> None:
        self.generation = generation
        self.avgdl = float(_meta(conn, "impacts_avgdl") or 1.0)
        self.terms = {
            (col, term): _Listed(term_id, floor, _rest_of(rest))
            for term_id, col, term, floor, rest in conn.execute(
                "SELECT id, col, term, floor, rest FROM impact_terms"
            )
        }

    def add(self, conn: sqlite3.Connection, index_rows: Sequence[Sequence[Any]]) -> None:
        """Fold newly indexed turns into the lists (inside the writing transaction)."""
        if not index_rows or not is_built(conn):
            return
        generation = _meta(conn, "impacts_generation")
        if generation != self.generation:
            self._load(conn, generation)
        ids = [r[0] for r in index_rows]
        lengths = {
            rowid: row_length(size)
            for rowid, size in conn.execute(
                "SELECT id, sz FROM turn_index_docsize WHERE id BETWEEN ? AND ?",
                (min(ids), max(ids)),
            )
        }
        postings: list[tuple[int, int, int]] = []
        pending: list[tuple[int]] = []
        changed: dict[int, _Listed] = {}
        docs: Counter[int] = Counter()
        unknown: set[int] = set()
        for row in index_rows:
            rowid = row[0]
            terms = _row_terms(row)
            if terms is None:
                pending.append((rowid,))
                unknown |= self._may_hold(row)
                continue
            length = lengths[rowid]
            for col, counts in terms:
                weight = WEIGHTS[col]
                for term, tf in counts.items():
                    listed = self.terms.get((col, term))
                    if listed is None:
                        continue
                    docs[listed.term_id] += 1
                    if _static_impact(tf, length, weight, self.avgdl) >= listed.floor:
                        postings.append((listed.term_id, rowid, tf))
                    elif _into_rest(listed.rest, tf, length, rowid):
                        changed[listed.term_id] = listed
        conn.executemany(
            "INSERT OR IGNORE INTO impact_postings(term_id, turn_id, tf) VALUES (?,?,?)", postings
        )
        conn.executemany("INSERT OR IGNORE INTO impact_pending(turn_id) VALUES (?)", pending)
        _count_docs(conn, docs, unknown)
        if changed:
            conn.executemany(
                "UPDATE impact_terms SET rest = ? WHERE id = ?",
                [(_rest_json(v.rest), k) for k, v in changed.items()],
            )
            _bump_generation(conn)
            self.generation = _meta(conn, "impacts_generation")

    def _may_hold(self, row: Sequence[Any]) -> set[int]:
        """The listed terms a turn FTS5 may read otherwise could hold: those its column's text
        contains (the test _read_tfs makes); their turn counts become unknown."""
        out: set[int] = set()
        for col, pos in _LISTED.items():
            text = row[pos]
            if not text:
                continue
            # A listed term has no space: it lies inside one of the text's space-free pieces.
            for piece in set(text.lower().split()):
                if len(piece) > _LONG_PIECE:
                    out.update(
                        listed.term_id
                        for (c, term), listed in self.terms.items()
                        if c == col and term in piece
                    )
                    continue
                for i in range(len(piece)):
                    for j in range(i + 1, len(piece) + 1):
                        listed = self.terms.get((col, piece[i:j]))
                        if listed is not None:
                            out.add(listed.term_id)
        return out

    def unindexed(self, conn: sqlite3.Connection, index_rows: Sequence[Sequence[Any]]) -> None:
        """Count turns leaving the index (their rows as they were indexed) out of the listed
        terms' turn counts (inside the writing transaction, before they go)."""
        if not index_rows or not is_built(conn):
            return
        generation = _meta(conn, "impacts_generation")
        if generation != self.generation:
            self._load(conn, generation)
        docs: Counter[int] = Counter()
        unknown: set[int] = set()
        for row in index_rows:
            terms = _row_terms(row)
            if terms is None:
                unknown |= self._may_hold(row)
                continue
            for col, counts in terms:
                for term in counts:
                    listed = self.terms.get((col, term))
                    if listed is not None:
                        docs[listed.term_id] -= 1
        _count_docs(conn, docs, unknown)


_LONG_PIECE = 40  # a longer piece (a script without spaces) is checked against every term


def _count_docs(conn: sqlite3.Connection, docs: Counter[int], unknown: set[int]) -> None:
    conn.executemany(
        "UPDATE impact_terms SET doc = doc + ? WHERE id = ?",
        [(n, term_id) for term_id, n in docs.items() if n and term_id not in unknown],
    )
    conn.executemany("UPDATE impact_terms SET doc = NULL WHERE id = ?", [(t,) for t in unknown])


def fill_docs(conn: sqlite3.Connection) -> None:
    """Each listed term's turn count from the index's vocabulary (schema 9's migration of
    lists built without them)."""
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.podkb_vocab USING fts5vocab(main, turn_index, col)"
    )
    ids = {
        (col, term): i for i, col, term in conn.execute("SELECT id, col, term FROM impact_terms")
    }
    found = [
        (int(doc), ids[(col, term)])
        for term, col, doc in conn.execute(
            "SELECT term, col, doc FROM temp.podkb_vocab WHERE col IN ('body', 'uni', 'stems')"
        )
        if (col, term) in ids
    ]
    conn.executemany("UPDATE impact_terms SET doc = ? WHERE id = ?", found)


def remove(conn: sqlite3.Connection, episode_id: str) -> None:
    """Take an episode's turns out of the lists (before its turns are deleted): an id a new turn
    reuses must not carry the old turn's place."""
    if not is_built(conn):
        return
    for table in ("impact_postings", "impact_pending"):
        conn.execute(
            f"DELETE FROM {table} WHERE turn_id IN (SELECT id FROM turns WHERE episode_id = ?)",
            (episode_id,),
        )


# --- answering a query from the lists -----------------------------------------------------------


class Known(NamedTuple):
    """What the lists tell of one phrase: the frequency of each turn they hold (None: the turn
    holds the phrase, how often is read from its text), and whether they hold every turn that
    has it (then any other turn's frequency is 0)."""

    tfs: dict[int, int | None]
    complete: bool


class Answer(NamedTuple):
    """The proven top rows (turn id, bm25 rank) and how many turns were scored to prove them."""

    rows: list[tuple[int, float]]
    scored: int


def _rest_bound(rest: Rest, weight: float, avgdl: float) -> tuple[float, int]:
    """The most any turn of the rest scores on the phrase (its BM25 part, before the IDF), and
    the first turn that can reach it."""
    best, first = 0.0, 0
    for tf, (length, rowid) in rest.items():
        value = part(weighted(tf, weight), float(length), avgdl)
        if value > best or (value == best and rowid < first):
            best, first = value, rowid
    return best, first


def _filter_keys(query: TurnQuery) -> tuple[str | None, set[str] | None] | None:
    """The speaker and episode tokens the MATCH filters compare (None: not answerable here)."""
    speaker = token_key(query.speaker) if query.speaker else None
    episodes = {token_key(e) for e in query.episode_ids} if query.episode_ids is not None else None
    keys = ([speaker] if speaker else []) + sorted(episodes or ())
    if any(not is_safe(k) or " " in k for k in keys):
        return None
    return speaker, episodes


def top(
    conn: sqlite3.Connection,
    query: TurnQuery,
    where: list[str],
    args: list[Any],
    index_row: IndexRow,
) -> Answer | None:
    """The query's best offset+limit turns, exactly as bm25() orders them, or None when the
    lists cannot prove them (the caller then scores every match)."""
    if (
        not query.ranked
        or query.none_of
        or query.topic_terms
        or len(query.all_of) != 1
        or len(query.all_of[0].terms) != 1
        or query.offset + query.limit > MAX_DEPTH
    ):
        return None
    term = query.all_of[0].terms[0]
    if term.prefix:
        return _top_prefix(conn, query, term, where, args, index_row)
    phrases = term_phrases(term)
    if phrases is None or not all(is_safe(tok) and " " not in tok for _, tok in phrases):
        return None
    keys = _filter_keys(query)
    if keys is None or not is_built(conn) or _too_selective(conn, query, len(phrases)):
        return None
    n_rows, n_tokens = index_totals(conn)
    if not n_rows:
        return None
    avgdl = n_tokens / n_rows
    idfs: list[float] = []
    bound = 0.0
    bounded: list[int] = []  # the first turn of each phrase's best rest, where it has one
    candidates: set[int] = set()
    known: list[Known] = []
    frequent = False
    for (col, tok), hits in zip(phrases, _phrase_hits(conn, phrases), strict=True):
        weight = idf(n_rows, min(hits, n_rows))
        idfs.append(weight)
        if hits == 0:
            known.append(Known({}, complete=True))
            continue
        listed = conn.execute(
            "SELECT id, rest FROM impact_terms WHERE col = ? AND term = ?", (col, tok)
        ).fetchone()
        if listed is not None:
            frequent = True
            tfs: dict[int, int | None] = dict(
                conn.execute(
                    "SELECT turn_id, tf FROM impact_postings WHERE term_id = ?", (listed[0],)
                ).fetchall()
            )
            candidates.update(tfs)
            most, first = _rest_bound(_rest_of(listed[1]), WEIGHTS[col], avgdl)
            bound += weight * most
            if most > 0.0:
                bounded.append(first)
            known.append(Known(tfs, complete=most == 0.0))
        elif hits <= FETCH_MAX:
            frequent = frequent or hits > LIST_MIN_DF
            members: dict[int, int | None] = {
                r[0]: None
                for r in conn.execute(
                    "SELECT rowid FROM turn_index WHERE turn_index MATCH ?",
                    (f'{col} : "{tok}"',),
                )
            }
            candidates.update(members)
            known.append(Known(members, complete=True))
        else:
            return None  # frequent, but listed after the last build: FTS5 scores it
    if not frequent:
        return None  # every phrase is rare: FTS5 scores its few matches as fast
    pending = {
        r[0]
        for r in conn.execute("SELECT turn_id FROM impact_pending LIMIT ?", (MAX_CANDIDATES + 1,))
    }
    candidates |= pending
    if len(candidates) > MAX_CANDIDATES:
        return None
    depth = query.offset + query.limit
    need = depth if bound > 0.0 else 0
    scored = _score(
        conn,
        candidates,
        phrases,
        idfs,
        avgdl,
        keys,
        where,
        args,
        index_row,
        need=need,
        known=known,
        pending=pending,
    )
    if scored is None:
        return None
    scored.sort(key=lambda r: (r[1], r[0]))
    if bound > 0.0 and not _proven(scored, depth, bound, bounded):
        return None
    return Answer(rows=scored[query.offset : depth], scored=len(candidates))


def _top_prefix(
    conn: sqlite3.Connection,
    query: TurnQuery,
    term: Term,
    where: list[str],
    args: list[Any],
    index_row: IndexRow,
) -> Answer | None:
    """A prefix (`sourc*`: one phrase, `body : "sourc" *`) from its expansions' lists: a turn's
    frequency is the sum of its expansions' (every body token that starts with the prefix),
    its nHit the turns holding any of them. A turn in no expansion's list holds each listed
    expansion at most as often as that list's rest allows, and is at least as long as the
    shortest of them: with one listed expansion that is the rest's own bound, with several the
    sum of their largest frequencies at the smallest length (looser, still a bound)."""
    if len(term.words) != 1 or is_cjk(term.words[0]) or not is_safe(term.words[0]):
        return None
    stem = term.words[0]
    if " " in stem or not stem:
        return None
    keys = _filter_keys(query)
    if keys is None or not is_built(conn) or _too_selective(conn, query, 1):
        return None
    n_rows, n_tokens = index_totals(conn)
    if not n_rows:
        return None
    avgdl = n_tokens / n_rows
    expansions = _expansions(conn, stem)
    if expansions is None:
        return None
    if len(expansions) == 1:
        hits = expansions[0][1]  # the vocabulary walked its doclist already
    else:
        hits = int(
            conn.execute(
                "SELECT count(*) FROM turn_index WHERE turn_index MATCH ?", (f'body : "{stem}" *',)
            ).fetchone()[0]
        )
    if hits <= LIST_MIN_DF:
        return None  # few matches: FTS5 scores them as fast
    weight = idf(n_rows, min(hits, n_rows))
    parts: list[Known] = []
    rests: list[Rest] = []
    fetched = 0
    for token, doc in expansions:
        listed = conn.execute(
            "SELECT id, rest FROM impact_terms WHERE col = 'body' AND term = ?", (token,)
        ).fetchone()
        if listed is not None:
            tfs: dict[int, int | None] = dict(
                conn.execute(
                    "SELECT turn_id, tf FROM impact_postings WHERE term_id = ?", (listed[0],)
                ).fetchall()
            )
            rest = _rest_of(listed[1])
            if rest:
                rests.append(rest)
            parts.append(Known(tfs, complete=not rest))
            continue
        fetched += doc
        if fetched > FETCH_MAX:
            return None  # frequent, but listed after the last build: FTS5 scores it
        members: dict[int, int | None] = {
            r[0]: None
            for r in conn.execute(
                "SELECT rowid FROM turn_index WHERE turn_index MATCH ?", (f'body : "{token}"',)
            )
        }
        parts.append(Known(members, complete=True))
    known = _sum_known(parts)
    candidates = set(known.tfs)
    most, bounded = _prefix_rest_bound(rests, avgdl)
    bound = weight * most
    pending = {
        r[0]
        for r in conn.execute("SELECT turn_id FROM impact_pending LIMIT ?", (MAX_CANDIDATES + 1,))
    }
    candidates |= pending
    if len(candidates) > MAX_CANDIDATES:
        return None
    depth = query.offset + query.limit
    scored = _score(
        conn,
        candidates,
        [("body", stem)],
        [weight],
        avgdl,
        keys,
        where,
        args,
        index_row,
        need=depth if bound > 0.0 else 0,
        known=[known],
        pending=pending,
        prefix=True,
    )
    if scored is None:
        return None
    scored.sort(key=lambda r: (r[1], r[0]))
    if bound > 0.0 and not _proven(scored, depth, bound, bounded):
        return None
    return Answer(rows=scored[query.offset : depth], scored=len(candidates))


MAX_EXPANSIONS = 32  # a prefix of more forms than this is left to FTS5


def _expansions(conn: sqlite3.Connection, stem: str) -> list[tuple[str, int]] | None:
    """The body tokens that start with `stem` and their turn counts (FTS5's prefix match: every
    token whose UTF-8 bytes begin with the prefix's, which is the code points' range from the
    prefix to its successor); None when there are too many."""
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.podkb_vocab USING fts5vocab(main, turn_index, col)"
    )
    successor = stem[:-1] + chr(ord(stem[-1]) + 1)
    rows = conn.execute(
        "SELECT term, doc FROM temp.podkb_vocab WHERE col = 'body' AND term >= ? AND term < ?"
        " LIMIT ?",
        (stem, successor, MAX_EXPANSIONS + 1),
    ).fetchall()
    found = [(str(t), int(d)) for t, d in rows if str(t).startswith(stem)]
    return found if len(rows) <= MAX_EXPANSIONS else None


def _sum_known(parts: list[Known]) -> Known:
    """The prefix's frequency in each turn some expansion's list holds: the sum of the
    expansions' (None where one of them cannot tell), complete when every expansion is."""
    tfs: dict[int, int | None] = {}
    for rowid in set().union(*(p.tfs for p in parts)):
        total: int | None = 0
        for p in parts:
            tf = p.tfs.get(rowid, 0 if p.complete else None)
            if tf is None or total is None:
                total = None
                break
            total += tf
        tfs[rowid] = total
    return Known(tfs, complete=all(p.complete for p in parts))


def _prefix_rest_bound(rests: list[Rest], avgdl: float) -> tuple[float, list[int]]:
    """The most a turn in no expansion's list scores on the prefix (before the IDF), and the
    first turn that can reach it where that is exact (one listed expansion has a rest)."""
    if not rests:
        return 0.0, []
    if len(rests) == 1:
        most, first = _rest_bound(rests[0], WEIGHTS["body"], avgdl)
        return most, [first]
    # A turn holding each form e t_e times (t_e one of e's rest frequencies, or 0) is at least
    # L = max_e of the rest's length for t_e long, and at least its own frequency F = sum t_e:
    # for every L, F is at most the sum of each form's largest frequency of a length <= L, and
    # the part grows with F and shrinks with the length, so the largest of these bounds them all.
    best = 0.0
    for length in sorted({v[0] for rest in rests for v in rest.values()}):
        tf = sum(max((t for t, v in rest.items() if v[0] <= length), default=0) for rest in rests)
        best = max(best, part(weighted(tf, WEIGHTS["body"]), float(max(length, tf)), avgdl))
    # Two bounded turns: _proven then asks for a strictly better k-th candidate.
    return best, [0, 0]


def _too_selective(conn: sqlite3.Connection, query: TurnQuery, phrases: int) -> bool:
    """A speaker filter that would leave fewer than k of the lists' turns on average (its share
    of the turns times the candidates): not worth trying, FTS5 scores its few matches."""
    if not query.speaker:
        return False
    row = conn.execute(
        "SELECT coalesce(sum(turns), 0), (SELECT value FROM meta WHERE key = 'turn_count')"
        " FROM speaker_labels WHERE speaker = ?",
        (query.speaker,),
    ).fetchone()
    share = int(row[0]) / max(int(row[1] or 1), 1)
    return share * LIST_LENGTH * phrases < query.offset + query.limit


def _phrase_hits(conn: sqlite3.Connection, phrases: list[tuple[str, str]]) -> list[int]:
    """Turns holding each phrase in its column (bm25's nHit), from the index's vocabulary."""
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.podkb_vocab USING fts5vocab(main, turn_index, col)"
    )
    out = []
    for col, tok in phrases:
        kept = _kept_doc(conn, col, tok)
        if kept is not None:
            out.append(kept)
            continue
        row = conn.execute(
            "SELECT doc FROM temp.podkb_vocab WHERE term = ? AND col = ?", (tok, col)
        ).fetchone()
        out.append(int(row[0]) if row else 0)
    return out


def empty_phrases(conn: sqlite3.Connection, terms: Iterable[Term]) -> frozenset[tuple[str, str]]:
    """The terms' (column, token) phrases the lists know to be in no turn (a listed token's
    twin column with a kept count of 0): the MATCH can leave them out."""
    if not is_built(conn):
        return frozenset()
    return frozenset(
        (col, tok)
        for term in terms
        for col, tok in term_phrases(term) or ()
        if is_safe(tok) and " " not in tok and _kept_doc(conn, col, tok) == 0
    )


def _kept_doc(conn: sqlite3.Connection, col: str, tok: str) -> int | None:
    """A listed term's turn count as the writes kept it; None when unknown or not listed (or
    the store is a read-only one of schema 8, whose lists have no counts)."""
    try:
        row = conn.execute(
            "SELECT doc FROM impact_terms WHERE col = ? AND term = ?", (col, tok)
        ).fetchone()
    except sqlite3.OperationalError:
        return None
    return int(row[0]) if row and row[0] is not None else None


def holds_at_least(conn: sqlite3.Connection, query: TurnQuery, n: int) -> bool:
    """Whether the query matches at least n turns, read from the index's vocabulary alone: a
    query of one clause and no filter matches every turn of each phrase of its terms (a page's
    "more than 10,000" without reading 10,001 matches)."""
    if (
        len(query.all_of) != 1
        or query.none_of
        or query.topic_terms
        or query.speaker
        or query.episode_ids is not None
        or query.chapters is not None
        or query.conditions
    ):
        return False
    phrases = [
        phrase
        for term in query.all_of[0].terms
        for phrase in term_phrases(term) or ()
        if is_safe(phrase[1]) and " " not in phrase[1]
    ]
    # The kept counts first: one phrase in n turns is enough, and a phrase without one costs a
    # walk of its term's doclist (23 ms for a stem in 9% of 10M turns).
    kept = [_kept_doc(conn, col, tok) for col, tok in phrases]
    if any(doc is not None and doc >= n for doc in kept):
        return True
    rest = [phrase for phrase, doc in zip(phrases, kept, strict=True) if doc is None]
    return bool(rest) and max(_phrase_hits(conn, rest)) >= n


def exact_ranks(
    conn: sqlite3.Connection, term: Term, rowids: Iterable[int], index_row: IndexRow
) -> dict[int, float] | None:
    """bm25()'s rank of each turn for a one-term query, computed as the lists compute it (None
    for a term they do not answer): what tests hold against FTS5's own."""
    phrases = term_phrases(term)
    n_rows, n_tokens = index_totals(conn)
    if phrases is None or not n_rows:
        return None
    idfs = [idf(n_rows, min(h, n_rows)) for h in _phrase_hits(conn, phrases)]
    keys: tuple[str | None, set[str] | None] = (None, None)
    scored = _score(conn, rowids, phrases, idfs, n_tokens / n_rows, keys, [], [], index_row)
    return dict(scored) if scored is not None else None


def _proven(scored: list[tuple[int, float]], depth: int, bound: float, bounded: list[int]) -> bool:
    """Whether no turn outside the candidates can rank among the first `depth`: the depth-th
    candidate scores more than the bound, or (one phrase bounded, so a turn reaching the bound
    scores exactly it) as much, with a smaller id than any turn that can reach it."""
    if len(scored) < depth:
        return False
    rowid, rank = scored[depth - 1]
    score = -rank
    return score > bound or (len(bounded) == 1 and score == bound and rowid < bounded[0])


def _known_tfs(rowid: int, known: list[Known] | None, pending: set[int] | None) -> list[int] | None:
    """The turn's frequency of each phrase from the lists alone, or None if its text must be read."""
    if known is None or (pending and rowid in pending):
        return None
    out = []
    for k in known:
        tf = k.tfs.get(rowid, 0 if k.complete else None)
        if tf is None:
            return None
        out.append(tf)
    return out


def _read_tfs(
    row: Sequence[Any], phrases: list[tuple[str, str]], *, prefix: bool = False
) -> list[int] | None:
    """Each phrase's frequency in a turn's index row, read as FTS5 reads it (a prefix: the
    tokens that start with it); None if a column holds a character FTS5 may split at or fold
    and could hold the token."""
    columns: dict[str, list[str]] = {}
    out = []
    for col, tok in phrases:
        if col not in columns:
            text = row[_LISTED[col]]
            if not is_safe(text) and tok in text.lower():
                return None
            columns[col] = text.split()
        tokens = columns[col]
        out.append(sum(t.startswith(tok) for t in tokens) if prefix else tokens.count(tok))
    return out


@functools.lru_cache(maxsize=64)
def _key_set(keys: str) -> frozenset[str]:
    return frozenset(json.loads(keys))


def _may_match(value: str | None, keys: str) -> int:
    """Whether FTS5's filter column can match: the token is one of the keys, or it holds a
    character FTS5 may read otherwise (then the candidate is looked at again)."""
    key = token_key(value)
    return int(key in _key_set(keys) or not is_safe(key))


def _score(
    conn: sqlite3.Connection,
    candidates: Iterable[int],
    phrases: list[tuple[str, str]],
    idfs: list[float],
    avgdl: float,
    keys: tuple[str | None, set[str] | None],
    where: list[str],
    args: list[Any],
    index_row: IndexRow,
    *,
    need: int = 0,
    known: list[Known] | None = None,
    pending: set[int] | None = None,
    prefix: bool = False,
) -> list[tuple[int, float]] | None:
    """(turn id, bm25 rank) of the candidates that match the query and its filters; None when a
    candidate's terms cannot be read as FTS5 read them, or fewer than `need` pass the filters."""
    speaker, episodes = keys
    ids = sorted(candidates)
    sql = (
        "SELECT t.id, t.episode_id, t.speaker, t.text, t.chapter, d.sz FROM turns t"
        " JOIN turn_index_docsize d ON d.id = t.id WHERE t.id IN (SELECT value FROM json_each(?))"
    )
    params: list[Any] = [json.dumps(ids)]
    # The MATCH filters as SQL on the candidates first, so a selective filter costs no analysis.
    conn.create_function("podkb_may_match", 2, _may_match, deterministic=True)
    for column, wanted in (
        ("speaker", [speaker]),
        ("episode_id", episodes),
    ):
        if wanted is not None and None not in wanted:
            sql += f" AND podkb_may_match(t.{column}, ?)"
            params.append(json.dumps(sorted(k for k in wanted if k is not None)))
    for cond in where:
        sql += f" AND {cond}"
    rows = conn.execute(sql, [*params, *args]).fetchall()
    if len(rows) < need:
        return None
    out: list[tuple[int, float]] = []
    chapter_terms: dict[str, str] = {}
    for rowid, episode_id, spk, text, chapter, size in rows:
        if speaker is not None:
            key = token_key(spk)
            if not is_safe(key):
                return None
            if key != speaker:
                continue
        if episodes is not None:
            key = token_key(episode_id)
            if not is_safe(key):
                return None
            if key not in episodes:
                continue
        tfs = _known_tfs(rowid, known, pending)
        if tfs is None:
            row = index_row(rowid, episode_id, spk, text, chapter, chapter_terms=chapter_terms)
            tfs = _read_tfs(row, phrases, prefix=prefix)
            if tfs is None:
                return None
        freqs = [weighted(tf, WEIGHTS[col]) for tf, (col, _) in zip(tfs, phrases, strict=True)]
        if not any(freqs):
            continue
        out.append((rowid, rank_of(freqs, idfs, float(row_length(size)), avgdl)))
    return out


def problems(conn: sqlite3.Connection) -> list[str]:
    """What `podkb doctor` finds wrong with the lists, by a few counts (no rebuild): postings of
    no listed term or of turns that are gone, pending turns that are gone, lists without the
    build record their bounds need. None of these may happen; each is cured by a rebuild."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "impact_terms" not in tables:
        return []  # an older schema: the migration builds the lists

    def one(sql: str) -> int:
        return int(conn.execute(sql).fetchone()[0])

    found = []
    unlisted = one(
        "SELECT count(*) FROM impact_postings WHERE term_id NOT IN (SELECT id FROM impact_terms)"
    )
    if unlisted:
        found.append(f"{unlisted} impact postings of no listed term")
    gone = one("SELECT count(*) FROM impact_postings WHERE turn_id NOT IN (SELECT id FROM turns)")
    if gone:
        found.append(f"{gone} impact postings of turns that no longer exist")
    pending = one("SELECT count(*) FROM impact_pending WHERE turn_id NOT IN (SELECT id FROM turns)")
    if pending:
        found.append(f"{pending} pending turns that no longer exist")
    listed = one("SELECT count(*) FROM impact_terms")
    if listed and (_meta(conn, "impacts_turns") is None or _meta(conn, "impacts_avgdl") is None):
        found.append(f"{listed} impact lists without their build record")
    return found
