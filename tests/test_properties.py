"""Property-based tests (hypothesis) for decoding, the readers and the normaliser.

- arbitrary bytes and text never raise anything but the documented InputError;
- every parsed turn's text is found in the decoded source, modulo whitespace (formats that
  decode escapes, JSON and VTT/HTML entities, are checked for not raising only);
- parse -> store -> read back gives the same records, and so does JSON lines export;
- export --format jsonl -> ingest gives the same turns, whatever their text holds;
- a generated `Name: text` conversation reads back as exactly that conversation.

PODKB_HYPOTHESIS_SCALE=20 runs twenty times as many examples (a longer search, off CI).
"""

from __future__ import annotations

import codecs
import json
import os
import re
import string
from collections import Counter

import pytest
from conftest import SEEDS
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from podkb.catalog import Metadata
from podkb.errors import InputError
from podkb.ingest.decode import decode_bytes, normalise_text
from podkb.ingest.detect import read_transcript
from podkb.ingest.pipeline import parse_bytes
from podkb.store import Store

_SCALE = float(os.environ.get("PODKB_HYPOTHESIS_SCALE", "1"))
SETTINGS = settings(
    max_examples=int(150 * _SCALE), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
FEW = settings(
    max_examples=int(50 * _SCALE), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
NO_METADATA = Metadata()

# Paragraph shapes transcripts and web pages are made of, mixed with arbitrary text.
LABELS = [
    "Host",
    "Guest",
    "Lewis Tunstall",
    "主持人",
    "嘉賓",
    "Ada",
    "SPEAKER_1",
    "**Bob**",
    "[Carol]",
    "so",
    "Note",
]
SHAPES = st.one_of(
    st.text(max_size=80),
    st.builds(
        lambda lab, ts, sep, txt: f"{lab}{ts}{sep} {txt}",
        st.sampled_from(LABELS),
        st.sampled_from(["", " [00:12:34]", " (1:02)"]),
        st.sampled_from([":", "：", " :"]),
        st.text(max_size=60),
    ),
    st.sampled_from(
        [
            "Transcript",
            "Show notes",
            "Subscribe",
            "Continue reading",
            "# Chapter one",
            "00:01 Intro",
            "01:02:03 - Wrap up",
            "Thanks for listening!",
            "What do you think?",
            "Note: edited.",
            "",
            "   ",
            "\t",
            "·",
            "© 2024",
            "Rapid fire questions:",
            "Is it?",
            "We did.",
        ]
    ),
    # shapes of the other formats: subtitles, Otter, JSON
    st.sampled_from(
        [
            "WEBVTT",
            "1",
            "00:00:01,000 --> 00:00:02,500",
            "00:00:03.000 --> 00:00:04.000",
            "<v Ada>Hello there.",
            "<v Bob>Hi &amp; welcome.",
            "Ada  0:00",
            "Bob  1:02:03",
            '{"version": "1.0.0", "segments": [{"speaker": "Ada", "body": "hi"}]}',
            '{"episode_id": "e", "turn": 0, "text": "hi", "line": 1}',
            "[",
            "{",
        ]
    ),
)
# Formats whose turn text is the source's text as written; the others decode escapes (JSON
# strings, VTT and HTML entities), so their text need not appear in the source verbatim. SRT
# turns join consecutive cues (":" and ":" give "::"), so there no character is invented.
VERBATIM_FORMATS = {"text", "otter"}


def assert_from_source(text: str, fmt: str, source: str) -> None:
    if fmt in VERBATIM_FORMATS:
        for piece in text.split("\n\n"):
            assert squash(piece) in source
    elif fmt == "srt":  # cues joined: no character that the source does not have
        assert not Counter(squash(text)) - Counter(source)


DOCUMENTS = st.lists(SHAPES, max_size=40).map("\n".join)
NEWLINES = st.sampled_from(["\n", "\r\n", "\r", "\u2028", "\x0c", "\x85"])


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- decoding -------------------------------------------------------------------------------------


@SETTINGS
@given(st.binary(max_size=2000))
@example(b"\x00")
@example(b"\xff\xfe")
@example("谢谢".encode("gbk"))
def test_decode_arbitrary_bytes_raises_only_input_error(data):
    try:
        decoded = decode_bytes(data, path="x.txt")
    except InputError as exc:
        assert str(exc).startswith("x.txt: ") and "\n" not in str(exc)
        return
    assert "\r" not in decoded.text and "\ufeff" not in decoded.text
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]", decoded.text)


@SETTINGS
@given(st.text(max_size=300), st.sampled_from(["utf-8-sig", "utf-16", "utf-16-be", "utf-32"]))
def test_decode_with_a_bom_gives_back_the_text(text, codec):
    data = text.encode(codec)
    if codec == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    if not normalise_text(text).strip():  # a byte-order mark with nothing to read after it
        with pytest.raises(InputError, match="empty file"):
            decode_bytes(data, path="x.txt")
        return
    decoded = decode_bytes(data, path="x.txt")
    assert decoded.text == normalise_text(text)


@SETTINGS
@given(st.text(max_size=300))
def test_decode_utf8_gives_back_the_text_or_says_it_is_ambiguous(text):
    data = text.encode("utf-8")
    try:
        decoded = decode_bytes(data, path="x.txt")
    except InputError as exc:
        assert any(s in str(exc) for s in ("empty file", "ambiguous encoding", "NUL", "binary"))
        return
    assert decoded.encoding == "utf-8"
    assert decoded.text == normalise_text(text)


SEED_ZH = (SEEDS / "001_86a6375c4e3f3616.txt").read_text(encoding="utf-8").replace("🤗", "")


@SETTINGS
@given(st.integers(0, len(SEED_ZH) - 1), st.integers(1, 40), st.booleans())
def test_chinese_in_big5_or_gbk_is_read_right_or_refused_never_wrong(start, length, simplified):
    from podkb.text import to_simplified

    snippet = SEED_ZH[start : start + length].strip()
    assume(any(ord(c) > 0x7F for c in snippet))
    if simplified:
        snippet = to_simplified(snippet)
        try:
            snippet.encode("gb2312")  # ordinary simplified text
        except UnicodeEncodeError:
            assume(False)
        data, expected = snippet.encode("gbk"), "gb18030"
    else:
        data, expected = snippet.encode("big5"), "big5"
    try:
        decoded = decode_bytes(data, path="x.txt")
    except InputError as exc:
        assert "ambiguous encoding" in str(exc)
        return
    assert decoded.text == normalise_text(snippet)
    assert decoded.encoding in (expected, "utf-8")  # pure ASCII snippets are UTF-8 too


KOREAN = (
    "안녕하세요 여러분, 오늘 팟캐스트에 오신 것을 환영합니다. 진행자: 오늘은 인공지능에 대해 "
    "이야기해 보겠습니다. 게스트: 네, 감사합니다. 저는 머신러닝 엔지니어로 일하고 있어요. 정말 "
    "재미있는 질문이네요. 그래서 우리는 모델을 만들었고 데이터를 많이 모았습니다."
)


@SETTINGS
@given(st.integers(0, len(KOREAN) - 1), st.integers(1, 60))
def test_korean_in_euc_kr_is_read_right_or_refused_never_wrong(start, length):
    snippet = KOREAN[start : start + length].strip()
    assume(any(ord(c) > 0x7F for c in snippet))
    try:
        decoded = decode_bytes(snippet.encode("euc-kr"), path="x.txt")
    except InputError as exc:
        assert "ambiguous encoding" in str(exc)
        return
    assert decoded.text == normalise_text(snippet)


# --- the normaliser -------------------------------------------------------------------------------


@SETTINGS
@given(st.lists(st.one_of(st.text(max_size=40), NEWLINES), max_size=20).map("".join))
def test_normalise_text_is_idempotent_and_splits_only_on_newline(text):
    out = normalise_text(text)
    assert normalise_text(out) == out
    for line in out.split("\n"):
        assert line.splitlines() in ([], [line])  # nothing else a reader could split on
    # Every line break of the source is kept (and only those): \r\n counts once.
    assert out.count("\n") == text.replace("\r\n", "\n").count("\n") + text.replace(
        "\r\n", ""
    ).count("\r")


@SETTINGS
@given(st.text(max_size=200))
def test_text_functions_never_raise(text):
    from podkb.catalog import name_key
    from podkb.ingest.shared.labels import split_label
    from podkb.lang import detect_lang
    from podkb.store.sqlite import _index_row, token_key
    from podkb.text import fold, tokens

    folded = fold(text)
    assert fold(folded) == folded  # a key folds to itself: query and index agree
    tokens(text)
    _, body, uni, *_ = _index_row(1, "episode", None, text, None, chapter_terms={})
    assert "\n" not in body and "\n" not in uni
    detect_lang(text)
    name_key(text)
    token_key(text)
    split_label(text)


# --- the reader -----------------------------------------------------------------------------------


@SETTINGS
@given(DOCUMENTS)
def test_reader_raises_only_input_error_and_turns_come_from_the_source(doc):
    text = normalise_text(doc)
    try:
        raw = read_transcript(text, path="t.txt")
    except InputError as exc:
        assert str(exc).startswith("t.txt: ") and "\n" not in str(exc)
        return
    source = squash(text)
    lines = text.split("\n")
    for turn in raw.turns:
        assert 1 <= turn.line <= len(lines)
        assert_from_source(turn.text, raw.format, source)


@SETTINGS
@given(DOCUMENTS)
def test_parse_bytes_raises_only_input_error_and_records_are_sound(doc):
    from pathlib import Path

    try:
        episode, turns, digest, fmt = parse_bytes(
            doc.encode("utf-8"), path=Path("t.txt"), metadata=NO_METADATA
        )
    except InputError:
        return
    text = normalise_text(doc)
    source = squash(text)
    assert episode.turns == len(turns) > 0
    assert [t.turn for t in turns] == list(range(len(turns)))
    assert [t.line for t in turns] == sorted(t.line for t in turns)
    for t in turns:
        assert t.episode_id == episode.episode_id and t.source == "t.txt"
        assert_from_source(t.text, fmt, source)


# --- round trips ----------------------------------------------------------------------------------


def _store_round_trip(episode, turns):
    with Store(":memory:") as store:
        with store.transaction():
            store.put_episode(episode, turns)
        assert store.episodes() == [episode]
        assert store.turns() == turns
        exported = [json.loads(line) for line in _jsonl(store)]
        assert exported == [t.model_dump() for t in turns]
        for row in store.conn.execute("SELECT rowid FROM turns"):
            assert store.conn.execute(
                "SELECT 1 FROM turn_index WHERE rowid=?", (row[0],)
            ).fetchone()


def _jsonl(store):
    from podkb.export import turn_rows
    from podkb.output import json_text

    return [json_text(row) for row in turn_rows(store)]


@FEW
@given(DOCUMENTS)
def test_parse_store_read_back_and_export_round_trip(doc):
    from pathlib import Path

    try:
        episode, turns, _, _ = parse_bytes(
            doc.encode("utf-8"), path=Path("t.txt"), metadata=NO_METADATA
        )
    except InputError:
        return
    _store_round_trip(episode, turns)


TURN_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=200)


