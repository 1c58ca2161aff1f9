"""The search stage: a parsed query plus filters, as a store-neutral TurnQuery, ranked by BM25.

The store runs the query (see store.base.TurnQuery for what it promises); this module resolves
the names a person typed, decides whether ranking is affordable, and cuts snippets.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from .errors import UsageError
from .limits import MAX_QUERY_CHARS, MAX_QUERY_TERMS
from .query import Query, Term, parse_query
from .request import (
    EPISODE_CONDITIONS,
    NAME_CONDITIONS,
    NameCondition,
    Resolved,
    SearchRequest,
    TurnFilter,
)
from .store import KnowledgeStore, TurnQuery
from .text import fold, is_cjk, stem

if TYPE_CHECKING:
    from .models import Episode
    from .results import Hit, HitContext
    from .store.records import EpisodeCitation, TurnHit

SNIPPET_CHARS = 160
# `podkb quotes` prints whole turns up to this length, and a window around the match beyond it.
QUOTE_CHARS = 4_000
# FTS5 scores every match before it takes the best: a word in most turns costs a scan of them all
# (650 ms at a million turns). A query made only of words this common is answered unranked,
# in episode order, which FTS5 streams; a rarer word beside them keeps ranking cheap.
FREQUENT_SHARE = 0.10
FREQUENT_MIN_TURNS = 20_000


# How far a search counts its matches ("10 of more than 10,000 shown").
COUNT_AT_MOST = 10_000


@dataclass
class SearchResult:
    hits: list[Hit] = field(default_factory=list)
    request: SearchRequest = field(default_factory=SearchRequest)
    speaker: str | None = None  # the canonical speaker the --speaker name resolved to
    topic: str | None = None
    suggestion: str | None = None  # "did you mean", when nothing matched
    note: str | None = None  # said to the person on stderr (e.g. why hits are unranked)
    total: int | None = None  # how many turns match in all (hits may be a page of them)
    total_is_more: bool = False  # total is a floor: more turns than it match (counting stopped)
    terms: list[Term] = field(default_factory=list)  # what the hits highlight and quote
    notes: list[str] = field(default_factory=list)  # how names were read, for stderr


class ResolvedFilter(NamedTuple):
    """A TurnFilter with the names a person typed resolved to what the store holds."""

    speaker: str | None = None  # the canonical speaker
    topic: str | None = None  # the taxonomy topic's name, or the words that matched chapters
    topic_terms: tuple[Term, ...] = ()  # a taxonomy topic: any of its keywords
    chapters: tuple[str, ...] | None = None  # else: these chapter titles
    # The per-turn filters the store applies (request.TURN_CONDITIONS): (filter, value).
    conditions: tuple[tuple[str, str], ...] = ()
    # The episodes the filters of episodes leave (--episode, --featuring, --show, --since,
    # --until: every one given); None: no such filter.
    episode_ids: tuple[str, ...] | None = None
    # What the person should be told about how names were read ("matched 'x' to 'y'").
    notes: tuple[str, ...] = ()

    def turn_query(self, query: Query, *, limit: int, offset: int = 0) -> TurnQuery:
        return TurnQuery(
            all_of=tuple(query.positive),
            none_of=tuple(query.negative),
            speaker=self.speaker,
            topic_terms=self.topic_terms,
            chapters=self.chapters,
            conditions=self.conditions,
            limit=limit,
            offset=offset,
            episode_ids=self.episode_ids,
        )

    def keeps_episode(self, episode_id: str) -> bool:
        return self.episode_ids is None or episode_id in self.episode_ids


def resolve_filter(store: KnowledgeStore, flt: TurnFilter) -> ResolvedFilter:
    """Resolve speaker, episode and topic names (UsageError, with suggestions, if unknown)."""
    from .speakers import match_speaker, matched_note

    speaker, close = match_speaker(store, flt.speaker) if flt.speaker else (None, False)
    notes = [matched_note(flt.speaker, speaker)] if flt.speaker and speaker and close else []
    episode_ids = _episodes_by_show_and_date(store, flt)
    for name, value in flt.name_conditions():
        resolved = _resolver(NAME_CONDITIONS[name])(store, value)
        notes.extend([resolved.note] if resolved.note else [])
        if episode_ids is None:
            episode_ids = resolved.episode_ids
        else:
            kept = set(resolved.episode_ids)
            episode_ids = tuple(e for e in episode_ids if e in kept)
    topic_name = None
    topic_terms: tuple[Term, ...] = ()
    chapters: tuple[str, ...] | None = None
    if flt.topic:
        from .topics import resolve_topic

        topic = resolve_topic(store, flt.topic)
        topic_name = topic.name
        if topic.kind == "taxonomy":
            topic_terms = topic.terms
        else:
            chapters = topic.chapters
    return ResolvedFilter(
        speaker=speaker,
        topic=topic_name,
        topic_terms=topic_terms,
        chapters=chapters,
        conditions=flt.turn_conditions(),
        episode_ids=episode_ids,
        notes=tuple(notes),
    )


def _resolver(condition: NameCondition) -> Callable[[KnowledgeStore, str], Resolved]:
    """The function a NameCondition names ("module:function" of podkb)."""
    import importlib

    module, function = condition.resolver.split(":")
    resolver: Callable[[KnowledgeStore, str], Resolved] = getattr(
        importlib.import_module(f"{__package__}.{module}"), function
    )
    return resolver


def _episodes_by_show_and_date(store: KnowledgeStore, flt: TurnFilter) -> tuple[str, ...] | None:
    """The episodes every filter of episodes given keeps (request.EPISODE_CONDITIONS: show,
    since, until); None when none is given. A show the store does not hold is a UsageError."""
    given = flt.episode_conditions()
    if not given:
        return None
    episodes = store.episodes()
    if flt.show:
        _check_show(episodes, flt.show)
    for name, value in given:
        keeps = EPISODE_CONDITIONS[name].keeps
        episodes = [e for e in episodes if keeps(e, value)]
    return tuple(e.episode_id for e in episodes)


def _check_show(episodes: Sequence[Episode], show: str) -> None:
    wanted = fold(show).strip()
    if wanted not in {fold(e.show).strip() for e in episodes if e.show}:
        names = sorted({e.show for e in episodes if e.show})
        listed = ", ".join(repr(n) for n in names[:10]) + (" ..." if len(names) > 10 else "")
        raise UsageError(f"no show {show!r}; the shows are: {listed or 'none'}")


def search(store: KnowledgeStore, request: SearchRequest) -> SearchResult:
    """Ranked turns for a query and filters. Raises UsageError for unknown names or no criteria."""
    if request.query and len(request.query) > MAX_QUERY_CHARS:
        raise UsageError(
            f"the query is {len(request.query):,} characters long; podkb's limit is "
            f"{MAX_QUERY_CHARS:,}: search for its rarest words"
        )
    query = parse_query(request.query or "")
    if len(query.terms()) > MAX_QUERY_TERMS:
        raise UsageError(
            f"the query has {len(query.terms()):,} terms; podkb's limit is {MAX_QUERY_TERMS}: "
            "search for its rarest words"
        )
    result = SearchResult(request=request)
    resolved = resolve_filter(store, request)
    result.speaker, result.topic = resolved.speaker, resolved.topic
    result.notes = list(resolved.notes)
    # -n 0: all of them (every turn is the most there can be).
    limit = request.limit or max(store.turn_count(), 1)
    turn_query = resolved.turn_query(query, limit=limit, offset=request.offset)
    if not turn_query.has_criteria:
        if query.negative:
            raise UsageError(
                "a query of only exclusions needs a filter (--speaker, --topic, --episode or --lang)"
            )
        raise UsageError("give a query, or a filter (--speaker, --topic, --episode or --lang)")

    if query.positive:
        common = _too_common(store, query)
        if common:
            turn_query = turn_query._replace(ranked=False)
            result.note = (
                f"{', '.join(repr(w) for w in common)} occur in more than {FREQUENT_SHARE:.0%} of turns: "
                "hits are in episode order, not ranked; add a rarer word to rank them"
            )
    # What a hit shows and quotes: the query's words, else (a topic search) the topic's keywords.
    terms = query.terms() or list(turn_query.topic_terms)
    result.hits = cite_hits(store, store.search_turns(turn_query), terms)
    result.terms = terms
    if len(result.hits) == turn_query.limit:
        # A full page: say how many there are, counting no further than COUNT_AT_MOST (every
        # turn that holds `the` would cost more to count than the search itself).
        at_most = max(COUNT_AT_MOST, turn_query.offset + turn_query.limit)
        result.total = store.count_turns(turn_query, at_most=at_most + 1)
        if result.total > at_most:
            result.total, result.total_is_more = at_most, True
    else:
        result.total = turn_query.offset + len(result.hits)
    if request.context:
        _add_context(store, result.hits, request.context)
    if not result.hits and query.terms():
        result.suggestion = suggest_query(store, query)
    if request.query and not request.speaker:
        from .speakers import speaker_named

        who = speaker_named(store, request.query)
        if who:
            result.notes.append(
                f"{request.query!r} is the name of a speaker: what {who} said is "
                f'`podkb search --speaker "{who}"` (or `podkb quotes "{who}"`)'
            )
    return result


def search_or_correct(store: KnowledgeStore, request: SearchRequest) -> SearchResult:
    """search(), and when nothing matched but a close spelling would, the corrected query's
    result, its note saying so (the CLI and the MCP tools answer the same)."""
    result = search(store, request)
    if result.hits or not result.suggestion:
        return result
    corrected = search(store, request.model_copy(update={"query": result.suggestion}))
    said = f"no results for {request.query!r}; showing results for {result.suggestion!r}"
    corrected.note = f"{said}; {corrected.note}" if corrected.note else said
    return corrected


def _too_common(store: KnowledgeStore, query: Query) -> list[str]:
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


def _doc_freq(store: KnowledgeStore, word: str) -> int:
    """Turns holding the word, if it is among the common words counted at ingest (else 0)."""
    return store.common_terms().get(word, 0)


def cite_hits(store: KnowledgeStore, found: list[TurnHit], terms: list[Term]) -> list[Hit]:
    """The turns a search found as hits: each with its snippet and quote, and what a citation
    needs beside the turn, so that it needs no join (the episode's title and show, the times
    as hh:mm:ss, the paste-ready citation). A hit's fields are declared in results.Hit: a new
    one is set here and declared there."""
    episodes: dict[str, tuple[EpisodeCitation | None, str | None]] = {}
    hits = []
    for turn in found:
        if turn.episode_id not in episodes:
            episodes[turn.episode_id] = (
                store.episode_title_show(turn.episode_id),
                store.episode_audio_url(turn.episode_id),
            )
        hits.append(_hit(turn, terms, *episodes[turn.episode_id]))
    return hits


def _hit(
    turn: TurnHit, terms: list[Term], episode: EpisodeCitation | None, audio_url: str | None
) -> Hit:
    from .output import format_time
    from .quotes import make_quote
    from .results import Hit

    snippet, spans = make_snippet(turn.text, terms)
    quote = make_quote(
        turn.text, match_spans(turn.text, terms), times=turn.times, turn_start=turn.start
    )
    title, show = episode or (None, None)
    start_hms = format_time(turn.start) or None
    quote_start_hms = format_time(quote.start) or None
    at = quote.start if quote.start is not None else turn.start
    audio_at = audio_link(audio_url, at)
    hit = Hit(
        episode_id=turn.episode_id,
        turn=turn.turn,
        speaker=turn.speaker,
        speaker_label=turn.speaker_label,
        role=turn.role,
        text=turn.text,
        lang=turn.lang,
        start=turn.start,
        end=turn.end,
        chapter=turn.chapter,
        source=turn.source,
        line=turn.line,
        score=turn.score,
        snippet=snippet,
        matches=[(s, e) for s, e in spans],
        quote=quote.text,
        # A time read from JSON may be an int: a hit's times are floats, as the schema says.
        quote_start=None if quote.start is None else float(quote.start),
        quote_matches=list(quote.matches),
        episode_title=title,
        show=show,
        start_hms=start_hms,
        quote_start_hms=quote_start_hms,
        audio_url=audio_at,
        citation="",
    )
    hit.citation = hit.cite()
    return hit


def audio_link(audio_url: str | None, seconds: float | None) -> str | None:
    """The audio at the moment: a W3C media fragment `#t=SECONDS` (whole seconds as an integer,
    else up to three decimals), which browsers and most players honour. None without an audio
    URL or a time."""
    if not audio_url or seconds is None:
        return None
    at = f"{max(seconds, 0.0):.3f}".rstrip("0").rstrip(".")
    return f"{audio_url.split('#', 1)[0]}#t={at}"


def _add_context(store: KnowledgeStore, hits: list[Hit], n: int) -> None:
    """Each hit's `n` turns before and after, refused past MAX_CONTEXT_CHARS in all."""
    from .errors import UsageError
    from .limits import MAX_CONTEXT_CHARS

    chars = 0
    for hit in hits:
        hit.context = _context(store, hit, n)
        chars += sum(len(t.text) for t in (*hit.context.before, *hit.context.after))
        if chars > MAX_CONTEXT_CHARS:
            raise UsageError(
                f"--context {n} around {len(hits)} hits holds more than {MAX_CONTEXT_CHARS:,} "
                "characters of turns (podkb's limit for one search): lower --context or --limit"
            )


