"""How podkb refuses: a file it cannot read, or a command it cannot carry out, is one line on
stderr that names the file (or the option) and the reason, exit code 2, nothing on stdout but the
report, and the store exactly as it was. Each row is a real file as a user might hand it over."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pytest
from conftest import SEEDS


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _one_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


# name -> (bytes, the reason after "podkb: PATH: ")
BAD_FILES = {
    "empty.txt": (b"", "empty file"),
    "blank.txt": (b"\n\n   \n", "empty file"),
    "invisible.txt": ("\u200b\n".encode(), "no transcript turns found (text)"),
    "half-bom.txt": (b"\xff\xfe\x00", "invalid utf-16 after its byte-order mark"),
    "latin.txt": (
        b"caf\xe9 \x81\x8d\x8f\x90\x9d",
        "not valid UTF-8, and not plausible as GB18030, Big5 or Windows-1252; "
        "give the encoding with --encoding",
    ),
    "cut.json": (b'{"segments": ', "line 1: invalid JSON: Expecting value"),
    "other.json": (
        b'{"foo": 1}',
        "JSON, but not a transcript podkb reads (it reads Podcasting 2.0 transcripts, Whisper / "
        "WhisperX segments, AssemblyAI, Deepgram, Rev.ai, AWS Transcribe, iFlytek and Podlove "
        "transcripts, and podkb turn records)",
    ),
    "segments.json": (
        b'{"version": "1.0.0", "segments": 3}',
        "Podcasting 2.0 transcript: `segments` must be a list",
    ),
    "chapters.json": (
        b'{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Intro"}]}',
        "a Podcasting 2.0 chapters file, not a transcript: name it after its transcript "
        "(episode.chapters.json next to episode.srt) and ingest the transcript",
    ),
    "unclosed.ttml": (b"<tt><p>unclosed", "line 1: not well-formed XML: no element found"),
    "entities.ttml": (
        b'<?xml version="1.0"?>\n<!DOCTYPE tt [<!ENTITY x "y">]>\n<tt>&x;</tt>',
        "XML with a DTD, entity declarations or external references (DTDForbidden): podkb "
        "reads transcripts without them",
    ),
    "front.md": (
        b"---\ntitle: [unclosed\n---\nHost: hi\n",
        "line 3: invalid YAML front matter: did not find expected ',' or ']'",
    ),
    "page.html": (
        b"<html><body><div>hello</div></body></html>",
        "no transcript turns found (html-page)",
    ),
    "whisper.tsv": (
        b"start\tend\ttext\nabc\tdef\thello\n",
        "line 2: expected `start<TAB>end<TAB>text` in milliseconds",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_file_podkb_cannot_read_is_one_line_exit_2_and_the_store_is_untouched(
    run_cli, seed_copy, tmp_path, name
):
    data, reason = BAD_FILES[name]
    bad = tmp_path / name
    bad.write_bytes(data)
    before = _digest(seed_copy)

    code, out, err = run_cli("ingest", str(bad), "--db", str(seed_copy), "--format", "json")

    assert code == 2
    assert _one_line(err) == f"podkb: {bad}: {reason}"
    # stdout is the report, which says the same: a script reading it needs no stderr.
    report = json.loads(out)
    assert (report["files"], report["ingested"], report["failed"]) == (1, 0, 1)
    (result,) = report["results"]
    assert result["status"] == "failed" and result["error"] == f"{bad}: {reason}"
    assert result["episode_ids"] == [] and result["turns"] == 0
    assert report["store"]["episodes"] == 5  # the seeds, all still there
    assert _digest(seed_copy) == before


def test_a_bad_file_among_good_ones_fails_alone(run_cli, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Host: Welcome to the show.\nGuest: Glad to be here.\n")
    (folder / "b.json").write_bytes(b'{"foo": 1}')
    db = tmp_path / "kb.db"

    code, out, err = run_cli("ingest", str(folder), "--db", str(db), "--format", "jsonl")

    reports = {Path(r["path"]).name: r for r in map(json.loads, out.splitlines())}
    assert {n: r["status"] for n, r in reports.items()} == {"a.txt": "ingested", "b.json": "failed"}
    assert code == 2  # some failed: the exit code says so even though a.txt landed
    assert _one_line(err).startswith(f"podkb: {folder / 'b.json'}: JSON, but not a transcript")
    assert run_cli("episodes", "--db", str(db), "--format", "json")[0] == 0


def test_lenient_keeps_a_file_whose_lines_are_not_all_accounted_for_and_says_so(run_cli, tmp_path):
    path = tmp_path / "ep.json"
    path.write_bytes(b'{"foo": 1}')
    code, _, err = run_cli("ingest", str(path), "--db", str(tmp_path / "kb.db"), "--lenient")
    # --lenient is about lines a reader leaves unaccounted, never about a file no reader takes.
    assert code == 2 and "JSON, but not a transcript" in err


# --- commands that cannot be carried out ----------------------------------------------------------

# args (after the command name's own `--db STORE`) -> the line on stderr, exit 2.
USAGE = [
    (
        ["ingest", "-"],
        "reading a transcript from - (stdin) needs --name, e.g. --name episode.srt",
    ),
    (
        ["ingest", "-", "--name", " "],
        "reading a transcript from - (stdin) needs --name, e.g. --name episode.srt",
    ),
    (
        ["ingest", "-", "--name", "a/b.srt"],
        "--name 'a/b.srt': give a file name without folders, e.g. episode.srt",
    ),
    (
        ["ingest", "-", "--name", ".."],
        "--name '..': give a file name without folders, e.g. episode.srt",
    ),
    (
        ["ingest", "--explain", str(SEEDS), "https://feeds.example.org/show.xml"],
        "--explain reads one local transcript file",
    ),
    (["doctor", "--format", "csv"], "unknown format 'csv'; choose one of: table, json"),
    (
        ["episodes", "--format", "xml"],
        "unknown format 'xml'; choose one of: table, json, jsonl, csv",
    ),
    (
        ["show", "infoq", "--format", "yaml"],
        "unknown format 'yaml'; choose one of: text, json, jsonl, csv",
    ),
    (["show", "nosuch"], "no episode 'nosuch'; run `podkb episodes` to list them"),
    (
        ["show", ""],
        "an empty episode id names no episode: give an id or a unique prefix "
        "(`podkb episodes` lists them)",
    ),
    (
        ["export", "--", "-evaluation"],
        "a query of only exclusions needs a filter (--speaker, --topic, --episode or --lang)",
    ),
    (
        ["search", "--", "-evaluation"],
        "a query of only exclusions needs a filter (--speaker, --topic, --episode or --lang)",
    ),
    (["feeds", "remove", "nosuch"], "not subscribed: 'nosuch'; `podkb feeds` lists subscriptions"),
    (["update", "nosuch"], "not subscribed: 'nosuch'; `podkb feeds` lists subscriptions"),
]


@pytest.mark.parametrize("args, message", USAGE, ids=[" ".join(a) for a, _ in USAGE])
def test_a_command_podkb_cannot_carry_out_is_one_line_and_exit_2(
    run_cli, seed_copy, monkeypatch, args, message
):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"Host: hello\n")))
    before = _digest(seed_copy)
    at = args.index("--") if "--" in args else len(args)  # options go before a `--`
    code, out, err = run_cli(*args[:at], "--db", str(seed_copy), *args[at:])
    assert (code, out) == (2, "")
    assert _one_line(err) == f"podkb: {message}"
    assert _digest(seed_copy) == before


def test_an_empty_query_on_stdin_is_refused(run_cli, seed_db, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"\n")))
    code, out, err = run_cli("search", "-", "--db", str(seed_db))
    assert (code, out) == (2, "")
    assert _one_line(err).startswith("podkb: ")


def test_export_out_must_be_a_folder(run_cli, seed_db, tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("keep me")
    code, out, err = run_cli("export", "--db", str(seed_db), "--out", str(target))
    assert (code, out) == (2, "")
    assert _one_line(err) == f"podkb: --out {target} is a file, not a folder"
    assert target.read_text() == "keep me"


def test_a_batch_file_that_is_not_there_is_named(run_cli, seed_db, tmp_path):
    missing = tmp_path / "queries.yaml"
    code, out, err = run_cli("batch", str(missing), "--db", str(seed_db))
    assert (code, out) == (2, "")
    assert _one_line(err) == f"podkb: {missing}: cannot read: No such file or directory"


@pytest.mark.parametrize(
    "content, reason",
    [
        ("[]\n", "no queries in the batch file"),
        ("queries: []\n", "no queries in the batch file"),
        ("just words\n", "a batch file is a list of queries (or `queries:` holding one)"),
    ],
)
def test_a_batch_file_without_queries_is_refused_naming_it(
    run_cli, seed_db, tmp_path, content, reason
):
    path = tmp_path / "queries.yaml"
    path.write_text(content)
    code, out, err = run_cli("batch", str(path), "--db", str(seed_db))
    assert (code, out) == (2, "")
    line = _one_line(err)
    assert line.startswith("podkb: ") and reason in line and str(path) in line


# --- naming speakers ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def diarized_db(tmp_path_factory):
    """One episode whose speakers are labels only (SPEAKER_00, SPEAKER_01), with no names."""
    from conftest import FIXTURES

    from podkb.ingest import ingest_paths
    from podkb.store import Store

    db = tmp_path_factory.mktemp("diarized") / "kb.db"
    with Store(db) as store:
        assert not ingest_paths([FIXTURES / "interchange" / "diarized.srt"], store).failed
    return db


NAMING = [
    (
        ["name", "diarized", "SPEAKER_00"],
        'SPEAKER_00\': give LABEL=Name, e.g. "SPEAKER_00=Lex Fridman"',
    ),
    (["name", "diarized", "=Bob"], "'=Bob': give LABEL=Name, e.g. \"SPEAKER_00=Lex Fridman\""),
    (
        ["name", "diarized", "SPEAKER_00= "],
        "'SPEAKER_00= ': give LABEL=Name, e.g. \"SPEAKER_00=Lex Fridman\"",
    ),
    (
        ["name", "diarized", "SPEAKER_00=Ana", "speaker_00=Bea"],
        "label 'SPEAKER_00' is given two names ('Ana' and 'Bea'): name each label once",
    ),
    (
        ["name", "diarized", "SPEAKER_00=Ana", "--role", "cook"],
        "unknown role 'cook'; choose host or guest",
    ),
    (
        ["name", "diarized", "SPEAKER_09=Ana"],
        "diarized has no speaker label 'SPEAKER_09' (its labels: SPEAKER_00, SPEAKER_01)",
    ),
    (
        ["name", "nosuch", "SPEAKER_00=Ana"],
        "no episode 'nosuch'; run `podkb episodes` to list them",
    ),
    (["suggest", "nosuch"], "no episode 'nosuch'; run `podkb episodes` to list them"),
]


@pytest.mark.parametrize("args, message", NAMING, ids=[" ".join(a) for a, _ in NAMING])
def test_naming_speakers_refuses_in_one_line_and_names_nobody(run_cli, diarized_db, args, message):
    before = _digest(diarized_db)
    code, out, err = run_cli("speakers", *args, "--db", str(diarized_db))
    assert (code, out) == (2, "")
    line = _one_line(err)
    assert line.startswith("podkb: ") and line.endswith(message)
    assert _digest(diarized_db) == before


def test_suggest_with_no_evidence_says_where_it_looked_and_how_to_name(run_cli, diarized_db):
    code, out, err = run_cli("speakers", "suggest", "diarized", "--db", str(diarized_db))
    assert (code, out) == (1, "")
    assert _one_line(err) == (
        "podkb: no names found for SPEAKER_00, SPEAKER_01 of diarized: looked in their turns "
        'for "I\'m X", "my name is X", "this is X" and "here with Y", and among the '
        "episode's hosts and guests (none listed); name them with "
        '`podkb speakers name diarized "SPEAKER_00=Name"`'
    )
