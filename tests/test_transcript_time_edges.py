"""The MCP `transcript` tool's time range at its edges: a turn is in the range when it is still
going at `start` (it ends at or after it) and has begun by `end` (it starts at or before it), so
a turn that ends exactly where the range starts is in it, and one a millisecond earlier is not.
On a real SRT file of five four-second cues."""

from __future__ import annotations

import pytest

from podkb.mcp_tools import TOOLS

CUES = [
    ("Maya Chen", "Hello and welcome to Field Notes, the weather show."),
    ("Tom Okafor", "Thanks for having me on the show today."),
    ("Maya Chen", "Tell us about the first rain gauge you built."),
    ("Tom Okafor", "It was a funnel on a bottle, and it leaked."),
    ("Maya Chen", "That is how every good gauge starts, I think."),
]


@pytest.fixture(scope="module")
def timed_store(tmp_path_factory):
    from podkb.ingest import ingest_paths
    from podkb.store import open_store

    folder = tmp_path_factory.mktemp("timed")
    srt = folder / "field-notes.srt"
    srt.write_text(
        "\n".join(
            f"{i + 1}\n00:00:{i * 4:02d},000 --> 00:00:{i * 4 + 4:02d},000\n{who}: {text}\n"
            for i, (who, text) in enumerate(CUES)
        ),
        encoding="utf-8",
    )
    with open_store(str(folder / "kb.db")) as store:
        assert not ingest_paths([srt], store).failed
    store = open_store(str(folder / "kb.db"), create=False)
    yield store
    store.close()


# range -> the turns in it (cue n runs from 4n to 4n + 4 seconds)
RANGES = [
    ({"start": 4}, [0, 1, 2, 3, 4]),  # turn 0 ends at 4: still going
    ({"start": 4.001}, [1, 2, 3, 4]),
    ({"end": 4}, [0, 1]),  # turn 1 starts at 4: begun
    ({"end": 3.999}, [0]),
    ({"start": 8, "end": 8}, [1, 2]),  # an instant: the turn ending and the one starting
    ({"start": 5, "end": 11}, [1, 2]),
    ({"start": 0, "end": 20}, [0, 1, 2, 3, 4]),
    ({"start": 100}, []),
]


@pytest.mark.parametrize("time_range, turns", RANGES, ids=[str(r) for r, _ in RANGES])
def test_a_time_range_holds_the_turns_going_on_within_it(timed_store, time_range, turns):
    answer = TOOLS["transcript"].call(timed_store, {"episode": "field-notes", **time_range})
    assert [t["turn"] for t in answer.structured["turns"]] == turns
    assert answer.structured["total"] == len(turns)


def test_the_text_of_a_time_range_gives_each_turns_start(timed_store):
    answer = TOOLS["transcript"].call(timed_store, {"episode": "field-notes", "start": 5, "end": 9})
    assert answer.text.splitlines() == [
        "field-notes (no show)",
        "[00:00:04] Tom Okafor (turn 1): Thanks for having me on the show today.",
        "[00:00:08] Maya Chen (turn 2): Tell us about the first rain gauge you built.",
        "1-2 of 2 turns",
    ]


def test_a_range_with_no_turn_says_so(timed_store):
    answer = TOOLS["transcript"].call(timed_store, {"episode": "field-notes", "start": 100})
    assert answer.text.splitlines() == ["field-notes (no show)", "no turns"]
    assert answer.structured["turns"] == [] and answer.structured["next_offset"] is None