def _context(store: KnowledgeStore, hit: Hit, n: int) -> HitContext:
    from .results import HitContext

    turns = store.context_turns(hit.episode_id, hit.turn, n)
    return HitContext(
        before=[t for t in turns if t.turn < hit.turn],
        after=[t for t in turns if t.turn > hit.turn],
    )


# --- snippets ---------------------------------------------------------------------------------


def folded_with_offsets(text: str) -> tuple[str, Sequence[int]]:
    """The folded text and, for each folded character, the index of its source character."""
    if text.isascii():
        return text.lower(), range(len(text))  # one to one: no list to build
    pieces = list(map(fold_char, text))
    folded = "".join(pieces)
    if len(folded) == len(text) and "" not in pieces:
        # None dropped (an accent mark folds to "") and the lengths agree: every character
        # folded to exactly one, so the offsets are one to one.
        return folded, range(len(text))
    offsets: list[int] = []
    for i, f in enumerate(pieces):
        offsets.extend([i] * len(f))
    return folded, offsets


@functools.lru_cache(maxsize=65_536)  # a text repeats its characters: fold each one once
def fold_char(ch: str) -> str:
    """One character as the index folds it: "" for an accent written as a mark of its own
    (e + U+0301, as NFD text has it), which the index drops from the word too."""
    if ch.isascii():
        return ch.lower()
    return fold(ch)


