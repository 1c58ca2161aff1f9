"""The export stage: turns out of the store in formats other tools read. One writer per format,
registered in WRITERS (name, file suffix, one episode per file?, render): a new format is one
function and one line there.

jsonl, json, csv: the turn records (the JSON contract) as they are in the store.
md: a readable transcript per episode. opensearch: `_bulk` NDJSON for OpenSearch or
Elasticsearch, with an index template (opensearch.py). srt, vtt, podcast-json: one cue (segment) per turn, for
players and subtitle tools; these need times, so a turn without them gets estimated ones (see
`cue_times`). Everything podkb writes in jsonl, srt, vtt and podcast-json reads back in.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import UsageError
from .request import TurnFilter
from .store import TURN_COLUMNS, KnowledgeStore
from .text import CJK_RANGES, char_class

if TYPE_CHECKING:
    from .models import Episode
    from .query import Query
    from .search import ResolvedFilter

# Turns without times: estimated at a reading pace of 150 words (or 240 CJK characters) a
# minute, at least one second, one after another from the previous turn's end.
WORDS_PER_SECOND = 2.5
CJK_CHARS_PER_SECOND = 4.0
MIN_CUE_SECONDS = 1.0

TURN_FIELDS = list(TURN_COLUMNS)


@functools.cache  # compiled on first use: `podkb search` imports this module for its names only
def _reading_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    cjk = char_class(CJK_RANGES)
    return re.compile(f"[^\\s{cjk}]+"), re.compile(f"[{cjk}]")


def turn_rows(
    store: KnowledgeStore, *, episode_id: str | None = None, speaker: str | None = None
) -> Iterator[dict[str, Any]]:
    """Turn records as dicts (the JSON contract), in episode and turn order."""
    speakers = [speaker] if speaker else None
    for turn in store.iter_turn_rows(episode_id=episode_id, speakers=speakers):
        yield turn.fields()


@dataclass
class EpisodeExport:
    """One episode's turns chosen for export, with the cue times a timed format writes."""

    episode: Episode
    turns: list[dict[str, Any]]
    times: list[tuple[float, float]]
    # True when the episode names any speaker: a turn without one is then marked as a new,
    # unnamed speaker (`>>`) so that it does not read back as the previous speaker's.
    named: bool = False
    chapters: list[tuple[str, float]] = field(default_factory=list)  # see chapter_marks
    # What a jsonl/json export adds to the episode's first turn so that it restores whole
    # (see dump_header); None: not asked for.
    header: dict[str, Any] | None = None


@dataclass
class ExportReport:
    turns: int = 0
    episodes: int = 0
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # how names were read, for stderr


def select(
    store: KnowledgeStore, flt: ResolvedFilter | None = None, query: Query | None = None
) -> list[EpisodeExport]:
    """Episodes with their turns that pass the filter (and match the query): the turns search
    finds for them, through the same store query (`ResolvedFilter.turn_query`), so a filter
    means the same on every command. Times are worked out over the whole episode, so a
    speaker's cue ends where the next person starts, not where that speaker next speaks."""
    if flt is None:
        from .search import ResolvedFilter

        flt = ResolvedFilter()
    chosen_turns = _turns_chosen(store, flt, query)
    chosen = []
    for ep in store.episodes():
        if not flt.keeps_episode(ep.episode_id):
            continue
        records = list(store.iter_turn_rows(episode_id=ep.episode_id, with_times=True))
        quote_times = {r.turn: r.times or [] for r in records}
        keep = [
            i
            for i, r in enumerate(records)
            if chosen_turns is None or (r.episode_id, r.turn) in chosen_turns
        ]
        if not keep:
            continue
        # The writers render the turns' JSON records (what json, jsonl and csv write).
        rows = [r.fields() for r in records]
        times = cue_times(rows)
        turns = [rows[i] for i in keep]
        chosen.append(
            EpisodeExport(
                episode=ep,
                turns=turns,
                times=[times[i] for i in keep],
                named=any(r.speaker for r in records),
                chapters=chapter_marks(rows, times),
                header=dump_header(store, ep, turns, quote_times),
            )
        )
    return chosen


def _turns_chosen(
    store: KnowledgeStore, flt: ResolvedFilter, query: Query | None
) -> set[tuple[str, int]] | None:
    """(episode id, turn) of every turn search finds for the filter and query, unranked;
    None when nothing narrows the export (every turn)."""
    from .query import parse_query

    every = flt.turn_query(query or parse_query(""), limit=max(1, store.turn_count()))._replace(
        ranked=False
    )
    if not every.has_criteria:
        if every.none_of:
            raise UsageError(
                "a query of only exclusions needs a filter (--speaker, --topic, --episode or --lang)"
            )
        return None
    return {(hit.episode_id, hit.turn) for hit in store.search_turns(every)}


