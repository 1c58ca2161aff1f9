"""What people see on a terminal for the commands that answer them: a hit's citation line, its
turn and the turns around it (`--context`), "No results." for nothing; and what `remove` asks or
refuses before it deletes anything. PODKB_FORCE_TERMINAL makes stdout count as a terminal, and
NO_COLOR keeps the text plain so that it can be compared."""

from __future__ import annotations

import io
import json

import pytest

TERMINAL = {"PODKB_FORCE_TERMINAL": "1", "NO_COLOR": "1", "COLUMNS": "100"}


def _lines(out: str) -> list[str]:
    return [line.rstrip() for line in out.splitlines()]


def test_a_hit_with_context_shows_the_turns_around_it_then_a_rule(run_cli, seed_db):
    code, out, err = run_cli(
        "search",
        "Mad Uncle",
        "--context",
        "1",
        "-n",
        "1",
        "--no-pager",
        "--db",
        str(seed_db),
        env=TERMINAL,
    )
    assert code == 0, err
    lines = _lines(out)
    assert lines[0] == "    Sheikh Shuvo: What was the name of the band?"
    assert lines[1].startswith('  1  Lewis Tunstall, Humans of AI, "#16. Inside Hugging Face')
    assert "000_084d43b1bddc1ac0.txt:38" in out
    assert any("Mad Uncle" in line for line in lines[2:-2])
    assert lines[-2].startswith("    Sheikh Shuvo: Now, if you listen to hyper music now")
    assert lines[-1] == "    --"


def test_a_long_neighbouring_turn_is_cut_to_one_line(run_cli, seed_db, seed_turns):
    code, out, _ = run_cli(
        "search",
        "leaderboard",
        "--context",
        "1",
        "-n",
        "3",
        "--no-pager",
        "--db",
        str(seed_db),
        env={**TERMINAL, "COLUMNS": "1000"},
    )
    assert code == 0
    context = [line for line in _lines(out) if line.startswith("    ") and line != "    --"]
    assert context
    for line in context:
        # `    Speaker: ` and at most 200 characters of the turn, then … when it went on.
        _, _, text = line.partition(": ")
        assert len(text) <= 201
        assert "\n" not in text


def test_nothing_found_on_a_terminal_says_no_results_on_stderr(run_cli, seed_db):
    code, out, err = run_cli("search", "zyzzyvas", "--no-pager", "--db", str(seed_db), env=TERMINAL)
    assert (code, out) == (1, "")
    assert err == "No results.\n"


def test_an_empty_stdin_query_is_refused(run_cli, seed_db, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"")))
    code, out, err = run_cli("search", "-", "--db", str(seed_db))
    assert (code, out) == (2, "")
    assert err == "podkb: the query is - (stdin), and stdin is empty\n"


def test_a_query_read_from_stdin_is_the_query(run_cli, seed_db, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"Mad Uncle\n")))
    code, out, _ = run_cli("search", "-", "--db", str(seed_db), "--format", "json")
    typed = run_cli("search", "Mad Uncle", "--db", str(seed_db), "--format", "json")[1]
    assert code == 0 and json.loads(out) == json.loads(typed)


# --- remove asks first ---------------------------------------------------------------------------


def _episode_ids(run_cli, db) -> list[str]:
    _, out, _ = run_cli("episodes", "--db", str(db), "--format", "json")
    return [e["episode_id"] for e in json.loads(out)]


def test_remove_off_a_terminal_without_yes_is_refused_and_removes_nothing(run_cli, seed_copy):
    before = _episode_ids(run_cli, seed_copy)
    code, out, err = run_cli("remove", "infoq", "--db", str(seed_copy))
    assert (code, out) == (2, "")
    assert err == (
        "podkb: this would remove 1 episode(s) (infoq-omar-sanseviero); pass --yes to remove "
        "them (nothing is asked off a terminal), or --dry-run to list them\n"
    )
    assert _episode_ids(run_cli, seed_copy) == before


def test_remove_dry_run_lists_what_would_go_and_removes_nothing(run_cli, seed_copy):
    before = _episode_ids(run_cli, seed_copy)
    code, out, err = run_cli("remove", "infoq", "humans", "--dry-run", "--db", str(seed_copy))
    assert code == 0
    assert out.splitlines() == [
        "humans-of-ai-16-lewis-tunstall",
        "infoq-omar-sanseviero",
    ]  # id order
    assert err == "Would remove 2 episode(s) (--dry-run: nothing removed).\n"
    assert _episode_ids(run_cli, seed_copy) == before


def test_remove_yes_removes_exactly_the_episodes_named(run_cli, seed_copy):
    code, out, err = run_cli("remove", "infoq", "--yes", "--db", str(seed_copy))
    assert code == 0
    assert out == "infoq-omar-sanseviero\n"
    assert err == "Removed 1 episode(s).\n"
    assert "infoq-omar-sanseviero" not in _episode_ids(run_cli, seed_copy)
    assert len(_episode_ids(run_cli, seed_copy)) == 4
    code, out, _ = run_cli("search", "Somos NLP", "--db", str(seed_copy), "--format", "json")
    assert (code, out) == (1, "[]\n")  # its turns left the index with it


@pytest.mark.parametrize(
    "answer, removed", [("y\n", True), ("yes\n", True), ("\n", False), ("n\n", False)]
)
def test_remove_on_a_terminal_lists_and_asks(run_cli, seed_copy, monkeypatch, answer, removed):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(answer.encode())))
    monkeypatch.setattr("podkb.output.can_ask", lambda: True)
    code, out, err = run_cli("remove", "infoq", "--db", str(seed_copy))
    assert "  infoq-omar-sanseviero\n" in err
    assert "Remove 1 episode(s)? [y/N] " in err
    gone = "infoq-omar-sanseviero" not in _episode_ids(run_cli, seed_copy)
    assert gone == removed
    assert code == (0 if removed else 1)
    if not removed:
        assert err.endswith("Nothing removed.\n") and out == ""
