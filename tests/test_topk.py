"""The top-k fast path (store/impacts.py): the same hits, scores and order as scoring every match.

The impact lists answer a query only when they prove its top k; these tests hold every answer
they give to FTS5's full scoring (bm25 over every match), on a synthetic store whose lists are
small enough that some proofs succeed and some fall back, after ingests, removals, a rebuild
and a migration, and on the seed transcripts.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import SEEDS

from podkb.episodes import delete_episodes
from podkb.ingest import ingest_paths
from podkb.query import parse_query
from podkb.request import TURN_CONDITIONS
from podkb.store import Store, impacts
from podkb.store.base import TurnQuery
from podkb.store.sqlite import _BM25, SCHEMA_VERSION, fts_clause

_WORDS = (
    "model models modeling modeled run running runs data open source the of and a to "
    "team build question problem answer graph vector token train training trained"
).split() + [f"w{i}x" for i in range(200)]
_HAN = "模型数据开源训练问题团队向量图我们你他的了是在有和"
_SPEAKERS = ["Ada Quist", "Bo Lind", "Cy Moreau", "Di Novak", "Ed Varga"]


def _english_turn(rng: random.Random) -> str:
    n = rng.randint(3, 40)
    weights = [1 / (i + 1) for i in range(len(_WORDS))]
    words = rng.choices(_WORDS, weights=weights, k=n)
    if rng.random() < 0.05:
        words[rng.randrange(n) : rng.randrange(n) + 1] = ["open", "source"]
    return " ".join(words).capitalize() + "."


def _chinese_turn(rng: random.Random) -> str:
    return "".join(rng.choices(_HAN, k=rng.randint(2, 30))) + "。"


def _write_corpus(folder: Path, files: int, *, seed: int, start: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + files):
        rng = random.Random(seed * 1000 + i)
        host, guest = rng.sample(_SPEAKERS, 2)
        lines = []
        for t in range(100):
            who = host if t % 2 == 0 else guest
            text = _chinese_turn(rng) if rng.random() < 0.1 else _english_turn(rng)
            lines.append(f"{who}: {text}")
        path = folder / f"ep-{i:03d}.txt"
        path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture()
def small_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lists a thousand times shorter than a real store's, so a store of a few thousand turns
    holds listed terms, rests and failed proofs."""
    monkeypatch.setattr(impacts, "LIST_MIN_DF", 30)
    monkeypatch.setattr(impacts, "LIST_LENGTH", 12)
    monkeypatch.setattr(impacts, "FETCH_MAX", 120)
    monkeypatch.setattr(impacts, "BUILD_MIN_TURNS", 500)


# (query, filters): every shape the fast path answers, and shapes it must leave to FTS5.
SHAPES: list[tuple[str, dict[str, Any]]] = [
    ("model", {}),  # a frequent word with other forms (stems)
    ("run", {}),
    ("running", {}),  # stem differs from the word: three phrases
    ("data", {}),
    ("the", {}),  # in most turns (search() answers it unranked; the store still ranks it)
    ("w3x", {}),
    ("w40x", {}),  # rare: FTS5 scores its few matches
    ('"model"', {}),  # exact: body only
    ("模", {}),  # one CJK character: the uni column
    ("模型", {}),  # two: one bigram
    ("数据开源", {}),  # three bigrams: a phrase, left to FTS5
    ('"open source"', {}),  # a phrase, left to FTS5
    ("mod*", {}),  # a prefix of four listed forms: the sum of their bounds
    ("sourc*", {}),  # a prefix of one listed form: its own bound
    ("trai*", {"lang": "en"}),
    ("w1*", {}),  # more forms than MAX_EXPANSIONS: left to FTS5
    ('"open sour"*', {}),  # a phrase prefix, left to FTS5
    ("model -data", {}),  # an exclusion, left to FTS5
    ("model data", {}),  # two clauses, left to FTS5
    ("model", {"speaker": "Ada Quist"}),
    ("data", {"speaker": "Bo Lind"}),
    ("模型", {"speaker": "Cy Moreau"}),
    ("model", {"lang": "en"}),
    ("模", {"lang": "zh"}),
    ("model", {"role": "host"}),
    ("model", {"limit": 3}),
    ("model", {"limit": 10, "offset": 10}),
    ("data", {"limit": 40}),
    ("model", {"limit": 200}),  # deeper than the lists: left to FTS5
]


