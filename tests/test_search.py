"""Search on the seed corpus: ranking, syntax, normalisation, Chinese, speakers, topics, typos."""

from __future__ import annotations

import re

import pytest

from podkb.errors import UsageError
from podkb.query import parse_query
from podkb.search import SearchRequest, make_snippet, search


def hits(store, query=None, **kw):
    return search(store, SearchRequest(query=query, **kw)).hits


def top(store, query=None, **kw):
    found = hits(store, query, **kw)
    assert found, f"no hits for {query!r} {kw}"
    return found[0]


@pytest.mark.parametrize(
    "query, episode, speaker, line",
    [
        ("leaderboard", "humans-of-ai-16-lewis-tunstall", "Lewis Tunstall", 100),
        ("Mad Uncle", "humans-of-ai-16-lewis-tunstall", "Lewis Tunstall", 38),
        ('"schedule-free optimizers"', "latent-space-jeremy-howard-answer-ai", "swyx", 104),
        ("model cards", "infoq-omar-sanseviero", "Roland Meertens", 93),
        ("Somos NLP", "infoq-omar-sanseviero", "Omar Sanseviero", 73),
        ("疊衣服機器人", "ml-experts-lewis-tunstall-zh", "Britney Muller", 91),
        ("code parrot", "ml-experts-lewis-tunstall-zh", "Lewis Tunstall", 116),
        ("scribe", "hockeystick-2-llms-in-production", None, 128),
    ],
)
def test_top_hit(seed_store, query, episode, speaker, line):
    hit = top(seed_store, query)
    assert (hit.episode_id, hit.speaker, hit.line) == (episode, speaker, line)


def test_hits_carry_the_turn_record_plus_score_and_snippet(seed_store):
    hit = top(seed_store, "leaderboard")
    assert {
        "episode_id",
        "turn",
        "speaker",
        "speaker_label",
        "role",
        "text",
        "lang",
        "start",
        "end",
        "chapter",
        "source",
        "line",
        "score",
        "snippet",
    } <= set(hit.row())
    assert hit.score > 0
    scores = [h.score for h in hits(seed_store, "leaderboard")]
    assert scores == sorted(scores, reverse=True)


def test_exact_phrase_is_stricter_than_words(seed_store):
    words = hits(seed_store, "language model", limit=100)
    phrase = hits(seed_store, '"language model"', limit=100)
    assert 0 < len(phrase) < len(words)
    assert all("language model" in " ".join(h.text.lower().split()) for h in phrase)


def test_or_and_exclusion_and_prefix(seed_store):
    a = {(h.episode_id, h.turn) for h in hits(seed_store, "Muse", limit=100)}
    b = {(h.episode_id, h.turn) for h in hits(seed_store, "Offspring", limit=100)}
    both = {(h.episode_id, h.turn) for h in hits(seed_store, "Muse OR Offspring", limit=100)}
    assert both == a | b and a and b
    excluded = hits(seed_store, "transformer -book", limit=100)
    assert excluded and not any("book" in h.text.lower().split() for h in excluded)
    prefixed = hits(seed_store, "leaderb*", limit=100)
    assert {h.turn for h in prefixed} >= {
        h.turn for h in hits(seed_store, "leaderboard", limit=100)
    }


@pytest.mark.parametrize(
    ("query", "refusal"),
    [
        ("AND", "give a query, or a filter"),
        ('"', "give a query, or a filter"),
        ("-x", "a query of only exclusions needs a filter"),
        ("OR", None),
        ("NEAR(", None),
        ("a AND", None),
        ('"unclosed phrase', None),
        ("*", "give a query, or a filter"),
        ("-", "give a query, or a filter"),
        ("((", "give a query, or a filter"),
        ("NOT", "give a query, or a filter"),
    ],
)
def test_any_input_is_safe(seed_store, query, refusal):
    """Operators and punctuation alone are no query: podkb says what it needs, in its own words,
    never an FTS syntax error; anything with a word in it is searched."""
    if refusal is None:
        assert isinstance(search(seed_store, SearchRequest(query=query)).hits, list)
    else:
        with pytest.raises(UsageError, match=f"^{re.escape(refusal)} "):
            search(seed_store, SearchRequest(query=query))


