"""Bytes to clean text: encoding detection, newline and control-character normalisation."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from ..errors import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# C0 controls but tab and newline, DEL, and C1: never part of a transcript, and unsafe on a terminal.
_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f\x80-\x9f]")
# Characters str.splitlines() would split on; inside a turn they are only white space.
_SOFT_BREAK_RE = re.compile("[\x0b\x0c\x85\u2028\u2029\t]")


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
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(normalise_text(data.decode(name)), name)
            except UnicodeDecodeError:
                raise InputError(f"invalid {name} after its byte-order mark", path=path) from None
    if b"\x00" in data:
        raise InputError(_nul_reason(data), path=path)
    try:
        return Decoded(normalise_text(data.decode("utf-8")), "utf-8")
    except UnicodeDecodeError:
        pass
    name = _guess_legacy_encoding(data)
    if name is None:
        raise InputError(
            "not valid UTF-8, and not plausible as GB18030, Big5 or Windows-1252; "
            "give the encoding with --encoding",
            path=path,
        )
    return Decoded(normalise_text(data.decode(name)), name)


def normalise_text(text: str) -> str:
    """One newline convention, no control characters, soft breaks as spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SOFT_BREAK_RE.sub(" ", text)
    return _CONTROL_RE.sub("", text)


def _nul_reason(data: bytes) -> str:
    even_nuls = data[0::2].count(0)
    odd_nuls = data[1::2].count(0)
    half = len(data) // 2
    if half and odd_nuls > 0.3 * half and even_nuls < 0.05 * half:
        return "contains NUL bytes: looks like UTF-16 without a byte-order mark (try --encoding utf-16-le)"
    if half and even_nuls > 0.3 * half and odd_nuls < 0.05 * half:
        return "contains NUL bytes: looks like UTF-16 without a byte-order mark (try --encoding utf-16-be)"
    return "binary file (contains NUL bytes), not a transcript"


def _guess_legacy_encoding(data: bytes) -> str | None:
    """GB18030, Big5 or Windows-1252, chosen from byte statistics and checked by decoding.

    A general-purpose detector decoded short GBK lines as Korean (see PITFALLS.md), so the
    candidates are few and judged by how their double-byte pairs are shaped.
    """
    high = sum(1 for b in data if b >= 0x80)
    pairs, low_trail, isolated = 0, 0, 0
    i = 0
    while i < len(data):
        b = data[i]
        if b < 0x80:
            i += 1
            continue
        nxt = data[i + 1] if i + 1 < len(data) else 0
        if nxt < 0x80 and not (0x40 <= nxt <= 0x7E) or nxt in b" \n\r\t.,":
            isolated += 1
        pairs += 1
        if 0x40 <= nxt <= 0x7E:
            low_trail += 1
        i += 2
    candidates: list[str] = []
    if pairs and isolated / pairs > 0.5 and high < 0.1 * len(data):
        candidates.append("cp1252")
    # Big5 puts about 40% of trail bytes in 0x40-0x7E; GB2312's common characters never do.
    if pairs and low_trail / pairs > 0.1:
        candidates += ["big5", "gb18030"]
    else:
        candidates += ["gb18030", "big5"]
    for name in candidates:
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if _plausible(text, name):
            return name
    return None


def _plausible(text: str, name: str) -> bool:
    if "\ufffd" in text or _CONTROL_RE.search(text.replace("\x1b", "")):
        return False
    non_ascii = [c for c in text if ord(c) >= 0x80]
    if not non_ascii:
        return True
    if name == "cp1252":
        return sum(c.isalpha() or c in "\u2018\u2019\u201c\u201d\u2013\u2014\u20ac" for c in non_ascii) > 0.8 * len(non_ascii)
    from ..text import CJK_RE

    cjkish = sum(1 for c in non_ascii if CJK_RE.match(c) or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef")
    return cjkish > 0.9 * len(non_ascii)
