"""Podcasting 2.0 JSON: transcripts (`version`, `segments`) and chapters (`version`, `chapters`).

A transcript's segments carry `speaker` (optional), `startTime`, `endTime` and `body`; they are
often one word each. Consecutive segments of one speaker become one turn. A segment without a
speaker has no known speaker (it does not inherit the previous one); such segments are joined
up to the end of a sentence. Every turn keeps the line of its first segment in the file.
"""

from __future__ import annotations

import bisect
import json
import re
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ...errors import InputError
from ..account import mark_json_lines, words_of_texts
from ..raw import RawChapter, RawTranscript
from ..shared.chrome import strip_markup_residue
from ..shared.cues import Cue, merge_cues
from ..shared.nonspeech import strip_pauses

if TYPE_CHECKING:
    from ..context import ReadContext

_WS = " \t\n\r"


class Segment(BaseModel):
    # The spec may grow fields; unknown ones are ignored, the ones podkb reads are checked.
    model_config = ConfigDict(extra="ignore")

    speaker: str | None = None
    startTime: float = Field(ge=0)  # noqa: N815 (the spec's field names)
    endTime: float | None = Field(default=None, ge=0)  # noqa: N815 ("if available", says the spec)
    body: str


class ChapterEntry(BaseModel):
    model_config = ConfigDict(extra="ignore")

    startTime: float = Field(ge=0)  # noqa: N815
    title: str = ""


def is_transcript(data: Any) -> bool:
    return isinstance(data, dict) and "segments" in data


def is_chapters(data: Any) -> bool:
    return isinstance(data, dict) and "chapters" in data and "segments" not in data


def read_podcast_json(
    text: str, data: dict[str, Any], *, path: str = "", chapter_starts: tuple[float, ...] = ()
) -> RawTranscript:
    """`data` is `json.loads(text)`; `text` is read again only to find each segment's line."""
    segments = data.get("segments")
    if not isinstance(segments, list):
        raise InputError("Podcasting 2.0 transcript: `segments` must be a list", path=path)
    offsets = _array_offsets(text, "segments")
    lines = _LineIndex(text)
    cues: list[Cue] = []
    for i, item in enumerate(segments):
        first_at, last_at = offsets[i] if i < len(offsets) else (0, 0)
        line = lines.line_of(first_at)
        try:
            seg = Segment.model_validate(item)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"])
            raise InputError(
                f"line {line}: segments[{i}].{field}: {first['msg']}", path=path
            ) from None
        speaker = seg.speaker.strip() if seg.speaker and seg.speaker.strip() else None
        cues.append(
            Cue(
                # `<p>`, `<a href>` are markup and `[ SPACE 3 secs ]` a pause, not words.
                text=strip_pauses(strip_markup_residue(seg.body)),
                line=line,
                end_line=lines.line_of(last_at),
                start=seg.startTime,
                end=seg.endTime,
                label=speaker,
            )
        )
    raw = RawTranscript(
        format="podcast-json", turns=merge_cues(cues, carry_over=False, boundaries=chapter_starts)
    )
    # Beside `version` and `segments`, podkb's own export names the episode.
    for key in ("episode_id", "title", "show"):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            setattr(raw, key, value.strip())
    raw.source_words = words_of_texts(c.text for c in cues)
    mark_json_lines(
        raw,
        text,
        speech_keys=frozenset({"body"}),
        label_keys=frozenset({"speaker"}),
        timing_keys=frozenset({"startTime", "endTime"}),
    )
    for cue in cues:
        if not cue.text.strip():  # a segment with nothing said: its lines hold no speech
            raw.mark_lines(cue.line, cue.end_line or cue.line, "metadata")
    return raw


class _LineIndex:
    """Line numbers (1-based) of character offsets, by binary search over line starts."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset)


def read_chapters(data: Any, *, path: str = "") -> list[RawChapter]:
    """A Podcasting 2.0 chapters file's entries, in time order."""
    entries = data.get("chapters") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise InputError("Podcasting 2.0 chapters: `chapters` must be a list", path=path)
    chapters = []
    for i, item in enumerate(entries):
        try:
            entry = ChapterEntry.model_validate(item)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"])
            raise InputError(f"chapters[{i}].{field}: {first['msg']}", path=path) from None
        if entry.title.strip():
            chapters.append(RawChapter(title=entry.title.strip(), start=float(entry.startTime)))
    return sorted(chapters, key=lambda c: c.start or 0.0)


def _array_offsets(text: str, key: str) -> list[tuple[int, int]]:
    """Character offsets (first, last) of the elements of the top-level array `key`, found by
    walking the
    document with the JSON decoder itself (a `"segments"` inside a string is never mistaken
    for the key). Empty when the document is not an object holding that array."""
    decoder = json.JSONDecoder()
    pos = _skip(text, 0)
    if not text.startswith("{", pos):
        return []
    pos = _skip(text, pos + 1)
    while pos < len(text) and text[pos] != "}":
        name, pos = decoder.raw_decode(text, pos)
        pos = _skip(text, pos)
        pos = _skip(text, pos + 1)  # the colon
        if name == key and text.startswith("[", pos):
            return _elements(text, pos, decoder)
        _, pos = decoder.raw_decode(text, pos)
        pos = _skip(text, pos)
        if text.startswith(",", pos):
            pos = _skip(text, pos + 1)
    return []


def _elements(text: str, pos: int, decoder: json.JSONDecoder) -> list[tuple[int, int]]:
    offsets = []
    pos = _skip(text, pos + 1)
    while pos < len(text) and text[pos] != "]":
        first = pos
        _, pos = decoder.raw_decode(text, pos)
        offsets.append((first, pos - 1))
        pos = _skip(text, pos)
        if text.startswith(",", pos):
            pos = _skip(text, pos + 1)
    return offsets


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _WS:
        pos += 1
    return pos


def read(text: str, data: Any, ctx: ReadContext) -> RawTranscript:
    return read_podcast_json(text, data, path=ctx.path, chapter_starts=ctx.chapter_starts)