def test_hyphens_mean_what_the_user_means(seed_store):
    texts = [" ".join(h.text.lower().split()) for h in hits(seed_store, "pre-training", limit=100)]
    assert any("pre-training" in t for t in texts)
    assert any("pre training" in t or "pretraining" in t for t in texts) or all(
        "pre-training" in t for t in texts
    )
    # "pre training" (two words) finds the hyphenated form too.
    assert {h.turn for h in hits(seed_store, '"pre training"', limit=100)} >= {
        h.turn for h in hits(seed_store, '"pre-training"', limit=100)
    }


def test_case_width_and_accents_fold(seed_store):
    base = {(h.episode_id, h.turn) for h in hits(seed_store, "chatgpt", limit=100)}
    assert base
    assert {(h.episode_id, h.turn) for h in hits(seed_store, "ＣＨＡＴＧＰＴ", limit=100)} == base
    assert {(h.episode_id, h.turn) for h in hits(seed_store, "ChätGPT", limit=100)} == base


@pytest.mark.parametrize("query", ["疊衣服", "叠衣服"])
def test_traditional_and_simplified_find_each_other(seed_store, query):
    found = hits(seed_store, query, limit=100)
    assert {h.line for h in found} == {84, 91, 92}  # 84: the word is on line 85, in that turn
    assert all("疊衣服" in h.text for h in found)


def test_one_character_chinese_query(seed_store):
    found = hits(seed_store, "鸚", limit=100)
    assert found and all("鸚" in h.text for h in found)
    assert {h.speaker for h in found} == {"Lewis Tunstall"}


def test_english_words_inside_chinese_text_stay_searchable(seed_store):
    found = hits(seed_store, "ONNX", limit=100)
    assert [h.episode_id for h in found] == ["ml-experts-lewis-tunstall-zh"]
    assert found[0].speaker == "Lewis Tunstall"


def test_speaker_filter_by_name_alias_or_typo(seed_store):
    for name in ["Lewis Tunstall", "lewis", "LEWIS TUNSTALL", "劉易斯", "刘易斯", "Lewis Tunstal"]:
        found = hits(seed_store, "evaluation", speaker=name, limit=100)
        assert found and {h.speaker for h in found} == {"Lewis Tunstall"}, name


def test_speaker_filter_spans_languages(seed_store):
    found = hits(seed_store, speaker="Lewis Tunstall", limit=1000)
    assert {h.episode_id for h in found} == {
        "humans-of-ai-16-lewis-tunstall",
        "ml-experts-lewis-tunstall-zh",
    }
    assert len(found) == 53


@pytest.mark.parametrize("name", ["Lewis Armstrong", "Nobody", "zzz"])
def test_unknown_speaker_is_an_error_not_a_wider_search(seed_store, name):
    with pytest.raises(UsageError) as err:
        search(seed_store, SearchRequest(query="evaluation", speaker=name))
    assert "no speaker" in str(err.value)


def test_unknown_speaker_lists_the_closest(seed_store):
    with pytest.raises(UsageError, match="did you mean 'Lewis Tunstall'"):
        search(seed_store, SearchRequest(speaker="Lewis Tunstell Jr"))


def test_topic_spans_english_and_chinese(seed_store):
    found = hits(seed_store, topic="evaluation", limit=100)
    langs = {h.lang for h in found}
    assert "en" in langs and "zh-Hant" in langs
    assert {"humans-of-ai-16-lewis-tunstall", "ml-experts-lewis-tunstall-zh"} <= {
        h.episode_id for h in found
    }


def test_topic_by_chinese_alias_and_by_chapter_title(seed_store):
    assert hits(seed_store, topic="評估", limit=100) == hits(
        seed_store, topic="evaluation", limit=100
    )
    chapter = hits(seed_store, topic="Governance", limit=100)
    assert chapter and {h.chapter for h in chapter} == {
        "Governance and Structural Issues within OpenAI and Other AI Labs"
    }


