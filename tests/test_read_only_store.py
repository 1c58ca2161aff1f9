"""A healthy store podkb may not write (a read-only mount, a read-only folder and file) is read
by every read command, and `doctor` calls it read-only, not damaged; every store error names the
store and the next step.

Root writes through file modes, so as root the store is put on a read-only bind mount instead
(skipped where mounting is not allowed)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import pytest

from podkb import doctor


@pytest.fixture()
def read_only_db(seed_db, tmp_path):
    """A copy of the seed store (in WAL mode, as podkb leaves it) where no one may write."""
    source = tmp_path / "src"
    source.mkdir()
    db = source / "kb.db"
    shutil.copyfile(seed_db, db)
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    if os.geteuid() != 0:
        db.chmod(0o444)
        source.chmod(0o555)
        yield db
        source.chmod(0o755)
        return
    # The mount point is outside pytest's tmp_path, whose cleanup cannot remove a mount that
    # an interrupted run left behind; `umount -l` detaches it even while a test's store is open.
    mount = Path(tempfile.mkdtemp(prefix="podkb-ro-"))
    done = subprocess.run(["mount", "--bind", str(source), str(mount)], capture_output=True)
    if done.returncode != 0:
        mount.rmdir()
        pytest.skip(f"cannot bind-mount as root here: {done.stderr.decode().strip()}")
    try:
        remount = ["mount", "-o", "remount,bind,ro", str(mount)]
        if subprocess.run(remount, capture_output=True).returncode != 0:
            pytest.skip("cannot remount read-only here")
        yield mount / "kb.db"
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)
        mount.rmdir()


def test_the_fixture_store_really_cannot_be_written(read_only_db):
    with pytest.raises(OSError):
        (read_only_db.parent / "probe").write_text("x")
    with pytest.raises(sqlite3.OperationalError, match="unable to open database file"):
        sqlite3.connect(f"{read_only_db.as_uri()}?mode=ro", uri=True).execute(
            "SELECT count(*) FROM episodes"
        ).fetchone()


@pytest.mark.parametrize(
    "args",
    [
        ("episodes", "--format", "json"),
        ("show", "humans-of-ai", "--format", "json"),
        ("search", "evaluation", "--format", "json"),
        ("search", "--speaker", "Lewis Tunstall", "--format", "json"),
        ("quotes", "Lewis Tunstall", "open source", "--format", "json"),
        ("speakers", "--format", "json"),
        ("topics", "--format", "json"),
        ("export", "--format", "jsonl"),
    ],
)
def test_every_read_command_works_on_a_read_only_store(run_cli, read_only_db, args):
    code, out, err = run_cli(*args, "--db", str(read_only_db))
    assert code == 0, err
    assert all(" shown; -n 0 for all" in line for line in err.splitlines())  # no other message
    assert out.strip()


def test_a_batch_runs_on_a_read_only_store(run_cli, read_only_db, tmp_path):
    batch = tmp_path / "q.yaml"
    batch.write_text("- query: evaluation\n- speaker: Lewis Tunstall\n", encoding="utf-8")
    code, out, err = run_cli("batch", str(batch), "--db", str(read_only_db))
    assert code == 0, err
    assert len(out.splitlines()) >= 2


def test_doctor_says_read_only_not_damaged(read_only_db):
    report = doctor.diagnose(read_only_db)
    assert report.ok, report.checks
    store = next(c for c in report.checks if c.name == "store")
    assert "read-only" in store.detail
    assert report.repair == []
    assert report.counts["turns"] == 440


def test_ingest_into_a_read_only_store_says_so(run_cli, read_only_db, tmp_path):
    transcript = tmp_path / "a.txt"
    transcript.write_text("Host: Hello.\nGuest: Hi.\n", encoding="utf-8")
    code, out, err = run_cli("ingest", "--db", str(read_only_db), str(transcript))
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"podkb: {read_only_db}: ")
    assert "read-only" in lines[0] or "readonly" in lines[0]


# --- store errors name the store and the next step ----------------------------------------------


def test_a_damaged_text_value_names_the_store_and_doctor(run_cli, seed_db, tmp_path):
    db = tmp_path / "kb.db"
    shutil.copyfile(seed_db, db)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE episodes SET description = CAST(X'FFFE41' AS TEXT)")
    conn.commit()
    conn.close()
    code, out, err = run_cli("episodes", "--db", str(db), "--format", "json")
    assert code == 2
    assert err.strip() == (
        f"podkb: {db}: damaged text in the store (column 'description' is not UTF-8: a damaged "
        f"page, or written by another tool); run `podkb doctor --db {db}`, or re-ingest into a "
        "new store"
    )
    assert "\ufffd" not in err


def test_a_file_that_is_not_a_store_names_it_and_doctor(run_cli, tmp_path):
    db = tmp_path / "kb.db"
    db.write_bytes(b"not a database at all, but long enough to be read as one" * 100)
    code, out, err = run_cli("episodes", "--db", str(db), "--format", "json")
    assert code == 2
    (line,) = err.strip().splitlines()
    assert line.startswith(f"podkb: {db}: damaged or not a podkb store")
    assert line.endswith(f"run `podkb doctor --db {db}`")


def test_doctor_json_on_a_read_only_store(run_cli, read_only_db):
    code, out, err = run_cli("doctor", "--db", str(read_only_db), "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert report["ok"] is True
    assert any("read-only" in c["detail"] for c in report["checks"])


def test_nothing_was_written_beside_the_read_only_store(run_cli, read_only_db):
    before = sorted(p.name for p in Path(read_only_db).parent.iterdir())
    run_cli("search", "evaluation", "--db", str(read_only_db), "--format", "json")
    assert sorted(p.name for p in Path(read_only_db).parent.iterdir()) == before
