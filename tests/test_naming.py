"""Anonymous speakers (SPEAKER_00, A, Speaker 1) stay labels until a user names them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from podkb.store import Store

INTERVIEW = """\
1
00:00:00,000 --> 00:00:04,000
SPEAKER_00: Hello and welcome. I'm Maya Chen, and this is Field Notes.

2
00:00:04,000 --> 00:00:08,000
SPEAKER_00: Today I'm here with Tom Okafor, who builds weather stations.

3
00:00:08,000 --> 00:00:12,000
SPEAKER_01: Thanks for having me. My name is Tom and I build rain gauges.

4
00:00:12,000 --> 00:00:16,000
SPEAKER_00: Tell us about the first rain gauge you built.

5
00:00:16,000 --> 00:00:20,000
SPEAKER_01: It was a funnel on a bottle, and the rain gauge leaked.
"""
EPISODE = "interview"


@pytest.fixture()
def interview(tmp_path, run_cli) -> tuple[Path, str]:
    path = tmp_path / "shows" / "interview.srt"
    path.parent.mkdir()
    path.write_text(INTERVIEW, encoding="utf-8")
    db = str(tmp_path / "kb.db")
    code, _, err = run_cli("ingest", str(path), "--db", db)
    assert code == 0, err
    return path, db


def _speakers(db: str) -> list[tuple[str | None, str | None, str]]:
    with Store(Path(db), create=False) as store:
        return [(t.speaker, t.speaker_label, t.role) for t in store.turns(episode_id=EPISODE)]


@pytest.mark.parametrize("label", ["SPEAKER_00", "speaker 0", "spk_1", "A", "Speaker 1"])
def test_a_diarization_id_is_the_label_and_the_speaker_until_named(tmp_path, label):
    from podkb.ingest import parse_file

    path = tmp_path / "t.srt"
    path.write_text(
        f"1\n00:00:00,000 --> 00:00:02,000\n{label}: Hello there, how are you.\n\n"
        f"2\n00:00:02,000 --> 00:00:04,000\nB: Fine, thanks.\n\n"
        f"3\n00:00:04,000 --> 00:00:06,000\n{label}: Good to hear.\n",
        encoding="utf-8",
    )
    _, turns, _, _ = parse_file(path)
    assert (turns[0].speaker, turns[0].speaker_label, turns[0].role) == (label, label, "unknown")


def test_a_sidecar_names_the_labels_through_the_register(run_cli, tmp_path):
    path = tmp_path / "interview.srt"
    path.write_text(INTERVIEW, encoding="utf-8")
    (tmp_path / "interview.yaml").write_text(
        "guests: [Tom Okafor]\nspeakers:\n  SPEAKER_01: Tom Okafor\n  SPEAKER_00: lewtun\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "kb.db")
    assert run_cli("ingest", str(path), "--db", db)[0] == 0
    assert _speakers(db)[:2] == [
        ("Lewis Tunstall", "SPEAKER_00", "unknown"),  # lewtun: his alias in speakers.yaml
        ("Tom Okafor", "SPEAKER_01", "guest"),
    ]
    code, out, _ = run_cli("quotes", "Tom Okafor", "funnel", "--db", db)
    assert code == 0
    assert json.loads(out.splitlines()[0])["speaker_label"] == "SPEAKER_01"


def test_suggest_lists_candidates_with_evidence_and_applies_nothing(run_cli, interview):
    _, db = interview
    code, out, err = run_cli("speakers", "suggest", EPISODE, "--db", db, "--format", "jsonl")
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    pairs = {(r["label"], r["name"]): r for r in rows}
    assert pairs[("SPEAKER_00", "Maya Chen")]["line"] == 3
    assert "I'm Maya Chen" in pairs[("SPEAKER_00", "Maya Chen")]["evidence"]
    assert "here with Tom Okafor" in pairs[("SPEAKER_01", "Tom Okafor")]["evidence"]
    assert ("SPEAKER_01", "Tom") in pairs  # "My name is Tom"
    assert _speakers(db)[0][0] == "SPEAKER_00"  # nothing applied


def test_quotes_of_a_guest_whose_transcript_names_no_speakers_says_where_to_look(run_cli, tmp_path):
    path = tmp_path / "talk.txt"
    path.write_text(
        "Welcome to the show about weather stations and the people who build them.\n\n"
        "Thanks, it is good to be here and talk about rain gauges for an hour.\n",
        encoding="utf-8",
    )
    (tmp_path / "talk.yaml").write_text("title: Talk\nguests: [Tom Okafor]\n", encoding="utf-8")
    db = str(tmp_path / "kb.db")
    assert run_cli("ingest", str(path), "--db", db)[0] == 0
    code, out, err = run_cli("quotes", "Tom Okafor", "--db", db)
    assert code == 1
    assert out == ""
    assert "listed as a guest of talk, whose transcript has no speaker labels" in err
    assert "podkb search --episode talk" in err and "podkb speakers suggest talk" in err
