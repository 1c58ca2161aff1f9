"""Text, Markdown, HTML and XML exports as transcript editors and podcast sites write them.

Each file under tests/fixtures/real/text/ (see its README for where each shape comes from) is
read through the whole ingest path: detected from its content, speakers (unknown stays unknown),
start times, clean text (no labels, time marks, markup or front matter left in it), episode
metadata, and what every source line was used for.
"""

from __future__ import annotations

import re

import pytest
from conftest import FIXTURES
from hypothesis import given, settings
from hypothesis import strategies as st

from podkb.errors import InputError
from podkb.ingest.detect import read_transcript
from podkb.ingest.pipeline import parse_file

REAL = FIXTURES / "real" / "text"


def read(name):
    episode, turns, _digest, fmt = parse_file(REAL / name)
    return episode, turns, fmt


def read_raw(name):
    return read_transcript((REAL / name).read_text(encoding="utf-8"), path=name)


# file -> (format, [(speaker, start, text), ...]); text is the whole turn.
CASES = {
    "otter_bold_names.md": (
        "otter",
        [
            (
                "Kelly",
                0.0,
                "Welcome to the show. Today we are talking about networking, and why it matters "
                "for your career.",
            ),
            ("Emma", 89.0, "I mostly network online. It is how I found my last two jobs."),
            (None, 164.0, "yeah, useful."),  # "Unknown Speaker" stays unknown
            ("Ali", 165.0, "Be nice to your coworkers, you are already with them all day."),
            ("Kelly", 670.0, "Let us talk about the good side of networking as well."),
        ],
    ),
    "otter_line_prefix.txt": (
        "otter",
        [
            (
                "Michael Kennedy",
                0.0,
                "Hello, and welcome to the show. This is episode 12, recorded in May.",
            ),
            (None, 10.0, "And I am the co-host."),
            ("Brian Okken", 70.0, "So this is a bit of an easy topic: tips for clean code."),
            ("Brian Okken", 88.0, "Smaller units are easier to keep in your head."),
        ],
    ),
    "rev_speaker_lines.txt": (
        "timestamped",
        [
            (
                "Speaker 1",
                0.0,
                "Welcome back to Field Notes. Today we are talking about small weather stations.",
            ),
            ("Tom Okafor", 7.0, "Thanks for having me. It's good to be here."),
            ("Speaker 1", 12.0, "How did it start?"),
            (
                "Tom Okafor",
                5025.0,
                "With one sensor on a balcony.\n\nIt grew from there. Twelve stations now.",
            ),
        ],
    ),
    "sonix_bracket_labels.txt": (
        "timestamped",
        [
            ("Maya Chen", 0.0, "Welcome back to Field Notes. Today I'm talking with Tom Okafor."),
            ("Tom Okafor", 7.0, "Thanks, Maya. The rule is simple: measure before you guess."),
            ("Maya Chen", 14.0, "How many stations did you build?"),
            ("Tom Okafor", 18.0, "Twelve, and all of them still report every minute."),
            # Not name-shaped, so not a label; a timed paragraph after a finished sentence:
            # nothing says who speaks.
            (None, 30.0, "Somebody in the room: could you repeat that?"),
        ],
    ),
    "descript_bold_labels.md": (
        "timestamped",
        [
            ("Maya Chen", 0.0, "Welcome back to Field Notes."),
            # The sentence runs across a time mark: one turn, the mark kept as a time.
            (
                "Tom Okafor",
                5.0,
                "Thanks for having me. The first station was a kit, and it broke in the first storm.",
            ),
            ("Maya Chen", 15.0, "What did you change?"),
            ("Tom Okafor", 19.0, "Everything. We sealed the box."),
            (None, 24.0, "Then we moved it off the roof."),
            ("Maya Chen", 30.0, "Smart."),
        ],
    ),
    "riverside_label_first.txt": (
        "timestamped",
        [
            ("Maya Chen", 0.0, "Welcome back to Field Notes."),
            ("Tom Okafor", 6.0, "Thanks, Maya. Happy to be here."),
            ("Maya Chen", 62.0, "What would you build next?"),
            ("Tom Okafor", 69.0, "A station for every school."),
        ],
    ),
    "front_matter.md": (
        "markdown",
        [
            ("Maya Chen", None, "Welcome back to Field Notes. Today, weather stations."),
            (
                "Tom Okafor",
                None,
                "Thanks for having me. The rule is simple: measure before you guess.",
            ),
            ("Maya Chen", None, "How many did you build?"),
            ("Tom Okafor", None, "Twelve."),
        ],
    ),
    "markdown_bold_time_headers.md": (
        "markdown",
        [
            ("A", 0.0, "Welcome back. Today we're talking about networking."),
            ("B", 89.0, "I mostly network online. It's how I found my job. And my last one too."),
            ("A", 134.0, "Same here."),
        ],
    ),
    "apple_podcasts.ttml": (
        "ttml",
        [
            ("SPEAKER_1", 0.22, "Welcome back to Field Notes. Today, weather stations."),
            # Two paragraphs of one speaker: one turn.
            ("SPEAKER_2", 6.4, "Thanks for having me. Measure first, always."),
        ],
    ),
    "ttml_named_agents.ttml": (
        "ttml",
        [
            ("王曉明", 1.0, "大家好，歡迎收聽《科技早餐》。"),
            ("李美玲", 4.5, "謝謝邀請。我今天想聊聊播客。"),
            ("王曉明", 13.5, "你覺得原因是什麼？"),
        ],
    ),
    "podlove_simple.xml": (
        "podlove-xml",
        [
            (
                "Maya Chen",
                0.5,
                "Welcome back to Field Notes. Today we talk about weather stations.",
            ),
            ("Tom Okafor", 6.4, "Thanks, Maya. & thanks to everyone who sent questions."),
            (None, 12.0, "Can everyone hear me?"),  # an empty pst:speaker names no one
        ],
    ),
    "html_time_pairs.html": (
        "html-page",
        [
            (
                None,
                0.0,
                "Welcome back to Field Notes. Today I’m talking with Tom Okafor about weather "
                "stations.",
            ),
            (None, 9.0, "Thanks, Maya. The rule is simple: measure before you guess."),
            (None, 124.0, "How many stations did you build? Twelve?"),
        ],
    ),
    "html_otter_page.html": (
        "html-page",
        [
            ("Maya Chen", 0.0, "Welcome back to Field Notes. Today I'm talking with Tom Okafor."),
            ("Tom Okafor", 7.0, "Thanks, Maya. Happy to be here."),
            (None, 11.0, "Can everyone hear me?"),
            (
                "Maya Chen",
                3723.0,
                "One more question before we wrap up: what would you build next?",
            ),
        ],
    ),
}

