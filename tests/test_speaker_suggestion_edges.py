"""`podkb speakers suggest` at its edges: "here with Y" in the next-to-last turn names the last
turn's label, and in the last turn names nobody (there is no next speaker); a name a label says
twice is suggested once, with the first line that says it; the episode's listed hosts and guests
are offered for each label not already suggested that name. Real `LABEL: text` files."""

from __future__ import annotations

import json

CALL = """\
SPEAKER_00: Hello, I'm Maya Chen and this is the weather hour.
SPEAKER_01: Good morning to everyone listening at home.
SPEAKER_00: As I said, I'm Maya Chen, and today I'm here with Tom Okafor.
SPEAKER_01: Thanks, it is good to be back on the show.
SPEAKER_00: Before we go, I'm here with Ada Lund, our new producer.
SPEAKER_02: Hi all, glad to join you for the last minute.
"""
LAST = """\
SPEAKER_00: Hello, I'm Maya Chen and this is the weather hour.
SPEAKER_01: Good morning to everyone listening at home today.
SPEAKER_00: And for the final word I'm here with Ada Lund.
"""


def _suggest(run_cli, tmp_path, name: str, text: str, sidecar: str | None = None):
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    if sidecar is not None:
        (tmp_path / f"{name}.yaml").write_text(sidecar, encoding="utf-8")
    db = str(tmp_path / "kb.db")
    code, _, err = run_cli("ingest", str(path), "--db", db)
    assert code == 0, err
    code, out, err = run_cli("speakers", "suggest", name, "--db", db, "--format", "jsonl")
    return code, [json.loads(line) for line in out.splitlines()], err


def test_each_name_once_and_here_with_names_the_next_label(run_cli, tmp_path):
    code, rows, _ = _suggest(run_cli, tmp_path, "call", CALL)
    assert code == 0
    assert [(r["label"], r["name"], r["line"]) for r in rows] == [
        ("SPEAKER_00", "Maya Chen", 1),  # said on lines 1 and 3: once, the first
        ("SPEAKER_01", "Tom Okafor", 3),
        ("SPEAKER_02", "Ada Lund", 5),  # the next-to-last turn names the last one's label
    ]
    assert rows[2]["evidence"] == "Before we go, I'm here with Ada Lund, our new producer."


def test_here_with_in_the_last_turn_names_nobody(run_cli, tmp_path):
    code, rows, _ = _suggest(run_cli, tmp_path, "last", LAST)
    assert code == 0
    assert [(r["label"], r["name"]) for r in rows] == [("SPEAKER_00", "Maya Chen")]


def test_listed_people_are_offered_for_the_labels_that_lack_them(run_cli, tmp_path):
    code, rows, _ = _suggest(
        run_cli, tmp_path, "call", CALL, sidecar="hosts: [Maya Chen]\nguests: [Tom Okafor]\n"
    )
    assert code == 0
    listed = [(r["label"], r["name"], r["evidence"]) for r in rows if r["line"] is None]
    assert listed == [
        ("SPEAKER_01", "Maya Chen", "listed as host of call"),
        ("SPEAKER_02", "Maya Chen", "listed as host of call"),
        ("SPEAKER_00", "Tom Okafor", "listed as guest of call"),
        ("SPEAKER_02", "Tom Okafor", "listed as guest of call"),
    ]  # never again for the label its own turns already suggested it for


def test_the_suggestions_in_csv_keep_an_empty_line_for_listed_people(run_cli, tmp_path):
    path = tmp_path / "call.txt"
    path.write_text(CALL, encoding="utf-8")
    (tmp_path / "call.yaml").write_text("hosts: [Maya Chen]\n", encoding="utf-8")
    db = str(tmp_path / "kb.db")
    assert run_cli("ingest", str(path), "--db", db)[0] == 0
    code, out, _ = run_cli("speakers", "suggest", "call", "--db", db, "--format", "csv")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "label,name,line,evidence"
    assert lines[-1] == "SPEAKER_02,Maya Chen,,listed as host of call"