def test_unknown_topic_suggests(seed_store):
    with pytest.raises(UsageError, match="did you mean 'evaluation'"):
        search(seed_store, SearchRequest(topic="evaluaton"))


def test_filters_without_a_query(seed_store):
    found = hits(seed_store, episode="latent", speaker="Jeremy", limit=1000)
    assert len(found) == 27 and [h.turn for h in found] == sorted(h.turn for h in found)
    assert {h.lang for h in hits(seed_store, lang="zh", limit=1000)} == {"zh-Hant"}


def test_the_per_turn_filters_keep_exactly_the_turns_they_name_together(seed_store):
    found = hits(seed_store, lang="EN", role="guest", limit=0)
    expected = {
        (t.episode_id, t.turn)
        for t in seed_store.iter_turn_rows()
        if (t.lang.lower() == "en" or t.lang.lower().startswith("en-")) and t.role == "guest"
    }
    assert found and {(h.episode_id, h.turn) for h in found} == expected


def test_a_per_turn_filter_is_one_condition_both_engines_write_alike():
    # What --lang and --role mean is declared once (request.TURN_CONDITIONS); the engines'
    # SQL differs only in how a parameter is written.
    from podkb.store.base import TurnQuery
    from podkb.store.common import turn_filters
    from podkb.store.postgres import PostgresStore
    from podkb.store.sqlite import SQLiteStore

    query = TurnQuery(conditions=(("lang", "zh-Hant"), ("role", "host")))
    lite_sql, lite_args = turn_filters(query, SQLiteStore.dialect)
    pg_sql, pg_args = turn_filters(query, PostgresStore.dialect)
    assert [w.replace("?", "%s") for w in lite_sql] == pg_sql and len(pg_sql) == 2
    assert lite_args == pg_args == ["zh-hant", "zh-hant-%", "host"]


def test_no_query_and_no_filter_is_a_usage_error(seed_store):
    with pytest.raises(UsageError):
        search(seed_store, SearchRequest())


def test_typo_gets_a_did_you_mean(seed_store):
    result = search(seed_store, SearchRequest(query="leaderbaord"))
    assert result.hits == [] and result.suggestion == "leaderboard"
    assert search(seed_store, SearchRequest(query="transformrs")).suggestion == "transformers"


def test_context_gives_neighbouring_turns(seed_store):
    hit = search(seed_store, SearchRequest(query="Mad Uncle", context=1)).hits[0]
    assert [t.turn for t in hit.context.before] == [hit.turn - 1]
    assert [t.turn for t in hit.context.after] == [hit.turn + 1]
    assert hit.context.before[0].text == "What was the name of the band?"


def test_snippet_marks_matches_in_the_original_text():
    text = "Ｔhe TRANSFORMER paper, and Tomás said 疊衣服 is hard. " + "filler " * 60
    snippet, spans = make_snippet(text, parse_query("transformer tomas 叠衣服").terms())
    marked = [snippet[s:e] for s, e in spans]
    assert marked == ["TRANSFORMER", "Tomás", "疊衣服"]


def test_a_query_of_only_very_common_words_is_answered_unranked(seed_store, monkeypatch):
    import podkb.search as search_module

    monkeypatch.setattr(search_module, "FREQUENT_MIN_TURNS", 0)
    result = search(seed_store, SearchRequest(query="the", limit=5))
    assert result.note and "'the'" in result.note
    assert [h.score for h in result.hits] == [0.0] * 5
    ids = [(h.episode_id, h.turn) for h in result.hits]
    assert len(ids) == 5
    # A rarer word beside it keeps the ranking.
    ranked = search(seed_store, SearchRequest(query="the leaderboard", limit=5))
    assert ranked.note is None and ranked.hits[0].score > 0
    # A store of exactly FREQUENT_MIN_TURNS turns is big enough to skip ranking.
    monkeypatch.setattr(search_module, "FREQUENT_MIN_TURNS", seed_store.turn_count())
    assert search(seed_store, SearchRequest(query="the", limit=5)).note


