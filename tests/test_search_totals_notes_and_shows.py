"""What search() says beside its hits: the total of a page, the did-you-mean (only when nothing
matched), the notes of an unranked or corrected answer, a speaker's name searched as words, and
the list of shows when --show names none. Against a small real store of twelve shows whose
words are counted by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from podkb import search as search_module
from podkb.errors import UsageError
from podkb.ingest import ingest_paths
from podkb.request import SearchRequest
from podkb.search import search, search_or_correct
from podkb.store import Store

SHOWS = [f"Show {n:02}" for n in range(1, 13)]


def _episode(folder: Path, n: int, show: str | None) -> None:
    # Four turns an episode; "weather" in two of them; only the first four episodes say "gauges".
    gauges = " and rain gauges" if n <= 4 else ""
    (folder / f"ep{n:02}.txt").write_text(
        f"Maya Lin: Welcome to episode {n} about the weather{gauges} today.\n\n"
        f"Tom Ode: Thanks Maya, the weather is my favourite subject of all.\n\n"
        "Maya Lin: What do you measure first?\n\n"
        "Tom Ode: Rain, always rain.\n",
        encoding="utf-8",
    )
    if show is not None:
        (folder / f"ep{n:02}.yaml").write_text(f"show: {show}\n", encoding="utf-8")


def _build(folder: Path, shows: list[str | None]) -> Path:
    folder.mkdir()
    for n, show in enumerate(shows, start=1):
        _episode(folder, n, show)
    db = folder.parent / f"{folder.name}.db"
    with Store(db) as store:
        report = ingest_paths([folder], store)
    assert not report.failed, report.failed
    return db


@pytest.fixture(scope="module")
def twelve_shows(tmp_path_factory) -> Path:
    return _build(tmp_path_factory.mktemp("shows") / "episodes", list(SHOWS))


@pytest.fixture()
def store(twelve_shows):
    with Store(twelve_shows, create=False) as opened:
        yield opened


def test_the_store_holds_what_the_tests_below_count(store):
    assert store.turn_count() == 48
    assert len(search(store, SearchRequest(query="gauges", limit=0)).hits) == 4
    assert len(search(store, SearchRequest(query="weather", limit=0)).hits) == 24


# --- the shows a --show that matches none lists ------------------------------------------------


def test_an_unknown_show_lists_the_first_ten_shows_in_order_then_an_ellipsis(store):
    with pytest.raises(UsageError) as refused:
        search(store, SearchRequest(query="weather", show="Show 13"))
    listed = ", ".join(repr(s) for s in SHOWS[:10])
    assert str(refused.value) == f"no show 'Show 13'; the shows are: {listed} ..."


def test_an_unknown_show_in_a_store_whose_episodes_name_no_show_says_none(tmp_path):
    db = _build(tmp_path / "noshow", [None, None])
    with Store(db, create=False) as store:
        with pytest.raises(UsageError) as refused:
            search(store, SearchRequest(query="weather", show="Anything"))
    assert str(refused.value) == "no show 'Anything'; the shows are: none"


def test_a_show_is_matched_folded_and_keeps_only_its_episodes(store):
    result = search(store, SearchRequest(query="weather", show="  show 03 ", limit=0))
    assert {h.show for h in result.hits} == {"Show 03"}
    assert len(result.hits) == 2


# --- totals --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("limit", "offset", "hits", "total"),
    [
        (10, 0, 4, 4),  # a page that is not full: the hits are all there is
        (10, 2, 2, 4),  # a later page that is not full: offset plus what it holds
        (10, 4, 0, 4),  # past the last hit: nothing shown, the total still known
        (2, 0, 2, 4),  # a full page: the store counts the rest
        (2, 2, 2, 4),
    ],
)
def test_the_total_is_how_many_turns_match_whatever_page_is_shown(
    store, limit, offset, hits, total
):
    result = search(store, SearchRequest(query="gauges", limit=limit, offset=offset))
    assert (len(result.hits), result.total, result.total_is_more) == (hits, total, False)


def test_a_count_that_stops_says_it_is_a_floor(store, monkeypatch):
    monkeypatch.setattr(search_module, "COUNT_AT_MOST", 5)
    result = search(store, SearchRequest(query="weather", limit=3))
    assert (len(result.hits), result.total, result.total_is_more) == (3, 5, True)
    # A page that reaches past the count's stop is counted to its own end.
    result = search(store, SearchRequest(query="weather", limit=3, offset=6))
    assert (len(result.hits), result.total, result.total_is_more) == (3, 9, True)


# --- did you mean ------------------------------------------------------------------------------


def test_a_query_that_matches_offers_no_spelling_even_when_one_of_its_words_is_unknown(store):
    result = search(store, SearchRequest(query="gauges OR gaugse", limit=10))
    assert len(result.hits) == 4
    assert result.suggestion is None


def test_a_query_that_matches_nothing_offers_the_close_spelling(store):
    result = search(store, SearchRequest(query="gaugse", limit=10))
    assert (result.hits, result.suggestion, result.total) == ([], "gauges", 0)


def test_the_corrected_answer_says_what_was_corrected(store):
    result = search_or_correct(store, SearchRequest(query="gaugse", limit=10))
    assert len(result.hits) == 4
    assert result.request.query == "gauges"
    assert result.note == "no results for 'gaugse'; showing results for 'gauges'"


def test_a_corrected_answer_keeps_its_own_note_after_the_correction(store, monkeypatch):
    monkeypatch.setattr(search_module, "FREQUENT_MIN_TURNS", 0)
    result = search_or_correct(store, SearchRequest(query="wether", limit=3))
    assert len(result.hits) == 3
    assert result.note == (
        "no results for 'wether'; showing results for 'weather'; "
        "'weather' occur in more than 10% of turns: hits are in episode order, not ranked; "
        "add a rarer word to rank them"
    )


def test_nothing_to_correct_leaves_the_empty_answer_as_it_is(store):
    result = search_or_correct(store, SearchRequest(query="zzyzx", limit=10))
    assert (result.hits, result.suggestion, result.note) == ([], None, None)


# --- unranked answers: a query of only very common words ---------------------------------------


def test_a_query_of_only_common_words_is_answered_in_episode_order_and_says_so(store, monkeypatch):
    monkeypatch.setattr(search_module, "FREQUENT_MIN_TURNS", 0)
    result = search(store, SearchRequest(query="the weather", limit=4))
    assert result.note == (
        "'the', 'weather' occur in more than 10% of turns: hits are in episode order, not "
        "ranked; add a rarer word to rank them"
    )
    assert [(h.episode_id, h.turn, h.score) for h in result.hits] == [
        (h.episode_id, h.turn, 0.0) for h in result.hits
    ]
    assert [h.episode_id for h in result.hits] == sorted(h.episode_id for h in result.hits)


@pytest.mark.parametrize(
    "query",
    [
        "weather gauges",  # a rarer word beside them: 4 of 48 turns, under a tenth
        "weather*",  # a prefix: whatever its word, its forms are not counted
        "gauges OR weather",  # a clause with a rarer word in it
    ],
)
def test_a_rarer_word_or_a_prefix_keeps_the_hits_ranked(store, monkeypatch, query):
    monkeypatch.setattr(search_module, "FREQUENT_MIN_TURNS", 0)
    result = search(store, SearchRequest(query=query, limit=3))
    assert len(result.hits) == 3
    assert result.note is None


def test_a_small_store_is_always_ranked(store):
    assert search_module.FREQUENT_MIN_TURNS > store.turn_count()
    result = search(store, SearchRequest(query="the weather", limit=3))
    assert len(result.hits) == 3 and result.note is None


# --- a speaker's name searched as words ------------------------------------------------------


def test_a_query_that_is_a_speakers_full_name_points_to_the_speaker_filter(store):
    result = search(store, SearchRequest(query="maya lin", limit=3))
    assert result.notes == [
        "'maya lin' is the name of a speaker: what Maya Lin said is "
        '`podkb search --speaker "Maya Lin"` (or `podkb quotes "Maya Lin"`)'
    ]


@pytest.mark.parametrize(
    "request_",
    [
        SearchRequest(query="maya", limit=3),  # a first name alone is a word
        SearchRequest(query="maya lin", speaker="Tom Ode", limit=3),  # a speaker is chosen
    ],
)
def test_a_first_name_or_a_query_with_a_speaker_filter_gets_no_such_note(store, request_):
    assert search(store, request_).notes == []


# --- the edges: exactly ten shows, exactly the count's stop, exactly the common share ----------


@pytest.mark.parametrize(("shows", "ellipsis"), [(10, False), (11, True)])
def test_the_list_of_shows_says_there_are_more_only_past_ten(tmp_path, shows, ellipsis):
    db = _build(tmp_path / "some", list(SHOWS[:shows]))
    with Store(db, create=False) as opened, pytest.raises(UsageError) as refused:
        search(opened, SearchRequest(query="weather", show="Show 99"))
    listed = ", ".join(repr(s) for s in SHOWS[:10])
    assert str(refused.value) == f"no show 'Show 99'; the shows are: {listed}" + (
        " ..." if ellipsis else ""
    )


def test_a_count_that_reaches_its_stop_exactly_is_the_total(store, monkeypatch):
    monkeypatch.setattr(search_module, "COUNT_AT_MOST", 24)  # 'weather' is in 24 turns
    result = search(store, SearchRequest(query="weather", limit=3))
    assert (result.total, result.total_is_more) == (24, False)


@pytest.mark.parametrize(("share", "ranked"), [(16 / 48, True), (15 / 48, False)])
def test_a_word_is_too_common_to_rank_only_above_the_share(store, monkeypatch, share, ranked):
    # 'rain' is in 16 of the 48 turns: at a share of 16 in 48 it is still ranked.
    monkeypatch.setattr(search_module, "FREQUENT_MIN_TURNS", 0)
    monkeypatch.setattr(search_module, "FREQUENT_SHARE", share)
    result = search(store, SearchRequest(query="rain", limit=0))
    scores = [h.score for h in result.hits]
    order = [(h.episode_id, h.turn) for h in result.hits]
    assert len(result.hits) == 16
    if ranked:
        assert result.note is None and all(s > 0 for s in scores)
        assert scores == sorted(scores, reverse=True) and order != sorted(order)
    else:
        assert result.note and "not ranked" in result.note
        assert set(scores) == {0} and order == sorted(order)


def test_a_close_spelling_of_a_speaker_is_said_and_an_exact_one_is_not(store):
    close = search(store, SearchRequest(query="weather", speaker="Mya Lin"))
    assert close.notes == ["(matched 'Mya Lin' to 'Maya Lin')"]
    assert {h.speaker for h in close.hits} == {"Maya Lin"}
    assert search(store, SearchRequest(query="weather", speaker="Maya Lin")).notes == []
