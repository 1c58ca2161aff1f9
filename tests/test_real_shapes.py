"""Issue 22, part A: text never dropped, and the shapes that came out wrong.

Each file under tests/fixtures/real/shapes/ (see its README) is read through the whole ingest
path: speakers (unknown stays unknown), start times, clean text (no markup, labels, time
marks or residue) and what every source line was used for.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import FIXTURES

from podkb.errors import InputError
from podkb.ingest.pipeline import read_parsed

SHAPES = FIXTURES / "real" / "shapes"


def read(name):
    path = SHAPES / name
    return read_parsed(path.read_bytes(), path=path)


TALK = "Thank you all for coming tonight. I want to start with a story about the first station"
STATEMENT = "Prepared statement of Dr. Alice Jones, Director of the Rural Network Institute."

# file -> [(speaker, start, text or its start), ...]
CASES = {
    "talk_then_questions.txt": [
        (None, None, TALK),
        ("Q", None, "How many stations do you run now?"),
        ("A", None, "Twelve, and all of them report every minute."),
        ("Q", None, "What would you build next?"),
        ("A", None, "A station for every school in the district."),
    ],
    "hearing_prepared_statement.txt": [
        (None, None, STATEMENT),
        ("Senator Smith", None, "Thank you, Dr. Jones. Let me begin with the survey."),
        ("Dr. Jones", None, "Of course, Senator."),
        ("Senator Smith", None, "How were the counties chosen?"),
        ("Dr. Jones", None, "At random, from the census list."),
    ],
    # The transcript kept in the front matter (a site that builds its pages from data):
    # `- line:` entries with `sec`, `time` and `who`, `- header:` entries between them.
    "front_matter_transcript.md": [
        (
            "Maya",
            12.0,
            "Welcome to Field Notes. This week we talk about soil with Tom, who has studied it "
            "for twenty years and who calls it the planet’s quietest engine.",
        ),
        ("Maya", 40.0, "How did you start?"),
        (
            "Tom",
            44.0,
            "On my grandmother's farm. She kept a notebook of every rain, and I still have it.",
        ),
        ("Maya", None, "That is a lovely thing to keep."),
        ("Tom", 3601.0, "Roots are the soil’s plumbing."),
    ],
    "time_then_name_lines.md": [
        ("Maya Chen", 5.0, "Welcome back to Field Notes. Today we talk about soil."),
        (
            "Tom Okafor",
            12.0,
            "Thanks for having me. Soil is alive.\n\nAnd it is more alive than most people think.",
        ),
        ("Maya Chen", 31.0, "How did you start?"),
    ],
    "rev_initials.txt": [
        ("Maya Chen", 5.0, "Welcome back to Field Notes. Today we talk about soil."),
        (
            "Tom Okafor",
            12.0,
            "Thanks for having me. Soil is alive.\n\nAnd it is more alive than most people think.",
        ),
        ("Maya Chen", 31.0, "How did you start?"),
    ],
    "residue_links_contact.md": [
        ("Maya Chen", None, "Welcome back. Today we talk about rivers and floods."),
        ("Tom Okafor", None, "Thanks for having me. Rivers are moving roads."),
        ("Maya Chen", None, "And the floods?"),
        ("Tom Okafor", None, "They are the road taking a detour."),
    ],
    "end_marker_de.txt": [
        ("Maya Chen", None, "Willkommen zurück. Heute sprechen wir über Flüsse."),
        ("Tom Okafor", None, "Danke für die Einladung. Flüsse sind Straßen."),
        ("Maya Chen", None, "Und die Hochwasser?"),
        ("Tom Okafor", None, "Die Straße nimmt einen Umweg."),
    ],
    "segments_integer_ms.json": [
        ("A", 0.0, "Welcome back to the show, today we talk soil."),
        ("B", 4.2, "Thanks for having me here, it is good to be back."),
        ("A", 9.8, "Let us start."),
    ],
    "html_time_marks.html": [
        ("Maya Chen", 0.0, "Welcome back to Field Notes."),
        ("Tom Okafor", 7.0, "Thanks for having me.\n\nAnd it is a pleasure to be here again."),
        ("Maya Chen", 65.0, "So how did it start?"),
    ],
    "captions_inline_labels.srt": [
        ("Bekah", 1.0, "Welcome to the show, everyone."),
        ("Dan Ott", 3.0, "Woohoo!"),
        ("Bekah", 5.0, "Today we talk about lobsters."),
        ("Dan Ott", 5.0, "I love lobsters."),  # mid-cue `Dan:` is Dan Ott
        ("Bekah", 8.0, "Of course you do."),  # after a stray `.` line
        ("Dan Ott", 10.0, "Always have."),
    ],
    "captions_bracket_dash.srt": [
        ("Maya", 1.0, "Welcome back to the show."),
        ("Tom", 3.0, "Thanks for having me."),
        ("Maya", 3.0, "Glad you are here. So, what are we building today?"),
        (None, 8.0, "A weather station."),
        (None, 8.0, "Sounds good."),
    ],
    # Unbracketed times before the label (`00:00:04 Maya Chen: text`), above the paragraph with
    # the name (`00:03 Maya Chen`), and alone before unlabeled text (a transcript panel copied).
    "bare_times_labels.txt": [
        ("Maya Chen", 4.0, "Welcome back to Field Notes."),
        ("Tom Okafor", 11.0, "Thanks for having me."),
        ("Maya Chen", 19.0, "Forty?"),
        ("Tom Okafor", 24.0, "Clay under a thin layer of loam"),
        ("Maya Chen", 33.0, "So the worms"),
        ("Tom Okafor", 37.0, "They do. And at 10:30 in the morning"),
        ("Maya Chen", 45.0, "Let us talk"),
    ],
    "bare_time_name_lines.txt": [
        ("Maya Chen", 3.0, "Welcome back to Field Notes."),
        ("Tom Okafor", 10.0, "Thanks for having me."),
        ("Maya Chen", 18.0, "Forty?"),
        ("Tom Okafor", 23.0, "Clay under a thin layer of loam."),
        ("Maya Chen", 3725.0, "That is all for today."),
    ],
    # Bracketed times before paragraphs with no label anywhere: the times are read all the same.
    "bracketed_times_no_speakers.txt": [
        (None, 0.0, "Welcome back to Field Notes."),
        (None, 14.0, "The first pit showed clay"),
        (None, 31.0, "At 10:30 we moved to the second plot"),
        (None, 52.0, "That is where the worms were."),
        (None, 70.0, "Next week: the third plot"),
    ],
    "youtube_panel_copy.txt": [
        (None, 0.0, "welcome back to field notes today we walk the survey plots with tom who"),
        (None, 9.0, "so what did the first pit show clay under a thin layer of loam"),
    ],
    # Clock times in prose are words, not a transcript's times.
    "prose_clock_times.txt": [
        (None, None, "10:30 is when we met at the gate"),
        (None, None, "Then at 11:45 we left"),
        (None, None, "12:10 lunch was good"),
    ],
}

LEAKS = [
    re.compile(r"\[\d{1,2}:\d{2}|\(\d{1,2}:\d{2}"),  # time marks
    re.compile(r"\*\*|__"),  # bold
    re.compile(r"</?\w+[^>]*>"),  # tags
    re.compile(r"\{%|\{\{"),  # template tags
    re.compile(r"(?i)\bspace \d|https?://|@\w+\.\w+|\(\d{3}\)"),  # pauses, links, contacts
    re.compile(r"(?i)fin de la entrevista|ende des interviews|other links|\[\w+\]"),
]


@pytest.mark.parametrize("name", sorted(CASES))
def test_speakers_times_and_text(name):
    parsed = read(name)
    got = [(t.speaker, t.start, t.text) for t in parsed.turns]
    expected = CASES[name]
    assert len(got) == len(expected), got
    for (speaker, start, text), (want_speaker, want_start, want_text) in zip(
        got, expected, strict=True
    ):
        assert (speaker, start) == (want_speaker, want_start), (text, got)
        assert text.startswith(want_text), (text, want_text)


@pytest.mark.parametrize("name", sorted(CASES))
def test_no_markup_or_residue_in_text(name):
    for turn in read(name).turns:
        for leak in LEAKS:
            assert not leak.search(turn.text), (leak.pattern, turn.text)


@pytest.mark.parametrize("name", sorted(CASES))
def test_nothing_unaccounted(name):
    accounting = read(name).accounting
    assert accounting.unaccounted == []
    assert accounting.loss() is None


LINE_CLASSES = {
    # The prologue is text of the unknown speaker; only the title is metadata.
    "talk_then_questions.txt": {1: "metadata", 3: "text", 5: "text"},
    "hearing_prepared_statement.txt": {1: "metadata", 3: "text", 5: "text", 7: "text"},
    "time_then_name_lines.md": {3: "label", 6: "label", 9: "timing"},
    "rev_initials.txt": {1: "label", 7: "timing"},
    "residue_links_contact.md": {5: "chrome", 15: "metadata", 17: "metadata", 19: "metadata"}
    | {23: "chrome", 24: "chrome", 25: "chrome"},
    "end_marker_de.txt": {9: "metadata", 11: "metadata", 12: "metadata"},
    "captions_inline_labels.srt": {15: "non_speech"},
    "bare_time_name_lines.txt": {1: "label", 2: "text", 13: "label"},
    "youtube_panel_copy.txt": {1: "timing", 2: "text", 7: "text"},
    "bracketed_times_no_speakers.txt": {1: "metadata", 3: "text", 11: "text"},
}


def test_unbracketed_times_keep_each_pieces_start():
    # The panel's times are the pieces' own starts, kept for sentence quotes.
    turns = read("youtube_panel_copy.txt").turns
    assert [start for _, start in turns[0].times] == [0.0, 3.0, 6.0]
    assert [start for _, start in turns[1].times] == [9.0, 12.0]


@pytest.mark.parametrize("name", sorted(LINE_CLASSES))
def test_line_classes(name):
    classes = {u.line: u.cls for u in read(name).accounting.lines}
    assert {n: classes.get(n) for n in LINE_CLASSES[name]} == LINE_CLASSES[name]


def test_integer_times_are_decided_for_the_whole_file_and_reported():
    parsed = read("segments_integer_ms.json")
    assert parsed.time_unit and parsed.time_unit.startswith("milliseconds")
    seconds = json.dumps({"segments": [{"start": 0, "end": 4, "text": "Hello there and welcome."}]})
    raw = read_parsed(seconds.encode(), path=SHAPES / "s.json")
    assert raw.turns[0].end == 4.0 and raw.time_unit and raw.time_unit.startswith("seconds")


@pytest.mark.parametrize(
    "name, looks_like",
    [
        ("bad_unknown_time_ranges.txt", "time-range lines"),
        ("bad_unknown_ass.txt", "ASS/SSA subtitles"),
    ],
)
def test_a_timed_format_no_reader_claims_is_refused_naming_it(name, looks_like):
    with pytest.raises(InputError) as err:
        read(name)
    message = str(err.value)
    assert looks_like in message and name in message and "\n" not in message


@pytest.mark.parametrize("sep", [" ", " | ", " - ", " – "])
def test_a_header_line_of_name_and_time_may_put_a_bar_or_a_dash_between_them(sep):
    text = (
        f"Sarah Chen{sep}00:00:05\nWelcome back to the show.\n\n"
        f"Mark Davis{sep}00:00:09\nThanks for having me.\n\n"
        f"Sarah Chen{sep}00:01:12\nLet us start.\n"
    )
    result = read_parsed(text.encode(), path=Path("header.txt"))
    assert result.format == "otter"
    assert [(t.speaker, t.start, t.text) for t in result.turns] == [
        ("Sarah Chen", 5.0, "Welcome back to the show."),
        ("Mark Davis", 9.0, "Thanks for having me."),
        ("Sarah Chen", 72.0, "Let us start."),
    ]
    assert result.accounting.unaccounted == []


def test_zoom_captions_from_near_zero_keep_their_times_as_starts():
    text = "[Ada Quist] 00:00:02\nHow are you doing?\n\n[Bo Lind] 00:00:04\nWell, thanks.\n"
    result = read_parsed(text.encode(), path=Path("captions.txt"))
    assert [(t.speaker, t.start) for t in result.turns] == [("Ada Quist", 2.0), ("Bo Lind", 4.0)]


def test_a_court_extract_shorter_than_a_page_is_read_as_court_lines():
    # A quoted exchange of twelve numbered lines (a page holds 25): its margin numbers, the
    # page number and the caps labels are read as on a whole page.
    text = (
        "                                                           3\n"
        " 1     CHIEF JUSTICE ROBERTS: We will hear argument this\n"
        " 2     morning in Case 22-100, Smith versus Jones.\n"
        " 3     Mr. Lee.\n"
        " 4     ORAL ARGUMENT OF DAVID LEE\n"
        " 5     ON BEHALF OF THE PETITIONER\n"
        " 6     MR. LEE: Mr. Chief Justice, and may it please the\n"
        " 7     Court: the statute is plain.\n"
        " 8     JUSTICE KAGAN: Counsel, what about the second\n"
        " 9     clause?\n"
        "10     MR. LEE: The second clause only repeats the first,\n"
        "11     Justice Kagan.\n"
        "12     JUSTICE ALITO: I am not sure it does.\n"
    )
    result = read_parsed(text.encode(), path=Path("extract.txt"))
    assert result.format == "court"
    assert [(t.speaker, t.text) for t in result.turns] == [
        (
            "CHIEF JUSTICE ROBERTS",
            "We will hear argument this morning in Case 22-100, Smith versus Jones. Mr. Lee.",
        ),
        ("MR. LEE", "Mr. Chief Justice, and may it please the Court: the statute is plain."),
        ("JUSTICE KAGAN", "Counsel, what about the second clause?"),
        ("MR. LEE", "The second clause only repeats the first, Justice Kagan."),
        ("JUSTICE ALITO", "I am not sure it does."),
    ]
    assert result.accounting.unaccounted == []


def test_a_short_numbered_list_of_prose_is_not_a_court_transcript():
    text = "".join(f"{n} Point number {n} is about models: they matter.\n" for n in range(1, 11))
    assert read_parsed(text.encode(), path=Path("list.txt")).format != "court"


def test_a_transcript_in_the_front_matter_gives_its_headers_as_chapters_and_the_page_title():
    result = read("front_matter_transcript.md")
    assert result.format == "markdown"
    assert result.episode.title == "Soil, Roots and Rain"
    assert [t.chapter for t in result.turns] == [
        None,
        "Tom’s background",
        "Tom’s background",
        "Tom’s background",
        "What a root does",
    ]
    assert [(c.title, c.start) for c in result.episode.chapters] == [
        ("Tom’s background", 40.0),
        ("What a root does", 3601.0),
    ]