# --- highlights, and the joined form of a hyphenated query ---------------------------------------


@pytest.mark.parametrize(
    "text, query, marked",
    [
        ("Pre-training, then pretraining again.", "pre-training", ["Pre-training", "pretraining"]),
        ("The Transformers library", "transform*", ["Transformers"]),
        ("拉麵和拉鍊", "拉", ["拉", "拉"]),  # a lone character: every occurrence
        ("模型，训练", '"模型 训练"', ["模型，训练"]),
        ("ＷＩＤＥ letters", "wide", ["ＷＩＤＥ"]),
        ("Straße", "strasse", ["Straße"]),
        ("don't", "don't", ["don't"]),
        # Accents written as marks of their own (NFD, as macOS writes them): the index drops
        # them from the word, so the highlight finds the word and keeps its marks.
        ("Ame\u0301lie, cafe\u0301 ok", "amelie cafe", ["Ame\u0301lie", "cafe\u0301"]),
        # A phrase that changes script needs no space there, and a Chinese run goes on after it;
        # but it starts where a word starts.
        ("GPT模型训练", '"GPT模型"', ["GPT模型"]),
        ("xGPT模型", '"GPT模型"', []),
        # Words of a phrase stand apart, and a quoted word is the whole word.
        ("modelcards and model cards", '"model cards"', ["model cards"]),
        ("models", '"model"', []),
    ],
)
def test_highlights_mark_what_the_query_matched(text, query, marked):
    from podkb.search import match_spans

    spans = match_spans(text, parse_query(query).terms())
    assert [text[s:e] for s, e in spans] == marked


def test_a_hyphenated_query_finds_the_joined_word(tmp_path):
    """The README's promise: "pre-training" finds "pretraining" (the joined-form alternative)."""
    from podkb.ingest import ingest_paths
    from podkb.store import open_store

    transcript = tmp_path / "t.txt"
    transcript.write_text(
        "Ana: Welcome back to the show.\n\nBo: Thanks for having me.\n\n"
        "Ana: We spent a year on pretraining.\n\nBo: And then on evaluation.\n",
        encoding="utf-8",
    )
    with open_store(tmp_path / "kb.db") as store:
        assert not ingest_paths([transcript], store).failed
        found = hits(store, "pre-training")
        assert [(h.speaker, h.snippet) for h in found] == [
            ("Ana", "We spent a year on pretraining.")
        ]
        assert [found[0].snippet[s:e] for s, e in found[0].matches] == ["pretraining"]
        # The words on their own are not in that turn: only the joined form matched.
        assert hits(store, '"pre training"') == []


def test_counting_matches_can_stop_early_on_both_engines(seed_store):
    from podkb.store import TurnQuery

    query = TurnQuery(speaker="Jeremy Howard")
    every = seed_store.count_turns(query)
    assert every == 27
    assert seed_store.count_turns(query, at_most=5) == 5
    assert seed_store.count_turns(query, at_most=100) == every


def test_a_range_of_the_vocabulary_is_read_by_prefix_on_both_engines(seed_store):
    every = dict(seed_store.body_terms())
    some = dict(seed_store.body_terms(starting_with="lead"))
    assert some and set(some) == {t for t in every if t.startswith("lead")}
    assert all(some[t] == every[t] for t in some)


# --- filters a search keeps, quotes, and did-you-mean -------------------------------------------


@pytest.mark.parametrize(
    "episode_ids, episode, kept",
    [
        (None, "a", True),  # no filter keeps every episode
        (("a",), "a", True),  # --episode a
        (("a",), "b", False),
        (("a", "b"), "b", True),
        (("a", "b"), "c", False),
        ((), "a", False),  # filters of episodes that leave none keep none
    ],
)
def test_a_resolved_filter_keeps_the_episodes_it_names(episode_ids, episode, kept):
    from podkb.search import ResolvedFilter

    flt = ResolvedFilter(episode_ids=episode_ids)
    assert flt.keeps_episode(episode) is kept