def dump_header(
    store: KnowledgeStore,
    episode: Episode,
    turns: list[dict[str, Any]],
    quote_times: dict[int, list[Any]],
) -> dict[str, Any]:
    """Everything about an episode that its turn records do not say, for a restore (see
    models.EpisodeDump): every Episode field (model_dump: a new field travels without a change
    here), its file and what it was read with, the names a user gave its labels, and where each
    turn's timed pieces start."""
    from .models import DumpedName, DumpedSource, EpisodeDump

    source = store.episode_source(episode.episode_id)
    inputs_sha256 = source_stat = None
    for read in store.episodes_from(source.source_path) if source.source_path else []:
        if read.episode_id == episode.episode_id:
            inputs_sha256, source_stat = read.inputs_sha256, read.source_stat
    names = store.speaker_names_for(source.source_path or episode.source)
    dump = EpisodeDump(
        fields=episode,
        store=DumpedSource(
            source_path=source.source_path,
            source_sha256=source.source_sha256,
            inputs_sha256=inputs_sha256,
            source_stat=source_stat,
            format=source.format,
        ),
        speaker_names={
            label: DumpedName.model_validate({"name": given.name, "role": given.role})
            for label, given in names.items()
        },
        times={t["turn"]: quote_times[t["turn"]] for t in turns if quote_times.get(t["turn"])},
    )
    return dump.model_dump(mode="json")


def _with_header(ep: EpisodeExport) -> Iterator[dict[str, Any]]:
    """The episode's turn records, the first carrying the episode (`"episode"`): every record
    stays a turn record for scripts, and the file restores the episode whole."""
    for n, row in enumerate(ep.turns):
        yield {**row, "episode": ep.header} if n == 0 and ep.header is not None else row


def reading_seconds(text: str) -> float:
    word_re, cjk_re = _reading_patterns()
    words = len(word_re.findall(text))
    cjk = len(cjk_re.findall(text))
    return max(MIN_CUE_SECONDS, words / WORDS_PER_SECOND + cjk / CJK_CHARS_PER_SECOND)


def cue_times(rows: list[dict[str, Any]]) -> list[tuple[float, float]]:
    """(start, end) for every turn, in seconds rounded to milliseconds.

    Known times are kept. A turn with a start but no end lasts until the next turn's start, or
    for its reading time when that is unknown. Turns without times follow one another from the
    previous turn's end, each lasting its reading time (`reading_seconds`); where they would run
    past the next known start they are squeezed, in proportion, to end there.
    """
    n = len(rows)
    starts: list[float | None] = [r["start"] for r in rows]
    out: list[tuple[float, float]] = []
    cursor = 0.0
    i = 0
    while i < n:
        if starts[i] is not None:
            start = float(starts[i])  # type: ignore[arg-type]
            end = rows[i]["end"]
            if end is None or end <= start:
                later = next((s for s in starts[i + 1 :] if s is not None and s > start), None)
                end = start + reading_seconds(rows[i]["text"])
                if later is not None and (starts[i + 1] == later or later < end):
                    end = later
            out.append(_ms(start, end))
            cursor = max(cursor, out[-1][1])
            i += 1
            continue
        j = i
        while j < n and starts[j] is None:
            j += 1
        limit = starts[j] if j < n else None
        durations = [reading_seconds(rows[k]["text"]) for k in range(i, j)]
        room = (limit - cursor) if limit is not None else None
        if room is not None and room > 0 and sum(durations) > room:
            durations = [d * room / sum(durations) for d in durations]
        t = cursor
        for k, d in zip(range(i, j), durations, strict=True):
            end = rows[k]["end"] if rows[k]["end"] is not None and rows[k]["end"] > t else t + d
            out.append(_ms(t, end))
            t = out[-1][1]
        cursor = max(cursor, t)
        i = j
    return out


def _ms(start: float, end: float) -> tuple[float, float]:
    start = round(start, 3)
    return start, max(round(end, 3), round(start + 0.001, 3))


def chapter_marks(
    rows: list[dict[str, Any]], times: list[tuple[float, float]]
) -> list[tuple[str, float]]:
    """(title, start) where each run of turns in a chapter begins, on the cue clock."""
    marks: list[tuple[str, float]] = []
    previous = None
    for row, (start, _) in zip(rows, times, strict=True):
        if row["chapter"] and row["chapter"] != previous:
            marks.append((row["chapter"], start))
        previous = row["chapter"]
    return marks


