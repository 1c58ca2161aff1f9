"""How each turn's language is decided (lang.py): the script a text is in, a speaker's turns of
one script identified together, short groups taking the language of most of the episode's text
in their script, and the tag a Chinese group gives each of its turns."""

from __future__ import annotations

import pytest

from podkb.lang import detect_lang, script_class, script_class_of_lang, turn_languages

ZH_HANS = "我们今天聊一聊开源模型和评估的方法，这很重要。"
ZH_HANT = "我們今天聊一聊開源模型和評估的方法，這很重要。"


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("hello", "other"),
        ("Ça va", "other"),
        ("1234", None),  # no letters: no script, no language
        ("!!! ...", None),
        ("", None),
        ("안녕하세요", "cjk"),
        ("こんにちは", "cjk"),
        ("模型", "cjk"),
        # A CJK character weighs three letters: two of them (6) against four Latin letters and
        # themselves (6) is cjk...
        ("模型 word", "cjk"),
        # ...but not against five (7).
        ("模型 words", "other"),
    ],
)
def test_a_texts_script_is_cjk_when_its_characters_outweigh_its_letters(text, script):
    assert script_class(text) == script


@pytest.mark.parametrize(
    ("tag", "script"),
    [("zh-Hant", "cjk"), ("ja", "cjk"), ("ko", "cjk"), ("en", "other"), ("fr-CA", "other")],
)
def test_a_stated_language_belongs_to_a_script(tag, script):
    assert script_class_of_lang(tag) == script


def test_short_turns_of_one_speaker_are_identified_together():
    turns = ["Oui, merci.", "Bien sûr.", "Voilà, oui."]
    # Each alone is too short to tell; the speaker's turns together are French.
    assert turn_languages(turns, ["a", "a", "a"]) == ["fr", "fr", "fr"]
    assert turn_languages(turns[:1], ["a"]) == ["und"]
    assert turn_languages(turns, ["a", "b", "c"]) == ["und", "und", "und"]


def test_a_short_group_takes_the_language_of_most_of_its_scripts_text():
    texts = [
        "Yeah.",
        "Bonjour à tous.",
        "Merci beaucoup, Maya.",
        "Hello everyone and welcome to our show about the weather and the rain today, which is "
        "a long one.",
    ]
    # Two French speakers, one English: but English is most of the Latin characters, so the
    # speaker too short to tell is English. Weighed by speakers, it would be French.
    assert turn_languages(texts, ["x", "a", "b", "c"]) == ["en", "fr", "fr", "en"]


def test_a_chinese_speakers_turns_are_tagged_by_the_characters_each_one_shows():
    texts = [ZH_HANS, ZH_HANS, ZH_HANS, "これは日本語です。", "한국어 문장입니다.", ZH_HANT, "好的"]
    assert turn_languages(texts, ["li"] * len(texts)) == [
        "zh-Hans",
        "zh-Hans",
        "zh-Hans",
        "ja",  # kana inside a Chinese speaker's turns
        "ko",  # hangul
        "zh-Hant",
        "zh",  # characters both scripts share
    ]


def test_turns_without_a_speaker_are_one_group():
    assert turn_languages(["Oui, merci.", "Bien sûr.", "Voilà, oui."], [None] * 3) == [
        "fr",
        "fr",
        "fr",
    ]


def test_one_text_is_tagged_alone():
    assert detect_lang("Guten Tag, wir sprechen heute über das Wetter in Berlin.") == "de"
    assert detect_lang("ok") == "und"
    assert detect_lang(ZH_HANT) == "zh-Hant"
