"""Transcript formats podkb did not read before round three (issue 22, part B): YouTube SBV,
editors' subtitle lists, Transcriber `.trs`, meeting pages whose labels are video links, court
and hearing transcripts extracted from PDFs, and labels in other scripts.

Each file under tests/fixtures/real/formats/ (see its README for where each one comes from) is
read through the whole ingest path: detected from its content, speakers (unknown stays unknown),
start times, clean text (no timing lines, row marks, clip names, tags, margin numbers, page
furniture or brackets left in it), chapters, and what every source line was used for.
"""

from __future__ import annotations

import re

import pytest
from conftest import FIXTURES

from podkb.errors import InputError
from podkb.ingest.detect import read_transcript
from podkb.ingest.pipeline import parse_bytes, parse_file, read_file_bytes, read_parsed

FORMATS = FIXTURES / "real" / "formats"


def read(name):
    episode, turns, _digest, fmt = parse_file(FORMATS / name)
    return episode, turns, fmt


def source_lines(name):
    return (FORMATS / name).read_text(encoding="utf-8", errors="replace").split("\n")


def line_of(name, needle):
    """The number (1-based) of the first source line containing `needle`."""
    return next(n for n, line in enumerate(source_lines(name), start=1) if needle in line)


# file -> (format, [(speaker, start, text), ...]); text is the whole turn.
CASES = {
    "caption_marks.txt": (
        "speaker-marks",
        [
            (
                None,
                None,
                "Good evening. Tonight, the storm that moved faster than anyone expected.",
            ),
            (
                "JUDY WOODRUFF",
                None,
                (
                    "We begin with the forecast that came an hour late. Small stations on school "
                    "roofs saw it first."
                ),
            ),
            (None, None, "It was raining sideways by six o'clock."),
            (None, None, "And the warning came at seven."),
            ("JUDY WOODRUFF", None, "That's the news for tonight."),
        ],
    ),
    "council_meeting_links.html": (
        "link-labels",
        [
            (
                None,
                None,
                (
                    "This transcript was produced automatically from the meeting video and has not "
                    "been reviewed by the City Clerk."
                ),
            ),
            ("Mayor Lee", 0.549, "Good evening, everyone. I call this meeting to order."),
            ("Clerk Adams", 6.12, "Councilmember Ortiz?"),
            ("Councilmember Ortiz", 8.0, "Here."),
            (
                "Mayor Lee",
                85.0,
                (
                    "We’ll move to public comment. Each speaker has three minutes. Please state your "
                    "name for the record."
                ),
            ),
            (
                "Speaker 1",
                95.3,
                (
                    "Thank you. I live on Pine Street, and the new weather station on the school roof "
                    "has been a great help & a good lesson for the kids."
                ),
            ),
            ("Mayor Lee", 3723.0, "Thank you. We are adjourned."),
        ],
    ),
    "council_meeting_links.md": (
        "link-labels",
        [
            (
                "Chair Kim",
                12.0,
                "The meeting will come to order. Madam Clerk, please call the roll.",
            ),
            ("Clerk", 19.5, "Supervisor Diaz?"),
            (
                "Supervisor Diaz",
                22.0,
                (
                    "Present. Before we begin, I want to thank the staff who put this budget together "
                    "over many late nights."
                ),
            ),
            ("Chair Kim", 125.0, "Thank you, Supervisor. Item one."),
        ],
    ),
    "deposition_qa.txt": (
        "court",
        [
            (
                None,
                None,
                "MARIA LOPEZ, having been first duly sworn, was examined and testified as follows:",
            ),
            ("MR. KLEIN", None, "Good morning. Please state your name for the record."),
            ("MARIA LOPEZ", None, "Maria Lopez."),
            ("MR. KLEIN", None, "Where did you work in May of 2021?"),
            (
                "MARIA LOPEZ",
                None,
                "At the weather station on Pine Street. I ran the sensors there for two years.",
            ),
            ("MS. WARD", None, "Objection. Form."),
            ("THE WITNESS", None, "I can answer that. I ran them until the roof was repaired."),
            ("MR. KLEIN", None, "Who repaired the roof?"),
            (
                "MARIA LOPEZ",
                None,
                "A contractor the board hired. I do not remember the company's name.",
            ),
            ("MR. KLEIN", None, "Let's take a short break."),
            (
                "MR. KLEIN",
                None,
                "Before the break you mentioned a contractor. Did you ever speak with them?",
            ),
            ("MARIA LOPEZ", None, "Once, about the cables."),
            ("MR. KLEIN", None, "Nothing further."),
        ],
    ),
    "ja_fullwidth_letters.txt": (
        "text",
        [
            ("A", None, "今日はよろしくお願いします。"),
            ("B", None, "こちらこそ、よろしくお願いします。"),
            ("A", None, "まず自己紹介をお願いできますか。"),
            ("B", None, "はい。東京でエンジニアをしています。"),
        ],
    ),
    "ja_spaced_asr.txt": (
        "text",
        [
            ("話者1", None, "今日はいい天気ですね。"),
            ("話者2", None, "そうですね、散歩に行きたいです。"),
            ("話者1", None, "午後から雨が降るそうですよ。"),
            ("話者2", None, "じゃあ午前中に行きましょう。"),
        ],
    ),
    "npr_caps_roles.txt": (
        "text",
        [
            (
                "STEVE INSKEEP",
                None,
                "Across the country, schools and volunteers run thousands of small weather stations.",
            ),
            (
                "RACHEL MARTIN",
                None,
                "And some forecasters say they now depend on them. Tom Okafor reports.",
            ),
            (
                "TOM OKAFOR",
                None,
                (
                    "On a school roof in Springfield, a white box the size of a birdhouse measures "
                    "the wind every minute."
                ),
            ),
            ("MAYA CHEN", None, "We put it up with the kids three years ago."),
            ("TOM OKAFOR", None, "Maya Chen teaches science here."),
            ("MAYA CHEN", None, "They check the numbers every morning."),
            ("TOM OKAFOR", None, "Tom Okafor, NPR News, Springfield."),
        ],
    ),
    "resolve_frames_labels.tsv": (
        "edit-list",
        [
            ("Maya Chen", 3600.0, "Welcome back to Field Notes. Today, weather stations."),
            ("Tom Okafor", 3604.4, "Thanks, Maya. Happy to be here."),
            ("Maya Chen", 3609.0, "How did it start?"),
            ("Tom Okafor", 3612.5, "With one sensor on a balcony. It grew from there."),
        ],
    ),
    "resolve_tsv_edl_example.tsv": (
        "edit-list",
        [
            (
                None,
                0.28,
                (
                    "What you're about to hear is part 6 of a six part series on the second world war "
                    "in the Asia Pacific theater."
                ),
            ),
            (
                None,
                9.76,
                "If you have not heard the earlier the segments, please go check those out.",
            ),
            (
                None,
                15.59,
                (
                    "You probably want to hear this in order, but there's a few of you out there who "
                    "don't care about that sort of stuff, in which case well catch up in join us, "
                    "won't you, for part 6 of the light and the airy story that is supernova in the "
                    "east December 17th history."
                ),
            ),
            (None, 41.47, "A date which will live in infamy(声名狼藉), it's hardcore."),
            (None, 46.49, "History."),
            (None, 49.93, "People who are knowledgeable."),
            (
                None,
                52.45,
                (
                    "About the second world war and many people are it's one of those subjects that "
                    "fascinates human beings the world over, understandably sew."
                ),
            ),
            (
                None,
                61.27,
                (
                    "People who are a fishing noodles of the second world war knows that the rhythm "
                    "of the second world war reminds you of an opera."
                ),
            ),
            (
                None,
                69.85,
                (
                    "Or a musical theater production where the end is going to be like the end of the "
                    "world, a Ragnarok, the regatta damn around in the whole last year of the war is "
                    "whipping."
                ),
            ),
            (
                None,
                78.71,
                (
                    "Yourself up like a roller coaster going up hill, waiting for that giant dip "
                    "where you're."
                ),
            ),
            (
                None,
                83.29,
                (
                    "Building up to that horrific the last year, the second world war is the worst "
                    "year of the second world war and the kind of numbers that demonstrate that are, "
                    "for example, casualties, killings, look at the German deaths, for example, in "
                    "January."
                ),
            ),
        ],
    ),
    "resolve_tsv_edl_youtube.tsv": (
        "edit-list",
        [
            (
                None,
                0.03,
                (
                    "Hello and welcome to this entertainment weekly round table for Quentin "
                    "Tarantino's ninth movie once upon a time in Hollywood My name is Clark Collis, "
                    "I'm a senior writer at Entertainment Weekly magazine and it is my huge huge "
                    "pleasure to be joined by writer director Quentin Tarantino and Three of its cast "
                    "Margot Robbie Leonardo DiCaprio and Brad Pitt folks. Thanks so much for coming. "
                    "I really appreciate it so as you may have Tailed by my accent. I'm not from Los "
                    "Angeles But he saw me with my fans and Leah tell us about about your character "
                    "and once upon a time in Hollywood"
                ),
            ),
        ],
    ),
    "scotus_argument_columns.txt": (
        "court",
        [
            (
                "CHIEF JUSTICE ROBERTS",
                None,
                "We'll hear argument next in Case 24-777, Orchard Growers versus Smith. Mr. Smith.",
            ),
            (
                "MR. SMITH",
                None,
                (
                    "Mr. Chief Justice, and may it please the Court: the rule the court of appeals "
                    "adopted would reach every orchard in the valley, and Congress did not write it "
                    "that way."
                ),
            ),
            (
                "JUSTICE SOTOMAYOR",
                None,
                "Mr. Smith, let me stop you there. Which orchard was fined?",
            ),
            ("MR. SMITH", None, "Only one, Justice Sotomayor, and the fine was later withdrawn."),
            ("QUESTION", None, "Was that before the rule was published?"),
            ("MR. SMITH", None, "It was after."),
            ("CHIEF JUSTICE ROBERTS", None, "Thank you, counsel. The case is submitted."),
        ],
    ),
    "scotus_argument_layout.txt": (
        "court",
        [
            (
                "CHIEF JUSTICE ROBERTS",
                None,
                (
                    "We'll hear argument first this morning in Case 24-123, Field Stations versus "
                    "National Weather Board. Ms. Roe."
                ),
            ),
            (
                "MS. ROE",
                None,
                (
                    "Mr. Chief Justice, and may it please the Court: The board read the statute to "
                    "reach every station on a roof. The text says otherwise. It speaks of stations "
                    "that report to the public network, and ours never did."
                ),
            ),
            (
                "JUSTICE KAGAN",
                None,
                (
                    "Counsel, what do you do with the second sentence of the definition? It does not "
                    "say public network at all."
                ),
            ),
            (
                "MS. ROE",
                None,
                (
                    "Justice Kagan, the second sentence refers back to the first. It begins with "
                    '"such," and such a station is one that reports.'
                ),
            ),
            (
                "JUSTICE THOMAS",
                None,
                "Is there any history of enforcement against private stations before 2019?",
            ),
            (
                "MS. ROE",
                None,
                (
                    "None that the board has identified, Justice Thomas. The first letter went out in "
                    "2019, and it went to a school."
                ),
            ),
            ("CHIEF JUSTICE ROBERTS", None, "Thank you, counsel. Mr. Doe."),
            (
                "MR. DOE",
                None,
                (
                    "Mr. Chief Justice, and may it please the Court: the statute covers any station "
                    "that measures the weather for others to see, whether or not it reports to the "
                    "network."
                ),
            ),
            ("CHIEF JUSTICE ROBERTS", None, "Thank you, counsel. The case is submitted."),
        ],
    ),
    "senate_hearing.txt": (
        "court",
        [
            (
                None,
                None,
                (
                    "The Committee met, pursuant to notice, at 9:30 a.m., in Room 216, Hart Senate "
                    "Office Building."
                ),
            ),
            (
                None,
                None,
                (
                    "Good morning. Today the committee looks at weather data and who may collect it. "
                    "We have one witness, and each member will have five minutes."
                ),
            ),
            ("Chairman Price", None, "Dr. Okafor, welcome. Please begin."),
            (
                "Dr. Okafor",
                None,
                (
                    "Thank you, Madam Chair. Small stations fill the gaps between the large ones. "
                    "Without them, a flood warning can come an hour late."
                ),
            ),
            ("Senator Hale", None, "How many such stations are there today?"),
            (
                "Dr. Okafor",
                None,
                "About twelve thousand, most of them run by schools and volunteers.",
            ),
            ("Senator", None, "Are any of them required to report?"),
            ("Dr. Okafor", None, "None are required. Most report anyway."),
            ("Chairman Price", None, "Thank you. The hearing is adjourned."),
        ],
    ),
    "transcriber_labbcat_elan_topics.trs": (
        "transcriber",
        [
            (
                "mop03-2b",
                0.0,
                (
                    "and ah . Cyril would arrive at the door with this letter for Mum sort of words "
                    "you know ? which he was he was beside himself"
                ),
            ),
            ("Interviewer", 44.255, "well inconsolable I imagine"),
            ("Interviewer", 107.804, "yeah --"),
            ("Interviewer", 199.213, "okay -- see if I can figure out what that light was"),
        ],
    ),
    "transcriber_labbcat_interview.trs": (
        "transcriber",
        [
            (
                "mop03-2b",
                0.0,
                (
                    "and ah . Cyril would arrive at the door with this letter for Mum and and then "
                    "there was a message . or whatever you know -"
                ),
            ),
            ("mop03-2b", 23.563, "but then Molly walked in . and immediately I grabbed Molly"),
            ("Interviewer", 44.255, "well inconsolable I imagine"),
            (
                "mop03-2b",
                45.505,
                (
                    "he was you know -- so - the township's quite a long from where we lived in -- "
                    "and ah --"
                ),
            ),
            ("Interviewer", 185.339, "well the funny light hasn't gone on - again"),
            ("Interviewer", 214.822, "yeah yeah yeah -- well that's right"),
            ("mop03-2b", 214.822, "or some and there's nothing much on it or"),
            ("Interviewer", 220.696, "ah yeah just turn left there"),
        ],
    ),
    "transcriber_trs2html_interview.html": (
        "transcriber-html",
        [
            (
                "mop03-2b",
                0.0,
                "and ah . Cyril would arrive at the door with this letter for Mum and and then "
                "there was a message . or whatever you know -",
            ),
            ("mop03-2b", 23.0, "but then Molly walked in . and immediately I grabbed Molly"),
            ("Interviewer", 44.0, "well inconsolable I imagine"),
            (
                "mop03-2b",
                45.0,
                "he was you know -- so - the township's quite a long from where we lived in and "
                "ah --",
            ),
            # The stylesheet renders the first text after each <Sync>: here "again" alone.
            ("Interviewer", 188.0, "again"),
            ("Interviewer", 220.0, "ah yeah just turn left there"),
        ],
    ),
    "transcriber_trs2html_zh.html": (
        "transcriber-html",
        [
            ("王曉明", 7.0, "今天的來賓是李美玲。"),
            ("李美玲", 9.0, "謝謝邀請。"),
            ("王曉明", 16.0, "你覺得原因是什麼？"),
            (None, 22.0, "聽得到嗎？"),  # `<p class="speaker"/>`: a speaker without a name
        ],
    ),
    # A whole programme inside one `<Section type="nontrans">` (as some tools write it): the
    # turns that name a speaker are speech; the music turn without one is not.
    "transcriber_whole_show_untranscribed.trs": (
        "transcriber",
        [
            ("ANE ETXEBERRIA", 3.1, "Good afternoon, everyone. Today we talk about childhood."),
            ("JON ARRIETA", 11.39, "And our guest knows it well."),
        ],
    ),
    # Hyperaudio: every word's data-m (ms); a speaker span opens a paragraph; a paragraph
    # without one goes on with the speaker before it; the page's form and script are not speech.
    "hyperaudio_speakers.html": (
        "hyperaudio",
        [
            ("Maya Chen", 1.2, "Welcome to Field Notes. Soil is alive."),
            ("Tom Okafor", 4.5, "It is, and roots & rain keep it so.\n\nMy grandmother knew that."),
            ("Maya Chen", 9.9, "Tell us more."),
        ],
    ),
    # The same on one line, `<a data-m>` words, no speakers: each paragraph its own turn.
    "hyperaudio_one_line.html": (
        "hyperaudio",
        [
            (
                None,
                0.0,
                "Hi there and welcome back to the show where we talk about gardens every",
            ),
            (
                None,
                4.9,
                "week. Today it is about compost and worms and the slow work of leaves.",
            ),
        ],
    ),
    "transcriber_zh_topics.trs": (
        "transcriber",
        [
            ("王曉明", 4.2, "大家好，歡迎收聽《科技早餐》。今天的來賓是李美玲。"),
            ("李美玲", 9.8, "謝謝邀請。我今天想聊聊播客。"),
            ("王曉明", 16.2, "你覺得原因是什麼？"),
            ("spk3", 22.0, "聽得到嗎？"),
        ],
    ),
    "youtube_cap2srt.sbv": (
        "sbv",
        [
            (
                None,
                1.5,
                (
                    "Hello, this is a test caption This is a multiline caption that spans two lines "
                    "And here is another caption with timing information for testing purposes"
                ),
            ),
        ],
    ),
    "youtube_deepl4subtitle.ja.sbv": (
        "sbv",
        [
            (None, 1.34, "クラウドコンピューティングという言葉を知っているだろうか."),
            (
                None,
                4.78,
                "クラウドコンピューティングとはインターネットの先にあるデータセンターのサーバーに処理してもらうシステム形態を指す言葉である.",
            ),
            (
                None,
                12.42,
                (
                    "ユーザーが何らかの作業を行う時に自分の目の前にあるパソコンや会社のネットワーク上にあるサーバーではなくインターネット上のサーバーを利用して処理を行うわけである. "
                    "企業の業務アプリケーションから個人向けのものまでクラウドコンピューティングと呼ばれるサービスは多数登場してきている. "
                    "最近ではワープロや表計算といったパソコン上で使うのが当たり前だったオフィスアプリケーションも出てきている."
                ),
            ),
        ],
    ),
    "youtube_labels.sbv": (
        "sbv",
        [
            (None, 0.0, "Welcome back to Field Notes. Today, weather stations."),
            ("Maya Chen", 3.2, "I'm here with Tom Okafor."),
            ("Tom Okafor", 6.0, "Thanks, Maya. Happy to be here."),
            ("Maya Chen", 12.0, "How did it start?"),
            ("Tom Okafor", 15.0, "With one sensor on a balcony."),
            (None, 65.0, "Can everyone hear me?"),
        ],
    ),
    "zh_fullwidth_initials.txt": (
        "text",
        [
            ("Shaun Apps", None, "大家好，欢迎收听本期节目。今天我们请到了李明。"),
            ("李明", None, "谢谢邀请，很高兴来到这里。"),
            ("Shaun Apps", None, "你最早是怎么接触开源的？"),
            ("李明", None, "大学的时候，我给一个小项目提交了第一个补丁。"),
            ("Shaun Apps", None, "后来呢？"),
            ("李明", None, "后来就一直做下去了。"),
        ],
    ),
    "zh_spaced_asr.srt": (
        "srt",
        [
            ("主持人", 0.0, "大家好，欢迎收听科技早餐。今天我们聊聊人工智能。"),
            ("嘉宾", 6.0, "谢谢邀请，我用 Python 写了十年代码。"),
            ("主持人", 9.5, "十年！真不容易。"),
        ],
    ),
}

