"""Real published talk, hearing and seminar transcripts (issue 22, round three).

Each file under tests/fixtures/real/published/bitcointranscripts_*.md is an excerpt of a
transcript published in bitcointranscripts/bitcointranscripts (MIT), kept byte for byte (whole
blocks of lines; where and how is in tests/fixtures/real/SOURCES.md). They are the families the
issue names: a prologue before the first label (a prepared statement before `Senator Black:`, a
talk before the `问：`/`答：` questions), labels in another script (full-width colons), initials
introduced once and used afterwards (`Michael Folkson (MF):` then `MF:`), a bare `Senator:`.
Each is read through the whole ingest path and checked for speakers (unknown stays unknown),
chapters, the text of every turn, no markup or page links in it, and every line's class.
"""

from __future__ import annotations

import re

import pytest
from conftest import FIXTURES

from podkb.ingest.pipeline import read_file_bytes, read_parsed

PUBLISHED = FIXTURES / "real" / "published"

SENATE = "bitcointranscripts_senate_prepared_remarks.md"
ZH_TALK = "bitcointranscripts_zh_talk_then_qa.md"
SEMINAR = "bitcointranscripts_initials_seminar.md"

# file -> (title, language, [(line, speaker, chapter, first words, last words)])
TURNS = {
    SENATE: (
        "Canada Senate Bitcoin",
        "en",
        [
            # The editor's note above the prepared remarks: said by no one named, never dropped.
            (9, None, None, "This is a transcript of submitted evidence", "can be found here."),
            # The prepared statement before the first label: its own turn, under its heading.
            (19, None, "Prepared remarks.", "My experience is primarily", "this committee."),
            (29, None, "Other remarks.", "Thank you for your opening remarks.", "illicit use."),
            (33, "Senator Black", "Other remarks.", "Thank you very much, Mr.", "disconnect."),
            (35, "AA", "Other remarks.", "Absolutely. I believe that", "develop further."),
            # AA, an unlabeled question, AA again: the question is not AA's.
            (37, None, "Other remarks.", "Thank you very much for that.", "regulation if any?"),
            (39, "AA", "Other remarks.", "I believe we are still", "in its early days."),
            # A bare `Senator:` is an unnamed senator, not Senator Black shortened.
            (41, "Senator", "Other remarks.", "Thank you chair,", "than my generation?"),
            (43, "AA", "Other remarks.", "With any new technology", "that's the case."),
        ],
    ),
    ZH_TALK: (
        "Transaction Relay Policy",
        "zh-Hans",
        [
            # The talk before the questions: text of an unknown speaker.
            (20, None, None, "哈咯我是 Gloria，我在 Brink 公司为", "且不必牺牲安全性。"),
            (26, "问", "问答", "使用 `testmempoolaccept` 的时候", "正在使用的交易池规则？"),
            (28, "答", "问答", "如果你在自己的节点上调用", "那应该是默认的策略。"),
            (30, "问", "问答", "所以说，如果不是默认策略", "传导到 `testmempoolaccept`？"),
            (32, "答", "问答", "是的。", "是的。"),
            (34, "问", "问答", "交易包转发策略有没有可能", "其它应用的用户？"),
            (36, "答", "问答", "非常好的问题。", "我直觉认为可以。"),
            (38, "问", "问答", "一个关于监控交易池的闪电节点的问题。", "你就可以更快地行动。"),
            (40, "答", "问答", "我是这么理解你的问题的。", "安全性依赖于交易池。"),
            (42, "问", "问答", "而且，享受这种好处", "这是不可能做到的。"),
            (44, "答", "问答", "是的。", "是的。"),
            (46, "问", "问答", "你跟 Lisa 的 “death to the mempool”", "是怎么回事？"),
            (48, "答", "问答", "我很开心能在线下讨论这个事。", "大家觉得困惑的地方。"),
            (50, "问", "问答", "她的意思是，交易池是不可依赖的", "完全抛开它？"),
            (52, "答", "问答", "如他们所说，今天的交易池规则是不完美的。", "创造出可靠的接口。"),
            # A voice from the audience labelled by a lower-case handle, twice in the file.
            (54, "darosior", "问答", "最终来说，这跟手续费追加方法很像", "之前慎重考虑。"),
            (56, "问", "问答", "（丢失）", "（丢失）"),
            (58, "答", "问答", "我无法提供一个具体的路线图", "还需要多长时间。"),
            (60, "问", "问答", "你一直在开发交易包转发策略", "更简单得东西？"),
            (62, "答", "问答", "我的惊喜在于它非常有趣。", "对交易池规则感兴趣。"),
            (64, "问", "问答", "你能不能为可能引入", "交易包转发策略的时候。"),
            (66, "答", "问答", "举个例子，节点的 UTXO 集大约是几 GB。", "呈指数级增长。"),
            (68, "问", "问答", "闪电通道是一个非常特别的例子", "一般的情形吗？"),
            (70, "答", "问答", "是的。单个子交易和单个父交易", "多个父交易的功能更好。"),
            (72, "darosior", "问答", "将交易池规则的用场限制", "也是非常有用的。"),
        ],
    ),
    SEMINAR: (
        "Socratic Seminar - AssumeUTXO",
        "en",
        [
            (18, "Michael Folkson", None, "This is a discussion on AssumeUTXO.", "do intros."),
            (20, "James O’Beirne", None, "Thanks Michael for putting", "the opportunity."),
            (
                26,
                "Michael Folkson",
                "Why do we validate the whole blockchain from genesis?",
                "We generally start with basics,",
                "the whole blockchain from genesis?",
            ),
            (
                28,
                "Openoms",
                "Why do we validate the whole blockchain from genesis?",
                "The whole point is to build",
                "what is available now.",
            ),
            (
                30,
                "James O’Beirne",
                "Why do we validate the whole blockchain from genesis?",
                "At a very high level",
                "initial block download is.",
            ),
            (
                32,
                "Michael Folkson",
                "Why do we validate the whole blockchain from genesis?",
                "We are replaying absolutely everything",
                "current blockchain tip.",
            ),
            (
                42,
                "Michael Folkson",
                "How long does the initial block download take?",
                "This does take a very long time",
                "done a IBD recently?",
            ),
            (
                44,
                "Openoms",
                "How long does the initial block download take?",
                "A couple of hours on high end hardware",
                "between 2 and 3 days.",
            ),
            (
                46,
                "Stephan",
                "How long does the initial block download take?",
                "I was using Raspiblitz",
                "Similar magnitude.",
            ),
            (
                48,
                "Openoms",
                "How long does the initial block download take?",
                "It depends a lot on the peers",
                "slow down things a lot.",
            ),
        ],
    ),
}