def test_a_quote_is_the_whole_turn_with_its_spaces_collapsed():
    from podkb.search import quote_text

    text = "We  trained\n the   transformer, then\tthe transformer  again."
    quote, spans = quote_text(text, parse_query("transformer").terms())
    assert quote == "We trained the transformer, then the transformer again."
    assert [quote[s:e] for s, e in spans] == ["transformer", "transformer"]


def test_did_you_mean_offers_only_words_of_spaced_scripts(seed_store):
    from podkb.search import vocabulary
    from podkb.text import is_cjk

    vocab = vocabulary(seed_store)
    assert vocab["leaderboard"] == len(hits(seed_store, '"leaderboard"', limit=1000))
    assert not [w for w in vocab if is_cjk(w) or w.isdigit()]
    # Both were there to leave out: the Chinese episode's bigrams and numbers are indexed.
    indexed = [t for t, _ in seed_store.body_terms()]
    assert any(is_cjk(t) for t in indexed) and any(t.isdigit() for t in indexed)


@pytest.mark.parametrize(
    "query, suggestion",
    [
        ("leaderbaord", "leaderboard"),
        ("Leaderbaord", "leaderboard"),  # the typo as typed, in any case
        ("leaderboard", None),  # every word is indexed: nothing to suggest
        ("zzzzqqq", None),  # nothing close
        ("leaderboard leaderbaord", "leaderboard leaderboard"),  # known words stay
        ("zzzzqqq leaderbaord", "zzzzqqq leaderboard"),  # a word with nothing close stays
        ('"leaderboard leaderbaord"', '"leaderboard leaderboard"'),  # inside a phrase too
        ('"zzzzqqq leaderbaord"', '"zzzzqqq leaderboard"'),
        # Each typo is replaced where it stands, never inside another word of the query.
        ("leaderbaord leaderbaords", "leaderboard leaderboard"),
        ("leaderboardss", "leaderboard"),  # two letters too many: still the word
        ("leaderboardsss", None),  # three: another word, not a typo
        # The shorter the word, the closer the match must be: one wrong letter in six is a
        # typo, one in five is not; three letters are a typo of four.
        ("modqls", "models"),
        ("evxluatixn", "evaluation"),  # two in ten
        ("moqel", None),
        ("bok", "book"),
        ("ai", None),  # two letters: too short to guess
    ],
)
def test_did_you_mean(seed_store, query, suggestion):
    from podkb.search import suggest_query

    assert suggest_query(seed_store, parse_query(query)) == suggestion


# --- snippets of very long turns (a whole episode in one turn) ----------------------------------


def _long_turn(word: str, at: int) -> str:
    """About 80,000 characters of filler with `word` starting at character `at`."""
    filler = "and then some more filler talk " * 2700
    return filler[:at] + word + filler[at:]


@pytest.mark.parametrize(
    "query, word, at",
    [
        ("leaderboard", "Leaderboard", 40_000),  # in the first chunk scanned
        ("leaderboard", "Leaderboard", 20),  # near the start: from the start, not cut
        ("leaderboard", "Leaderboard", 70_000),  # in a later one
        ("leaderboard", "Leaderboard", 65_530),  # across the boundary of two chunks
        ("happiness", "happy", 70_000),  # another form of the word (its stem)
    ],
)
def test_a_snippet_of_a_very_long_turn_is_cut_around_its_first_match(query, word, at):
    from podkb.search import SNIPPET_CHARS

    text = _long_turn(" " + word + " ", at)
    snippet, spans = make_snippet(text, parse_query(query).terms())
    assert snippet.startswith("…") == (at > 20) and snippet.endswith("…")
    assert len(snippet) <= SNIPPET_CHARS + 2
    assert [snippet[s:e] for s, e in spans] == [word]


