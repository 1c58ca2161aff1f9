"""Text normalisation shared by ingest, index and query: one fold, applied the same way everywhere."""

from __future__ import annotations

import bisect
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

# The scripts written without spaces between words, defined once (code point ranges). The
# analyzer indexes runs of CJK_RANGES as bigrams; readers join cue text without a space between
# UNSPACED characters; decoding and export's reading-time estimate count them.
KANA = ((0x3040, 0x30FF),)  # hiragana, katakana
HAN = (
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # compatibility ideographs
    (0x20000, 0x2EBEF),  # extensions B-F
)
HANGUL = ((0xAC00, 0xD7AF),)  # hangul syllables (Korean spaces its words, but by phrase)
CJK_RANGES = KANA + HAN + HANGUL
CJK_MARKS = ((0x3000, 0x303F), (0xFF00, 0xFFEF))  # CJK punctuation, full-width forms
# Korean is written with spaces: joining its text needs one, so hangul is not "unspaced".
UNSPACED_RANGES = CJK_MARKS + KANA + HAN


def char_class(ranges: tuple[tuple[int, int], ...]) -> str:
    """The inside of a regex character class for these code point ranges."""
    return "".join(f"{chr(a)}-{chr(b)}" for a, b in ranges)


_CJK_CHAR = char_class(CJK_RANGES)
# Below this code point no character is CJK: `max(text) < FIRST_CJK` rules a text out at C speed.
FIRST_CJK = chr(min(start for start, _ in CJK_RANGES))


def range_bounds(ranges: tuple[tuple[int, int], ...]) -> list[int]:
    """Non-overlapping code point ranges as sorted bounds: a code point is in one of them when
    bisect_right puts it at an odd position (in_ranges)."""
    return sorted(x for a, b in ranges for x in (a, b + 1))


def in_ranges(ch: str, bounds: list[int]) -> bool:
    return bisect.bisect_right(bounds, ord(ch)) % 2 == 1


_CJK_BOUNDS = range_bounds(CJK_RANGES)
# Text this short is checked a character at a time against ranges' bounds: a query's words and a
# hit's characters never need a wide pattern compiled (2-3 ms each of a Chinese search's start-up).
SHORT_TEXT = 64


def is_cjk_char(ch: str) -> bool:
    return in_ranges(ch, _CJK_BOUNDS)


@lru_cache(maxsize=1)
def cjk_run_re() -> re.Pattern[str]:
    """A run of CJK characters. Compiled on first use: a class this wide costs 2-3 ms to
    compile (the regex compiler visits every code point of its ranges), and a search process
    whose query and hits hold no CJK never needs it."""
    return re.compile(f"[{_CJK_CHAR}]+")


def has_cjk(text: str) -> bool:
    if text.isascii() or max(text) < FIRST_CJK:
        return False
    if len(text) <= SHORT_TEXT:
        return any(map(is_cjk_char, text))
    return cjk_run_re().search(text) is not None


def _cjk_start(token: str) -> bool:
    return token != "" and token >= FIRST_CJK and is_cjk_char(token[0])


@lru_cache(maxsize=1)
def token_re() -> re.Pattern[str]:
    """A token: a run of CJK characters, or a run of letters/digits (apostrophes inside words
    kept apart). Compiled on first use: the Unicode word class costs ~15 ms, a third of a
    search process's own start-up, and ASCII text (most queries and turns) never needs it."""
    return re.compile(f"([{_CJK_CHAR}]+)|([^\\W_{_CJK_CHAR}]+)", re.UNICODE)


class _CharTable(NamedTuple):
    source: str  # the characters OpenCC converts on their own...
    target: str  # ...and what it converts each of them to
    phrases: tuple[str, ...]  # its phrase keys: where one occurs, OpenCC itself converts


@lru_cache(maxsize=1)
def _t2s_chars() -> _CharTable | None:
    """OpenCC's t2s one character at a time (t2s_table), or None when the installed OpenCC's
    dictionaries are not the ones the table was made from (then every text goes to OpenCC)."""
    from . import t2s_table

    if not _dictionaries_match(t2s_table.DICTIONARIES):
        return None
    return _CharTable(t2s_table.FROM, t2s_table.TO, tuple(t2s_table.PHRASES.split()))


def _dictionaries_match(expected: tuple[tuple[str, int], ...]) -> bool:
    import importlib.util  # finds OpenCC without importing it, which is what the table saves

    spec = importlib.util.find_spec("opencc")
    if spec is None or not spec.submodule_search_locations:
        return False
    share = Path(next(iter(spec.submodule_search_locations))) / "clib" / "share" / "opencc"
    try:
        return all((share / name).stat().st_size == size for name, size in expected)
    except OSError:
        return False


