"""The analyzer (text.py): one fold, one tokenizer, one set of index terms for index and query."""

from __future__ import annotations

import pytest

from podkb.lang import detect_lang
from podkb.text import (
    char_class,
    cjk_bigrams,
    fold,
    index_terms,
    is_cjk,
    stem,
    stems_of,
    strip_accents,
    to_simplified,
    tokens,
    word_count,
)


@pytest.mark.parametrize(
    "text, folded",
    [
        ("Leaderboard", "leaderboard"),
        ("ＡＢＣ ｄｅｆ", "abc def"),  # full width
        ("Café ÉCOLE naïve", "cafe ecole naive"),  # accents
        ("Straße", "strasse"),  # case folding, not only lower case
        ("ﬁne", "fine"),  # compatibility forms
        ("疊衣服", "叠衣服"),  # Traditional -> Simplified
        ("人工智能", "人工智能"),
        ("", ""),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded
    assert fold(folded) == folded


@pytest.mark.parametrize(
    "text, expected",
    [
        ("naïve café", "naive cafe"),
        ("plain ascii", "plain ascii"),
        ("Ångström", "Angstrom"),  # case is kept: only the marks go
    ],
)
def test_strip_accents_keeps_the_letters(text, expected):
    assert strip_accents(text) == expected


def test_to_simplified_changes_only_chinese():
    assert to_simplified("疊衣服 and Café") == "叠衣服 and Café"
    assert to_simplified("plain") == "plain"


def test_one_ideograph_folds_as_any_text_folds():
    """fold() takes a lone unified ideograph (a hit's character, highlighted) straight to
    to_simplified: NFKC, case folding and accents must leave every one of them alone."""
    import unicodedata

    for code in [*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000)]:
        ch = chr(code)
        assert fold(ch) == to_simplified(
            strip_accents(unicodedata.normalize("NFKC", ch).casefold())
        )


def _opencc(text: str) -> str:
    import opencc

    return str(opencc.OpenCC("t2s").convert(text))


def test_the_character_table_is_the_installed_openccs_one_character_at_a_time():
    """t2s_table.py stands in for OpenCC on short text; it must say what OpenCC says of every
    code point. With other dictionaries installed than it was made from, it is not used."""
    from podkb import t2s_table
    from podkb.text import _dictionaries_match, _each_character, _t2s_chars

    table = _t2s_chars()
    if not _dictionaries_match(t2s_table.DICTIONARIES):
        assert table is None  # OpenCC converts everything, as before the table
        return
    assert table is not None
    chars = [chr(c) for c in range(0x80, 0x110000) if not 0xD800 <= c <= 0xDFFF]
    converted = _opencc("\n".join(chars)).split("\n")
    differ = [c for c, o in zip(chars, converted, strict=True) if _each_character(c, table) != o]
    assert not differ, f"the table is not OpenCC's for {differ[:10]}: run tests/make_t2s_table.py"


@pytest.mark.parametrize(
    "text",
    [
        "模型",  # no key of OpenCC's: the table
        "評估",  # characters the table converts
        "乾燥",  # a phrase key: 乾 stays 干 only in some phrases
        "天干物燥",
        "于乾",
        "\uf900樂",  # a compatibility ideograph: OpenCC maps it first
        "有序",  # a phrase key made of characters OpenCC leaves alone
        "這些模型在引數數量方面非常龐大,這給您的需求增加了許多複雜性。舉例來說,如果你想構建一個聊天機器人",
    ],
)
def test_to_simplified_is_openccs_t2s(text):
    assert to_simplified(text) == _opencc(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Hello, world!", ["hello", "world"]),
        ("AI 人工智能 is 好", ["ai", "人工智能", "is", "好"]),  # a CJK run stays whole
        ("GPT4人工智能", ["gpt4", "人工智能"]),  # a script change splits
        ("don't x_y", ["don", "t", "x", "y"]),
        ("カタカナ 한국어", ["カタカナ", "한국어"]),
        ("... !!", []),
    ],
)
def test_tokens(text, expected):
    assert tokens(text) == expected


@pytest.mark.parametrize(
    "token, cjk",
    [("人工", True), ("カタ", True), ("한국", True), ("ai", False), ("4人", False), ("", False)],
)
def test_is_cjk_looks_at_the_tokens_first_character(token, cjk):
    assert is_cjk(token) is cjk


@pytest.mark.parametrize(
    "run, bigrams",
    [("人工智能", ["人工", "工智", "智能"]), ("人工", ["人工"]), ("好", ["好"])],
)
def test_cjk_bigrams_overlap(run, bigrams):
    assert cjk_bigrams(run) == bigrams


def test_index_terms_are_words_and_bigrams_then_characters():
    assert index_terms("AI 人工智能 is 好") == (
        ["ai", "人工", "工智", "智能", "is", "好"],
        ["人", "工", "智", "能", "好"],
    )
    assert index_terms("") == ([], [])