def _turn_query(store: Store, text: str, filters: dict[str, Any]) -> TurnQuery:
    parsed = parse_query(text)
    args = {"limit": 10, **filters}
    if "episode" in args:
        args["episode_ids"] = (args.pop("episode"),)
    args["conditions"] = tuple((k, args.pop(k)) for k in list(args) if k in TURN_CONDITIONS)
    return TurnQuery(all_of=tuple(parsed.positive), none_of=tuple(parsed.negative), **args)


class Both:
    """Each query run twice: through the store (fast path first) and with FTS5 scoring all."""

    def __init__(self, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
        self.store, self.monkeypatch = store, monkeypatch
        self.answered = 0

    def run(self, text: str, filters: dict[str, Any]) -> tuple[list[Any], list[Any]]:
        query = _turn_query(self.store, text, filters)
        real_top = impacts.top

        def counting(*args: Any, **kwargs: Any) -> impacts.Answer | None:
            answer = real_top(*args, **kwargs)
            self.answered += answer is not None
            return answer

        with self.monkeypatch.context() as m:
            m.setattr(impacts, "top", counting)
            fast = self.store.search_turns(query)
        with self.monkeypatch.context() as m:
            m.setattr(impacts, "top", lambda *a, **k: None)
            full = self.store.search_turns(query)
        return fast, full

    def check_all(self) -> None:
        for text, filters in SHAPES:
            fast, full = self.run(text, filters)
            assert fast == full, (text, filters)


@pytest.fixture()
def corpus_store(tmp_path: Path, small_lists: None) -> Iterator[Store]:
    paths = _write_corpus(tmp_path / "corpus", 30, seed=1)
    with Store(tmp_path / "kb.db") as store:
        report = ingest_paths(paths, store)
        assert not report.failed
        yield store


def test_every_query_shape_gets_the_same_hits_scores_and_order(corpus_store, monkeypatch):
    both = Both(corpus_store, monkeypatch)
    both.check_all()
    # The lists proved most of the shapes they cover (else this test would compare FTS5 to itself).
    assert both.answered >= 6


def test_episode_filters_and_a_selective_speaker_get_the_same_answers(corpus_store, monkeypatch):
    both = Both(corpus_store, monkeypatch)
    ids = sorted(corpus_store.episode_ids())
    for filters in (
        {"episode": ids[3]},
        {"episode_ids": tuple(ids[:20])},  # what --show or --since leave
        {"episode_ids": tuple(ids[:2])},
        {"speaker": "Ed Varga", "limit": 3},
    ):
        for word in ("model", "data", "模"):
            fast, full = both.run(word, filters)
            assert fast == full, (word, filters)
    assert both.answered >= 1


def test_too_many_unreadable_turns_leave_every_query_to_fts5(corpus_store, monkeypatch):
    conn = corpus_store.conn
    with corpus_store.transaction():
        conn.execute("INSERT INTO impact_pending(turn_id) SELECT id FROM turns LIMIT 50")
    monkeypatch.setattr(impacts, "MAX_CANDIDATES", 40)
    both = Both(corpus_store, monkeypatch)
    both.check_all()
    assert both.answered == 0


def test_the_lists_score_a_row_exactly_as_bm25_does(corpus_store):
    conn = corpus_store.conn
    for text in ("model", "running", "模", "模型", "data", "w40x"):
        (clause,) = parse_query(text).positive
        match = fts_clause(clause)
        expected = dict(
            conn.execute(
                f"SELECT rowid, {_BM25} FROM turn_index WHERE turn_index MATCH ?", (match,)
            ).fetchall()
        )
        ranks = impacts.exact_ranks(conn, clause.terms[0], expected, _index_row())
        assert ranks == expected, text  # bit for bit, not to 4 places, for every match


def _index_row() -> impacts.IndexRow:
    from podkb.store.sqlite import _index_row as index_row

    return index_row


def test_answers_stay_the_same_after_ingests_and_removals(tmp_path, corpus_store, monkeypatch):
    both = Both(corpus_store, monkeypatch)
    # A second ingest: new turns join lists or lower the rests' bounds.
    more = _write_corpus(tmp_path / "more", 6, seed=2, start=100)
    assert not ingest_paths(more, corpus_store).failed
    both.check_all()
    # Removing episodes (the last one too, so new turns reuse its ids) only loosens bounds.
    ids = sorted(corpus_store.episode_ids())
    delete_episodes(corpus_store, [ids[0], ids[5], ids[-1]])
    both.check_all()
    again = _write_corpus(tmp_path / "again", 2, seed=3, start=200)
    assert not ingest_paths(again, corpus_store).failed
    both.check_all()
    assert both.answered >= 18


def test_a_turn_the_lists_cannot_read_safely_is_scored_by_every_query(
    tmp_path, corpus_store, monkeypatch
):
    # Greek: outside the characters the lists read as FTS5 does (FTS5's Unicode tables may
    # differ from Python's), so the turn is scored by every query instead.
    odd = tmp_path / "odd" / "odd.txt"
    odd.parent.mkdir()
    odd.write_text(
        "Ada Quist: model model model μοντέλο model.\n\nBo Lind: model.\n", encoding="utf-8"
    )
    assert not ingest_paths([odd], corpus_store).failed
    pending = corpus_store.conn.execute("SELECT count(*) FROM impact_pending").fetchone()[0]
    assert pending >= 1
    Both(corpus_store, monkeypatch).check_all()


def test_a_build_reads_every_turns_frequencies_from_the_index_itself(
    tmp_path, corpus_store, monkeypatch
):
    # The Greek turn is pending after an ingest into a store with lists (its terms were read
    # by Python); a build reads FTS5's own doclists, so it is counted exactly and pends no more.
    odd = tmp_path / "odd" / "odd.txt"
    odd.parent.mkdir()
    odd.write_text("Ada Quist: μοντέλο" + " model" * 8 + ".\n", encoding="utf-8")
    assert not ingest_paths([odd], corpus_store).failed
    conn = corpus_store.conn
    assert conn.execute("SELECT count(*) FROM impact_pending").fetchone()[0] == 1
    with corpus_store.transaction():
        impacts.build(conn)
    assert conn.execute("SELECT count(*) FROM impact_pending").fetchone()[0] == 0
    conn.execute("CREATE VIRTUAL TABLE temp.inst USING fts5vocab(main, turn_index, instance)")
    listed = conn.execute(
        "SELECT t.col, t.term, p.turn_id, p.tf FROM impact_postings p"
        " JOIN impact_terms t ON t.id = p.term_id"
    ).fetchall()
    assert len(listed) > 100
    for col, term, turn_id, tf in listed:
        instances = conn.execute(
            "SELECT count(*) FROM temp.inst WHERE term = ? AND col = ? AND doc = ?",
            (term, col, turn_id),
        ).fetchone()[0]
        assert (col, term, turn_id, tf) == (col, term, turn_id, instances)
    greek = conn.execute("SELECT max(id) FROM turns").fetchone()[0]
    assert ("body", "model", greek, 8) in {(c, t, r, f) for c, t, r, f in listed}
    Both(corpus_store, monkeypatch).check_all()


def test_a_rebuild_and_a_migration_give_the_same_answers(tmp_path, corpus_store, monkeypatch):
    both = Both(corpus_store, monkeypatch)
    with corpus_store.transaction():
        corpus_store.rebuild_index()
    both.check_all()
    # A schema 7 store (no lists) is migrated: the lists are built from its turns.
    path = corpus_store.path
    corpus_store.close()
    conn = sqlite3.connect(path)
    for table in ("impact_postings", "impact_terms", "impact_pending"):
        conn.execute(f"DROP TABLE {table}")
    conn.execute("DELETE FROM meta WHERE key LIKE 'impacts_%'")
    conn.execute("UPDATE meta SET value='7' WHERE key='schema_version'")
    conn.commit()
    conn.close()
    with Store(path, create=False) as store:
        version = store.conn.execute("SELECT value FROM meta WHERE key='schema_version'")
        assert int(version.fetchone()[0]) == SCHEMA_VERSION
        assert store.conn.execute("SELECT count(*) FROM impact_terms").fetchone()[0] > 0
        migrated = Both(store, monkeypatch)
        migrated.check_all()
        assert migrated.answered >= 6


def test_the_seed_transcripts_get_the_same_answers(tmp_path, small_lists, monkeypatch):
    monkeypatch.setattr(impacts, "BUILD_MIN_TURNS", 1)
    with Store(tmp_path / "seeds.db") as store:
        assert not ingest_paths([SEEDS], store).failed
        both = Both(store, monkeypatch)
        words = ["model", "data", "think", "training", "people", "open", "模型", "的"]
        for word in words:
            for filters in ({}, {"lang": "en"}, {"limit": 25}):
                fast, full = both.run(word, filters)
                assert fast == full, (word, filters)
        assert both.answered >= 5


def test_a_small_store_has_no_lists_and_a_grown_one_gets_them(tmp_path, small_lists):
    with Store(tmp_path / "kb.db") as store:
        assert not ingest_paths(_write_corpus(tmp_path / "a", 4, seed=5), store).failed
        assert not impacts.is_built(store.conn)  # 400 turns: FTS5 scores every query
        assert not ingest_paths(_write_corpus(tmp_path / "b", 2, seed=6), store).failed
        assert impacts.is_built(store.conn)  # 600 turns: built after the ingest
        built = store.conn.execute("SELECT value FROM meta WHERE key = 'impacts_turns'")
        assert int(built.fetchone()[0]) == 600


@pytest.mark.parametrize(
    ("blob", "values"),
    [(b"\x05\x00\x7f", [5, 0, 127]), (b"\x81\x00\x02", [128, 2]), (b"\xff\x7f", [16383])],
)
def test_fts5_varints_are_read_as_sqlite_writes_them(blob, values):
    assert impacts._varints(blob) == values
    assert impacts.row_length(blob) == sum(values)


PREFIXES: list[tuple[str, dict[str, Any]]] = [
    ("sourc*", {}),  # one listed form: its rest's own bound
    ("sou*", {"limit": 3}),
    ("sourc*", {"limit": 10, "offset": 5}),
    ("sour*", {"lang": "en"}),
    ("mod*", {}),  # four listed forms: a looser bound over their sum
    ("model*", {"limit": 10, "offset": 10}),
    ("trai*", {}),
    ("run*", {"lang": "en"}),
    ("mod*", {"speaker": "Ada Quist"}),
    ("mod*", {"role": "guest"}),
    ("w4*", {}),
]


def test_a_prefix_is_answered_from_its_forms_lists_with_the_same_answers(
    tmp_path, corpus_store, monkeypatch
):
    both = Both(corpus_store, monkeypatch)
    for text, filters in PREFIXES:
        fast, full = both.run(text, filters)
        assert fast == full, (text, filters)
    assert both.answered >= 3  # before: every prefix was left to FTS5
    # New turns and removed episodes keep the forms' lists and bounds valid for prefixes too.
    more = _write_corpus(tmp_path / "more", 4, seed=7, start=300)
    assert not ingest_paths(more, corpus_store).failed
    delete_episodes(corpus_store, sorted(corpus_store.episode_ids())[:3])
    for text, filters in PREFIXES:
        fast, full = both.run(text, filters)
        assert fast == full, (text, filters)


def test_a_prefix_with_one_frequent_form_reads_its_rare_forms_in_full(corpus_store, monkeypatch):
    # w4x is listed; w40x..w49x are not: each is read in full, so only w4x's rest is bounded.
    monkeypatch.setattr(impacts, "LIST_MIN_DF", 200)
    monkeypatch.setattr(impacts, "FETCH_MAX", 2000)
    monkeypatch.setattr(impacts, "MAX_CANDIDATES", 3000)
    with corpus_store.transaction():
        corpus_store.rebuild_index()
    both = Both(corpus_store, monkeypatch)
    for filters in ({}, {"limit": 3}, {"lang": "en"}):
        fast, full = both.run("w4*", filters)
        assert fast == full, filters
    assert both.answered == 3


def test_the_lists_score_a_prefix_exactly_as_bm25_does(corpus_store, monkeypatch):
    conn = corpus_store.conn
    # Lists as long as the store: nothing is left to a bound, every match is a candidate.
    monkeypatch.setattr(impacts, "LIST_LENGTH", 10_000)
    monkeypatch.setattr(impacts, "MAX_CANDIDATES", 10_000)
    with corpus_store.transaction():
        corpus_store.rebuild_index()
    for text in ("sourc*", "mod*", "w4*"):
        query = _turn_query(corpus_store, text, {"limit": 100})
        match = fts_clause(query.all_of[0])
        expected = conn.execute(
            f"SELECT rowid, {_BM25} AS r FROM turn_index WHERE turn_index MATCH ?"
            " ORDER BY r, rowid LIMIT 100",
            (match,),
        ).fetchall()
        answer = impacts.top(conn, query, [], [], _index_row())
        assert answer is not None, text
        assert answer.rows == [tuple(r) for r in expected], text  # ranks compared with ==


def _all_matches(store: Store, query: TurnQuery) -> int:
    return store.count_turns(query)


@pytest.mark.parametrize(
    ("text", "filters"),
    [
        ("model", {}),
        ("the", {}),
        ("running", {}),
        ("模", {}),
        ("model data", {}),
        ("model -data", {}),
        ("mod*", {}),
        ("model", {"lang": "en"}),
        ("model", {"lang": "EN", "role": "host"}),
        ("model", {"speaker": "Ada Quist"}),
        ("w40x", {}),
    ],
)
def test_a_page_count_says_more_than_n_only_when_there_are(corpus_store, text, filters):
    query = _turn_query(corpus_store, text, filters)
    total = _all_matches(corpus_store, query)
    for at_most in (1, 5, 50, total, total + 1, 10_000):
        assert corpus_store.count_turns(query, at_most=at_most) == min(total, at_most)


def test_a_frequent_words_count_is_read_from_the_vocabulary(corpus_store):
    conn = corpus_store.conn
    query = _turn_query(corpus_store, "model", {})
    docs = conn.execute(
        "SELECT count(*) FROM turn_index WHERE turn_index MATCH 'body : \"model\"'"
    ).fetchone()[0]
    assert impacts.holds_at_least(conn, query, docs)
    assert not impacts.holds_at_least(conn, query, _all_matches(corpus_store, query) + 1)
    for filters in ({"lang": "en"}, {"speaker": "Ada Quist"}, {"episode": "ep-001"}):
        assert not impacts.holds_at_least(conn, _turn_query(corpus_store, "model", filters), 1)


@pytest.mark.parametrize("text", ["source", "data", "running", "model"])
def test_a_listed_words_other_column_is_counted_too(corpus_store, text):
    """A query word reads its word and its stem in body and stems (term_phrases). Where a token
    is listed in one of them, its turn count in the other is kept too, even where it is rare or
    absent (`sourc`, the stem of source, is in no body): counting it from the index would walk
    the token's whole doclist, the cost of a frequent word's query at 10M turns."""
    conn = corpus_store.conn
    for col, tok in impacts.term_phrases(parse_query(text).positive[0].terms[0]) or []:
        matched = conn.execute(
            "SELECT count(*) FROM turn_index WHERE turn_index MATCH ?", (f'{col} : "{tok}"',)
        ).fetchone()[0]
        assert impacts._kept_doc(conn, col, tok) == matched, (col, tok)


def test_a_token_listed_beside_its_frequent_twin_holds_every_turn_it_is_in(
    tmp_path, small_lists, monkeypatch
):
    """However many turns a rare twin has, its list is whole (floor 0.0, no rest): a query
    then knows its frequency in every turn, as it did reading the twin's turns in full, and a
    language filter leaves the proof the same candidates (a twin cut to LIST_LENGTH was not
    proved at 10M turns). `datas` puts `data`, frequent in body, in 20 turns' stems."""
    paths = _write_corpus(tmp_path / "corpus", 30, seed=1)
    extra = tmp_path / "corpus" / "datas.txt"
    extra.write_text(
        "\n\n".join(
            f"{('Ada Quist', 'Bo Lind')[i % 2]}: Datas of run {i} and the model." for i in range(20)
        )
        + "\n",
        encoding="utf-8",
    )
    with Store(tmp_path / "kb.db") as store:
        assert not ingest_paths([*paths, extra], store).failed
        _check_whole_twins(store.conn)
        both = Both(store, monkeypatch)
        for filters, proved in (({}, 1), ({"lang": "en"}, 1), ({"role": "host"}, 0)):
            before = both.answered
            fast, full = both.run("data", filters)
            assert fast == full, filters
            # The lists prove `data` with and without the language filter (a twin cut to
            # LIST_LENGTH proved neither); the host's share leaves too few candidates.
            assert both.answered - before == proved, filters


def _check_whole_twins(conn: sqlite3.Connection) -> None:
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.podkb_vocab USING fts5vocab(main, turn_index, col)"
    )
    vocab = {
        (col, term): doc
        for term, col, doc in conn.execute(
            "SELECT term, col, doc FROM temp.podkb_vocab WHERE col IN ('body', 'stems')"
        )
    }
    twins = [
        (col, term, floor, rest, doc, postings)
        for col, term, floor, rest, doc, postings in conn.execute(
            "SELECT col, term, floor, rest, doc,"
            " (SELECT count(*) FROM impact_postings WHERE term_id = impact_terms.id)"
            " FROM impact_terms WHERE col IN ('body', 'stems')"
        )
        if vocab.get((col, term), 0) <= impacts.LIST_MIN_DF
    ]
    assert any(doc == 0 for *_, doc, _ in twins)  # `sourc` in body
    assert any(doc > impacts.LIST_LENGTH for *_, doc, _ in twins)  # longer than a list
    for col, term, floor, rest, doc, postings in twins:
        assert (floor, rest, postings) == (0.0, "{}", doc), (col, term)


