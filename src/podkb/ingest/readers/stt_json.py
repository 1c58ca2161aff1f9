"""Speech-to-text and player JSON: Whisper, WhisperX, AssemblyAI, Deepgram, Rev.ai, AWS
Transcribe, Podlove and the generic "segments with a speaker map" shape; Whisper's `.tsv` too.

Every service cuts speech into timed pieces (segments, utterances, paragraph sentences or
words) and most name the speaker with a diarization id (`SPEAKER_00`, `A`, `spk_0`, a number).
Each reader turns its shape into `_Piece`s: the text, where it starts in the file, start and
end in seconds and the label. Words are grouped into sentences first, so a turn keeps one time
per sentence (what quotes cite), not one per word; word confidences are dropped. Consecutive
pieces of one speaker become one turn (`merge_cues`); a piece without a speaker never takes one.

Units come from the format, never from the size of the numbers: AssemblyAI and Whisper's TSV
count milliseconds, every other shape seconds, and a `start_ms` field is milliseconds anywhere.

Line numbers: the parsed data has none, so `_Doc.find` walks the text with the JSON decoder
along a path (`"*"` for every element of an array) and gives each value with its offset.
The walk is iterative and reads each value a bounded number of times: linear in the file.
"""

from __future__ import annotations

import bisect
import functools
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...errors import InputError
from ...text import word_count
from ..raw import RawChapter, RawTranscript
from ..shared.chrome import strip_markup_residue
from ..shared.cues import Cue, ends_sentence, join_text, merge_cues
from ..shared.labels import parse_time
from ..shared.nonspeech import is_marker_line, strip_markers

if TYPE_CHECKING:
    from ..context import ReadContext

_WS = " \t\n\r"
_MISSING: Any = object()  # no value at this path (absent key, index out of range, not an object)
_UNREAD: Any = object()  # a value found but not decoded yet
_CLOCK_RE = re.compile(r"^\d+(?::\d{1,2}){1,2}(?:[.,]\d+)?$")
_NUMBER_RE = re.compile(r"^\d+(?:\.\d+)?$")
# Keys only AssemblyAI's transcript object has beside `utterances`: its milliseconds hang on it.
_ASSEMBLYAI_KEYS = frozenset(
    {"audio_url", "audio_duration", "acoustic_model", "language_model", "speech_model", "status"}
)

Step = str | int  # a key, an array index, or "*": every element of an array


@dataclass
class _Piece:
    text: str
    offsets: list[int]  # where its text starts in the file (first and, for word groups, the rest)
    start: float | None = None
    end: float | None = None
    label: str | None = None


@dataclass
class _Located:
    offset: int | None
    value: Any = field(default=_MISSING)
    end: int | None = None  # where the value ends, when it was read