# OpenCC maps compatibility ideographs before it looks for phrases: a text holding one always
# goes to OpenCC itself.
_COMPATIBILITY_BOUNDS = range_bounds(((0xF900, 0xFAFF), (0x2F800, 0x2FA1F)))


def _by_characters(text: str, table: _CharTable) -> bool:
    """Whether OpenCC would convert this text a character at a time: no phrase key occurs in
    it and it holds no compatibility ideograph."""
    if any(in_ranges(ch, _COMPATIBILITY_BOUNDS) for ch in text if ch >= "\uf900"):
        return False
    return len(text) < 2 or not any(phrase in text for phrase in table.phrases)


def _each_character(text: str, table: _CharTable) -> str:
    # str.find over the 5,119 characters: short text only, and no translate table to build
    # (about 0.6 ms of a search process that converts a few characters).
    found = (table.source.find(ch) for ch in text)
    return "".join(ch if i < 0 else table.target[i] for ch, i in zip(text, found, strict=True))


@lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc  # imported lazily: only paths that meet Chinese text pay for it

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional -> Simplified, many-to-one: suits keys and indexes, never display. Exactly
    OpenCC's t2s. Short text (a query's words, one character of a hit) that OpenCC would
    convert a character at a time is translated from t2s_table instead: loading OpenCC costs
    8-12 ms of a Chinese search's start-up. Longer text goes to OpenCC, which is faster
    than a character at a time once loaded."""
    if not has_cjk(text):
        return text
    if len(text) <= SHORT_TEXT:
        table = _t2s_chars()
        if table is not None and _by_characters(text, table):
            return _each_character(text, table)
    return str(_t2s().convert(text))


_COMBINING_RE = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def strip_accents(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", _COMBINING_RE.sub("", decomposed))


# Characters that draw nothing though Unicode does not class them as spaces or format marks.
_BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")


def is_visible(text: str) -> bool:
    """True if the text shows at least one character: not only spaces, zero-width and other
    format characters (U+200B, U+2060, U+FEFF...), controls or blank-looking fillers. An id or a
    name made only of those looks empty, and cannot be typed back."""
    return any(
        not ch.isspace()
        and ch not in _BLANK_LOOKING
        and unicodedata.category(ch) not in ("Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me")
        for ch in text
    )


# Extension A and the unified ideographs (HAN's first two ranges): NFKC, case folding and
# accent stripping leave each of their characters as it is.
_UNIFIED_BOUNDS = range_bounds(HAN[:2])


def fold(text: str) -> str:
    """Case, width, accents and Traditional/Simplified folded: the key both sides compare."""
    if text.isascii():
        return text.lower()  # the common case, and NFKC, casefold and accents change nothing here
    if len(text) == 1 and in_ranges(text, _UNIFIED_BOUNDS):
        return to_simplified(text)  # one ideograph of a hit, highlighted: NFKC etc. keep it
    text = unicodedata.normalize("NFKC", text)
    text = strip_accents(text.casefold())
    return to_simplified(text)


# --- the analyzer: what the index holds and what a query matches ---------------------------------


def tokens(text: str) -> list[str]:
    """Folded tokens: words for spaced scripts, whole runs for CJK (callers split those)."""
    if text.isascii():
        return _ASCII_TOKEN_RE.findall(text.lower())  # the same words, as in index_terms
    folded = fold(text)
    found: list[str] = []
    for piece in folded.split():
        # A query is mostly whole CJK runs and ASCII words: those pieces need no token_re (its
        # first compile costs ~14 ms of a search process); any other piece goes through it.
        if piece >= FIRST_CJK and all(map(is_cjk_char, piece)):
            found.append(piece)
        elif piece.isascii():
            found.extend(_ASCII_TOKEN_RE.findall(piece))
        else:
            found.extend(cjk or word for cjk, word in token_re().findall(piece))
    return found


def is_cjk(token: str) -> bool:
    """Whether a token (as `tokens` makes them: CJK runs or words) is a CJK run."""
    return not token.isascii() and _cjk_start(token)


def cjk_bigrams(run: str) -> list[str]:
    """Overlapping character bigrams, as in Lucene's CJKAnalyzer; a single character stays whole."""
    if len(run) < 2:
        return [run]
    return [a + b for a, b in zip(run, run[1:], strict=False)]


