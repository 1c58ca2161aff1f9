"""Bytes to text (ingest/decode.py), at the library: the encoding each reading names, what a
given --encoding that fails says, what normalising keeps and drops, and where stray NULs stop
being text."""

from __future__ import annotations

import codecs

import pytest

from podkb.errors import InputError
from podkb.ingest.decode import decode_bytes, normalise_text

TEXT = "Maya: Welcome back. Tom: Thanks."


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
        (codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"), "utf-32"),
        (codecs.BOM_UTF32_BE + TEXT.encode("utf-32-be"), "utf-32"),
        (TEXT.encode("utf-8"), "utf-8"),
    ],
)
def test_a_byte_order_mark_names_the_encoding_and_is_not_part_of_the_text(data, encoding):
    decoded = decode_bytes(data, path="a.txt")
    assert (decoded.text, decoded.encoding) == (TEXT, encoding)


@pytest.mark.parametrize(
    ("data", "encoding", "message"),
    [
        (b"hello", "nope-enc", "cannot decode as nope-enc: unknown encoding: nope-enc"),
        (
            b"\xffhello",
            "utf-8",
            "cannot decode as utf-8: 'utf-8' codec can't decode byte 0xff in position 0: "
            "invalid start byte",
        ),
        (b"  \n\t ", "utf-8", "empty file"),  # blank is empty whatever the encoding
    ],
)
def test_a_given_encoding_that_cannot_read_the_bytes_says_so(data, encoding, message):
    with pytest.raises(InputError) as refused:
        decode_bytes(data, path="a.txt", encoding=encoding)
    assert (refused.value.path, refused.value.message) == ("a.txt", message)


def test_a_given_encoding_is_used_even_where_a_guess_would_differ():
    data = "Café crème".encode("cp1252")
    assert decode_bytes(data, path="a.txt", encoding="latin-1").text == "Café crème"
    assert decode_bytes(data, path="a.txt", encoding="latin-1").encoding == "latin-1"


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("a\r\nb\rc\nd", "a\nb\nc\nd"),  # one newline convention
        ("a\x0bb\x0cc\x85d\u2028e\u2029f", "a b c d e f"),  # soft breaks are spaces
        ("a\x00b\x08c\x1bd\x7fe\x80f\x9fg", "abcdefg"),  # C0 (but tab, newline), DEL, C1
        ("Maya\ufeff: hi", "Maya: hi"),  # a byte-order mark inside the text
        ("a\tb", "a\tb"),  # tabs stay, for tab-separated lists
        ("\r\n\r\n", "\n\n"),
    ],
)
def test_normalising_keeps_newlines_and_tabs_and_drops_controls(text, normalised):
    assert normalise_text(text) == normalised


def test_a_file_with_one_nul_in_a_hundred_bytes_is_utf8_text_and_more_is_binary():
    body = b"Maya: welcome back to the show, we talk about rain gauges today and more."
    text = body + b"\x00" + b"x" * (99 - len(body))  # 1 NUL in 100 bytes
    assert len(text) == 100
    decoded = decode_bytes(text, path="a.txt")
    assert (decoded.text, decoded.encoding) == (body.decode() + "x" * (99 - len(body)), "utf-8")
    with pytest.raises(InputError) as refused:
        decode_bytes(text[:99], path="a.txt")  # the same NUL in 99 bytes: over the share
    assert refused.value.message == "binary file (contains NUL bytes), not a transcript"


def test_a_few_nuls_in_bytes_that_are_not_utf8_are_binary():
    with pytest.raises(InputError) as refused:
        decode_bytes(b"\xff" * 200 + b"\x00", path="a.txt")
    assert refused.value.message == "binary file (contains NUL bytes), not a transcript"
