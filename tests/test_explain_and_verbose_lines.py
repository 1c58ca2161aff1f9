"""The lines ingest says about each file besides its results: `--explain`'s summary on stderr
(reader, turns, every line class with its count, words kept), the time unit a file's bare
numbers were read in, what `-v` adds per file, and the ingest table's per-file account. Real
files: a seed page and a speech-to-text export whose times are integer milliseconds."""

from __future__ import annotations

import json
import re

from conftest import FIXTURES, SEEDS

SEED = SEEDS / "000_084d43b1bddc1ac0.txt"
MS = FIXTURES / "real" / "shapes" / "segments_integer_ms.json"
MS_UNIT = (
    "milliseconds (every time an integer; as seconds a word would take 509 s, the last end "
    "3.4 h for 23 words)"
)


def test_explain_sums_up_the_file_on_stderr(run_cli):
    code, out, err = run_cli("ingest", "--explain", str(SEED), "--format", "jsonl")
    assert code == 0
    assert err == (
        f"{SEED}: text, 40 turns; lines: 57 text, 3 metadata, 8 chrome; words kept 3737 of 3880\n"
    )
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 57 + 3 + 8  # one record per non-blank line
    assert [r["line"] for r in rows] == sorted(r["line"] for r in rows)


def test_explain_says_the_unit_bare_numbers_were_read_in(run_cli):
    code, _, err = run_cli("ingest", "--explain", str(MS), "--format", "jsonl")
    assert code == 0
    assert err.splitlines() == [
        f"{MS}: stt-segments, 3 turns; lines: 3 text, 1 metadata; words kept 23 of 23",
        f"{MS}: times read as {MS_UNIT}",
    ]


def test_verbose_ingest_names_each_file_and_its_time_unit(run_cli, tmp_path):
    db = str(tmp_path / "kb.db")
    code, out, err = run_cli("-v", "ingest", str(SEED), str(MS), "--db", db, "--format", "jsonl")
    assert code == 0, err
    assert err.splitlines() == [
        f"podkb: {SEED}: humans-of-ai-16-lewis-tunstall, 40 turns",
        f"podkb: {MS}: segments-integer-ms, 3 turns",
        f"podkb: {MS}: times read as {MS_UNIT}",
    ]
    assert [json.loads(line)["time_unit"] for line in out.splitlines()] == [None, MS_UNIT]


def test_without_verbose_a_script_gets_no_detail(run_cli, tmp_path):
    db = str(tmp_path / "kb.db")
    code, _, err = run_cli("ingest", str(SEED), str(MS), "--db", db, "--format", "jsonl")
    assert (code, err) == (0, "")


def test_the_ingest_table_accounts_for_each_file(run_cli, tmp_path):
    db = str(tmp_path / "kb.db")
    env = {"PODKB_FORCE_TERMINAL": "1", "NO_COLOR": "1", "COLUMNS": "200"}
    code, out, err = run_cli("ingest", str(SEED), str(MS), "--db", db, env=env)
    assert code == 0, err
    rows = [re.split(r"\s{2,}", line.strip()) for line in out.splitlines()]
    assert rows[0] == ["file", "episode", "turns", "words kept", "lines dropped"]
    assert rows[2:] == [
        [SEED.name, "humans-of-ai-16-lewis-tunstall", "40", "3737 of 3880", "3 metadata, 8 chrome"],
        [MS.name, "segments-integer-ms", "3", "23 of 23", "1 metadata"],
    ]
    assert err == (
        f"Ingested 2 of 2 file(s): 43 turns. Knowledge base {db}: 2 episodes, 43 turns, "
        "4 speakers.\n"
    )


def test_a_file_that_keeps_every_line_drops_none():
    from podkb.ingest.pipeline import FileResult
    from podkb.reports import dropped_lines

    lines = {"text": 2, "label": 0, "timing": 0, "metadata": 0, "chrome": 0, "duplicate": 0}
    assert dropped_lines(FileResult(path="plain.txt", lines=lines)) == "none"
    assert dropped_lines(FileResult(path="plain.txt", lines={**lines, "timing": 4})) == "4 timing"
