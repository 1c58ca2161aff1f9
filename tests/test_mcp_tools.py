"""The MCP tools in-process, without the SDK or a server (tests/test_mcp.py holds them to the CLI
over the protocol): what each tool answers on the seed store of each engine, its paging and
its short text for clients that show only text, and each refusal as the one line a client sees."""

from __future__ import annotations

import re

import pytest

from podkb import mcp_tools
from podkb.errors import PodkbError
from podkb.mcp_tools import TOOLS, cut_text
from podkb.request import SearchRequest
from podkb.search import search


def call(store, tool: str, **arguments):
    return TOOLS[tool].call(store, arguments)


def refusal(store, tool: str, **arguments) -> str:
    with pytest.raises(PodkbError) as refused:
        call(store, tool, **arguments)
    return str(refused.value)


# --- search and quotes --------------------------------------------------------------------------


def test_search_pages_the_hits_search_gives_in_their_order(seed_store):
    every = search(seed_store, SearchRequest(query="evaluation", limit=0)).hits
    first = call(seed_store, "search", query="evaluation", limit=3)
    second = call(seed_store, "search", query="evaluation", limit=3, offset=3)
    keys = [(h.episode_id, h.turn) for h in every]
    pages = first.structured["hits"] + second.structured["hits"]
    assert [(h["episode_id"], h["turn"]) for h in pages] == keys[:6]
    assert {k: first.structured[k] for k in ("offset", "total", "next_offset")} == {
        "offset": 0,
        "total": len(every),
        "next_offset": 3,
    }


def test_search_text_numbers_each_citation_and_says_how_to_page_on(seed_store):
    answer = call(seed_store, "search", query="evaluation", limit=3)
    lines = answer.text.splitlines()
    total = answer.structured["total"]
    assert len(lines) == 4
    for n, (line, hit) in enumerate(zip(lines, answer.structured["hits"], strict=False), start=1):
        assert line == f"{n}. {hit['citation']} [episode {hit['episode_id']}, turn {hit['turn']}]"
    assert lines[-1] == f"1-3 of {total} hits; call again with offset=3 for more"


def test_the_last_page_has_no_next_offset(seed_store):
    total = call(seed_store, "search", query="evaluation").structured["total"]
    last = call(seed_store, "search", query="evaluation", offset=total - 1)
    assert last.structured["next_offset"] is None
    assert last.text.splitlines()[-1] == f"{total}-{total} of {total} hits"


def test_no_hits_says_so(seed_store):
    answer = call(seed_store, "search", query="zyzzyvas")
    assert answer.structured["hits"] == [] and answer.structured["next_offset"] is None
    assert answer.text == "no hits"


def test_a_typo_is_corrected_and_the_note_says_so_first(seed_store):
    answer = call(seed_store, "search", query="leaderbaord", limit=2)
    note = "no results for 'leaderbaord'; showing results for 'leaderboard'"
    assert answer.structured["note"] == note
    assert answer.text.splitlines()[0] == note
    assert all("leaderboard" in h["text"].lower() for h in answer.structured["hits"])


def test_quotes_are_the_speakers_own_words(seed_store):
    answer = call(seed_store, "quotes", speaker="Lewis", query="evaluation", limit=5)
    quotes = answer.structured["quotes"]
    assert quotes and {q["speaker"] for q in quotes} == {"Lewis Tunstall"}
    assert answer.text.splitlines()[-1] == f"1-{len(quotes)} of {len(quotes)} quotes"


# --- transcript --------------------------------------------------------------------------------


def test_the_turns_around_a_turn(seed_store):
    answer = call(seed_store, "transcript", episode="infoq", turn=5, context=1)
    assert [t["turn"] for t in answer.structured["turns"]] == [4, 5, 6]
    assert answer.structured["episode_id"] == "infoq-omar-sanseviero"
    lines = answer.text.splitlines()
    assert lines[0] == (
        "Omar Sanseviero on Transformer Models and Democratizing Good ML Practices "
        "(The InfoQ Podcast)"
    )
    assert re.match(r"(Roland Meertens|Omar Sanseviero) \(turn 4\): ", lines[1])
    assert lines[-1] == "1-3 of 3 turns"


def test_the_turns_in_a_time_range_overlap_it(seed_store):
    answer = call(seed_store, "transcript", episode="latent", start=60, end=120)
    turns = answer.structured["turns"]
    assert turns
    for t in turns:
        assert t["start"] <= 120 and (t["end"] if t["end"] is not None else t["start"]) >= 60
    assert answer.text.splitlines()[1].startswith("[00:")


def test_a_turn_past_the_last_is_refused_with_the_episodes_range(seed_store):
    assert refusal(seed_store, "transcript", episode="infoq", turn=999) == (
        "turn: episode 'infoq-omar-sanseviero' has 57 turns (0 to 56)"
    )


def test_a_time_range_in_an_episode_without_times_is_refused_saying_what_to_ask(seed_store):
    assert refusal(seed_store, "transcript", episode="infoq", start=10, end=20) == (
        "episode 'infoq-omar-sanseviero' has no times: ask for the turns around a hit with "
        "turn (and context)"
    )


