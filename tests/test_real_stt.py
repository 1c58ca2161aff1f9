"""Files that speech-to-text services and podcast players write (tests/fixtures/real/stt/, see
the README there for each file's source): speakers, times, text and provenance of every turn."""

from __future__ import annotations

import json
import time

import pytest
from conftest import FIXTURES

from podkb.errors import InputError
from podkb.ingest.detect import read_transcript
from podkb.ingest.pipeline import parse_file
from podkb.text import word_count

STT = FIXTURES / "real" / "stt"

# file -> (format, every turn as (speaker label, start, end, text)).
CASES: dict[str, tuple[str, list[tuple[str | None, float | None, float | None, str]]]] = {
    "whisperx_aligned_call_en.json": (
        "stt-segments",
        [
            (None, 3.828, 4.809, "Hey, Manpreet."),
            (None, 5.45, 6.853, "Hi, how are you, Mr. Paul?"),
            (None, 9.396, 10.198, "Are you available now?"),
            (None, 11.359, 12.922, "Yeah, yeah, yeah."),
            (None, 12.942, 13.583, "Thanks for calling back."),
        ],
    ),
    "whisper_call_en.tsv": (
        "whisper-tsv",
        [
            (None, 3.828, 4.809, "Hey, Manpreet."),
            (None, 5.45, 6.853, "Hi, how are you, Mr. Paul?"),
            (None, 9.396, 10.198, "Are you available now?"),
            (None, 11.359, 12.922, "Yeah, yeah, yeah."),
            (None, 12.942, 13.583, "Thanks for calling back."),
            (
                None,
                14.384,
                18.27,
                "Yeah, just give me a second to kind of open up your account again.",
            ),
        ],
    ),
    "whisper_call_fr.tsv": (
        "whisper-tsv",
        [
            (None, 6.578, 28.747, "Bonjour."),
            (None, 28.767, 28.867, "Allô?"),
            (None, 28.887, 31.431, "Bonjour, est-ce que je parle à Denise?"),
            (None, 31.451, 32.832, "Oui, c'est moi-même."),
            (None, 35.396, 36.417, "Oui, ça va bien vous-même."),
            (None, 36.903, 38.044, "Super bien, merci."),
        ],
    ),
    "whisper_openai.json": (
        "stt-segments",
        [
            (None, 0.0, 2.4, "So this is the first segment."),
            (None, 2.4, 6.0, "And here is a second one, said a little later."),
        ],
    ),
    "whisperx_diarized.json": (
        "stt-segments",
        [
            ("SPEAKER_00", 0.031, 2.5, "Welcome to the show."),
            ("SPEAKER_01", 2.6, 4.0, "It's good to be here."),
            # The segment has no speaker; its words do: one word of SPEAKER_00, then SPEAKER_01
            # (the unaligned `2019` has no speaker of its own and stays with the word before).
            ("SPEAKER_00", 4.2, 4.6, "Great."),
            ("SPEAKER_01", 4.8, 7.9, "Since 2019 we have met twice."),
        ],
    ),
    "whisperx_diarized_call_fr.json": (
        "stt-segments",
        [
            ("SPEAKER_02", 6.578, 28.747, "Bonjour."),
            ("SPEAKER_00", 28.767, 31.431, "Allô? Bonjour, est-ce que je parle à Denise?"),
            ("SPEAKER_01", 31.451, 32.832, "Oui, c'est moi-même."),
            (
                "SPEAKER_00",
                32.852,
                35.376,
                "Oui, c'est que si vous voulez jeter l'eau, ça va bien?",
            ),
            ("SPEAKER_01", 35.396, 36.417, "Oui, ça va bien vous-même."),
            ("SPEAKER_00", 36.903, 38.044, "Super bien, merci."),
        ],
    ),
    "whisperx_segments_array.json": (
        "stt-segments",
        [
            ("SPEAKER_00", 0.5, 5.0, "Good evening, this is the late news. Our top story tonight."),
            ("SPEAKER_01", 5.3, 8.1, "Thank you. I'm standing outside city hall."),
            # `[inaudible]` (no speaker either) is not speech: no turn.
        ],
    ),
    "podlove_player_cs309.json": (
        "stt-segments",
        [
            (
                None,
                0.018,
                13.095,
                "Today's show is sponsored by audible go to audible podcast.com / Dan Carlin for a "
                "free audiobook with a 30-day trial membership he is Dan Carlin and this is common "
                "sense.",
            ),
            (
                None,
                14.38,
                25.653,
                "I know many of you want me to talk about the election but I have to be honest "
                "with you like many of you I find the whole thing depressing.",
            ),
            (None, 68.437, 73.859, "he steered toward the iceberg."),
            # The player's line break inside a text is wrapping, not a paragraph.
            (
                None,
                142.136,
                148.783,
                "And then there's the other guy who is who defies description really.",
            ),
            (None, 209.17, 211.451, "And I don't think he's believable."),
        ],
    ),
    "podlove_publisher_voices.json": (
        "stt-segments",
        [
            (
                "Anna Berger",
                1.15,
                6.0,
                "Hallo und willkommen zur neuen Folge. Heute mit einem Gast.",
            ),
            ("Jonas", 6.5, 62.25, "Hallo Anna."),
        ],
    ),
    "speaker_map_segments.json": (
        "stt-segments",
        [
            (
                "Eoin",
                0.0,
                8.0,
                "Today we look at serverless queues, and when a queue is the wrong answer.",
            ),
            ("Luciano", 8.0, 11.5, "Good question. Let's start with SQS."),
            ("spk_2", 11.5, 13.0, "A listener asks about FIFO."),  # not in the map: the id stays
        ],
    ),
    "assemblyai_utterances.json": (
        "assemblyai",
        [
            ("A", 0.24, 3.7, "Welcome back to Field Notes. Today we talk about soil."),
            ("B", 4.81, 7.22, "Thanks for having me. Soil is alive."),
            ("A", 7.93, 10.34, "Tell us what you mean by alive."),
        ],
    ),
    "assemblyai_words_only.json": (
        "assemblyai",
        [
            (None, 1.437, 2.717, "Recording a quick test."),
            (None, 2.757, 4.037, "The weather is fine."),
        ],
    ),
    "deepgram_sdk_nova3_paragraphs.json": (
        "deepgram",
        [
            (None, 5.52, 6.24, "Yep."),
            (None, 6.96, 8.96, "I said it before, and I'll say it again."),
            (None, 10.071, 11.671, "Life moves pretty fast."),
        ],
    ),
    "deepgram_diarized_paragraphs.json": (
        "deepgram",
        [
            (
                "Speaker 0",
                0.08,
                5.0,
                "Hello and welcome to the show. I'm here with my guest today.",
            ),
            ("Speaker 1", 5.2, 7.5, "Thanks, it's great to be here."),
        ],
    ),
    "deepgram_utterances.json": (
        "deepgram",
        [
            (
                "Speaker 0",
                0.08,
                5.0,
                "Hello and welcome to the show. I'm here with my guest today.",
            ),
            ("Speaker 1", 5.2, 7.5, "Thanks, it's great to be here."),
        ],
    ),
    "revai_sdk_transcript.json": (
        "revai",
        [
            (
                "Speaker 0",
                0.3,
                5.76,
                "Hi, my name's Jack resinger. And I'm gonna be talking about how to recruit a "
                "co-founder and a team for your startup.",
            ),
        ],
    ),
    "revai_two_speakers.json": (
        "revai",
        [
            ("Speaker 0", 0.5, 3.6, "So what brought you to podcasting? Tell me."),
            ("Jane Park", 3.9, 5.8, "Honestly, it was an accident."),
            ("Speaker 0", 6.1, 8.0, "A happy one, I hope."),
        ],
    ),
    "aws_transcribe_speaker_labels.json": (
        "aws-transcribe",
        [
            ("spk_0", 0.94, 2.44, "Buenos días. Cómo estás?"),
            ("spk_1", 3.94, 6.24, "Muy bien, gracias. Hace sol hoy."),
        ],
    ),
    "aws_transcribe_item_labels.json": (
        "aws-transcribe",
        [
            ("spk_0", 0.0, 2.7, "Good afternoon. Thanks for coming in today."),
            ("spk_1", 3.6, 6.7, "Happy to be here. Where do we start?"),
        ],
    ),
}

