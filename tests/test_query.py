"""Query parsing: what a person types -> the query tree (clauses of OR-ed terms), as a table.

Each row is the README's query syntax: words (all must match), "exact phrases", OR between
terms, -exclusions and NOT, prefix*, and input that is no syntax at all.
"""

from __future__ import annotations

import pytest

from podkb.query import Term, make_term, parse_query


def tree(text: str) -> list[tuple[str, list[str]]]:
    """The query as ("+" or "-", [each term as written back: words, * for a prefix, quotes])."""

    def term(t: Term) -> str:
        written = " ".join(t.words) + ("*" if t.prefix else "")
        return f'"{written}"' if t.exact else written

    return [
        ("-" if c.negate else "+", [term(t) for t in c.terms]) for c in parse_query(text).clauses
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("leaderboard", [("+", ["leaderboard"])]),
        ("model cards", [("+", ["model"]), ("+", ["cards"])]),
        ('"model cards"', [("+", ['"model cards"'])]),
        ("Muse OR Offspring", [("+", ["muse", "offspring"])]),
        ("Muse | Offspring", [("+", ["muse", "offspring"])]),
        ("a OR b OR c d", [("+", ["a", "b", "c"]), ("+", ["d"])]),
        ("transformer -book", [("+", ["transformer"]), ("-", ["book"])]),
        ("data -x", [("+", ["data"]), ("-", ["x"])]),
        ('data -"open source"', [("+", ["data"]), ("-", ['"open source"'])]),
        ("transformer NOT book", [("+", ["transformer"]), ("-", ["book"])]),
        ('NOT "a b" a b', [("-", ['"a b"']), ("+", ["a"]), ("+", ["b"])]),
        ("data NOT XboX", [("+", ["data"]), ("-", ["xbox"])]),
        ("a NOT *** NOT b", [("+", ["a"]), ("-", ["b"])]),  # NOT of no word is skipped
        ("leaderb*", [("+", ["leaderb*"])]),
        ("a AND b && c + d", [("+", ["a"]), ("+", ["b"]), ("+", ["c"]), ("+", ["d"])]),
        # OR needs a term before it to join; a dangling one is dropped.
        ("a OR", [("+", ["a"])]),
        ("a OR *** b", [("+", ["a"]), ("+", ["b"])]),
        # An exclusion is never OR-ed into the clause before it.
        ("a OR -b", [("+", ["a"]), ("-", ["b"])]),
        ("pre-training", [("+", ["pre training"])]),
        ("Ｔｈｅ CAFÉ", [("+", ["the"]), ("+", ["cafe"])]),
        # A CJK run stays whole (the backend indexes it as bigrams) and is never a prefix.
        ("人工智能", [("+", ["人工智能"])]),
        ("大模型*", [("+", ["大模型"])]),
        ("", []),
        ("-", []),
        ('""', []),
        ("*", []),
    ],
)
def test_query_syntax(text, expected):
    assert tree(text) == expected


def test_a_query_keeps_what_was_typed():
    assert parse_query("Muse OR Offspring").text == "Muse OR Offspring"
    assert parse_query("").is_empty and not parse_query("x").is_empty


def test_an_exclusion_is_the_term_of_the_word_it_excludes():
    for word in ["book", "pre-training", '"open source"']:
        assert parse_query("-" + word).negative[0].terms == parse_query(word).terms()


def test_terms_are_the_positive_clauses_terms():
    query = parse_query("a OR b -c d")
    assert [t.words for t in query.terms()] == [("a",), ("b",), ("d",)]
    assert [[t.words for t in c.terms] for c in query.negative] == [[("c",)]]


@pytest.mark.parametrize(
    "text, stemmed",
    [
        ("evaluation", "evalu"),
        ("evaluated", "evalu"),
        ('"evaluation"', None),  # quoted: exact, no other forms
        ("evaluat*", None),  # a prefix already matches other forms
        ("model cards", "model"),  # each word is its own term
        ('"model cards"', None),  # a phrase is exact
        ("人工智能", None),  # Chinese is matched as written
    ],
)
def test_a_single_english_word_also_matches_its_stem(text, stemmed):
    assert parse_query(text).terms()[0].stemmed == stemmed


@pytest.mark.parametrize(
    "text, joined",
    [
        ("pre-training", "pretraining"),
        ("state-of-the-art", "stateoftheart"),
        ("pre training", None),  # two terms, nothing was joined
        ('"pre training"', None),
        ("covid-", None),  # a trailing hyphen joins nothing to one word
        ("人工-智能", None),  # CJK runs are matched as bigrams, not joined
    ],
)
def test_the_joined_form_of_a_hyphenated_term(text, joined):
    assert parse_query(text).terms()[0].joined_form() == joined


@pytest.mark.parametrize(
    "keyword", ["evaluat*", "transformer", "pre-training", "LLM*", "大模型*", "SpaceX"]
)
def test_a_taxonomy_keyword_is_the_term_a_query_makes_of_it(keyword):
    """topics.yaml keywords use the query's own syntax for a single word or a prefix."""
    assert make_term(keyword) == parse_query(keyword).terms()[0]


def test_a_taxonomy_keyword_of_several_words_is_one_phrase():
    term = make_term("open source")
    assert term == Term(words=("open", "source"), prefix=False, raw="open source")
    assert make_term("*") is None