class _Doc:
    """The JSON text, and the way from a path in it back to offsets and source lines."""

    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path
        self._newlines = [m.start() for m in re.finditer("\n", text)]
        self._decoder = json.JSONDecoder()
        self._key_patterns: dict[str, re.Pattern[str]] = {}

    def line(self, offset: int | None) -> int:
        return 1 if offset is None else bisect.bisect_left(self._newlines, offset) + 1

    def find(self, path: Sequence[Step]) -> list[_Located]:
        """Every value at `path`, in document order, with its offset. An absent key or index
        gives one `_MISSING` entry, so the results of `path + (key,)` stay aligned with those of
        `path`; `"*"` gives one entry per element (none for a value that is not an array)."""
        found = [_Located(self._skip(0), _UNREAD)]
        for step in path:
            following: list[_Located] = []
            for loc in found:
                if loc.offset is None:
                    if step != "*":
                        following.append(_Located(None))
                elif step == "*":
                    following.extend(self._elements(loc.offset))
                elif isinstance(step, int):
                    elements = self._elements(loc.offset)
                    following.append(elements[step] if step < len(elements) else _Located(None))
                else:
                    following.append(self.member(loc, step))
            found = following
        for loc in found:
            if loc.offset is not None and loc.value is _UNREAD:
                loc.value, loc.end = self._decoder.raw_decode(self.text, loc.offset)
        return found

    def member(self, loc: _Located, key: str) -> _Located:
        """The value of `key` in the object at `loc`. When the object was read already, its
        key is looked up by a search in its span (a `"key":` can only be a key): taken when no
        nested object or array opens before it, else checked against the parsed value. When
        neither holds, the object's keys are walked."""
        if loc.offset is None:
            return _Located(None)
        obj = loc.value
        if isinstance(obj, dict) and loc.end is not None:
            if key not in obj:
                return _Located(None)
            pattern = self._key_patterns.get(key)
            if pattern is None:
                pattern = self._key_patterns[key] = re.compile(rf'"{re.escape(key)}"\s*:\s*')
            m = pattern.search(self.text, loc.offset, loc.end)
            if m is not None and not self._nested_before(loc.offset + 1, m.start()):
                return _Located(m.end(), obj[key])  # no object or array opens before it
            if m is not None:
                value, end = self._decoder.raw_decode(self.text, m.end())
                if value == obj[key]:
                    return _Located(m.end(), value, end)
        return self._member(loc.offset, key)

    def _nested_before(self, start: int, end: int) -> bool:
        """Whether a `{` or `[` (perhaps only inside a string) lies between start and end."""
        return self.text.find("{", start, end) >= 0 or self.text.find("[", start, end) >= 0

    def first(self, loc: _Located) -> _Located:
        """The first element of the array at `loc`."""
        elements = self._elements(loc.offset) if loc.offset is not None else []
        return elements[0] if elements else _Located(None)

    def _skip(self, pos: int) -> int:
        text = self.text
        while pos < len(text) and text[pos] in _WS:
            pos += 1
        return pos

    def _elements(self, pos: int) -> list[_Located]:
        if not self.text.startswith("[", pos):
            return []
        out = []
        pos = self._skip(pos + 1)
        while pos < len(self.text) and self.text[pos] != "]":
            value, end = self._decoder.raw_decode(self.text, pos)
            out.append(_Located(pos, value, end))
            pos = self._skip(end)
            if self.text.startswith(",", pos):
                pos = self._skip(pos + 1)
        return out

    def _member(self, pos: int, key: str) -> _Located:
        if not self.text.startswith("{", pos):
            return _Located(None)
        pos = self._skip(pos + 1)
        while pos < len(self.text) and self.text[pos] != "}":
            name, pos = self._decoder.raw_decode(self.text, pos)
            pos = self._skip(self._skip(pos) + 1)  # past the colon
            if name == key:
                return _Located(pos, _UNREAD)
            _, pos = self._decoder.raw_decode(self.text, pos)
            pos = self._skip(pos)
            if self.text.startswith(",", pos):
                pos = self._skip(pos + 1)
        return _Located(None)

    def error(self, offset: int | None, where: str, reason: str) -> InputError:
        return InputError(f"line {self.line(offset)}: {where}: {reason}", path=self.path)


# --- detection --------------------------------------------------------------------------------


def _is_stt_segment(obj: Any) -> bool:
    """A Whisper-style segment (`start`/`end`/`text`), not a Podcasting 2.0 one (`body`)."""
    return (
        isinstance(obj, dict)
        and "text" in obj
        and ("start" in obj or "start_ms" in obj)
        and "body" not in obj
        and "startTime" not in obj
    )


def is_segments(data: Any) -> bool:
    """Whisper, faster-whisper, whisper-timestamped, WhisperX and `{speakers, segments}`."""
    if not isinstance(data, dict):
        return False
    segments = data.get("segments")
    return isinstance(segments, list) and bool(segments) and _is_stt_segment(segments[0])


def is_segment_array(data: Any) -> bool:
    """A bare array of segments: WhisperX/pyannote dumps, Podlove's player transcript."""
    return isinstance(data, list) and bool(data) and _is_stt_segment(data[0])