@FEW
@given(
    st.lists(
        st.tuples(st.one_of(st.none(), st.text(max_size=20)), TURN_TEXT), min_size=1, max_size=8
    )
)
def test_any_text_survives_the_store_and_json_export(rows):
    """Whatever a turn holds (controls, bidi, markup, lone surrogates aside) comes back exactly."""
    from podkb.models import Episode, Turn

    episode = Episode(episode_id="e", source="s.txt", turns=len(rows))
    turns = [
        Turn(
            episode_id="e",
            turn=i,
            speaker=sp,
            speaker_label=sp,
            text=tx,
            lang="und",
            source="s.txt",
            line=i + 1,
        )
        for i, (sp, tx) in enumerate(rows)
    ]
    _store_round_trip(episode, turns)


NAMES = ["Ada Lovelace", "Bob", "Carol Smith", "Dan"]
WORDS = st.text(string.ascii_lowercase, min_size=1, max_size=8)
SENTENCES = st.lists(WORDS, min_size=1, max_size=12).map(lambda ws: " ".join(ws) + ".")


@st.composite
def conversations(draw):
    once = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=6))
    speakers = draw(st.permutations(once + once))  # a label seen once is not trusted
    texts = draw(st.lists(SENTENCES, min_size=len(speakers), max_size=len(speakers), unique=True))
    gaps = draw(
        st.lists(
            st.sampled_from(["\n", "\n\n", "\r\n", "\n \n"]),
            min_size=len(speakers),
            max_size=len(speakers),
        )
    )
    return list(zip(speakers, texts, strict=True)), gaps


