"""Format detection from content (never from the file name) and dispatch to a reader.

In order: WebVTT (`WEBVTT` header), SRT (a first cue with a `-->` timing line), JSON (Podcasting
2.0 transcript, podkb turn records as an array or as JSON lines; a Podcasting 2.0 chapters file
is refused with a hint), the Podcasting 2.0 HTML form (`<cite>` then `<p>`), Otter-style text
(`Name  0:00` lines), and otherwise text (`Name: text` interviews, copied web pages).
"""

from __future__ import annotations

import json
import re

from ..errors import InputError
from .raw import RawTranscript

_JSON_START_RE = re.compile(r"^\s*(?:\{|\[\s*(?:\{|\]))")

FORMATS = ("vtt", "srt", "podcast-json", "turns-json", "turns-jsonl", "html", "otter", "text")


def read_transcript(
    text: str,
    *,
    known_names: frozenset[str] = frozenset(),
    path: str = "",
    chapter_starts: tuple[float, ...] = (),
) -> RawTranscript:
    """chapter_starts: times (from a chapters sidecar) that timed cues never merge across."""
    from . import html_transcript, otter, subtitles, turn_records

    if subtitles.looks_like_vtt(text):
        return subtitles.read_vtt(text, known_names, chapter_starts)
    if subtitles.looks_like_srt(text):
        return subtitles.read_srt(text, known_names, chapter_starts)
    if _JSON_START_RE.match(text):
        if turn_records.looks_like_turn_lines(text) and not _parses(text):
            return turn_records.read_turn_lines(text, path=path)
        return _read_json(text, path, chapter_starts)
    if html_transcript.looks_like_html_transcript(text):
        return html_transcript.read_html_transcript(text, path=path)
    if otter.looks_like_otter(text):
        return otter.read_otter(text)
    from .webtext import read_web_text

    return read_web_text(text, known_names)


def _parses(text: str) -> bool:
    try:
        json.loads(text)
    except json.JSONDecodeError:
        return False
    return True


def _read_json(text: str, path: str, chapter_starts: tuple[float, ...]) -> RawTranscript:
    from . import podcast_json, turn_records

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"line {exc.lineno}: invalid JSON: {exc.msg}", path=path) from None
    if podcast_json.is_transcript(data):
        return podcast_json.read_podcast_json(text, data, path=path, chapter_starts=chapter_starts)
    if podcast_json.is_chapters(data):
        raise InputError(
            "a Podcasting 2.0 chapters file, not a transcript: name it after its transcript "
            "(episode.chapters.json next to episode.srt) and ingest the transcript",
            path=path,
        )
    if isinstance(data, list) and all(turn_records.is_turn_record(x) for x in data):
        return turn_records.read_turn_array(text, data, path=path)
    if turn_records.is_turn_record(data):  # a single record
        return turn_records.records_to_transcript([(1, data)], "turns-json", path)
    raise InputError(
        "JSON, but not a transcript podkb reads (a Podcasting 2.0 transcript with `segments`, "
        "or podkb turn records)",
        path=path,
    )