# --- writers ----------------------------------------------------------------------------------


def render(fmt: str, episodes: list[EpisodeExport]) -> Iterator[str]:
    """The text of `fmt` for these episodes, in chunks (one stream; see Writer.one_episode)."""
    writer = writer_for(fmt)
    _check_one_episode(writer, len(episodes))
    yield from writer.render(episodes)


def _check_one_episode(writer: Writer, episodes: int) -> None:
    if writer.one_episode and episodes > 1:
        raise UsageError(
            f"{writer.name} holds one episode, and {episodes} match: pass --episode, or --out DIR"
        )


def writer_for(fmt: str) -> Writer:
    writer = _WRITERS.get(fmt)
    if writer is None:
        raise UsageError(f"unknown format {fmt!r}; choose one of: {', '.join(EXPORT_FORMATS)}")
    return writer


def _jsonl(episodes: list[EpisodeExport]) -> Iterator[str]:
    from . import output

    for ep in episodes:
        for row in _with_header(ep):
            yield output.json_text(row) + "\n"


def _json(episodes: list[EpisodeExport]) -> Iterator[str]:
    from . import output

    # Streamed row by row (the same text as one json.dumps of the list): memory stays flat,
    # and a reader that goes away (| head) is noticed at once.
    rows = [row for ep in episodes for row in _with_header(ep)]
    if not rows:
        yield "[]\n"
        return
    for n, row in enumerate(rows):
        body = output.json_text(row, indent=2).replace("\n", "\n  ")
        yield ("[\n  " if n == 0 else ",\n  ") + body
    yield "\n]\n"


def _csv(episodes: list[EpisodeExport]) -> Iterator[str]:
    from . import output

    yield from output.csv_text((row for ep in episodes for row in ep.turns), TURN_FIELDS)


def _opensearch(episodes: list[EpisodeExport]) -> Iterator[str]:
    from .opensearch import bulk_lines

    yield from bulk_lines(row for ep in episodes for row in ep.turns)


def _markdown(episodes: list[EpisodeExport]) -> Iterator[str]:
    for n, ep in enumerate(episodes):
        if n:
            yield "\n---\n\n"
        yield markdown(ep)


def _each(write: Callable[[EpisodeExport], str]) -> Callable[[list[EpisodeExport]], Iterator[str]]:
    """A writer of one-episode files as a renderer of a list (of at most one, see render)."""

    def render_each(episodes: list[EpisodeExport]) -> Iterator[str]:
        for ep in episodes:
            yield write(ep)

    return render_each


def srt(ep: EpisodeExport) -> str:
    """SubRip: one numbered cue per turn, `Name: ` before the text (`>> `: an unnamed speaker)."""
    cues = []
    for n, (row, (start, end)) in enumerate(zip(ep.turns, ep.times, strict=True), start=1):
        text = _cue_lines(row["text"])
        cues.append(
            f"{n}\n{_clock(start, ',')} --> {_clock(end, ',')}\n{_prefix(row, ep.named)}{text}\n"
        )
    return "\n".join(cues)


def vtt(ep: EpisodeExport) -> str:
    """WebVTT: one cue per turn, the speaker as a `<v Name>` voice tag; text escaped (&, <, >)."""
    parts = ["WEBVTT\n"]
    fields = [(k, _note_value(v)) for k, v in _named_fields(ep.episode) if v and v.strip()]
    if fields:
        # A NOTE block names the episode; podkb's reader takes it back (a cue never shows it).
        parts.append("NOTE\n" + "".join(f"{k}: {v}\n" for k, v in fields))
    for row, (start, end) in zip(ep.turns, ep.times, strict=True):
        text = _vtt_escape(_cue_lines(row["text"]))
        if row["speaker"]:
            text = f"<v {_vtt_escape(row['speaker'])}>{text}"
        elif ep.named:
            text = "&gt;&gt; " + text
        parts.append(f"{_clock(start, '.')} --> {_clock(end, '.')}\n{text}\n")
    return "\n".join(parts)


def podcast_json(ep: EpisodeExport) -> str:
    """Podcasting 2.0 JSON transcript: one segment per turn (no `speaker` when unknown)."""
    from . import output

    segments = []
    for row, (start, end) in zip(ep.turns, ep.times, strict=True):
        seg: dict[str, Any] = {}
        if row["speaker"]:
            seg["speaker"] = row["speaker"]
        seg.update(startTime=start, endTime=end, body=row["text"])
        segments.append(seg)
    named = {k: v for k, v in _named_fields(ep.episode) if v and k in _PODCAST_JSON_FIELDS}
    document = {"version": "1.0.0", **named, "segments": segments}
    return output.json_text(document, indent=2) + "\n"