@pytest.mark.slow
@FEW
@given(conversations())
def test_a_written_conversation_reads_back_exactly(conv):
    from pathlib import Path

    turns_in, gaps = conv
    doc = "".join(
        f"{speaker}: {text}{gap}" for (speaker, text), gap in zip(turns_in, gaps, strict=True)
    )
    expected: list[tuple[str, str, int]] = []
    line = 1
    for (speaker, text), gap in zip(turns_in, gaps, strict=True):
        if expected and expected[-1][0] == speaker:  # the same speaker twice in a row: one turn
            expected[-1] = (speaker, expected[-1][1] + "\n\n" + text, expected[-1][2])
        else:
            expected.append((speaker, text, line))
        line += gap.replace("\r\n", "\n").count("\n")
    episode, turns, _, _ = parse_bytes(doc.encode(), path=Path("conv.txt"), metadata=NO_METADATA)
    with Store(":memory:") as store:
        with store.transaction():
            store.put_episode(episode, turns)
        assert [(t.speaker, t.text, t.line) for t in store.turns()] == expected


JSONL_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=120).filter(
    lambda t: t.strip()
)


@pytest.mark.slow
@FEW
@given(
    st.lists(
        st.tuples(st.sampled_from(["Ada", "Bob Li", None]), JSONL_TEXT), min_size=1, max_size=6
    )
)
@example(
    [("Ada", "\ufeffzero width no-break space"), ("Bob Li", "bidi \u202e, nel \x85, \u2028 sep")]
)
def test_any_text_survives_export_jsonl_then_ingest(rows):
    """export --format jsonl, then ingest the file: the same turns, whatever their text holds."""
    import tempfile
    from pathlib import Path

    from podkb.export import export
    from podkb.ingest import ingest_paths
    from podkb.models import Episode, Turn

    episode = Episode(episode_id="e", source="s.txt", turns=len(rows))
    turns = [
        Turn(
            episode_id="e",
            turn=i,
            speaker=sp,
            speaker_label=sp,
            role="unknown",
            text=tx,
            lang="und",
            source="s.txt",
            line=i + 1,
        )
        for i, (sp, tx) in enumerate(rows)
    ]
    with tempfile.TemporaryDirectory() as tmp, Store(":memory:") as original:
        with original.transaction():
            original.put_episode(episode, turns)
        export(original, "jsonl", out_dir=Path(tmp) / "out")
        with Store(":memory:") as again:
            report = ingest_paths([Path(tmp) / "out"], again, metadata=NO_METADATA)
            assert not report.failed, report.failed
            back = again.turns()
    assert [(t.speaker, t.text) for t in back] == [(t.speaker, t.text) for t in turns]


