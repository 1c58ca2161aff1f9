"""What a new user trips on: help that shows what to type, formats that work as offered,
messages that say what happened."""

from __future__ import annotations

import re

import pytest
from typer.main import get_command

from podkb.cli import app

PLACEHOLDER_RE = re.compile(r"<[a-z][\w\[\], |]*>|\{[a-z_]+\}")


def command_paths(command=None, prefix=()) -> list[tuple[str, ...]]:
    """Every command and subcommand of the app, as the words that run it."""
    command = command or get_command(app)
    paths = [prefix]
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        paths.extend(command_paths(sub, (*prefix, name)))
    return paths


COMMANDS = command_paths()


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "podkb")
@pytest.mark.parametrize("columns", ["120", "60"])
def test_help_shows_what_to_type_never_type_names(run_cli, path, columns):
    code, out, err = run_cli(*path, "--help", env={"COLUMNS": columns})
    assert code == 0, err
    assert not PLACEHOLDER_RE.findall(out), out
    assert "…" not in out, out  # no word of the help cut short


def test_help_names_option_values_as_a_person_would(run_cli):
    _, out, _ = run_cli("search", "--help", env={"COLUMNS": "120"})
    assert re.search(r"--limit\s+-n\s+N\s", out) and re.search(r"--since\s+DATE\s", out)
    assert re.search(r"--full\s+Show whole turns", out)  # a flag takes no value
    _, out, _ = run_cli("ingest", "--help", env={"COLUMNS": "120"})
    assert re.search(r"Usage: podkb ingest \[OPTIONS\] [A-Z|]+\.\.\.", out)


# The arguments each command needs to run on the seed store (a command not listed is run bare:
# it may stop for another reason, never for the format its help offered).
ARGS = {
    ("ingest",): ["SEED"],
    ("search",): ["evaluation"],
    ("quotes",): ["Lewis Tunstall", "evaluation"],
    ("export",): ["--episode", "latent-space"],
    ("show",): ["latent-space"],
    ("speakers", "suggest"): ["latent-space"],
}


def offered_formats(run_cli, path) -> list[str]:
    _, out, _ = run_cli(*path, "--help", env={"COLUMNS": "200"})
    m = re.search(r"(?:Output )?format \[([^\]]+)\]", out)
    return [f.strip() for f in m.group(1).split("|")] if m else []


@pytest.mark.parametrize("path", [p for p in COMMANDS if p], ids=" ".join)
def test_every_format_a_command_offers_works(run_cli, seed_db, tmp_path, path):
    import shutil

    from conftest import SEEDS

    db = tmp_path / "kb.db"
    shutil.copy(seed_db, db)
    formats = offered_formats(run_cli, path)
    for fmt in formats:
        args = [
            str(SEEDS / "003_93e3be72a06d16a5.txt") if a == "SEED" else a
            for a in ARGS.get(path, [])
        ]
        code, out, err = run_cli(*path, *args, "--format", fmt, "--db", str(db))
        assert "unknown format" not in err and "choose one of" not in err, (path, fmt, err)
        if path in ARGS:
            assert code in (0, 1), (path, fmt, err)


# --- messages -----------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["search", "evaluation"], ["export"], ["quotes", "Lewis"]])
@pytest.mark.parametrize("option", ["--since", "--until"])
@pytest.mark.parametrize("date", ["2024-13", "2024-02-30", "2023-02-29", "2024-00"])
def test_an_impossible_date_is_a_usage_error_naming_the_option(
    run_cli, seed_db, command, option, date
):
    code, out, err = run_cli(*command, option, date, "--db", str(seed_db))
    assert code == 2 and err.startswith(f"podkb: {option}: '{date}' is not a date"), err
    assert out == ""


def test_a_real_leap_day_is_a_date(run_cli, seed_db):
    code, _, err = run_cli("search", "evaluation", "--since", "2024-02-29", "--db", str(seed_db))
    assert code in (0, 1) and "not a date" not in err


@pytest.mark.parametrize(
    "command",
    [
        ["search", "evaluation", "--speaker", "Lewis Tunstal"],
        ["export", "--speaker", "Lewis Tunstal", "-f", "csv"],
    ],
)
def test_a_speaker_matched_by_close_spelling_is_said(run_cli, seed_db, command):
    code, _, err = run_cli(*command, "--db", str(seed_db))
    assert code == 0, err
    assert "(matched 'Lewis Tunstal' to 'Lewis Tunstall')" in err


def test_an_exact_speaker_name_says_nothing_of_matching(run_cli, seed_db):
    _, _, err = run_cli("search", "evaluation", "--speaker", "Lewis Tunstall", "--db", str(seed_db))
    assert "matched" not in err