def test_a_language_filtered_count_reads_the_filters_index(tmp_path, corpus_store):
    query = _turn_query(corpus_store, "model", {"lang": "en"})
    expected = corpus_store.count_turns(query)
    sql = (
        "EXPLAIN QUERY PLAN SELECT 1 FROM turn_index JOIN turns t INDEXED BY turns_filters"
        " ON t.id = turn_index.rowid WHERE turn_index MATCH 'model' AND t.lang = 'en'"
    )
    plan = " ".join(str(r[-1]) for r in corpus_store.conn.execute(sql))
    assert "COVERING INDEX turns_filters" in plan
    # A schema 8 store gets the index from the migration; read-only before it, counts still work.
    path = corpus_store.path
    corpus_store.close()
    conn = sqlite3.connect(path)
    conn.execute("DROP INDEX turns_filters")
    conn.execute("UPDATE meta SET value='8' WHERE key='schema_version'")
    conn.commit()
    conn.close()
    with Store(path, create=False, read_only=True) as store:
        assert store.count_turns(query) == expected
    with Store(path, create=False) as store:
        names = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
        assert "turns_filters" in names
        assert store.count_turns(query) == expected
        assert store.count_turns(query, at_most=7) == min(expected, 7)


def _kept_docs_match_the_index(store: Store) -> int:
    """Every listed term's kept turn count equals what FTS5's vocabulary counts; returns how
    many are known."""
    conn = store.conn
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.check_vocab USING fts5vocab(main, turn_index, col)"
    )
    vocab = {
        (col, term): doc
        for term, col, doc in conn.execute("SELECT term, col, doc FROM temp.check_vocab")
    }
    kept = conn.execute("SELECT col, term, doc FROM impact_terms WHERE doc IS NOT NULL").fetchall()
    for col, term, doc in kept:
        assert doc == vocab.get((col, term), 0), (col, term)
    return len(kept)


