"""`podkb speakers suggest EPISODE` in every format: the same candidates (label, name, line,
evidence) as a table, JSON, JSON lines and CSV; an episode whose speakers are all named is exit 1
with the reason, in every format."""

from __future__ import annotations

import csv
import io
import json

import pytest
from test_naming import EPISODE, interview  # noqa: F401  (interview is a fixture)


def suggestions(run_cli, db: str, fmt: str) -> tuple[int, str, str]:
    return run_cli("speakers", "suggest", EPISODE, "--db", db, "--format", fmt)


def test_json_csv_and_jsonl_give_the_same_candidates(run_cli, interview):  # noqa: F811
    _, db = interview
    code, out, err = suggestions(run_cli, db, "jsonl")
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows
    code, out, err = suggestions(run_cli, db, "json")
    assert code == 0, err
    assert json.loads(out) == rows
    code, out, err = suggestions(run_cli, db, "csv")
    assert code == 0, err
    table = list(csv.DictReader(io.StringIO(out)))
    assert [(r["label"], r["name"], r["evidence"]) for r in table] == [
        (r["label"], r["name"], r["evidence"]) for r in rows
    ]
    assert [int(r["line"]) if r["line"] else None for r in table] == [r["line"] for r in rows]


def test_the_table_shows_each_candidate_with_its_line_and_evidence(run_cli, interview):  # noqa: F811
    _, db = interview
    _, out, _ = suggestions(run_cli, db, "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    code, table, err = run_cli(
        "speakers", "suggest", EPISODE, "--db", db, "--format", "table", env={"COLUMNS": "200"}
    )
    assert code == 0, err
    assert "\x1b[" not in table  # no colour off a terminal
    header, rule = table.splitlines()[:2]
    assert header.split() == ["label", "name", "line", "evidence"]
    assert set(rule) == {"─"}
    for row in rows:
        (line,) = [
            text
            for text in table.splitlines()
            if text.startswith(f"{row['label']} ")  # the first column, what is typed next
            and f" {row['name']} " in text
            and (row["line"] is None or f" {row['line']} " in text)
        ]
        assert row["evidence"][:30] in line


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "csv"])
def test_an_episode_with_every_speaker_named_has_nothing_to_suggest(run_cli, seed_db, fmt):
    code, out, err = run_cli(
        "speakers", "suggest", "infoq-omar-sanseviero", "--db", str(seed_db), "--format", fmt
    )
    assert code == 1
    assert out == ""
    assert err == (
        "podkb: infoq-omar-sanseviero has no unnamed speaker labels "
        "(SPEAKER_00, A, Speaker 1, ...): nothing to suggest\n"
    )
