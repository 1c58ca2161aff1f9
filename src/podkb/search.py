"""The search stage: a parsed query plus filters, run against the FTS5 index, ranked by BM25.

Filters on speaker and episode are written inside the MATCH expression as column filters
(the fast path in FTS5); language and chapter filters are SQL conditions on the joined turn.
Ties in score fall back to ingest order, which is episode order, then turn order.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from .errors import StoreError, UsageError
from .query import Query, Term, parse_query
from .store import TURN_COLUMNS, Store, token_key, turn_columns_sql
from .text import fold, is_cjk

# Column weights for bm25(): body, uni, speaker, episode, chapter. Filter columns never score.
_BM25 = "bm25(turn_index, 1.0, 1.0, 0.0, 0.0, 0.3)"
SNIPPET_CHARS = 160
MAX_LIMIT = 10_000
# FTS5 scores every match before it takes the best: a word in most turns costs a scan of them all
# (650 ms at a million turns). A query made only of words this common is answered unranked,
# in episode order, which FTS5 streams; a rarer word beside them keeps ranking cheap.
FREQUENT_SHARE = 0.10
FREQUENT_MIN_TURNS = 20_000


@dataclass
class SearchRequest:
    query: str | None = None
    speaker: str | None = None
    topic: str | None = None
    episode: str | None = None
    lang: str | None = None
    limit: int = 10
    context: int = 0


@dataclass
class SearchResult:
    hits: list[dict[str, Any]] = field(default_factory=list)
    request: SearchRequest = field(default_factory=SearchRequest)
    speaker: str | None = None  # the canonical speaker the --speaker name resolved to
    topic: str | None = None
    suggestion: str | None = None  # "did you mean", when nothing matched
    note: str | None = None  # said to the person on stderr (e.g. why hits are unranked)


def search(store: Store, request: SearchRequest) -> SearchResult:
    """Ranked turns for a query and filters. Raises UsageError for unknown names or no criteria."""
    from .episodes import resolve_episode
    from .speakers import resolve_speaker

    if request.limit < 1 or request.limit > MAX_LIMIT:
        raise UsageError(f"--limit must be between 1 and {MAX_LIMIT}")
    if request.context < 0:
        raise UsageError("--context must be 0 or more")
    query = parse_query(request.query or "")
    result = SearchResult(request=request)
    match_parts: list[str] = []
    sql_where: list[str] = []
    args: list[Any] = []

    if request.speaker:
        result.speaker = resolve_speaker(store, request.speaker)
        match_parts.append(f'speaker : "{token_key(result.speaker)}"')
    if request.episode:
        episode_id = resolve_episode(store, request.episode)
        match_parts.append(f'episode : "{token_key(episode_id)}"')
    if request.topic:
        from .topics import resolve_topic

        topic = resolve_topic(store, request.topic)
        result.topic = topic.name
        if topic.kind == "taxonomy":
            expr = topic.fts()
            if expr:
                match_parts.append(expr)
        else:
            sql_where.append(f"t.chapter IN ({','.join('?' * len(topic.chapters))})")
            args.extend(topic.chapters)
    if request.lang:
        sql_where.append("(t.lang = ? OR t.lang LIKE ?)")
        args.extend([request.lang, request.lang + "-%"])

    positive = query.match_expression()
    if positive:
        match_parts.insert(0, positive)
    if not match_parts and not sql_where:
        if query.negative:
            raise UsageError(
                "a query of only exclusions needs a filter (--speaker, --topic, --episode or --lang)"
            )
        raise UsageError("give a query, or a filter (--speaker, --topic, --episode or --lang)")

    ranked = True
    if positive:
        common = _too_common(store, query)
        if common:
            ranked = False
            result.note = (
                f"{', '.join(repr(w) for w in common)} occur in more than {FREQUENT_SHARE:.0%} of turns: "
                "hits are in episode order, not ranked; add a rarer word to rank them"
            )
    rows = _run(
        store,
        match_parts,
        query.exclusion_expression(),
        sql_where,
        args,
        request.limit,
        ranked=ranked,
    )
    terms = query.terms()
    result.hits = [_hit(row, terms) for row in rows]
    if request.context:
        for hit in result.hits:
            hit["context"] = _context(store, hit, request.context)
    if not result.hits and terms:
        result.suggestion = suggest_query(store, query)
    return result


def _too_common(store: Store, query: Query) -> list[str]:
    """The query's words, if every positive clause is made only of very common words."""
    total = store.turn_count()
    if total < FREQUENT_MIN_TURNS:
        return []
    words: list[str] = []
    for clause in query.positive:
        for term in clause.terms:
            if term.prefix:
                return []
            for word in term.words:
                if is_cjk(word) or _doc_freq(store, word) <= FREQUENT_SHARE * total:
                    return []
                words.append(word)
    return words


def _doc_freq(store: Store, word: str) -> int:
    """Turns holding the word, if it is among the common words counted at ingest (else 0)."""
    return store.common_terms().get(word, 0)


def _run(
    store: Store,
    match_parts: list[str],
    exclusion: str | None,
    where: list[str],
    args: list[Any],
    limit: int,
    *,
    ranked: bool = True,
) -> list[sqlite3.Row]:
    columns = turn_columns_sql("t")
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
                f" FROM turn_index WHERE turn_index MATCH ? ORDER BY {inner_order} LIMIT ?) r"
                " JOIN turns t ON t.id = r.rowid ORDER BY r.rank, t.id"
            )
            return _execute(store, sql, [match, limit])
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
            sql += " AND t.id NOT IN (SELECT rowid FROM turn_index WHERE turn_index MATCH ?)"
            params.append(exclusion)
    for cond in where:
        sql += f" AND {cond}"
    sql += f" ORDER BY {order} LIMIT ?"
    params.append(limit)
    return _execute(store, sql, params)