# Left in turn text, any of these is a timing line, a row mark, a clip name, a tag, page
# furniture, a margin number or a label's brackets that leaked.
LEAKS = [
    re.compile(r"\d:\d{2}:\d{2}[.,:]\d"),  # SBV / SRT / editor timecodes
    re.compile(r"\bEDL\b|^xxx\b|\| ?[\w.:/?=-]+ ?\|"),  # row marks and clip names
    re.compile(r"(?i)\[\s*space\s+\d"),  # tsv_edl pauses
    re.compile(r"</?\w+[^>]*>|&[a-z]+;|&#\d+;"),  # tags and entities
    re.compile(r"<\s*\w+\s*>"),  # Transcriber backchannels (`<mmm>`)
    re.compile(
        r"(?i)official - subject to final review|reporting (?:company|corporation|services)"
    ),
    re.compile(r"(?i)for-depo|\(\d{3}\) \d{3}-\d{4}|www\."),
    re.compile(r"(?:^|\s)(?:[1-9]|1\d|2[0-5])\s{2,}"),  # a margin line number inside the text
    re.compile(r"(?i)\((?:laughter|whereupon)"),  # the reporter's parentheticals
    re.compile(r"\[\w[^\]]*\]\(|^\\?\["),  # link labels' brackets
    re.compile(r"（[A-Z]{1,4}）|>>|t=\d"),  # introduced initials, speaker marks, link times
    re.compile(r"[\u4e00-\u9fff\u3040-\u30ff] [\u4e00-\u9fff\u3040-\u30ff]"),  # ASR spaces
    re.compile("[\u25b6\u25ba]|playAt"),  # Transcriber HTML's play buttons
]


