"""Store safety with real processes: SIGKILL mid-ingest, two ingests at once, a busy store,
Ctrl-C, `| head -1`, and stores of other schema versions.

Subprocesses run `python -m podkb`, exactly as a user's shell would.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SEEDS, index_postings

from podkb import doctor
from podkb.store import Store
from podkb.store.sqlite import SCHEMA_VERSION


def podkb(*args: str, env: dict[str, str] | None = None, **kw) -> subprocess.Popen:
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    full_env.pop("PODKB_FORCE_TERMINAL", None)
    return subprocess.Popen(
        [sys.executable, "-m", "podkb", *args],
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # A shell or CI runner may start pytest with SIGINT ignored, and a child inherits that:
        # podkb gets Ctrl-C as a person's terminal sends it, with the default disposition.
        preexec_fn=_default_sigint,
        **kw,
    )


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def many_transcripts(folder: Path, copies: int) -> Path:
    """Copies of the seeds under new names: a long ingest (each parses like a real file)."""
    folder.mkdir()
    for i in range(copies):
        for seed in sorted(SEEDS.iterdir()):
            shutil.copyfile(seed, folder / f"{i:03d}_{seed.name}")
    return folder


def snapshot(db: Path) -> tuple:
    """Everything a reader can see: episodes, turns, and the search index."""
    with sqlite3.connect(db) as conn:
        return (
            conn.execute(
                "SELECT episode_id, turns, source FROM episodes ORDER BY episode_id"
            ).fetchall(),
            conn.execute(
                "SELECT episode_id, turn, speaker, text, line FROM turns ORDER BY episode_id, turn"
            ).fetchall(),
            index_postings(conn),
        )


def wait_for(predicate, timeout: float = 60.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if proc is not None and proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"process ended early ({proc.returncode}): {err}")
        if time.monotonic() > deadline:
            pytest.fail("timed out")
        time.sleep(0.005)


def writing(db: Path) -> bool:
    """True while another connection holds the store's write lock (an ingest mid-transaction)."""
    probe = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return True
    else:
        probe.execute("ROLLBACK")
        return False
    finally:
        probe.close()


def assert_sound(db: Path) -> None:
    report = doctor.diagnose(db)
    assert report.ok, report.checks
    with Store(db, create=False) as store:  # every episode is whole: its turn count is its turns
        for ep in store.episodes():
            assert ep.turns == len(store.turns(episode_id=ep.episode_id)) > 0


@pytest.fixture(scope="module")
def _one_episode_built(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("one") / "kb.db"
    proc = podkb("ingest", "--db", str(db), str(SEEDS / "000_084d43b1bddc1ac0.txt"))
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    return db


@pytest.fixture()
def one_episode_db(_one_episode_built, tmp_path) -> Path:
    """A store of one seed episode, ingested once per module and copied for each test (the tests
    write to it, kill its writers and hold its locks)."""
    db = tmp_path / "kb.db"
    shutil.copyfile(_one_episode_built, db)
    return db


# --- crash safety ---------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.0, 0.3])
def test_sigkill_during_ingest_leaves_the_store_as_it_was(tmp_path, one_episode_db, delay):
    db = one_episode_db
    before = snapshot(db)
    folder = many_transcripts(tmp_path / "many", copies=6)
    proc = podkb("ingest", "--db", str(db), str(folder))
    wait_for(lambda: writing(db), proc=proc)  # the ingest's write transaction is open
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert snapshot(db) == before  # opening the store discards the half-written transaction
    assert_sound(db)
    # ...and the store still takes writes.
    again = podkb("ingest", "--db", str(db), str(SEEDS))
    _, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert_sound(db)


@pytest.mark.parametrize("parent_sigint", ["default", "ignored"])
def test_ctrl_c_during_ingest_exits_130_and_rolls_back(tmp_path, one_episode_db, parent_sigint):
    db = one_episode_db
    before = snapshot(db)
    folder = many_transcripts(tmp_path / "many", copies=6)
    previous = signal.getsignal(signal.SIGINT)
    if parent_sigint == "ignored":  # as when pytest itself runs with SIGINT ignored
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        proc = podkb("ingest", "--db", str(db), str(folder))
    finally:
        signal.signal(signal.SIGINT, previous)
    wait_for(lambda: writing(db), proc=proc)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert err.strip() == ""
    assert snapshot(db) == before
    assert_sound(db)


def test_ctrl_c_in_process_exits_130_without_a_traceback(run_cli, tmp_path, monkeypatch):
    from podkb.ingest import pipeline

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "read_file_bytes", interrupted)
    (tmp_path / "t.txt").write_text("Host: Hi.\n")
    code, out, err = run_cli("ingest", "--db", str(tmp_path / "kb.db"), str(tmp_path / "t.txt"))
    assert code == 130
    assert "Traceback" not in err