def is_assemblyai(data: Any) -> bool:
    # `utterances` alone is too common a key to decide milliseconds on: a key only AssemblyAI's
    # transcript object has must be there too.
    return (
        isinstance(data, dict)
        and (data.get("utterances") is None or isinstance(data["utterances"], list))
        and "utterances" in data
        and not _ASSEMBLYAI_KEYS.isdisjoint(data)
    )


def is_deepgram(data: Any) -> bool:
    results = data.get("results") if isinstance(data, dict) else None
    return isinstance(results, dict) and (
        isinstance(results.get("channels"), list) or isinstance(results.get("utterances"), list)
    )


def is_aws_transcribe(data: Any) -> bool:
    """`results.items` of words with `alternatives` (`results.transcripts` is often cut away)."""
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, dict):
        return False
    items = results.get("items")
    return isinstance(items, list) and (
        "transcripts" in results
        or any(isinstance(i, dict) and "alternatives" in i for i in items[:1])
    )


def is_iflytek(data: Any) -> bool:
    """iFlytek's long-audio transcription result: an array of `{bg, ed, onebest, speaker}`."""
    return (
        isinstance(data, list)
        and bool(data)
        and isinstance(data[0], dict)
        and "onebest" in data[0]
        and "bg" in data[0]
    )


def is_revai(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("monologues"), list)


# --- shared pieces ----------------------------------------------------------------------------


def _time(doc: _Doc, loc: _Located, item: dict[str, Any], name: str, scale: float) -> float | None:
    """`item[name]` in seconds: a number in the format's unit (`scale` seconds per unit), a
    clock string (`00:01:02.500`) or a number in a string (AWS); `name_ms` is milliseconds."""
    where = name
    value = item.get(f"{name}_ms")
    if value is not None:
        scale, where = 0.001, f"{name}_ms"
    else:
        value = item.get(name)
    if value is None:
        return None
    seconds: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value) * scale
    elif isinstance(value, str) and _NUMBER_RE.match(value.strip()):
        seconds = float(value) * scale
    elif isinstance(value, str) and _CLOCK_RE.match(value.strip()):
        seconds = parse_time(value.strip())
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        raise doc.error(loc.offset, where, f"not a time: {str(value)[:40]!r}")
    return round(seconds, 3)


def _text(doc: _Doc, loc: _Located, value: Any, where: str) -> str:
    if value is None or value is _MISSING:
        return ""
    if not isinstance(value, str):
        raise doc.error(loc.offset, where, "text must be a string")
    return value


def _label(value: Any, names: dict[str, str] | None = None) -> str | None:
    """A speaker id as the source writes it; a number (Deepgram, Rev.ai, Podlove) as
    `Speaker N`, the way those services print their own transcripts. A name the source maps the
    id to wins."""
    if not isinstance(value, str | int) or isinstance(value, bool):
        return None  # absent, or not an id at all (an object, a list): no speaker is given
    text = str(value).strip()
    label = f"Speaker {text}" if text.isdigit() else text  # `1` and `"1"` alike (Podlove)
    if names and str(value) in names:
        return names[str(value)]
    return label or None


def _group_words(words: Sequence[_Piece]) -> list[_Piece]:
    """Word pieces as sentence pieces: a group ends at the end of a sentence or where the
    speaker changes, and starts when its first timed word does."""
    out: list[_Piece] = []
    current: _Piece | None = None
    for word in words:
        if not word.text.strip():
            continue
        if current is not None and word.label != current.label:
            out.append(current)
            current = None
        if current is None:
            current = _Piece(
                word.text.strip(), list(word.offsets), word.start, word.end, word.label
            )
        else:
            current.text = join_text(current.text, word.text)
            current.offsets.extend(word.offsets)
            current.start = current.start if current.start is not None else word.start
            current.end = word.end if word.end is not None else current.end
        if ends_sentence(current.text):
            out.append(current)
            current = None
    if current is not None:
        out.append(current)
    return out


