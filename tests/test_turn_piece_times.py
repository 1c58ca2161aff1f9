"""A turn read from several cues of one speaker keeps where each cue starts (its character offset
and its time), on both engines: `turns()` gives them, the cheap row reader only when asked, and
a quote from the second cue starts at that cue's time, not at the turn's."""

from __future__ import annotations

import pytest

from podkb.ingest import ingest_paths
from podkb.request import SearchRequest
from podkb.search import search
from podkb.store import open_store

SRT = """\
1
00:00:00,000 --> 00:00:04,000
Maya Chen: Hello and welcome to the show.

2
00:00:04,000 --> 00:00:08,500
Maya Chen: Today we talk about rain gauges.

3
00:00:08,500 --> 00:00:12,000
Tom Okafor: Thanks for having me here.
"""
FIRST = "Hello and welcome to the show. "  # the second cue starts after it


@pytest.fixture(params=["sqlite", "postgresql"])
def timed(request, tmp_path):
    location = (
        str(tmp_path / "kb.db")
        if request.param == "sqlite"
        else request.getfixturevalue("new_pg_database")()
    )
    path = tmp_path / "gauges.srt"
    path.write_text(SRT, encoding="utf-8")
    with open_store(location) as store:
        assert not ingest_paths([path], store).failed
        yield store


def test_turns_keep_where_each_cue_starts(timed):
    turns = timed.turns(episode_id="gauges")
    assert [(t.speaker, t.start, t.end) for t in turns] == [
        ("Maya Chen", 0.0, 8.5),
        ("Tom Okafor", 8.5, 12.0),
    ]
    assert turns[0].text == FIRST + "Today we talk about rain gauges."
    assert [list(p) for p in turns[0].times] == [[0, 0.0], [len(FIRST), 4.0]]
    assert [list(p) for p in turns[1].times] == [[0, 8.5]]


def test_the_row_reader_reads_the_times_only_when_asked(timed):
    assert [r.times for r in timed.iter_turn_rows(episode_id="gauges")] == [None, None]
    asked = [r.times for r in timed.iter_turn_rows(episode_id="gauges", with_times=True)]
    assert [[list(p) for p in times] for times in asked] == [
        [[0, 0.0], [len(FIRST), 4.0]],
        [[0, 8.5]],
    ]


def test_a_quote_from_the_second_cue_starts_at_its_time(timed):
    (hit,) = search(timed, SearchRequest(query="rain gauges")).hits
    assert (hit.turn, hit.start) == (0, 0.0)
    assert hit.quote == "Today we talk about rain gauges."
    assert hit.quote_start == 4.0 and hit.quote_start_hms == "00:00:04"