@pytest.mark.parametrize(
    "word, stemmed",
    [("evaluation", "evalu"), ("evaluated", "evalu"), ("running", "run"), ("人工智能", "人工智能")],
)
def test_stem_is_english_snowball_and_leaves_chinese_alone(word, stemmed):
    assert stem(word) == stemmed


@pytest.mark.parametrize(
    "body, stems",
    [
        ("evaluated model running", "evalu run"),  # only the words whose stem differs
        ("model data", ""),
        ("人工 evaluated 工智", "evalu"),  # bigrams are never stemmed
        ("", ""),
    ],
)
def test_stems_column(body, stems):
    assert " ".join(stems_of(body.split())) == stems


@pytest.mark.parametrize(
    "text, words",
    [
        ("don't stop", 2),  # an apostrophe inside a word keeps it one word
        ("rock’n’roll", 1),
        ("人工智能 ok", 5),  # a CJK character counts as a word
        ("x_y z", 3),
        ("", 0),
    ],
)
def test_word_count(text, words):
    assert word_count(text) == words


def test_char_class_is_a_regex_range_per_pair():
    assert char_class(((0x41, 0x43), (0x61, 0x62))) == "A-Ca-b"


def test_detect_lang_tags_a_text():
    assert detect_lang("This is an English sentence about podcasts and language models.") == "en"
    assert detect_lang("今天我們聊聊人工智能和播客，還有語言模型。") == "zh-Hant"


# --- what counts as a visible character (ids and names must show one) ----------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        " \t\n\r\f\v",
        "\u00a0\u2003\u3000",  # no-break, em and ideographic spaces (Zs)
        "\u2028\u2029",  # line and paragraph separators (Zl, Zp)
        "\x00\x07\x1b\x7f",  # controls (Cc)
        "\u200b\u200d\u2060\ufeff\u00ad",  # zero-width and soft-hyphen format marks (Cf)
        "\u0301\u0308",  # combining accents with nothing to sit on (Mn)
        "\u20dd",  # an enclosing circle with nothing in it (Me)
        "\u115f",  # Hangul choseong filler
        "\u1160",  # Hangul jungseong filler
        "\u3164",  # Hangul filler
        "\uffa0",  # halfwidth Hangul filler
        "\u2800",  # braille pattern blank
        "\u180e",  # Mongolian vowel separator
    ],
)
def test_text_of_only_blank_characters_is_not_visible(text):
    from podkb.text import is_visible

    assert not is_visible(text)
    assert not is_visible(text + " " + text)


@pytest.mark.parametrize(
    "text", ["a", " a ", "\u200bx", "\u3164\u3165", "é", "e\u0301", "中", "·", "-", "1", "\u2801"]
)
def test_text_with_one_drawn_character_is_visible(text):
    from podkb.text import is_visible

    assert is_visible(text)


# --- the stem cache ---------------------------------------------------------------------------


def test_a_term_first_seen_by_lookup_is_stemmed_then(monkeypatch):
    from podkb import text

    monkeypatch.setattr(text, "_STEMS", {})
    assert text.stem("evaluations") == "evalu"
    assert text.stem("model") == "model" and text._STEMS["model"] == ""  # its own stem: ""
    assert text.stem("評估") == "評估" and text._STEMS["評估"] == ""  # CJK: never stemmed


def test_stems_of_gives_the_stems_that_differ_in_term_order(monkeypatch):
    from podkb import text

    monkeypatch.setattr(text, "_STEMS", {})
    terms = ["evaluated", "model", "running", "評估", "evaluated"]
    assert text.stems_of(terms) == ["evalu", "run", "evalu"]
    # Every term is learnt in one stemmer call, the ones equal to their stem as "".
    assert dict(text._STEMS) == {"evaluated": "evalu", "model": "", "running": "run", "評估": ""}


def test_the_stem_cache_is_cleared_when_it_would_grow_past_its_size(monkeypatch):
    from podkb import text

    monkeypatch.setattr(text, "_STEMS", {})
    monkeypatch.setattr(text, "_STEM_CACHE_SIZE", 3)
    text.stems_of(["walking", "talking"])
    assert set(text._STEMS) == {"walking", "talking"}
    text.stems_of(["running"])  # 2 + 1: at the size, kept
    assert set(text._STEMS) == {"walking", "talking", "running"}
    assert text.stems_of(["jumping"]) == ["jump"]  # 3 + 1: past it, the cache starts again
    assert set(text._STEMS) == {"jumping"}


def test_stems_stay_the_same_when_the_stem_cache_is_cleared_midway(monkeypatch):
    import podkb.text as text

    terms = ["evaluated", "models", "running", "evaluated", "模型"]
    expected = text.stems_of(terms)
    assert expected == ["evalu", "model", "run", "evalu"]
    monkeypatch.setattr(text, "_STEM_CACHE_SIZE", 3)
    text._STEMS.clear()
    text.stems_of(["model", "walked"])  # two forms cached: this text's three new ones clear it
    assert text.stems_of(terms) == expected
    assert text.stem("walked") == "walk"