# What a subtitle file says of its episode (a VTT NOTE block; podcast-json beside `segments`),
# read back by podkb: the id keeps a round trip's episode the same one.
_PODCAST_JSON_FIELDS = ("episode_id", "title", "show")


def _named_fields(episode: Episode) -> list[tuple[str, str | None]]:
    return [
        ("episode_id", episode.episode_id),
        ("title", episode.title),
        ("show", episode.show),
        ("date", episode.date),
    ]


def _note_value(text: str) -> str:
    """One line of a NOTE block: no line break, no `-->` (which would end the block)."""
    return " ".join(text.split()).replace("-->", "->")


def markdown(ep: EpisodeExport) -> str:
    """A readable transcript: title, a metadata list, chapters as headings, then each turn as
    the speaker's name in bold with its time, and the text."""
    e = ep.episode
    out = [f"# {_md_escape(e.title or e.episode_id)}\n"]
    facts = [
        ("Show", e.show),
        ("Date", e.date),
        ("Hosts", ", ".join(e.hosts)),
        ("Guests", ", ".join(e.guests)),
        ("Language", e.lang),
        ("Episode", f"{e.episode_id} ({e.source})"),
    ]
    out.append("\n".join(f"- **{k}:** {_md_escape(v)}" for k, v in facts if v) + "\n")
    if e.description:
        out.append(_md_escape(e.description) + "\n")
    chapter_starts = {c.title: c.start for c in e.chapters}
    chapter = None
    for row in ep.turns:
        if row["chapter"] and row["chapter"] != chapter:
            chapter = row["chapter"]
            start = chapter_starts.get(chapter)
            when = f" ({_clock(start, None)})" if start is not None else ""
            out.append(f"## {_md_escape(chapter)}{when}\n")
        who = row["speaker"] or ("(unknown speaker)" if ep.named else None)
        head = " ".join(
            x
            for x in (
                f"**{_md_escape(who)}**" if who else None,
                f"**[{_clock(row['start'], None)}]**" if row["start"] is not None else None,
            )
            if x
        )
        body = "\n\n".join(_md_escape(p.strip()) for p in row["text"].split("\n\n") if p.strip())
        out.append(f"{head}  \n{body}\n" if head else f"{body}\n")
    return "\n".join(out)


def _prefix(row: dict[str, Any], named: bool) -> str:
    if row["speaker"]:
        return f"{row['speaker']}: "
    return ">> " if named else ""


def _cue_lines(text: str) -> str:
    """A turn's text as cue lines: a blank line would end the cue, so paragraphs become lines."""
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _clock(seconds: float | None, sep: str | None) -> str:
    """HH:MM:SS,mmm (SRT), HH:MM:SS.mmm (VTT), or HH:MM:SS for people (sep None)."""
    ms = round((seconds or 0.0) * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}" if sep is None else f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


_MD_SPECIAL_RE = re.compile(r"([\\`*_\[\]<>|])")
_MD_LINE_START_RE = re.compile(r"(?m)^(\s*)(\d+(?=[.)])|)([#+\-=]|(?<=\d)[.)])")


def _md_escape(text: str) -> str:
    """Transcript text shown as written: Markdown and HTML syntax in it is escaped."""
    text = _MD_SPECIAL_RE.sub(r"\\\1", text)
    # A line starting like a heading, list item or rule: escape its marker ("1\." "\#").
    return _MD_LINE_START_RE.sub(r"\1\2\\\3", text)


# --- the registry: one line per format -----------------------------------------------------------


@dataclass(frozen=True)
class Writer:
    """An export format: its name (--format), the suffix of its files, whether a file holds only
    one episode (subtitles, Podcasting 2.0), and the function that renders episodes as text."""

    name: str
    suffix: str
    one_episode: bool
    render: Callable[[list[EpisodeExport]], Iterator[str]]
    # A cue or segment must have a time: an episode whose turns have none is refused, never
    # given invented ones that would read back as real (see untimed_refusal).
    needs_times: bool = False