@pytest.mark.parametrize("query", ["leaderboard", None])
def test_a_very_long_turn_without_the_words_shows_its_start(query):
    text = _long_turn("", 0)
    snippet, spans = make_snippet(text, parse_query(query).terms() if query else [])
    assert text.startswith(snippet[:-1]) and snippet.endswith("…") and spans == []


def test_a_match_at_the_end_of_a_very_long_turn_is_not_cut_after():
    text = _long_turn("", 0) + " the Leaderboard"
    snippet, spans = make_snippet(text, parse_query("leaderboard").terms())
    assert snippet.startswith("…") and snippet.endswith("the Leaderboard")
    assert [snippet[s:e] for s, e in spans] == ["Leaderboard"]


# --- snippets of turns longer than a snippet ----------------------------------------------------

_WORDS = " ".join(f"w{i:03}" for i in range(400))  # 2,000 characters: words of 4 letters


def _turn_with(word: str, at_word: int) -> str:
    words = _WORDS.split()
    return " ".join([*words[:at_word], word, *words[at_word:]])


@pytest.mark.parametrize("at_word", [100, 300])
def test_a_snippet_shows_a_third_of_its_width_before_the_match(at_word):
    from podkb.search import SNIPPET_CHARS

    text = _turn_with("Leaderboard", at_word)
    snippet, spans = make_snippet(text, parse_query("leaderboard").terms())
    assert snippet.startswith("…") and snippet.endswith("…")
    inner = snippet[1:-1]
    assert len(inner) <= SNIPPET_CHARS
    # Cut at word boundaries: whole words of the turn, nothing else.
    assert f" {inner} " in f" {text} "
    assert [snippet[s:e] for s, e in spans] == ["Leaderboard"]
    # The context before the match: a third of the width, less what the cut to a word takes.
    before = spans[0][0] - 1
    assert SNIPPET_CHARS // 3 - 5 < before <= SNIPPET_CHARS // 3


@pytest.mark.parametrize("query", ["w002", "zzz", None])
def test_a_snippet_near_the_start_or_without_a_match_starts_with_the_turn(query):
    from podkb.search import SNIPPET_CHARS

    terms = parse_query(query).terms() if query else []
    snippet, _ = make_snippet(_WORDS, terms)
    assert snippet.startswith("w000 w001") and snippet.endswith("…")
    assert len(snippet) <= SNIPPET_CHARS + 1


def test_a_snippet_of_the_end_of_a_turn_is_not_cut_after():
    snippet, spans = make_snippet(
        _turn_with("Leaderboard", 400), parse_query("leaderboard").terms()
    )
    assert snippet.startswith("…") and snippet.endswith("w399 Leaderboard")
    assert [snippet[s:e] for s, e in spans] == ["Leaderboard"]


def test_a_hit_in_a_timed_turn_cites_its_quote_with_a_time(seed_store):
    timed = [h for h in hits(seed_store, "transformer", limit=100) if h.start is not None]
    assert timed
    for hit in timed:
        # The seeds' turns carry no per-cue times: the quote starts when its turn starts.
        assert hit.quote_start == hit.start
        h, m, s = (int(part) for part in hit.quote_start_hms.split(":"))
        assert h * 3600 + m * 60 + s == int(hit.quote_start)


# --- what search() takes: filters, limits and the messages of a refused request -----------------


def test_the_episode_filter_keeps_that_episodes_turns(seed_store):
    everywhere = hits(seed_store, "model", limit=1000)
    latent = hits(seed_store, "model", episode="latent", limit=1000)
    assert 0 < len(latent) < len(everywhere)
    assert {h.episode_id for h in latent} == {"latent-space-jeremy-howard-answer-ai"}


def test_a_result_names_the_topic_it_searched(seed_store):
    assert search(seed_store, SearchRequest(topic="evaluation", limit=3)).topic == "evaluation"
    assert search(seed_store, SearchRequest(query="model", limit=3)).topic is None


def test_an_unknown_show_lists_the_shows(seed_store):
    with pytest.raises(UsageError) as refused:
        search(seed_store, SearchRequest(query="model", show="nope"))
    assert str(refused.value) == (
        "no show 'nope'; the shows are: 'HockeyStick', 'Humans of AI', 'Latent Space', "
        "'The InfoQ Podcast', '機器學習專家'"
    )


