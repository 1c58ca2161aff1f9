"""Anonymous speakers (SPEAKER_00, A, Speaker 1) stay labels until a user names them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from podkb.store import Store
from podkb.store.sqlite import SCHEMA_VERSION

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
    assert "podkb search --episode talk" in err
    assert "its turns have no speaker labels to name (`podkb speakers name` names labels)" in err


def test_quotes_of_a_listed_guest_with_unnamed_labels_says_how_to_name_them(run_cli, tmp_path):
    path = tmp_path / "call.srt"
    path.write_text(
        "1\n00:00:00,000 --> 00:00:03,000\nSPEAKER_00: Welcome to the show, everyone.\n\n"
        "2\n00:00:03,000 --> 00:00:06,000\nSPEAKER_01: Thanks, good to be here.\n",
        encoding="utf-8",
    )
    (tmp_path / "call.yaml").write_text("title: Call\nguests: [Tom Okafor]\n", encoding="utf-8")
    db = str(tmp_path / "kb.db")
    assert run_cli("ingest", str(path), "--db", db)[0] == 0
    code, out, err = run_cli("quotes", "Tom Okafor", "rain", "gauges", "--db", db)
    assert code == 1 and out == ""
    assert "Tom Okafor is listed as a guest of call" in err
    assert 'podkb speakers name call "SPEAKER_00=Tom Okafor"' in err and "did you mean" not in err


def test_naming_changes_quotes_and_search_at_once(run_cli, interview):
    _, db = interview
    code, _, err = run_cli(
        "speakers", "name", EPISODE, "SPEAKER_01=Tom Okafor", "--role", "guest", "--db", db
    )
    assert code == 0, err
    assert "SPEAKER_01 is Tom Okafor (guest), 2 turns" in err
    assert _speakers(db) == [  # the two first cues of SPEAKER_00 are one turn
        ("SPEAKER_00", "SPEAKER_00", "unknown"),
        ("Tom Okafor", "SPEAKER_01", "guest"),
        ("SPEAKER_00", "SPEAKER_00", "unknown"),
        ("Tom Okafor", "SPEAKER_01", "guest"),
    ]
    code, out, _ = run_cli("quotes", "Tom Okafor", "funnel", "--db", db)
    assert code == 0
    assert json.loads(out.splitlines()[0])["speaker_label"] == "SPEAKER_01"
    code, out, _ = run_cli(
        "search", "gauge", "--speaker", "Tom Okafor", "--db", db, "--format", "jsonl"
    )
    assert code == 0
    assert {json.loads(line)["speaker"] for line in out.splitlines()} == {"Tom Okafor"}
    code, out, _ = run_cli("search", "funnel", "--speaker", "SPEAKER_00", "--db", db)
    assert code == 1 and out == ""  # the funnel is Tom's word, not SPEAKER_00's


def test_names_resolve_through_the_register_and_role_comes_from_the_episode(run_cli, tmp_path):
    path = tmp_path / "interview.srt"
    path.write_text(INTERVIEW, encoding="utf-8")
    (tmp_path / "interview.yaml").write_text("hosts: [Lewis Tunstall]\n", encoding="utf-8")
    db = str(tmp_path / "kb.db")
    assert run_cli("ingest", str(path), "--db", db)[0] == 0
    code, _, err = run_cli("speakers", "name", EPISODE, "SPEAKER_00=lewtun", "--db", db)
    assert code == 0, err
    assert _speakers(db)[0] == ("Lewis Tunstall", "SPEAKER_00", "host")


def test_names_survive_reingest_and_win_over_the_sidecar(run_cli, interview):
    path, db = interview
    assert (
        run_cli("speakers", "name", EPISODE, "SPEAKER_00=Maya Chen", "--role", "host", "--db", db)[
            0
        ]
        == 0
    )
    (path.parent / "interview.yaml").write_text(
        "speakers:\n  SPEAKER_00: Someone Else\n  SPEAKER_01: Tom Okafor\n", encoding="utf-8"
    )
    code, _, err = run_cli("ingest", str(path), "--db", db)
    assert code == 0, err
    assert _speakers(db)[:2] == [
        ("Maya Chen", "SPEAKER_00", "host"),  # the user's latest word: the command
        ("Tom Okafor", "SPEAKER_01", "unknown"),  # the sidecar names what the command did not
    ]
    with Store(Path(db), create=False) as store:
        episode = store.episode(EPISODE)
        assert episode is not None and episode.hosts == ["Maya Chen"]
    code, out, _ = run_cli("quotes", "Maya Chen", "rain gauge", "--db", db)
    assert code == 0
    assert json.loads(out.splitlines()[0])["speaker_label"] == "SPEAKER_00"


def test_names_survive_doctor_repair(run_cli, interview):
    _, db = interview
    assert run_cli("speakers", "name", EPISODE, "SPEAKER_01=Tom Okafor", "--db", db)[0] == 0
    code, _, err = run_cli("doctor", "--repair", "--db", db)
    assert code == 0, err
    code, out, _ = run_cli(
        "search", "funnel", "--speaker", "Tom Okafor", "--db", db, "--format", "jsonl"
    )
    assert code == 0
    assert json.loads(out.splitlines()[0])["speaker_label"] == "SPEAKER_01"


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        ([EPISODE, "SPEAKER_07=Tom"], "interview has no speaker label 'SPEAKER_07'"),
        ([EPISODE, "SPEAKER_01"], "give LABEL=Name"),
        ([EPISODE, "SPEAKER_01= "], "give LABEL=Name"),
        ([EPISODE, "=Tom"], "give LABEL=Name"),
        (["no-such-show", "SPEAKER_01=Tom"], "no episode 'no-such-show'"),
        ([EPISODE, "SPEAKER_01=Tom", "--role", "cohost"], "choose host or guest"),
    ],
)
def test_bad_naming_input_is_one_line_and_changes_nothing(run_cli, interview, args, reason):
    _, db = interview
    before = _speakers(db)
    code, out, err = run_cli("speakers", "name", *args, "--db", db)
    assert code == 2
    assert out == ""
    assert reason in err and len(err.strip().splitlines()) == 1
    assert _speakers(db) == before


def test_a_schema_2_store_gains_remembered_names(run_cli, interview):
    path, db = interview
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE speaker_names")
        conn.execute("UPDATE meta SET value='2' WHERE key='schema_version'")
    conn.close()
    code, _, err = run_cli("speakers", "name", EPISODE, "SPEAKER_01=Tom Okafor", "--db", db)
    assert code == 0, err
    assert run_cli("ingest", str(path), "--db", db)[0] == 0
    assert _speakers(db)[1] == ("Tom Okafor", "SPEAKER_01", "unknown")
    with sqlite3.connect(db) as conn:
        (version,) = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    conn.close()
    assert int(version) == SCHEMA_VERSION


def test_names_stay_with_their_file_not_with_files_of_the_same_name(run_cli, interview, tmp_path):
    first, db = interview
    assert run_cli("speakers", "name", EPISODE, "SPEAKER_01=Tom Okafor", "--db", db)[0] == 0
    other = tmp_path / "other-show" / "interview.srt"
    other.parent.mkdir()
    other.write_text(INTERVIEW.replace("interview", "talk"), encoding="utf-8")
    code, out, err = run_cli("ingest", str(other), "--db", db, "--format", "jsonl")
    assert code == 0, err
    (record,) = [json.loads(line) for line in out.splitlines()]
    with Store(Path(db), create=False) as store:
        assert store.episode_source(EPISODE)[0] == str(first.resolve())  # the first file's own
        assert store.episode_source(record["episode_id"])[0] == str(other.resolve())
        named = {(t.speaker, t.speaker_label) for t in store.turns(episode_id=EPISODE)}
        other_turns = store.turns(episode_id=record["episode_id"])
    assert record["episode_id"] != EPISODE  # same file name, another folder: another episode
    assert ("Tom Okafor", "SPEAKER_01") in named
    assert {(t.speaker, t.speaker_label) for t in other_turns} == {
        ("SPEAKER_00", "SPEAKER_00"),
        ("SPEAKER_01", "SPEAKER_01"),
    }


def test_naming_on_a_postgresql_store_survives_reingest_and_repair(
    run_cli, tmp_path, new_pg_database
):
    import psycopg

    path = tmp_path / "interview.srt"
    path.write_text(INTERVIEW, encoding="utf-8")
    url = new_pg_database()
    assert run_cli("ingest", str(path), "--db", url)[0] == 0
    # A store made before names were kept (schema 1) gains the table when it is next opened.
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE speaker_names")
        conn.execute("UPDATE meta SET value='1' WHERE key='schema_version'")
    code, _, err = run_cli(
        "speakers", "name", EPISODE, "SPEAKER_01=Tom Okafor", "--role", "guest", "--db", url
    )
    assert code == 0, err
    code, out, _ = run_cli("quotes", "Tom Okafor", "funnel", "--db", url)
    assert code == 0 and json.loads(out.splitlines()[0])["speaker_label"] == "SPEAKER_01"
    assert run_cli("ingest", str(path), "--db", url)[0] == 0
    assert run_cli("doctor", "--repair", "--db", url)[0] == 0
    code, out, _ = run_cli(
        "search", "funnel", "--speaker", "Tom Okafor", "--db", url, "--format", "jsonl"
    )
    assert code == 0
    hit = json.loads(out.splitlines()[0])
    assert (hit["speaker"], hit["speaker_label"], hit["role"]) == (
        "Tom Okafor",
        "SPEAKER_01",
        "guest",
    )


def test_suggest_leaves_labels_that_are_already_names_alone(run_cli, seed_db):
    # The InfoQ seed labels its turns with the two people's full names; the host's "My name is
    # Roland Meertens" and the guest list must not be offered as other names for them.
    code, out, err = run_cli("speakers", "suggest", "infoq-omar-sanseviero", "--db", str(seed_db))
    assert (code, out) == (1, "")
    assert "no unnamed speaker labels" in err


@pytest.mark.parametrize("label", ["A", "Speaker 3", "SPEAKER_02"])
def test_suggest_offers_names_for_voice_and_role_labels(run_cli, tmp_path, label):
    path = tmp_path / "call.srt"
    path.write_text(
        f"1\n00:00:00,000 --> 00:00:03,000\n{label}: Hello, I'm Maya Chen, welcome to the show.\n\n"
        "2\n00:00:03,000 --> 00:00:06,000\nZ: Thanks for having me on the show today.\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "kb.db")
    assert run_cli("ingest", str(path), "--db", db)[0] == 0
    code, out, err = run_cli("speakers", "suggest", "call", "--db", db, "--format", "jsonl")
    assert code == 0, err
    assert {(r["label"], r["name"]) for r in map(json.loads, out.splitlines())} == {
        (label, "Maya Chen")
    }


@pytest.mark.parametrize(
    ("label", "named"), [("Interviewer", []), ("Host", []), ("Maya Chen", ["Maya Chen"])]
)
def test_a_role_label_is_no_ones_name_in_the_episodes_people(run_cli, tmp_path, label, named):
    path = tmp_path / "call.srt"
    path.write_text(
        f"1\n00:00:00,000 --> 00:00:03,000\n{label} (host): Hello, welcome to the show about rain.\n\n"
        "2\n00:00:03,000 --> 00:00:06,000\nTom Okafor (guest): Thanks for having me on today.\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "kb.db")
    assert run_cli("ingest", str(path), "--db", db)[0] == 0
    _, out, _ = run_cli("episodes", "--db", db, "--format", "jsonl")
    episode = json.loads(out)
    assert (episode["hosts"], episode["guests"]) == (named, ["Tom Okafor"])
    _, out, _ = run_cli("speakers", "--db", db, "--format", "jsonl")
    assert {(r["name"], tuple(r["roles"])) for r in map(json.loads, out.splitlines())} == {
        (label, ("host",)),
        ("Tom Okafor", ("guest",)),
    }