def index_terms(text: str) -> tuple[list[str], list[str]]:
    """What the index holds for a text, in order: (terms, characters).

    terms: folded words, with each CJK run as its overlapping bigrams (a lone character as
    itself), so a phrase of bigrams matches exactly where the characters stand together
    (substring recall, no dictionary). characters: every CJK character once per occurrence, for
    one-character queries. A backend stores these as they are (SQLite: space-joined for FTS5).
    """
    if text.isascii():
        # Most turns: no CJK run, and fold() is lower(); the same words, one C-level pass.
        return _ASCII_TOKEN_RE.findall(text.lower()), []
    terms: list[str] = []
    chars: list[str] = []
    for cjk, word in token_re().findall(fold(text)):
        if cjk:
            terms.extend(cjk_bigrams(cjk))
            chars.extend(cjk)
        else:
            terms.append(word)
    return terms, chars


# token_re()'s word class ([^\W_]) on ASCII text.
_ASCII_TOKEN_RE = re.compile("[a-z0-9]+")


@lru_cache(maxsize=1)
def _english_stemmer() -> Any:
    import Stemmer  # PyStemmer: the Snowball project's own algorithms, compiled; ~2 ms to import

    stemmer = Stemmer.Stemmer("english")
    # Its own cache costs more than it saves (evictions: 5x the stemming itself on a Zipf
    # vocabulary); ingest keeps a plain dict of the forms it has seen (_STEMS).
    stemmer.maxCacheSize = 0
    return stemmer


def stem(word: str) -> str:
    """The English Snowball stem of a folded word (evaluation, evaluated -> evalu); CJK as is."""
    found = _STEMS.get(word)
    if found is None:
        _learn_stems({word})
        found = _STEMS[word]
    return found or word


def stems_of(terms: list[str]) -> list[str]:
    """The stems column of one text, from its index terms: the stem of each term whose stem
    differs from it (evaluated -> evalu; `model` stays out). A word equal to its stem is found
    in body itself, so a query for stem s matches `body : s OR stems : s`, the same turns as a
    column of every stem, at a fraction of its size and without making every English turn look
    twice as long to BM25. CJK bigrams stay out: Chinese and Japanese are matched exactly,
    never by stems."""
    # _STEMS is a plain dict: set.difference probes it once per distinct term (for a dict
    # subclass it would walk the whole dict instead).
    new = set(terms).difference(_STEMS)
    if new and _learn_stems(new):
        _learn_stems(set(terms))  # the cache was cleared: this text's other terms went with it
    return list(filter(None, map(_STEMS.__getitem__, terms)))


# Index term -> its stem where that differs, else "" (CJK terms: ""). Word forms repeat (a Zipf
# vocabulary): a dict lookup per term, the stemmer (one call a text) only for forms not seen yet,
# so ingest pays for each distinct word once. Bounded: cleared when it would pass this size.
_STEM_CACHE_SIZE = 200_000


def _learn_stems(terms: set[str]) -> bool:
    """Put these terms' stems in _STEMS; True if it had to be cleared first."""
    cleared = len(_STEMS) + len(terms) > _STEM_CACHE_SIZE
    if cleared:
        _STEMS.clear()
    words = [t for t in terms if t.isascii() or not _cjk_start(t)]  # is_cjk, inlined
    for term in terms:
        _STEMS[term] = ""
    for word, stemmed in zip(words, _english_stemmer().stemWords(words), strict=True):
        if stemmed != word:
            _STEMS[word] = stemmed
    return cleared


_STEMS: dict[str, str] = {}


@lru_cache(maxsize=1)
def _word_re() -> re.Pattern[str]:
    return re.compile(f"[{_CJK_CHAR}]|[^\\W_{_CJK_CHAR}]+(?:['’][^\\W_{_CJK_CHAR}]+)*")


def word_count(text: str) -> int:
    """Words in spaced scripts, characters in CJK (the usual count for Chinese and Japanese)."""
    if text.isascii():
        return len(_ASCII_WORD_RE.findall(text))  # the same words; a far smaller pattern
    return len(_word_re().findall(text))


_ASCII_WORD_RE = re.compile("[A-Za-z0-9]+(?:'[A-Za-z0-9]+)*")


@lru_cache(maxsize=4096)  # the same few speaker names, once per turn at ingest
def name_key(name: str) -> str:
    """Folded name for comparison: case, width, accents, Traditional/Simplified, spacing."""
    return " ".join(fold(name).replace("·", " ").replace("・", " ").split())
