"""A query of only exclusions with a filter (`podkb search --speaker X -- -word`): every turn the
filter keeps that holds none of the excluded words, in store order, counted exactly and paged,
on both engines. There is no word to rank by, so nothing is left out for want of a match."""

from __future__ import annotations

import pytest

from podkb.request import SearchRequest
from podkb.search import search
from podkb.text import index_terms, stem

# filter, excluded words
CASES = [
    ({"speaker": "Sheikh Shuvo"}, ["lewis"]),
    ({"speaker": "Sheikh Shuvo"}, ["lewis", "hugging"]),
    ({"speaker": "Lewis Tunstall", "lang": "en"}, ["evaluation"]),
    ({"episode": "infoq-omar-sanseviero"}, ["transformers", "model"]),
    ({"role": "host", "show": "Latent Space"}, ["ai"]),
    # Filters that are no column of the index: the store scans the turns and leaves out the
    # index's matches for the words.
    ({"role": "guest"}, ["model", "data"]),
    ({"lang": "zh-Hant"}, ["lewis"]),
]


def _expected(seed_turns, flt: dict[str, str], excluded: list[str]) -> list[tuple[str, int]]:
    """Worked out from the turns themselves: the filter's turns without any excluded word in
    any form the analyzer gives the same stem (`-model` leaves out `models` too)."""
    stems = {stem(w) for w in excluded}

    def holds_a_word(text: str) -> bool:
        terms = index_terms(text)[0]
        return bool(stems & ({stem(t) for t in terms} | set(terms)))

    show_of = {
        "infoq-omar-sanseviero": "The InfoQ Podcast",
        "latent-space-jeremy-howard-answer-ai": "Latent Space",
    }
    kept = []
    for episode_id, turns in seed_turns.items():
        for t in turns:
            if "speaker" in flt and t.speaker != flt["speaker"]:
                continue
            if "lang" in flt and t.lang != flt["lang"]:
                continue
            if "episode" in flt and episode_id != flt["episode"]:
                continue
            if "role" in flt and t.role != flt["role"]:
                continue
            if "show" in flt and show_of.get(episode_id) != flt["show"]:
                continue
            if holds_a_word(t.text):
                continue
            kept.append((episode_id, t.turn))
    return kept


def _request(flt: dict[str, str], excluded: list[str], **page: int) -> SearchRequest:
    return SearchRequest(query=" ".join(f"-{w}" for w in excluded), **flt, **page)


@pytest.mark.parametrize("flt, excluded", CASES, ids=[str(c) for c in CASES])
def test_every_turn_the_filter_keeps_without_the_words(seed_store, seed_turns, flt, excluded):
    expected = _expected(seed_turns, flt, excluded)
    assert expected  # each case keeps some turns...
    everything = _expected(seed_turns, flt, [])
    assert len(expected) < len(everything)  # ...and the words take some away
    result = search(seed_store, _request(flt, excluded, limit=0))
    got = [(h.episode_id, h.turn) for h in result.hits]
    assert sorted(got) == sorted(expected)
    assert {h.score for h in result.hits} == {0.0}  # no word to rank by


PAGED = [CASES[0], CASES[5]]


@pytest.mark.parametrize("flt, excluded", PAGED, ids=[str(c) for c in PAGED])
def test_a_page_of_them_in_store_order_and_the_count_of_all(seed_store, seed_turns, flt, excluded):
    expected = _expected(seed_turns, flt, excluded)
    everything = search(seed_store, _request(flt, excluded, limit=0)).hits
    page = search(seed_store, _request(flt, excluded, limit=3, offset=2))
    assert [(h.episode_id, h.turn) for h in page.hits] == [
        (h.episode_id, h.turn) for h in everything[2:5]
    ]
    assert page.total == len(expected) and not page.total_is_more
    # The store's order, as the turns were read: an episode's turns together and in order.
    turns = [(h.episode_id, h.turn) for h in everything]
    episodes = list(dict.fromkeys(e for e, _ in turns))
    assert turns == sorted(turns, key=lambda t: (episodes.index(t[0]), t[1]))


def test_the_cli_prints_them_and_counts_them_on_stderr(run_cli, seed_db, seed_turns):
    import json

    expected = _expected(seed_turns, {"speaker": "Sheikh Shuvo"}, ["lewis"])
    args = ["search", "--speaker", "Sheikh Shuvo", "-n", "3", "--db", str(seed_db)]
    code, out, err = run_cli(*args, "--format", "jsonl", "--", "-lewis")
    assert code == 0, err
    assert [json.loads(line)["turn"] for line in out.splitlines()] == [t for _, t in expected[:3]]
    assert err == f"podkb: 3 of {len(expected)} shown; -n 0 for all\n"


def test_export_takes_the_same_turns(run_cli, seed_db, seed_turns):
    import json

    expected = _expected(seed_turns, {"speaker": "Sheikh Shuvo"}, ["lewis", "hugging"])
    code, out, err = run_cli(
        "export", "--speaker", "Sheikh Shuvo", "--db", str(seed_db), "--", "-lewis", "-hugging"
    )
    assert code == 0, err
    assert [(r["episode_id"], r["turn"]) for r in map(json.loads, out.splitlines())] == expected
