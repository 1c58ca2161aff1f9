"""The top-k fast path on PostgreSQL (store/pg_impacts.py): the same hits, scores and order as
scoring every match, on a real throwaway server.

Each query is run twice on the same store, once with the impact lists answering where they can
prove the top k and once with them switched off (every match scored, what the store did before),
over a synthetic corpus whose lists are small enough that some proofs succeed and some fall
back; again after ingests, removals, re-ingests of changed files, a repair and a migration; and
the answers are held to SQLite's on the same corpus.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from conftest import SEEDS
from test_topk import SHAPES, _turn_query, _write_corpus

from podkb.episodes import delete_episodes
from podkb.ingest import ingest_paths
from podkb.store import Store, impacts, open_store, pg_impacts
from podkb.store.postgres import SCHEMA_VERSION, PostgresStore


@pytest.fixture()
def small_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lists a thousand times shorter than a real store's (the constants both engines read),
    every frequent term listed, so a store of a few thousand turns holds lists, rests and
    failed proofs."""
    monkeypatch.setattr(impacts, "LIST_MIN_DF", 30)
    monkeypatch.setattr(impacts, "LIST_LENGTH", 12)
    monkeypatch.setattr(impacts, "FETCH_MAX", 120)
    monkeypatch.setattr(impacts, "BUILD_MIN_TURNS", 500)
    monkeypatch.setattr(pg_impacts, "LIST_MAX_SHARE", 1.0)


class Both:
    """Each query run twice: with the lists answering first, and with every match scored."""

    def __init__(self, store: PostgresStore, monkeypatch: pytest.MonkeyPatch) -> None:
        self.store, self.monkeypatch = store, monkeypatch
        self.answered = 0

    def run(self, text: str, filters: dict[str, Any]) -> tuple[list[Any], list[Any]]:
        query = _turn_query(self.store, text, filters)  # type: ignore[arg-type]
        real_top = pg_impacts.top

        def counting(*args: Any, **kwargs: Any) -> list[tuple[int, float]] | None:
            answer = real_top(*args, **kwargs)
            self.answered += answer is not None
            return answer

        with self.monkeypatch.context() as m:
            m.setattr(pg_impacts, "top", counting)
            fast = self.store.search_turns(query)
        with self.monkeypatch.context() as m:
            m.setattr(pg_impacts, "top", lambda *a, **k: None)
            full = self.store.search_turns(query)
        return fast, full

    def check_all(self) -> None:
        for text, filters in SHAPES:
            fast, full = self.run(text, filters)
            assert fast == full, (text, filters)


def _built(store: PostgresStore) -> bool:
    return pg_impacts.is_built(store.conn)


@pytest.fixture()
def corpus_pg(tmp_path: Path, small_lists: None, new_pg_database) -> Iterator[PostgresStore]:
    paths = _write_corpus(tmp_path / "corpus", 30, seed=1)
    store = open_store(new_pg_database())
    assert isinstance(store, PostgresStore)
    with store:
        assert not ingest_paths(paths, store).failed
        assert _built(store)  # 3,000 turns: built after the ingest
        yield store


def test_every_query_shape_gets_the_same_hits_scores_and_order(corpus_pg, monkeypatch):
    both = Both(corpus_pg, monkeypatch)
    both.check_all()
    # The lists proved most of the shapes they cover (else this compares the ranking to itself).
    assert both.answered >= 6


def test_episode_filters_and_a_selective_speaker_get_the_same_answers(corpus_pg, monkeypatch):
    both = Both(corpus_pg, monkeypatch)
    ids = sorted(corpus_pg.episode_ids())
    for filters in (
        {"episode": ids[3]},
        {"episode_ids": tuple(ids[:20])},
        {"episode_ids": tuple(ids[:2])},
        {"speaker": "Ed Varga", "limit": 3},
        {"lang": "zh"},
    ):
        for word in ("model", "data", "模"):
            fast, full = both.run(word, filters)
            assert fast == full, (word, filters)
    assert both.answered >= 1


