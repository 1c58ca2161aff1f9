"""Exact top-k on PostgreSQL without scoring every match: the impact lists of store/impacts.py,
kept on the server beside the GIN indexes.

The PostgreSQL store ranks in Python (postgres.py: FTS5's BM25 from each match's positions), so
a word in 1% of a million turns sends ten thousand rows to the client and scores each (~1 s).
For every (column, term) of `body`, `uni` and `stems` in more than `impacts.LIST_MIN_DF` turns
(and no more than LIST_MAX_SHARE of them: a query of such a word alone is answered unranked by
search), the server keeps the term's best `impacts.LIST_LENGTH` postings by a static BM25 impact
(`impact_postings`, with the term's frequency), and for its other turns, per frequency, the
smallest turn length and the first turn of that length (`impact_rest`). BM25's per-phrase part
F(k1+1)/(F+k1(1-b+bD/avgdl)) grows with F and shrinks with D whatever the average length has
become, so no turn outside a list scores more on the term than its rest allows.

A one-term query is answered from its phrases' lists: the candidates' scores are computed by the
store's own ranking (the same rows, numbers and floating-point operations as scoring every
match), and the answer is returned only when the k-th best scores more than any turn outside the
lists can (or as much, with a smaller id than the first turn that can reach it: ties go by id).
Otherwise the store scores every match, as before: answers never change, only the time.

Everything is computed on the server from the stored tsvectors (a term frequency is the number
of positions `unnest` gives, what the ranking counts), so the lists read each turn exactly as a
query does. Writes keep them valid without touching rows other writers share: a new turn's
listed terms become postings (impact at the list's floor or above) or rest rows (append-only;
the smallest length per frequency wins when read, and the summary refresh folds them), and a
removed turn's postings go with it (removal only loosens a bound). A build holds an advisory
lock exclusively; every writer holds it shared while it writes, so a build never misses a turn
written beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from . import impacts

K1, B = 1.2, 0.75
# Listed columns: their SQL and BM25 weight (postgres.WEIGHTS).
LISTED = {"body": ("t.body", 1.0), "uni": ("t.uni", 1.0), "stems": ("t.stems", 0.5)}
# Terms in more than this share of the turns get no list: search answers such a word alone
# unranked (search.FREQUENT_SHARE), and their postings would be most of a build's work.
LIST_MAX_SHARE = 0.10
# An advisory lock key beside postgres.py's: writers hold it shared, a build exclusively.
LOCK_IMPACTS = 0x706B_0002

SCHEMA = """
CREATE TABLE IF NOT EXISTS impact_terms (
    id integer PRIMARY KEY, col text NOT NULL, term text NOT NULL,
    floor double precision NOT NULL, UNIQUE (col, term)
);
CREATE TABLE IF NOT EXISTS impact_postings (
    term_id integer NOT NULL, turn_id bigint NOT NULL, tf integer NOT NULL,
    PRIMARY KEY (term_id, turn_id)
);
CREATE INDEX IF NOT EXISTS impact_postings_turn ON impact_postings (turn_id);
CREATE TABLE IF NOT EXISTS impact_rest (
    term_id integer NOT NULL, tf integer NOT NULL, length integer NOT NULL, first_id bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS impact_rest_term ON impact_rest (term_id, tf, length, first_id)
"""
COMMENTS = {
    "impact_terms.floor": "static BM25 impact of the list's last posting when built: a new turn"
    " at or above it joins the list",
    "impact_rest.length": "the smallest turns.tokens among the term's turns outside its list"
    " with this frequency (the least over the rows of a (term_id, tf) counts)",
    "impact_rest.first_id": "the first turn of that frequency and length (ties go by id)",
}


def part(freq: float, length: float, avgdl: float) -> float:
    """BM25's per-phrase part, in the order of operations the ranking uses (and the bound)."""
    return (freq * (K1 + 1.0)) / (freq + K1 * (1 - B + B * length / avgdl))


# --- building and keeping the lists -----------------------------------------------------------


def _meta(conn: Any, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = %s", (key,)).fetchone()
    return str(row[0]) if row else None


def _set_meta(conn: Any, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (%s, %s)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def tables_exist(conn: Any) -> bool:
    row = conn.execute("SELECT to_regclass('impact_terms') IS NOT NULL").fetchone()
    return bool(row and row[0])


def is_built(conn: Any) -> bool:
    return _meta(conn, "impacts_turns") is not None


def needs_build(conn: Any, turns: int) -> bool:
    """Big enough for lists and none yet, or doubled since they were built."""
    if turns < impacts.BUILD_MIN_TURNS or not tables_exist(conn):
        return False
    built_at = _meta(conn, "impacts_turns")
    return built_at is None or turns > 2 * int(built_at)


def hold_for_writing(conn: Any) -> None:
    """A writer's share of the lists' lock, to the end of its transaction."""
    conn.execute("SELECT pg_advisory_xact_lock_shared(%s)", (LOCK_IMPACTS,))


def _occurrences(where: str) -> str:
    """(term_id, turn_id, tf, length, impact, floor) of the listed terms in the turns `where`
    selects; %(avgdl)s is the average length the static impacts use."""
    parts = []
    for col, (sql, weight) in LISTED.items():
        parts.append(
            "SELECT it.id AS term_id, t.id AS turn_id,"
            " coalesce(array_length(u.positions, 1), 0) AS tf, t.tokens AS length, it.floor,"
            f" (coalesce(array_length(u.positions, 1), 0) * {weight!r} * {K1 + 1.0!r})"
            f" / (coalesce(array_length(u.positions, 1), 0) * {weight!r}"
            f" + {K1!r} * ({1 - B!r} + {B!r} * t.tokens / %(avgdl)s)) AS impact"
            f" FROM turns t CROSS JOIN LATERAL unnest({sql}) u"
            f" JOIN impact_terms it ON it.col = '{col}' AND it.term = u.lexeme WHERE {where}"
        )
    return " UNION ALL ".join(parts)


def clear(conn: Any) -> None:
    """No lists: every query is scored in full until the next build."""
    for table in ("impact_postings", "impact_rest", "impact_terms"):
        conn.execute(f"DELETE FROM {table}")
    conn.execute("DELETE FROM meta WHERE key IN ('impacts_turns', 'impacts_avgdl')")


def build(conn: Any, *, wait: bool = True) -> bool:
    """(Re)build every list from the turns (inside a transaction, with the term counts folded).
    Without `wait`, a build that would wait for another writer is not made (False)."""
    if wait:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_IMPACTS,))
    else:
        row = conn.execute("SELECT pg_try_advisory_xact_lock(%s)", (LOCK_IMPACTS,)).fetchone()
        if not row or not row[0]:
            return False
    clear(conn)
    n_rows, n_tokens = conn.execute(
        "SELECT coalesce(sum(turns), 0), coalesce(sum(tokens), 0) FROM episodes"
    ).fetchone()
    n_rows = int(n_rows)
    avgdl = float(n_tokens) / n_rows if n_rows else 1.0
    low, high = impacts.LIST_MIN_DF, LIST_MAX_SHARE * n_rows
    # The body's counts are kept by every write (term_docs and its deltas); the other columns'
    # are counted here, from their (smaller) tsvectors.
    conn.execute(
        "INSERT INTO impact_terms(id, col, term, floor)"
        ' SELECT row_number() OVER (ORDER BY col, term COLLATE "C"), col, term, 0 FROM ('
        " SELECT 'body' AS col, term FROM (SELECT term, docs FROM term_docs UNION ALL"
        " SELECT term, docs FROM term_deltas) d GROUP BY term"
        " HAVING sum(docs) > %(low)s AND sum(docs) <= %(high)s"
        " UNION ALL SELECT 'uni', u.lexeme FROM turns t, unnest(t.uni) u GROUP BY u.lexeme"
        " HAVING count(*) > %(low)s AND count(*) <= %(high)s"
        " UNION ALL SELECT 'stems', u.lexeme FROM turns t, unnest(t.stems) u GROUP BY u.lexeme"
        " HAVING count(*) > %(low)s AND count(*) <= %(high)s) listed",
        {"low": low, "high": high},
    )
    conn.execute(
        "CREATE TEMP TABLE podkb_ranked ON COMMIT DROP AS SELECT term_id, turn_id, tf, length,"
        " impact, row_number() OVER (PARTITION BY term_id ORDER BY impact DESC, turn_id) AS rn"
        f" FROM ({_occurrences('TRUE')}) o",
        {"avgdl": avgdl},
    )
    keep = {"keep": impacts.LIST_LENGTH}
    conn.execute(
        "INSERT INTO impact_postings(term_id, turn_id, tf)"
        " SELECT term_id, turn_id, tf FROM podkb_ranked WHERE rn <= %(keep)s",
        keep,
    )
    conn.execute(
        "UPDATE impact_terms it SET floor = f.floor FROM (SELECT term_id, min(impact) AS floor"
        " FROM podkb_ranked WHERE rn <= %(keep)s GROUP BY term_id HAVING count(*) >= %(keep)s) f"
        " WHERE f.term_id = it.id",
        keep,
    )
    conn.execute(
        "INSERT INTO impact_rest(term_id, tf, length, first_id) SELECT term_id, tf, m[1], m[2]"
        " FROM (SELECT term_id, tf, min(ARRAY[length::bigint, turn_id]) AS m FROM podkb_ranked"
        " WHERE rn > %(keep)s GROUP BY term_id, tf) r",
        keep,
    )
    conn.execute("DROP TABLE podkb_ranked")
    _set_meta(conn, "impacts_avgdl", repr(avgdl))
    _set_meta(conn, "impacts_turns", str(n_rows))
    return True


def add_episode(conn: Any, episode_id: str) -> None:
    """Fold an episode's newly written turns into the lists (in the writer's transaction, which
    holds the lock shared): a posting for each listed term at its list's floor or above, else a
    rest row where the episode lowers the term's smallest length for that frequency."""
    avgdl = _meta(conn, "impacts_avgdl")
    if avgdl is None:
        return
    conn.execute(
        f"WITH occ AS ({_occurrences('t.episode_id = %(episode)s')}),"
        " listed AS (INSERT INTO impact_postings(term_id, turn_id, tf)"
        " SELECT term_id, turn_id, tf FROM occ WHERE impact >= floor)"
        " INSERT INTO impact_rest(term_id, tf, length, first_id)"
        " SELECT DISTINCT ON (term_id, tf) term_id, tf, length, turn_id FROM occ o"
        " WHERE NOT (impact >= floor) AND NOT EXISTS (SELECT 1 FROM impact_rest r"
        " WHERE r.term_id = o.term_id AND r.tf = o.tf"
        " AND (r.length, r.first_id) <= (o.length, o.turn_id))"
        " ORDER BY term_id, tf, length, turn_id",
        {"avgdl": float(avgdl), "episode": episode_id},
    )


def remove_episode(conn: Any, episode_id: str) -> None:
    """Take an episode's turns out of the lists, before the turns go."""
    conn.execute(
        "DELETE FROM impact_postings WHERE turn_id IN (SELECT id FROM turns WHERE episode_id = %s)",
        (episode_id,),
    )


def fold_rest(conn: Any) -> None:
    """One rest row per (term, frequency): what the appended rows of many writers come to.
    Under the summaries' lock; rows a writer appends meanwhile stay for the next fold."""
    conn.execute(
        "WITH taken AS (DELETE FROM impact_rest r USING (SELECT term_id, tf FROM impact_rest"
        " GROUP BY term_id, tf HAVING count(*) > 1) many WHERE r.term_id = many.term_id"
        " AND r.tf = many.tf RETURNING r.*)"
        " INSERT INTO impact_rest(term_id, tf, length, first_id) SELECT term_id, tf, m[1], m[2]"
        " FROM (SELECT term_id, tf, min(ARRAY[length::bigint, first_id]) AS m FROM taken"
        " GROUP BY term_id, tf) f"
    )


# --- answering a query from the lists -----------------------------------------------------------


def answerable(query: Any, phrases: Sequence[tuple[str, str, bool]]) -> bool:
    """A ranked query of one term whose phrases are single tokens in listed columns, not too
    deep: (column, token, prefix) per phrase."""
    return bool(
        query.ranked
        and not query.none_of
        and not query.topic_terms
        and len(query.all_of) == 1
        and len(query.all_of[0].terms) == 1
        and query.offset + query.limit <= impacts.MAX_DEPTH
        and phrases
        and all(col in LISTED and " " not in tok and not prefix for col, tok, prefix in phrases)
    )


@dataclass(frozen=True)
class Stats:
    """What the ranking reads of the store: the average length and each phrase's IDF and turn
    count, in the order of the query's phrases."""

    avgdl: float
    idfs: list[float]
    hits: list[int]


def top(
    conn: Any,
    query: Any,
    phrases: Sequence[tuple[str, str, bool]],
    stats: Stats,
    score: Callable[[list[int]], dict[int, float]],
) -> list[tuple[int, float]] | None:
    """The query's best offset+limit (turn id, score), exactly as scoring every match orders
    them, or None when the lists cannot prove them. `score` scores candidate turns as the
    store's ranking does, with the query's filters (a turn that fails them is left out)."""
    if not is_built(conn):
        return None
    bound = 0.0
    bounded: list[int] = []  # the first turn of each phrase's best rest, where it has one
    candidates: set[int] = set()
    frequent = False
    for (col, tok, _), weight, hits in zip(phrases, stats.idfs, stats.hits, strict=True):
        row = conn.execute(
            "SELECT id FROM impact_terms WHERE col = %s AND term = %s", (col, tok)
        ).fetchone()
        if row is not None:
            frequent = True
            candidates.update(
                r[0]
                for r in conn.execute(
                    "SELECT turn_id FROM impact_postings WHERE term_id = %s", (row[0],)
                )
            )
            most, first = _rest_bound(conn, row[0], LISTED[col][1], stats.avgdl)
            bound += weight * most
            if most > 0.0:
                bounded.append(first)
        elif hits <= impacts.FETCH_MAX:
            frequent = frequent or hits > impacts.LIST_MIN_DF
            candidates.update(
                r[0]
                for r in conn.execute(
                    f"SELECT t.id FROM turns t WHERE {LISTED[col][0]} @@ %s::tsquery",
                    (_tsquery(tok),),
                )
            )
        else:
            return None  # frequent, but not listed at the last build: scored in full
    if not frequent or len(candidates) > impacts.MAX_CANDIDATES:
        return None  # every phrase rare (scoring its few matches is as fast), or too many
    depth = query.offset + query.limit
    scored = sorted(score(sorted(candidates)).items(), key=lambda kv: (-kv[1], kv[0]))
    if bound > 0.0 and not _proven(scored, depth, bound, bounded):
        return None
    return scored[query.offset : depth]


def _tsquery(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def _rest_bound(conn: Any, term_id: int, weight: float, avgdl: float) -> tuple[float, int]:
    """The most a turn outside the term's list scores on it (before the IDF), and the first
    turn that can reach it."""
    best, first = 0.0, 0
    for tf, length, turn_id in conn.execute(
        "SELECT DISTINCT ON (tf) tf, length, first_id FROM impact_rest WHERE term_id = %s"
        " ORDER BY tf, length, first_id",
        (term_id,),
    ):
        if tf <= 0:
            continue
        value = part(tf * weight, float(length), avgdl)
        if value > best or (value == best and turn_id < first):
            best, first = value, int(turn_id)
    return best, first


def _proven(scored: list[tuple[int, float]], depth: int, bound: float, bounded: list[int]) -> bool:
    """No turn outside the candidates ranks among the first `depth`: the depth-th candidate
    scores more than the bound, or (one phrase bounded, so a turn reaching the bound scores
    exactly it) as much, with a smaller id than any turn that can reach it."""
    if len(scored) < depth:
        return False
    rowid, score = scored[depth - 1]
    return score > bound or (len(bounded) == 1 and score == bound and rowid < bounded[0])