# Left in turn text, any of these is markup, a time mark, a label or front matter that leaked.
LEAKS = [
    re.compile(r"\[\d{1,2}:\d{2}"),  # time marks
    re.compile(r"\\\["),  # escaped brackets
    re.compile(r"\*\*"),  # bold labels
    re.compile(r"\]\(https?:"),  # Markdown links
    re.compile(r"^\s*(?:title|hosts|guests|published|language)\s*:", re.M),  # front matter
    re.compile(r"(?i)transcribed by"),  # the Otter footer
    re.compile(r"(?i)[\[(](?:music|laughs?|laughter|applause|inaudible|crosstalk)\b"),
    re.compile(r"</?\w+[^>]*>"),  # tags
]


@pytest.mark.parametrize("name", sorted(CASES))
def test_speakers_times_and_text(name):
    fmt, expected = CASES[name]
    _episode, turns, got_fmt = read(name)
    assert got_fmt == fmt
    assert [(t.speaker, t.start, t.text) for t in turns] == expected


@pytest.mark.parametrize("name", sorted(CASES))
def test_no_markup_time_marks_or_front_matter_in_text(name):
    _episode, turns, _fmt = read(name)
    for turn in turns:
        for leak in LEAKS:
            assert not leak.search(turn.text), (turn.line, leak.pattern, turn.text)


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_non_blank_line_is_accounted_for(name):
    """Each line is a turn's text (inside a turn's span) or marked with what it was."""
    raw = read_raw(name)
    lines = (REAL / name).read_text(encoding="utf-8").split("\n")
    spans = [(t.line, t.end_line or t.line) for t in raw.turns]
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        in_turn = any(first <= n <= last for first, last in spans)
        assert in_turn or n in raw.line_classes, (n, line)