def _execute(store: Store, sql: str, params: list[Any]) -> list[sqlite3.Row]:
    try:
        return store.conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:
        # Parsing guarantees valid MATCH syntax; anything here is a store problem, said plainly.
        raise StoreError(f"search failed: {exc}", path=str(store.path)) from None


def _hit(row: sqlite3.Row, terms: list[Term]) -> dict[str, Any]:
    hit = {c: row[c] for c in TURN_COLUMNS}
    hit["score"] = round(-row["rank"], 4) if row["rank"] else 0.0
    snippet, spans = make_snippet(hit["text"], terms)
    hit["snippet"] = snippet
    hit["matches"] = spans
    return hit


def _context(store: Store, hit: dict[str, Any], n: int) -> dict[str, list[dict[str, Any]]]:
    rows = store.conn.execute(
        f"SELECT {turn_columns_sql()} FROM turns"
        " WHERE episode_id = ? AND turn BETWEEN ? AND ? AND turn != ? ORDER BY turn",
        (hit["episode_id"], hit["turn"] - n, hit["turn"] + n, hit["turn"]),
    ).fetchall()
    turns = [dict(zip(TURN_COLUMNS, r, strict=True)) for r in rows]
    return {
        "before": [t for t in turns if t["turn"] < hit["turn"]],
        "after": [t for t in turns if t["turn"] > hit["turn"]],
    }


# --- snippets ---------------------------------------------------------------------------------


def folded_with_offsets(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each folded character, the index of its source character."""
    if text.isascii():
        return text.lower(), list(range(len(text)))
    out: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        f = fold_char(ch)
        out.append(f)
        offsets.extend([i] * len(f))
    return "".join(out), offsets


def fold_char(ch: str) -> str:
    if ch.isascii():
        return ch.lower()
    f = fold(ch)
    return f if f else ch


def _term_pattern(term: Term) -> re.Pattern[str]:
    parts = []
    for w in term.words:
        parts.append(re.escape(w))
    sep = r"[\W_]*" if any(is_cjk(w) for w in term.words) else r"[\W_]+"
    body = sep.join(parts)
    if len(term.words) > 1 and "-" in term.raw:
        body = f"(?:{body}|{re.escape(''.join(term.words))})"
    if term.prefix:
        return re.compile(rf"(?<!\w){body}\w*")
    if is_cjk(term.words[0]) and is_cjk(term.words[-1]):
        return re.compile(body)
    return re.compile(rf"(?<!\w){body}(?!\w)" if not is_cjk(term.words[-1]) else rf"(?<!\w){body}")


def match_spans(text: str, terms: list[Term]) -> list[tuple[int, int]]:
    """Where the query's terms occur in the original text (source character offsets)."""
    if not terms:
        return []
    folded, offsets = folded_with_offsets(text)
    spans: list[tuple[int, int]] = []
    for term in terms:
        for m in _term_pattern(term).finditer(folded):
            if m.end() > m.start():
                spans.append((offsets[m.start()], offsets[m.end() - 1] + 1))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def make_snippet(
    text: str, terms: list[Term], width: int = SNIPPET_CHARS
) -> tuple[str, list[list[int]]]:
    """A window of the turn around its first match, and the match spans inside the window."""
    flat = " ".join(text.split())
    spans = match_spans(flat, terms)
    if len(flat) <= width:
        return flat, [list(s) for s in spans]
    if spans:
        first = spans[0][0]
        start = max(0, first - width // 3)
    else:
        start = 0
    end = min(len(flat), start + width)
    start = max(0, end - width)
    if start > 0:
        space = flat.find(" ", start, start + 20)
        start = space + 1 if space != -1 else start
    if end < len(flat):
        space = flat.rfind(" ", end - 20, end)
        end = space if space > start else end
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(flat) else ""
    shift = len(prefix) - start
    inside = [[s + shift, e + shift] for s, e in spans if s >= start and e <= end]
    return f"{prefix}{flat[start:end]}{suffix}", inside


# --- did you mean -----------------------------------------------------------------------------


def vocabulary(store: Store) -> dict[str, int]:
    """Indexed words (body column, spaced scripts only) with their document counts."""
    return {
        term: docs for term, docs in store.body_terms() if not is_cjk(term) and not term.isdigit()
    }


def suggest_query(store: Store, query: Query) -> str | None:
    """The query with each unknown word replaced by the closest indexed word, if any is close."""
    from rapidfuzz import fuzz, process

    vocab = vocabulary(store)
    if not vocab:
        return None
    text = query.text
    changed = False
    for term in query.terms():
        for word in term.words:
            if is_cjk(word) or word in vocab or len(word) < 3:
                continue
            cutoff = 80 if len(word) >= 6 else 85
            candidates = [
                c
                for c in process.extract(
                    word, vocab.keys(), scorer=fuzz.ratio, limit=8, score_cutoff=cutoff
                )
                if abs(len(c[0]) - len(word)) <= 2
            ]
            if not candidates:
                continue
            best = max(candidates, key=lambda c: (c[1], vocab[c[0]]))[0]
            # A word the query wrote differently (accents, width) is not there to replace.
            text, replaced = re.subn(re.escape(word), best, text, count=1, flags=re.IGNORECASE)
            changed = changed or bool(replaced)
    return text if changed else None


__all__ = ["SearchRequest", "SearchResult", "search", "make_snippet", "match_spans"]
