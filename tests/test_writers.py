"""Output formats are writer objects in one registry (writers.WRITERS): every command offers the
formats its answer can be written in, each format is written by its writer, and a new format is
one Writer class and one registry line."""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import SEEDS

from podkb import writers
from podkb.writers import QUOTE_FORMATS, ROW_FORMATS, WRITERS, Answer, Writer

EPISODE = "humans-of-ai-16-lewis-tunstall"

# Commands whose answer is rows, with the CSV header their rows have.
LISTINGS = [
    (["episodes"], "episode_id"),
    (["speakers"], "name"),
    (["topics"], "kind"),
    (["search", "evaluation"], "episode_id"),
    (["quotes", "Lewis", "Tunstall", "evaluation"], "episode_id"),
    (["show", "hockeystick"], "episode_id"),
    (["ingest", "--explain", str(SEEDS / "000_084d43b1bddc1ac0.txt")], "line"),
]


def test_the_format_lists_are_the_registrys():
    assert ROW_FORMATS == ("table", "json", "jsonl", "csv")
    assert QUOTE_FORMATS == (*ROW_FORMATS, "cite")
    assert all(WRITERS[name].name == name for name in WRITERS)


@pytest.mark.parametrize(
    ("command", "first_column"), LISTINGS, ids=lambda v: v[0] if isinstance(v, list) else v
)
@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv"])
def test_every_listing_command_writes_every_machine_format(
    command, first_column, fmt, run_cli, seed_db
):
    code, out, err = run_cli(*command, "--format", fmt, "--db", str(seed_db))
    assert code == 0, err
    if fmt == "json":
        doc = json.loads(out)
        rows = doc["turns"] if command[0] == "show" else doc
        assert rows and first_column in rows[0]
    elif fmt == "jsonl":
        rows = [json.loads(line) for line in out.splitlines()]
        assert rows and all(first_column in row for row in rows)
    else:
        header, *rows = list(csv.reader(io.StringIO(out)))
        assert header[0] == first_column and rows


def test_table_names_the_people_form_of_every_command(run_cli, seed_db):
    """show's people's form is a transcript (text); --format table asks for it too."""
    as_text = run_cli("show", "hockeystick", "--format", "text", "--db", str(seed_db))
    as_table = run_cli("show", "hockeystick", "--format", "table", "--db", str(seed_db))
    assert as_table == as_text and as_text[0] == 0


@pytest.mark.parametrize(
    ("command", "listed"),
    [
        (["search", "x"], "table, json, jsonl, csv, cite"),
        (["episodes"], "table, json, jsonl, csv"),
        (["show", "hockeystick"], "text, json, jsonl, csv"),
        (["doctor"], "table, json"),
    ],
)
def test_an_unknown_format_names_the_formats_of_that_command(command, listed, run_cli, seed_db):
    code, out, err = run_cli(*command, "--format", "xml", "--db", str(seed_db))
    assert (code, out) == (2, "")
    assert err == f"podkb: unknown format 'xml'; choose one of: {listed}\n"


def test_cite_is_offered_only_to_answers_that_quote(run_cli, seed_db):
    code, _, err = run_cli("episodes", "--format", "cite", "--db", str(seed_db))
    assert code == 2 and "choose one of: table, json, jsonl, csv\n" in err


class TsvWriter(Writer):
    """A format a user might add: rows as tab-separated values."""

    name = "tsv"

    def write(self, answer: Answer) -> None:
        for row in answer.rows():
            writers.output.write("\t".join(str(row[c]) for c in answer.columns) + "\n")


def test_a_new_format_is_one_writer_class_and_one_registry_line(monkeypatch, capsys):
    monkeypatch.setitem(WRITERS, "tsv", TsvWriter())
    assert writers.formats() == (*ROW_FORMATS, "tsv")  # every listing command's list
    answer = Answer(
        rows=lambda: [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}],
        columns=["a", "b"],
        people=lambda: None,
    )
    writers.choose("tsv", writers.formats()).write(answer)
    assert capsys.readouterr().out == "1\tx\n2\ty\n"


def test_only_the_shape_asked_for_is_built(capsys):
    """A table never builds the JSON rows, nor JSON the table."""

    def never() -> list[dict[str, object]]:
        raise AssertionError("built the rows for a table")

    shown = []
    answer = Answer(rows=never, columns=[], people=lambda: shown.append(True))
    WRITERS["table"].write(answer)
    assert shown == [True]
    answer = Answer(rows=lambda: [{"n": 1}], columns=["n"], people=never)
    WRITERS["jsonl"].write(answer)
    assert capsys.readouterr().out == '{"n": 1}\n'