@pytest.mark.parametrize("name", sorted(CASES))
def test_speakers_times_and_text(name):
    fmt, expected = CASES[name]
    _episode, turns, got_fmt = read(name)
    assert got_fmt == fmt
    assert [(t.speaker, t.start, t.text) for t in turns] == expected


@pytest.mark.parametrize("name", sorted(CASES))
def test_no_markup_timing_or_page_furniture_in_text(name):
    _episode, turns, _fmt = read(name)
    for turn in turns:
        for leak in LEAKS:
            assert not leak.search(turn.text), (turn.line, leak.pattern, turn.text)


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_non_blank_line_is_accounted_for(name):
    """No line is unaccounted (text lost), and the file is read without a loss to report."""
    parsed = read_parsed(read_file_bytes(FORMATS / name), path=FORMATS / name)
    assert parsed.loss is None
    assert parsed.accounting.unaccounted == []


# file -> [(a piece of the source line, its class)]: the first line containing the piece.
LINE_CLASSES = {
    "youtube_labels.sbv": [
        ("0:00:00.000,0:00:03.200", "timing"),
        (">> Welcome back", "text"),
        ("[Music]", "non_speech"),
    ],
    "resolve_tsv_edl_example.tsv": [
        ("Record In", "metadata"),
        ("* Intro", "metadata"),
        ("What you're about to hear", "text"),
        ("[ SPACE 3.7 secs ]", "non_speech"),
        ("Here's some notes", "metadata"),
        ("People who are knowledgeable", "text"),  # a row left out of the cut is still speech
    ],
    "resolve_frames_labels.tsv": [
        ("** Building one", "metadata"),
        ("With one sensor", "text"),
        ("[ SPACE 1.0 secs ]", "non_speech"),
    ],
    "transcriber_labbcat_interview.trs": [
        ("<!DOCTYPE Trans", "metadata"),
        ('<Speaker id="spk1"', "metadata"),
        ('<Turn speaker="spk2" startTime="0"', "label"),
        ('<Sync time="5.75"/>', "timing"),
        ("with this letter for Mum", "text"),
        ('<Comment desc="unclear"/>', "non_speech"),
        ('<Who nb="2"/>', "timing"),
        ('<Event desc="cough"', "non_speech"),
    ],
    "transcriber_zh_topics.trs": [
        ('<Background time="4.2"', "non_speech"),
        ('<Event desc="nontrans"', "non_speech"),
        ("聽得到嗎", "text"),
    ],
    "transcriber_trs2html_interview.html": [
        ("function playAt(time)", "metadata"),
        (".transcript .turn {", "metadata"),
        ("<h2>teen-decadeplus-friend-general</h2>", "metadata"),
        ('<p class="speaker">mop03-2b</p>', "label"),
        ("playAt('0:0:5')", "timing"),
        ("with this letter for Mum", "text"),
    ],
    "scotus_argument_layout.txt": [
        ("Official - Subject to Final Review", "chrome"),
        ("Heritage Reporting Corporation", "chrome"),
        ("IN THE SUPREME COURT", "metadata"),
        ("APPEARANCES:", "metadata"),
        ("C O N T E N T S", "metadata"),
        ("P R O C E E D I N G S", "metadata"),
        ("(10:04 a.m.)", "timing"),
        ("ORAL ARGUMENT OF JANE ROE", "metadata"),
        ("CHIEF JUSTICE ROBERTS: We'll hear", "text"),
        ("(Laughter.)", "non_speech"),
        ("(Whereupon, at 11:02 a.m.", "non_speech"),
        ("argument [3] 1:13", "metadata"),  # the word index
        ("ability [1] 5:12", "metadata"),
    ],
    "scotus_argument_columns.txt": [
        ("Alderson Reporting Company", "chrome"),
        ("ORAL ARGUMENT OF ADAM SMITH", "metadata"),
        ("valley, and Congress", "text"),
    ],
    "deposition_qa.txt": [
        ("Page 12", "chrome"),
        ("Blue Ridge Reporting Services", "chrome"),
        ("DIRECT EXAMINATION", "metadata"),
        ("BY MR. KLEIN:", "label"),
        ("(Recess taken.)", "non_speech"),
        ("CERTIFICATE OF REPORTER", "metadata"),
        ("hereby certify", "metadata"),
    ],
    "senate_hearing.txt": [
        ("OPENING STATEMENT OF SENATOR", "metadata"),
        ("Good morning. Today the committee", "text"),
        ("[Whereupon, at 11:40 a.m.", "non_speech"),
        ("1-800-FOR-DEPO", "chrome"),
    ],
    "council_meeting_links.html": [
        ("<title>", "metadata"),
        ("<nav>", "metadata"),
        ("<h2>Public comment</h2>", "metadata"),
        ("[Speaker 1]", "text"),
        ("<footer>", "metadata"),
    ],
    "caption_marks.txt": [
        ("Evening News, March 7", "metadata"),
        ("[MUSIC]", "non_speech"),
    ],
    "npr_caps_roles.txt": [
        ("STEVE INSKEEP, HOST:", "label"),
        ("TOM OKAFOR, BYLINE:", "text"),
    ],
}


