"""podkb's own turn records, read back: JSON lines (`podkb export`) or a JSON array of them.

Each record is validated as a `Turn` (the JSON contract). The records already say who speaks,
so speakers, roles, languages, times and chapters are kept as written.

A podkb export (a dump) carries each episode in its first turn record (`"episode"`, a
models.EpisodeDump): such a file restores every episode it holds, whole: its fields, its turns
with their original provenance (source file and line), the names a user gave its labels. Turn
records without it (written by hand, or by another tool) are one episode, whose `source` and
`line` become this file's, since that is where the turns are now read from.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ...errors import InputError
from ...limits import json_loads
from ...models import DUMP_VERSION, EpisodeDump, Turn
from ..account import mark_json_lines, words_of_texts
from ..raw import RawChapter, RawTranscript, RawTurn, RestoredEpisode

if TYPE_CHECKING:
    from ..context import ReadContext

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
    headers: dict[str, EpisodeDump] = {}
    for n, last, obj in records:
        header = obj.pop("episode", None) if isinstance(obj, dict) else None
        try:
            turns.append(Turn.model_validate(obj))
        except ValidationError as exc:
            raise InputError(f"line {n}: {_first_error(exc)}", path=path) from None
        lines.append((n, last))
        if header is not None:
            headers.setdefault(turns[-1].episode_id, _dump_header(header, n, path))
    if headers:
        return _restored(turns, lines, headers, fmt, path)
    episodes = sorted({t.episode_id for t in turns})
    if len(episodes) > 1:
        # Turn records of many episodes without theirs (an export of an earlier podkb): each
        # episode is restored from its turns alone, read from this file.
        return _restored(turns, lines, _bare_headers(turns, lines, path), fmt, path)
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


def _first_error(exc: ValidationError) -> str:
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first["loc"]) or "record"
    return f"{field}: {first['msg']}"


def _bare_headers(
    turns: list[Turn], lines: list[tuple[int, int]], path: str
) -> dict[str, EpisodeDump]:
    """Episodes known only from their turn records: the id, hosts and guests from the turns'
    roles; each turn's source and line become this file's, where it is now read from."""
    from collections import Counter

    from ...models import Chapter, Episode

    name = path.replace("\\", "/").rsplit("/", 1)[-1] or "stdin"
    for t, (n, _) in zip(turns, lines, strict=True):
        t.source, t.line = name, n
    headers: dict[str, EpisodeDump] = {}
    for episode_id in dict.fromkeys(t.episode_id for t in turns):
        own = [t for t in turns if t.episode_id == episode_id]
        people = {
            role: sorted({t.speaker for t in own if t.speaker and t.role == role})
            for role in ("host", "guest")
        }
        langs = Counter(t.lang for t in own)
        episode = Episode(
            episode_id=episode_id,
            lang=langs.most_common(1)[0][0] if langs else None,
            hosts=people["host"],
            guests=people["guest"],
            source=name,
            turns=len(own),
            chapters=[Chapter(title=c, start=start) for c, start in _chapter_starts(own)],
        )
        headers[episode_id] = EpisodeDump(fields=episode)
    return headers


def _chapter_starts(turns: list[Turn]) -> list[tuple[str, float | None]]:
    """Each chapter the turns are in, with the start of its first turn, in turn order."""
    starts: dict[str, float | None] = {}
    for t in sorted(turns, key=lambda t: t.turn):
        if t.chapter and t.chapter not in starts:
            starts[t.chapter] = t.start
    return list(starts.items())


def _dump_header(obj: Any, line: int, path: str) -> EpisodeDump:
    version = obj.get("dump_version") if isinstance(obj, dict) else None
    if isinstance(version, int) and version > DUMP_VERSION:
        raise InputError(
            f"line {line}: a podkb dump of version {version}, and this podkb reads versions up "
            f"to {DUMP_VERSION}: upgrade podkb to restore it",
            path=path,
        )
    try:
        return EpisodeDump.model_validate(obj)
    except ValidationError as exc:
        raise InputError(f"line {line}: episode.{_first_error(exc)}", path=path) from None


def _restored(
    turns: list[Turn],
    lines: list[tuple[int, int]],
    headers: dict[str, EpisodeDump],
    fmt: str,
    path: str,
) -> RawTranscript:
    """A dump: each episode with its turns, in the order the file holds the episodes."""
    by_episode: dict[str, list[tuple[Turn, tuple[int, int]]]] = {}
    for t, span in zip(turns, lines, strict=True):
        by_episode.setdefault(t.episode_id, []).append((t, span))
    raw = RawTranscript(format=fmt, episode_id=next(iter(by_episode), None), restored=[])
    assert raw.restored is not None
    for episode_id, items in by_episode.items():
        header = headers.get(episode_id)
        if header is None:
            raise InputError(
                f"line {items[0][1][0]}: episode {episode_id!r} has no episode record (its "
                "first turn in a podkb export carries one); export it again",
                path=path,
            )
        items.sort(key=lambda item: item[0].turn)
        for (a, _), (b, (n, _)) in zip(items, items[1:], strict=False):
            if a.turn == b.turn:
                raise InputError(f"line {n}: turn {b.turn} of {episode_id!r} twice", path=path)
        for t, (n, last) in items:
            t.times = list(header.times.get(t.turn, []))
            raw.turns.append(RawTurn(text=t.text, line=n, end_line=last))
        raw.restored.append(
            RestoredEpisode(
                episode=header.fields.model_copy(
                    update={"episode_id": episode_id, "turns": len(items)}
                ),
                turns=[t for t, _ in items],
                source=header.store,
                speaker_names={k: (v.name, v.role) for k, v in header.speaker_names.items()},
                exported_of=header.fields.turns,
            )
        )
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


# The start of a podkb export: a turn record (or an array of them), the first carrying its
# episode (models.EpisodeDump, whose first field is dump_version).
_EXPORT_START_RE = re.compile(r'\A\ufeff?\s*(\[\s*)?\{\s*"episode_id"\s*:')
_DUMP_HEADER_RE = re.compile(r'"episode"\s*:\s*\{\s*"dump_version"\s*:')


def dump_name(data: bytes) -> str | None:
    """A file name for a podkb export read from stdin ("stdin.jsonl", "stdin.json"), told
    from its first record (a turn record carrying its episode); None for anything else."""
    head = data[:65_536].decode("utf-8", errors="ignore")
    start = _EXPORT_START_RE.match(head)
    if start is None or not _DUMP_HEADER_RE.search(head):
        return None
    return "stdin.json" if start.group(1) else "stdin.jsonl"