def _source_end(text: str, offsets: Sequence[int], folded_end: int) -> int:
    """The source offset just after a match: past its last letter and that letter's marks."""
    end = offsets[folded_end - 1] + 1
    while end < len(text) and not text[end].isascii() and not fold_char(text[end]):
        end += 1
    return end


@functools.lru_cache(maxsize=256)  # a query's terms, once for all its hits
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


@functools.lru_cache(maxsize=64)
def _stem_candidates(stems: frozenset[str]) -> re.Pattern[str]:
    """Whole words that begin with a stem less its last letter (the stemmer rewrites at most
    the end of a word: happy -> happi, so "happ" is what every form shares)."""
    heads = sorted({s[:-1] or s for s in stems}, key=len, reverse=True)
    return re.compile(rf"(?<![^\W_])(?:{'|'.join(map(re.escape, heads))})[^\W_]*")


def match_spans(text: str, terms: list[Term]) -> list[tuple[int, int]]:
    """Where the query's terms occur in the original text (source character offsets)."""
    if not terms:
        return []
    folded, offsets = folded_with_offsets(text)
    spans: list[tuple[int, int]] = []
    for term in terms:
        for m in _term_pattern(term).finditer(folded):
            if m.end() > m.start():
                spans.append((offsets[m.start()], _source_end(text, offsets, m.end())))
    stems = frozenset(t.stemmed for t in terms if t.stemmed is not None)
    if stems:
        # Other forms of a query word (evaluated for evaluation) are highlighted as written:
        # only the words that begin like a stem are stemmed to check (a C-speed scan finds them).
        for m in _stem_candidates(stems).finditer(folded):
            if not is_cjk(m.group()) and stem(m.group()) in stems:
                spans.append((offsets[m.start()], _source_end(text, offsets, m.end())))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