@pytest.mark.parametrize("name", sorted(LINE_CLASSES))
def test_line_classes(name):
    parsed = read_parsed(read_file_bytes(FORMATS / name), path=FORMATS / name)
    classes = {use.line: use.cls for use in parsed.accounting.lines}
    got = [(needle, classes.get(line_of(name, needle))) for needle, _ in LINE_CLASSES[name]]
    assert got == LINE_CLASSES[name]


# --- per family -----------------------------------------------------------------------------


def test_sbv_cues_keep_their_end_times():
    _episode, turns, _ = read("youtube_labels.sbv")
    assert [(t.start, t.end) for t in turns] == [
        (0.0, 3.2),
        (3.2, 6.0),
        (6.0, 9.5),
        (12.0, 15.0),
        (15.0, 19.25),
        (65.0, 68.0),
    ]


def test_edit_list_sections_are_chapters_and_frames_are_fractions_of_a_second():
    episode, turns, _ = read("resolve_frames_labels.tsv")
    assert [(c.title, c.start) for c in episode.chapters] == [
        ("Opening", 3600.0),
        ("Building one", 3609.0),
    ]
    assert [t.chapter for t in turns] == ["Opening", "Opening", "Building one", "Building one"]
    assert [t.end for t in turns] == [3604.4, 3609.0, 3612.5, 3621.0]
    episode, _turns, _ = read("resolve_tsv_edl_example.tsv")
    assert episode.description == (
        "Here's some notes about Dan Carlin.\n\nAny line not starts with 'EDL' will be ignored."
    )


