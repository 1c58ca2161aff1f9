"""`podkb show` as people read it: the episode's title and show, each chapter as a heading, each
turn as `[time] Speaker  file:line` and its text on the next line, exactly as written; in a pipe
one paragraph is one line, never wrapped. And `podkb topics`' chapter rows, from the same
episode's chapters file."""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES

SIDECAR = FIXTURES / "interchange" / "sidecar" / "episode.srt"

MONOLOGUE = "I walked in. =SUM(A1) was on the board.\n\nThen [bold]nothing[/bold] & 1 < 2.\n"


@pytest.fixture(scope="module")
def small_db(tmp_path_factory):
    """The sidecar episode (show, title, people, two chapters, cue times) and a monologue of no
    named speaker, without times."""
    from podkb.ingest import ingest_paths
    from podkb.store import Store

    folder = tmp_path_factory.mktemp("show")
    mono = folder / "mono.txt"
    mono.write_text(MONOLOGUE, encoding="utf-8")
    db = folder / "kb.db"
    with Store(db) as store:
        report = ingest_paths([SIDECAR, mono], store)
    assert not report.failed, report.failed
    return str(db)


def test_an_episode_reads_as_a_conversation_with_chapters_times_and_provenance(run_cli, small_db):
    code, out, err = run_cli("show", "12-small-weather-stations", "--db", small_db)
    assert (code, err) == (0, "")
    assert out == (
        "12: Small Weather Stations  (Field Notes)\n"
        "\n"
        "## Intro\n"
        "\n"
        "[00:00:00] Maya Chen  episode.srt:3\n"
        "Welcome to Field Notes, episode twelve.\n"
        "\n"
        "[00:00:04] Tom Okafor  episode.srt:7\n"
        "Thanks for having me.\n"
        "\n"
        "## Sensors\n"
        "\n"
        "[00:02:48] Maya Chen  episode.srt:11\n"
        "Let's talk about sensors.\n"
        "\n"
        "[00:02:52] Tom Okafor  episode.srt:15\n"
        "We use cheap ones.\n"
    )


def test_an_unnamed_speaker_is_said_to_be_unknown_and_the_text_stays_literal(run_cli, small_db):
    code, out, _ = run_cli("show", "mono", "--db", small_db)
    assert code == 0
    assert out == (
        "mono\n"
        "\n"
        "(unknown speaker)  mono.txt:1\n"
        "I walked in. =SUM(A1) was on the board.\n"
        "\n"
        "(unknown speaker)  mono.txt:3\n"
        "Then [bold]nothing[/bold] & 1 < 2.\n"
    )


@pytest.mark.parametrize("fmt", ["text", "table"])
def test_text_and_table_are_the_same_readable_form(run_cli, small_db, fmt):
    default = run_cli("show", "12", "--db", small_db)[1]
    assert run_cli("show", "12", "--db", small_db, "--format", fmt)[1] == default


def test_a_unique_prefix_names_the_episode(run_cli, small_db):
    whole = run_cli("show", "12-small-weather-stations", "--db", small_db)[1]
    assert run_cli("show", "12-small", "--db", small_db)[1] == whole


def test_a_long_paragraph_is_one_line_in_a_pipe(run_cli, seed_db, seed_turns):
    episode = "latent-space-jeremy-howard-answer-ai"
    longest = max(seed_turns[episode], key=lambda t: len(t.text))
    assert len(longest.text) > 1000
    code, out, _ = run_cli("show", episode, "--db", str(seed_db))
    assert code == 0
    assert longest.text in out.splitlines()


def test_show_json_is_the_episode_record_with_its_turns_in_order(run_cli, small_db):
    code, out, _ = run_cli("show", "12", "--db", small_db, "--format", "json")
    assert code == 0
    episode = json.loads(out)
    assert {k: episode[k] for k in ("episode_id", "show", "title", "date", "hosts", "guests")} == {
        "episode_id": "12-small-weather-stations",
        "show": "Field Notes",
        "title": "12: Small Weather Stations",
        "date": "2024-05-01",
        "hosts": ["Maya Chen"],
        "guests": ["Tom Okafor"],
    }
    turns = episode["turns"]
    assert [t["turn"] for t in turns] == [0, 1, 2, 3]
    assert [(t["speaker"], t["role"], t["chapter"], t["start"], t["line"]) for t in turns] == [
        ("Maya Chen", "host", "Intro", 0.0, 3),
        ("Tom Okafor", "guest", "Intro", 4.0, 7),
        ("Maya Chen", "host", "Sensors", 168.0, 11),
        ("Tom Okafor", "guest", "Sensors", 172.0, 15),
    ]


def test_topics_lists_each_chapter_of_each_episode_with_its_start_and_turns(run_cli, small_db):
    code, out, _ = run_cli("topics", "--db", small_db, "--format", "json")
    assert code == 0
    rows = json.loads(out)
    chapters = [r for r in rows if r["kind"] == "chapter"]
    assert chapters == [
        {
            "kind": "chapter",
            "name": "Intro",
            "episode_id": "12-small-weather-stations",
            "start": 0.0,
            "turns": 2,
        },
        {
            "kind": "chapter",
            "name": "Sensors",
            "episode_id": "12-small-weather-stations",
            "start": 168.0,
            "turns": 2,
        },
    ]
    # The taxonomy's topics are listed too, each with no turns in a store that never names them.
    topics = [r for r in rows if r["kind"] == "topic"]
    assert topics and all(r["turns"] == 0 and r["episodes"] == 0 for r in topics)


def test_topics_on_the_seeds_count_the_turns_search_finds(run_cli, seed_db):
    _, out, _ = run_cli("topics", "--db", str(seed_db), "--format", "json")
    counts = {r["name"]: r["turns"] for r in json.loads(out) if r["kind"] == "topic"}
    code, hits, _ = run_cli(
        "search", "--topic", "evaluation", "--all", "--db", str(seed_db), "--format", "json"
    )
    assert code == 0
    assert counts["evaluation"] == len(json.loads(hits)) > 0


def test_show_of_a_seed_names_every_turns_source_line(run_cli, seed_db, seed_turns):
    episode = "infoq-omar-sanseviero"
    code, out, _ = run_cli("show", episode, "--db", str(seed_db))
    assert code == 0
    lines = out.splitlines()
    for turn in seed_turns[episode]:
        assert any(line.endswith(f"  {turn.source}:{turn.line}") for line in lines), turn.line
