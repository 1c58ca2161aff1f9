"""What `podkb doctor` finds in a store changed behind podkb's back, each check's exact words, the
one repair it advises, and what `--repair` does about it: the index, counts and summaries are
rebuilt from the turns; a store whose rows or schema are broken is left as it was."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest

from podkb import doctor
from podkb.store.sqlite import SCHEMA_VERSION

REINDEX = "rebuild the search index from the turns: podkb doctor --repair"
REINGEST = "re-ingest your transcripts into a new store (podkb ingest --db new.db <folders>)"


def recover(db) -> str:
    return (
        f"the file is damaged: keep a copy (cp {db} {db}.damaged), then restore a backup, or "
        f"recover what SQLite can read (sqlite3 {db} .recover | sqlite3 recovered.db), or "
        "re-ingest your transcripts into a new store (podkb ingest --db new.db <folders>)"
    )


@pytest.fixture()
def copy_db(seed_db, tmp_path):
    path = tmp_path / "copy.db"
    shutil.copyfile(seed_db, path)
    return path


def _change(db, sql: str) -> None:
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA foreign_keys = OFF")  # as another tool would write it
    conn.execute(sql)
    conn.commit()
    conn.close()


def _failed(report) -> dict[str, str]:
    return {c.name: c.detail for c in report.checks if not c.ok}


# change -> the checks that fail, with their words; the repair advised; --repair fixes it?
FINDINGS = {
    "turns deleted, their index rows left": (
        "DELETE FROM turns WHERE id IN (SELECT id FROM turns ORDER BY id LIMIT 3)",
        {
            "index": "0 turns missing from the search index, 3 index rows for turns that no "
            "longer exist",
            "episodes": "1 episodes with a wrong turn count, 0 turns of no episode",
            "summaries": "4 speaker label summaries out of date, turn count 440 for 437 turns",
        },
        REINDEX,
        True,
    ),
    "a turn moved to an episode that is not there": (
        "UPDATE turns SET episode_id = 'gone' WHERE id = (SELECT min(id) FROM turns)",
        {
            "integrity": "1 rows point at missing rows (foreign keys)",
            "episodes": "1 episodes with a wrong turn count, 1 turns of no episode",
        },
        "recover",
        False,
    ),
    "a table of the current schema dropped": (
        "DROP TABLE speaker_labels",
        {"schema": "missing tables: speaker_labels"},
        "recover",
        False,
    ),
    "a schema version that is not a number": (
        "UPDATE meta SET value = 'abc' WHERE key = 'schema_version'",
        {"schema": f"schema version None, this podkb reads {SCHEMA_VERSION}"},
        REINGEST,
        False,
    ),
    "no schema version at all": (
        "DELETE FROM meta WHERE key = 'schema_version'",
        {"schema": f"schema version None, this podkb reads {SCHEMA_VERSION}"},
        REINGEST,
        False,
    ),
}


@pytest.mark.parametrize("finding", list(FINDINGS))
def test_doctor_names_what_changed_and_the_one_repair(copy_db, finding):
    sql, checks, advice, _ = FINDINGS[finding]
    _change(copy_db, sql)
    report = doctor.diagnose(copy_db)
    assert not report.ok
    assert _failed(report) == checks
    assert report.repair == [recover(copy_db) if advice == "recover" else advice]


@pytest.mark.parametrize("finding", list(FINDINGS))
def test_repair_rebuilds_what_the_turns_say_and_leaves_broken_stores_alone(copy_db, finding):
    sql, checks, _, repairable = FINDINGS[finding]
    _change(copy_db, sql)
    before = copy_db.read_bytes()
    repaired = doctor.repair(copy_db)
    if repairable:
        assert repaired.ok, repaired.checks
        assert repaired.counts == {
            "episodes": 5,
            "turns": 437,
            "speakers": 8,
            "indexed_turns": 437,
        }
    else:
        assert _failed(repaired) == checks
        assert copy_db.read_bytes() == before


def test_the_counts_are_those_of_the_turns_not_of_the_index(copy_db):
    _change(copy_db, "DELETE FROM turns WHERE episode_id = 'infoq-omar-sanseviero'")
    report = doctor.diagnose(copy_db)
    # The episode row stays (its turn count now wrong); 57 index rows point at nothing.
    assert report.counts == {"episodes": 5, "turns": 383, "speakers": 6, "indexed_turns": 440}
    assert _failed(report)["index"] == (
        "0 turns missing from the search index, 57 index rows for turns that no longer exist"
    )


def test_doctor_exits_2_with_the_findings_in_its_json_and_0_once_repaired(run_cli, copy_db):
    _change(copy_db, FINDINGS["turns deleted, their index rows left"][0])
    code, out, err = run_cli("doctor", "--db", str(copy_db), "--format", "json")
    assert code == 2, err
    doc = json.loads(out)
    assert doc["ok"] is False and doc["repair"] == [REINDEX]
    assert {c["name"]: c["ok"] for c in doc["checks"]} == {
        "metadata": True,
        "store": True,
        "schema": True,
        "integrity": True,
        "fts": True,
        "index": False,
        "episodes": False,
        "summaries": False,
    }
    code, out, err = run_cli("doctor", "--repair", "--db", str(copy_db), "--format", "json")
    assert code == 0, err
    assert json.loads(out)["ok"] is True and json.loads(out)["repair"] == []


def test_doctor_in_a_table_marks_each_failed_check_and_says_how_to_repair(run_cli, copy_db):
    _change(copy_db, FINDINGS["turns deleted, their index rows left"][0])
    code, out, _ = run_cli(
        "doctor", "--db", str(copy_db), "--format", "table", env={"COLUMNS": "300"}
    )
    assert code == 2
    lines = out.splitlines()
    assert lines[2] == "counts:   5 episodes, 437 turns, 8 speakers, 440 indexed turns"
    assert [line for line in lines if line.startswith("  FAIL  ")] == [
        f"  FAIL  {name}: {detail}"
        for name, detail in FINDINGS["turns deleted, their index rows left"][1].items()
    ]
    assert lines[-2:] == ["To repair:", f"  - {REINDEX}"]