def test_transcriber_topics_are_chapters_and_sync_marks_are_times():
    episode, turns, _ = read("transcriber_labbcat_interview.trs")
    assert [(c.title, c.start) for c in episode.chapters] == [
        ("teen-decadeplus-friend-general", 0.0),
        ("teen-decadeplus-me-event", 23.563),
        ("adult-now-you-event", 185.339),
        ("adult-now-me-event", 220.696),
    ]
    first = turns[0]
    assert first.end == 23.563 and first.chapter == "teen-decadeplus-friend-general"
    offset, seconds = first.times[1]
    assert seconds == 5.75 and first.text[offset:].startswith("with this letter")
    assert episode.lang == "en"
    episode, _turns, _ = read("transcriber_zh_topics.trs")
    assert episode.lang == "zh-Hant"


def test_transcriber_html_topics_are_chapters_without_repeats():
    episode, turns, _ = read("transcriber_trs2html_interview.html")
    assert episode.title == "Transcript of mop03-2b-05"
    assert [(c.title, c.start) for c in episode.chapters] == [
        ("teen-decadeplus-friend-general", 0.0),
        ("teen-decadeplus-me-event", 23.0),
        ("adult-now-you-event", 188.0),
        ("adult-now-me-event", 220.0),
    ]
    offset, seconds = turns[0].times[1]
    assert seconds == 5.0 and turns[0].text[offset:].startswith("with this letter")


