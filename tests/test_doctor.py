"""`podkb doctor`: a healthy store passes; each kind of damage is found and the repair is said."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest
from conftest import index_postings

from podkb import doctor
from podkb.store.sqlite import SCHEMA_VERSION


@pytest.fixture()
def copy_db(seed_db, tmp_path):
    path = tmp_path / "copy.db"
    shutil.copyfile(seed_db, path)
    return path


def failed(report) -> dict[str, str]:
    return {c.name: c.detail for c in report.checks if not c.ok}


def test_a_healthy_store(seed_db):
    report = doctor.diagnose(seed_db)
    assert report.ok, report.checks
    assert report.counts == {"episodes": 5, "turns": 440, "speakers": 8, "indexed_turns": 440}
    assert report.schema_version == SCHEMA_VERSION
    assert [c.name for c in report.checks] == [
        "metadata",
        "store",
        "schema",
        "integrity",
        "fts",
        "index",
        "episodes",
        "summaries",
    ]
    assert report.repair == []


def test_cli_says_where_store_and_metadata_live(run_cli, seed_db, tmp_path):
    code, out, err = run_cli(
        "doctor", "--db", str(seed_db), "--format", "table", env={"COLUMNS": "300"}
    )
    assert code == 0, err
    assert f"store:    {seed_db}" in out
    assert "metadata: " in out and "catalog.yaml, speakers.yaml" in out
    assert "440 turns" in out and "The knowledge base is healthy." in out
    data = tmp_path / "data"
    data.mkdir()
    code, out, _ = run_cli(
        "doctor", "--db", str(seed_db), "--format", "json", env={"PODKB_DATA": str(data)}
    )
    doc = json.loads(out)
    assert (doc["data_dir"], doc["data_from"]) == (str(data), "$PODKB_DATA")
    assert doc["metadata_files"] == {"catalog.yaml": False, "speakers.yaml": False}
    assert doc["ok"] is True and code == 0


def test_default_store_location_is_reported(run_cli, monkeypatch, tmp_path):
    monkeypatch.setenv("PODKB_DB", str(tmp_path / "env.db"))
    code, out, _ = run_cli("doctor", "--format", "json")
    doc = json.loads(out)
    assert (doc["store"], doc["store_from"], doc["ok"]) == (
        str(tmp_path / "env.db"),
        "$PODKB_DB",
        False,
    )
    assert code == 2
    assert "podkb ingest" in doc["repair"][0]
    assert not (tmp_path / "env.db").exists()  # doctor never creates a store


def test_missing_index_rows_are_found_and_repaired(run_cli, copy_db):
    from podkb.store.sqlite import _INDEX_DELETE, _index_row

    with sqlite3.connect(copy_db) as conn:
        before = index_postings(conn)
        seven = conn.execute(
            "SELECT id, episode_id, speaker, text, chapter FROM turns ORDER BY id LIMIT 7"
        ).fetchall()
        conn.executemany(_INDEX_DELETE, [_index_row(*r, chapter_terms={}) for r in seven])
        conn.execute(
            "UPDATE episodes SET turns = turns + 1 WHERE episode_id = 'infoq-omar-sanseviero'"
        )
    report = doctor.diagnose(copy_db)
    assert not report.ok
    problems = failed(report)
    assert problems["index"].startswith("7 turns missing from the search index")
    assert problems["episodes"].startswith("1 episodes with a wrong turn count")
    assert report.repair == ["rebuild the search index from the turns: podkb doctor --repair"]
    code, out, _ = run_cli("doctor", "--db", str(copy_db), "--format", "json")
    assert code == 2 and json.loads(out)["ok"] is False
    code, out, err = run_cli("doctor", "--db", str(copy_db), "--repair", "--format", "json")
    assert code == 0, out + err
    with sqlite3.connect(copy_db) as conn:
        after = index_postings(conn)
    assert after == before


@pytest.mark.parametrize(
    "where, detail",
    [
        (
            "id > 10 AND id IN (SELECT id FROM turn_index_data WHERE id > 10 LIMIT 3)",
            "full-text index damaged",
        ),
        ("id = 10", "full-text index unreadable"),  # the structure record: the table cannot open
    ],
)
def test_a_damaged_fts_index_is_found_and_rebuilt(run_cli, copy_db, where, detail):
    with sqlite3.connect(copy_db) as conn:
        conn.execute(f"DELETE FROM turn_index_data WHERE {where}")  # damage the index's own pages
    report = doctor.diagnose(copy_db)
    assert failed(report)["fts"].startswith(detail)
    assert report.repair == ["rebuild the search index from the turns: podkb doctor --repair"]
    if detail.endswith("unreadable"):
        code, _, err = run_cli("episodes", "--db", str(copy_db))
        assert code == 0 and "Traceback" not in err  # what does not need the index still works
    repaired = doctor.repair(copy_db)
    assert repaired.ok, repaired.checks
    assert repaired.counts["indexed_turns"] == 440


@pytest.mark.parametrize(
    "damage, check, advice",
    [
        (b"this is not a database at all" * 100, "store", "the file is damaged"),
        (None, "integrity", "the file is damaged"),
    ],
)
def test_a_damaged_file_is_reported_with_recovery_steps(run_cli, copy_db, damage, check, advice):
    if damage is None:
        data = bytearray(copy_db.read_bytes())
        page = 4096
        for offset in range(3 * page, 40 * page, page):  # scribble over b-tree pages
            data[offset + 8 : offset + 200] = b"\xff" * 192
        copy_db.write_bytes(bytes(data))
    else:
        copy_db.write_bytes(damage)
    before = copy_db.read_bytes()
    report = doctor.diagnose(copy_db)
    assert check in failed(report)
    assert report.repair and report.repair[0].startswith(advice)
    assert ".recover" in report.repair[0] and "podkb ingest --db new.db" in report.repair[0]
    assert not doctor.repair(copy_db).ok  # a damaged file is not touched by --repair
    assert copy_db.read_bytes() == before
    code, out, err = run_cli(
        "doctor", "--db", str(copy_db), "--format", "table", env={"COLUMNS": "400"}
    )
    assert code == 2 and "Traceback" not in err
    assert "FAIL" in out and "To repair:" in out


@pytest.mark.parametrize(
    "version, detail, advice",
    [
        ("0", f"schema version 0, this podkb reads {SCHEMA_VERSION}", "re-ingest"),
        ("99", f"schema version 99, this podkb reads {SCHEMA_VERSION}", "upgrade podkb"),
    ],
)
def test_other_schema_versions(copy_db, version, detail, advice):
    with sqlite3.connect(copy_db) as conn:
        conn.execute("UPDATE meta SET value=? WHERE key='schema_version'", (version,))
    report = doctor.diagnose(copy_db)
    assert failed(report) == {"schema": detail}
    assert report.repair[0].startswith(advice)


def test_not_a_podkb_store(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (x)")
    report = doctor.diagnose(path)
    assert failed(report) == {"schema": "not a podkb store (no meta table)"}


def test_bad_metadata_is_reported(tmp_path, seed_db, monkeypatch):
    (tmp_path / "catalog.yaml").write_text("episodes:\n  - source: [\n")
    monkeypatch.setenv("PODKB_DATA", str(tmp_path))
    report = doctor.diagnose(seed_db)
    assert "metadata" in failed(report) and "catalog.yaml: line" in failed(report)["metadata"]


def test_doctor_on_a_busy_store_says_busy(run_cli, copy_db, monkeypatch):
    monkeypatch.setenv("PODKB_BUSY_TIMEOUT", "0.1")
    holder = sqlite3.connect(copy_db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        code, out, err = run_cli("doctor", "--db", str(copy_db))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 3
    assert err.strip().splitlines() == [
        f"podkb: {copy_db}: store busy: another podkb process is writing; try again"
    ]


def test_an_older_schema_is_migrated_by_repair(run_cli, copy_db):
    conn = sqlite3.connect(copy_db)
    conn.execute("DROP TABLE speaker_labels")
    conn.execute("UPDATE meta SET value='1' WHERE key='schema_version'")
    conn.commit()
    conn.close()
    report = doctor.diagnose(copy_db)
    assert failed(report) == {"schema": f"schema version 1, this podkb reads {SCHEMA_VERSION}"}
    assert report.repair == [
        "podkb migrates it when it next opens it; podkb doctor --repair does it now"
    ]
    code, out, _ = run_cli("doctor", "--db", str(copy_db), "--repair", "--format", "json")
    assert code == 0 and json.loads(out)["schema_version"] == SCHEMA_VERSION


def test_out_of_date_summaries_are_found_and_repaired(copy_db):
    conn = sqlite3.connect(copy_db)
    conn.execute("DELETE FROM speaker_labels WHERE speaker = 'Lewis Tunstall'")
    conn.execute("UPDATE meta SET value='7' WHERE key='turn_count'")
    conn.commit()
    conn.close()
    report = doctor.diagnose(copy_db)
    assert failed(report)["summaries"].endswith("turn count 7 for 440 turns")
    assert doctor.repair(copy_db).ok