LINE_CLASSES = {
    "otter_bold_names.md": {1: "label", 7: "label", 13: "non_speech", 18: "chrome"},
    "otter_line_prefix.txt": {1: "label", 5: "label", 17: "chrome"},
    "rev_speaker_lines.txt": {1: "label", 4: "label", 10: "label"},
    "sonix_bracket_labels.txt": {1: "metadata", 11: "non_speech"},
    "front_matter.md": {1: "metadata", 5: "metadata", 10: "metadata", 12: "metadata"}
    | {18: "non_speech", 20: "metadata"},
    "markdown_bold_time_headers.md": {1: "metadata", 3: "metadata", 4: "metadata", 6: "label"},
    "ttml_named_agents.ttml": {1: "metadata", 7: "metadata", 17: "non_speech", 21: "metadata"},
    "podlove_simple.xml": {2: "metadata", 4: "metadata", 12: "metadata"},
    # The <head>, the navigation, the <h1> and the footer are not speech; `<p>1:59</p>
    # <p>[Music]</p>` holds no text.
    "html_time_pairs.html": {5: "metadata", 9: "metadata", 10: "metadata", 14: "non_speech"}
    | {17: "metadata", 18: "metadata"},
    "html_otter_page.html": {2: "metadata", 4: "label", 10: "label", 12: "chrome"},
}


@pytest.mark.parametrize("name", sorted(LINE_CLASSES))
def test_line_classes(name):
    raw = read_raw(name)
    got = {n: raw.line_classes.get(n) for n in LINE_CLASSES[name]}
    assert got == LINE_CLASSES[name]


def test_turn_spans_cover_their_text_lines():
    raw = read_raw("rev_speaker_lines.txt")
    # Label line, then the text: the last turn's text runs over two lines.
    assert [(t.line, t.end_line) for t in raw.turns] == [(1, 2), (4, 5), (7, 8), (10, 12)]
    raw = read_raw("otter_bold_names.md")
    assert [(t.line, t.end_line) for t in raw.turns] == [(1, 2), (4, 5), (7, 8), (10, 11), (15, 16)]


def test_time_marks_inside_a_turn_become_times_where_they_stood():
    raw = read_raw("sonix_bracket_labels.txt")
    tom = raw.turns[1]
    assert tom.times[0] == (0, 7.0)
    offset, seconds = tom.times[1]
    assert seconds == 10.0 and tom.text[offset:].startswith("measure before you guess")
    raw = read_raw("descript_bold_labels.md")
    offset, seconds = raw.turns[1].times[1]
    assert seconds == 9.0 and raw.turns[1].text[offset:].startswith("and it broke")


def test_front_matter_is_episode_metadata():
    episode, turns, _ = read("front_matter.md")
    assert episode.title == "Field Notes 12: Small Weather Stations"
    assert episode.show == "Field Notes"
    assert episode.hosts == ["Maya Chen"] and episode.guests == ["Tom Okafor"]
    assert episode.date == "2024-05-01"
    assert episode.lang == "en"
    # Speakers the front matter names are the episode's hosts and guests.
    assert {(t.speaker, t.role) for t in turns} == {("Maya Chen", "host"), ("Tom Okafor", "guest")}
    # Headings after the first turn are chapters.
    assert [t.chapter for t in turns] == [None, None, "Building one", "Building one"]


def test_a_metadata_block_above_the_transcript_is_metadata():
    episode, _turns, _ = read("markdown_bold_time_headers.md")
    assert episode.title == "Episode 40: Networking"
    assert episode.date == "May 25, 2020"
    assert episode.guests == ["Tom Okafor"]