def test_a_two_speaker_turn_gives_each_who_piece_to_its_speaker():
    _episode, turns, _ = read("transcriber_labbcat_interview.trs")
    overlap = [t for t in turns if t.start == 214.822]
    assert [(t.speaker, t.text) for t in overlap] == [
        ("Interviewer", "yeah yeah yeah -- well that's right"),
        ("mop03-2b", "or some and there's nothing much on it or"),
    ]


TRS_WITH_SUBSET = """<?xml version="1.0"?>
<!DOCTYPE Trans SYSTEM "trans-14.dtd" [<!ENTITY e "boom">]>
<Trans><Episode><Section type="report" startTime="0" endTime="1">
<Turn startTime="0" endTime="1"><Sync time="0"/>&e;</Turn></Section></Episode></Trans>"""


def test_a_trs_file_with_an_internal_dtd_subset_is_refused():
    with pytest.raises(InputError, match="DTD") as err:
        read_transcript(TRS_WITH_SUBSET, path="episode.trs")
    assert str(err.value).startswith("episode.trs: ") and "\n" not in str(err.value)


def test_court_headings_are_chapters_and_the_caption_is_the_title():
    episode, turns, _ = read("scotus_argument_layout.txt")
    assert episode.title == (
        "FIELD STATIONS, INC., Petitioner, v. NATIONAL WEATHER BOARD, Respondent."
    )
    assert [c.title for c in episode.chapters] == [
        "ORAL ARGUMENT OF JANE ROE ON BEHALF OF THE PETITIONER",
        "ORAL ARGUMENT OF JOHN DOE ON BEHALF OF THE RESPONDENT",
    ]
    assert turns[0].chapter is None and turns[1].chapter == episode.chapters[0].title