def test_a_query_at_the_limits_is_searched_and_one_past_them_is_refused(seed_store):
    from podkb.limits import MAX_QUERY_CHARS, MAX_QUERY_TERMS

    longest = "leaderboard " + "x" * (MAX_QUERY_CHARS - len("leaderboard "))
    assert search(seed_store, SearchRequest(query=longest, limit=1)).hits == []
    with pytest.raises(UsageError, match=r"10,001 characters long; podkb's limit is 10,000: "):
        search(seed_store, SearchRequest(query=longest + "x"))
    most = " OR ".join(["leaderboard"] * MAX_QUERY_TERMS)
    assert search(seed_store, SearchRequest(query=most, limit=1)).hits
    with pytest.raises(UsageError, match="has 257 terms; podkb's limit is 256: search for its"):
        search(seed_store, SearchRequest(query=most + " OR leaderboard"))


@pytest.mark.parametrize(
    "query, message",
    [
        ("-leaderboard", "a query of only exclusions needs a filter (--speaker, --topic"),
        ("", "give a query, or a filter (--speaker, --topic, --episode or --lang)"),
    ],
)
def test_a_request_without_criteria_says_what_to_add(seed_store, query, message):
    with pytest.raises(UsageError, match=re.escape(message)):
        search(seed_store, SearchRequest(query=query))


def test_highlights_stay_on_the_word_when_one_character_folds_to_two_and_a_mark_to_none():
    from podkb.query import parse_query
    from podkb.search import match_spans

    text = "Straße Ame\u0301lie"  # ß -> ss (+1), a separate accent mark -> nothing (-1)
    spans = match_spans(text, parse_query("amelie").terms())
    assert [text[a:b] for a, b in spans] == ["Ame\u0301lie"]


# --- the context limit: turns around all the hits of one search, counted together --------------


def _context_chars(result) -> list[int]:
    return [sum(len(t.text) for t in (*h.context.before, *h.context.after)) for h in result.hits]


def test_context_up_to_the_limit_is_given_and_one_character_past_it_is_refused(
    seed_db, monkeypatch
):
    from podkb import limits
    from podkb.store import open_store

    request = SearchRequest(query="evaluation", limit=3, context=1)
    with open_store(str(seed_db), create=False) as store:
        each = _context_chars(search(store, request))
        assert len(each) == 3 and all(each)
        # Exactly at the limit, counting every hit's turns together, is allowed...
        monkeypatch.setattr(limits, "MAX_CONTEXT_CHARS", sum(each))
        assert _context_chars(search(store, request)) == each
        # ...one character less is refused, though no single hit's context is over it.
        monkeypatch.setattr(limits, "MAX_CONTEXT_CHARS", sum(each) - 1)
        assert max(each) <= sum(each) - 1
        with pytest.raises(UsageError) as refused:
            search(store, request)
    assert str(refused.value) == (
        f"--context 1 around 3 hits holds more than {sum(each) - 1:,} characters of turns "
        "(podkb's limit for one search): lower --context or --limit"
    )


# --- did-you-mean reads one letter's range of the vocabulary ------------------------------------


def test_the_vocabulary_of_a_letter_is_the_indexed_words_starting_with_it(seed_store):
    from podkb.search import vocabulary

    words = vocabulary(seed_store, starting_with="lead")
    assert "leaderboard" in words and words["leaderboard"] > 0
    assert all(w.startswith("lead") for w in words)
    assert len(vocabulary(seed_store)) > len(vocabulary(seed_store, starting_with="l")) > len(words)


def test_the_vocabulary_holds_no_numbers_and_no_chinese_runs(seed_store):
    from podkb.search import vocabulary

    assert vocabulary(seed_store, starting_with="2") == {}  # 2024, 2023, ... are not words
    # CJK is matched exactly, never fuzzily (the index holds it folded: 機 as 机, in bigrams).
    assert [t.term for t in seed_store.body_terms(starting_with="机")][:1] == ["机器"]
    assert vocabulary(seed_store, starting_with="机") == {}
    every = vocabulary(seed_store)
    assert every and not any(w.isdigit() for w in every)


