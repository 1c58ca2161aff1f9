"""Signals and pipes: Ctrl-C at any moment exits 130 with at most one line and the store whole;
a reader that goes away early gives exit 141 for every command and output format."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SEEDS
from test_robust_store import _default_sigint, many_transcripts

EPISODE = "hockeystick-2-llms-in-production"
# Subtitle formats need an episode whose turns all have times (podkb never invents one).
TIMED = "latent-space-jeremy-howard-answer-ai"


def _sound(db: Path) -> None:
    """The store is whole: SQLite's check, and every episode with exactly its turns."""
    if not db.exists():
        return
    with sqlite3.connect(db) as conn:
        if not conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='episodes'"
        ).fetchone():
            return  # interrupted before the schema's transaction committed: nothing there
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        counted = dict(conn.execute("SELECT episode_id, count(*) FROM turns GROUP BY 1"))
        for episode_id, turns in conn.execute("SELECT episode_id, turns FROM episodes"):
            assert counted.get(episode_id, 0) == turns, episode_id
    conn.close()


@pytest.mark.slow
def test_ctrl_c_at_random_moments_of_an_ingest_always_exits_130_cleanly(tmp_path):
    folder = many_transcripts(tmp_path / "many", copies=8)
    moments = random.Random(25)
    outcomes: list[tuple[float, int]] = []
    for attempt in range(30):
        db = tmp_path / f"kb{attempt}.db"
        proc = subprocess.Popen(
            [sys.executable, "-m", "podkb", "ingest", "--db", str(db), str(folder)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=_default_sigint,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        # From podkb's own start-up (its imports) to the last files; before 0.2 s the signal can
        # land while Python itself is starting, before any program can handle it.
        delay = moments.uniform(0.2, 1.5)
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        outcomes.append((round(delay, 2), proc.returncode))
        assert proc.returncode in (0, 130), (delay, proc.returncode, err)
        assert "Traceback" not in err and "KeyboardInterrupt" not in err, (delay, err)
        if proc.returncode == 130:
            assert len(err.strip().splitlines()) <= 1, (delay, err)
        _sound(db)
    assert sum(code == 130 for _, code in outcomes) >= 15, outcomes  # most landed mid-run


# --- pipes ---------------------------------------------------------------------------------------

PIPED = [
    ["export", "--format", "jsonl"],
    ["export", "--format", "json"],
    ["export", "--format", "csv"],
    ["export", "--format", "md"],
    ["export", "--format", "srt", "--episode", TIMED],
    ["export", "--format", "vtt", "--episode", TIMED],
    ["export", "--format", "podcast-json", "--episode", TIMED],
    ["search", "evaluation", "--format", "json"],
    ["search", "evaluation", "--format", "jsonl"],
    ["search", "evaluation", "--format", "csv"],
    ["search", "evaluation", "--format", "cite"],
    ["quotes", "Lewis Tunstall", "--format", "cite"],
    ["show", EPISODE],
    ["episodes", "--format", "json"],
    ["speakers", "--format", "csv"],
    ["ingest", "--explain", str(SEEDS / "000_084d43b1bddc1ac0.txt"), "--format", "json"],
]


@pytest.mark.parametrize("args", PIPED, ids=lambda a: " ".join(a[:3]))
def test_a_reader_that_goes_away_early_gives_141_for_every_format(seed_db, args):
    """A reader gone before podkb writes (a closed pipe) is 141 for every command and format."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "podkb", *args, "--db", str(seed_db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PODKB_DB": str(seed_db)},
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert proc.returncode == 141, err
    assert "Traceback" not in err


def test_a_reader_gone_after_a_small_result_fit_in_the_pipe_is_141(seed_db, monkeypatch):
    """The result fits in the pipe's buffer, and the reader takes a byte and leaves before
    podkb is done: as for a result too large for the buffer, 141 (it was 0 for small ones)."""
    import io

    from podkb import output
    from podkb.cli import main

    read_end, write_end = os.pipe()
    stdout = io.TextIOWrapper(os.fdopen(write_end, "wb"), encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", stdout)
    written = output.write

    def write_then_reader_leaves(text: str) -> None:
        written(text)
        sys.stdout.flush()
        if read_end_open:
            os.read(read_end, 1)
            os.close(read_end)
            read_end_open.clear()

    read_end_open = [True]
    monkeypatch.setattr(output, "write", write_then_reader_leaves)
    try:
        code = main(["search", "evaluation", "--format", "json", "-n", "1", "--db", str(seed_db)])
    finally:
        monkeypatch.undo()
        stdout.close()
    assert code == 141