def test_a_sentence_runs_across_the_page_break():
    _episode, turns, _ = read("scotus_argument_columns.txt")
    assert "reach every orchard in the valley, and Congress" in turns[1].text


def test_a_bare_senator_label_is_not_merged_with_a_named_senator():
    _episode, turns, _ = read("senate_hearing.txt")
    assert ("Senator", "Are any of them required to report?") in [
        (t.speaker, t.text) for t in turns
    ]
    assert {t.speaker for t in turns} >= {"Senator", "Senator Hale"}


def test_examination_answers_are_the_sworn_witness_and_questions_the_examiner():
    _episode, turns, _ = read("deposition_qa.txt")
    pairs = [(t.speaker, t.speaker_label) for t in turns[1:4]]
    assert pairs == [
        ("MR. KLEIN", "MR. KLEIN"),
        ("MARIA LOPEZ", "MARIA LOPEZ"),
        ("MR. KLEIN", "MR. KLEIN"),
    ]


def test_link_label_times_and_headings():
    episode, turns, _ = read("council_meeting_links.html")
    assert episode.title == "City Council Regular Meeting, March 7, 2023 – Transcript"
    assert [(c.title, c.start) for c in episode.chapters] == [
        ("Call to order", 0.549),
        ("Public comment", 85.0),
    ]
    assert [t.chapter for t in turns[1:]] == ["Call to order"] * 3 + ["Public comment"] * 3


