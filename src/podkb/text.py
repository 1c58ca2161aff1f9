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
    """A BCP-47 tag for one text (en, fr, ja, zh-Hans, zh-Hant, ... or und), from the language
    identifier in `podkb.lang`; ingest identifies a speaker's turns together (`turn_languages`)."""
    from .lang import turn_languages  # imported lazily: the identifier loads its models on use

    return turn_languages([text], [None])[0]


@lru_cache(maxsize=1)
def _word_re() -> re.Pattern[str]:
    return re.compile(f"[{_CJK_CHAR}]|[^\\W_{_CJK_CHAR}]+(?:['’][^\\W_{_CJK_CHAR}]+)*")


def word_count(text: str) -> int:
    """Words in spaced scripts, characters in CJK (the usual count for Chinese and Japanese)."""
    return len(_word_re().findall(text))