def test_a_typo_after_a_short_word_is_still_corrected(seed_store):
    from podkb.search import suggest_query

    assert suggest_query(seed_store, parse_query("to leaderbaord")) == "to leaderboard"
    # ...and inside a phrase, where the short word is the same term's first word.
    assert suggest_query(seed_store, parse_query('"an leaderbaord"')) == '"an leaderboard"'
    assert suggest_query(seed_store, parse_query("评估 leaderbaord")) == "评估 leaderboard"


def test_a_typo_in_the_first_letter_is_not_corrected(seed_store):
    from podkb.search import suggest_query

    # Candidates share the typed word's first letter: "keaderboard" looks only among k-words.
    assert suggest_query(seed_store, parse_query("keaderboard")) is None
    assert suggest_query(seed_store, parse_query("leaderbaord")) == "leaderboard"


def test_a_hit_carries_its_turn_as_the_store_holds_it(tmp_path):
    from dataclasses import fields

    from podkb.ingest import ingest_paths
    from podkb.store import Store
    from podkb.store.records import TurnRow

    (tmp_path / "talk.vtt").write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:04.500\n<v Maya Chen>Rain gauges first.\n\n"
        "00:00:05.000 --> 00:00:09.250\n<v Tom>Then the rain gauges again.\n",
        encoding="utf-8",
    )
    with Store(tmp_path / "kb.db") as store:
        assert not ingest_paths([tmp_path / "talk.vtt"], store).failed
        hits = search(store, SearchRequest(query="gauges", limit=0)).hits
        rows = {(r.episode_id, r.turn): r for r in store.iter_turn_rows(with_times=True)}
    assert len(hits) == 2 and {h.end for h in hits} == {4.5, 9.25}
    for hit in hits:
        row = rows[(hit.episode_id, hit.turn)]
        assert {f.name: getattr(hit, f.name) for f in fields(TurnRow)} == {
            f.name: getattr(row, f.name) for f in fields(TurnRow)
        }


@pytest.mark.parametrize(
    "text, width, snippet, shown",
    [
        # As long as the width: the whole turn.
        ("the target is here", 18, "the target is here", [[4, 10]]),
        # A third of the width before the match, then to the word boundaries inside 20
        # characters: the window opens on the match itself, and ends before "rest".
        ("x" * 48 + " abcdefghi target " + "rest " * 10, 30, "…target rest rest…", [[1, 7]]),
        # The match first: nothing cut before it.
        ("target " + "word " * 20, 30, "target word word word word…", [[0, 6]]),
        ("w " * 5 + "target " + "word " * 20, 30, "w w w w w target word word…", [[10, 16]]),
        # No space within 20 characters of a cut: the word is cut there, not further away.
        ("a" * 10 + " " + "b" * 50 + " target c", 30, "…" + "b" * 21 + " target c", [[23, 29]]),
        ("target " + "b" * 60, 30, "target " + "b" * 23 + "…", [[0, 6]]),
    ],
)
def test_a_snippet_is_cut_at_word_boundaries_near_its_match(text, width, snippet, shown):
    assert make_snippet(text, parse_query("target").terms(), width) == (snippet, shown)


@pytest.mark.parametrize(
    "text, query, marked",
    [
        # Another form of the word is marked by its stem; a word that only starts alike is not.
        ("We were happy to see it happen.", "happiness", ["happy"]),
        # Matches that touch or overlap are one mark.
        ("模型训练", "模型 训练", ["模型训练"]),
        ("模型训练", "模型 型训", ["模型训"]),
    ],
)
def test_the_marks_of_a_turn_are_its_matches_joined(text, query, marked):
    from podkb.search import match_spans

    assert [text[s:e] for s, e in match_spans(text, parse_query(query).terms())] == marked