def test_each_listed_terms_turn_count_is_kept_exact_by_every_write(tmp_path, corpus_store):
    listed = corpus_store.conn.execute("SELECT count(*) FROM impact_terms").fetchone()[0]
    assert _kept_docs_match_the_index(corpus_store) == listed
    assert not ingest_paths(
        _write_corpus(tmp_path / "more", 4, seed=8, start=400), corpus_store
    ).failed
    delete_episodes(corpus_store, sorted(corpus_store.episode_ids())[2:5])
    # A re-ingest of changed files replaces their episodes' turns.
    changed = _write_corpus(tmp_path / "more", 2, seed=9, start=400)
    assert not ingest_paths(changed, corpus_store).failed
    assert _kept_docs_match_the_index(corpus_store) == listed
    # A turn FTS5 may read otherwise: the counts of the terms it may hold become unknown
    # (read from the vocabulary again), the others stay exact.
    odd = tmp_path / "odd" / "odd.txt"
    odd.parent.mkdir()
    odd.write_text("Ada Quist: model data μοντέλο.\n", encoding="utf-8")
    assert not ingest_paths([odd], corpus_store).failed
    known = _kept_docs_match_the_index(corpus_store)
    assert 0 < known < listed
    delete_episodes(corpus_store, ["odd"])
    assert 0 < _kept_docs_match_the_index(corpus_store) < listed
    with corpus_store.transaction():
        corpus_store.rebuild_index()  # doctor --repair: counted again
    assert _kept_docs_match_the_index(corpus_store) == listed


