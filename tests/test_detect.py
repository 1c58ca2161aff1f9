"""Choosing the reader: once, from the content, with the reasons kept; the last resort falls
back to paragraphs when its guess would lose text, and says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from podkb.errors import InputError
from podkb.ingest.context import ReadContext
from podkb.ingest.detect import choose, read
from podkb.ingest.pipeline import read_file_bytes, read_parsed
from podkb.ingest.readers import text_readers

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

VTT = "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Maya>Welcome back to Field Notes.\n"


def test_the_first_reader_in_detection_order_that_recognises_the_text_is_chosen():
    choice = choose(VTT)
    assert choice.reader.name == "vtt"
    assert choice.passed_over == ()
    assert choice.fallback is None
    assert choice.reasons == ("vtt: its sniff accepted the text",)


def test_the_choice_names_the_readers_that_declined_the_text():
    choice = choose("Maya: Welcome back to Field Notes.\n\nTom: Thanks for having me.\n")
    names = [r.name for r in text_readers()]
    assert choice.reader.name == "text"
    assert choice.passed_over == tuple(names[: names.index("text")])
    assert choice.fallback is not None and choice.fallback.name == "paragraphs"
    assert choice.reasons[0].startswith("not vtt, srt, sbv, ")


def test_a_format_no_reader_claims_is_refused_when_choosing():
    ass = "[Script Info]\nTitle: Field Notes\n\n[Events]\nDialogue: 0,0:00:01.00,0:00:04.00,Maya\n"
    with pytest.raises(InputError, match="ASS/SSA subtitles") as raised:
        choose(ass, path="episode.ass")
    assert raised.value.path == "episode.ass"


def test_a_last_resort_guess_that_would_lose_text_is_read_as_paragraphs_and_says_why():
    answers = [
        f"Tom: Answer number {i} goes on for a while about weather stations and rain gauges."
        for i in range(8)
    ]
    doc = "\n\n".join(
        ["Maya: Welcome back to Field Notes.", "Tom: Thanks for having me.", "Share", *answers]
    )
    reading = read(doc, ReadContext())
    assert reading.choice.reader.name == "paragraphs"
    assert reading.choice.instead_of == "text"
    assert reading.choice.because is not None and "words" in reading.choice.because
    assert reading.choice.reasons[-1] == "paragraphs: read instead, keeping the text"
    # The accounting is the fallback's own: every line kept.
    assert reading.accounting.counts()["unaccounted"] == 0
    assert reading.accounting.words_kept == reading.accounting.words_source


def test_an_ingested_file_keeps_the_choice_that_read_it():
    path = SEEDS / "000_084d43b1bddc1ac0.txt"
    parsed = read_parsed(read_file_bytes(path), path=path)
    assert parsed.choice.reader.name == "text" and parsed.choice.instead_of is None
    assert parsed.format == parsed.choice.reader.name
