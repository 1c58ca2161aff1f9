"""Where a store cannot be: a --db whose folder cannot be made, a folder given as the store, a
database with podkb's version but not its tables. Each is one line naming the path and what to
do, exit 2, never a traceback; doctor says the same with its recovery steps."""

from __future__ import annotations

import json
import sqlite3

import pytest

from podkb.store import sqlite


def one_line(err: str) -> str:
    assert "Traceback" not in err and "internal error" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_a_store_inside_a_file_cannot_have_its_folder_made(run_cli, tmp_path):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("my notes\n", encoding="utf-8")
    db = a_file / "kb.db"
    code, out, err = run_cli("ingest", "seeds/000_084d43b1bddc1ac0.txt", "--db", str(db))
    assert code == 2 and out == ""
    # The system's word for it is "File exists", which reads as if the store were there.
    assert one_line(err) == f"podkb: {db}: cannot create its folder: {a_file} is a file"
    assert a_file.read_text(encoding="utf-8") == "my notes\n"


def test_a_folder_given_as_the_store_cannot_be_opened(run_cli, tmp_path):
    folder = tmp_path / "kb"
    folder.mkdir()
    code, out, err = run_cli("ingest", "seeds/000_084d43b1bddc1ac0.txt", "--db", str(folder))
    assert code == 2 and out == ""
    line = one_line(err)
    assert line.startswith(f"podkb: {folder}: ")
    assert list(folder.iterdir()) == []  # nothing written into the folder


def test_a_search_of_a_store_that_does_not_exist_says_how_to_make_one(run_cli, tmp_path):
    db = tmp_path / "never-made.db"
    code, out, err = run_cli("search", "evaluation", "--db", str(db))
    assert code == 2 and out == ""
    assert f"no knowledge base at {db}; run `podkb ingest seeds/` first" in one_line(err)
    assert not db.exists()  # a read never creates the store


@pytest.fixture()
def versioned_but_empty(tmp_path):
    """A file with podkb's meta table and the current schema version, and none of its tables."""
    path = tmp_path / "half.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(sqlite.SCHEMA_VERSION),))
    conn.commit()
    conn.close()
    return path


def test_doctor_names_the_missing_tables_and_how_to_recover(run_cli, versioned_but_empty):
    db = str(versioned_but_empty)
    code, out, err = run_cli("doctor", "--db", db, "--format", "json")
    assert code != 0
    report = json.loads(out)
    schema = next(c for c in report["checks"] if c["name"] == "schema")
    assert schema["ok"] is False
    assert schema["detail"] == "missing tables: episodes, speaker_labels, turn_index, turns"
    assert any(f"cp {db} {db}.damaged" in step for step in report["repair"])


@pytest.mark.parametrize("value", ["eight", ""])
def test_doctor_on_an_unreadable_schema_version_says_re_ingest(run_cli, tmp_path, value):
    path = tmp_path / "odd.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (value,))
    conn.commit()
    conn.close()
    code, out, _err = run_cli("doctor", "--db", str(path), "--format", "json")
    assert code != 0
    report = json.loads(out)
    schema = next(c for c in report["checks"] if c["name"] == "schema")
    assert schema == {
        "name": "schema",
        "ok": False,
        "detail": f"schema version None, this podkb reads {sqlite.SCHEMA_VERSION}",
    }
    assert any("re-ingest your transcripts into a new store" in s for s in report["repair"])
