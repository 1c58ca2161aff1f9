"""The store: schema versions, migration, summaries."""

from __future__ import annotations

import sqlite3

import pytest
from conftest import SEEDS

from podkb.errors import StoreError
from podkb.ingest import ingest_paths
from podkb.store import SCHEMA_VERSION, Store


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
        words = store.conn.execute("SELECT sum(words) FROM turns").fetchone()[0]
        assert words == 3737  # the words of the 40 turns, counted again


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
