"""podkb's own turn records, read back: JSON lines (`podkb export`) or a JSON array of them.

Each record is validated as a `Turn` (the JSON contract). The records already say who speaks,
so speakers, roles, languages, times and chapters are kept as written; only `source` and `line`
become this file's, since that is where the turns are now read from.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ..errors import InputError
from ..limits import json_loads
from ..models import Turn
from .accounting import mark_json_lines, words_of_texts
from .raw import RawChapter, RawTranscript, RawTurn

if TYPE_CHECKING:
    from .context import ReadContext

# Enough of the contract to tell a turn record from any other JSON object.
_SIGNATURE = {"episode_id", "turn", "text"}


def is_turn_record(obj: Any) -> bool:
    return isinstance(obj, dict) and _SIGNATURE <= obj.keys()


def looks_like_turn_lines(text: str) -> bool:
    """JSON lines whose first record is a turn."""
    first = next((ln for ln in text.split("\n") if ln.strip()), "")
    if not first.lstrip().startswith("{"):
        return False
    try:
        return is_turn_record(json.loads(first))
    except (json.JSONDecodeError, RecursionError):
        return False


def read_turn_lines(text: str, *, path: str = "") -> RawTranscript:
    records: list[tuple[int, int, Any]] = []
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            records.append((n, n, json_loads(line, path=path, where=f"line {n}: ")))
        except json.JSONDecodeError as exc:
            raise InputError(f"line {n}: invalid JSON: {exc.msg}", path=path) from None
    return _accounted(records_to_transcript(records, "turns-jsonl", path), text)


def read_turn_array(text: str, data: list[Any], *, path: str = "") -> RawTranscript:
    spans = _element_lines(text)
    records = [(*(spans[i] if i < len(spans) else (1, 1)), obj) for i, obj in enumerate(data)]
    return _accounted(records_to_transcript(records, "turns-json", path), text)


def _accounted(raw: RawTranscript, text: str) -> RawTranscript:
    """Each record's `text` is the speech; the other fields are the record's structure."""
    raw.source_words = words_of_texts(t.text for t in raw.turns)
    mark_json_lines(
        raw,
        text,
        speech_keys=frozenset({"text"}),
        label_keys=frozenset({"speaker", "speaker_label"}),
        timing_keys=frozenset({"start", "end"}),
    )
    return raw


def records_to_transcript(
    records: list[tuple[int, int, Any]], fmt: str, path: str
) -> RawTranscript:
    """Records as (first line, last line, parsed object) into turns, in turn order."""
    turns: list[Turn] = []
    lines: list[tuple[int, int]] = []
    for n, last, obj in records:
        try:
            turns.append(Turn.model_validate(obj))
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "record"
            raise InputError(f"line {n}: {field}: {first['msg']}", path=path) from None
        lines.append((n, last))
    episodes = sorted({t.episode_id for t in turns})
    if len(episodes) > 1:
        raise InputError(
            f"holds {len(episodes)} episodes ({', '.join(episodes[:3])}"
            f"{', ...' if len(episodes) > 3 else ''}); "
            "a file is one episode: export with `--out DIR` for one file per episode",
            path=path,
        )
    turns_and_lines = sorted(zip(turns, lines, strict=True), key=lambda tl: tl[0].turn)
    raw = RawTranscript(format=fmt, episode_id=episodes[0] if episodes else None)
    chapters: dict[str, float | None] = {}
    for t, (n, last) in turns_and_lines:
        raw.turns.append(
            RawTurn(
                text=t.text,
                line=n,
                end_line=last,
                label=t.speaker_label,
                start=t.start,
                end=t.end,
                chapter=t.chapter,
                speaker=t.speaker,
                role=t.role,
                lang=t.lang,
            )
        )
        if t.chapter and t.chapter not in chapters:
            chapters[t.chapter] = t.start
    raw.chapters = [RawChapter(title=title, start=start) for title, start in chapters.items()]
    return raw


def _element_lines(text: str) -> list[tuple[int, int]]:
    """First and last line (1-based) of each element of a top-level JSON array."""
    decoder = json.JSONDecoder()
    out: list[tuple[int, int]] = []
    pos = text.index("[") + 1
    line = 1 + text.count("\n", 0, pos)
    while True:
        start = pos
        while pos < len(text) and text[pos] in " \t\n\r,":
            pos += 1
        line += text.count("\n", start, pos)
        if pos >= len(text) or text[pos] == "]":
            return out
        first = line
        _, end = decoder.raw_decode(text, pos)
        line += text.count("\n", pos, end)
        out.append((first, line))
        pos = end


def looks_like_turn_jsonl(text: str) -> bool:
    """JSON lines of turn records (a whole-file JSON document that parses is JSON, not lines)."""
    if not looks_like_turn_lines(text):
        return False
    try:
        json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return True
    return False


def read_jsonl(text: str, ctx: ReadContext) -> RawTranscript:
    return read_turn_lines(text, path=ctx.path)


def is_turn_array(data: Any) -> bool:
    return isinstance(data, list) and all(is_turn_record(x) for x in data)


def read_array(text: str, data: Any, ctx: ReadContext) -> RawTranscript:
    return read_turn_array(text, data, path=ctx.path)


def read_single(text: str, data: Any, ctx: ReadContext) -> RawTranscript:
    last = text.rstrip().count("\n") + 1
    return _accounted(records_to_transcript([(1, last, data)], "turns-json", ctx.path), text)