@pytest.mark.parametrize(
    "label, seconds",
    [("0.549s", 0.549), ("83", 83.0), ("1h2m3s", 3723.0), ("2m5.5s", 125.5)],
)
def test_link_times_in_the_forms_video_sites_write(label, seconds):
    text = (
        f'<p><a href="https://v.example/watch?v=x&amp;t={label}">[Ann Lee]</a>: Hello there.</p>\n'
        f'<p><a href="https://v.example/watch?v=x&amp;t=9999">[Bo Ray]</a>: Hi.</p>\n'
    )
    raw = read_transcript(text, path="meeting.html")
    assert raw.format == "link-labels"
    assert (raw.turns[0].label, raw.turns[0].start) == ("Ann Lee", seconds)


def test_initials_introduced_once_name_the_speaker_afterwards():
    _episode, turns, _ = read("zh_fullwidth_initials.txt")
    assert {t.speaker_label for t in turns} == {"Shaun Apps", "李明"}


def test_caps_labels_with_a_role_after_the_comma():
    episode, turns, _ = read("npr_caps_roles.txt")
    assert sorted(episode.hosts) == ["RACHEL MARTIN", "STEVE INSKEEP"]
    # `TOM OKAFOR, BYLINE:` once, `OKAFOR:` afterwards: one speaker.
    assert [t.speaker for t in turns].count("TOM OKAFOR") == 3


def test_spaced_machine_transcripts_keep_their_times_on_the_joined_text():
    _episode, turns, _ = read("zh_spaced_asr.srt")
    first = turns[0]
    offset, seconds = first.times[1]
    assert seconds == 3.2 and first.text[offset:] == "今天我们聊聊人工智能。"


def test_a_writers_own_space_in_chinese_text_stays():
    text = "主持人：欢迎收听 《科技早餐》。\n\n嘉宾：谢谢。\n\n主持人：好。\n"
    _episode, turns, _digest, _fmt = parse_bytes(text.encode(), path=FORMATS / "unsaved.txt")
    assert turns[0].text == "欢迎收听 《科技早餐》。"


@pytest.mark.parametrize(
    "text, fmt",
    [
        ("1\n00:00:01,000 --> 00:00:02,000\nHello.\n", "srt"),
        ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello.\n", "vtt"),
        ("Maya: Hello there.\n\nTom: Hi.\n\nMaya: Bye.\n", "text"),
        ("Note: 5 >> 3 and 4 >> 2.\n\nMaya: Hello.\n\nTom: Hi.\n\nMaya: Bye.\n", "text"),
        ("0:00:01.000,0:00:02.000\nHello.\n", "sbv"),
        ("EDL\t00:00:01,000\t00:00:02,000\t| clip |\tHello.\n", "edit-list"),
    ],
)
def test_each_shape_goes_to_its_reader(text, fmt):
    assert read_transcript(text, path="x").format == fmt


def test_hyperaudio_words_keep_their_times_and_headings_are_chapters():
    path = FORMATS / "hyperaudio_speakers.html"
    result = read_parsed(read_file_bytes(path), path=path)
    assert result.episode.title == "Field Notes | Soil and rain"
    assert [(c.title, c.start) for c in result.episode.chapters] == [
        ("Why soil matters", 1.2),
        ("What a root does", 9.9),
    ]
    tom = result.turns[1]
    assert (tom.start, tom.end) == (4.5, 9.2)
    assert [t.chapter for t in result.turns] == ["Why soil matters"] * 2 + ["What a root does"]
