"""Incremental ingest: unchanged files are skipped, changed ones replace their episode, and
episodes can be removed (by name, or because their file is gone), each change atomic."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest
from conftest import SEEDS

from podkb.ingest import ingest_paths, pipeline
from podkb.store.sqlite import SCHEMA_VERSION
from podkb.store.sqlite import SQLiteStore as Store

SEED = SEEDS / "000_084d43b1bddc1ac0.txt"


def _rows(db, sql):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _statuses(report):
    return {f.path.rsplit("/", 1)[-1]: f.status for f in report.files}


@pytest.fixture()
def folder(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for seed in sorted(SEEDS.iterdir())[:3]:
        shutil.copyfile(seed, src / seed.name)
    return src


def test_a_second_ingest_of_the_same_files_skips_them_all(tmp_path, folder):
    db = tmp_path / "kb.db"
    with Store(db) as store:
        first = ingest_paths([folder], store)
    stamps = _rows(db, "SELECT episode_id, ingested_at, turns FROM episodes ORDER BY 1")
    with Store(db) as store:
        second = ingest_paths([folder], store)
    assert set(_statuses(first).values()) == {"ingested"}
    assert set(_statuses(second).values()) == {"unchanged"}
    assert [f.episode_id for f in second.files] == [f.episode_id for f in first.files]
    assert sum(f.turns for f in second.ingested) == 0
    assert _rows(db, "SELECT episode_id, ingested_at, turns FROM episodes ORDER BY 1") == stamps


def test_an_unchanged_file_is_not_even_read(tmp_path, folder, monkeypatch):
    db = tmp_path / "kb.db"
    with Store(db) as store:
        ingest_paths([folder], store)

    def no_reading(path):
        raise AssertionError(f"{path} was read")

    monkeypatch.setattr(pipeline, "read_file_bytes", no_reading)
    with Store(db) as store:
        assert set(_statuses(ingest_paths([folder], store)).values()) == {"unchanged"}


def test_a_touched_file_is_hashed_found_unchanged_and_then_not_read(tmp_path, monkeypatch):
    import os

    db = tmp_path / "kb.db"
    path = tmp_path / "talk.txt"
    path.write_text("Host: Welcome to the show.\nGuest: Glad to be here.\n", encoding="utf-8")
    with Store(db) as store:
        ingest_paths([path], store)
        stamp = store.conn.execute("SELECT ingested_at FROM episodes").fetchone()[0]
    os.utime(path, ns=(10**18, 10**18))  # same bytes, a new modification time
    with Store(db) as store:
        assert _statuses(ingest_paths([path], store)) == {"talk.txt": "unchanged"}
        assert store.conn.execute("SELECT ingested_at FROM episodes").fetchone()[0] == stamp
    monkeypatch.setattr(pipeline, "read_file_bytes", lambda p: (_ for _ in ()).throw(OSError))
    with Store(db) as store:
        assert _statuses(ingest_paths([path], store)) == {"talk.txt": "unchanged"}


def test_force_reads_unchanged_files_again(tmp_path, folder):
    db = tmp_path / "kb.db"
    with Store(db) as store:
        first = ingest_paths([folder], store)
        again = ingest_paths([folder], store, force=True)
        assert set(_statuses(again).values()) == {"ingested"}
        assert [f.turns for f in again.files] == [f.turns for f in first.files]
        assert store.counts()["episodes"] == 3


def test_a_changed_file_replaces_its_episode(tmp_path):
    db = tmp_path / "kb.db"
    path = tmp_path / "talk.txt"
    path.write_text("Host: Welcome to the show.\nGuest: Glad to be here.\n", encoding="utf-8")
    with Store(db) as store:
        ingest_paths([path], store)
    path.write_text(
        "Host: Welcome back.\nGuest: Thanks.\nHost: Let us talk about kelp.\n", encoding="utf-8"
    )
    with Store(db) as store:
        report = ingest_paths([path], store)
        assert _statuses(report) == {"talk.txt": "ingested"}
        assert [t.text for t in store.turns()] == [
            "Welcome back.",
            "Thanks.",
            "Let us talk about kelp.",
        ]
        assert store.counts()["episodes"] == 1


def test_changed_metadata_reads_an_unchanged_file_again(tmp_path):
    db = tmp_path / "kb.db"
    path = tmp_path / "talk.txt"
    path.write_text("Host: Welcome to the show.\nGuest: Glad to be here.\n", encoding="utf-8")
    with Store(db) as store:
        ingest_paths([path], store)
    (tmp_path / "talk.yaml").write_text("title: Kelp forests\n", encoding="utf-8")
    with Store(db) as store:
        report = ingest_paths([path], store)
        assert _statuses(report) == {"talk.txt": "ingested"}
        assert [e.title for e in store.episodes()] == ["Kelp forests"]
        # ...and once read with it, the same metadata is unchanged again.
        assert _statuses(ingest_paths([path], store)) == {"talk.txt": "unchanged"}


def test_a_different_encoding_reads_an_unchanged_file_again(tmp_path):
    db = tmp_path / "kb.db"
    with Store(db) as store:
        ingest_paths([SEED], store)
        assert _statuses(ingest_paths([SEED], store, encoding="utf-8")) == {SEED.name: "ingested"}


def test_ingest_reports_unchanged_files_on_the_command_line(run_cli, tmp_path, folder):
    db = str(tmp_path / "kb.db")
    assert run_cli("ingest", "--db", db, str(folder))[0] == 0
    code, out, err = run_cli("ingest", "--db", db, "--format", "jsonl", str(folder))
    assert code == 0, err
    assert {json.loads(line)["status"] for line in out.splitlines()} == {"unchanged"}
    code, out, err = run_cli("ingest", "--db", db, "--format", "json", "--force", str(folder))
    summary = json.loads(out)
    assert (summary["ingested"], summary["unchanged"]) == (3, 0)
    code, _, err = run_cli("ingest", "--db", db, "--format", "table", str(folder))
    assert "Ingested 0 of 3 file(s), 3 unchanged" in err


# --- remove -----------------------------------------------------------------------------------


def test_remove_deletes_episodes_their_turns_and_index_rows(run_cli, tmp_path, folder):
    db = str(tmp_path / "kb.db")
    run_cli("ingest", "--db", db, str(folder))
    with Store(db) as store:
        ids = store.episode_ids()
        gone = ids[0]
    code, out, err = run_cli("remove", "--yes", "--db", db, gone)
    assert code == 0, err
    assert out.splitlines() == [gone]
    assert "Removed 1 episode(s)." in err
    with Store(db) as store:
        assert store.episode_ids() == ids[1:]
        assert store.turns(episode_id=gone) == []
        indexed = store.conn.execute("SELECT count(*) FROM turn_index").fetchone()[0]
        assert indexed == store.counts()["turns"]
        assert store.turn_count() == store.counts()["turns"]


def test_remove_with_an_unknown_episode_removes_nothing(run_cli, tmp_path, folder):
    db = str(tmp_path / "kb.db")
    run_cli("ingest", "--db", db, str(folder))
    with Store(db) as store:
        ids = store.episode_ids()
    code, out, err = run_cli("remove", "--db", db, ids[0], "no-such-episode")
    assert code == 2
    assert out == ""
    assert "no episode 'no-such-episode'" in err
    with Store(db) as store:
        assert store.episode_ids() == ids


def test_remove_missing_deletes_episodes_whose_file_is_gone(run_cli, tmp_path, folder):
    db = str(tmp_path / "kb.db")
    run_cli("ingest", "--db", db, str(folder))
    with Store(db) as store:
        before = {e.source: e.episode_id for e in store.episodes()}
    deleted = sorted(folder.iterdir())[1]
    deleted.unlink()
    code, out, err = run_cli("remove", "--yes", "--db", db, "--missing")
    assert code == 0, err
    assert out.splitlines() == [before[deleted.name]]
    with Store(db) as store:
        assert sorted(e.source for e in store.episodes()) == sorted(
            p.name for p in folder.iterdir()
        )
    assert run_cli("remove", "--db", db, "--missing")[0] == 1  # nothing left to remove


def test_remove_needs_an_episode_or_missing(run_cli, tmp_path):
    code, _, err = run_cli("remove", "--db", str(tmp_path / "kb.db"))
    assert code == 2
    assert "name the episodes to remove, or give --missing" in err


def test_speaker_summaries_stay_exact_through_ingest_replace_and_remove(tmp_path, folder):
    db = tmp_path / "kb.db"

    def summaries(store):
        kept = sorted(
            map(tuple, store.conn.execute("SELECT speaker, label, turns FROM speaker_labels")),
            key=repr,
        )
        recount = sorted(
            map(
                tuple,
                store.conn.execute(
                    "SELECT speaker, speaker_label, count(*) FROM turns WHERE speaker IS NOT NULL"
                    " GROUP BY speaker, speaker_label"
                ),
            ),
            key=repr,
        )
        return kept, recount, store.turn_count(), store.counts()["turns"]

    with Store(db) as store:
        ingest_paths([folder], store)
        kept, recount, count, turns = summaries(store)
        assert kept == recount and kept and count == turns
        ingest_paths([folder], store, force=True)
        kept, recount, count, turns = summaries(store)
        assert kept == recount and count == turns
        from podkb.episodes import remove_episodes

        remove_episodes(store, store.episode_ids()[:2])
        kept, recount, count, turns = summaries(store)
        assert kept == recount and count == turns


# --- many files -------------------------------------------------------------------------------


def test_files_land_in_batches_and_each_file_whole(tmp_path, folder):
    (folder / "broken.json").write_text("{", encoding="utf-8")
    db = tmp_path / "kb.db"
    with Store(db) as store:
        store.files_per_transaction = 2
        report = ingest_paths([folder], store)
        assert [f.status for f in report.files].count("ingested") == 3
        assert [f.status for f in report.files].count("failed") == 1
        assert store.counts()["episodes"] == 3
        assert (
            store.conn.execute("SELECT count(*) FROM turn_index").fetchone()[0]
            == (store.counts()["turns"])
        )


def test_the_lookup_of_a_file_uses_an_index(tmp_path):
    with Store(tmp_path / "kb.db") as store:
        plan = store.conn.execute(
            "EXPLAIN QUERY PLAN SELECT episode_id, source_sha256, inputs_sha256 FROM episodes"
            " WHERE source_path=?",
            ("x",),
        ).fetchall()
    assert "USING INDEX episodes_source_path" in " ".join(str(row[-1]) for row in plan)


def test_a_schema_4_store_is_migrated_and_its_files_read_once_more(tmp_path):
    db = tmp_path / "kb.db"
    with Store(db) as store:
        ingest_paths([SEED], store)
    conn = sqlite3.connect(db)
    conn.execute("DROP INDEX episodes_source_path")
    conn.execute("ALTER TABLE episodes DROP COLUMN inputs_sha256")
    conn.execute("ALTER TABLE episodes DROP COLUMN source_stat")
    conn.execute("UPDATE meta SET value='4' WHERE key='schema_version'")
    conn.commit()
    conn.close()
    with Store(db, create=False) as store:
        assert store.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[
            0
        ] == str(SCHEMA_VERSION)
        assert _statuses(ingest_paths([SEED], store)) == {SEED.name: "ingested"}
        assert _statuses(ingest_paths([SEED], store)) == {SEED.name: "unchanged"}