# file -> [(line, class)]: labels inside text lines, headings, links and notes.
LINE_CLASSES = {
    SENATE: [
        (3, "metadata"),  # speakers: ['Andreas Antonopoulos']
        (9, "text"),  # the editor's note opens the page: kept
        (15, "metadata"),  # final report: <http://...>
        (17, "metadata"),  # # Prepared remarks.
        (25, "timing"),  # (11m 32s)
        (27, "metadata"),  # # Other remarks.
        (33, "text"),  # Senator Black: ...
        (41, "text"),  # Senator: ...
    ],
    ZH_TALK: [
        (12, "metadata"),  # 主题：...
        (14, "metadata"),  # 位置：Adopting Bitcoin
        (16, "metadata"),  # 幻灯片：https://...
        (18, "metadata"),  # ## 引言
        (20, "text"),
        (22, "text"),  # the talk's last paragraph, joined to its turn
        (24, "metadata"),  # ## 问答
        (54, "text"),  # darosior：...
    ],
    SEMINAR: [
        (14, "metadata"),  # Reading list: <https://...>
        (16, "metadata"),  # ## Intros
        (24, "metadata"),  # <https://btctranscripts.com/...>: a link under a heading
        (36, "metadata"),
        (38, "metadata"),
        (40, "metadata"),
        (46, "text"),  # Stephan (S): introduced and used once
    ],
}

LEAKS = [
    re.compile(r"\]\(|<https?://|https?://"),  # links and their targets
    re.compile(r"^\s*#|\*\*|^---"),  # headings, bold, rules
    re.compile(r"\(\d+m \d+s\)"),  # a transcriber's elapsed time
    re.compile(r"^(?:[A-Z]{1,3}|Senator(?: \w+)?|darosior|问|答|[\w ’]+ \([A-Z]{1,3}\))\s*[:：]"),
]


def parsed(name):
    path = PUBLISHED / name
    return read_parsed(read_file_bytes(path), path=path)


