"""The line account's rules (ingest/account.py), one by one: which class a line gets, how words
are counted, and the exact reasons a reading is said to lose text."""

from __future__ import annotations

import pytest

from podkb.ingest.account import (
    MAX_LOST_SHARE,
    MIN_BODY_SHARE,
    account,
    mark_json_lines,
    words_of_texts,
)
from podkb.ingest.raw import LINE_CLASSES, RawTranscript, RawTurn


def _words(n: int, word: str = "word") -> str:
    return " ".join([word] * n)


# --- which class each line gets ------------------------------------------------------------------


def test_a_line_takes_its_mark_else_text_inside_a_turn_else_unaccounted_and_blanks_are_skipped():
    text = "TITLE\n\nMaya:\nhello there\nand more\n\nstray words\n   \n00:01\n"
    raw = RawTranscript(format="t")
    raw.mark(1, "metadata")
    raw.mark(3, "label")
    raw.mark(9, "timing")
    raw.turns.append(RawTurn(text="hello there and more", line=4, end_line=5, label="Maya"))
    uses = account(raw, text).lines
    assert [(u.line, u.cls, u.turn, u.text) for u in uses] == [
        (1, "metadata", None, "TITLE"),
        (3, "label", None, "Maya:"),
        (4, "text", 0, "hello there"),
        (5, "text", 0, "and more"),
        (7, "unaccounted", None, "stray words"),
        (9, "timing", None, "00:01"),
    ]


def test_a_mark_wins_over_the_turn_span_that_covers_its_line_and_names_no_turn():
    raw = RawTranscript(format="t")
    raw.turns.append(RawTurn(text="a b", line=1, end_line=3))
    raw.mark(2, "non_speech")
    uses = account(raw, "a\n[music]\nb").lines
    assert [(u.cls, u.turn) for u in uses] == [("text", 0), ("non_speech", None), ("text", 0)]


def test_the_first_mark_of_a_line_stands():
    raw = RawTranscript(format="t")
    raw.mark(1, "chrome")
    raw.mark(1, "metadata")
    raw.mark_lines(2, 3, "duplicate")
    raw.mark(3, "text")
    assert raw.line_classes == {1: "chrome", 2: "duplicate", 3: "duplicate"}


@pytest.mark.parametrize(
    ("line", "end_line", "owned"),
    [
        (2, None, [2]),  # no end: the turn's own line only
        (2, 4, [2, 3, 4]),
        (3, 1, [3]),  # an end before the start is the start
        (3, 99, [3, 4]),  # an end past the last line stops at the last line
        (0, 1, [1]),  # a line before the first is the first
    ],
)
def test_a_turn_owns_the_lines_of_its_span_clipped_to_the_file(line, end_line, owned):
    raw = RawTranscript(format="t", turns=[RawTurn(text="x", line=line, end_line=end_line)])
    uses = account(raw, "one\ntwo\nthree\nfour").lines
    assert [u.line for u in uses if u.cls == "text"] == owned


def test_counts_name_every_line_class_in_order_zero_when_absent():
    raw = RawTranscript(format="t", turns=[RawTurn(text="hi", line=2)])
    raw.mark(1, "label")
    counts = account(raw, "Maya:\nhi\nlost").counts()
    assert list(counts) == list(LINE_CLASSES)
    assert counts == {
        "text": 1,
        "label": 1,
        "timing": 0,
        "metadata": 0,
        "chrome": 0,
        "duplicate": 0,
        "non_speech": 0,
        "unaccounted": 1,
    }


# --- words ---------------------------------------------------------------------------------------


def test_words_are_counted_per_line_for_the_source_and_per_turn_for_what_is_kept():
    raw = RawTranscript(format="t", turns=[RawTurn(text="one two three", line=2)])
    raw.mark(1, "label")
    acc = account(raw, "Maya says:\none two three\nfour five")
    assert (acc.words_source, acc.words_kept, acc.lost_words) == (7, 3, 2)
    assert [u.text for u in acc.unaccounted] == ["four five"]


def test_a_structured_source_counts_its_speech_fields_and_loses_what_turns_do_not_keep():
    # JSON-like sources say how many words their speech fields hold; lines are not the measure.
    raw = RawTranscript(format="json", source_words=10, turns=[RawTurn(text=_words(6), line=1)])
    acc = account(raw, '{"text": "..."}')
    assert (acc.words_source, acc.words_kept, acc.lost_words) == (10, 6, 4)
    assert (acc.body_words, acc.body_text_words, acc.body_aside) == (0, 0, None)
    assert acc.loss() == "4 of 10 words would not be read into turns"


def test_words_of_texts_counts_words_in_spaced_scripts_and_characters_in_cjk():
    assert words_of_texts(["it's a test", "", "你好世界", "e-mail 42"]) == 3 + 4 + 3


