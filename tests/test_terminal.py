"""podkb in a real pseudo-terminal: the pager, and tables at 60 and 120 columns.

Each test starts `python -m podkb` on a pty of a given size (so isatty and the terminal size are
real), reads everything it writes, and checks what a person would see.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import shutil
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

PYTHON = sys.executable


def _env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("COLUMNS", "LINES", "PODKB_FORCE_TERMINAL", "NO_COLOR", "PAGER", "LESS")
    }
    env.update({"TERM": "xterm", **extra})
    return env


def run_pty(
    args: list[str],
    *,
    cols: int,
    rows: int,
    env: dict[str, str],
    keys: bytes = b"",
    timeout: float = 30.0,
) -> tuple[int, str]:
    """Run podkb on a pseudo-terminal of cols x rows; type `keys` once output appears."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: size the terminal, then become podkb
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        os.execve(PYTHON, [PYTHON, "-m", "podkb", *args], env)
    chunks: list[bytes] = []
    sent = False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                data = os.read(fd, 65536)
            except OSError:  # the child closed the terminal (EIO on Linux)
                break
            if not data:
                break
            chunks.append(data)
        elif chunks and keys and not sent:
            os.write(fd, keys)
            sent = True
    else:
        os.kill(pid, 9)
        pytest.fail(f"podkb {args} did not finish in {timeout} s: {b''.join(chunks)[-500:]!r}")
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), b"".join(chunks).decode("utf-8", "replace")


@pytest.fixture()
def recorder(tmp_path: Path) -> tuple[str, Path]:
    """A pager that records what it is given: (the $PAGER value, the file it writes)."""
    record = tmp_path / "paged.txt"
    script = tmp_path / "pager.py"
    script.write_text(
        f"import sys\nopen({str(record)!r}, 'w', encoding='utf-8').write(sys.stdin.read())\n",
        encoding="utf-8",
    )
    return f"{PYTHON} {script}", record


def test_show_taller_than_the_terminal_goes_through_the_pager(seed_db, recorder):
    pager, record = recorder
    code, screen = run_pty(
        ["show", "humans", "--db", str(seed_db)], cols=100, rows=24, env=_env(PAGER=pager)
    )
    assert code == 0
    paged = record.read_text(encoding="utf-8")
    assert "Inside Hugging Face" in paged and "Lewis Tunstall" in paged
    assert paged.count("\n") > 24
    assert "Lewis Tunstall" not in screen  # the transcript went to the pager, not the screen


def test_no_pager_writes_to_the_terminal(seed_db, recorder):
    pager, record = recorder
    code, screen = run_pty(
        ["show", "humans", "--db", str(seed_db), "--no-pager"],
        cols=100,
        rows=24,
        env=_env(PAGER=pager),
    )
    assert code == 0 and not record.exists()
    assert "Lewis Tunstall" in screen


def test_output_that_fits_is_not_paged(seed_db, recorder):
    pager, record = recorder
    code, screen = run_pty(
        ["speakers", "--db", str(seed_db)], cols=120, rows=60, env=_env(PAGER=pager)
    )
    assert code == 0 and not record.exists()
    assert "Lewis Tunstall" in screen


