"""What ingest does to be fast changes nothing it stores: files read in worker processes give the
store exactly what reading them in one process gives, an ingest with workers stays incremental
(unchanged files skipped, changed ones replaced, a bad file reported with the same message), and
index rows queued in a transaction are rolled back and searched exactly as if written at once."""

from __future__ import annotations

import pickle
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import FIXTURES, SEEDS, index_postings

from podkb.errors import PodkbError
from podkb.ingest import ingest_paths, parse_file, pipeline
from podkb.ingest.parallel import MIN_FILES, ReadAhead
from podkb.ingest.pipeline import read_file_bytes, read_parsed
from podkb.store import Store

WORKERS = 2


def _corpus(folder: Path) -> Path:
    """More files than MIN_FILES: the seeds, generated interviews (English and Chinese), a
    file with NUL bytes and one that is only a stray heading (each refused with its reason)."""
    folder.mkdir()
    for seed in sorted(SEEDS.glob("*.txt")):
        shutil.copy(seed, folder / seed.name)
    for i in range(MIN_FILES):
        lines = [
            f"Host {i % 3}: welcome to episode {i}, where we talk about evaluation models.",
            "",
            f"Guest {i}: thanks! we evaluated {i} open source models last year.",
            "",
            "主持人：今天我们聊聊人工智能和播客。",
        ]
        (folder / f"ep-{i:02d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "nul.txt").write_bytes(b"H\x00o\x00s\x00t\x00:\x00 \x00h\x00i\x00")
    (folder / "stray.txt").write_text("# Notes\n", encoding="utf-8")
    return folder


def _contents(db: Path) -> tuple[list[tuple], list[tuple], list[tuple], list[tuple]]:
    conn = sqlite3.connect(db)
    try:
        turns = conn.execute("SELECT * FROM turns ORDER BY id").fetchall()
        episodes = conn.execute(
            "SELECT episode_id, title, lang, hosts, guests, source, source_path, source_sha256,"
            " format, turns, chapters FROM episodes ORDER BY episode_id"
        ).fetchall()
        labels = conn.execute("SELECT * FROM speaker_labels ORDER BY 1, 2").fetchall()
        return turns, episodes, labels, index_postings(conn)
    finally:
        conn.close()


def _ingest(folder: Path, db: Path, workers: int) -> list[dict[str, object]]:
    with Store(db) as store:
        report = ingest_paths([folder], store, workers=workers)
    return [f.record() for f in report.files]


def test_workers_store_exactly_what_one_process_stores(tmp_path: Path) -> None:
    folder = _corpus(tmp_path / "corpus")
    alone = _ingest(folder, tmp_path / "alone.db", workers=0)
    parallel = _ingest(folder, tmp_path / "parallel.db", workers=WORKERS)
    assert parallel == alone
    assert _contents(tmp_path / "parallel.db") == _contents(tmp_path / "alone.db")
    errors = {Path(str(r["path"])).name: r["error"] for r in parallel if r["error"]}
    assert set(errors) == {"nul.txt", "stray.txt"}
    assert "utf-16" in str(errors["nul.txt"]).lower()


def test_the_main_process_reads_none_of_the_files_the_workers_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A worker's records come back pickled; one that cannot be pickled is lost, and the file
    # is read again here: right answers at twice the cost (a Choice holding a lambda did that).
    folder = _corpus(tmp_path / "corpus")
    read_here: list[str] = []
    records = pipeline._records

    def counted(data: bytes, **kwargs: object) -> object:
        read_here.append(Path(str(kwargs["path"])).name)
        return records(data, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "_records", counted)
    report = _ingest(folder, tmp_path / "kb.db", workers=WORKERS)
    assert len([r for r in report if r["status"] == "ingested"]) >= MIN_FILES
    assert read_here == []


@pytest.mark.parametrize(
    "path",
    [
        *sorted(SEEDS.iterdir()),
        *sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.suffix not in (".md", ".py")),
    ],
    ids=lambda p: p.name,
)
def test_what_every_reader_makes_survives_the_trip_from_a_worker(path: Path) -> None:
    try:
        parsed = read_parsed(read_file_bytes(path), path=path)
    except PodkbError:
        return  # refused: a worker sends the message, a string
    assert pickle.loads(pickle.dumps(parsed)) == parsed


def test_workers_keep_ingest_incremental(tmp_path: Path) -> None:
    folder = _corpus(tmp_path / "corpus")
    db = tmp_path / "kb.db"
    _ingest(folder, db, workers=WORKERS)
    again = _ingest(folder, db, workers=WORKERS)
    assert {r["status"] for r in again if not r["error"]} == {"unchanged"}

    changed = folder / "ep-03.txt"
    changed.write_text("Host 0: a different transcript now, about tokenizers.\n", encoding="utf-8")
    third = _ingest(folder, db, workers=WORKERS)
    statuses = {Path(str(r["path"])).name: r["status"] for r in third}
    assert statuses["ep-03.txt"] == "ingested"
    assert [s for name, s in statuses.items() if name != "ep-03.txt" and s == "ingested"] == []
    with Store(db) as store:
        (episode_id,) = [r["episode_id"] for r in third if r["status"] == "ingested"]
        texts = [t.text for t in store.turns(episode_id=str(episode_id))]
    assert texts == ["a different transcript now, about tokenizers."]


