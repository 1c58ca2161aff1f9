"""podkb in scripts and cron: - for stdin, --out - refused, -q and -v, completion, progress bars
that follow the terminal, and | head."""

from __future__ import annotations

import io
import json
import subprocess
import sys

from conftest import SEEDS
from test_terminal import _env, _strip_ansi, run_pty

SEED = SEEDS / "000_084d43b1bddc1ac0.txt"


def test_ingest_reads_stdin_with_a_name(run_cli, tmp_path, monkeypatch):
    db = tmp_path / "kb.db"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SEED.read_bytes())))
    code, out, err = run_cli(
        "ingest", "-", "--name", SEED.name, "--db", str(db), "--format", "jsonl"
    )
    assert code == 0, err
    (record,) = [json.loads(line) for line in out.splitlines()]
    assert record["episode_id"] == "humans-of-ai-16-lewis-tunstall" and record["turns"] == 40
    code, out, _ = run_cli("show", "humans", "--db", str(db), "--format", "jsonl")
    assert json.loads(out.splitlines()[0])["source"] == SEED.name  # provenance: the name given


def test_ingest_stdin_without_a_name_is_refused(run_cli, tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"Host: hi\n")))
    code, out, err = run_cli("ingest", "-", "--db", str(tmp_path / "kb.db"))
    assert code == 2 and out == "" and "needs --name" in err


def test_batch_reads_stdin(run_cli, seed_db, monkeypatch):
    queries = b"- name: lb\n  query: leaderboard\n  limit: 2\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(queries)))
    code, out, err = run_cli("batch", "-", "--db", str(seed_db))
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 2 and all(r["name"] == "lb" for r in rows)


def test_batch_out_dash_is_refused(run_cli, seed_db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "q.yaml").write_text("- query: leaderboard\n", encoding="utf-8")
    code, out, err = run_cli("batch", "q.yaml", "--out", "-", "--db", str(seed_db))
    assert code == 2 and out == "" and "--out takes a folder" in err
    assert not (tmp_path / "-").exists()


def test_quiet_silences_summaries_and_notes_but_not_errors(run_cli, seed_db, tmp_path):
    db = tmp_path / "kb.db"
    code, _, err = run_cli("ingest", str(SEED), "--db", str(db), "--format", "table")
    assert code == 0 and "Ingested 1 of 1" in err
    code, _, err = run_cli("-q", "ingest", str(SEED), "--db", str(db), "--format", "table")
    assert code == 0 and err == ""
    code, out, err = run_cli(
        "-q",
        "quotes",
        "Jeremy",
        "--db",
        str(seed_db),
        "-f",
        "jsonl",
        env={"PODKB_FORCE_TERMINAL": "1"},  # where the "10 of 27 shown" note would be said
    )
    assert code == 0 and len(out.splitlines()) == 10 and err == ""
    code, _, err = run_cli("-q", "quotes", "Nobody", "--db", str(seed_db))
    assert code == 2 and "no speaker 'Nobody'" in err


def test_verbose_names_each_file_ingested(run_cli, tmp_path):
    code, _, err = run_cli(
        "-v", "ingest", str(SEED), "--db", str(tmp_path / "kb.db"), "--format", "table"
    )
    assert code == 0
    assert f"podkb: {SEED}: humans-of-ai-16-lewis-tunstall, 40 turns" in err


def test_shell_completion_can_be_shown(run_cli):
    code, out, _ = run_cli("--help", env={"COLUMNS": "200"})
    assert code == 0 and "--install-completion" in out and "--show-completion" in out
    proc = subprocess.run(
        [sys.executable, "-m", "podkb", "--show-completion", "bash"],
        env=_env(_PODKB_COMPLETE="source_bash", SHELL="/bin/bash"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0 and "complete" in proc.stdout


def test_progress_bar_follows_the_terminal_not_no_color(tmp_path):
    # Many files, so that the bar is drawn; NO_COLOR takes its colour away, not the bar.
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(30):
        (folder / f"ep{i}.txt").write_bytes(
            SEED.read_bytes().replace(b"Lewis", f"Lewis{i}".encode())
        )
    code, screen = run_pty(
        ["ingest", str(folder), "--db", str(tmp_path / "kb.db")],
        cols=100,
        rows=30,
        env=_env(NO_COLOR="1"),
        timeout=300,
    )
    assert code == 0
    assert "Ingesting" in _strip_ansi(screen)
    assert "\x1b[3" not in screen  # no colour (SGR 30-39 foreground)


def test_export_json_into_head_exits_141_quietly(seed_db):
    proc = subprocess.run(
        f"{sys.executable} -m podkb export --format json --db {seed_db} | head -3 > /dev/null;"
        " echo ${PIPESTATUS[0]} >&2",
        shell=True,
        executable="/bin/bash",
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.stderr.strip().splitlines()[-1] == "141"
    assert "Traceback" not in proc.stderr and "Error" not in proc.stderr