# A turn longer than this (a whole episode in one turn, say) is not folded character by
# character: its first match is found chunk by chunk, and only a window around it is worked on,
# so a snippet or quote costs about the same for 15 MB as for 15 KB.
_LONG_TURN_CHARS = 20_000
_SCAN_CHUNK_CHARS = 65_536
_SCAN_OVERLAP_CHARS = 1_000  # longer than any one match: a match across two chunks is found


def _prefilter_keys(term: Term) -> list[str]:
    """Folded strings one of which any match of the term contains: its first word, and for a
    stemmed word its stem less the last letter (another form of the word, "happy" for
    "happiness", shares that much, not the whole query word)."""
    keys = list(term.words[:1])
    if term.stemmed:
        keys.append(term.stemmed[:-1] or term.stemmed)
    return keys


def _match_window(text: str, terms: list[Term], width: int) -> tuple[int, int]:
    """Source offsets of a window of about 4 x width around the first match in a long text."""
    for start in range(0, len(text), _SCAN_CHUNK_CHARS):
        chunk = text[start : start + _SCAN_CHUNK_CHARS + _SCAN_OVERLAP_CHARS]
        folded = fold(chunk)  # one C-speed pass: most chunks hold none of the query's words
        if not any(key in folded for t in terms for key in _prefilter_keys(t)):
            continue
        found = match_spans(chunk, terms)
        if found:
            at = start + found[0][0]
            return max(0, at - 2 * width), min(len(text), at + 2 * width)
    return 0, min(len(text), 4 * width)


