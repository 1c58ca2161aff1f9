"""One error funnel for every command (cli_run.run): whatever a command raises, the user sees
one line on stderr starting `podkb: ` and a documented exit status, never a traceback (unless
PODKB_DEBUG=1 asks for it). Shown on a small typer app whose commands fail each way, and on the
real commands where a real input fails that way."""

from __future__ import annotations

import pytest
import typer

from podkb.cli_run import run, store_version_line
from podkb.errors import ExitStatus, InputError, StoreBusyError
from podkb.store import sqlite

app = typer.Typer(add_completion=False)


@app.callback()
def root() -> None:
    """A group, as podkb's app is: commands are named on the command line."""


@app.command()
def bad_input() -> None:
    raise InputError("talk.srt: line 3: not a cue")


@app.command()
def busy() -> None:
    raise StoreBusyError("kb.db: another podkb is writing it")


@app.command()
def unwritable() -> None:
    raise PermissionError(13, "Permission denied", "/nowhere/out.csv")


@app.command()
def disk() -> None:
    raise OSError(28, "No space left on device")


@app.command()
def bug() -> None:
    raise ZeroDivisionError("division by zero")


@app.command()
def interrupted() -> None:
    raise KeyboardInterrupt


@app.command()
def exits(code: str) -> None:
    raise SystemExit(int(code) if code.isdigit() else code)


@pytest.mark.parametrize(
    "command, status, line",
    [
        ("bad-input", ExitStatus.ERROR, "podkb: talk.srt: line 3: not a cue"),
        ("busy", ExitStatus.STORE_BUSY, "podkb: kb.db: another podkb is writing it"),
        ("unwritable", ExitStatus.ERROR, "podkb: /nowhere/out.csv: Permission denied"),
        ("disk", ExitStatus.ERROR, "podkb: No space left on device"),
        (
            "bug",
            ExitStatus.ERROR,
            "podkb: internal error (ZeroDivisionError: division by zero); "
            "set PODKB_DEBUG=1 for the traceback",
        ),
    ],
)
def test_each_failure_is_one_line_and_its_exit_status(capsys, monkeypatch, command, status, line):
    monkeypatch.delenv("PODKB_DEBUG", raising=False)
    assert run(app, [command]) == status
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [line]


def test_ctrl_c_is_130_without_a_word(capsys):
    assert run(app, ["interrupted"]) == ExitStatus.INTERRUPTED
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize("code, status", [("0", 0), ("3", 3), ("odd", ExitStatus.ERROR)])
def test_a_command_that_exits_keeps_its_status(capsys, code, status):
    # SystemExit("odd") is how some libraries stop: not a number, so a plain error.
    assert run(app, ["exits", code]) == status


@pytest.mark.parametrize("command, raised", [("bug", ZeroDivisionError), ("disk", OSError)])
def test_podkb_debug_gives_the_traceback(monkeypatch, command, raised):
    monkeypatch.setenv("PODKB_DEBUG", "1")
    with pytest.raises(raised):
        run(app, [command])


def test_podkb_debug_raises_podkb_errors_too(monkeypatch):
    monkeypatch.setenv("PODKB_DEBUG", "1")
    with pytest.raises(InputError, match="not a cue"):
        run(app, ["bad-input"])


def test_usage_errors_are_typers_exit_2(capsys):
    assert run(app, ["no-such-command"]) == ExitStatus.ERROR
    assert "No such command" in capsys.readouterr().err


# --- the real commands ---------------------------------------------------------------------------


def test_export_into_a_folder_that_cannot_be_made_names_it(run_cli, seed_db, tmp_path):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder\n", encoding="utf-8")
    target = a_file / "out"  # a folder inside a file: the system refuses to make it
    code, out, err = run_cli("export", "--db", str(seed_db), "-o", str(target))
    assert code == ExitStatus.ERROR
    assert out == "" and "Traceback" not in err
    assert err.startswith("podkb: ") and str(a_file) in err
    assert len(err.splitlines()) == 1


def test_db_with_equals_before_the_command_names_the_store(run_cli, seed_db):
    code, out, err = run_cli(f"--db={seed_db}", "episodes", "--format", "jsonl")
    assert code == 0, err
    assert len(out.splitlines()) == 5


def test_db_without_a_command_is_a_usage_error(run_cli, seed_db):
    code, out, err = run_cli("--db", str(seed_db))
    assert code == ExitStatus.ERROR
    assert out == "" and "Traceback" not in err


def test_version_line_says_why_no_engine_reads_the_store_and_hides_the_password(monkeypatch):
    monkeypatch.setenv("PODKB_DB", "mysql://kb:s3cret@db.example.org/kb")
    line = store_version_line()
    assert line.startswith("store: mysql://kb@db.example.org/kb: no storage engine for mysql://")
    assert "s3cret" not in line and "schema version" not in line


def test_version_line_names_the_engine_and_schema_of_a_store_path(tmp_path, monkeypatch):
    monkeypatch.setenv("PODKB_DB", str(tmp_path / "kb.db"))
    expected = f"store: SQLite, schema version {sqlite.SCHEMA_VERSION}: {tmp_path / 'kb.db'}"
    assert store_version_line() == expected
