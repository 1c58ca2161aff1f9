"""Each turn's language, from a language identifier that ships its models in its wheel.

lingua (`lingua-language-detector`) names the language from the text; OpenCC decides which
Chinese script a Chinese turn is written in (lingua says `zh`, the characters say Hans or Hant).

Identifying costs about as much per call as everything else ingest does for a turn, so the
identifier is not run on every turn: the turns of one speaker label in one script (Latin and the
like, or CJK) are one group, and a sample of the group's text is identified once. A group too
short to tell (a speaker who only says "Yeah.") takes the language identified for the same
script elsewhere in the episode; CJK text that short is identified by itself (kana, hangul and
Han settle it), and anything else stays `und`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from .text import HANGUL, KANA, char_class, cjk_run_re, to_simplified

KANA_RE = re.compile(f"[{char_class(KANA)}]")
HANGUL_RE = re.compile(f"[{char_class(HANGUL)}]")

# The languages podkb tells apart (ISO 639-1). Fewer candidates load faster and confuse less;
# a language outside the list comes out as its closest neighbour in it.
LANGUAGES = ("en", "zh", "ja", "ko", "fr", "de", "es", "it", "pt", "nl", "ru")
# What is identified per group: a sentence or two is enough to be sure, and the identifier's cost
# grows with the length of what it reads. CJK scripts tell their language in fewer characters.
_SAMPLE_CHARS = {"other": 160, "cjk": 60}
_MIN_LETTERS = 12  # fewer letters than this cannot be told apart (`OK`, `Yeah.`, `Mm-hmm`)
_NON_LETTERS_RE = re.compile(r"[\W\d_]+")
_ASCII_LETTER_RE = re.compile(r"[A-Za-z]")


@lru_cache(maxsize=1)
def _detector() -> Any:
    """Built on first use and kept: the models load once per process, only if a turn needs it."""
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in LANGUAGES]
    # Low-accuracy mode uses the trigram models only: a tenth of the load time, and as accurate
    # as the full models on samples of a sentence or more, which is what it is given here.
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def identify(text: str) -> str | None:
    """The ISO 639-1 code of the text's language, or None when the identifier cannot tell."""
    found = _detector().detect_language_of(text)
    return None if found is None else str(found.iso_code_639_1.name.lower())


def script_class(text: str) -> str | None:
    """`cjk` for text mostly in Han, kana or hangul, `other` for other letters, None for none."""
    if text.isascii():  # most turns: one C-speed test instead of two passes of regexes
        return "other" if _ASCII_LETTER_RE.search(text) else None
    cjk = sum(len(run) for run in cjk_run_re().findall(text))
    letters = len(_NON_LETTERS_RE.sub("", text))
    if not letters:
        return None
    # CJK text is usually mixed with English words; a character weighs about three letters.
    return "cjk" if cjk * 3 >= letters else "other"


def turn_languages(
    texts: Sequence[str], groups: Sequence[str | None], fallback: str | None = None
) -> list[str]:
    """A BCP-47 tag per text (`en`, `fr`, `ja`, `zh-Hans`, `zh-Hant`, `zh`, ..., or `und`).

    groups: who speaks each text (a speaker label, or None); texts of one group in one script
    are identified together. fallback: the episode's language when the source states it.
    """
    scripts = [script_class(t) for t in texts]
    members: dict[tuple[str | None, str], list[int]] = {}
    for i, script in enumerate(scripts):
        if script is not None:
            members.setdefault((groups[i], script), []).append(i)
    found: dict[tuple[str | None, str], str | None] = {
        key: _identify_group([texts[i] for i in idx], _SAMPLE_CHARS[key[1]])
        for key, idx in members.items()
    }
    by_script = _dominant_by_script(found, members, texts)
    out = []
    for i, text in enumerate(texts):
        script = scripts[i]
        if script is None:
            out.append("und")
            continue
        lang = found[(groups[i], script)] or by_script.get(script)
        if lang is None and script == "cjk":
            lang = identify(text)
        if lang is None and fallback and script_class_of_lang(fallback) == script:
            lang = fallback
        out.append(_tag(lang, text) if lang else "und")
    return out


def script_class_of_lang(tag: str) -> str:
    return "cjk" if tag.split("-")[0] in ("zh", "ja", "ko") else "other"


def _identify_group(texts: list[str], size: int) -> str | None:
    sample = ""
    for text in texts:
        sample = f"{sample}\n{text}" if sample else text
        if len(sample) >= size:
            break
    sample = sample[:size]
    if len(_NON_LETTERS_RE.sub("", sample)) < _MIN_LETTERS:
        return None
    return identify(sample)


def _dominant_by_script(
    found: dict[tuple[str | None, str], str | None],
    members: dict[tuple[str | None, str], list[int]],
    texts: Sequence[str],
) -> dict[str, str]:
    weight: dict[str, Counter[str]] = {}
    for key, lang in found.items():
        if lang is not None:
            size = sum(len(texts[i]) for i in members[key])
            weight.setdefault(key[1], Counter())[lang] += size
    return {script: counts.most_common(1)[0][0] for script, counts in weight.items()}


def _tag(lang: str, text: str) -> str:
    """The BCP-47 tag: Chinese with its script where the characters show it."""
    if lang != "zh":
        return lang
    if KANA_RE.search(text):
        return "ja"  # a Japanese sentence inside a Chinese speaker's turns
    if HANGUL_RE.search(text):
        return "ko"
    return chinese_script(text)


def chinese_script(text: str) -> str:
    """`zh-Hant` or `zh-Hans` when characters only one script uses occur, else `zh`."""
    han = "".join(cjk_run_re().findall(text))
    if to_simplified(han) != han:
        return "zh-Hant"
    return "zh-Hans" if _to_traditional(han) != han else "zh"


@lru_cache(maxsize=1)
def _s2t() -> Any:
    import opencc

    return opencc.OpenCC("s2t")


def _to_traditional(text: str) -> str:
    return str(_s2t().convert(text))


def detect_lang(text: str) -> str:
    """A BCP-47 tag for one text (en, fr, ja, zh-Hans, zh-Hant, ... or und); ingest identifies a
    speaker's turns together (`turn_languages`)."""
    return turn_languages([text], [None])[0]
