"""Captions as real tools write them: YouTube's automatic captions, Teams and Zoom meeting
transcripts, SRT without numbers or with dialogue dashes, and speaker labels in the conventions
of other scripts. Each fixture is listed with its source in tests/fixtures/real/captions/README.md.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from conftest import FIXTURES

from podkb.ingest.detect import read_transcript
from podkb.ingest.pipeline import parse_file, read_parsed

CAPTIONS = FIXTURES / "real" / "captions"

# What no caption text may keep: tags, word times, timing lines, cue settings, entities.
MARKUP_RE = re.compile(r"<[^>]*>|-->|\d+:\d+:\d+[.,]\d+|align:|position:\d|&[a-z]+;|&#\d+;")

# file -> [(speaker, role, start, end, text)], one entry per turn, in order.
CASES = {
    # webvtt-py's youtube-dl sample: `Style:` header, word times, colour classes, a timing line
    # right after cue text, each line shown twice.
    "youtube_webvtt_py.en.vtt": [
        (None, "unknown", 286.07, 305.069, "yeah what this will happen is I'm telling"),
    ],
    # The rolling two-line display with 10 ms hold cues and whitespace-only payload lines.
    "youtube_vtt_to_json.en.vtt": [
        (
            None,
            "unknown",
            0.0,
            13.279,
            "the man who inspired the character Gordon Gekko Asher edelman recently had an "
            "interview with CNBC and he talked about who he believed would be the best candidate "
            "for our economy now this is an interesting endorsement",
        ),
    ],
    # A STYLE block, and `&gt;&gt;` (a new, unnamed speaker) at the start of a rolling line.
    "youtube_ytdlp_rolling.en.vtt": [
        (
            None,
            "unknown",
            0.16,
            5.43,
            "welcome to the show today we're talking about open source models and why they matter",
        ),
        (
            None,
            "unknown",
            5.44,
            10.99,
            "thanks for having me it's great to be here so where do we start",
        ),
    ],
    # Teams: unpadded `0:0:0.210` times, voices, overlapping cues.
    "teams_webvtt_py.vtt": [
        ("Yuri Bakulin", "unknown", 0.0, 0.57, "There you go."),
        ("Adrian Petrescu", "unknown", 0.21, 1.13, "Why hello there, Yuri."),
    ],
    "teams_graph_docs.vtt": [
        ("User Name", "unknown", 0.0, 5.32, "This is a transcript test."),
    ],
    # Teams' cue ids; `0:0:2.90` is 2.090 s (the fraction is unpadded milliseconds).
    "teams_meeting.vtt": [
        (
            "Maya Chen",
            "unknown",
            2.09,
            9.04,
            "Thanks everyone for joining. Let's start with the roadmap. "
            "Dan, do you want to give us the update?",
        ),
        (
            "Dan Ott",
            "unknown",
            8.98,
            15.06,
            "Sure. We shipped the importer last week, and the search changes are in review.",
        ),
        ("Maya Chen", "unknown", 15.2, 62.07, "Great, thank you."),
    ],
    # Zoom: numbered cues, `Name: text`; Priya Raman's label is used once, at the start of a cue,
    # in a file that names its speakers.
    "zoom_meeting.vtt": [
        (
            "Maya Chen",
            "unknown",
            1.14,
            9.33,
            "Okay, we're recording. Welcome back to Field Notes. "
            "Today I'm talking with Dan Ott about building a podcast archive.",
        ),
        ("Dan Ott", "unknown", 10.08, 12.45, "Thanks, Maya. Happy to be here."),
        ("Maya Chen", "unknown", 13.02, 17.76, "So where did the idea come from?"),
        (
            "Dan Ott",
            "unknown",
            18.3,
            24.15,
            "Honestly, from losing an episode. We had the audio, but nobody could find the part "
            "where we talked about licensing.",
        ),
        ("Priya Raman", "unknown", 24.99, 26.01, "Sorry to jump in, is the recording on?"),
        ("Maya Chen", "unknown", 26.4, 27.87, "Yes, it is."),
    ],
    # `Name (host):` / `Name (guest):`, then first names only: one speaker each, roles kept.
    "zoom_webinar_roles.vtt": [
        (
            "Dan Ott",
            "host",
            0.5,
            6.4,
            "Welcome, everyone, to the monthly community call. "
            "Our guest today works on subtitle tooling.",
        ),
        ("Lena Fischer", "guest", 7.1, 10.8, "Thank you. I maintain a caption converter."),
        ("Dan Ott", "host", 11.3, 13.9, "What made you start it?"),
        ("Lena Fischer", "guest", 14.6, 18.3, "I needed to read meeting captions in a script."),
        ("Dan Ott", "host", 19.0, 21.2, "That sounds familiar."),
    ],
    # Two dashed lines in one cue are two people: separate turns, nobody named, and the cue
    # after them is not given to either.
    "srt_dialogue_dashes.srt": [
        (None, "unknown", 169.683, 172.618, "We're live in ten seconds."),
        (None, "unknown", 169.683, 172.618, "Already?"),
        (None, "unknown", 173.62, 175.451, "I thought we had another minute."),
        (None, "unknown", 176.456, 177.684, "Nora?"),
        (None, "unknown", 176.456, 177.684, "Yes?"),
        (None, "unknown", 177.724, 179.851, "Your microphone is still muted!"),
        (None, "unknown", 209.89, 213.724, "All right, Sam."),
        (None, "unknown", 209.89, 213.724, "Live in five... four..."),
    ],
    # Dashes without a space, and names after the dash; `--` is an interrupted sentence.
    "srt_dialogue_dashes_named.srt": [
        (None, "unknown", 1.0, 3.5, "Bonjour à tous."),
        (None, "unknown", 1.0, 3.5, "Bonjour, Claire."),
        ("CLAIRE", "unknown", 4.0, 7.25, "On commence par les nouvelles."),
        (
            "MARC",
            "unknown",
            4.0,
            11.0,
            "Je vous écoute. Il y a eu un incendie cette nuit -- enfin, un petit incendie.",
        ),
    ],
    # No cue numbers, `.` milliseconds, and a timing line straight after cue text.
    "srt_no_numbers_dot_ms.srt": [
        (
            None,
            "unknown",
            6.5,
            17.0,
            "About two months ago I found myself in the comment section of a video and I was "
            "commenting, unfortunately I was commenting.",
        ),
        (None, "unknown", 19.0, 24.0, "So I posted underneath it a long reply."),
        (None, "unknown", 25.0, 31.0, "Nobody answered it."),
    ],
    # Role labels with full-width colons: the label is the speaker, its role the label's.
    "srt_cjk_labels.srt": [
        ("主持人", "host", 1.0, 3.0, "大家好，欢迎收听本期节目。"),
        ("嘉宾", "guest", 3.5, 6.0, "谢谢邀请，很高兴来到这里。"),
        ("主持人", "host", 6.5, 9.0, "我们今天聊聊开源模型。"),
        ("嘉宾", "guest", 9.5, 12.0, "好的，开源模型这几年发展很快。"),
    ],
    # `【名前】` labels, and full-width letters `Ａ：` read as the label A.
    "srt_ja_labels.srt": [
        ("田中", "unknown", 1.0, 3.0, "皆さん、こんにちは。"),
        ("佐藤", "unknown", 3.5, 6.0, "よろしくお願いします。"),
        ("田中", "unknown", 6.5, 9.0, "今日はポッドキャストについて話します。"),
        ("A", "unknown", 9.5, 12.0, "それは面白いですね。"),
        ("B", "unknown", 12.5, 15.0, "はい、そう思います。"),
        ("A", "unknown", 15.5, 18.0, "では始めましょう。"),
    ],
}

# file -> how its non-blank lines that are not text are classed.
LINE_CLASSES = {
    "youtube_webvtt_py.en.vtt": {"metadata": 9, "timing": 4, "duplicate": 3},
    "youtube_vtt_to_json.en.vtt": {"metadata": 9, "timing": 15, "duplicate": 27},
    "youtube_ytdlp_rolling.en.vtt": {"metadata": 6, "timing": 7, "duplicate": 6},
    "teams_webvtt_py.vtt": {"metadata": 1, "timing": 2},
    "teams_graph_docs.vtt": {"metadata": 1, "timing": 1},
    "teams_meeting.vtt": {"metadata": 1, "timing": 10},
    "zoom_meeting.vtt": {"metadata": 1, "timing": 14},
    "zoom_webinar_roles.vtt": {"metadata": 1, "timing": 12},
    "srt_dialogue_dashes.srt": {"timing": 10},
    "srt_dialogue_dashes_named.srt": {"timing": 6},
    "srt_no_numbers_dot_ms.srt": {"timing": 4},
    "srt_cjk_labels.srt": {"timing": 8},
    "srt_ja_labels.srt": {"timing": 12},
}


def _source(name: str) -> str:
    return (CAPTIONS / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(CASES))
def test_speakers_roles_times_and_text(name):
    _episode, turns, _digest, _fmt = parse_file(CAPTIONS / name)
    got = [(t.speaker, t.role, t.start, t.end, t.text) for t in turns]
    assert got == CASES[name]


@pytest.mark.parametrize("name", sorted(CASES))
def test_no_markup_timing_or_repeated_lines_in_the_text(name):
    _episode, turns, _digest, _fmt = parse_file(CAPTIONS / name)
    for turn in turns:
        assert not MARKUP_RE.search(turn.text), turn.text
        assert ">>" not in turn.text
        assert not turn.text.startswith(("-", "–")), turn.text
    # A caption line shown twice on screen is read once: no run of eight words repeats.
    words = " ".join(t.text for t in turns).split()
    runs = Counter(tuple(words[i : i + 8]) for i in range(len(words) - 7))
    assert not [run for run, n in runs.items() if n > 1]


@pytest.mark.parametrize("name", sorted(LINE_CLASSES))
def test_every_line_is_accounted_for(name):
    text = _source(name)
    raw = read_transcript(text, path=name)
    in_turns = set()
    for turn in raw.turns:
        in_turns.update(range(turn.line, (turn.end_line or turn.line) + 1))
    nonblank = [n for n, line in enumerate(text.split("\n"), 1) if line.strip()]
    unaccounted = [n for n in nonblank if n not in raw.line_classes and n not in in_turns]
    assert unaccounted == []
    assert Counter(raw.line_classes.values()) == LINE_CLASSES[name]
    # Marked lines are never also text: every text line is a non-blank line of a turn's span.
    text_lines = [n for n in nonblank if n in in_turns and n not in raw.line_classes]
    assert len(text_lines) + len(raw.line_classes) == len(nonblank)


def test_repeated_youtube_lines_are_marked_duplicate_where_they_stand():
    text = _source("youtube_webvtt_py.en.vtt").split("\n")
    raw = read_transcript("\n".join(text))
    duplicates = sorted(n for n, cls in raw.line_classes.items() if cls == "duplicate")
    # The second `yeah`, the hold cue's repeat of the last line, and its markup-only tail.
    assert [text[n - 1].strip() for n in duplicates] == [
        "yeah",
        "this will<c.colorE5E5E5> happen</c><c.colorCCCCCC> is I'm telling",
        "</c>",
    ]


def test_each_cue_time_is_kept_where_its_text_starts_in_the_turn():
    raw = read_transcript(_source("youtube_vtt_to_json.en.vtt"))
    (turn,) = raw.turns
    # Each new caption line starts at its cue's time (the hold cues add no text, no time).
    assert [(turn.text[offset:].split()[0], at) for offset, at in turn.times] == [
        ("the", 0.0),
        ("character", 1.22),
        ("edelman", 3.11),
        ("interview", 4.64),
        ("talked", 6.43),
        ("would", 7.919),
        ("our", 9.809),
        ("interesting", 12.21),
    ]
    raw = read_transcript(_source("teams_meeting.vtt"))
    first = raw.turns[0]
    assert [(first.text[o:].split()[0], at) for o, at in first.times] == [
        ("Thanks", 2.09),
        ("Dan,", 6.5),
    ]


def test_a_cue_repeated_in_a_file_without_rolling_display_is_speech_said_twice():
    text = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nYeah.\n\n"
        "00:00:02.000 --> 00:00:03.000\nYeah.\n\n"
        "00:00:03.000 --> 00:00:05.000\nThat was the whole plan.\n\n"
        "00:00:05.000 --> 00:00:07.000\nAnd then we changed it.\n"
    )
    raw = read_transcript(text)
    assert [t.text for t in raw.turns] == [
        "Yeah.",
        "Yeah.",
        "That was the whole plan.",
        "And then we changed it.",
    ]
    assert "duplicate" not in raw.line_classes.values()


def test_the_same_words_in_other_voices_are_each_speakers_turn_not_a_rolling_repeat():
    # podkb's own VTT export of "we." said by Maya, then Tom, then Maya: three cues of the same
    # text look like a rolling display unless the voice that says each one is compared too.
    text = (
        "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n<v Maya Chen>we.\n\n"
        "00:00:01.000 --> 00:00:02.000\n<v Tom>we.\n\n"
        "00:00:02.000 --> 00:00:03.000\n<v Maya Chen>we.\n"
    )
    raw = read_transcript(text)
    assert [(t.label, t.text) for t in raw.turns] == [
        ("Maya Chen", "we."),
        ("Tom", "we."),
        ("Maya Chen", "we."),
    ]
    assert "duplicate" not in raw.line_classes.values()


def test_automatic_captions_without_punctuation_are_cut_into_citable_turns():
    cues = []
    for n in range(60):
        line = f"and this is caption line number {n} without any punctuation at all"
        cues.append(
            f"00:{n // 60:02d}:{n % 60:02d}.000 --> 00:{n // 60:02d}:{n % 60:02d}.900\n{line}"
        )
    raw = read_transcript("WEBVTT\n\n" + "\n\n".join(cues) + "\n")
    assert len(raw.turns) > 1
    assert all(len(t.text) < 1100 for t in raw.turns)
    assert " ".join(t.text for t in raw.turns).count("caption line number") == 60


def test_a_first_name_shared_by_two_full_names_stays_as_written():
    text = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nDan Ott: Hello.\n\n"
        "00:00:02.000 --> 00:00:03.000\nDan Lee: Hi.\n\n"
        "00:00:03.000 --> 00:00:04.000\nDan: Which of us?\n\n"
        "00:00:04.000 --> 00:00:05.000\nDan Ott: Good question.\n"
    )
    from podkb.ingest.resolve import first_name_labels

    raw = read_transcript(text)
    assert [t.label for t in raw.turns] == ["Dan Ott", "Dan Lee", "Dan", "Dan Ott"]
    assert first_name_labels([t.label for t in raw.turns if t.label]) == {}


# The same label conventions in plain text: (text, [(speaker, role, text)]).
PLAIN_LABELS = [
    (
        "Dan Ott (host): Welcome to the show.\n\nLena Fischer (guest): Thanks for having me.\n\n"
        "Dan: What do you do?\n\nLena: I write caption tools.\n",
        [
            ("Dan Ott", "host", "Welcome to the show."),
            ("Lena Fischer", "guest", "Thanks for having me."),
            ("Dan Ott", "host", "What do you do?"),
            ("Lena Fischer", "guest", "I write caption tools."),
        ],
    ),
    (
        "【田中】皆さん、こんにちは。\n\n【佐藤】よろしくお願いします。\n\n"
        "【田中】今日はポッドキャストについて話します。\n\n【佐藤】はい。\n",
        [
            ("田中", "unknown", "皆さん、こんにちは。"),
            ("佐藤", "unknown", "よろしくお願いします。"),
            ("田中", "unknown", "今日はポッドキャストについて話します。"),
            ("佐藤", "unknown", "はい。"),
        ],
    ),
    (
        "Ａ：それは面白いですね。\n\nＢ：はい、そう思います。\n\nＡ：では始めましょう。\n\nＢ：はい。\n",
        [
            ("A", "unknown", "それは面白いですね。"),
            ("B", "unknown", "はい、そう思います。"),
            ("A", "unknown", "では始めましょう。"),
            ("B", "unknown", "はい。"),
        ],
    ),
    (
        "主持人：大家好，欢迎收听。\n\n嘉宾：谢谢邀请。\n\n主持人：我们开始吧。\n",
        [
            ("主持人", "host", "大家好，欢迎收听。"),
            ("嘉宾", "guest", "谢谢邀请。"),
            ("主持人", "host", "我们开始吧。"),
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), PLAIN_LABELS)
def test_label_conventions_in_plain_text(tmp_path, text, expected):
    path = tmp_path / "interview.txt"
    path.write_text(text, encoding="utf-8")
    _episode, turns, _digest, fmt = parse_file(path)
    assert fmt == "text"
    assert [(t.speaker, t.role, t.text) for t in turns] == expected


@pytest.mark.parametrize(
    ("name", "lang"),
    [
        ("youtube_webvtt_py.en.vtt", "en"),  # `Language: en` in the header
        ("teams_meeting.vtt", "en"),  # no header: identified from the text
        ("srt_dialogue_dashes_named.srt", "fr"),
        ("srt_cjk_labels.srt", "zh-Hans"),
        ("srt_ja_labels.srt", "ja"),
    ],
)
def test_episode_language(name, lang):
    episode, turns, _digest, _fmt = parse_file(CAPTIONS / name)
    assert episode.lang == lang
    assert {t.lang for t in turns} == {lang}


def test_a_label_used_once_in_a_file_where_every_cue_is_labelled():
    # Zoom's automatic transcripts often end a cue without punctuation: the one-time speaker's
    # label is still a label, since every other cue of the file starts with one.
    text = (
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:03.000\nMaya Chen: so where did the idea come from\n\n"
        "2\n00:00:03.500 --> 00:00:05.000\nDan Ott: honestly from losing an episode\n\n"
        "3\n00:00:05.500 --> 00:00:06.500\nPriya Raman: sorry is the recording on\n\n"
        "4\n00:00:07.000 --> 00:00:08.000\nMaya Chen: yes it is\n\n"
        "5\n00:00:08.500 --> 00:00:09.000\nDan Ott: good\n"
    )
    raw = read_transcript(text)
    assert [(t.label, t.text) for t in raw.turns] == [
        ("Maya Chen", "so where did the idea come from"),
        ("Dan Ott", "honestly from losing an episode"),
        ("Priya Raman", "sorry is the recording on"),
        ("Maya Chen", "yes it is"),
        ("Dan Ott", "good"),
    ]


def test_youtube_captions_converted_to_srt_read_the_same(tmp_path):
    # Converted by webvtt-py as a user's tool would: tags go, the rolling repeats stay.
    import webvtt

    srt = tmp_path / "captions.srt"
    with srt.open("w", encoding="utf-8") as out:
        webvtt.read(str(CAPTIONS / "youtube_vtt_to_json.en.vtt")).write(out, format="srt")
    _episode, from_vtt, _d, _f = parse_file(CAPTIONS / "youtube_vtt_to_json.en.vtt")
    _episode, from_srt, _d, fmt = parse_file(srt)
    assert fmt == "srt"
    assert [(t.text, t.start, t.end) for t in from_srt] == [
        (t.text, t.start, t.end) for t in from_vtt
    ]
    text = srt.read_text(encoding="utf-8")
    raw = read_transcript(text)
    (turn,) = raw.turns
    nonblank = [n for n, line in enumerate(text.split("\n"), 1) if line.strip()]
    text_lines = [n for n in nonblank if n not in raw.line_classes]
    # Eight caption lines carry the text; every other line is a cue number, a timing or a repeat.
    assert len(text_lines) == 8
    assert all(turn.line <= n <= (turn.end_line or turn.line) for n in text_lines)
    assert set(raw.line_classes.values()) == {"timing", "duplicate"}


def test_a_cue_whose_text_stands_after_a_blank_line_keeps_it():
    # Hand-made captions (a section's question under its time): the spec would skip the block
    # after the empty cue, and its words would be lost.
    text = (
        "WEBVTT\n\n"
        "00:00:00.000 --> 00:00:02.000\n\n"
        "Why does soil matter?\n\n"
        "00:00:04.470 --> 00:00:07.720\n"
        "We have walked on it all our lives.\n\n"
        "NOTE a comment stays a comment\n\n"
        "00:00:08.000 --> 00:00:09.000\n"
        "And never looked.\n"
    )
    result = read_parsed(text.encode(), path=Path("captions.vtt"))
    assert [(t.start, t.text) for t in result.turns] == [
        (0.0, "Why does soil matter?"),
        (4.47, "We have walked on it all our lives."),
        (8.0, "And never looked."),
    ]
    assert result.loss is None