# --- what counts as losing text ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kept", "lost", "reason"),
    [
        (98, 2, None),  # 2 of 100 words: exactly the share allowed
        (97, 3, "3 of 100 words would not be read into turns on 1 line(s), first at line 2"),
        (0, 5, "5 of 5 words would not be read into turns on 1 line(s), first at line 1"),
    ],
)
def test_a_reading_loses_text_when_more_than_the_allowed_share_of_words_is_unaccounted(
    kept, lost, reason
):
    assert MAX_LOST_SHARE == 0.02
    text = "\n".join(filter(None, [_words(kept), _words(lost, "lost")]))
    turns = [RawTurn(text=_words(kept), line=1)] if kept else []
    assert account(RawTranscript(format="t", turns=turns), text).loss() == reason


def test_the_loss_names_how_many_lines_lose_words_and_the_first_of_them():
    text = "kept words here\nlost one\nkept again\nlost two three"
    raw = RawTranscript(
        format="t",
        turns=[RawTurn(text="kept words here", line=1), RawTurn(text="kept again", line=3)],
    )
    assert (
        account(raw, text).loss()
        == "5 of 10 words would not be read into turns on 2 line(s), first at line 2"
    )


def test_a_body_mostly_set_aside_by_marks_is_a_wrong_guess_of_the_shape():
    # Between the first and the last turn, the reader marked most of the words as chrome.
    text = "\n".join(["alpha beta", _words(5, "menu"), _words(5, "menu"), "gamma delta"])
    raw = RawTranscript(
        format="t",
        turns=[RawTurn(text="alpha beta", line=1), RawTurn(text="gamma delta", line=4)],
    )
    raw.mark_lines(2, 3, "chrome")
    acc = account(raw, text)
    assert (acc.body_words, acc.body_text_words, acc.body_aside) == (14, 4, 2)
    assert acc.lost_words == 0
    assert acc.loss() == (
        "only 4 of the 14 words between the first and the last turn were read as text, "
        "first set aside at line 2"
    )


def test_labels_timings_and_repeated_lines_are_not_body_words():
    text = "Maya:\nalpha beta\n00:00:01 --> 00:00:02\nrepeated line of words\ngamma delta"
    raw = RawTranscript(
        format="t",
        turns=[RawTurn(text="alpha beta", line=2), RawTurn(text="gamma delta", line=5)],
    )
    raw.mark(1, "label")
    raw.mark(3, "timing")
    raw.mark(4, "duplicate")
    acc = account(raw, text)
    assert (acc.body_words, acc.body_text_words, acc.body_aside) == (4, 4, None)
    assert acc.loss() is None


def test_half_the_body_read_as_text_is_enough():
    assert MIN_BODY_SHARE == 0.5
    text = "one two\nthree four\nfive six"
    raw = RawTranscript(
        format="t", turns=[RawTurn(text="one two", line=1), RawTurn(text="five six", line=3)]
    )
    raw.mark(2, "chrome")
    acc = account(raw, text)
    # 4 of 6 words read as text: more than half, so the shape stands.
    assert (acc.body_words, acc.body_text_words) == (6, 4)
    assert acc.loss() is None
    raw.turns[1] = RawTurn(text="six", line=3)  # the text kept does not change the body
    assert account(raw, text).loss() is None


def test_words_before_the_first_turn_and_after_the_last_are_not_body_words():
    text = "menu menu menu menu\nalpha beta\nfooter footer footer footer"
    raw = RawTranscript(format="t", turns=[RawTurn(text="alpha beta", line=2)])
    raw.mark(1, "chrome")
    raw.mark(3, "chrome")
    acc = account(raw, text)
    assert (acc.body_words, acc.body_text_words, acc.body_aside) == (2, 2, None)


# --- JSON sources --------------------------------------------------------------------------------

JSON_SOURCE = """{
  "title": "Field Notes",
  "segments": [
    {"speaker": "Maya", "start": 0.0,
     "text": "Welcome back."},
    {"start": 1.5, "end": 2.0},
    {"id": 7, "start": 3.0},
    {"body": "a \\"quoted\\" word"},

    {"escaped \\"key\\"": 1}
  ]
}"""


def test_json_lines_are_speech_labels_timing_or_metadata_by_the_keys_they_hold():
    raw = RawTranscript(format="json")
    mark_json_lines(
        raw,
        JSON_SOURCE,
        speech_keys=frozenset({"text", "body"}),
        label_keys=frozenset({"speaker"}),
        timing_keys=frozenset({"start", "end"}),
    )
    assert raw.line_classes == {
        1: "metadata",  # `{`: no key at all
        2: "metadata",
        3: "metadata",
        4: "label",  # a speaker key beside times is a label line
        # 5 holds speech: left unmarked, for the turn's span to make it text
        6: "timing",  # only times
        7: "metadata",  # times beside another field: a record's metadata
        # 8 holds speech whose value has escaped quotes
        # 9 is blank
        10: "metadata",  # an escaped quote inside a key still reads as one key
        11: "metadata",
        12: "metadata",
    }


def test_json_lines_without_label_or_timing_keys_are_metadata():
    raw = RawTranscript(format="json")
    mark_json_lines(raw, '{"speaker": "Maya",\n"start": 1}', speech_keys=frozenset({"text"}))
    assert raw.line_classes == {1: "metadata", 2: "metadata"}