def _transcript(doc: _Doc, fmt: str, pieces: Sequence[_Piece], ctx: ReadContext) -> RawTranscript:
    """Pieces into turns; every line that holds no speech is the file's structure (metadata)."""
    cues: list[Cue] = []
    text_lines: set[int] = set()
    marker_lines: set[int] = set()
    words = 0
    for piece in pieces:
        # A line break inside a piece is the tool's display wrapping, not a paragraph; tags
        # (`<p>`, `<a href>`) some exporters leave in the text are markup.
        text = functools.reduce(join_text, piece.text.split("\n"), "").strip()
        text = strip_markup_residue(text)
        lines = [doc.line(o) for o in piece.offsets] or [1]
        if is_marker_line(text):  # Whisper's `[Music]` segment: nothing anyone said
            marker_lines.update(lines)
            continue
        text = strip_markers(text)
        if not text:
            continue
        text_lines.update(lines)
        words += word_count(text)
        cues.append(
            Cue(
                text=text,
                line=lines[0],
                end_line=max(lines),
                start=piece.start,
                end=piece.end,
                label=piece.label,
            )
        )
    raw = RawTranscript(
        format=fmt, turns=merge_cues(cues, carry_over=False, boundaries=ctx.chapter_starts)
    )
    raw.source_words = words
    for n in marker_lines - text_lines:
        raw.mark(n, "non_speech")
    for n, content in enumerate(doc.text.split("\n"), start=1):
        if n not in text_lines and content.strip():
            raw.mark(n, "metadata")
    return raw


# --- Whisper and friends: segments with start, end, text ---------------------------------------


def read_segments(text: str, data: Any, ctx: ReadContext) -> RawTranscript:
    names = data.get("speakers") if isinstance(data.get("speakers"), dict) else None
    names = {str(k): str(v).strip() for k, v in (names or {}).items() if str(v).strip()}
    return _read_segment_list(_Doc(text, ctx.path), ("segments",), names, "stt-segments", ctx)


def read_segment_array(text: str, data: Any, ctx: ReadContext) -> RawTranscript:
    return _read_segment_list(_Doc(text, ctx.path), (), {}, "stt-segments", ctx)


def _read_segment_list(
    doc: _Doc, at: tuple[Step, ...], names: dict[str, str], fmt: str, ctx: ReadContext
) -> RawTranscript:
    segments = doc.find((*at, "*"))
    texts = [doc.member(seg, "text") for seg in segments]
    scale, unit = _segment_time_unit([seg.value for seg in segments])
    pieces: list[_Piece] = []
    for i, (seg, text_loc) in enumerate(zip(segments, texts, strict=True)):
        where = f"segments[{i}]"
        item = seg.value
        if not isinstance(item, dict):
            raise doc.error(seg.offset, where, "a segment must be an object")
        text = _text(doc, text_loc, text_loc.value, f"{where}.text")
        start = _time(doc, seg, item, "start", scale)
        end = _time(doc, seg, item, "end", scale)
        label = _segment_label(item, names)
        words = item.get("words")
        if label is None and isinstance(words, list) and _words_have_speakers(words):
            pieces.extend(_group_words(_whisper_words(doc, text_loc, words, names, where, scale)))
            continue
        pieces.append(_Piece(text, [text_loc.offset or seg.offset or 0], start, end, label))
    raw = _transcript(doc, fmt, pieces, ctx)
    raw.time_unit = unit
    return raw


# Speech runs at two to three words a second; even slow speech with pauses stays well under
# ten seconds a word. Integer times that, read as seconds, give a segment (or the file) more
# than this many seconds a word are milliseconds.
_MAX_SECONDS_PER_WORD = 10.0
# Nobody says twenty words a second: times that would make them do so are not milliseconds.
_MIN_SECONDS_PER_WORD = 0.05


