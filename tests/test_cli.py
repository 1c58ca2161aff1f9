"""The command line as people and scripts use it: help, formats, exit codes, streams."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import SEEDS


def _commands() -> list[str]:
    """Every command the app registers: a new command without help and an example fails here."""
    from podkb.cli import app

    return [c.name or c.callback.__name__ for c in app.registered_commands if c.callback]


COMMANDS = _commands()


def test_the_command_list_is_the_apps():
    assert {"ingest", "search", "quotes", "export", "batch", "doctor"} <= set(COMMANDS)
    assert len(COMMANDS) == len(set(COMMANDS))


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(run_cli, command):
    code, out, err = run_cli(command, "--help")
    assert code == 0, err
    assert "Example:" in out


def test_help_shows_format_choices_literally(run_cli):
    code, out, _ = run_cli("search", "--help", env={"COLUMNS": "200"})
    # Spaces around the bars let the list wrap on a narrow terminal instead of being cut.
    assert "[table|json|jsonl|csv|cite]" in out.replace(" | ", "|")


def test_ingest_then_query(run_cli, tmp_path):
    db = str(tmp_path / "kb.db")
    code, out, err = run_cli("ingest", str(SEEDS), "--db", db, "--format", "json")
    assert code == 0, err
    summary = json.loads(out)
    assert summary["ingested"] == 5 and summary["failed"] == 0
    assert summary["store"]["episodes"] == 5

    code, out, err = run_cli("search", "Mad Uncle", "--db", db, "--format", "jsonl")
    assert code == 0 and err == ""
    first = json.loads(out.splitlines()[0])
    assert first["speaker"] == "Lewis Tunstall" and first["line"] == 38

    code, out, _ = run_cli("quotes", "lewis", "疊衣服", "--db", db, "--format", "json")
    assert code == 0 and {h["speaker"] for h in json.loads(out)} == {"Lewis Tunstall"}


def test_reingest_is_idempotent(run_cli, tmp_path):
    db = str(tmp_path / "kb.db")
    for _ in range(2):
        assert run_cli("ingest", str(SEEDS), "--db", db)[0] == 0
    code, out, _ = run_cli("episodes", "--db", db, "--format", "json")
    assert [e["turns"] for e in json.loads(out)] == [218, 40, 57, 58, 67]


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "cite", "table"])
def test_a_typo_is_corrected_the_same_way_in_every_format(run_cli, seed_db, fmt):
    code, out, err = run_cli("search", "leaderbaord", "--db", str(seed_db), "--format", fmt)
    assert code == 0  # the corrected query's hits, whatever the format
    assert "no results for 'leaderbaord'; showing results for 'leaderboard'" in err
    assert "leaderboard" in out


def test_no_results_exit_1(run_cli, seed_db):
    code, out, err = run_cli("search", "qwxzv", "--db", str(seed_db), "--format", "json")
    assert code == 1 and json.loads(out) == []


def test_table_mode_shows_the_corrected_results(run_cli, seed_db):
    code, out, err = run_cli("search", "leaderbaord", "--db", str(seed_db), "--format", "table")
    assert code == 0
    assert "showing results for 'leaderboard'" in err
    assert "leaderboard" in out


def test_unknown_speaker_exit_2_with_suggestions(run_cli, seed_db):
    code, out, err = run_cli("quotes", "Lewis Tunstel Jr", "--db", str(seed_db))
    assert code == 2 and out == ""
    assert err.startswith("podkb: ") and "did you mean 'Lewis Tunstall'" in err
    assert len(err.strip().splitlines()) == 1


def test_unknown_episode_suggests(run_cli, seed_db):
    code, _, err = run_cli("show", "latent-spase", "--db", str(seed_db))
    assert code == 2 and "did you mean 'latent-space-jeremy-howard-answer-ai'" in err


def test_usage_error_is_exit_2(run_cli, seed_db):
    code, _, _ = run_cli("search", "x", "--limit", "zero", "--db", str(seed_db))
    assert code == 2
    code, _, err = run_cli("search", "x", "--format", "yaml", "--db", str(seed_db))
    assert code == 2 and "unknown format" in err


def test_missing_store_says_what_to_do(run_cli, tmp_path):
    code, out, err = run_cli("episodes", "--db", str(tmp_path / "none.db"))
    assert code == 2 and out == ""
    assert "podkb ingest seeds/" in err


def test_piped_output_defaults_to_jsonl_without_escape_codes(run_cli, seed_db):
    code, out, _ = run_cli("search", "leaderboard", "--db", str(seed_db))
    assert code == 0 and "\x1b" not in out
    assert all(json.loads(line)["episode_id"] for line in out.splitlines())


def test_table_on_a_terminal_and_no_colour_with_no_color(run_cli, seed_db):
    code, out, _ = run_cli(
        "search", "leaderboard", "--db", str(seed_db), env={"PODKB_FORCE_TERMINAL": "1"}
    )
    assert code == 0 and "\x1b[" in out and "Inside Hugging Face" in out
    code, out, _ = run_cli(
        "search",
        "leaderboard",
        "--db",
        str(seed_db),
        env={"PODKB_FORCE_TERMINAL": "1", "NO_COLOR": "1"},
    )
    assert code == 0 and "\x1b" not in out and "Inside Hugging Face" in out


def test_export_filters_and_csv(run_cli, seed_db):
    code, out, _ = run_cli("export", "--db", str(seed_db), "--speaker", "Jeremy", "--format", "csv")
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("episode_id,turn,speaker")
    assert len(lines) == 1 + 27
    code, out, _ = run_cli("export", "--db", str(seed_db), "--episode", "infoq", "--format", "json")
    assert {t["episode_id"] for t in json.loads(out)} == {"infoq-omar-sanseviero"}


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary file"),
        (bytes([0x81, 0xFF, 0xFE, 0x80]) * 40, "not valid UTF-8"),
    ],
)
def test_bad_file_one_line_error_and_store_unchanged(run_cli, tmp_path, content, reason):
    db = str(tmp_path / "kb.db")
    good = tmp_path / "good"
    good.mkdir()
    shutil.copy(SEEDS / "000_084d43b1bddc1ac0.txt", good)
    assert run_cli("ingest", str(good), "--db", db)[0] == 0
    before = run_cli("export", "--db", db)[1]

    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    code, out, err = run_cli("ingest", str(bad), "--db", db)
    assert code == 2
    assert err.strip().splitlines() == [err.strip()]
    assert err.startswith(f"podkb: {bad}: ") and reason in err
    assert "Traceback" not in err
    assert run_cli("export", "--db", db)[1] == before


def test_ingest_of_a_folder_without_transcripts_says_so(run_cli, tmp_path):
    (tmp_path / "empty").mkdir()
    code, out, err = run_cli("ingest", str(tmp_path / "empty"), "--db", str(tmp_path / "kb.db"))
    assert code == 2 and out == ""
    assert "no transcript files found" in err and str(tmp_path / "empty") in err
    assert not (tmp_path / "kb.db").exists()


def test_a_db_url_of_an_unknown_engine_is_one_line_and_exit_2(run_cli):
    code, out, err = run_cli("episodes", "--db", "mysql://ana:s3cret@db.example/kb")
    assert code == 2 and out == ""
    assert err.startswith("podkb: ") and "no storage engine for mysql://" in err
    assert "s3cret" not in err and len(err.strip().split("\n")) == 1


# --- one request model: the filters are declared once and every query command has them ----------

FILTER_OPTIONS = ["--topic", "--episode", "--lang"]


@pytest.mark.parametrize(
    "command, options",
    [
        ("search", ["--speaker", *FILTER_OPTIONS, "--limit", "--context"]),
        ("quotes", [*FILTER_OPTIONS, "--limit", "--context"]),
        ("export", ["--speaker", *FILTER_OPTIONS]),
    ],
)
def test_query_commands_share_the_filter_options(run_cli, command, options):
    code, out, _ = run_cli(command, "--help")
    assert code == 0
    for option in options:
        assert option in out, option


def test_every_format_help_lists_its_choices_literally(run_cli):
    from podkb.export import EXPORT_FORMATS

    expected = {
        "search": "[table|json|jsonl|csv|cite]",
        "quotes": "[table|json|jsonl|csv|cite]",
        "show": "[text|json|jsonl|csv]",
        "doctor": "[table|json]",
        "export": "[" + "|".join(EXPORT_FORMATS) + "]",
    }
    for command, choices in expected.items():
        code, out, _ = run_cli(command, "--help", env={"COLUMNS": "200"})
        # A long list is written with spaces around the bars, so that it wraps at 80 columns.
        assert code == 0 and choices in out.replace(" | ", "|"), command


@pytest.mark.parametrize(
    "args, message",
    [
        (["search", "x", "--limit", "-1"], "--limit: Input should be greater than or equal to 0"),
        (["search", "x", "--offset", "-1"], "--offset: Input should be greater than or equal to 0"),
        (["search", "x", "--role", "boss"], "--role: Input should be 'host' or 'guest'"),
        (["search", "x", "--since", "May 2024"], "--since: 'May 2024' is not a date"),
        (["quotes", "lewis", "--limit", "10001"], "--limit: Input should be less than or equal"),
        (["search", "x", "--context", "-1"], "--context: Input should be greater than or equal"),
        (["search", "x", "--context", "99999999999999999999999"], "--context: Input should be"),
    ],
)
def test_out_of_range_numbers_are_one_line_naming_the_option(run_cli, seed_db, args, message):
    code, out, err = run_cli(*args, "--db", str(seed_db))
    assert code == 2 and out == ""
    assert err.startswith("podkb: ") and message in err and len(err.strip().split("\n")) == 1


def test_export_by_language_keeps_exactly_the_turns_in_that_language(run_cli, seed_db, seed_turns):
    code, out, err = run_cli("export", "--lang", "zh", "--db", str(seed_db))
    assert code == 0, err
    exported = [json.loads(line) for line in out.splitlines()]
    expected = [
        (t.episode_id, t.turn)
        for turns in seed_turns.values()
        for t in turns
        if t.lang == "zh" or t.lang.startswith("zh-")
    ]
    assert expected and sorted((r["episode_id"], r["turn"]) for r in exported) == sorted(expected)


def test_export_by_topic_keeps_the_turns_search_finds_for_it(run_cli, seed_db):
    for topic in ("evaluation", "Governance"):
        code, out, err = run_cli(
            "search", "--topic", topic, "--limit", "10000", "--db", str(seed_db), "-f", "jsonl"
        )
        assert code == 0, err
        found = {(h["episode_id"], h["turn"]) for h in map(json.loads, out.splitlines())}
        code, out, err = run_cli("export", "--topic", topic, "--db", str(seed_db))
        assert code == 0, err
        exported = {(r["episode_id"], r["turn"]) for r in map(json.loads, out.splitlines())}
        assert found and exported == found, topic


def test_a_batch_entry_may_ask_for_context(run_cli, seed_db, tmp_path):
    batch = tmp_path / "q.yaml"
    batch.write_text('- query: "Mad Uncle"\n  limit: 1\n  context: 1\n', encoding="utf-8")
    code, out, err = run_cli("batch", str(batch), "--db", str(seed_db))
    assert code == 0, err
    [hit] = [json.loads(line) for line in out.splitlines()]
    before, after = hit["context"]["before"], hit["context"]["after"]
    assert [t["turn"] for t in before] == [hit["turn"] - 1]
    assert [t["turn"] for t in after] == [hit["turn"] + 1]


def test_a_search_that_finds_nothing_exits_1_and_says_so_on_stderr(run_cli, seed_db):
    code, out, err = run_cli("search", "zzzqqq", "--db", str(seed_db), "--format", "json")
    assert (code, out.strip(), err.strip()) == (1, "[]", "podkb: no turns match 'zzzqqq'")
    code, out, err = run_cli("search", "evaluation", "--lang", "fr", "--db", str(seed_db))
    assert (code, err.strip()) == (1, "podkb: no turns match 'evaluation' with these filters")
    code, out, err = run_cli("-q", "search", "zzzqqq", "--db", str(seed_db))
    assert (code, out, err) == (1, "", "")
