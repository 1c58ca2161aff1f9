"""Bytes to clean text: encoding detection, newline and control-character normalisation."""

from __future__ import annotations

import codecs
import math
import re
from dataclasses import dataclass

from ..errors import InputError
from ..text import HAN, char_class

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# C0 controls but tab and newline, DEL, and C1: never part of a transcript, and unsafe on a terminal.
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f\x80-\x9f]")
# ...and U+FEFF, a byte-order mark left inside the text (files joined together, a BOM read with
# --encoding utf-16-le): it would glue itself to the next speaker's name.
_DROPPED_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f\x80-\x9f\ufeff]")
_SPACE_IN_HAN_RE = re.compile(f"(?<=[{char_class(HAN)}]) +(?=[{char_class(HAN)}])")
# Characters str.splitlines() would split on; inside a turn they are only white space. Tabs
# stay: tab-separated lists (editors' subtitle lists) are read by their columns.
_SOFT_BREAK_RE = re.compile("[\x0b\x0c\x85\u2028\u2029]")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


def decode_bytes(data: bytes, *, path: str, encoding: str | None = None) -> Decoded:
    """Decode a transcript file's bytes, or raise InputError saying why it cannot be read."""
    if not data.strip():
        raise InputError("empty file", path=path)
    if encoding:
        try:
            return Decoded(normalise_text(data.decode(encoding)), encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise InputError(f"cannot decode as {encoding}: {exc}", path=path) from None
    boms = [name for bom, name in _BOMS if data.startswith(bom)]
    for name in boms:  # FF FE 00 00 is UTF-32's mark, or UTF-16's followed by U+0000
        try:
            bom_text = normalise_text(data.decode(name))
        except UnicodeDecodeError:
            continue
        if not bom_text.strip():  # a byte-order mark and nothing to read after it
            raise InputError("empty file", path=path)
        return Decoded(bom_text, name)
    if boms:
        raise InputError(f"invalid {boms[-1]} after its byte-order mark", path=path)
    if b"\x00" in data:
        # A stray NUL in UTF-8 text is dropped like any control character; many NULs mean
        # UTF-16 without a byte-order mark, or a file that is not text at all.
        reason = _nul_reason(data)
        if reason is None:
            return Decoded(normalise_text(data.decode("utf-8")), "utf-8")
        raise InputError(reason, path=path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        rival = _legacy_reading_of_short_utf8(data, text)
        if rival is not None:
            raise InputError(
                f"ambiguous encoding: reads as UTF-8 ({_sample(text)}) and as {rival[0]} "
                f"({_sample(rival[1])}); give --encoding utf-8 or --encoding {rival[0].lower()}",
                path=path,
            )
        return Decoded(normalise_text(text), "utf-8")
    guess = _guess_legacy_encoding(data)
    if isinstance(guess, _Ambiguous):
        (a, ta), (b, tb) = guess.readings[:2]
        raise InputError(
            f"ambiguous encoding: reads as {a} ({_sample(ta)}) and as {b} ({_sample(tb)}); "
            f"give --encoding {a.lower()} or --encoding {b.lower()}",
            path=path,
        )
    if guess is None:
        raise InputError(
            "not valid UTF-8, and not plausible as GB18030, Big5 or Windows-1252; "
            "give the encoding with --encoding",
            path=path,
        )
    return Decoded(normalise_text(data.decode(guess)), guess)


def normalise_text(text: str) -> str:
    """One newline convention, no control characters, soft breaks as spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SOFT_BREAK_RE.sub(" ", text)
    return _DROPPED_RE.sub("", text)


def _nul_reason(data: bytes) -> str | None:
    """Why bytes with NULs are not read, or None when they are UTF-8 text with a few stray NULs."""
    even_nuls = data[0::2].count(0)
    odd_nuls = data[1::2].count(0)
    half = len(data) // 2
    if half and odd_nuls > 0.3 * half and even_nuls < 0.05 * half:
        return "contains NUL bytes: looks like UTF-16 without a byte-order mark (try --encoding utf-16-le)"
    if half and even_nuls > 0.3 * half and odd_nuls < 0.05 * half:
        return "contains NUL bytes: looks like UTF-16 without a byte-order mark (try --encoding utf-16-be)"
    if data.count(0) <= 0.01 * len(data):
        try:
            data.decode("utf-8")
            return None
        except UnicodeDecodeError:
            pass
    return "binary file (contains NUL bytes), not a transcript"


def _sample(text: str, n: int = 12) -> str:
    return repr("".join(text.split())[:n])


# --- legacy Chinese encodings ------------------------------------------------------------------
#
# Many byte strings decode without error as both GB18030 and Big5 (and short ones as UTF-8 too),
# so a clean decode proves nothing. Each reading is scored by how likely its characters are in
# running Chinese text: the common ("level 1") characters of GB2312 and of Big5 hold about 99% of
# real text, and the other rows (kana, Greek, bopomofo, box drawing, rare characters) almost none.
# The reading that is clearly more likely wins; when none is, podkb asks for --encoding rather
# than guess (checked on 2- to 20-character snippets of the seed transcripts: no wrong reading).

# EUC-KR's "level 1" is its 2350 hangul syllables, its "level 2" the hanja, rare in modern
# Korean: without EUC-KR, Korean read as GB18030 came out as Chinese mojibake.
_W_LEVEL1 = {
    "gb18030": math.log(0.9 / 3755),
    "big5": math.log(0.9 / 5401),
    "euc_kr": math.log(0.9 / 2350),
}
_W_LEVEL2 = {
    "gb18030": math.log(0.02 / 3008),
    "big5": math.log(0.02 / 7652),
    "euc_kr": math.log(0.001 / 4888),
}
# Chinese puts no spaces between characters; Korean puts one between words (of rarely more
# than six syllables).
_W_SPACE_IN_HAN = math.log(0.1)
_W_LONG_HANGUL_RUN = math.log(0.1)  # per syllable past the sixth without a space
_LONG_HANGUL_RUN_RE = re.compile("[\uac00-\ud7a3]{7,}")
_W_PUNCT = math.log(0.1 / 200)
_W_RARE = math.log(0.001 / 1000)
_W_OTHER = math.log(1e-4 / 20000)
_MARGIN = math.log(100)  # the winner must be 100 times more likely than the runner-up
# A plausible Chinese reading averages no worse than rare-but-real characters; Shift-JIS or
# binary read as GB18030 is mostly GBK-extension characters and falls far below.
_MIN_MEAN = math.log(0.01 / 3008)
# Windows-1252: an accented letter inside a word (touching ASCII letters) is ordinary, a run of
# accented letters on their own is what CJK bytes look like when read one byte at a time.
_W_LATIN_IN_WORD = math.log(0.9 / 60)
_W_LATIN_ALONE = math.log(0.05 / 60)
_W_TYPOGRAPHIC = math.log(0.3 / 10)
_TYPOGRAPHIC = "\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u2022\u20ac"
_W_WESTERN_SYMBOL = math.log(0.02 / 10)
_WESTERN_SYMBOLS = "\u00a0«»¿¡°·©®£"
_W_SYMBOL = math.log(0.005 / 40)
# Every reading pays for its ASCII characters too: a Big5 trail byte in 0x40-0x7E is part of a
# character in the Big5 reading but a separate letter in the Windows-1252 one ("非常" -> "«D±`").
_W_ASCII = math.log(1 / 70)


@dataclass(frozen=True)
class _Ambiguous:
    readings: list[tuple[str, str]]  # (encoding, text), most likely first


def _char_class(ch: str, name: str) -> str:
    b = ch.encode(name)
    if len(b) != 2:
        return "other"
    code = b[0] << 8 | b[1]
    if name == "gb18030":
        if b[1] < 0xA1:
            return "other"  # GBK extension: rare characters
        if b[0] in (0xA1, 0xA3):
            return "punct"  # CJK punctuation, full-width forms
        if 0xA2 <= b[0] <= 0xA9:
            return "rare"  # numbered symbols, kana, Greek, Cyrillic, pinyin, box drawing
        if 0xB0 <= b[0] <= 0xD7:
            return "level1"
        return "level2" if 0xD8 <= b[0] <= 0xF7 else "other"
    if name == "euc_kr":
        if b[1] < 0xA1:
            return "other"
        if 0xA1 <= b[0] <= 0xAF:
            # Korean writes ASCII punctuation: full-width and CJK marks (，。「」) point to
            # Chinese; the rest are symbols, jamo, numerals, Greek, box drawing, kana, Cyrillic.
            return "rare"
        if 0xB0 <= b[0] <= 0xC8:
            return "level1"  # hangul syllables
        return "level2" if 0xCA <= b[0] <= 0xFD else "other"  # hanja
    if 0xA140 <= code <= 0xA1FE:
        return "punct"
    if 0xA240 <= code <= 0xA3BF:
        return "rare"  # units, box drawing, Greek, bopomofo
    if 0xA440 <= code <= 0xC67E:
        return "level1"
    return "level2" if 0xC940 <= code <= 0xF9D5 else "other"


def _cjk_reading(data: bytes, name: str) -> tuple[float, float, str] | None:
    """(log-likelihood, share of common characters, text) of a plausible reading, or None."""
    try:
        text = data.decode(name)
    except UnicodeDecodeError:
        return None
    if "\ufffd" in text or _CONTROL_RE.search(text.replace("\x1b", "")):
        return None
    score, common, total = 0.0, 0, 0
    if name == "euc_kr":
        score += _W_LONG_HANGUL_RUN * sum(len(r) - 6 for r in _LONG_HANGUL_RUN_RE.findall(text))
    else:
        score += _W_SPACE_IN_HAN * len(_SPACE_IN_HAN_RE.findall(text))
    for ch in text:
        if ord(ch) < 0x80:
            score += _W_ASCII
            continue
        if 0xE000 <= ord(ch) <= 0xF8FF:
            return None  # private use: user-defined code points, never real text
        cls = _char_class(ch, name)
        total += 1
        if cls == "level1":
            score += _W_LEVEL1[name]
            common += 1
        elif cls == "punct":
            score += _W_PUNCT
            common += 1
        elif cls == "level2":
            score += _W_LEVEL2[name]
        else:
            score += _W_RARE if cls == "rare" else _W_OTHER
    own = score - _W_ASCII * (len(text) - total)  # the characters' own weights, for _MIN_MEAN
    if name == "euc_kr":
        own -= _W_LONG_HANGUL_RUN * sum(len(r) - 6 for r in _LONG_HANGUL_RUN_RE.findall(text))
    else:
        own -= _W_SPACE_IN_HAN * len(_SPACE_IN_HAN_RE.findall(text))
    if total and own / total < _MIN_MEAN:
        return None
    return score, (common / total if total else 1.0), text


def _cp1252_reading(data: bytes) -> tuple[float, float, str] | None:
    """(log-likelihood, 1.0, text) of a plausible Windows-1252 reading, or None."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    if _CONTROL_RE.search(text):
        return None
    score, odd, total = 0.0, 0, 0
    for i, ch in enumerate(text):
        if ord(ch) < 0x80:
            score += _W_ASCII
            continue
        total += 1
        if ch.isalpha():
            before = text[i - 1] if i else ""
            after = text[i + 1] if i + 1 < len(text) else ""
            in_word = any(c.isascii() and c.isalpha() for c in (before, after))
            score += _W_LATIN_IN_WORD if in_word else _W_LATIN_ALONE
        elif ch in _TYPOGRAPHIC:
            score += _W_TYPOGRAPHIC
        elif ch in _WESTERN_SYMBOLS:
            score += _W_WESTERN_SYMBOL
        else:
            score += _W_SYMBOL
            odd += 1
    if total and odd > 0.5 * total:
        return None
    return score, 1.0, text


def _readings(data: bytes) -> list[tuple[float, float, str, str]]:
    """Plausible readings, best first: (log-likelihood, share of common chars, encoding, text)."""
    readings = []
    for name in ("gb18030", "big5", "euc_kr"):
        r = _cjk_reading(data, name)
        if r is not None:
            readings.append((r[0], r[1], name, r[2]))
    r = _cp1252_reading(data)
    if r is not None:
        readings.append((r[0], r[1], "cp1252", r[2]))
    return sorted(readings, reverse=True)


def _legacy_reading_of_short_utf8(data: bytes, text: str) -> tuple[str, str] | None:
    """A short UTF-8 text that is just as plausible as GB18030 or Big5 Chinese, else None.

    GBK text is valid UTF-8 only by chance, which happens for a few characters ("谢谢" reads as
    Cyrillic "лл", "什么" as "ʲô", "为Te" as "ΪTe", "模" as "ģ"). Text whose only non-ASCII
    characters are Latin-1 (é, à, «, £) among ASCII words, or that is mostly ASCII words with a
    few other letters standing apart, is taken as UTF-8 without question; other short text is
    refused as ambiguous when its Chinese or Korean reading is all common characters (real
    Greek, Cyrillic or Polish text reads as rare ones).
    """
    # Counted in C first: most transcripts are long, and only a few non-ASCII characters matter here.
    if text.isascii() or len(text) - len(text.encode("ascii", "ignore")) > 12:
        return None  # longer GBK or Big5 text is valid UTF-8 with odds below one in 10^10
    non_ascii = [c for c in text if ord(c) >= 0x80]
    letters = sum(c.isascii() and c.isalpha() for c in text)
    if all("\u00a0" <= c <= "\u00ff" for c in non_ascii):
        # Latin-1 (é, à, «, £, °): Western text, unless the ASCII around it is too little to say.
        if letters >= 4 * len(non_ascii):
            return None
        for i, ch in enumerate(text):
            if ord(ch) >= 0x80 and (_word_near(text, i - 1, -1) or _word_near(text, i + 1, 1)):
                return None
    elif letters >= 16 * len(non_ascii) and not any(
        "\u0100" <= ch <= "\u07ff" and _glued(text, i) for i, ch in enumerate(text)
    ):
        return None  # a few other letters standing apart in ASCII text (a JSON record's "ȡ")
    ranked = [r for r in _readings(data) if r[2] != "cp1252" and r[1] >= 0.9]
    return (_LABELS[ranked[0][2]], ranked[0][3]) if ranked else None


def _glued(text: str, i: int) -> bool:
    """text[i] touches an ASCII letter ("ΪTran", "formerģ")."""
    around = (text[i - 1] if i else "", text[i + 1] if i + 1 < len(text) else "")
    return any(c.isascii() and c.isalpha() for c in around)


def _word_near(text: str, i: int, step: int) -> bool:
    """An ASCII letter or digit at text[i], or just past one space there."""
    if 0 <= i < len(text) and text[i] == " ":
        i += step
    return 0 <= i < len(text) and text[i].isascii() and text[i].isalnum()


_LABELS = {"gb18030": "GB18030", "big5": "Big5", "euc_kr": "EUC-KR", "cp1252": "Windows-1252"}


def _guess_legacy_encoding(data: bytes) -> str | _Ambiguous | None:
    """GB18030, Big5 or Windows-1252: the clearly most likely reading, _Ambiguous, or None.

    A general-purpose detector decoded short GBK lines as Korean (see PITFALLS.md), so the
    candidates are few and judged by what their characters would be.
    """
    ranked = _readings(data)
    if not ranked:
        return None
    if len(ranked) > 1 and ranked[0][0] - ranked[1][0] < _MARGIN:
        return _Ambiguous([(_LABELS[r[2]], r[3]) for r in ranked])
    return ranked[0][2]
