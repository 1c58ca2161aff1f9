"""An episode of more turns than the store writes (or takes out of its index) at a time, 1,000:
every turn is stored in order with its line, indexed once, found, replaced whole when its file
changes and removed whole with its episode, on both engines."""

from __future__ import annotations

from pathlib import Path

import pytest

from podkb import doctor
from podkb.ingest import ingest_paths
from podkb.request import SearchRequest
from podkb.search import search
from podkb.store import open_store

TURNS = 2345  # two full batches of 1,000 and a part


def _talk(path: Path, *, version: str = "weather") -> Path:
    lines = [
        f"{'Maya Chen' if n % 2 == 0 else 'Tom Okafor'}: This is turn {n} of the long talk, "
        f"about gauge{n} and the {version}."
        for n in range(TURNS)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_store(request, tmp_path):
    location = (
        str(tmp_path / "kb.db")
        if request.param == "sqlite"
        else request.getfixturevalue("new_pg_database")()
    )
    with open_store(location) as store:
        yield store, location


def _found(store, query: str) -> list[int]:
    return [h.turn for h in search(store, SearchRequest(query=query, limit=0)).hits]


def test_every_turn_of_a_long_episode_is_stored_in_order_and_found(empty_store, tmp_path):
    store, location = empty_store
    report = ingest_paths([_talk(tmp_path / "long-talk.txt")], store)
    assert not report.failed
    turns = store.turns(episode_id="long-talk")
    assert [t.turn for t in turns] == list(range(TURNS))
    assert [t.line for t in turns] == list(range(1, TURNS + 1))
    assert [t.speaker for t in turns[:3]] == ["Maya Chen", "Tom Okafor", "Maya Chen"]
    assert (
        turns[1999].text == "This is turn 1999 of the long talk, about gauge1999 and the weather."
    )
    assert store.counts() == {"episodes": 1, "turns": TURNS, "speakers": 2}
    # One word in the first batch, one on each side of a batch's edge, one in the last.
    for n in (0, 999, 1000, 2000, TURNS - 1):
        assert _found(store, f"gauge{n}") == [n]
    assert len(_found(store, "weather")) == TURNS


def test_a_long_episode_whose_file_changed_is_replaced_whole(empty_store, tmp_path):
    store, location = empty_store
    path = _talk(tmp_path / "long-talk.txt")
    assert not ingest_paths([path], store).failed
    _talk(path, version="rain")
    report = ingest_paths([path], store)
    assert not report.failed
    assert store.counts() == {"episodes": 1, "turns": TURNS, "speakers": 2}
    assert _found(store, "weather") == []  # no index row of the old turns is left
    assert len(_found(store, "rain")) == TURNS
    assert _found(store, "gauge1500") == [1500]  # once, not once per version
    store.close()
    assert doctor.diagnose(location).ok


def test_removing_a_long_episode_takes_every_turn_out_of_the_index(empty_store, tmp_path):
    from podkb.episodes import remove_episodes

    store, location = empty_store
    assert not ingest_paths([_talk(tmp_path / "long-talk.txt")], store).failed
    assert not ingest_paths([_talk(tmp_path / "other.txt")], store).failed  # another episode
    assert remove_episodes(store, ["long-talk"]) == ["long-talk"]
    assert store.counts() == {"episodes": 1, "turns": TURNS, "speakers": 2}
    assert {h.episode_id for h in search(store, SearchRequest(query="gauge7", limit=0)).hits} == {
        "other"
    }
    store.close()
    report = doctor.diagnose(location)
    assert report.ok, report.checks
