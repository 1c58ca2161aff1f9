"""Each turn's language comes from the language identifier (lingua), Chinese script from OpenCC."""

from __future__ import annotations

import pytest

from podkb.ingest.pipeline import parse_file
from podkb.lang import turn_languages

# language tag -> an interview in that language: (label, text) per turn.
INTERVIEWS = {
    "en": [
        ("Maya", "Welcome back to the show. Today we are talking about weather stations."),
        ("Tom", "Thanks for having me. I have been building them for about ten years now."),
        ("Maya", "What got you started with it in the first place?"),
        ("Tom", "A broken thermometer and a lot of curiosity, honestly."),
    ],
    "fr": [
        ("Claire", "Bonjour à tous et bienvenue dans notre émission consacrée à la météo."),
        ("Marc", "Merci de m'avoir invité. Je construis des stations depuis dix ans."),
        ("Claire", "Comment avez-vous commencé, au tout début ?"),
        ("Marc", "Avec un vieux thermomètre cassé et beaucoup de curiosité."),
    ],
    "de": [
        ("Anna", "Herzlich willkommen zu unserer Sendung über kleine Wetterstationen."),
        ("Jonas", "Danke für die Einladung. Ich baue solche Stationen seit zehn Jahren."),
        ("Anna", "Wie haben Sie damals eigentlich angefangen?"),
        ("Jonas", "Mit einem kaputten Thermometer und sehr viel Neugier."),
    ],
    "es": [
        ("Lucía", "Hola a todos y bienvenidos a nuestro programa sobre estaciones meteorológicas."),
        ("Diego", "Gracias por invitarme. Llevo diez años construyendo estas estaciones."),
        ("Lucía", "¿Cómo empezaste con todo esto al principio?"),
        ("Diego", "Con un termómetro roto y mucha curiosidad, la verdad."),
    ],
    "ja": [
        ("田中", "皆さん、こんにちは。今日は小さな気象観測所について話します。"),
        ("佐藤", "お招きいただきありがとうございます。十年ほど作り続けています。"),
        ("田中", "最初はどうやって始めたんですか？"),
        ("佐藤", "壊れた温度計と好奇心からですね。"),
    ],
    "ko": [
        ("민수", "안녕하세요, 오늘은 작은 기상 관측소에 대해 이야기하겠습니다."),
        ("지영", "초대해 주셔서 감사합니다. 저는 십 년 동안 관측소를 만들어 왔습니다."),
        ("민수", "처음에는 어떻게 시작하게 되셨나요?"),
        ("지영", "고장 난 온도계와 호기심 때문이었어요."),
    ],
    "zh-Hans": [
        ("主持人", "大家好，欢迎收听本期节目，今天我们聊聊小型气象站。"),
        ("嘉宾", "谢谢邀请，我做气象站已经有十年了，这里面有很多学问。"),
        ("主持人", "你最开始是怎么入门的呢？"),
        ("嘉宾", "一个坏掉的温度计，还有很多好奇心。"),
    ],
    "zh-Hant": [
        ("主持人", "大家好，歡迎收聽本期節目，今天我們聊聊小型氣象站。"),
        ("嘉賓", "謝謝邀請，我做氣象站已經有十年了，這裡面有很多學問。"),
        ("主持人", "你最開始是怎麼入門的呢？"),
        ("嘉賓", "一個壞掉的溫度計，還有很多好奇心。"),
    ],
}


@pytest.mark.parametrize("lang", sorted(INTERVIEWS))
def test_each_turn_gets_its_language(tmp_path, lang):
    path = tmp_path / f"interview-{lang}.txt"
    path.write_text("\n\n".join(f"{name}: {text}" for name, text in INTERVIEWS[lang]) + "\n")
    episode, turns, _digest, _fmt = parse_file(path)
    assert [t.text for t in turns] == [text for _name, text in INTERVIEWS[lang]]
    assert [t.lang for t in turns] == [lang] * 4
    assert episode.lang == lang


def test_speakers_in_different_languages_in_one_episode():
    texts = [text for lang in ("fr", "en", "de", "zh-Hant") for _name, text in INTERVIEWS[lang]]
    groups = [name for lang in ("fr", "en", "de", "zh-Hant") for name, _text in INTERVIEWS[lang]]
    assert turn_languages(texts, groups) == [
        lang for lang in ("fr", "en", "de", "zh-Hant") for _turn in range(4)
    ]


def test_one_speaker_in_two_scripts_is_identified_per_script():
    texts = [
        "So the first thing we measured was the temperature on the roof.",
        "然后我们把传感器搬到了院子里，结果完全不一样。",
    ]
    assert turn_languages(texts, ["Li", "Li"]) == ["en", "zh-Hans"]


def test_short_turns_take_the_episode_language_of_their_script_or_stay_und():
    texts = [
        "Yeah.",
        "Bonjour à tous et bienvenue dans notre émission consacrée à la météo.",
        "OK",
        "1234 5678",
        "好。",
    ]
    # "Yeah." and "OK" cannot be told apart alone: they take the language identified for the same
    # script elsewhere in the episode; digits have no language; one Han character is Chinese.
    assert turn_languages(texts, ["a", "b", "c", "d", "e"]) == ["fr", "fr", "fr", "und", "zh"]
    assert turn_languages(["Yeah.", "OK"], ["a", "b"]) == ["und", "und"]
    assert turn_languages(["Yeah.", "OK"], ["a", "b"], fallback="en") == ["en", "en"]
    # A stated language of another script is no answer for Latin letters.
    assert turn_languages(["Yeah."], ["a"], fallback="zh-Hans") == ["und"]


def test_chinese_script_decides_hans_or_hant_and_common_characters_stay_zh():
    texts = ["我们今天聊聊开源模型。", "我們今天聊聊開源模型。", "大家好"]
    assert turn_languages(texts, ["a", "b", "c"]) == ["zh-Hans", "zh-Hant", "zh"]
