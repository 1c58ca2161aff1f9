"""The listings are counts of what the store holds, so they agree with the turns themselves: an
episode's `turns` is how many turns `show` prints, a speaker's turns, words and episodes are
counted from the turns that name them, and each listing is in a stable order. On the seed corpus
(both engines) and through the CLI."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict

import pytest

from podkb.episodes import episode_summaries
from podkb.speakers import speaker_summary


def test_each_episodes_turn_count_is_its_turns(seed_store, seed_turns):
    summaries = {s.episode_id: s for s in episode_summaries(seed_store.episodes())}
    assert set(summaries) == set(seed_turns)
    for episode_id, turns in seed_turns.items():
        assert summaries[episode_id].turns == len(turns) > 0


def test_each_speakers_turns_and_episodes_are_counted_from_the_turns(seed_store, seed_turns):
    turns_of: Counter[str] = Counter()
    episodes_of: defaultdict[str, set[str]] = defaultdict(set)
    for episode_id, turns in seed_turns.items():
        for turn in turns:
            if turn.speaker:
                turns_of[turn.speaker] += 1
                episodes_of[turn.speaker].add(episode_id)
    named = {s.name: s for s in speaker_summary(seed_store) if s.name}
    assert set(named) == set(turns_of)
    for name, summary in named.items():
        assert (summary.turns, summary.episodes) == (turns_of[name], len(episodes_of[name]))
        assert sorted(summary.episode_ids) == sorted(episodes_of[name])


def test_speakers_are_listed_most_turns_first(seed_store):
    turns = [s.turns for s in speaker_summary(seed_store) if s.name]
    assert turns == sorted(turns, reverse=True)


def test_a_speakers_words_are_the_words_of_their_turns(seed_store, seed_turns):
    from podkb.text import word_count

    said: Counter[str] = Counter()
    for turns in seed_turns.values():
        for turn in turns:
            if turn.speaker:
                said[turn.speaker] += word_count(turn.text)
    for summary in speaker_summary(seed_store):
        if summary.name:
            assert summary.words == said[summary.name] > 0, summary.name


def test_a_speakers_roles_are_the_roles_of_their_turns(seed_store, seed_turns):
    roles: defaultdict[str, set[str]] = defaultdict(set)
    for turns in seed_turns.values():
        for turn in turns:
            if turn.speaker and turn.role != "unknown":
                roles[turn.speaker].add(turn.role)
    for summary in speaker_summary(seed_store):
        if summary.name in roles:
            assert set(summary.roles) == roles[summary.name]


@pytest.mark.parametrize("command", ["episodes", "speakers"])
def test_the_cli_lists_what_the_library_counts(run_cli, seed_db, command):
    from podkb.store import open_store

    code, out, _ = run_cli(command, "--db", str(seed_db), "--format", "json")
    assert code == 0
    with open_store(str(seed_db), create=False) as store:
        if command == "episodes":
            expected = [s.model_dump() for s in episode_summaries(store.episodes())]
        else:
            expected = [s.model_dump() for s in speaker_summary(store)]
    assert json.loads(out) == json.loads(json.dumps(expected))


def test_episodes_of_an_empty_store_exit_1_in_every_format(run_cli, tmp_path):
    db = tmp_path / "kb.db"
    from podkb.store import Store

    Store(db).close()  # a store with no episodes yet
    for fmt, empty in (("json", "[]\n"), ("jsonl", "")):
        assert run_cli("episodes", "--db", str(db), "--format", fmt)[:2] == (1, empty)
    code, out, _ = run_cli("episodes", "--db", str(db), "--format", "csv")
    assert code == 1
    assert out == "episode_id,show,title,date,lang,hosts,guests,source,turns\r\n"
    assert run_cli("speakers", "--db", str(db), "--format", "json")[:2] == (1, "[]\n")


def test_show_prints_one_turn_heading_per_turn_the_listing_counts(run_cli, seed_db, seed_turns):
    _, out, _ = run_cli("episodes", "--db", str(seed_db), "--format", "json")
    for row in json.loads(out):
        _, text, _ = run_cli("show", row["episode_id"], "--db", str(seed_db))
        headings = [ln for ln in text.splitlines() if re.search(r"  \S+:\d+$", ln)]
        assert len(headings) == row["turns"] == len(seed_turns[row["episode_id"]])