def test_an_unknown_episode_is_the_clis_message(seed_store):
    assert refusal(seed_store, "transcript", episode="nosuch") == (
        "no episode 'nosuch'; run `podkb episodes` to list them"
    )


# --- episodes and speakers ----------------------------------------------------------------------


def test_episodes_keep_those_holding_a_turn_the_filter_matches(seed_store):
    answer = call(seed_store, "episodes", speaker="Lewis Tunstall")
    assert [e["episode_id"] for e in answer.structured["episodes"]] == [
        "humans-of-ai-16-lewis-tunstall",
        "ml-experts-lewis-tunstall-zh",
    ]
    first = answer.text.splitlines()[0]
    assert first == (
        "humans-of-ai-16-lewis-tunstall: #16. Inside Hugging Face with Lewis Tunstall (Humans of "
        "AI, undated; hosts Sheikh Shuvo; guests Lewis Tunstall; 40 turns)"
    )
    zh = call(seed_store, "episodes", lang="zh").structured["episodes"]
    assert [e["episode_id"] for e in zh] == ["ml-experts-lewis-tunstall-zh"]


def test_episodes_page_on_with_offset(seed_store):
    every = call(seed_store, "episodes").structured["episodes"]
    last = call(seed_store, "episodes", offset=4, limit=1)
    assert last.structured["episodes"] == every[4:5]
    assert (last.structured["total"], last.structured["next_offset"]) == (5, None)
    assert last.text.splitlines()[-1] == "5-5 of 5 episodes"
    first = call(seed_store, "episodes", limit=2)
    assert first.structured["next_offset"] == 2


def test_speakers_of_one_episode(seed_store):
    answer = call(seed_store, "speakers", episode="infoq")
    assert [s["name"] for s in answer.structured["speakers"]] == [
        "Roland Meertens",
        "Omar Sanseviero",
    ]
    assert answer.text.splitlines() == [
        "Roland Meertens (host): 29 turns in 1 episode(s); also Roland",
        "Omar Sanseviero (guest): 28 turns in 1 episode(s); also Omar",
        "1-2 of 2 speakers",
    ]


def test_an_unknown_show_lists_the_shows(seed_store):
    assert refusal(seed_store, "speakers", show="nosuch show") == (
        "no show 'nosuch show'; the shows are: 'HockeyStick', 'Humans of AI', 'Latent Space', "
        "'The InfoQ Podcast', '機器學習專家'"
    )


# --- arguments ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tool, arguments, message",
    [
        ("search", {"query": "x", "limit": 51}, "limit: Input should be less than or equal to 50"),
        ("search", {"query": "x", "limit": 0}, "limit: Input should be greater than or equal to 1"),
        ("search", {"query": "x", "colour": "red"}, "colour: Extra inputs are not permitted"),
        ("search", {"query": 5}, "query: Input should be a valid string"),
        ("quotes", {"query": "evaluation"}, "speaker: Field required"),
        (
            "search",
            {"query": "x", "offset": -1},
            "offset: Input should be greater than or equal to 0",
        ),
        (
            "search",
            {"query": "x", "since": "2024-13"},
            "since: '2024-13' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD",
        ),
    ],
)
def test_a_bad_argument_is_named_in_the_one_line_a_client_sees(
    seed_store, tool, arguments, message
):
    assert refusal(seed_store, tool, **arguments) == message


# --- bounds --------------------------------------------------------------------------------------


def test_text_past_the_bound_is_cut_and_marked():
    assert cut_text(None) is None
    assert cut_text("short") == "short"
    assert cut_text("x" * 4_000) == "x" * 4_000
    assert cut_text("x" * 4_001) == "x" * 4_000 + "…"
    assert cut_text("abcdef", 3) == "abc…"


def test_a_page_that_would_pass_the_answer_bound_ends_early_and_says_where_to_go_on(
    seed_store, monkeypatch
):
    whole = call(seed_store, "search", query="model", limit=10)
    assert len(whole.structured["hits"]) == 10
    sizes = [len(mcp_tools.json.dumps(h, ensure_ascii=False)) + 1 for h in whole.structured["hits"]]
    # Room for the first three hits and the paging fields only.
    monkeypatch.setattr(mcp_tools, "MAX_RESPONSE_CHARS", mcp_tools._PAGING_CHARS + sum(sizes[:3]))
    cut = call(seed_store, "search", query="model", limit=10)
    assert cut.structured["hits"] == whole.structured["hits"][:3]
    assert cut.structured["next_offset"] == 3
    assert cut.text.splitlines()[-1].endswith("; call again with offset=3 for more")


def test_one_row_is_given_even_when_it_alone_passes_the_bound(seed_store, monkeypatch):
    monkeypatch.setattr(mcp_tools, "MAX_RESPONSE_CHARS", 10)
    answer = call(seed_store, "search", query="model", limit=5)
    assert len(answer.structured["hits"]) == 1
    assert answer.structured["next_offset"] == 1