WRITERS = (
    Writer("jsonl", ".jsonl", False, _jsonl),
    Writer("json", ".json", False, _json),
    Writer("csv", ".csv", False, _csv),
    Writer("md", ".md", False, _markdown),
    Writer("srt", ".srt", True, _each(srt), needs_times=True),
    Writer("vtt", ".vtt", True, _each(vtt), needs_times=True),
    Writer("podcast-json", ".podcast.json", True, _each(podcast_json), needs_times=True),
    Writer("opensearch", ".ndjson", False, _opensearch),
)
_WRITERS = {w.name: w for w in WRITERS}
EXPORT_FORMATS = tuple(w.name for w in WRITERS)
FILE_SUFFIXES = {w.name: w.suffix for w in WRITERS}


# --- the export command's library call ----------------------------------------------------------


def export(
    store: KnowledgeStore,
    fmt: str,
    filters: TurnFilter | None = None,
    *,
    query: str | None = None,
    out_dir: Path | None = None,
    write: Callable[[str], object] | None = None,
) -> ExportReport:
    """Export the turns that pass `filters` as `fmt`: to `write` (one stream), or with `out_dir`
    one file per episode, named from its title (safe and stable, see files.py) and written
    atomically. Names in the filters are resolved as search resolves them (UsageError if not)."""
    writer = writer_for(fmt)
    from .query import parse_query
    from .search import resolve_filter

    parsed = parse_query(query) if query else None
    resolved = resolve_filter(store, filters or TurnFilter())
    episodes = select(store, resolved, parsed)
    if out_dir is None:
        _check_one_episode(writer, len(episodes))
    if writer.needs_times:
        refusal = untimed_refusal(fmt, episodes)
        if refusal:
            raise UsageError(refusal)
    report = ExportReport(
        turns=sum(len(ep.turns) for ep in episodes),
        episodes=len(episodes),
        notes=list(resolved.notes),
    )
    if out_dir is None:
        sink = write or _stdout_write
        for chunk in render(fmt, episodes):
            sink(chunk)
        return report
    from .files import atomic_write, path_inside, stable_names

    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"--out {out_dir} is a file, not a folder")
    if not episodes:
        return report  # nothing matched: no folder made for nothing
    out_dir.mkdir(parents=True, exist_ok=True)
    # Named by episode id: the name a person types next (podkb show ID), stable across titles.
    names = stable_names(((e.episode_id, None) for e in store.episodes()), writer.suffix)
    if fmt == "opensearch":  # the index template the bulk files are meant to be loaded under
        from . import output
        from .opensearch import TEMPLATE_FILE, index_template

        template = path_inside(out_dir, TEMPLATE_FILE)
        atomic_write(template, output.json_text(index_template(), indent=2) + "\n")
        report.files.append(template)
    for ep in episodes:
        path = path_inside(out_dir, names[ep.episode.episode_id])
        atomic_write(path, "".join(render(fmt, [ep])))
        report.files.append(path)
        if writer.one_episode and ep.chapters:
            # Subtitles carry no chapters: a Podcasting 2.0 chapters file beside them does, and
            # `podkb ingest` reads it back (ingest/sidecar.py).
            from .ingest.sidecar import chapters_path

            side = path_inside(out_dir, chapters_path(path).name)
            atomic_write(side, chapters_json(ep))
            report.files.append(side)
    return report


def untimed_refusal(fmt: str, episodes: list[EpisodeExport]) -> str | None:
    """Why `fmt` cannot hold these episodes: some of their turns have no time (a web-page
    transcript), and a cue time podkb made up would read back as a real one; None if all do."""
    untimed = [
        (ep.episode.episode_id, sum(t["start"] is None for t in ep.turns), len(ep.turns))
        for ep in episodes
        if any(t["start"] is None for t in ep.turns)
    ]
    if not untimed:
        return None
    episode_id, missing, total = untimed[0]
    others = f" (and {len(untimed) - 1} more episodes)" if len(untimed) > 1 else ""
    return (
        f"{fmt} gives every cue a time, and {missing} of {total} turns of {episode_id}"
        f"{others} have none: podkb never invents one; export them as jsonl, json, csv or md"
    )


def chapters_json(ep: EpisodeExport) -> str:
    """A Podcasting 2.0 chapters file for the episode's chapters, on the exported cue clock."""
    from . import output

    chapters = [{"startTime": start, "title": title} for title, start in ep.chapters]
    return output.json_text({"version": "1.2.0", "chapters": chapters}, indent=2) + "\n"


def _stdout_write(text: str) -> None:
    from . import output

    # On a terminal, escape sequences in the text are shown, not run; a pipe gets it verbatim.
    output.write(output.terminal_text(text) if output.stdout_is_terminal() else text)
