"""One filter, one meaning: search, export, quotes and batch select turns through the same
request model and the same store query, on both engines."""

from __future__ import annotations

import io
import json
import sys

import pytest

FILTERS = [
    {"speaker": "Lewis Tunstall"},
    {"speaker": "lewtun"},
    {"role": "guest"},
    {"role": "host", "lang": "en"},
    {"topic": "evaluation"},
    {"topic": "Governance"},
    {"episode": "latent-space"},
    {"featuring": "Sheikh Shuvo"},
    {"featuring": "lewtun", "role": "host"},  # the hosts of the episodes Lewis Tunstall is in
    {"featuring": "Lewis Tunstall", "show": "humans of ai"},  # both keep episodes: the overlap
    {"featuring": "Britney", "episode": "latent-space"},  # no episode is both: nothing
    {"show": "humans of ai"},
    {"lang": "zh-hant"},
    {"lang": "ZH"},
    {"lang": "zh-Hant"},
    {"lang": "EN", "role": "guest"},
    {"since": "2024"},
    {"until": "2024-04"},
    {"since": "2024-04-08", "until": "2024-04-08"},
]
QUERIES = [None, "open source"]


def _options(flt: dict[str, str]) -> list[str]:
    return [arg for key, value in flt.items() for arg in (f"--{key}", value)]


def _turns(out: str) -> set[tuple[str, int]]:
    return {(r["episode_id"], r["turn"]) for r in map(json.loads, out.splitlines())}


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request, seed_db) -> str:
    return str(seed_db) if request.param == "sqlite" else request.getfixturevalue("seed_pg")


@pytest.mark.parametrize("query", QUERIES, ids=["filter only", "with a query"])
@pytest.mark.parametrize("flt", FILTERS, ids=lambda f: " ".join(_options(f)))
def test_search_export_and_batch_select_the_same_turns(run_cli, monkeypatch, location, flt, query):
    words = query.split() if query else []
    code, out, err = run_cli(
        "search", *words, *_options(flt), "-n", "0", "-f", "jsonl", "--db", location
    )
    assert code in (0, 1), err
    searched = _turns(out)
    assert code == 1 or searched

    code, out, err = run_cli("export", *words, *_options(flt), "-f", "jsonl", "--db", location)
    assert code in (0, 1), err
    assert _turns(out) == searched

    entry = {**flt, "limit": 0, **({"query": query} if query else {})}
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(json.dumps(entry).encode())))
    code, out, err = run_cli("batch", "-", "--db", location)
    assert code in (0, 1), err
    assert _turns(out) == searched


@pytest.mark.parametrize("flt", [f for f in FILTERS if "speaker" not in f], ids=str)
def test_quotes_selects_what_search_selects_for_the_speaker(run_cli, location, flt):
    searched = run_cli(
        "search",
        "--speaker",
        "Lewis Tunstall",
        *_options(flt),
        "-n",
        "0",
        "-f",
        "jsonl",
        "--db",
        location,
    )
    quoted = run_cli(
        "quotes", "Lewis Tunstall", *_options(flt), "-n", "0", "-f", "jsonl", "--db", location
    )
    assert searched[0] == quoted[0]
    assert _turns(quoted[1]) == _turns(searched[1])


def test_a_language_filter_is_any_case_everywhere(run_cli, seed_db):
    counts = []
    for lang in ("zh-hant", "ZH-HANT", "zh-Hant"):
        code, out, _ = run_cli("export", "--lang", lang, "-f", "jsonl", "--db", str(seed_db))
        counts.append(len(out.splitlines()))
    assert counts[0] == counts[1] == counts[2] == 67


def test_every_filter_of_the_request_model_is_one_of_these():
    # A new filter is its field in request.TurnFilter and a line in FILTERS (its test).
    from podkb.request import TurnFilter

    assert {name for flt in FILTERS for name in flt} == set(TurnFilter.model_fields)
