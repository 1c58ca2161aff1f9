"""Text normalisation shared by ingest, index and query: one fold, applied the same way everywhere."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

# Han, kana, hangul and CJK punctuation-free ranges: scripts written without spaces between words.
_CJK_CHAR = (
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uf900-\ufaff"  # compatibility ideographs
    "\uac00-\ud7af"  # hangul syllables
    "\U00020000-\U0002ebef"  # extensions B-F
)
CJK_RUN_RE = re.compile(f"[{_CJK_CHAR}]+")
CJK_RE = (
    CJK_RUN_RE  # compiling these classes costs milliseconds at start-up: one pattern serves both
)
_LETTER_RE = re.compile(r"[^\W\d_]")
_NON_LETTERS_RE = re.compile(r"[\W\d_]+")
KANA_RE = re.compile("[\u3040-\u30ff]")
HANGUL_RE = re.compile("[\uac00-\ud7af]")
# A token: a run of CJK characters, or a run of letters/digits (apostrophes inside words kept apart).
TOKEN_RE = re.compile(f"[{_CJK_CHAR}]+|[^\\W_{_CJK_CHAR}]+", re.UNICODE)


@lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc  # imported lazily: only paths that meet Chinese text pay for it

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional -> Simplified, many-to-one: suits keys and indexes, never display."""
    if not CJK_RE.search(text):
        return text
    return str(_t2s().convert(text))


_COMBINING_RE = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def strip_accents(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", _COMBINING_RE.sub("", decomposed))


def fold(text: str) -> str:
    """Case, width, accents and Traditional/Simplified folded: the key both sides compare."""
    if text.isascii():
        return text.lower()  # the common case, and NFKC, casefold and accents change nothing here
    text = unicodedata.normalize("NFKC", text)
    text = strip_accents(text.casefold())
    return to_simplified(text)


def tokens(text: str) -> list[str]:
    """Folded tokens: words for spaced scripts, whole runs for CJK (callers split those)."""
    return TOKEN_RE.findall(fold(text))


def is_cjk(token: str) -> bool:
    """Whether a token (as `tokens` makes them: CJK runs or words) is a CJK run."""
    if not token:
        return False
    c = ord(token[0])
    return (
        0x3040 <= c <= 0x30FF
        or 0x3400 <= c <= 0x4DBF
        or 0x4E00 <= c <= 0x9FFF
        or 0xF900 <= c <= 0xFAFF
        or 0xAC00 <= c <= 0xD7AF
        or 0x20000 <= c <= 0x2EBEF
    )


def cjk_bigrams(run: str) -> list[str]:
    """Overlapping character bigrams, as in Lucene's CJKAnalyzer; a single character stays whole."""
    if len(run) < 2:
        return [run]
    return [a + b for a, b in zip(run, run[1:], strict=False)]


def index_fields(text: str) -> tuple[str, str]:
    """The two indexed forms of a turn's text.

    body: words, with each CJK run written as its overlapping bigrams, so a phrase query of
    bigrams matches exactly where the characters stand together (substring recall, no dictionary).
    uni: every CJK character once per occurrence, for one-character queries.
    """
    body: list[str] = []
    uni: list[str] = []
    for tok in tokens(text):
        if is_cjk(tok):
            body.extend(cjk_bigrams(tok))
            uni.extend(tok)
        else:
            body.append(tok)
    return " ".join(body), " ".join(uni)


def detect_lang(text: str) -> str:
    """A BCP-47 tag from the script of the text: en, zh-Hant, zh-Hans, ja, ko or und."""
    cjk = "".join(CJK_RUN_RE.findall(text))
    if cjk and len(cjk) * 3 >= max(len(_NON_LETTERS_RE.sub("", text)), 1):
        # Chinese text is usually mixed with English words; weight CJK characters heavier.
        if KANA_RE.search(text):
            return "ja"
        if HANGUL_RE.search(text):
            return "ko"
        han = "".join(cjk)
        simplified = to_simplified(han)
        if simplified != han:
            return "zh-Hant"
        return "zh-Hans" if _has_simplified_only(han) else "zh"
    if not _LETTER_RE.search(text):
        return "und"
    return "en" if _looks_english(text) else "und"


@lru_cache(maxsize=1)
def _s2t() -> Any:
    import opencc

    return opencc.OpenCC("s2t")


def _has_simplified_only(han: str) -> bool:
    return bool(_s2t().convert(han) != han)


_EN_STOPWORDS = frozenset(
    "the a an and or but of to in on at for with is are was were be been it this that i you he she "
    "we they my your our not do does did so if as by from have has had what how why when there".split()
)


_EN_STOPWORD_RE = re.compile(r"(?i)\b(?:" + "|".join(sorted(_EN_STOPWORDS)) + r")\b")


def _looks_english(text: str) -> bool:
    if text.isascii() or _EN_STOPWORD_RE.search(text):
        return True
    # Short lines ("Yeah.", "Good.") carry no stopword; Latin-only text defaults to English then.
    return len(re.findall(r"[A-Za-z']+", text)) <= 4


@lru_cache(maxsize=1)
def _word_re() -> re.Pattern[str]:
    return re.compile(f"[{_CJK_CHAR}]|[^\\W_{_CJK_CHAR}]+(?:['’][^\\W_{_CJK_CHAR}]+)*")


def word_count(text: str) -> int:
    """Words in spaced scripts, characters in CJK (the usual count for Chinese and Japanese)."""
    return len(_word_re().findall(text))