def _segment_time_unit(items: list[Any]) -> tuple[float, str | None]:
    """Seconds per unit of the segments' `start`/`end`, decided once for the whole file, and
    what was decided and why (None when the field names say: `start_ms`).

    The fields do not name their unit; Whisper writes seconds with decimals, other tools
    integer milliseconds. Fractions or clock strings mean seconds. When every time is an
    integer, the lengths decide: as seconds, would the words take impossibly long?
    """
    values: list[Any] = []
    rates: list[float] = []
    words = 0
    last = 0.0
    for item in items:
        if not isinstance(item, dict) or "start_ms" in item:
            continue
        start: Any = item.get("start")
        end: Any = item.get("end")
        values.extend(v for v in (start, end) if v is not None)
        n = word_count(item["text"]) if isinstance(item.get("text"), str) else 0
        words += n
        if _is_int(start) and _is_int(end):
            last = max(last, float(end))
            if n and end > start:
                rates.append((end - start) / n)
        elif _is_int(start):
            last = max(last, float(start))
    if not values:
        return 1.0, None
    if not all(_is_int(v) for v in values):
        return 1.0, "seconds (times with fractions or clock strings)"
    rates.sort()
    # A segment's own length against its words; the file's last end when segments have none.
    rate = rates[len(rates) // 2] if rates else (last / words if words else 0.0)
    if rate > _MAX_SECONDS_PER_WORD and rate / 1000 >= _MIN_SECONDS_PER_WORD:
        return 0.001, (
            f"milliseconds (every time an integer; as seconds a word would take {rate:.0f} s, "
            f"the last end {last / 3600:.1f} h for {words} words)"
        )
    return 1.0, (
        f"seconds (every time an integer; as milliseconds {words} words would take "
        f"{last / 1000:.1f} s)"
    )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _segment_label(item: dict[str, Any], names: dict[str, str]) -> str | None:
    # Podlove's `voice` is the speaker's name; its `speaker` is only an id for it.
    voice = item.get("voice")
    if isinstance(voice, str) and voice.strip():
        return voice.strip()
    for key in ("speaker", "speakerLabel", "speaker_label"):
        if item.get(key) is not None:
            return _label(item[key], names)
    return None


def _words_have_speakers(words: list[Any]) -> bool:
    return any(isinstance(w, dict) and w.get("speaker") is not None for w in words)


def _whisper_words(
    doc: _Doc,
    text_loc: _Located,
    words: list[Any],
    names: dict[str, str],
    where: str,
    scale: float = 1.0,
) -> list[_Piece]:
    """WhisperX words with their own `speaker`: a word it could not align (numbers, often) has
    none and stays with the speaker before it in the same segment."""
    pieces: list[_Piece] = []
    label: str | None = None
    for word in words:
        if not isinstance(word, dict):
            continue
        token = word.get("word", word.get("text"))
        if not isinstance(token, str):
            continue
        if word.get("speaker") is not None:
            label = _label(word["speaker"], names)
        loc = _Located(text_loc.offset)
        pieces.append(
            _Piece(
                token,
                [text_loc.offset or 0],
                _time(doc, loc, word, "start", scale),
                _time(doc, loc, word, "end", scale),
                label,
            )
        )
    return pieces


# --- AssemblyAI: utterances (or words) in milliseconds -----------------------------------------


def read_iflytek(text: str, data: Any, ctx: ReadContext) -> RawTranscript:
    """`[{"bg": "100", "ed": "1220", "onebest": "那你们怎么样？", "speaker": "1"}, ...]`: iFlytek's
    lfasr result. `bg`/`ed` are milliseconds (in strings), as its API documents them; speakers
    count from 1, and `0` means the speakers were not separated (no speaker is given)."""
    doc = _Doc(text, ctx.path)
    pieces: list[_Piece] = []
    for i, seg in enumerate(doc.find(("*",))):
        item = seg.value
        if not isinstance(item, dict):
            raise doc.error(seg.offset, f"[{i}]", "a segment must be an object")
        text_loc = doc.member(seg, "onebest")
        said = _text(doc, text_loc, text_loc.value, f"[{i}].onebest")
        speaker = item.get("speaker")
        label = None if str(speaker).strip() in ("0", "", "None") else _label(speaker)
        start = _time(doc, seg, item, "bg", 0.001)
        end = _time(doc, seg, item, "ed", 0.001)
        pieces.append(_Piece(said, [text_loc.offset or seg.offset or 0], start, end, label))
    return _transcript(doc, "iflytek", pieces, ctx)


def read_assemblyai(text: str, data: Any, ctx: ReadContext) -> RawTranscript:
    doc = _Doc(text, ctx.path)
    pieces: list[_Piece] = []
    if isinstance(data.get("utterances"), list) and data["utterances"]:
        utterances = doc.find(("utterances", "*"))
        texts = [doc.member(utt, "text") for utt in utterances]
        for i, (utt, text_loc) in enumerate(zip(utterances, texts, strict=True)):
            item = utt.value
            if not isinstance(item, dict):
                raise doc.error(utt.offset, f"utterances[{i}]", "must be an object")
            pieces.append(
                _Piece(
                    _text(doc, text_loc, text_loc.value, f"utterances[{i}].text"),
                    [text_loc.offset or utt.offset or 0],
                    _time(doc, utt, item, "start", 0.001),
                    _time(doc, utt, item, "end", 0.001),
                    _label(item.get("speaker")),
                )
            )
    elif isinstance(data.get("words"), list) and data["words"]:
        pieces = _group_words(_word_pieces(doc, ("words",), "text", 0.001))
    else:
        loc = doc.find(("text",))[0]
        pieces = [_Piece(_text(doc, loc, loc.value, "text"), [loc.offset or 0])]
    raw = _transcript(doc, "assemblyai", pieces, ctx)
    raw.chapters = _assemblyai_chapters(data)
    return raw


def _assemblyai_chapters(data: dict[str, Any]) -> list[RawChapter]:
    """Auto chapters (`headline`, `start` in ms) when the transcript has them; `null` is none."""
    chapters = data.get("chapters")
    if not isinstance(chapters, list):
        return []
    out = []
    for ch in chapters:
        if not isinstance(ch, dict) or not isinstance(ch.get("headline"), str):
            continue
        start = ch.get("start")
        if isinstance(start, bool) or not isinstance(start, int | float) or start < 0:
            start = None
        out.append(
            RawChapter(title=ch["headline"].strip(), start=None if start is None else start / 1000)
        )
    return [c for c in out if c.title]


def _word_pieces(
    doc: _Doc, at: tuple[Step, ...], text_key: str, scale: float, alt_key: str | None = None
) -> list[_Piece]:
    """Word objects (`text_key`, `start`, `end`, `speaker`) at `at` as one piece each."""
    words = doc.find((*at, "*"))
    texts = [doc.member(word, alt_key or text_key) for word in words]
    pieces = []
    for word, text_loc in zip(words, texts, strict=True):
        item = word.value
        if not isinstance(item, dict):
            continue
        token = text_loc.value
        if not isinstance(token, str) and alt_key:
            token = item.get(text_key)
        if not isinstance(token, str):
            continue
        pieces.append(
            _Piece(
                token,
                [text_loc.offset or word.offset or 0],
                _time(doc, word, item, "start", scale),
                _time(doc, word, item, "end", scale),
                _label(item.get("speaker")),
            )
        )
    return pieces


# --- Deepgram: results.utterances, or per channel paragraphs, words or the transcript ---------


def read_deepgram(text: str, data: Any, ctx: ReadContext) -> RawTranscript:
    doc = _Doc(text, ctx.path)
    results = data["results"]
    channels = results.get("channels") if isinstance(results.get("channels"), list) else []
    several = len(channels) > 1
    pieces: list[_Piece] = []
    if isinstance(results.get("utterances"), list) and results["utterances"]:
        utterances = doc.find(("results", "utterances", "*"))
        texts = [doc.member(utt, "transcript") for utt in utterances]
        for i, (utt, text_loc) in enumerate(zip(utterances, texts, strict=True)):
            item = utt.value
            if not isinstance(item, dict):
                raise doc.error(utt.offset, f"results.utterances[{i}]", "must be an object")
            pieces.append(
                _Piece(
                    _text(doc, text_loc, text_loc.value, f"results.utterances[{i}].transcript"),
                    [text_loc.offset or utt.offset or 0],
                    _time(doc, utt, item, "start", 1.0),
                    _time(doc, utt, item, "end", 1.0),
                    _deepgram_label(item.get("speaker"), item.get("channel"), several),
                )
            )
    else:
        for ch in range(len(channels)):
            pieces.extend(_deepgram_channel(doc, ch, several))
        if several:  # channels are read one after the other; the talk interleaves them
            pieces.sort(key=lambda p: math.inf if p.start is None else p.start)
    return _transcript(doc, "deepgram", pieces, ctx)


def _deepgram_label(speaker: Any, channel: Any, several_channels: bool) -> str | None:
    if speaker is not None:
        return _label(speaker)
    if several_channels and isinstance(channel, int) and not isinstance(channel, bool):
        return f"Channel {channel}"  # one channel per party (a call): the channel is the speaker
    return None


def _deepgram_channel(doc: _Doc, ch: int, several: bool) -> list[_Piece]:
    alt: tuple[Step, ...] = ("results", "channels", ch, "alternatives", 0)
    paragraphs = doc.find((*alt, "paragraphs", "paragraphs", "*"))
    if paragraphs and any(isinstance(p.value, dict) for p in paragraphs):
        sentences = iter(doc.find((*alt, "paragraphs", "paragraphs", "*", "sentences", "*")))
        pieces = []
        for para in paragraphs:
            item = para.value if isinstance(para.value, dict) else {}
            label = _deepgram_label(item.get("speaker"), ch, several)
            listed = item.get("sentences")
            for _ in range(len(listed) if isinstance(listed, list) else 0):
                sentence = next(sentences)
                text_loc = doc.member(sentence, "text")
                if not isinstance(sentence.value, dict):
                    continue
                pieces.append(
                    _Piece(
                        _text(doc, text_loc, text_loc.value, "sentences.text"),
                        [text_loc.offset or sentence.offset or 0],
                        _time(doc, sentence, sentence.value, "start", 1.0),
                        _time(doc, sentence, sentence.value, "end", 1.0),
                        label,
                    )
                )
        return pieces
    words = _word_pieces(doc, (*alt, "words"), "word", 1.0, alt_key="punctuated_word")
    if words:
        for w in words:
            w.label = w.label or _deepgram_label(None, ch, several)
        return _group_words(words)
    loc = doc.find((*alt, "transcript"))[0]
    return [_Piece(_text(doc, loc, loc.value, "transcript"), [loc.offset or 0])]


# --- Rev.ai: monologues of text and punctuation elements ---------------------------------------


def read_revai(text: str, data: Any, ctx: ReadContext) -> RawTranscript:
    doc = _Doc(text, ctx.path)
    monologues = doc.find(("monologues", "*"))
    element_locs = iter(doc.find(("monologues", "*", "elements", "*")))
    pieces: list[_Piece] = []
    for i, mono in enumerate(monologues):
        item = mono.value
        if not isinstance(item, dict):
            raise doc.error(mono.offset, f"monologues[{i}]", "must be an object")
        info = item.get("speaker_info")
        name = info.get("display_name") if isinstance(info, dict) else None
        label = name.strip() if isinstance(name, str) and name.strip() else None
        label = label or _label(item.get("speaker"))
        elements = item.get("elements")
        words = []
        for element in elements if isinstance(elements, list) else []:
            loc = doc.member(next(element_locs), "value")
            if not isinstance(element, dict) or not isinstance(element.get("value"), str):
                continue
            if element.get("type") == "text":
                start = _time(doc, loc, element, "ts", 1.0)
                end = _time(doc, loc, element, "end_ts", 1.0)
            else:  # punctuation and the spaces between words: untimed
                start = end = None
            words.append(_Piece(element["value"], [loc.offset or 0], start, end, label))
        pieces.extend(_group_words(words))
    return _transcript(doc, "revai", pieces, ctx)


# --- AWS Transcribe: items (words, punctuation) and speaker_labels ----------------------------


def read_aws_transcribe(text: str, data: Any, ctx: ReadContext) -> RawTranscript:
    doc = _Doc(text, ctx.path)
    results = data["results"]
    speakers = _aws_speakers(results)
    items = doc.find(("results", "items", "*"))
    contents = [
        doc.member(doc.first(doc.member(item, "alternatives")), "content") for item in items
    ]
    words: list[_Piece] = []
    label: str | None = None
    for item_loc, content in zip(items, contents, strict=True):
        item = item_loc.value
        if not isinstance(item, dict) or not isinstance(content.value, str):
            continue
        start = _time(doc, item_loc, item, "start_time", 1.0)
        end = _time(doc, item_loc, item, "end_time", 1.0)
        if item.get("type") != "punctuation":
            label = _label(item.get("speaker_label") or item.get("channel_label"))
            if label is None and isinstance(item.get("start_time"), str):
                label = speakers.get(item["start_time"])
        # Punctuation has no time and no speaker: it belongs to the word before it.
        words.append(_Piece(content.value, [content.offset or 0], start, end, label))
    return _transcript(doc, "aws-transcribe", _group_words(words), ctx)


def _aws_speakers(results: dict[str, Any]) -> dict[str, str]:
    """Word start time -> speaker (or channel) label, from `speaker_labels`/`channel_labels`."""
    out: dict[str, str] = {}
    sections = (
        (results.get("speaker_labels"), "segments", "speaker_label"),
        (results.get("channel_labels"), "channels", "channel_label"),
    )
    for section, list_key, label_key in sections:
        groups = section.get(list_key) if isinstance(section, dict) else None
        for group in groups if isinstance(groups, list) else []:
            if not isinstance(group, dict):
                continue
            for item in group.get("items") or []:
                if isinstance(item, dict) and isinstance(item.get("start_time"), str):
                    label = item.get(label_key) or group.get(label_key)
                    if isinstance(label, str) and label.strip():
                        out.setdefault(item["start_time"], label.strip())
    return out


# --- Whisper's TSV: start, end (milliseconds) and text -----------------------------------------

# Decoding turns tabs into spaces (a tab inside a turn is only white space), so columns are
# separated by white space here; the text column is the rest of the line.
_TSV_HEADER_RE = re.compile(r"\s*start[ \t]+end[ \t]+text[ \t]*(?:\n|$)", re.IGNORECASE)
_TSV_ROW_RE = re.compile(r"^(\d+)\s+(\d+)(?:\s+(.*))?$")


def looks_like_whisper_tsv(text: str) -> bool:
    return bool(_TSV_HEADER_RE.match(text))  # the first line, without copying the text


def read_whisper_tsv(text: str, ctx: ReadContext) -> RawTranscript:
    raw = RawTranscript(format="whisper-tsv")
    cues: list[Cue] = []
    header_seen = False
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        if not header_seen:
            header_seen = True
            raw.mark(n, "metadata")
            continue
        m = _TSV_ROW_RE.match(line.strip())
        if m is None:
            raise InputError(
                f"line {n}: expected `start<TAB>end<TAB>text` in milliseconds", path=ctx.path
            )
        if not m.group(3):
            raw.mark(n, "timing")
            continue
        start, end = int(m.group(1)) / 1000, int(m.group(2)) / 1000
        cues.append(Cue(text=m.group(3), line=n, start=start, end=end))
    raw.turns = merge_cues(cues, carry_over=False, boundaries=ctx.chapter_starts)
    return raw
