"""The readers, one module per format family, and their registry in detection order.

The first reader whose `sniff` accepts the text reads it. JSON is parsed once and then offered
to the JSON readers, each recognising its own shape. Adding a format is one module here with a
sniff and a read function, and one line in `text_readers` (or `json_readers`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ...errors import InputError
from ...limits import json_loads
from ..context import ReadContext
from ..raw import RawTranscript


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


# `{%`, `{{`, `{#` open a template tag (a Jekyll page's `{% comment %}`), never JSON.
_JSON_START_RE = re.compile(r"^\s*(?:\{(?![%{#])|\[\s*(?:\{|\]))")


# Sniffs are module-level functions, never lambdas: a file read in a worker process comes back
# pickled with its Choice, and a lambda cannot be pickled (every result would be lost, and the
# file read again in the main process).
def _looks_like_json(text: str) -> bool:
    return bool(_JSON_START_RE.match(text))


def _any_text(_text: str) -> bool:
    return True


def text_readers() -> list[TextReader]:
    from . import (
        court,
        html_page,
        html_transcript,
        hyperaudio,
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
        TextReader("json", _looks_like_json, _read_json),
        TextReader("ttml", ttml.looks_like_ttml, ttml.read),
        TextReader("transcriber", transcriber.looks_like_transcriber, transcriber.read),
        TextReader("podlove-xml", podlove_xml.looks_like_podlove_xml, podlove_xml.read),
        TextReader("html", html_transcript.looks_like_html_transcript, html_transcript.read),
        TextReader("hyperaudio", hyperaudio.looks_like_hyperaudio, hyperaudio.read),
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
        TextReader("text", _any_text, webtext.read),
    ]


def paragraphs_reader() -> TextReader:
    """The fallback of the last resort: the whole body as paragraphs, no speakers, no text lost."""
    from . import paragraphs

    return TextReader("paragraphs", paragraphs.looks_like_markup, paragraphs.read)


def json_readers() -> list[JsonReader]:
    from . import podcast_json, stt_json, turn_records

    return [
        # Whisper-style segments (`start`, `text`) before Podcasting 2.0's (`startTime`, `body`),
        # and AssemblyAI (which may say `"chapters": null`) before the chapters file.
        JsonReader("stt-segments", stt_json.is_segments, stt_json.read_segments),
        JsonReader("assemblyai", stt_json.is_assemblyai, stt_json.read_assemblyai),
        JsonReader("deepgram", stt_json.is_deepgram, stt_json.read_deepgram),
        JsonReader("aws-transcribe", stt_json.is_aws_transcribe, stt_json.read_aws_transcribe),
        JsonReader("revai", stt_json.is_revai, stt_json.read_revai),
        JsonReader("iflytek", stt_json.is_iflytek, stt_json.read_iflytek),
        JsonReader("podcast-json", podcast_json.is_transcript, podcast_json.read),
        JsonReader("podcast-chapters", podcast_json.is_chapters, _refuse_chapters),
        JsonReader("turns-json", turn_records.is_turn_array, turn_records.read_array),
        JsonReader("turns-json", turn_records.is_turn_record, turn_records.read_single),
        # After turn records, which also carry `text` and `start`.
        JsonReader("stt-segments", stt_json.is_segment_array, stt_json.read_segment_array),
    ]


def _read_json(text: str, ctx: ReadContext) -> RawTranscript:
    try:
        data = json_loads(text, path=ctx.path)
    except json.JSONDecodeError as exc:
        raise InputError(f"line {exc.lineno}: invalid JSON: {exc.msg}", path=ctx.path) from None
    for reader in json_readers():
        if reader.sniff(data):
            return reader.read(text, data, ctx)
    raise InputError(
        "JSON, but not a transcript podkb reads (it reads Podcasting 2.0 transcripts, Whisper / "
        "WhisperX segments, AssemblyAI, Deepgram, Rev.ai, AWS Transcribe, iFlytek and Podlove "
        "transcripts, and podkb turn records)",
        path=ctx.path,
    )


def _refuse_chapters(text: str, data: Any, ctx: ReadContext) -> RawTranscript:
    raise InputError(
        "a Podcasting 2.0 chapters file, not a transcript: name it after its transcript "
        "(episode.chapters.json next to episode.srt) and ingest the transcript",
        path=ctx.path,
    )