@pytest.mark.parametrize("name", sorted(TURNS))
def test_speakers_chapters_and_text_of_every_turn(name):
    title, lang, expected = TURNS[name]
    result = parsed(name)
    assert result.format == "markdown"
    assert result.episode.title == title
    assert result.episode.lang == lang
    got = [(t.line, t.speaker, t.chapter) for t in result.turns]
    assert got == [(line, speaker, chapter) for line, speaker, chapter, _, _ in expected]
    for turn, (_line, _speaker, _chapter, first, last) in zip(result.turns, expected, strict=True):
        assert turn.text.startswith(first), (turn.line, turn.text[:80])
        assert turn.text.endswith(last), (turn.line, turn.text[-80:])


@pytest.mark.parametrize("name", sorted(TURNS))
def test_no_markup_links_labels_or_notes_in_text(name):
    for turn in parsed(name).turns:
        for leak in LEAKS:
            assert not leak.search(turn.text), (turn.line, leak.pattern, turn.text[:120])


@pytest.mark.parametrize("name", sorted(TURNS))
def test_every_line_accounted_for_and_classed(name):
    result = parsed(name)
    assert result.loss is None
    assert result.accounting.unaccounted == []
    classes = {use.line: use.cls for use in result.accounting.lines}
    assert [(n, classes.get(n)) for n, _ in LINE_CLASSES[name]] == LINE_CLASSES[name]


def test_the_prepared_statement_is_whole_and_no_one_s():
    turn = parsed(SENATE).turns[1]
    assert turn.speaker is None and turn.role == "unknown"
    # Its three paragraphs (lines 19, 21, 23), in order, nothing of the notes around it.
    assert turn.text.count("\n\n") == 2
    assert "final report" not in turn.text and "Other remarks" not in turn.text


@pytest.mark.parametrize(
    "text, speakers",
    [
        # A heading ends the turn above it: a note cut mid-sentence is not joined to the talk.
        (
            "---\ntitle: T\n---\n\nThe organisers ask us to say that the video of this talk is "
            "linked from the event page and that the slides are in the talk's repository\n\n"
            "# Talk\n\nHello all.\n\n"
            "Q: Why?\n\nA: Because.\n\nQ: How?\n\nA: So.\n",
            [None, None, "Q", "A", "Q", "A"],
        ),
        # `Senator Black:` once, `Senator:` once, in a dialogue that confirms its labels.
        (
            "---\ntitle: T\n---\n\nSenator Black: A question?\n\nAA: Yes.\n\n"
            "Senator: Another?\n\nAA: No.\n",
            ["Senator Black", "AA", "Senator", "AA"],
        ),
        # A lower-case word opening prose twice is no label without a dialogue around it.
        (
            "---\ntitle: T\n---\n\nmeanwhile: we moved.\n\nmeanwhile: we moved again.\n\nBye.\n",
            [None, None, None],
        ),
    ],
)
def test_label_rules_on_unseen_markdown(text, speakers):
    from podkb.ingest.pipeline import parse_bytes

    _episode, turns, _digest, _fmt = parse_bytes(text.encode(), path=PUBLISHED / "unsaved.md")
    assert [t.speaker for t in turns] == speakers


# Talk transcripts of a Jekyll site (asatarin/asatarin.github.io, CC BY 4.0): a Liquid
# `{% include timecode.html time="0:05" %}` line before each paragraph links to that moment of
# the video; `{% comment %}` blocks hold notes to the editor; the presenter is never labelled,
# the audience is, by a name linked to its page (`[Pat Helland](https://...):`).
S3_TALK = "asatarin_liquid_timecodes.md"
PARTIAL = "asatarin_liquid_link_labels.md"
INTRO = "Introduction and ShardStore"
UPF = "Understanding Partial Failures"