# --- two writers ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_two_ingests_at_once_neither_corrupt_nor_traceback(tmp_path):
    db = tmp_path / "kb.db"
    a = many_transcripts(tmp_path / "a", copies=1)
    b = tmp_path / "b"
    b.mkdir()
    for seed in sorted(SEEDS.iterdir()):
        shutil.copyfile(seed, b / f"b_{seed.name}")
    procs = [podkb("ingest", "--db", str(db), "--format", "json", str(folder)) for folder in (a, b)]
    results = [(p.wait(timeout=120), *p.communicate()) for p in procs]
    for code, _, err in results:
        assert "Traceback" not in err
        assert code in (0, 3), err
        if code == 3:
            assert err.strip().endswith("store busy: another podkb process is writing; try again")
    assert any(code == 0 for code, _, _ in results)
    landed = {eid for code, out, _ in results if code == 0 for eid in json.loads(out)["episodes"]}
    with Store(db, create=False) as store:
        assert set(store.episode_ids()) == landed
    assert_sound(db)


def test_a_busy_store_fails_with_its_own_exit_code(tmp_path, one_episode_db):
    db = one_episode_db
    before = snapshot(db)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the store
    try:
        proc = podkb("ingest", "--db", str(db), str(SEEDS), env={"PODKB_BUSY_TIMEOUT": "0.2"})
        out, err = proc.communicate(timeout=60)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert proc.returncode == 3
    assert err.splitlines() == [
        f"podkb: {db}: store busy: another podkb process is writing; try again"
    ]
    assert snapshot(db) == before


@pytest.mark.slow
def test_a_second_writer_waits_for_the_first(tmp_path, one_episode_db):
    db = one_episode_db
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    proc = podkb("ingest", "--db", str(db), str(SEEDS / "002_a5a22b8114034da7.txt"))
    time.sleep(1.0)
    assert proc.poll() is None  # waiting, not failed
    holder.execute("ROLLBACK")
    holder.close()
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert_sound(db)


def test_readers_never_wait_for_a_writer_and_writers_are_told_busy(
    run_cli, one_episode_db, monkeypatch
):
    monkeypatch.setenv("PODKB_BUSY_TIMEOUT", "0.1")
    holder = sqlite3.connect(one_episode_db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # a writer mid-ingest
    holder.execute("DELETE FROM turns")  # ...with changes no one else may see yet
    try:
        reads = [
            run_cli(*cmd, "--db", str(one_episode_db))
            for cmd in (("episodes",), ("show", "humans"), ("export",), ("search", "hugging"))
        ]
        write = run_cli("ingest", "--db", str(one_episode_db), str(SEEDS))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    for code, out, err in reads:
        assert code == 0 and out
        assert all(" shown; -n 0 for all" in line for line in err.splitlines())  # no other message
    code, _, err = write
    assert code == 3
    assert err.splitlines() == [
        f"podkb: {one_episode_db}: store busy: another podkb process is writing; try again"
    ]


# --- other schema versions and other files --------------------------------------------------------


def _set_version(db: Path, version: str | None) -> None:
    conn = sqlite3.connect(db)
    if version is None:
        conn.execute("DELETE FROM meta WHERE key='schema_version'")
    else:
        conn.execute("UPDATE meta SET value=? WHERE key='schema_version'", (version,))
    conn.commit()
    conn.close()  # the last connection out checkpoints the WAL into the file
    assert not Path(f"{db}-wal").exists()


@pytest.mark.parametrize(
    "version, message",
    [
        ("0", f"schema 0 cannot be migrated to {SCHEMA_VERSION}; re-ingest into a new store"),
        (
            str(SCHEMA_VERSION + 1),
            f"written by a newer podkb (schema {SCHEMA_VERSION + 1}, this one reads {SCHEMA_VERSION}); upgrade podkb",
        ),
        (None, "not a podkb store (no schema version)"),
        ("one", "unreadable schema version 'one'"),
    ],
)
@pytest.mark.parametrize(
    "command", [("episodes",), ("export",), ("show", "humans"), ("ingest", str(SEEDS))]
)
def test_other_schema_versions_are_refused_never_misread(
    run_cli, tmp_path, seed_db, version, message, command
):
    db = tmp_path / "old.db"
    shutil.copyfile(seed_db, db)
    _set_version(db, version)
    before = db.read_bytes()
    code, out, err = run_cli(*command, "--db", str(db))
    assert code == 2 and out == ""
    assert err.splitlines() == [f"podkb: {db}: {message}"]
    assert db.read_bytes() == before


@pytest.mark.parametrize(
    "content, message",
    [
        (b"SQLite format 3\x00" + b"\xff" * 5000, "damaged or not a podkb store"),
        (
            b"just some text, not a database\n" * 200,
            "damaged or not a podkb store (file is not a database)",
        ),
    ],
)
def test_a_file_that_is_not_a_store_is_refused(run_cli, tmp_path, content, message):
    db = tmp_path / "x.db"
    db.write_bytes(content)
    for command in (("episodes",), ("ingest", str(SEEDS))):
        code, out, err = run_cli(*command, "--db", str(db))
        assert code == 2 and "Traceback" not in err
        assert err.startswith(f"podkb: {db}: {message}") and len(err.splitlines()) == 1
    assert db.read_bytes() == content


def test_another_programs_database_is_never_written(run_cli, tmp_path):
    db = tmp_path / "other.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE notes (x)")
    before = db.read_bytes()
    code, _, err = run_cli("ingest", "--db", str(db), str(SEEDS))
    assert code == 2
    assert err.splitlines() == [f"podkb: {db}: not a podkb store (no meta table)"]
    assert db.read_bytes() == before


