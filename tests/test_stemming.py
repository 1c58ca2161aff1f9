"""English stemming: other word forms find each other, the form as written ranks first, phrases
stay exact, Chinese is untouched; and per-turn cue times are kept for quotes."""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES

from podkb.ingest import ingest_paths
from podkb.search import SearchRequest, match_spans, search
from podkb.store import Store
from podkb.text import stem


def hits(store, query, **kw):
    return search(store, SearchRequest(query=query, limit=50, **kw)).hits


def refs(found):
    return {(h.episode_id, h.line) for h in found}


@pytest.mark.parametrize("forms", [("evaluation", "evaluated", "evaluating", "evaluate")])
def test_word_forms_find_each_other(seed_store, forms):
    found = [refs(hits(seed_store, f)) for f in forms]
    assert all(found), forms
    assert all(f == found[0] for f in found)


def test_a_form_the_seeds_never_write_is_found_through_its_stem(seed_store):
    assert not hits(seed_store, '"evaluating"')
    found = hits(seed_store, "evaluating")
    assert found
    for h in found:
        words = {w.lower().strip(".,?!\"'") for w in h.text.split()}
        assert any(stem(w) == stem("evaluating") for w in words)


def test_the_form_as_written_ranks_above_another_form(seed_store):
    # "evaluated" is written in a few turns; every one of them comes before any turn that only
    # has another form (evaluation, evaluate).
    found = hits(seed_store, "evaluated")
    has_form = ["evaluated" in h.text.lower() for h in found]
    assert has_form[0] and any(not f for f in has_form)
    first_other = has_form.index(False)
    assert all(not f for f in has_form[first_other:])


def test_quoted_words_and_phrases_stay_exact(seed_store):
    exact = hits(seed_store, '"evaluated"')
    assert exact and all("evaluated" in h.text.lower() for h in exact)
    assert len(exact) < len(hits(seed_store, "evaluated"))


def test_other_forms_are_highlighted_as_written(seed_store):
    from podkb.query import parse_query

    text = "We evaluated it, and evaluation matters; its value too."
    spans = match_spans(text, parse_query("evaluating").terms())
    assert [text[s:e] for s, e in spans] == ["evaluated", "evaluation"]


def test_snippets_show_the_stemmed_match(seed_store):
    for h in hits(seed_store, "leaderboards"):
        marked = [h.snippet[s:e].lower() for s, e in h.matches]
        assert marked and all(m.startswith("leaderboard") for m in marked)


def test_did_you_mean_still_works_on_words_as_written(seed_store):
    result = search(seed_store, SearchRequest(query="leaderbaord"))
    assert not result.hits
    assert result.suggestion == "leaderboard"


def test_chinese_is_not_stemmed(seed_store):
    assert stem("評估") == "評估"
    assert refs(hits(seed_store, "评估")) == refs(hits(seed_store, '"评估"'))


def test_cue_times_are_kept_per_turn(tmp_path):
    with Store(tmp_path / "kb.db") as store:
        ingest_paths([FIXTURES / "conformance" / "transcript-example.srt"], store)
        turns = store.conn.execute("SELECT text, start, times FROM turns ORDER BY id").fetchall()
    timed = [(text, start, json.loads(times)) for text, start, times in turns if times]
    assert timed, "an SRT file's turns carry their cue times"
    for text, start, times in timed:
        offsets = [at for at, _ in times]
        assert offsets[0] == 0 and times[0][1] == start
        assert offsets == sorted(offsets) and offsets[-1] < len(text)