# --- the analyzer's fast paths give what its general path gives ---------------------------------


def _general_terms(text: str) -> list[str]:
    from podkb.text import cjk_bigrams, fold, token_re

    terms: list[str] = []
    for cjk, word in token_re().findall(fold(text)):
        terms.extend(cjk_bigrams(cjk) if cjk else [word])
    return terms


@SETTINGS
@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_text_is_tokenized_as_the_general_path_would(text):
    from podkb.text import index_terms

    assert index_terms(text) == (_general_terms(text), [])


@SETTINGS
@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_query_words_are_folded_as_the_general_path_would(text):
    from podkb.text import fold, token_re, tokens

    assert tokens(text) == [cjk or word for cjk, word in token_re().findall(fold(text))]


@SETTINGS
@given(
    st.lists(
        st.sampled_from(
            [
                "模型",
                "評估",
                "abc",
                "Éva",
                "ǅx",
                "ß",
                "١٢",
                "_",
                "a_b",
                " ",
                "\u3000",
                "。",
                "ｆｕｌｌ",
                "x模",
            ]
        )
        | st.text(max_size=6),
        max_size=8,
    ).map("".join)
)
def test_query_words_in_any_script_are_the_general_patterns_tokens(text):
    # tokens() takes whole CJK runs and ASCII words without token_re: the same tokens.
    from podkb.text import fold, token_re, tokens

    assert tokens(text) == [cjk or word for cjk, word in token_re().findall(fold(text))]