@pytest.mark.parametrize(
    "front, reason",
    [
        ("title: [unclosed\n", "invalid YAML front matter"),
        ("title: x\ntitle: y\n", "given twice"),
        ("title: !!python/object/apply:os.system [echo hi]\n", "invalid YAML front matter"),
        ("title: " + "[" * 40 + "]" * 40 + "\n", "nested 40 levels"),
        ("title: " + "x" * (70 * 1024) + "\n", "larger than 64 KiB"),
    ],
)
def test_bad_front_matter_is_one_line_naming_the_file(front, reason):
    text = f"---\n{front}---\n\n**Maya:** Hello.\n\n**Tom:** Hi.\n"
    with pytest.raises(InputError) as err:
        read_transcript(text, path="episode.md")
    assert reason in str(err.value) and str(err.value).startswith("episode.md: ")
    assert "\n" not in str(err.value)


def test_a_rule_on_the_first_line_is_not_front_matter():
    text = "---\nMaya: Hello there.\n---\nTom: Hi.\n\nMaya: Bye.\n"
    raw = read_transcript(text, path="x.txt")
    assert raw.format == "text"
    assert "metadata" not in raw.line_classes.values()


def test_ttml_keeps_sentence_times_and_episode_fields():
    raw = read_raw("apple_podcasts.ttml")
    first, second = raw.turns
    assert first.times == [(0, 0.22), (29, 2.8)]
    assert first.text[29:].startswith("Today, weather stations.")
    assert second.text[second.times[-1][0] :].startswith("Measure first")
    assert (second.start, second.end) == (6.4, 62.48)
    assert raw.source_words == 8 + 4 + 3  # the words of every paragraph
    episode, _turns, _ = read("ttml_named_agents.ttml")
    assert (episode.title, episode.lang) == ("科技早餐 第12集", "zh-Hant")


def test_podlove_items_are_the_turns_timed_pieces():
    raw = read_raw("podlove_simple.xml")
    tom = raw.turns[1]
    assert [t for _, t in tom.times] == [6.4, 9.0]
    assert tom.text[tom.times[1][0] :] == "who sent questions."
    assert (tom.line, tom.end_line, tom.end) == (10, 11, 11.5)


LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE tt [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<tt xmlns="http://www.w3.org/ns/ttml"><body><div><p begin="0s">&b;</p></div></body></tt>"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE tt [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<tt xmlns="http://www.w3.org/ns/ttml"><body><div><p begin="0s">&x;</p></div></body></tt>"""
DEEP = "<tt>" + "<span>" * 200 + "x" + "</span>" * 200 + "</tt>"
BROKEN = '<tt xmlns="http://www.w3.org/ns/ttml">\n<body><p begin="0s">Hello</body></tt>'
PODLOVE_DTD = """<!DOCTYPE x [<!ENTITY e "boom">]>
<pst:transcripts xmlns:pst="http://podlove.org/simple-transcripts"><pst:item>&e;</pst:item></pst:transcripts>"""


@pytest.mark.parametrize(
    "text, reason",
    [
        (LAUGHS, "DTD, entity declarations or external references"),
        (EXTERNAL, "DTD, entity declarations or external references"),
        (DEEP, "nested more than 64 levels"),
        (BROKEN, "line 2: not well-formed XML"),
    ],
)
def test_unsafe_or_broken_xml_is_one_line_naming_the_file(text, reason):
    with pytest.raises(InputError) as err:
        read_transcript(text, path="episode.ttml")
    message = str(err.value)
    assert message.startswith("episode.ttml: ") and reason in message and "\n" not in message


def test_podlove_xml_with_a_dtd_is_refused():
    with pytest.raises(InputError, match="DTD"):
        read_transcript(PODLOVE_DTD, path="episode.xml")


def test_an_html_page_reads_all_its_paragraphs_and_names_the_episode():
    episode, turns, _ = read("html_otter_page.html")
    assert episode.title == "Field Notes 12 (Otter transcript)"
    assert len(turns) == 4 and turns[0].line == 4  # the first paragraph is read too
    raw = read_raw("html_time_pairs.html")
    # Words of the paragraphs that hold speech (not times, markers, navigation or footer).
    assert raw.source_words == sum(len(t.text.split()) for t in raw.turns)


def test_a_marker_paragraph_in_the_podcasting_20_form_is_not_a_turn():
    text = (
        "<cite>Maya:</cite><time>0:00</time><p>Welcome back.</p>\n"
        "<p>[Music]</p>\n"
        "<cite>Tom:</cite><time>0:09</time><p>Thanks (laughs) for having me.</p>\n"
    )
    raw = read_transcript(text, path="episode.html")
    assert [(t.label, t.text) for t in raw.turns] == [
        ("Maya", "Welcome back."),
        ("Tom", "Thanks for having me."),
    ]


# --- any input: a transcript or one line naming the file, never an internal error ----------

FRAGMENTS = [
    "---\n",
    "title: x\n",
    "hosts: [a, b]\n",
    "**Maya Chen:** ",
    "**A** [03:54]\n",
    "\\[00:07\\]",
    "[00:00:23] ",
    "Speaker 1 (00:00):\n",
    "Tom: [00:01] ",
    "Kelly  0:00\n",
    "0:00 ",
    "Unknown Speaker  2:44\n",
    "Transcribed by https://otter.ai\n",
    "[Music]\n",
    "(laughs) ",
    "**Break**\n",
    "1:59\n",
    "<p>",
    "</p>",
    "<br>",
    "<title>T</title>",
    "<html>",
    '<tt xmlns:ttm="m">',
    '<p begin="1.5" ttm:agent="v1">',
    '<span podcasts:unit="word">w</span>',
    '<pst:transcripts xmlns:pst="http://podlove.org/simple-transcripts">',
    '<pst:item start="00:00:01.000">',
    "<!DOCTYPE x [<!ENTITY e 'a'>]>",
    "&e;",
    "Hello there. ",
    "你好。",
    "\n",
    "\n\n",
    "  ",
]


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40))
def test_any_mix_of_these_shapes_reads_or_fails_with_one_line(parts):
    text = "".join(parts)
    try:
        raw = read_transcript(text, path="fuzz.txt")
    except InputError as err:
        assert str(err).startswith("fuzz.txt: ") and "\n" not in str(err)
        return
    if raw.format == "text":
        return  # the web-text reader's own properties are tested elsewhere
    for turn in raw.turns:
        assert turn.text == turn.text.strip() and turn.text
        assert all(0 <= off <= len(turn.text) for off, _ in turn.times)
        assert turn.end_line is None or turn.end_line >= turn.line


def test_the_readme_example_reads_as_the_readme_says(tmp_path):
    readme = (FIXTURES.parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Text, Markdown, HTML and XML exports", 1)[1]
    example = section.split("```text\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "episode.md"
    path.write_text(example, encoding="utf-8")
    episode, turns, _digest, fmt = parse_file(path)
    assert fmt == "markdown"
    assert (episode.title, episode.hosts, episode.guests) == (
        "12: Small Weather Stations",
        ["Maya Chen"],
        ["Tom Okafor"],
    )
    assert [(t.speaker, t.text) for t in turns] == [
        ("Maya Chen", "Welcome back to Field Notes. Today: weather stations.")
    ]
    raw = read_transcript(example, path="episode.md")
    offset, seconds = raw.turns[0].times[0]
    assert seconds == 7.0 and raw.turns[0].text[offset:] == "Today: weather stations."


def test_bold_labels_in_markdown_are_labels_even_when_used_once():
    text = (
        "---\ntitle: x\nhosts: [Maya]\n---\n**Maya:** Welcome back.\n\n"
        "A second paragraph of Maya.\n\nAnd a **third**.\n\n**Tom:** Hi.\n"
    )
    raw = read_transcript(text, path="episode.md")
    assert [(t.label, t.text, t.line, t.end_line) for t in raw.turns] == [
        ("Maya", "Welcome back.\n\nA second paragraph of Maya.\n\nAnd a third.", 5, 9),
        ("Tom", "Hi.", 11, 11),
    ]