def test_export_of_an_episode_id_as_a_query_says_to_use_episode(run_cli, seed_db):
    code, out, err = run_cli("export", "humans-of-ai-16-lewis-tunstall", "--db", str(seed_db))
    assert code == 1 and out == ""
    assert "use --episode humans-of-ai-16-lewis-tunstall" in err


def test_speakers_suggest_with_nothing_found_says_what_it_looked_for(run_cli, seed_db):
    code, out, err = run_cli("speakers", "suggest", "latent-space", "--db", str(seed_db))
    assert code == 1 and out == ""
    assert "no unnamed speaker labels" in err


# --- options anywhere, a query from stdin ----------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["search", "evaluation", "-q", "-n", "1"],
        ["-q", "search", "evaluation", "-n", "1"],
        ["search", "-q", "evaluation", "-n", "1", "-v"],
    ],
)
def test_quiet_and_verbose_are_taken_anywhere_on_the_line(run_cli, seed_db, args):
    code, out, err = run_cli(*args, "--db", str(seed_db), "-f", "jsonl")
    assert code == 0, err
    assert len(out.splitlines()) == 1 and "shown" not in err  # -q silences "1 of 7 shown"


def test_db_is_taken_before_the_command_too(run_cli, seed_db):
    code, out, err = run_cli("--db", str(seed_db), "episodes", "-f", "csv")
    assert code == 0, err
    assert len(out.splitlines()) == 6
    code, out, err = run_cli("--db", str(seed_db), "speakers", "suggest", "latent-space")
    assert code == 1 and "no unnamed speaker labels" in err


def test_words_after_double_dash_stay_query_words():
    from podkb.cli import global_options_placed

    assert global_options_placed(["search", "a", "-q", "--", "b", "-q", "-v"]) == [
        "-q",
        "search",
        "a",
        "--",
        "b",
        "-q",
        "-v",
    ]
    assert global_options_placed(["--db", "x.db", "speakers", "name", "e", "A=B"]) == [
        "speakers",
        "name",
        "--db",
        "x.db",
        "e",
        "A=B",
    ]


@pytest.mark.parametrize(
    "args", [["search", "-"], ["quotes", "Lewis", "Tunstall", "-"], ["quotes", "-s", "Lewis", "-"]]
)
def test_dash_as_the_query_reads_it_from_stdin(run_cli, seed_db, monkeypatch, args):
    import io
    import json
    import sys

    monkeypatch.setattr(sys, "stdin", io.StringIO("evaluation\n"))
    code, out, err = run_cli(*args, "--db", str(seed_db), "-f", "jsonl", "-n", "0")
    assert code == 0, err
    hits = [json.loads(line) for line in out.splitlines()]
    assert hits and all("evaluat" in h["text"].lower() for h in hits)


def test_version_names_the_engine_and_the_store_schema(run_cli, tmp_path):
    from podkb.store.sqlite import SCHEMA_VERSION

    code, out, _ = run_cli("--version", env={"PODKB_DB": str(tmp_path / "kb.db")})
    assert code == 0
    assert (
        out.splitlines()[1] == f"store: SQLite, schema version {SCHEMA_VERSION}: {tmp_path}/kb.db"
    )
    code, out, _ = run_cli("--version", env={"PODKB_DB": "postgresql://u:pw@db.example.org/kb"})
    assert "store: PostgreSQL, schema version" in out and "pw" not in out
    for db_option in (["--db", str(tmp_path / "other.db")], [f"--db={tmp_path}/other.db"]):
        code, out, err = run_cli(*db_option, "--version")
        assert code == 0, err
        assert out.splitlines()[1].endswith(f"{tmp_path}/other.db")


def test_a_query_that_is_a_speakers_name_suggests_speaker(run_cli, seed_db):
    code, _, err = run_cli("search", "Lewis Tunstall", "-f", "jsonl", "--db", str(seed_db))
    assert code == 0
    assert 'podkb search --speaker "Lewis Tunstall"' in err
    _, _, err = run_cli("search", "evaluation", "-f", "jsonl", "--db", str(seed_db))
    assert "--speaker" not in err


def test_quotes_of_a_listed_guest_without_labels_says_so_even_with_a_query(run_cli, seed_db):
    code, out, err = run_cli("quotes", "Matt Sharp", "hiring", "--db", str(seed_db))
    assert code == 1 and out == ""
    assert "Matt Sharp is listed as a guest of hockeystick-2-llms-in-production" in err
    assert "did you mean" not in err


def test_the_batch_documentation_names_every_field_an_entry_takes():
    from conftest import ROOT

    from podkb.batch import BatchQuery

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Batch") :]
    section = section[: section.index("\n## ", 1)]
    assert "(1 to 10000" not in section  # limit 0 is all, as on the command line
    for name in BatchQuery.model_fields:
        assert f"`{name}`" in section, name