def test_a_pipe_never_gets_a_pager_and_show_writes_text(seed_db, recorder):
    pager, record = recorder
    proc = subprocess.run(
        [PYTHON, "-m", "podkb", "show", "humans", "--db", str(seed_db)],
        env=_env(PAGER=pager),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0 and not record.exists()
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("#16. Inside Hugging Face with Lewis Tunstall")
    assert not proc.stdout.lstrip().startswith("{")  # the readable transcript, not records
    assert "\x1b[" not in proc.stdout  # no colour in a pipe
    # Each paragraph is one line in a pipe: grep finds a whole paragraph.
    assert any(len(line) > 200 for line in lines)


def test_show_format_jsonl_gives_records(seed_db):
    import json

    proc = subprocess.run(
        [PYTHON, "-m", "podkb", "show", "humans", "--db", str(seed_db), "--format", "jsonl"],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert proc.returncode == 0 and len(records) == 40 and records[0]["turn"] == 0


@pytest.mark.skipif(shutil.which("less") is None, reason="less is not installed")
def test_the_default_pager_is_less_and_q_quits_it(seed_db):
    code, screen = run_pty(
        ["show", "humans", "--db", str(seed_db)], cols=100, rows=24, env=_env(), keys=b"q"
    )
    assert code == 0
    assert "Inside Hugging Face" in screen


@pytest.mark.parametrize("cols", [60, 120])
def test_tables_never_split_ids_and_fit_the_terminal(seed_db, cols):
    code, screen = run_pty(
        ["episodes", "--db", str(seed_db), "--no-pager"], cols=cols, rows=200, env=_env()
    )
    assert code == 0
    plain = _strip_ansi(screen).replace("\r", "")
    lines = [line.rstrip() for line in plain.split("\n")]
    ids = [
        "hockeystick-2-llms-in-production",
        "humans-of-ai-16-lewis-tunstall",
        "infoq-omar-sanseviero",
        "latent-space-jeremy-howard-answer-ai",
        "ml-experts-lewis-tunstall-zh",
    ]
    for episode_id in ids:
        assert any(line.startswith(episode_id) for line in lines), (episode_id, plain)
    assert all(len(line) <= cols for line in lines)
    # Readable at 60 columns: every title word whole on a line (folded, not in fragments).
    assert "Democratizing" in plain and "Tunstall" in plain


def test_numbers_are_right_aligned(seed_db):
    code, screen = run_pty(
        ["speakers", "--db", str(seed_db), "--no-pager"], cols=120, rows=200, env=_env()
    )
    assert code == 0
    plain = _strip_ansi(screen).replace("\r", "")
    rows = [line.rstrip() for line in plain.split("\n") if line.startswith(("Lewis", "Omar"))]
    assert len(rows) == 2
    from rich.cells import cell_len  # display width: a CJK character takes two cells

    assert cell_len(rows[0]) == cell_len(rows[1])  # the last column (words) ends in one place


def _strip_ansi(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]", "", text)


@pytest.mark.parametrize("cols", [60, 120])
def test_quotes_and_the_truncation_note_on_a_terminal(seed_db, cols):
    code, screen = run_pty(
        ["quotes", "Jeremy", "--db", str(seed_db)],
        cols=cols,
        rows=400,
        env=_env(),
    )
    assert code == 0
    plain = _strip_ansi(screen).replace("\r", "")
    lines = [line.rstrip() for line in plain.split("\n")]
    assert all(len(line) <= cols for line in lines)
    assert "10 of 27 shown; -n 0 for all" in plain  # stderr, on the same terminal
    citations = [line for line in lines if line.lstrip().startswith(("1  Jeremy", "10  Jeremy"))]
    assert len(citations) == 2 and "Latent Space" in plain
    # Quotes, not whole turns: ten hits fit in far fewer lines than the turns would need.
    assert len([line for line in lines if line.strip()]) < 10 * 8


@pytest.mark.parametrize("after", ["podkb.output", "typer", "podkb.store.sqlite", "podkb.search"])
def test_ctrl_c_during_start_up_exits_130_without_a_traceback(seed_db, after):
    """SIGINT as soon as the module `after` has been imported: podkb is still starting (or, for
    podkb.search, already searching). -X importtime reports each import as it finishes."""
    import signal

    proc = subprocess.Popen(
        [PYTHON, "-X", "importtime", "-m", "podkb", "search", "evaluation", "-n", "0"]
        + ["--db", str(seed_db)],
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        # SIGINT at its default, whatever this test runner inherited.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert proc.stderr is not None
    seen = b""
    for line in proc.stderr:
        if line.split(b"|")[-1].strip() == after.encode():
            proc.send_signal(signal.SIGINT)
            break
        seen += line
    else:
        pytest.fail(f"{after} was never imported: {seen[-300:]!r}")
    rest = proc.stderr.read()
    proc.wait(timeout=60)
    assert b"Traceback" not in rest, rest[-500:]
    # Interrupted: 130; a search that finished before the signal arrived exits as usual.
    assert proc.returncode in (130, 0), (proc.returncode, rest[-500:])


# --- the pager, as git pages -----------------------------------------------------------------


@pytest.mark.parametrize(
    "args", [["search", "evaluation", "-n", "0"], ["quotes", "Lewis Tunstall", "-n", "0"]]
)
def test_search_and_quotes_taller_than_the_terminal_are_paged(seed_db, recorder, args):
    pager, record = recorder
    code, screen = run_pty([*args, "--db", str(seed_db)], cols=100, rows=20, env=_env(PAGER=pager))
    assert code == 0
    paged = record.read_text(encoding="utf-8")
    assert paged.count("\n") > 20 and "Lewis Tunstall" in paged
    assert "Lewis Tunstall" not in screen


def test_podkb_pager_wins_over_pager(seed_db, recorder):
    pager, record = recorder
    code, _ = run_pty(
        ["show", "humans", "--db", str(seed_db)],
        cols=100,
        rows=24,
        env=_env(PAGER="false", PODKB_PAGER=pager),
    )
    assert code == 0 and "Lewis Tunstall" in record.read_text(encoding="utf-8")


def test_a_pager_that_fails_loses_nothing(seed_db):
    code, screen = run_pty(
        ["show", "humans", "--db", str(seed_db)], cols=100, rows=24, env=_env(PAGER="false")
    )
    assert code == 0
    assert "the pager 'false' failed" in screen
    assert "Lewis Tunstall" in screen and "Inside Hugging Face" in screen


def test_a_pager_that_runs_podkb_does_not_page_again(seed_db, tmp_path):
    """A pager that is itself a podkb command would page its own output, and so on."""
    record = tmp_path / "inner.txt"
    script = tmp_path / "pager.sh"
    script.write_text(
        f"#!/bin/sh\ncat > /dev/null\n{PYTHON} -m podkb show humans --db {seed_db} > /dev/tty\n"
        f"echo done >> {record}\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    code, screen = run_pty(
        ["show", "humans", "--db", str(seed_db)],
        cols=100,
        rows=24,
        env=_env(PAGER=str(script)),
        timeout=60,
    )
    assert code == 0
    assert record.read_text(encoding="utf-8") == "done\n"  # the inner podkb ran once
    assert "Lewis Tunstall" in screen


@pytest.mark.parametrize("cols", [120, 60])
def test_the_ingest_table_never_breaks_an_episode_id(tmp_path, cols):
    from conftest import SEEDS

    code, screen = run_pty(
        ["ingest", str(SEEDS), "--db", str(tmp_path / "kb.db")], cols=cols, rows=40, env=_env()
    )
    assert code == 0, screen
    lines = _strip_ansi(screen).splitlines()
    for episode_id in (
        "humans-of-ai-16-lewis-tunstall",
        "latent-space-jeremy-howard-answer-ai",
        "hockeystick-2-llms-in-production",
    ):
        assert any(episode_id in line for line in lines), (episode_id, screen)