JSON_FILES = sorted(name for name in CASES if name.endswith(".json"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_turn_has_its_speaker_times_and_text(name):
    fmt, expected = CASES[name]
    _episode, turns, _digest, read_as = parse_file(STT / name)
    assert read_as == fmt
    assert [(t.speaker_label, t.start, t.end, t.text) for t in turns] == expected


@pytest.mark.parametrize("name", sorted(CASES))
def test_no_markup_or_json_debris_in_the_text(name):
    _episode, turns, _digest, _fmt = parse_file(STT / name)
    for t in turns:
        assert not any(debris in t.text for debris in ("{", "}", '":', "\\n", "\n", "\t")), t.text
        assert t.text == t.text.strip()


@pytest.mark.parametrize("name", JSON_FILES)
def test_turn_lines_point_at_the_text_they_hold(name):
    source = (STT / name).read_text(encoding="utf-8").split("\n")
    _episode, turns, _digest, _fmt = parse_file(STT / name)
    for t in turns:
        first_word = t.text.split()[0].strip(".,?!")
        assert first_word in source[t.line - 1], (t.line, first_word)


@pytest.mark.parametrize("name", JSON_FILES)
def test_every_line_is_accounted_for(name):
    """A line outside every turn's span is structure (metadata) or a non-speech marker's text;
    none is lost unmarked."""
    text = (STT / name).read_text(encoding="utf-8")
    raw = read_transcript(text, path=str(STT / name))
    spans = [(t.line, t.end_line or t.line) for t in raw.turns]
    for n, line in enumerate(text.split("\n"), start=1):
        if line.strip() and not any(first <= n <= last for first, last in spans):
            expected = "non_speech" if '"[inaudible]"' in line else "metadata"
            assert raw.line_classes.get(n) == expected, (n, line)


def test_source_words_count_the_speech_not_the_duplicate_transcript():
    data = json.loads((STT / "assemblyai_utterances.json").read_text(encoding="utf-8"))
    speech = sum(word_count(u["text"]) for u in data["utterances"])
    raw = read_transcript(json.dumps(data), path="a.json")
    assert raw.source_words == speech == 24  # not 48: the top-level `text` repeats them


def test_cue_times_stay_inside_a_merged_turn():
    text = (STT / "revai_sdk_transcript.json").read_text(encoding="utf-8")
    [turn] = read_transcript(text).turns
    second = turn.text.index("And I'm gonna")
    assert turn.times == [(0, 0.3), (second, 1.66)]  # one per sentence, not one per word


def test_minified_json_turns_are_on_line_one():
    text = (STT / "whisperx_aligned_call_en.json").read_text(encoding="utf-8")
    assert text.count("\n") == 0
    assert {t.line for t in read_transcript(text).turns} == {1}


# --- units come from the format ------------------------------------------------------------------


def test_assemblyai_milliseconds_become_seconds():
    text = json.dumps(
        {
            "id": "x",
            "status": "completed",
            "text": "Hi there.",
            "words": [],
            "utterances": [{"speaker": "A", "start": 1500, "end": 98250, "text": "Hi there."}],
        }
    )
    [turn] = read_transcript(text).turns
    assert (turn.label, turn.start, turn.end) == ("A", 1.5, 98.25)


def test_whisper_seconds_stay_seconds_however_large():
    text = json.dumps({"segments": [{"start": 5000, "end": 5002.5, "text": "Late in a long day."}]})
    [turn] = read_transcript(text).turns
    assert (turn.start, turn.end) == (5000.0, 5002.5)


def test_fields_named_ms_are_milliseconds():
    text = json.dumps([{"start_ms": 1500, "end_ms": 2250, "speaker": "SPEAKER_00", "text": "Hi."}])
    [turn] = read_transcript(text).turns
    assert (turn.start, turn.end) == (1.5, 2.25)


def test_clock_strings_are_read_as_clock_times():
    text = json.dumps([{"start": "01:02:03.500", "end": "01:02:05.000", "text": "Later."}])
    [turn] = read_transcript(text).turns
    assert (turn.start, turn.end) == (3723.5, 3725.0)


# --- detection -----------------------------------------------------------------------------------


def test_chapters_null_does_not_make_a_chapters_file():
    data = json.loads((STT / "assemblyai_utterances.json").read_text(encoding="utf-8"))
    assert data["chapters"] is None and "segments" not in data
    assert read_transcript(json.dumps(data)).format == "assemblyai"


def test_assemblyai_auto_chapters_become_chapters():
    data = json.loads((STT / "assemblyai_utterances.json").read_text(encoding="utf-8"))
    data["chapters"] = [
        {"gist": "Soil", "headline": "Why soil is alive", "start": 240, "end": 10340}
    ]
    raw = read_transcript(json.dumps(data))
    assert [(c.title, c.start) for c in raw.chapters] == [("Why soil is alive", 0.24)]


@pytest.mark.parametrize(
    "data, fmt",
    [
        # AssemblyAI as often saved: utterances and the status fields, no words or text.
        (
            {
                "id": "abc123",
                "status": "completed",
                "audio_duration": 18.7,
                "utterances": [{"speaker": "A", "text": "Hello.", "start": 1200, "end": 3400}],
            },
            "assemblyai",
        ),
        # AWS Transcribe items without `results.transcripts`.
        (
            {
                "results": {
                    "items": [
                        {
                            "type": "pronunciation",
                            "speaker_label": "spk_0",
                            "start_time": "0.10",
                            "end_time": "0.40",
                            "alternatives": [{"content": "hello"}],
                        },
                        {"type": "punctuation", "alternatives": [{"content": "."}]},
                    ]
                }
            },
            "aws-transcribe",
        ),
    ],
)
def test_trimmed_service_files_are_still_recognised(data, fmt):
    raw = read_transcript(json.dumps(data))
    assert raw.format == fmt
    [turn] = raw.turns
    assert turn.text in ("Hello.", "hello.") and turn.label in ("A", "spk_0")
    assert turn.start in (1.2, 0.1)


def test_utterances_without_a_service_key_are_not_taken_for_milliseconds():
    with pytest.raises(InputError, match="not a transcript podkb reads"):
        read_transcript('{"utterances": [{"speaker": "A", "start": 1, "text": "x"}]}')


def test_deepgram_channels_without_speakers_are_the_speakers_in_time_order():
    def channel(*sentences):
        words = [
            {
                "word": w.lower(),
                "punctuated_word": w,
                "start": start + i * 0.3,
                "end": start + i * 0.3 + 0.2,
            }
            for start, text in sentences
            for i, w in enumerate(text.split())
        ]
        return {"alternatives": [{"transcript": " ".join(t for _, t in sentences), "words": words}]}

    data = {
        "metadata": {"channels": 2},
        "results": {
            "channels": [
                channel((0.0, "Hello, support."), (3.0, "Sure.")),
                channel((1.5, "Hi there.")),
            ]
        },
    }
    raw = read_transcript(json.dumps(data))
    assert [(t.label, t.start, t.text) for t in raw.turns] == [
        ("Channel 0", 0.0, "Hello, support."),
        ("Channel 1", 1.5, "Hi there."),
        ("Channel 0", 3.0, "Sure."),
    ]


def test_aws_channel_labels_name_the_speaker_when_there_are_no_speaker_labels():
    items = [
        {
            "type": "pronunciation",
            "start_time": "0.5",
            "end_time": "0.9",
            "alternatives": [{"content": "Hello"}],
        },
        {"type": "punctuation", "alternatives": [{"content": "."}]},
        {
            "type": "pronunciation",
            "start_time": "1.5",
            "end_time": "1.9",
            "alternatives": [{"content": "Hi"}],
        },
    ]
    channels = [
        {"channel_label": "ch_0", "items": [{"start_time": "0.5", "end_time": "0.9"}]},
        {"channel_label": "ch_1", "items": [{"start_time": "1.5", "end_time": "1.9"}]},
    ]
    data = {
        "results": {"transcripts": [], "channel_labels": {"channels": channels}, "items": items}
    }
    raw = read_transcript(json.dumps(data))
    assert [(t.label, t.text) for t in raw.turns] == [("ch_0", "Hello."), ("ch_1", "Hi")]


def test_numeric_speaker_ids_read_alike_whether_numbers_or_strings():
    text = json.dumps(
        [
            {"start": 0, "end": 1, "text": "One.", "speaker": 1},
            {"start": 1, "end": 2, "text": "Two.", "speaker": "2"},
        ]
    )
    assert [t.label for t in read_transcript(text).turns] == ["Speaker 1", "Speaker 2"]


def test_non_speech_markers_are_not_words_of_a_turn():
    text = json.dumps(
        {
            "segments": [
                {"start": 0.0, "end": 4.0, "text": " [Music]"},
                {
                    "start": 4.0,
                    "end": 6.0,
                    "text": " [Music] Welcome back.",
                    "speaker": "SPEAKER_00",
                },
                {
                    "start": 6.0,
                    "end": 8.0,
                    "text": " Good to be here (laughs).",
                    "speaker": "SPEAKER_01",
                },
            ]
        },
        indent=1,
    )
    raw = read_transcript(text)
    assert [(t.label, t.start, t.text) for t in raw.turns] == [
        ("SPEAKER_00", 4.0, "Welcome back."),
        ("SPEAKER_01", 6.0, "Good to be here."),
    ]
    music_line = text.split("\n").index('   "text": " [Music]"') + 1
    assert raw.line_classes[music_line] == "non_speech"
    assert raw.source_words == 6


def test_a_speaker_that_is_not_an_id_is_no_speaker():
    text = json.dumps([{"start": 0, "end": 1, "text": "Hi.", "speaker": {"id": 3}}])
    [turn] = read_transcript(text).turns
    assert turn.label is None


def test_podcasting_20_segments_still_read_as_podcasting_20():
    text = json.dumps(
        {"version": "1.0.0", "segments": [{"speaker": "Ann", "startTime": 0.5, "body": "Hi."}]}
    )
    assert read_transcript(text).format == "podcast-json"


def test_unknown_json_is_refused_naming_what_podkb_reads():
    with pytest.raises(InputError) as info:
        read_transcript('{"results": {"foo": []}}', path="odd.json")
    message = str(info.value)
    assert message.startswith("odd.json: JSON, but not a transcript podkb reads")
    for name in ("Whisper", "AssemblyAI", "Deepgram", "Rev.ai", "AWS Transcribe", "Podlove"):
        assert name in message


@pytest.mark.parametrize(
    "content, message",
    [
        (
            '{"segments": [\n {"start": 0, "text": "a"},\n {"start": "soon", "text": "b"}]}',
            r"line 3: start: not a time: 'soon'",
        ),
        ('[{"start": -1, "end": 2, "text": "x"}]', r"line 1: start: not a time"),
        (
            '{"status": "completed", "words": [],\n "utterances": [{"start": 0, "text": 5}]}',
            r"line 2: utterances\[0\]\.text: text must be a string",
        ),
        ("start\tend\ttext\n0\t1000\tHi.\nsoon\t2000\tHo.\n", r"line 3: expected `start<TAB>end"),
    ],
)
def test_bad_values_are_one_line_naming_file_and_line(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        parse_file(path)
    assert str(info.value).startswith(str(path))


# --- bounded work --------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("indent", [None, 1])
def test_reading_is_linear_in_the_file(indent):
    """10,000 word-level segments, minified and pretty-printed: 10x the input, about 10x the time
    (a generous ceiling: the suite runs on loaded machines)."""

    def whisperx(n):
        segments = [
            {
                "start": i,
                "end": i + 0.9,
                "text": f" Sentence number {i}.",
                "speaker": f"SPEAKER_0{i % 2}",
                "words": [{"word": w, "start": i, "end": i + 0.3, "score": 0.9} for w in "ab"],
            }
            for i in range(n)
        ]
        return json.dumps({"segments": segments, "language": "en"}, indent=indent)

    small, large = whisperx(1_000), whisperx(10_000)
    began = time.perf_counter()
    read_transcript(small)
    small_s = time.perf_counter() - began
    began = time.perf_counter()
    raw = read_transcript(large)
    large_s = time.perf_counter() - began
    assert len(raw.turns) == 10_000
    assert large_s < 30.0
    assert large_s < 10 * 4 * max(small_s, 0.01)  # 10x the input: not 100x the time


def test_the_whole_folder_ingests_through_the_cli(run_cli, tmp_path):
    code, out, err = run_cli("ingest", str(STT), "--db", str(tmp_path / "kb.db"))
    assert code == 0, err
    files = [json.loads(line) for line in out.splitlines()]
    assert len(files) == len(list(STT.iterdir()))  # every file, its README too
    assert [f["path"] for f in files if f["error"] is not None or f["status"] != "ingested"] == []
    assert all(f["turns"] > 0 for f in files)
