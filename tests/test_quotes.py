"""Quotes: whole sentences around a match, never cut mid-sentence, with the sentence's own time."""

from __future__ import annotations

import pytest

from podkb.quotes import MAX_CHARS, make_quote, sentence_spans


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two! Three? Four", ["One.", "Two!", "Three?", "Four"]),
        (
            "Dr. Smith met Mr. Jones. Then they left.",
            ["Dr. Smith met Mr. Jones.", "Then they left."],
        ),
        (
            "Use a metric, e.g. accuracy. It is simple.",
            ["Use a metric, e.g. accuracy.", "It is simple."],
        ),
        (
            "Models from the U.S. and Europe compete. Fine.",
            ["Models from the U.S. and Europe compete.", "Fine."],
        ),
        (
            "The score went from 3.5 to 4.25 points. Good.",
            ["The score went from 3.5 to 4.25 points.", "Good."],
        ),
        ("I met J. R. Smith there. He agreed.", ["I met J. R. Smith there.", "He agreed."]),
        ("Well... it depends. Yes.", ["Well... it depends.", "Yes."]),
        ('He said "stop." Then he left.', ['He said "stop."', "Then he left."]),
        ("我们做评估。然后看结果！好吗？", ["我们做评估。", "然后看结果！", "好吗？"]),
        (
            "「評価が大事です。」と彼は言った。次に進みます。",
            ["「評価が大事です。」", "と彼は言った。", "次に進みます。"],
        ),
        (
            "First paragraph without a stop\n\nSecond one",
            ["First paragraph without a stop", "Second one"],
        ),
        ("   ", []),
    ],
)
def test_sentence_ends_in_english_chinese_and_japanese(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_quote_is_the_sentence_holding_the_match() -> None:
    text = (
        "We started with a long preamble about the weather and the traffic on the way in. "
        "The key point is that evaluation drives everything we build here. "
        "After that we talked about lunch plans and the weekend for quite some time."
    )
    at = text.index("evaluation")
    quote = make_quote(text, [(at, at + len("evaluation"))])
    assert quote.text == "The key point is that evaluation drives everything we build here."
    s, e = quote.matches[0]
    assert quote.text[s:e] == "evaluation"


def test_short_sentence_takes_the_next_one_along() -> None:
    text = "Evaluation. That is the whole game for us, honestly, in every project. Next topic now."
    quote = make_quote(text, [(0, 10)])
    assert quote.text == "Evaluation. That is the whole game for us, honestly, in every project."


def test_quote_spans_sentences_that_hold_matches_up_to_three() -> None:
    parts = [
        f"Sentence {n} mentions benchmarks in a fairly long way to be quotable." for n in range(6)
    ]
    text = " ".join(parts)
    matches = [(i, i + 10) for i in range(len(text)) if text.startswith("benchmarks", i)]
    quote = make_quote(text, matches, max_chars=1000)
    assert quote.text == " ".join(parts[:3])
    assert len(quote.matches) == 3


def test_quote_never_ends_mid_sentence() -> None:
    text = "Alpha beta gamma evaluation delta. " * 40
    at = text.index("evaluation", 500)
    quote = make_quote(text, [(at, at + 10)])
    assert quote.text.endswith(".")
    assert quote.text[0].isupper()
    assert len(quote.text) <= MAX_CHARS


def test_giant_sentence_is_a_window_marked_with_ellipses() -> None:
    text = "and then " * 200 + "the evaluation harness " + "kept running " * 200 + "."
    at = text.index("evaluation")
    quote = make_quote(text, [(at, at + 10)])
    assert quote.text.startswith("…") and quote.text.endswith("…")
    assert len(quote.text) <= MAX_CHARS + 2
    s, e = quote.matches[0]
    assert quote.text[s:e] == "evaluation"


def test_whitespace_is_collapsed_and_match_offsets_follow() -> None:
    text = "Line one\nwith   spaces and a benchmark here, long enough to stand alone. Other."
    at = text.index("benchmark")
    quote = make_quote(text, [(at, at + 9)])
    assert quote.text == "Line one with spaces and a benchmark here, long enough to stand alone."
    s, e = quote.matches[0]
    assert quote.text[s:e] == "benchmark"


def test_quote_start_is_the_timed_piece_where_the_sentence_starts() -> None:
    text = "Hello there everyone. Welcome back to the show. Today we discuss evaluation in depth."
    second_cue = text.index("back")
    third_cue = text.index("discuss")
    times = [(0, 10.0), (second_cue, 12.5), (third_cue, 15.0)]
    at = text.index("evaluation")
    quote = make_quote(text, [(at, at + 10)], times=times, turn_start=10.0)
    # The sentence "Today we discuss..." starts inside the cue that began at 12.5 s.
    assert quote.text.startswith("Today we discuss evaluation")
    assert quote.start == 12.5


def test_quote_start_without_times_is_the_turn_start() -> None:
    quote = make_quote("Just one sentence about evaluation.", [(24, 34)], turn_start=42.0)
    assert quote.start == 42.0
    assert make_quote("No times at all.", []).start is None


def test_without_matches_the_quote_is_the_opening_sentence() -> None:
    text = "The opening sentence is long enough to stand alone as a quote. The second one follows."
    assert (
        make_quote(text, []).text
        == "The opening sentence is long enough to stand alone as a quote."
    )


def test_sentence_splitting_is_linear_in_the_turn() -> None:
    import time

    # Time grows with the text, not with its square: 8x the text takes well under 8x^2 the time
    # (a generous bound, so that a loaded machine does not fail it).
    def seconds(reps: int) -> float:
        text = "Dr. Who e.g. went there. " * reps
        began = time.perf_counter()
        assert len(sentence_spans(text)) == reps
        return time.perf_counter() - began

    small, large = seconds(2_000), seconds(16_000)
    assert large < max(small, 0.01) * 30


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        # The seeds' Lewis Tunstall: a sentence that began inside reported words.
        (
            'Companies ping us, saying, "Hey, we have a new model coming. What would it take to'
            ' get it evaluated or put on the leaderboard?" So, I think it became a standard.',
            "evaluated",
            "What would it take to get it evaluated or put on the leaderboard?",
        ),
        (
            '"Hey, we have a new model coming to the hub next month for evaluation by everyone.'
            ' What would it take?" they ask.',
            "evaluation",
            "Hey, we have a new model coming to the hub next month for evaluation by everyone.",
        ),
        (
            "He said “we shipped the evaluation harness.” It took a year to build the thing and a"
            " second year to make it fast enough.” Then he left.",
            "build",
            "It took a year to build the thing and a second year to make it fast enough.",
        ),
        # Paired marks stay.
        (
            'She called it "the evaluation problem" and moved on to the next topic of the day.',
            "evaluation",
            'She called it "the evaluation problem" and moved on to the next topic of the day.',
        ),
    ],
)
def test_quote_drops_a_quotation_mark_whose_partner_is_outside_it(
    text: str, word: str, expected: str
) -> None:
    at = text.index(word)
    quote = make_quote(text, [(at, at + len(word))])
    assert quote.text == expected
    start, end = quote.matches[0]
    assert quote.text[start:end] == word
