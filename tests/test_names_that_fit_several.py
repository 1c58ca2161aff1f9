"""A name a person types that fits more than one thing is never widened to all of them: an episode
prefix that starts several ids, or a first name two speakers share, is one line naming the
candidates (the first ten, then a count), exit 2, and nothing is done."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from podkb.episodes import listed

AMBIGUOUS_H = (
    "podkb: episode 'h' is ambiguous: 2 episodes start with it "
    "(hockeystick-2-llms-in-production, humans-of-ai-16-lewis-tunstall); give more of the id\n"
)


@pytest.mark.parametrize(
    "args",
    [
        ["show", "h"],
        ["speakers", "suggest", "h"],
        ["speakers", "name", "h", "SPEAKER_00=Somebody"],
        ["remove", "h", "--yes"],
        ["remove", "h", "--dry-run"],
    ],
    ids=["show", "suggest", "name", "remove", "remove-dry-run"],
)
def test_a_prefix_of_two_episode_ids_names_both_and_does_nothing(run_cli, seed_copy, args):
    code, out, err = run_cli(*args, "--db", str(seed_copy))
    assert (code, out, err) == (2, "", AMBIGUOUS_H)
    code, out, _ = run_cli("episodes", "--format", "csv", "--db", str(seed_copy))
    assert code == 0 and len(out.splitlines()) == 1 + 5  # the header and all five episodes


def test_a_prefix_that_one_id_starts_is_that_episode(run_cli, seed_db):
    code, out, err = run_cli("show", "hu", "--format", "jsonl", "--db", str(seed_db))
    assert code == 0, err
    turns = [json.loads(line) for line in out.splitlines()]
    assert {t["episode_id"] for t in turns} == {"humans-of-ai-16-lewis-tunstall"}
    assert len(turns) == 40


@pytest.mark.parametrize(
    "count, limit, expected",
    [
        (0, 10, ""),
        (1, 10, "e00"),
        (10, 10, "e00, e01, e02, e03, e04, e05, e06, e07, e08, e09"),
        (11, 10, "e00, e01, e02, e03, e04, e05, e06, e07, e08, e09 and 1 more"),
        (1234, 2, "e00, e01 and 1,232 more"),
    ],
)
def test_a_list_of_ids_shows_the_first_few_and_counts_the_rest(count, limit, expected):
    ids = [f"e{i:02d}" for i in range(count)]
    assert listed(ids, limit) == expected


def _episodes(folder: Path, names: list[str]) -> Path:
    folder.mkdir()
    for name in names:
        (folder / f"{name}.txt").write_text(
            f"Host: Welcome to the {name} episode.\nGuest: Thanks for having me here.\n",
            encoding="utf-8",
        )
    return folder


def test_a_prefix_of_many_ids_lists_ten_and_counts_the_others(run_cli, tmp_path):
    db = str(tmp_path / "kb.db")
    names = [f"talk-{i:02d}" for i in range(13)]
    code, _, err = run_cli("ingest", str(_episodes(tmp_path / "talks", names)), "--db", db)
    assert code == 0, err
    code, out, err = run_cli("show", "talk", "--db", db)
    assert (code, out) == (2, "")
    assert err == (
        "podkb: episode 'talk' is ambiguous: 13 episodes start with it ("
        + ", ".join(names[:10])
        + " and 3 more); give more of the id\n"
    )


# Two transcripts whose speakers share a first name, and one more speaker of their own.
CHRISES = {
    "evans.txt": "Chris Evans: Welcome back, today we talk about weather stations.\n"
    "Dana Holt: Thanks, I have been building them for years now.\n"
    "Chris Evans: What was the first one you built?\n"
    "Dana Holt: A rain gauge made from a bottle and a funnel.\n",
    "lee.txt": "Chris Lee: Welcome, this week we repair old radios.\n"
    "Dana Holt: I found a valve radio at a market last spring.\n"
    "Chris Lee: Did it still work when you got it home?\n"
    "Dana Holt: Only after I replaced two of its capacitors.\n",
}


@pytest.fixture()
def chrises(run_cli, tmp_path) -> str:
    folder = tmp_path / "chrises"
    folder.mkdir()
    for name, text in CHRISES.items():
        (folder / name).write_text(text, encoding="utf-8")
    db = str(tmp_path / "kb.db")
    code, _, err = run_cli("ingest", str(folder), "--db", db)
    assert code == 0, err
    return db


@pytest.mark.parametrize("command", ["quotes", "search"])
def test_a_first_name_two_speakers_share_is_ambiguous_never_both(run_cli, chrises, command):
    args = ["quotes", "Chris"] if command == "quotes" else ["search", "--speaker", "Chris"]
    code, out, err = run_cli(*args, "--db", chrises)
    assert (code, out) == (2, "")
    assert err == (
        "podkb: speaker 'Chris' is ambiguous: Chris Evans, Chris Lee; give the full name\n"
    )


@pytest.mark.parametrize(
    "name, speaker, turns",
    [
        ("Dana", "Dana Holt", [("evans", 1), ("evans", 3), ("lee", 1), ("lee", 3)]),
        ("lee", "Chris Lee", [("lee", 0), ("lee", 2)]),
        ("chris evans", "Chris Evans", [("evans", 0), ("evans", 2)]),
    ],
)
def test_a_first_or_last_name_of_one_speaker_is_that_speaker(
    run_cli, chrises, name, speaker, turns
):
    code, out, err = run_cli("quotes", name, "--format", "jsonl", "--db", chrises)
    assert code == 0, err
    hits = [json.loads(line) for line in out.splitlines()]
    assert sorted((h["episode_id"], h["turn"]) for h in hits) == turns
    assert {h["speaker"] for h in hits} == {speaker}


def test_quotes_with_no_speaker_says_how_to_name_one(run_cli, seed_db):
    from podkb.errors import UsageError
    from podkb.speakers import split_speaker
    from podkb.store import Store

    with Store(seed_db, create=False) as store, pytest.raises(UsageError) as raised:
        split_speaker(store, [])
    assert str(raised.value) == "name a speaker: podkb quotes SPEAKER [QUERY]..."


def test_the_longest_run_of_words_naming_a_speaker_is_the_speaker(seed_db):
    from podkb.speakers import split_speaker
    from podkb.store import Store

    with Store(seed_db, create=False) as store:
        assert split_speaker(store, ["Lewis", "Tunstall", "evaluation"]) == (
            "Lewis Tunstall",
            ["evaluation"],
        )
        assert split_speaker(store, ["Lewis", "evaluation"]) == ("Lewis Tunstall", ["evaluation"])
        # A close spelling of a two-word name still takes both words.
        assert split_speaker(store, ["Jermy", "Howard", "hiring"]) == ("Jeremy Howard", ["hiring"])
        # An exact one-word alias comes before a close spelling of two words: the misspelt
        # surname is then a word of the query (it matches nothing, and search says so).
        assert split_speaker(store, ["Jeremy", "Howerd", "hiring"]) == (
            "Jeremy Howard",
            ["Howerd", "hiring"],
        )
