"""The store: schema versions, migration, summaries."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from conftest import SEEDS, index_postings

from podkb.errors import StoreError
from podkb.ingest import ingest_paths
from podkb.store import Store
from podkb.store.sqlite import SCHEMA_VERSION


def _ingest_one(path):
    with Store(path) as store:
        ingest_paths([SEEDS / "000_084d43b1bddc1ac0.txt"], store)


def test_a_schema_1_store_is_migrated(tmp_path):
    path = tmp_path / "old.db"
    _ingest_one(path)
    # Make it look like a store written by schema 1: no words column, no speaker summary.
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE speaker_labels")
    conn.execute("ALTER TABLE turns DROP COLUMN words")
    conn.execute("UPDATE meta SET value='1' WHERE key='schema_version'")
    conn.commit()
    conn.close()
    with Store(path, create=False) as store:
        version = store.conn.execute(
            "SELECT value FROM meta WHERE key='schema_version'"
        ).fetchone()[0]
        assert int(version) == SCHEMA_VERSION
        assert store.speaker_names() == ["Lewis Tunstall", "Sheikh Shuvo"]
        migrated = dict(store.conn.execute("SELECT id, words FROM turns").fetchall())
        texts = dict(store.conn.execute("SELECT id, text FROM turns").fetchall())
    # The migration counts every turn's words again: as a fresh ingest counts them, and as a
    # plain count of the turn's words (a CJK character is a word; the seed is English).
    fresh = tmp_path / "fresh.db"
    _ingest_one(fresh)
    with Store(fresh, create=False) as store:
        assert migrated == dict(store.conn.execute("SELECT id, words FROM turns").fetchall())
    word = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
    assert len(migrated) == 40
    assert migrated == {i: len(word.findall(text)) for i, text in texts.items()}


def test_a_newer_store_is_refused_not_misread(tmp_path):
    path = tmp_path / "new.db"
    _ingest_one(path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer podkb"):
        Store(path, create=False)


def test_a_file_that_is_not_a_store_is_refused(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE x (y)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not a podkb store"):
        Store(path, create=False)


def test_summaries_follow_reingest(tmp_path):
    path = tmp_path / "kb.db"
    _ingest_one(path)
    _ingest_one(path)
    with Store(path, create=False) as store:
        assert store.turn_count() == 40
        assert dict(
            store.conn.execute("SELECT speaker, sum(turns) FROM speaker_labels GROUP BY speaker")
        ) == {"Lewis Tunstall": 20, "Sheikh Shuvo": 20}


# --- the store interface: only the backend knows its engine -------------------------------------

_SRC = Path(__file__).resolve().parents[1] / "src" / "podkb"
_ENGINE_WORDS = re.compile(r"\bsqlite3\b|\.conn\b|\bMATCH\b|\bbm25\(|\bPRAGMA\b|\bturn_index\b")


# The engines, the lookups both SQL engines run alike (store/common.py), and SQLite's impact
# lists (store/impacts.py, part of the SQLite engine).
_BACKENDS = {_SRC / "store" / n for n in ("sqlite.py", "postgres.py", "common.py", "impacts.py")}


def test_only_the_backends_speak_sql():
    """speakers, topics, doctor, search, cli and ingest reach the store through its interface."""
    offenders = [
        f"{path.relative_to(_SRC)}:{n}"
        for path in sorted(_SRC.rglob("*.py"))
        if path not in _BACKENDS
        for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1)
        if _ENGINE_WORDS.search(line.split("#")[0])
    ]
    assert offenders == []


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_every_backend_implements_the_interface(backend):
    import importlib

    from podkb.store.base import KnowledgeStore

    module = importlib.import_module(f"podkb.store.{backend}")
    cls = next(
        v
        for k, v in vars(module).items()
        if k.endswith("Store") and getattr(v, "__module__", None) == module.__name__
    )
    wanted = {
        name
        for name in vars(KnowledgeStore)
        if not name.startswith("_") or name in ("__enter__", "__exit__")
    }
    missing = {name for name in wanted if not hasattr(cls, name)}
    assert wanted and missing == set()
    assert all(callable(getattr(module, f, None)) for f in ("open_store", "diagnose", "repair"))


def test_a_location_with_an_unknown_scheme_is_refused_without_its_password(tmp_path):
    from podkb.store import open_store

    with pytest.raises(StoreError) as info:
        open_store("mysql://ana:s3cret@db.example:3306/kb")
    message = str(info.value)
    assert "no storage engine for mysql://" in message
    assert "s3cret" not in message and "ana@db.example" in message


def test_a_sqlite_url_is_the_file_it_names(tmp_path):
    from podkb.store import open_store

    path = tmp_path / "kb.db"
    with open_store(f"sqlite://{path}") as store:
        assert store.location == str(path)
    assert path.is_file()


def test_a_store_failure_during_search_is_a_store_error_naming_the_store(tmp_path):
    from podkb.search import SearchRequest, search

    path = tmp_path / "kb.db"
    _ingest_one(path)
    with Store(path) as store:
        store.conn.execute("DROP TABLE turns")  # a store damaged under podkb's feet
        with pytest.raises(StoreError) as info:
            search(store, SearchRequest(query="data"))
    assert str(path) in str(info.value)


def test_a_schema_2_store_gains_times_and_stems(tmp_path):
    path = tmp_path / "v2.db"
    _ingest_one(path)
    # A schema 2 store: no times column, an index without the stems column.
    conn = sqlite3.connect(path)
    conn.execute("ALTER TABLE turns DROP COLUMN times")
    conn.execute("DROP TABLE turn_index")
    conn.execute(
        "CREATE VIRTUAL TABLE turn_index USING fts5(body, uni, speaker, episode, chapter,"
        " tokenize = \"unicode61 remove_diacritics 0 tokenchars '_'\")"
    )
    conn.execute(
        "INSERT INTO turn_index(rowid, body, uni, speaker, episode, chapter)"
        " SELECT id, lower(text), '', '', '', '' FROM turns"
    )
    conn.execute("UPDATE meta SET value='2' WHERE key='schema_version'")
    conn.commit()
    conn.close()
    from podkb.search import SearchRequest, search

    with Store(path, create=False) as store:
        assert store.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[
            0
        ] == str(SCHEMA_VERSION)
        columns = {r[1] for r in store.conn.execute("PRAGMA table_info(turns)")}
        assert "times" in columns
        # The seed never writes "evaluating": only the rebuilt stems column can find it.
        found = search(store, SearchRequest(query="evaluating")).hits
        assert found and all("evaluat" in h.text.lower() for h in found)


def test_the_index_holds_no_copy_of_the_text(tmp_path):
    with Store(tmp_path / "kb.db") as store:
        ingest_paths([SEEDS], store)
        sql = store.conn.execute(
            "SELECT sql FROM sqlite_schema WHERE name='turn_index'"
        ).fetchone()[0]
        assert "content = ''" in sql
        names = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_schema")}
        assert "turn_index_content" not in names


def test_removing_an_episode_leaves_the_index_as_if_it_had_never_been_ingested(tmp_path):
    one, other = sorted(SEEDS.glob("*.txt"))[:2]
    with Store(tmp_path / "a.db") as alone:
        ingest_paths([one], alone)
        expected = index_postings(alone.conn)
    with Store(tmp_path / "b.db") as store:
        ingest_paths([other], store)
        ingest_paths([one], store)
        other_id = store.episodes_from(str(other.resolve()))
        assert other_id
        for episode_id, *_ in other_id:
            with store.transaction():
                store.delete_episode(episode_id)
        # Turn ids differ between the two stores: compare terms, columns and offsets per turn.
        got = index_postings(store.conn)
        assert sorted((t, c, o) for _, t, c, o in got) == sorted(
            (t, c, o) for _, t, c, o in expected
        )
        store.conn.execute("INSERT INTO turn_index(turn_index) VALUES('integrity-check')")


def test_a_changed_file_replaces_its_terms(tmp_path):
    path = tmp_path / "talk.txt"
    talk = "Ann: the WHAT landed on the hill.\n\nBob: Quietly, I hope.\n\n" * 4
    path.write_text(talk.replace("WHAT", "zeppelin"), encoding="utf-8")
    with Store(tmp_path / "kb.db") as store:
        assert ingest_paths([path], store).ok
        path.write_text(talk.replace("WHAT", "balloon"), encoding="utf-8")
        assert ingest_paths([path], store).ok
        terms = {t for _, t, *_ in index_postings(store.conn)}
        assert "balloon" in terms and "zeppelin" not in terms


def test_common_words_are_recounted_once_the_store_changes_by_a_tenth(tmp_path):
    files = sorted(SEEDS.glob("*.txt"))
    with Store(tmp_path / "kb.db") as store:
        ingest_paths(files[:1], store)
        first = store.conn.execute("SELECT value FROM meta WHERE key='common_terms_at'").fetchone()[
            0
        ]
        assert int(first) == store.turn_count()
        with store.transaction():  # a change of less than a tenth: no recount
            store.conn.execute("UPDATE meta SET value='{}' WHERE key='common_terms'")
            store.after_writes()
        assert (
            store.conn.execute("SELECT value FROM meta WHERE key='common_terms'").fetchone()[0]
            == "{}"
        )
        ingest_paths(files[1:], store)  # the store more than doubles: recounted
        at = store.conn.execute("SELECT value FROM meta WHERE key='common_terms_at'").fetchone()[0]
        assert int(at) == store.turn_count() > int(first)
        assert store.common_terms()