_SCRIPTS = st.characters(
    # ASCII, Latin-1, kana, CJK and its extensions, Hangul: both sides of every range's edges
    codec="utf-8",
    categories=None,
) | st.sampled_from(
    [
        chr(c)
        for edge in (0x3040, 0x30FF, 0x3400, 0x4DBF, 0x4E00, 0x9FFF, 0xAC00, 0xD7A3, 0xD7AF)
        for c in (edge - 1, edge, edge + 1)
    ]
    + [
        "ß",
        "ö",
        "÷",
        "ø",
        "ÿ",
        "ぁ",
        "ゖ",
        "ァ",
        "ヺ",
        "ヿ",
        "豈",
        "\U00020000",
        "\U0002ebef",
        "_",
        " ",
    ]
)


@SETTINGS
@given(st.lists(_SCRIPTS, max_size=80).map("".join))
def test_a_character_at_a_time_check_agrees_with_the_patterns(text):
    """Short text is checked for CJK and for the lists' safe characters without compiling the
    wide patterns; it must say what the patterns say, at every length."""
    import re

    from podkb.store import impacts
    from podkb.text import cjk_run_re, has_cjk, is_cjk

    assert has_cjk(text) == (cjk_run_re().search(text) is not None)
    assert is_cjk(text) == (cjk_run_re().match(text) is not None)
    assert impacts.is_safe(text) == (re.fullmatch(impacts._SAFE_TERMS, text) is not None)


def _t2s_pieces() -> st.SearchStrategy[str]:
    from podkb import t2s_table

    phrases = t2s_table.PHRASES.split()
    return st.one_of(
        st.sampled_from(phrases),  # OpenCC's phrase keys, whole
        st.sampled_from(phrases).map(lambda p: p[: len(p) // 2 + 1]),  # and cut short
        st.sampled_from("".join(t2s_table.FROM)),  # characters it converts
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        st.characters(min_codepoint=0xF900, max_codepoint=0xFAFF),  # compatibility ideographs
        st.sampled_from(" a1,。"),
    )


@SETTINGS
@given(st.lists(_t2s_pieces(), max_size=30).map("".join))
def test_to_simplified_says_what_opencc_says(text):
    """Short text goes through the character table where no phrase key occurs in it; any text
    with CJK in it must come out as OpenCC's t2s makes it (text without is left alone, and a
    compatibility ideograph of the supplement, U+2F800 on, is folded by NFKC first)."""
    import opencc

    from podkb.text import has_cjk, to_simplified

    expected = opencc.OpenCC("t2s").convert(text) if has_cjk(text) else text
    assert to_simplified(text) == expected


@SETTINGS
@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_words_are_counted_as_the_general_pattern_counts_them(text):
    from podkb.text import _word_re, word_count

    assert word_count(text) == len(_word_re().findall(text))


@SETTINGS
@given(
    st.lists(
        st.sampled_from(["evaluation", "evaluated", "model", "models", "模型", "é", "running"])
    )
)
def test_the_stems_column_is_the_same_whether_or_not_its_words_were_seen_before(terms):
    import podkb.text as text

    def direct(ts: list[str]) -> list[str]:
        out = []
        for t in ts:
            s = t if text.is_cjk(t) else text.stem(t)
            if s != t:
                out.append(s)
        return out

    text._STEMS.clear()
    first = text.stems_of(terms)
    assert first == text.stems_of(terms) == direct(terms)


# --- batch files: limits hold for any file ------------------------------------------------------

BATCH_ENTRY = st.one_of(
    st.just("- query: evaluation\n"),
    st.just('{"query": "x"}\n'),
    st.just("- &a {query: open}\n"),
    st.just("- *a\n"),
    st.just("- query: [*a, *a, *a, *a]\n"),
    st.text(max_size=30),
)


@given(st.lists(BATCH_ENTRY, max_size=40), st.integers(0, 12_000))
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_batch_file_is_read_within_the_limits_or_refused_with_one_reason(
    tmp_path_factory, parts, repeat
):
    """Whatever a batch file holds (YAML aliases, JSON lines, junk, more entries than the limit),
    load_batch returns at most MAX_BATCH_ENTRIES entries or raises InputError naming the file."""
    from podkb.batch import load_batch
    from podkb.limits import MAX_BATCH_ENTRIES

    text = "".join(parts) + "- query: evaluation\n" * (repeat if repeat > 10_000 else 0)
    path = tmp_path_factory.mktemp("batch") / "q.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        entries = load_batch(path)
    except InputError as exc:
        assert str(exc).startswith(str(path)) and "\n" not in str(exc)
        return
    assert 0 < len(entries) <= MAX_BATCH_ENTRIES