def _check(health: Any, name: str) -> Any:
    return next(c for c in health.checks if c.name == name)


@pytest.mark.parametrize(
    ("damage", "detail"),
    [
        (
            "INSERT INTO impact_postings(term_id, turn_id, tf)"
            " SELECT min(id), (SELECT max(id) + 1 FROM turns), 1 FROM impact_terms",
            "1 impact postings of turns that no longer exist",
        ),
        (
            "INSERT INTO impact_postings(term_id, turn_id, tf)"
            " SELECT (SELECT max(id) + 1 FROM impact_terms), min(id), 1 FROM turns",
            "1 impact postings of no listed term",
        ),
        (
            "INSERT INTO impact_pending(turn_id) SELECT max(id) + 7 FROM turns",
            "1 pending turns that no longer exist",
        ),
        ("DELETE FROM meta WHERE key = 'impacts_avgdl'", "impact lists without their build record"),
    ],
)
def test_doctor_finds_impact_lists_out_of_step_with_the_turns_and_repair_rebuilds_them(
    corpus_store, damage, detail
):
    from podkb.store.sqlite import diagnose, repair

    path = corpus_store.location
    healthy = _check(diagnose(path), "impacts")
    assert healthy.ok and "impact lists, consistent with the turns" in healthy.detail
    with corpus_store.transaction():
        corpus_store.conn.execute(damage)
    found = _check(diagnose(path), "impacts")
    assert not found.ok and detail in found.detail
    assert "doctor --repair" in found.advice
    corpus_store.close()
    repair(path)
    assert _check(diagnose(path), "impacts").ok