@pytest.mark.slow  # 4-7 s of PostgreSQL writes (the SQLite twin runs by default); CI runs it
def test_answers_stay_the_same_after_ingests_removals_and_reingests(
    tmp_path, corpus_pg, monkeypatch
):
    both = Both(corpus_pg, monkeypatch)
    # A second ingest: new turns join lists or lower the rests' bounds.
    more = _write_corpus(tmp_path / "more", 6, seed=2, start=100)
    assert not ingest_paths(more, corpus_pg).failed
    both.check_all()
    # Removing episodes only loosens bounds (their postings go with them).
    ids = sorted(corpus_pg.episode_ids())
    delete_episodes(corpus_pg, [ids[0], ids[5], ids[-1]])
    left = corpus_pg.conn.execute(
        "SELECT count(*) FROM impact_postings p WHERE NOT EXISTS"
        " (SELECT 1 FROM turns t WHERE t.id = p.turn_id)"
    ).fetchone()[0]
    assert left == 0
    both.check_all()
    # A changed file ingested again replaces its episode: its old turns leave, new ones join.
    changed = more[0]
    changed.write_text(
        "Ada Quist: model model model model data.\n\nBo Lind: model.\n\n"
        + changed.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    assert not ingest_paths([changed], corpus_pg).failed
    both.check_all()
    assert both.answered >= 18


def test_a_turn_strong_enough_to_top_the_list_after_the_build_is_found(
    tmp_path, corpus_pg, monkeypatch
):
    # Short turns that repeat a listed word: each scores more than any turn of the build, so
    # the new turns must come first, from the postings a write adds.
    strong = tmp_path / "strong" / "strong.txt"
    strong.parent.mkdir()
    strong.write_text(
        "\n\n".join(f"{('Ada Quist', 'Bo Lind')[i % 2]}: data data data w{i}x." for i in range(12))
        + "\n",
        encoding="utf-8",
    )
    assert not ingest_paths([strong], corpus_pg).failed
    both = Both(corpus_pg, monkeypatch)
    fast, full = both.run("data", {})
    assert fast == full
    assert both.answered == 1
    assert {h.episode_id for h in fast} == {"strong"}


@pytest.mark.slow  # 4-7 s of PostgreSQL writes (the SQLite twin runs by default); CI runs it
def test_a_repair_and_a_migration_give_the_same_answers(corpus_pg, monkeypatch):
    both = Both(corpus_pg, monkeypatch)
    with corpus_pg.transaction():
        corpus_pg.rebuild_index()
    assert _built(corpus_pg)
    both.check_all()
    # A schema 5 store (no lists) is migrated: the lists are built from its turns.
    url = corpus_pg.url
    with psycopg.connect(url, autocommit=True) as conn:
        for table in ("impact_postings", "impact_rest", "impact_terms"):
            conn.execute(f"DROP TABLE {table}")
        conn.execute("DELETE FROM meta WHERE key LIKE 'impacts_%'")
        conn.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
    store = open_store(url, create=False)
    assert isinstance(store, PostgresStore)
    with store:
        version = store.conn.execute("SELECT value FROM meta WHERE key='schema_version'")
        assert int(version.fetchone()[0]) == SCHEMA_VERSION
        assert _built(store)
        migrated = Both(store, monkeypatch)
        migrated.check_all()
        assert migrated.answered >= 6


def test_terms_in_more_than_a_tenth_of_the_turns_get_no_list(corpus_pg, monkeypatch):
    monkeypatch.setattr(pg_impacts, "LIST_MAX_SHARE", 0.10)
    with corpus_pg.transaction():
        pg_impacts.build(corpus_pg.conn)
    listed = dict(corpus_pg.conn.execute("SELECT term, col FROM impact_terms").fetchall())
    assert "the" not in listed  # in most turns: search answers it alone unranked
    assert listed
    Both(corpus_pg, monkeypatch).check_all()


def test_postgresql_answers_as_sqlite_does(tmp_path, small_lists, new_pg_database):
    """Both engines' fast paths on the same corpus: the same turns in the same order, with
    the same scores to the 4 places a hit shows."""
    paths = _write_corpus(tmp_path / "corpus", 30, seed=1)
    with Store(tmp_path / "kb.db") as lite, open_store(new_pg_database()) as server:
        for store in (lite, server):
            assert not ingest_paths(paths, store).failed

        def answers(store: Any, text: str, filters: dict[str, Any]) -> list[tuple[Any, ...]]:
            found = store.search_turns(_turn_query(store, text, filters))
            return [(h.episode_id, h.turn, round(h.score, 4)) for h in found]

        for text, filters in SHAPES:
            assert answers(server, text, filters) == answers(lite, text, filters), text


def test_the_seed_transcripts_get_the_same_answers(small_lists, new_pg_database, monkeypatch):
    monkeypatch.setattr(impacts, "BUILD_MIN_TURNS", 1)
    store = open_store(new_pg_database())
    assert isinstance(store, PostgresStore)
    with store:
        assert not ingest_paths([SEEDS], store).failed
        assert _built(store)
        both = Both(store, monkeypatch)
        for word in ["model", "data", "think", "training", "people", "open", "模型", "的"]:
            for filters in ({}, {"lang": "en"}, {"limit": 25}):
                fast, full = both.run(word, filters)
                assert fast == full, (word, filters)
        assert both.answered >= 5


def test_a_small_store_has_no_lists_and_a_grown_one_gets_them(
    tmp_path, small_lists, new_pg_database
):
    store = open_store(new_pg_database())
    assert isinstance(store, PostgresStore)
    with store:
        assert not ingest_paths(_write_corpus(tmp_path / "a", 4, seed=5), store).failed
        assert not _built(store)  # 400 turns: every query scored in full
        assert not ingest_paths(_write_corpus(tmp_path / "b", 2, seed=6), store).failed
        assert _built(store)
        built = store.conn.execute("SELECT value FROM meta WHERE key = 'impacts_turns'")
        assert int(built.fetchone()[0]) == 600


@pytest.mark.slow  # 4-7 s of PostgreSQL writes (the SQLite twin runs by default); CI runs it
def test_two_writers_at_once_keep_the_lists_valid(tmp_path, corpus_pg, monkeypatch):
    # Each writer appends its own postings and rest rows (no row both update), in its own
    # transaction per file; afterwards every answer is still the full scoring's.
    import threading

    groups = [_write_corpus(tmp_path / f"w{w}", 4, seed=10 + w, start=300 + 10 * w) for w in (0, 1)]
    failures: list[Any] = []

    def ingest(paths: list[Path]) -> None:
        with open_store(corpus_pg.url) as store:
            failures.extend(ingest_paths(paths, store).failed)

    threads = [threading.Thread(target=ingest, args=(g,)) for g in groups]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
    both = Both(corpus_pg, monkeypatch)
    both.check_all()
    assert both.answered >= 6


def test_a_build_beside_a_busy_writer_waits_for_a_later_ingest(corpus_pg):
    # A writer holding its share of the lists' lock: the build an ingest would make after its
    # writes is not made (it would miss the other writer's turns), and the old lists stay.
    with psycopg.connect(corpus_pg.url, autocommit=True) as writer, writer.transaction():
        pg_impacts.hold_for_writing(writer)
        with corpus_pg.transaction():
            assert not pg_impacts.build(corpus_pg.conn, wait=False)
        assert _built(corpus_pg)
    with corpus_pg.transaction():
        assert pg_impacts.build(corpus_pg.conn, wait=False)