def _planned_len(index: int) -> tuple[tuple[object, ...], str]:
    return (index,), "x" * index


def test_read_ahead_gives_a_result_only_for_the_key_it_was_planned_with() -> None:
    ahead: ReadAhead[str, int] = ReadAhead(MIN_FILES, _planned_len, len, workers=WORKERS)
    try:
        ahead.advance(0)
        assert ahead.take(3, (3,)) == 3
        assert ahead.take(4, ("changed since",)) is None  # the caller reads it itself
        assert ahead.take(3, (3,)) is None  # taken once
    finally:
        ahead.close()


@pytest.mark.parametrize("count, workers", [(MIN_FILES - 1, WORKERS), (MIN_FILES, 1)])
def test_small_ingests_and_one_worker_start_no_process(count: int, workers: int) -> None:
    ahead: ReadAhead[str, int] = ReadAhead(count, _planned_len, len, workers=workers)
    ahead.advance(0)
    assert ahead.take(1, (1,)) is None and ahead._pool is None
    ahead.close()


def test_an_episode_rolled_back_after_its_index_rows_were_searched_leaves_no_term(
    tmp_path: Path,
) -> None:
    """A search inside a savepoint gives FTS5 the queued rows, those of the episodes before it
    too; rolling the savepoint back must keep theirs and drop only its own."""
    seeds = sorted(SEEDS.glob("*.txt"))
    first, second = (parse_file(p)[:2] for p in seeds[:2])
    with Store(tmp_path / "kept.db") as store, store.transaction():
        store.put_episode(*first)
    with Store(tmp_path / "rolled.db") as store:
        with store.transaction():
            store.put_episode(*first)
            with pytest.raises(RuntimeError), store.savepoint():
                store.put_episode(*second)
                # both episodes' words are in the index inside the transaction
                assert dict(store.body_terms(more_than=1))["the"] > 2
                raise RuntimeError("the second file fails after its rows were searched")
        assert store.turn_count() == len(first[1])
    assert _contents(tmp_path / "rolled.db") == _contents(tmp_path / "kept.db")


def test_a_new_episode_leaves_the_queued_index_rows_queued(tmp_path: Path) -> None:
    """FTS5 writes a segment of what it was given at each statement that opens a savepoint, so
    the index rows wait in a queue and reach it thousands at a time. Putting a new episode
    deletes its old turns first (there are none): that must not hand the queue over each file."""
    seeds = sorted(SEEDS.glob("*.txt"))
    first, second = (parse_file(p)[:2] for p in seeds[:2])
    with Store(tmp_path / "queued.db") as store, store.transaction():
        store.put_episode(*first)
        store.put_episode(*second)
        assert len(store._pending_index) == len(first[1]) + len(second[1])  # type: ignore[attr-defined]
        store.put_episode(*first)  # the same episode again: its rows must be indexed to go
        assert len(store._pending_index) == len(first[1])  # type: ignore[attr-defined]
    with Store(tmp_path / "queued.db") as store:
        assert store.turn_count() == len(first[1]) + len(second[1])


def _writing(db: Path) -> bool:
    """Another connection holds the store's write lock (the ingest is mid-transaction)."""
    if not db.exists():
        return False
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


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(c) for c in (task / "children").read_text().split()}
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc (Linux)")
def test_a_killed_ingest_leaves_no_worker_behind(tmp_path: Path) -> None:
    """SIGKILL shuts no pool down: the workers must notice their parent is gone and end (they
    held the killed ingest's stdout open, so a caller reading it to the end waited for ever)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    folder = _corpus(tmp_path / "corpus")
    for i in range(12):  # enough files that the ingest is still reading when it is killed
        for seed in sorted(SEEDS.glob("*.txt")):
            shutil.copy(seed, folder / f"copy{i}-{seed.name}")
    env = {**os.environ, "PODKB_INGEST_WORKERS": str(WORKERS)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "podkb", "ingest", "--db", str(tmp_path / "kb.db"), str(folder)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while len(workers := _children(proc.pid)) < WORKERS or not _writing(tmp_path / "kb.db"):
        assert proc.poll() is None and time.monotonic() < deadline, "no workers started"
        time.sleep(0.01)
    time.sleep(0.3)  # workers busy with files the killed ingest will never take
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)  # every holder of its pipes has gone
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers):
        assert time.monotonic() < deadline, "a worker outlived the killed ingest"
        time.sleep(0.05)
