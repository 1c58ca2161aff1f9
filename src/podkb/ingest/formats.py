"""Format detection from content (never from the file name) and dispatch to a reader.

Readers are registered in detection order: the first whose `sniff` accepts the text reads it.
JSON is parsed once and then offered to the JSON readers, each recognising its own shape.
Adding a format is one module with a sniff and a read function, and one line here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import InputError
from ..limits import json_loads
from .context import ReadContext
from .raw import RawTranscript


@dataclass(frozen=True)
class TextReader:
    name: str
    sniff: Callable[[str], bool]
    read: Callable[[str, ReadContext], RawTranscript]


@dataclass(frozen=True)
class JsonReader:
    """A JSON shape: `sniff` sees the parsed data; `read` gets the text too (for line numbers)."""

    name: str
    sniff: Callable[[Any], bool]
    read: Callable[[str, Any, ReadContext], RawTranscript]


_JSON_START_RE = re.compile(r"^\s*(?:\{|\[\s*(?:\{|\]))")


def _text_readers() -> list[TextReader]:
    from . import (
        court,
        html_page,
        html_transcript,
        link_labels,
        markdown,
        md_tables,
        otter,
        paragraphs,
        podlove_xml,
        speaker_marks,
        stt_json,
        subtitle_lists,
        subtitles,
        timestamped,
        transcriber,
        ttml,
        turn_records,
        webtext,
    )

    return [
        TextReader("vtt", subtitles.looks_like_vtt, subtitles.read_vtt_file),
        TextReader("srt", subtitles.looks_like_srt, subtitles.read_srt_file),
        TextReader("sbv", subtitle_lists.looks_like_sbv, subtitle_lists.read_sbv_file),
        TextReader(
            "edit-list", subtitle_lists.looks_like_edit_list, subtitle_lists.read_edit_list_file
        ),
        TextReader("turns-jsonl", turn_records.looks_like_turn_jsonl, turn_records.read_jsonl),
        TextReader("whisper-tsv", stt_json.looks_like_whisper_tsv, stt_json.read_whisper_tsv),
        TextReader("json", lambda text: bool(_JSON_START_RE.match(text)), _read_json),
        TextReader("ttml", ttml.looks_like_ttml, ttml.read),
        TextReader("transcriber", transcriber.looks_like_transcriber, transcriber.read),
        TextReader("podlove-xml", podlove_xml.looks_like_podlove_xml, podlove_xml.read),
        TextReader("html", html_transcript.looks_like_html_transcript, html_transcript.read),
        TextReader("link-labels", link_labels.looks_like_link_labels, link_labels.read),
        TextReader(
            "transcriber-html", transcriber.looks_like_transcriber_html, transcriber.read_html
        ),
        TextReader("table", md_tables.looks_like_time_table, md_tables.read),
        TextReader("markdown", markdown.looks_like_markdown_transcript, markdown.read),
        TextReader("html-page", html_page.looks_like_html_page, html_page.read),
        # HTML that no transcript reader took: its text, paragraph by paragraph, no speakers.
        TextReader("paragraphs", paragraphs.looks_like_markup, paragraphs.read),
        TextReader("court", court.looks_like_court_transcript, court.read),
        TextReader("speaker-marks", speaker_marks.looks_like_speaker_marks, speaker_marks.read),
        TextReader("otter", otter.looks_like_otter, otter.read),
        TextReader("timestamped", timestamped.looks_like_timestamped, timestamped.read),
        # Last: `Name: text` interviews and copied web pages; it reads any text.
        TextReader("text", lambda _text: True, webtext.read),
    ]


def _json_readers() -> list[JsonReader]:
    from . import podcast_json, stt_json, turn_records

    return [
        # Whisper-style segments (`start`, `text`) before Podcasting 2.0's (`startTime`, `body`),
        # and AssemblyAI (which may say `"chapters": null`) before the chapters file.
        JsonReader("stt-segments", stt_json.is_segments, stt_json.read_segments),
        JsonReader("assemblyai", stt_json.is_assemblyai, stt_json.read_assemblyai),
        JsonReader("deepgram", stt_json.is_deepgram, stt_json.read_deepgram),
        JsonReader("aws-transcribe", stt_json.is_aws_transcribe, stt_json.read_aws_transcribe),
        JsonReader("revai", stt_json.is_revai, stt_json.read_revai),
        JsonReader("podcast-json", podcast_json.is_transcript, podcast_json.read),
        JsonReader("podcast-chapters", podcast_json.is_chapters, _refuse_chapters),
        JsonReader("turns-json", turn_records.is_turn_array, turn_records.read_array),
        JsonReader("turns-json", turn_records.is_turn_record, turn_records.read_single),
        # After turn records, which also carry `text` and `start`.
        JsonReader("stt-segments", stt_json.is_segment_array, stt_json.read_segment_array),
    ]


def read_transcript(
    text: str,
    *,
    known_names: frozenset[str] = frozenset(),
    path: str = "",
    chapter_starts: tuple[float, ...] = (),
) -> RawTranscript:
    ctx = ReadContext(path=path, known_names=known_names, chapter_starts=chapter_starts)
    for reader in _text_readers():
        if reader.sniff(text):
            if reader.name in _READ_WHOLE:
                _refuse_unclaimed(text, ctx)
            raw = reader.read(text, ctx)
            if reader.name == _LAST_RESORT and _guess_loses_text(raw, text):
                return paragraphs_reader(text, ctx)
            return raw
    raise AssertionError("the text reader accepts any text")  # pragma: no cover


# The reader that takes any text guesses at its shape (labels, page chrome, where the body
# starts). When its guess would lose text, the whole body is read as paragraphs instead.
_LAST_RESORT = "text"


# Readers that take whatever no other reader recognised (markup as paragraphs, any text).
_READ_WHOLE = frozenset({"paragraphs", "text"})


def _refuse_unclaimed(text: str, ctx: ReadContext) -> None:
    """A timed or structured format no reader claims is refused, never read as plain text."""
    from .unclaimed import refusal, unclaimed_format

    kind = unclaimed_format(text)
    if kind is not None:
        raise InputError(refusal(kind), path=ctx.path)


# A file with no turns and fewer words than a sentence is refused as "no transcript turns",
# not read as a one-paragraph transcript (control characters, a stray heading).
_MIN_WORDS_TO_READ = 8


def _guess_loses_text(raw: RawTranscript, text: str) -> bool:
    from .accounting import account

    accounting = raw.accounting = account(raw, text)
    if not raw.turns:
        return accounting.words_source >= _MIN_WORDS_TO_READ
    return accounting.loss() is not None


def paragraphs_reader(text: str, ctx: ReadContext) -> RawTranscript:
    from .paragraphs import read

    return read(text, ctx)


def _read_json(text: str, ctx: ReadContext) -> RawTranscript:
    try:
        data = json_loads(text, path=ctx.path)
    except json.JSONDecodeError as exc:
        raise InputError(f"line {exc.lineno}: invalid JSON: {exc.msg}", path=ctx.path) from None
    for reader in _json_readers():
        if reader.sniff(data):
            return reader.read(text, data, ctx)
    raise InputError(
        "JSON, but not a transcript podkb reads (it reads Podcasting 2.0 transcripts, Whisper / "
        "WhisperX segments, AssemblyAI, Deepgram, Rev.ai, AWS Transcribe and Podlove transcripts, "
        "and podkb turn records)",
        path=ctx.path,
    )


def _refuse_chapters(text: str, data: Any, ctx: ReadContext) -> RawTranscript:
    raise InputError(
        "a Podcasting 2.0 chapters file, not a transcript: name it after its transcript "
        "(episode.chapters.json next to episode.srt) and ingest the transcript",
        path=ctx.path,
    )
