"""Every input format, read from hand-made English and Chinese samples and the Podcasting 2.0
conformance files: format detected from content, speakers, times and text of every turn."""

from __future__ import annotations

import shutil

import pytest
from conftest import FIXTURES

from podkb.errors import InputError
from podkb.ingest.pipeline import parse_file

SAMPLES = FIXTURES / "interchange"
CONFORMANCE = FIXTURES / "conformance"


def read(path):
    episode, turns, _digest, fmt = parse_file(path)
    return episode, turns, fmt


# file -> (format, [(speaker, start, end, text), ...]); text is the whole turn.
CASES = {
    "interview_en.srt": (
        "srt",
        [
            (
                "Maya",
                0.5,
                6.0,
                "Welcome back to Field Notes. Today I'm talking with Tom Okafor about building small weather stations.",
            ),
            # "simple:" inside a sentence and "Paris:" after an unfinished sentence are not labels.
            (
                "Tom",
                6.4,
                15.5,
                "Thanks, Maya. The rule is simple: measure before you guess. Last spring we flew to "
                "Paris: the city was our first test site.",
            ),
            ("Maya", 16.0, 18.25, "How many stations did you build?"),
            ("Tom", 18.3, 21.0, "Twelve, and all of them still report every minute."),
        ],
    ),
    "interview_zh.srt": (
        "srt",
        [
            ("主持人", 1.0, 5.0, "欢迎收听《科技早餐》，今天我们聊聊播客和人工智能。"),
            ("李明", 5.2, 10.4, "谢谢邀请。我做播客已经五年了，最近开始用语音识别整理文字稿。"),
            ("主持人", 10.6, 12.0, "准确率怎么样？"),
            ("李明", 12.1, 15.0, "中文大概百分之九十五。"),
        ],
    ),
    "diarized.srt": (
        "srt",
        [
            ("SPEAKER_00", 0.0, 4.0, "So where does the data come from?"),
            ("SPEAKER_01", 4.5, 9.5, "Mostly from public archives. Some from listeners."),
            ("SPEAKER_00", 10.0, 11.0, "Nice."),
        ],
    ),
    "voices_en.vtt": (
        "vtt",
        [
            # The voice carries over to the next cue; entities decoded, tags and cue settings dropped.
            (
                "Maya",
                0.0,
                6.5,
                "Welcome to Field Notes & Friends, the show about small things <and big ideas>.",
            ),
            ("Tom", 7.0, 9.0, "Glad to be here."),
            ("Maya", 7.0, 9.0, "Let's start."),
            ("Tom", 9.0, 14.0, "Sure. We built twelve stations in three countries."),
        ],
    ),
    "voices_zh.vtt": (
        "vtt",
        [
            ("主持人", 0.0, 4.0, "歡迎收聽《科技早餐》，今天的來賓是王曉明。"),
            ("王曉明", 4.2, 7.0, "謝謝邀請，我很高興來到這裡。"),
            ("主持人", 7.0, 9.0, "我們開始吧。"),
        ],
    ),
    "words_en.json": (
        "podcast-json",
        [
            ("Maya", 0.0, 2.4, "Welcome back to Field Notes. Tom, how are you?"),
            ("Tom Okafor", 2.8, 3.9, "Great, thanks for asking."),
            ("Maya", 4.2, 4.5, "Let's begin."),  # the last word has no endTime ("if available")
        ],
    ),
    "segments_zh.json": (
        "podcast-json",
        [
            ("主持人", 0.0, 4.5, "大家好，欢迎收听科技早餐。"),
            ("李明", 5.0, 8.0, "谢谢，很高兴来到这里。"),
            # Segments without a speaker have none (never the previous one's), joined by sentence.
            (None, 8.5, 10.0, "（笑声）"),
            (None, 10.0, 12.0, "掌声持续。"),
            ("主持人", 12.5, 14.0, "我们开始吧。"),
        ],
    ),
    "otter_en.txt": (
        "otter",
        [
            (
                "Maya Chen",
                0.0,
                None,
                "Welcome back to Field Notes. Today I'm talking with Tom Okafor about weather stations.",
            ),
            ("Tom Okafor", 7.0, None, "Thanks, Maya. Happy to be here."),
            (None, 11.0, None, "Can everyone hear me?"),  # "Unknown Speaker"
            (
                "Maya Chen",
                3723.0,
                None,
                "One more question before we wrap up: what would you build next?",
            ),
        ],
    ),
    "otter_zh.txt": (
        "otter",
        [
            ("主持人", 0.0, None, "欢迎收听科技早餐，今天我们请到了李明。"),
            ("李明", 6.0, None, "谢谢邀请，很高兴来到这里。"),
            ("主持人", 75.0, None, "你最近在做什么项目？"),
        ],
    ),
    "plain_en_colon.txt": (
        "text",
        [
            ("Maya", None, None, "Welcome back to Field Notes. My guest today is Tom Okafor."),
            ("Tom", None, None, "Thanks, Maya. Here is my rule: measure before you guess."),
            ("Maya", None, None, "Where did you start?"),
            (
                "Tom",
                None,
                None,
                "In Lagos. We had one goal: cheap sensors.\n\nAnd they had to survive the rainy season."
                "\n\nLesson learned: always seal the box.",
            ),
            ("Maya", None, None, "Thank you, Tom."),
        ],
    ),
    "plain_en_caps.txt": (
        "text",
        [
            ("MAYA", None, None, "Welcome back to Field Notes."),
            ("TOM", None, None, "Thanks for having me."),
            ("MAYA", None, None, "What are you working on?"),
            ("TOM", None, None, "Weather stations, mostly."),
        ],
    ),
    "plain_en_bold.md": (
        "text",
        [
            ("Maya", None, None, "Welcome back to Field Notes."),
            ("Tom", None, None, "Thanks for having me."),
            ("Maya", None, None, "What are you working on?"),
            ("Tom", None, None, "Weather stations, mostly."),
        ],
    ),
    "plain_en_bracket.txt": (
        "text",
        [
            ("Maya", None, None, "Welcome back to Field Notes."),
            ("Tom", None, None, "Thanks for having me."),
            ("Maya", None, None, "What are you working on?"),
            ("Tom", None, None, "Weather stations, mostly."),
        ],
    ),
    "plain_en_timestamps.txt": (
        "text",
        [
            ("Maya", 5.0, None, "Welcome back to Field Notes."),
            ("Tom", 9.0, None, "Thanks for having me."),
            ("Maya", 62.0, None, "What are you working on?"),
            ("Tom", 3723.0, None, "Weather stations, mostly."),
        ],
    ),
    "plain_zh_hans.txt": (
        "text",
        [
            ("主持人", None, None, "大家好，欢迎收听《科技早餐》。"),
            ("嘉宾", None, None, "谢谢邀请。我今天想聊聊播客：为什么它越来越受欢迎。"),
            ("主持人", None, None, "你觉得原因是什么？"),
            ("嘉宾", None, None, "门槛低，内容深。"),
        ],
    ),
    "plain_zh_hant.txt": (
        "text",
        [
            ("王曉明", None, None, "大家好，歡迎收聽《科技早餐》。"),
            ("李美玲", None, None, "謝謝邀請。我今天想聊聊播客：為什麼它越來越受歡迎。"),
            ("王曉明", None, None, "你覺得原因是什麼？"),
            ("李美玲", None, None, "門檻低，內容深。"),
        ],
    ),
    "transcript_en.html": (
        "html",
        [
            (
                "Maya",
                0.0,
                None,
                "Welcome back to Field Notes & Friends. Today I'm talking with Tom Okafor.",
            ),
            (
                "Tom",
                9.0,
                None,
                "Thanks, Maya. The rule is simple: measure before you guess.\n\nAnd seal the box.",
            ),
            ("Maya", 3723.0, None, "Thank you, Tom."),
        ],
    ),
    "transcript_zh.html": (
        "html",
        [
            ("主持人", 0.0, None, "大家好，歡迎收聽《科技早餐》。"),
            ("王曉明", 5.0, None, "謝謝邀請，我很高興來到這裡。"),
            ("主持人", None, None, "我們開始吧。"),
        ],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_sample(name):
    fmt, expected = CASES[name]
    _episode, turns, got_fmt = read(SAMPLES / name)
    assert got_fmt == fmt
    assert [(t.speaker, t.start, t.end, t.text) for t in turns] == expected
    assert [t.turn for t in turns] == list(range(len(turns)))
    lines = [t.line for t in turns]
    assert lines == sorted(lines) and lines[0] >= 1


@pytest.mark.parametrize("name", sorted(CASES))
def test_format_comes_from_content_not_file_name(tmp_path, name):
    fmt, expected = CASES[name]
    disguised = tmp_path / "transcript.txt"
    shutil.copy(SAMPLES / name, disguised)
    _episode, turns, got_fmt = read(disguised)
    assert got_fmt == fmt
    assert [t.text for t in turns] == [e[3] for e in expected]


def test_labels_are_kept_as_written_and_unknown_speakers_stay_null():
    _e, turns, _f = read(SAMPLES / "diarized.srt")
    assert {(t.speaker, t.speaker_label, t.role) for t in turns} == {
        ("SPEAKER_00", "SPEAKER_00", "unknown"),
        ("SPEAKER_01", "SPEAKER_01", "unknown"),
    }
    _e, turns, _f = read(SAMPLES / "otter_en.txt")
    unknown = turns[2]
    assert (unknown.speaker, unknown.speaker_label, unknown.role) == (None, None, "unknown")


def test_languages_and_titles():
    ep, turns, _ = read(SAMPLES / "voices_zh.vtt")
    assert ep.lang == "zh-Hant" and {t.lang for t in turns} == {"zh-Hant"}
    ep, turns, _ = read(SAMPLES / "interview_zh.srt")
    assert ep.lang == "zh-Hans"
    ep, _, _ = read(SAMPLES / "transcript_en.html")
    assert ep.title == "Field Notes 12: Small Weather Stations"
    ep, _, _ = read(SAMPLES / "otter_en.txt")
    assert ep.title == "Field Notes 12: Small Weather Stations"
    ep, _, _ = read(SAMPLES / "plain_en_bold.md")
    assert ep.title == "Field Notes 12"


@pytest.mark.parametrize(
    "name, starts_with",
    [
        ("interview_en.srt", None),  # the cue's first text line
        ("voices_en.vtt", None),
        ("transcript_en.html", "<cite>"),  # where the speaker is named
        ("otter_en.txt", None),  # the `Name  0:00` line, the text on the next
        ("words_en.json", "{"),  # the turn's first segment
    ],
)
def test_turn_lines_point_at_the_source(name, starts_with):
    path = SAMPLES / name
    source = path.read_text(encoding="utf-8").split("\n")
    _e, turns, _f = read(path)
    for t in turns:
        line = source[t.line - 1].strip()
        if starts_with:
            assert line.startswith(starts_with), (t.line, line)
        first_word = t.text.split()[0].strip(",.")
        assert any(first_word in ln for ln in source[t.line - 1 : t.line + 5]), (t.line, first_word)


# --- the Podcasting 2.0 conformance files -------------------------------------------------------


def test_conformance_srt_speaker_only_on_change_and_sentences_across_cues():
    _e, turns, fmt = read(CONFORMANCE / "transcript-example.srt")
    assert fmt == "srt"
    assert [t.speaker for t in turns] == [
        "Travis",
        "Sarah",
        "Travis",
        "Gilon",
        "Travis",
        "Gilon",
        "Travis",
        "Sarah",
        "Gilon",
        "Travis",
    ]
    assert (turns[0].start, turns[0].end, turns[0].line) == (0.179, 50.34, 3)
    assert turns[0].text.startswith(
        "When you first get started in podcasting, it's almost guaranteed"
    )
    assert (turns[-1].start, turns[-1].end) == (691.49, 754.769)
    assert turns[-1].text.endswith("the next best thing to do is to batch your episodes.")


def test_conformance_srt_and_html_tell_the_same_conversation():
    def words(text):
        return " ".join(text.replace(" ,", ",").split())

    _e, srt_turns, _ = read(CONFORMANCE / "transcript-example.srt")
    _e, html_turns, fmt = read(CONFORMANCE / "transcript-example.html")
    assert fmt == "html"
    assert [t.speaker for t in html_turns] == [t.speaker for t in srt_turns]
    assert [t.start for t in html_turns] == [0, 53, 102, 219, 263, 322, 376, 562, 617, 691]
    # The HTML's <time> is the SRT cue time cut to the second.
    assert [int(t.start) for t in srt_turns] == [t.start for t in html_turns]
    same = sum(words(a.text) == words(b.text) for a, b in zip(srt_turns, html_turns, strict=True))
    assert same >= 8  # two paragraphs differ in the sources themselves (spacing around commas)
    assert html_turns[0].text.startswith(
        "When you first get started in podcasting, it's almost"
    )  # &#39; decoded


def test_conformance_vtt_voices_and_entities():
    _e, turns, fmt = read(CONFORMANCE / "transcript-example.vtt")
    assert fmt == "vtt"
    assert [(t.speaker, t.start, t.end) for t in turns] == [
        ("Sarah", 0.0, 18.63),
        ("Gillian", 19.08, 25.35),
    ]
    assert "Welcome to Podcasting Q&A, where you learn" in turns[0].text
    assert turns[1].text == (
        "Hi Buzzsprout, Gillian here from breaking through careers podcast. My question is, do we need a podcast trailer?"
    )


def test_conformance_json_words_merge_into_turns():
    _e, turns, fmt = read(CONFORMANCE / "transcript-example.json")
    assert fmt == "podcast-json"
    assert [(t.speaker, t.start, t.end, t.text) for t in turns] == [
        ("Darth Vader", 0.5, 2.5, "I am your father."),
        ("Luke", 2.75, 3.0, "Nooooo"),
    ]


def test_conformance_chapters_file_is_not_a_transcript_but_a_sidecar(tmp_path):
    with pytest.raises(InputError, match="chapters file, not a transcript"):
        read(CONFORMANCE / "chapters-example.json")
    shutil.copy(CONFORMANCE / "transcript-example.srt", tmp_path / "ep.srt")
    shutil.copy(CONFORMANCE / "chapters-example.json", tmp_path / "ep.chapters.json")
    ep, turns, _ = read(tmp_path / "ep.srt")
    assert [(c.title, c.start) for c in ep.chapters][:4] == [
        ("Intro", 0.0),
        ("Hearing Aids", 168.0),
        ("Progress Report", 260.0),
        ("Namespace", 410.0),
    ]
    assert len(ep.chapters) == 9
    assert turns[0].chapter == "Intro"
    # A turn never runs across a chapter start: Travis's turn from 102.7 s is cut at 168 s.
    assert [t.chapter for t in turns if t.start is not None and 160 < t.start < 300] == [
        "Hearing Aids",
        "Hearing Aids",
        "Progress Report",
    ]
    assert next(t for t in turns if t.chapter == "Hearing Aids").speaker == "Travis"


# --- metadata: options and sidecars ------------------------------------------------------------


def test_yaml_sidecar_gives_episode_metadata_and_roles():
    ep, turns, _ = read(SAMPLES / "sidecar" / "episode.srt")
    assert (ep.show, ep.title, ep.date) == (
        "Field Notes",
        "12: Small Weather Stations",
        "2024-05-01",
    )
    assert (ep.hosts, ep.guests) == (["Maya Chen"], ["Tom Okafor"])
    assert ep.description == "Tom Okafor on building small weather stations."
    assert [(t.speaker, t.speaker_label, t.role) for t in turns[:2]] == [
        ("Maya Chen", "Maya", "host"),
        ("Tom Okafor", "Tom", "guest"),
    ]
    assert [(c.title, c.start) for c in ep.chapters] == [("Intro", 0.0), ("Sensors", 168.0)]
    assert [t.chapter for t in turns] == ["Intro", "Intro", "Sensors", "Sensors"]


def test_yaml_sidecar_errors_name_file_line_and_field():
    with pytest.raises(InputError) as info:
        read(SAMPLES / "bad_sidecar" / "episode.srt")
    message = str(info.value)
    assert message.startswith(str(SAMPLES / "bad_sidecar" / "episode.yaml") + ": line 3: date: ")
    assert "quote it" in message


def test_yaml_sidecar_rejects_unknown_fields_and_bad_yaml(tmp_path):
    shutil.copy(SAMPLES / "interview_en.srt", tmp_path / "ep.srt")
    (tmp_path / "ep.yaml").write_text("show: Field Notes\nhost: Maya\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"ep\.yaml: line 2: host: Extra inputs are not permitted"):
        read(tmp_path / "ep.srt")
    (tmp_path / "ep.yaml").write_text("show: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"ep\.yaml: line \d+: invalid YAML"):
        read(tmp_path / "ep.srt")


def test_options_win_over_the_sidecar(tmp_path):
    from podkb.ingest import ingest_paths
    from podkb.ingest.sidecar import EpisodeInfo
    from podkb.store import Store

    overrides = EpisodeInfo(show="Other Show", hosts=["Tom Okafor"], guests=["Maya Chen"])
    with Store(tmp_path / "kb.db") as store:
        report = ingest_paths([SAMPLES / "sidecar" / "episode.srt"], store, overrides=overrides)
        assert not report.failed
        ep = store.episode(report.ok[0].episode_id)
        assert (ep.show, ep.title, ep.hosts, ep.guests) == (
            "Other Show",
            "12: Small Weather Stations",
            ["Tom Okafor"],
            ["Maya Chen"],
        )
        roles = {t.speaker: t.role for t in store.turns(episode_id=ep.episode_id)}
        assert roles == {"Maya Chen": "guest", "Tom Okafor": "host"}


def test_title_option_needs_one_file(tmp_path):
    from podkb.errors import UsageError
    from podkb.ingest import ingest_paths
    from podkb.ingest.sidecar import EpisodeInfo
    from podkb.store import Store

    with Store(tmp_path / "kb.db") as store, pytest.raises(UsageError, match="one episode"):
        ingest_paths(
            [SAMPLES / "interview_en.srt", SAMPLES / "diarized.srt"],
            store,
            overrides=EpisodeInfo(title="Same title"),
        )


def test_ingest_cli_options(run_cli, tmp_path):
    db = str(tmp_path / "kb.db")
    code, out, err = run_cli(
        "ingest",
        str(SAMPLES / "interview_en.srt"),
        "--db",
        db,
        "--show",
        "Field Notes",
        "--title",
        "Twelve",
        "--host",
        "Maya",
        "--guest",
        "Tom",
        "--date",
        "2024-05-01",
        "--format",
        "json",
    )
    assert code == 0, err
    code, out, err = run_cli("episodes", "--db", db, "--format", "jsonl")
    assert code == 0, err
    import json

    ep = json.loads(out)
    assert (ep["show"], ep["title"], ep["date"], ep["hosts"], ep["guests"]) == (
        "Field Notes",
        "Twelve",
        "2024-05-01",
        ["Maya"],
        ["Tom"],
    )


# --- bad input: one line naming the file ---------------------------------------------------------


@pytest.mark.parametrize(
    "content, message",
    [
        (
            '{"version": "1.0.0", "segments": [{"speaker": "A", "body": "hi"}]}',
            r"line 1: segments\[0\]\.startTime: Field required",
        ),
        (
            '{"version": "1.0.0",\n "segments": [\n  {"startTime": 0, "body": "hi"},\n  {"startTime": "soon", "body": "x"}]}',
            r"line 4: segments\[1\]\.startTime: ",
        ),
        ('{"version": "1.0.0", "segments": [', r"invalid JSON"),
        ('{"title": "not a transcript"}', r"not a transcript podkb reads"),
        ('{"episode_id": "a", "turn": 0, "text": "x"}\n{"oops"}\n', r"line 2: invalid JSON"),
        (
            '{"episode_id": "a", "turn": 0, "text": "x", "speaker": null}\n',
            r"line 1: speaker_label: Field required",
        ),
    ],
)
def test_bad_json_is_reported_with_its_line(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        read(path)
    assert str(info.value).startswith(str(path) + ": ")
    assert "\n" not in str(info.value)


def test_bad_file_through_the_cli_is_one_line_and_exit_2(run_cli, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"version": "1.0.0", "segments": "none"}', encoding="utf-8")
    code, _out, err = run_cli("ingest", str(path), "--db", str(tmp_path / "kb.db"))
    assert code == 2
    assert "Traceback" not in err and "bad.json" in err and "`segments` must be a list" in err


def test_turn_records_of_several_episodes_without_theirs_are_each_restored(tmp_path):
    """An export of an earlier podkb (no `episode` in its records) holds many episodes."""
    path = tmp_path / "all.jsonl"
    rows = [
        {
            "episode_id": ep,
            "turn": 0,
            "speaker": None,
            "speaker_label": None,
            "role": "unknown",
            "text": "hi",
            "lang": "en",
            "start": None,
            "end": None,
            "chapter": None,
            "source": "x.txt",
            "line": 1,
        }
        for ep in ("a", "b")
    ]
    import json

    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    from podkb.ingest import ingest_paths
    from podkb.store import Store

    with Store(tmp_path / "kb.db") as store:
        [result] = ingest_paths([path], store).ok
        assert result.episode_ids == ["a", "b"]
        assert [(t.episode_id, t.source, t.line) for t in store.turns()] == [
            ("a", "all.jsonl", 1),
            ("b", "all.jsonl", 2),
        ]


def test_folder_walk_skips_chapter_sidecars(tmp_path):
    from podkb.ingest import discover

    shutil.copy(SAMPLES / "sidecar" / "episode.srt", tmp_path / "episode.srt")
    shutil.copy(SAMPLES / "sidecar" / "episode.chapters.json", tmp_path / "episode.chapters.json")
    (tmp_path / "more.jsonl").write_text("", encoding="utf-8")
    assert sorted(p.name for p in discover([tmp_path])) == ["episode.srt", "more.jsonl"]


def test_seed_pages_are_still_read_as_text(seed_db):
    from podkb.store import Store

    with Store(seed_db, create=False) as store:
        formats = {r[0] for r in store.conn.execute("SELECT format FROM episodes")}
    assert formats == {"text"}


def test_ingest_cli_blank_name_is_a_usage_error(run_cli, tmp_path):
    code, _out, err = run_cli(
        "ingest", str(SAMPLES / "diarized.srt"), "--db", str(tmp_path / "kb.db"), "--host", " "
    )
    assert code == 2 and err.strip() == "podkb: --host: names must not be blank"