# file -> (format, [(line, speaker, start, chapter, first words, last words)])
TIMED = {
    S3_TALK: (
        "text",
        [
            (8, None, 5.0, None, "Hello everyone,", "Andrey Satarin."),
            (11, None, 7.0, None, "I'm going to be talking", "node in Amazon S3."),
            (15, None, 16.0, None, "So, let's start", "they're looking for."),
            (20, None, 31.0, None, "Different approaches", "lessons from that work."),
            (27, None, 50.0, INTRO, "S3 is like a key value", "the previous version."),
            (33, None, 1094.0, INTRO, "Yeah, with this,", "pretty comprehensive."),
            (38, None, 1113.0, INTRO, "And that's the end", "the end of the talk."),
        ],
    ),
    PARTIAL: (
        "markdown",
        [
            # Hard-wrapped lines under one time mark are one paragraph.
            (12, None, 9.0, None, "Hello everyone. My name is", 'Large System Software."'),
            (17, None, 23.0, None, "Rough outline following", "conclusions for the paper."),
            (24, None, 45.0, UPF, "So, what even are", "partial failures?"),
            (27, None, 48.0, UPF, "In the paper, they describe", "in the real world."),
            (35, None, 89.0, UPF, "Failure Hierarchy:", "Failure Hierarchy:"),
            (38, None, 92.0, UPF, "The simplest one", "your system from within."),
            (45, None, 130.0, UPF, "So, the way I understood it,", "Byzantine failures."),
            (52, None, 164.0, UPF, "This is why I kind of", "we are talking about."),
            (56, None, 173.0, UPF, "Researchers in the study", "failures at runtime?"),
            (60, None, 189.0, UPF, "So, let's dive deep", "exhibit in the system."),
            (66, None, 216.0, UPF, "Findings 1-2:", "Findings 1-2:"),
            (69, None, 218.0, UPF, "First of all,", "usual suspects, to a degree."),
            # The linked name labels its paragraph, used once; the answer under the next time
            # mark is the (unlabelled) presenter's, not Pat Helland's.
            (75, "Pat Helland", 260.0, UPF, "But finding two is", "we're talking about."),
            (82, None, 275.0, UPF, "I'm not aware of any research", "see partial outages."),
            (87, None, 306.0, UPF, "In the paper, they talk", "healthy in that sense."),
        ],
    ),
}

TIMED_LINE_CLASSES = {
    S3_TALK: [
        (1, "chrome"),  # {% comment %}
        (2, "chrome"),  # Draft transcript https://docs.google.com/...: a note to the editor
        (3, "chrome"),  # {% endcomment %}
        (5, "metadata"),  # #### Introduction
        (7, "timing"),  # {% include timecode.html time="0:05" %}
        (12, "text"),  # the second line of a hard-wrapped paragraph
        (40, "chrome"),  # {% include transcript-code.html %}
    ],
    PARTIAL: [
        (2, "metadata"),  # published: false
        (6, "chrome"),  # the editor's note inside {% comment %}
        (11, "timing"),
        (75, "label"),  # [Pat Helland](https://twitter.com/pathelland):
        (76, "text"),
    ],
}


@pytest.mark.parametrize("name", sorted(TIMED))
def test_time_links_in_liquid_tags_start_their_paragraphs(name):
    fmt, expected = TIMED[name]
    result = parsed(name)
    assert result.format == fmt
    got = [(t.line, t.speaker, t.start, t.chapter) for t in result.turns]
    assert got == [row[:4] for row in expected]
    for turn, row in zip(result.turns, expected, strict=True):
        assert turn.text.startswith(row[4]), (turn.line, turn.text[:80])
        assert turn.text.endswith(row[5]), (turn.line, turn.text[-80:])
    assert result.loss is None and result.accounting.unaccounted == []
    classes = {use.line: use.cls for use in result.accounting.lines}
    rows = TIMED_LINE_CLASSES[name]
    assert [(n, classes.get(n)) for n, _ in rows] == rows


@pytest.mark.parametrize("name", sorted(TIMED))
def test_no_template_tags_links_or_editor_notes_in_text(name):
    result = parsed(name)
    assert result.episode.title == "Introduction"  # the first heading: the page names nothing else
    for turn in result.turns:
        assert not re.search(r"\{%|%\}|\]\(|https?://|Draft transcript|timecode", turn.text)


@pytest.mark.parametrize(
    "text, fmt",
    [
        ("{% comment %}\nnote\n{% endcomment %}\n\nHello there.\n", "text"),
        ("{{ page.title }}\n\nHello there.\n", "text"),
        ('{"segments": [{"start": 0, "end": 1, "text": "Hi."}]}', "json"),
    ],
)
def test_a_page_opening_with_a_template_tag_is_not_json(text, fmt):
    from podkb.ingest.detect import choose

    assert choose(text).reader.name == fmt
