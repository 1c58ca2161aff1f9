"""--featuring NAME: only the episodes in which that speaker has a turn, the name resolved as
--speaker resolves it. It is the filter that request.NameCondition makes one field and one
resolver (speakers.featuring_filter), against the seed store on both engines."""

from __future__ import annotations

import pytest

from podkb.errors import UsageError
from podkb.request import SearchRequest
from podkb.search import resolve_filter, search

LEWIS = {"humans-of-ai-16-lewis-tunstall", "ml-experts-lewis-tunstall-zh"}


def _episodes(store, **request) -> set[str]:
    result = search(store, SearchRequest(limit=0, **request))
    return {hit.episode_id for hit in result.hits}


def test_it_keeps_every_turn_of_the_episodes_the_speaker_is_in_and_no_other(seed_store):
    assert _episodes(seed_store, featuring="Lewis Tunstall") == LEWIS
    every_turn = sum(e.turns for e in seed_store.episodes() if e.episode_id in LEWIS)
    assert search(seed_store, SearchRequest(featuring="lewtun", limit=0)).total == every_turn


def test_it_reads_other_speakers_of_those_episodes(seed_store):
    hosts = search(seed_store, SearchRequest(featuring="Lewis Tunstall", role="host", limit=0))
    assert {h.speaker for h in hosts.hits} == {"Sheikh Shuvo", "Britney Muller"}
    said = search(seed_store, SearchRequest(speaker="Sheikh Shuvo", featuring="Lewis", limit=0))
    assert said.hits and {h.episode_id for h in said.hits} == {"humans-of-ai-16-lewis-tunstall"}


def test_with_other_filters_of_episodes_it_keeps_the_episodes_all_of_them_keep(seed_store):
    assert _episodes(seed_store, featuring="Lewis Tunstall", show="Humans of AI") == {
        "humans-of-ai-16-lewis-tunstall"
    }
    assert _episodes(seed_store, featuring="Lewis Tunstall", episode="ml-experts") == {
        "ml-experts-lewis-tunstall-zh"
    }
    assert _episodes(seed_store, featuring="Britney Muller", episode="latent-space") == set()


def test_a_close_spelling_is_matched_and_said(seed_store):
    resolved = resolve_filter(seed_store, SearchRequest(featuring="Sheik Shuvo"))
    assert resolved.episode_ids == ("humans-of-ai-16-lewis-tunstall",)
    assert resolved.notes == ("(matched 'Sheik Shuvo' to 'Sheikh Shuvo')",)


def test_an_unknown_speaker_is_a_usage_error_with_the_closest_names(seed_store):
    with pytest.raises(UsageError, match=r"no speaker 'Nobody Here'; did you mean"):
        resolve_filter(seed_store, SearchRequest(featuring="Nobody Here"))


def test_on_the_command_line_it_is_an_option_of_search_quotes_and_export(run_cli, seed_db):
    for command in ("search", "quotes", "export"):
        code, out, _ = run_cli(command, "--help", env={"COLUMNS": "120"})
        assert code == 0 and "--featuring" in out and "NAME" in out
    code, out, err = run_cli("search", "--featuring", "Nobody Atall", "--db", str(seed_db))
    assert (code, out) == (2, "")
    assert err.startswith("podkb: no speaker 'Nobody Atall'") and err.count("\n") == 1


def test_an_exact_name_needs_no_note(seed_store):
    resolved = resolve_filter(seed_store, SearchRequest(featuring="Sheikh Shuvo", episode="humans"))
    assert resolved.notes == () and resolved.episode_ids == ("humans-of-ai-16-lewis-tunstall",)