def test_doctor_says_nothing_of_lists_a_small_store_does_not_have(seed_db):
    from podkb.store.sqlite import diagnose

    assert "impacts" not in {c.name for c in diagnose(seed_db).checks}


@pytest.mark.parametrize(
    "text, filters",
    [
        ("data", {"speaker": "Ed Varga"}),  # scored by FTS5: the speaker leaves too few
        ("source", {"speaker": "Ed Varga"}),
        ("model -source", {"speaker": "Ed Varga"}),  # an exclusion's phrases too
        ("data", {"role": "host"}),
        ("source", {}),
    ],
)
def test_a_phrase_in_no_turn_is_left_out_of_the_match_with_the_same_answers(
    corpus_store, monkeypatch, text, filters
):
    """The stem as a word in body (`body : sourc`) is in no turn, and the lists know it; FTS5
    would walk the token's whole doclist to find that out. Left out of the MATCH, it changes
    no hit, score, order or count (it adds 0.0 to every row's bm25)."""
    query = _turn_query(corpus_store, text, filters)
    conn = corpus_store.conn
    empty = impacts.empty_phrases(
        conn, [t for c in (*query.all_of, *query.none_of) for t in c.terms]
    )
    if "source" in text:
        assert ("body", "sourc") in empty
    compiled = corpus_store._compile(query)
    assert compiled is not None
    match, exclusion = " ".join(compiled[0]), compiled[1] or ""
    for col, tok in empty:
        phrase = f'{col} : "{tok}"'
        assert (
            conn.execute(
                "SELECT count(*) FROM turn_index WHERE turn_index MATCH ?", (phrase,)
            ).fetchone()[0]
            == 0
        )
        assert phrase not in match and phrase not in exclusion
    answer = corpus_store.search_turns(query), corpus_store.count_turns(query)
    with monkeypatch.context() as m:
        m.setattr(impacts, "empty_phrases", lambda *a, **k: frozenset())
        m.setattr(impacts, "top", lambda *a, **k: None)
        assert (corpus_store.search_turns(query), corpus_store.count_turns(query)) == answer