def quote_text(
    text: str, terms: list[Term], width: int = QUOTE_CHARS
) -> tuple[str, list[list[int]]]:
    """A whole turn with its match spans, or, for a turn longer than `width`, a window of it
    around the first match (marked with "…")."""
    flat = " ".join(text.split()) if len(text) <= _LONG_TURN_CHARS else text
    if len(flat) <= width:
        return flat, [list(s) for s in match_spans(flat, terms)]
    return make_snippet(text, terms, width)


def make_snippet(
    text: str, terms: list[Term], width: int = SNIPPET_CHARS
) -> tuple[str, list[list[int]]]:
    """A window of the turn around its first match, and the match spans inside the window."""
    cut_before = cut_after = False
    if len(text) > _LONG_TURN_CHARS:
        lo, hi = _match_window(text, terms, width) if terms else (0, 4 * width)
        cut_before, cut_after = lo > 0, hi < len(text)
        text = text[lo:hi]
    flat = " ".join(text.split())
    spans = match_spans(flat, terms)
    if len(flat) <= width and not (cut_before or cut_after):
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
    prefix = "…" if start > 0 or cut_before else ""
    suffix = "…" if end < len(flat) or cut_after else ""
    shift = len(prefix) - start
    inside = [[s + shift, e + shift] for s, e in spans if s >= start and e <= end]
    return f"{prefix}{flat[start:end]}{suffix}", inside


# --- did you mean -----------------------------------------------------------------------------


def vocabulary(store: KnowledgeStore, starting_with: str | None = None) -> dict[str, int]:
    """Indexed words (body column, spaced scripts only) with their document counts."""
    terms = store.body_terms(starting_with=starting_with)
    if starting_with and not is_cjk(starting_with) and not starting_with[0].isdigit():
        return dict(terms)  # the range holds neither CJK runs nor numbers: nothing to drop
    return {term: docs for term, docs in terms if not is_cjk(term) and not term.isdigit()}


def suggest_query(store: KnowledgeStore, query: Query) -> str | None:
    """The query with each unknown word replaced by the closest indexed word, if any is close.

    Candidates share the word's first letter (as most spelling correctors assume, a typo is
    rarely in the first letter): the store reads that range of its vocabulary, not all of it,
    so a suggestion costs about the same in a store of a million turns as in one of a hundred.
    """
    from rapidfuzz import fuzz, process

    text = query.text
    changed = False
    for term in query.terms():
        for word in term.words:
            if is_cjk(word) or len(word) < 3:
                continue
            vocab = vocabulary(store, starting_with=word[0])
            if not vocab or word in vocab:
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


__all__ = ["SearchRequest", "SearchResult", "TurnFilter", "search", "make_snippet", "match_spans"]
