"""`--format json|jsonl|csv` are three spellings of the same rows: for every command that lists
rows, jsonl is json's array one element a line, and each csv row is that element's documented
columns (a list as `a; b`, nothing as an empty cell, a formula-like text behind an apostrophe),
row for row. A script may switch formats and get the same answer."""

from __future__ import annotations

import csv
import io
import json

import pytest

# command -> its arguments on the seed store
LISTING = {
    "episodes": ["episodes"],
    "show": ["show", "infoq"],
    "search": ["search", "evaluation", "--limit", "5"],
    "search with context": ["search", "leaderboard", "--limit", "2", "--context", "1"],
    "quotes": ["quotes", "Lewis", "evaluation", "--limit", "3"],
    "speakers": ["speakers"],
    "topics": ["topics"],
    "export": ["export", "--episode", "humans"],
    "export by speaker": ["export", "--speaker", "Omar Sanseviero"],
}

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    """What a spreadsheet user sees in the cell of one JSON value."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_START) else value
    return str(value)


def _rows(run_cli, seed_db, args, fmt):
    code, out, err = run_cli(*args, "--db", str(seed_db), "--format", fmt)
    assert code == 0, err
    return out


def _json_rows(out: str) -> list[dict]:
    data = json.loads(out)
    # `show --format json` is the episode with its turns; the turns are its rows.
    return data["turns"] if isinstance(data, dict) else data


@pytest.mark.parametrize("name", sorted(LISTING))
def test_jsonl_is_the_json_array_one_row_a_line(run_cli, seed_db, name):
    rows = _json_rows(_rows(run_cli, seed_db, LISTING[name], "json"))
    lines = _rows(run_cli, seed_db, LISTING[name], "jsonl").splitlines()
    assert rows, "a listing of the seeds has rows"
    assert [json.loads(line) for line in lines] == rows
    assert [list(json.loads(line)) for line in lines] == [list(r) for r in rows]  # key order too


@pytest.mark.parametrize("name", sorted(LISTING))
def test_csv_rows_are_the_json_rows_columns(run_cli, seed_db, name):
    rows = _json_rows(_rows(run_cli, seed_db, LISTING[name], "json"))
    out = _rows(run_cli, seed_db, LISTING[name], "csv")
    assert out.endswith("\r\n")  # RFC 4180 line ends
    table = list(csv.reader(io.StringIO(out, newline="")))
    header, body = table[0], table[1:]
    assert len(header) == len(set(header))
    # The columns are json fields (the hit columns in the README's order, not json's); topics'
    # csv adds the chapter columns that only chapter rows fill.
    fields = list(rows[0])
    assert set(header) - set(fields) <= {"episode_id", "start"}
    assert len(set(header) & set(fields)) >= 3
    assert len(body) == len(rows)
    for row, line in zip(rows, body, strict=True):
        shown = {c: _cell(row[c]) for c in header if c in row}
        assert {c: v for c, v in zip(header, line, strict=True) if c in row} == shown


def test_csv_leaves_out_only_the_nested_fields(run_cli, seed_db):
    rows = json.loads(_rows(run_cli, seed_db, LISTING["search with context"], "json"))
    header = next(csv.reader(io.StringIO(_rows(run_cli, seed_db, LISTING["search"], "csv"))))
    nested = {k for k, v in rows[0].items() if isinstance(v, dict)}
    assert "context" in nested
    assert not nested & set(header)


def test_an_empty_listing_is_an_empty_array_no_lines_and_a_header(run_cli, seed_db):
    args = ["search", "zyzzyvas", "--db", str(seed_db), "--format"]
    assert run_cli(*args, "json")[:2] == (1, "[]\n")
    assert run_cli(*args, "jsonl")[:2] == (1, "")
    code, out, _ = run_cli(*args, "csv")
    assert code == 1
    assert out.count("\r\n") == 1 and out.startswith("episode_id,turn,speaker,")


def test_doctor_formats_say_the_same(run_cli, seed_db):
    code, out, err = run_cli("doctor", "--db", str(seed_db), "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert report["counts"] == {"episodes": 5, "turns": 440, "speakers": 8, "indexed_turns": 440}
    assert all(check["ok"] for check in report["checks"])
    code, table, _ = run_cli("doctor", "--db", str(seed_db), "--format", "table")
    assert code == 0
    for check in report["checks"]:
        assert check["name"] in table