def test_a_truncated_store_is_refused(run_cli, tmp_path, seed_db):
    db = tmp_path / "cut.db"
    db.write_bytes(seed_db.read_bytes()[: 64 * 1024])
    code, out, err = run_cli("export", "--db", str(db))
    assert code == 2 and "Traceback" not in err
    assert "damaged or not a podkb store" in err and "podkb doctor" in err


def test_a_folder_as_the_store(run_cli, tmp_path):
    code, _, err = run_cli("episodes", "--db", str(tmp_path))
    assert code == 2 and err.startswith(f"podkb: {tmp_path}: cannot open the store")


# --- pipes ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        "export --format jsonl",
        "search hugging --format json",
        "search hugging --format jsonl",
        "quotes Lewis --format json",
        "episodes --format json",
        "episodes --format jsonl",
        "show latent --format jsonl",
        "export --format csv",
    ],
)
def test_head_1_gets_a_whole_record_and_no_traceback(seed_db, command):
    script = (
        f'"{sys.executable}" -m podkb {command} --db "{seed_db}" | head -1; '
        'echo "exit=${PIPESTATUS[0]}" >&2'
    )
    proc = subprocess.run(
        ["bash", "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if k != "PODKB_FORCE_TERMINAL"},
    )
    line = proc.stdout
    if "csv" in command:
        assert line.startswith("episode_id,turn,speaker")
    else:
        json.loads(line)
    # 141 when podkb was still writing as head left; 0 when all of it fitted in the pipe.
    # Beside the exit status, stderr may only hold the "10 of 11 shown" note.
    said = [line for line in proc.stderr.splitlines() if " shown; -n 0 for all" not in line]
    assert said in (["exit=141"], ["exit=0"]), proc.stderr


def test_head_1_on_a_terminal_table(seed_db):
    script = (
        f'"{sys.executable}" -m podkb show latent --db "{seed_db}" | head -1; '
        'echo "exit=${PIPESTATUS[0]}" >&2'
    )
    proc = subprocess.run(
        ["bash", "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PODKB_FORCE_TERMINAL": "1"},
    )
    assert proc.stderr.strip() == "exit=141", proc.stderr


def test_a_large_export_into_a_closed_pipe_exits_141(seed_db):
    proc = podkb("export", "--db", str(seed_db))
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 141
    assert json.loads(first)["turn"] == 0
    assert err == ""


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_on_stdout_is_one_line(seed_db):
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "podkb", "export", "--db", str(seed_db)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert proc.returncode == 2
    assert proc.stderr == "podkb: No space left on device\n"


def test_a_store_folder_that_cannot_be_made(run_cli, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, _, err = run_cli("ingest", "--db", str(blocker / "sub" / "kb.db"), str(SEEDS))
    assert code == 2
    assert err == f"podkb: {blocker / 'sub' / 'kb.db'}: cannot create its folder: Not a directory\n"
