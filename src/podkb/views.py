"""The forms for people (`--format table`, the default on a terminal): what each command's
answer looks like in a terminal, through rich, and paged when taller than it.

Transcript text is data: every cell and line goes through output.text (literal, unsafe
characters made visible), never through rich markup. The machine formats of the same answers
are written by writers.py from their records; a function here only draws.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from . import output

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rich.console import Console
    from rich.text import Text

    from .doctor import DoctorReport
    from .follow import FollowReport
    from .ingest.pipeline import FileResult
    from .models import Episode
    from .query import Term
    from .reports import Explanation
    from .results import Hit
    from .store.records import TurnRecord, TurnRow
    from .summaries import SpeakerSummary
    from .tables import Col


def paged_table(columns: Sequence[Col], cells: list[list[str]], *, no_pager: bool) -> None:
    """A table for people (see tables.py), through the pager when taller than the terminal."""
    from . import pager, tables

    def render(con: Console) -> None:
        con.print(tables.build(columns, cells, width=con.width))

    pager.emit(render, use_pager=not no_pager)


# --- ingest -------------------------------------------------------------------------------------


def ingest_table(results: list[FileResult]) -> None:
    """Per file: turns, words kept of the source's words, and the lines that are not speech.
    Episode ids are what the next command takes: never broken (narrow terminals lose other
    columns first); a dump's episodes each get a row."""
    from . import tables
    from .reports import dropped_lines
    from .tables import Col

    if not results:
        return
    columns = [
        Col("file", drop=2),
        Col("episode", "id", style="cyan"),
        Col("turns", "number", drop=3),
        Col("words kept", drop=4),
        Col("lines dropped", drop=1),
    ]
    cells = []
    for r in results:
        first, *more = r.every_episode_id or [""]
        cells.append(
            [
                Path(r.path).name,
                first,
                str(r.turns),
                f"{r.words_kept} of {r.words_source}",
                dropped_lines(r),
            ]
        )
        cells.extend(["", episode_id, "", "", ""] for episode_id in more)
    con = output.console()
    con.print(tables.build(columns, cells, width=con.width))


def explanation(explained: Explanation) -> None:
    """Each source line: its number, class, turn and speaker, then the line itself."""
    from rich.text import Text

    con = output.console()
    styles = {"text": "", "unaccounted": "bold red"}
    for row in explained.lines:
        line = Text()
        line.append_text(output.text(f"{row.line:>5} ", "dim"))
        line.append_text(output.text(f"{row.cls:<11}", styles.get(row.cls, "dim")))
        turn = f"{row.turn:>4}" if row.turn is not None else "    "
        line.append_text(output.text(f"{turn} ", "cyan"))
        who = (row.speaker or "-") if row.turn is not None else ""
        line.append_text(output.text(f"{who[:18]:<18} ", "green"))
        line.append_text(output.text(row.text))
        con.print(line, soft_wrap=True)


def follow_report(report: FollowReport) -> None:
    """Each URL read, each new or changed item (on stdout: a script reads what changed), and a
    summary line per feed."""
    from .follow import changed_line, feed_summary, file_line

    for f in report.files:
        if not f.error:
            output.info(f"podkb: {file_line(f)}")
    for feed in report.feeds:
        for item in feed.changed:
            if not output.quiet():
                output.write_line(changed_line(item))
        if feed.status != "failed":
            output.info(f"podkb: {feed_summary(feed)}")


# --- episodes, show, speakers, topics, feeds ----------------------------------------------------


def episodes_table(eps: list[Episode], *, no_pager: bool) -> None:
    from .tables import Col

    columns = [
        Col("episode", "id", style="cyan"),
        Col("title"),
        Col("show", drop=3),
        Col("lang", "id", drop=5),
        Col("hosts", drop=4),
        Col("guests", drop=2),
        Col("turns", "number", drop=1),
        Col("chapters", "number", drop=6),
    ]
    cells = [
        [
            e.episode_id,
            e.title or "",
            e.show or "",
            e.lang or "",
            ", ".join(e.hosts),
            ", ".join(e.guests),
            str(e.turns),
            str(len(e.chapters)),
        ]
        for e in eps
    ]
    paged_table(columns, cells, no_pager=no_pager)


def conversation(ep: Episode, turns: list[TurnRecord], *, no_pager: bool) -> None:
    """`podkb show`: the episode's header, then each turn's time, speaker, source line and text,
    under its chapter's heading."""
    from . import pager

    pager.emit(lambda con: _print_conversation(con, ep, turns), use_pager=not no_pager)


def _print_conversation(con: Console, ep: Episode, turns: list[TurnRecord]) -> None:
    from rich.text import Text

    # In a pipe or a file each paragraph is one line (for grep, less, an editor), not wrapped.
    soft = not output.stdout_is_terminal()
    header = Text()
    header.append_text(output.text(ep.title or ep.episode_id, "bold"))
    if ep.show:
        header.append_text(output.text(f"  ({ep.show})", "dim"))
    con.print(header, soft_wrap=soft)
    if ep.audio_url:
        con.print(output.text(f"audio: {ep.audio_url}", "dim"), soft_wrap=soft)
    chapter = None
    for turn in turns:
        if turn.chapter and turn.chapter != chapter:
            chapter = turn.chapter
            con.print()
            con.print(output.text(f"## {chapter}", "bold magenta"), soft_wrap=soft)
        line = Text()
        if turn.start is not None:
            line.append_text(output.text(f"[{output.format_time(turn.start)}] ", "dim"))
        who = turn.speaker or "(unknown speaker)"
        line.append_text(output.text(who, "bold green" if turn.role == "host" else "bold cyan"))
        line.append_text(output.text(f"  {turn.source}:{turn.line}", "dim"))
        con.print()
        con.print(line, soft_wrap=soft)
        con.print(output.text(turn.text), soft_wrap=soft)


def speakers_table(summaries: list[SpeakerSummary], *, no_pager: bool) -> None:
    from .tables import Col

    columns = [
        Col("speaker", "id", style="bold"),
        Col("aliases", drop=2),
        Col("roles", drop=1),
        Col("episodes", "number", drop=3),
        Col("turns", "number"),
        Col("words", "number", drop=4),
    ]
    cells = [
        [
            r.name or "(unknown)",
            ", ".join(r.aliases),
            ", ".join(r.roles),
            str(r.episodes),
            str(r.turns),
            str(r.words),
        ]
        for r in summaries
    ]
    paged_table(columns, cells, no_pager=no_pager)


def rows_table(rows: list[dict[str, Any]], columns: Sequence[str], *, no_pager: bool) -> None:
    """A listing command's rows as a table, a column each in the CSV's order: the form of a
    command that has none of its own (`podkb speakers suggest`). The first column is what a
    person types next (never broken), a column of numbers is right-aligned, and the last
    columns are the first left out of a narrow terminal."""
    from .tables import Col

    table_columns = [
        Col(name.replace("_", " "), _kind(rows, name, first=i == 0), drop=i)
        for i, name in enumerate(columns)
    ]
    cells = [[_cell(row.get(name)) for name in columns] for row in rows]
    paged_table(table_columns, cells, no_pager=no_pager)


def _kind(rows: list[dict[str, Any]], name: str, *, first: bool) -> Literal["id", "text", "number"]:
    if first:
        return "id"
    values = [row.get(name) for row in rows if row.get(name) is not None]
    numbers = values and all(isinstance(v, int) and not isinstance(v, bool) for v in values)
    return "number" if numbers else "text"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def topics_tables(rows: list[dict[str, Any]], *, no_pager: bool) -> None:
    """Two tables: the taxonomy's topics, then the chapters the sources name."""
    from . import pager, tables
    from .tables import Col

    topic_columns = [
        Col("topic", "text", style="bold"),
        Col("aliases", drop=1),
        Col("turns", "number"),
        Col("episodes", "number", drop=2),
    ]
    topic_cells = [
        [r["name"], ", ".join(r["aliases"]), str(r["turns"]), str(r["episodes"])]
        for r in rows
        if r["kind"] == "topic"
    ]
    chapter_columns = [
        Col("episode", "id", style="cyan", drop=1),
        Col("start", "id", drop=2),
        Col("chapter"),
        Col("turns", "number"),
    ]
    chapter_cells = [
        [r["episode_id"], output.format_time(r["start"]), r["name"], str(r["turns"])]
        for r in rows
        if r["kind"] == "chapter"
    ]

    def render(con: Console) -> None:
        con.print(
            tables.build(
                topic_columns, topic_cells, width=con.width, title="Topics (data/topics.yaml)"
            )
        )
        con.print(
            tables.build(
                chapter_columns,
                chapter_cells,
                width=con.width,
                title="Chapters (from the sources)",
            )
        )

    pager.emit(render, use_pager=not no_pager)


def feeds_table(rows: list[dict[str, Any]], *, no_pager: bool) -> None:
    from .tables import Col

    columns = [
        Col("feed", "id", style="bold"),
        Col("title", drop=2),
        Col("episodes", "number"),
        Col("no transcript", "number", drop=3),
        Col("failed", "number", drop=4),
        Col("last checked", drop=1),
        Col("last error", drop=5),
    ]
    cells = [
        [
            r["url"],
            r["title"] or "",
            str(r["episodes"]),
            str(r["without_transcript"]),
            str(r["failed"]),
            r["last_checked"] or "never",
            r["last_error"] or "",
        ]
        for r in rows
    ]
    paged_table(columns, cells, no_pager=no_pager)


# --- search and quotes --------------------------------------------------------------------------


def search_hits(hits: list[Hit], *, full_text: bool, terms: list[Term], no_pager: bool) -> None:
    """Each hit as one citation line and its quote, highlighted (--full: the whole turn); a
    line on stderr when there are none."""
    from . import pager

    pager.emit(
        lambda con: _print_hits(con, hits, full_text=full_text, terms=terms),
        use_pager=not no_pager,
    )
    if not hits:
        output.message("No results.")


def _print_hits(con: Console, hits: list[Hit], *, full_text: bool, terms: list[Term]) -> None:
    from rich.padding import Padding

    mark = "bold reverse" if output.colour_enabled() else ""
    for n, hit in enumerate(hits, start=1):
        for ctx in hit.context.before if hit.context else []:
            con.print(_context_line(ctx))
        con.print(_citation_line(n, hit))
        spans: Sequence[Sequence[int]]
        if full_text:
            from .search import quote_text

            body, spans = quote_text(hit.text, terms)
        else:
            body, spans = hit.quote, hit.quote_matches
        line = output.text(body)
        for start, end in spans:
            line.stylize(mark, start, end)
        con.print(Padding(line, (0, 0, 0, 5)))
        if hit.context:
            for ctx in hit.context.after:
                con.print(_context_line(ctx))
            con.print(output.text("    --", "dim"))


def _citation_line(n: int, hit: Hit) -> Text:
    """Speaker, show, episode title, hh:mm:ss (where the quote starts) and file:line."""
    from rich.text import Text

    head = Text()
    head.append_text(output.text(f"{n:>3}  ", "bold"))
    head.append_text(output.text(hit.speaker or "(unknown speaker)", "bold green"))
    if hit.show:
        head.append_text(output.text(f", {hit.show}"))
    head.append_text(output.text(f', "{hit.episode_title or hit.episode_id}"', "cyan"))
    when = hit.quote_start_hms or hit.start_hms
    if when:
        head.append_text(output.text(f"  {when}", "yellow"))
    head.append_text(output.text(f"  {hit.source}:{hit.line}", "dim"))
    if hit.audio_url:
        head.append_text(output.text(f"  {hit.audio_url}", "dim"))
    return head


def _context_line(turn: TurnRow) -> Text:
    from rich.text import Text

    line = Text()
    line.append_text(output.text(f"    {turn.speaker or '(unknown)'}: ", "dim bold"))
    text = " ".join(turn.text.split())
    line.append_text(output.text(text if len(text) <= 200 else text[:200] + "…", "dim"))
    return line


# --- doctor -------------------------------------------------------------------------------------


def doctor(report: DoctorReport) -> None:
    """Where the store and the metadata live, the counts, each check, and how to repair."""
    from rich.text import Text

    con = output.console()
    size = f" ({report.store_bytes:,} bytes)" if report.store_bytes is not None else ""
    con.print(output.text(f"store:    {report.store}{size}  [{report.store_from}]"))
    files = ", ".join(f"{n}{'' if ok else ' (absent)'}" for n, ok in report.metadata_files.items())
    con.print(output.text(f"metadata: {report.data_dir}  [{report.data_from}]: {files}"))
    if report.counts:
        counts = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in report.counts.items())
        con.print(output.text(f"counts:   {counts}"))
    for check in report.checks:
        line = Text()
        mark = ("  ok    ", "green") if check.ok else ("  FAIL  ", "bold red")
        line.append_text(output.text(*mark))
        line.append_text(output.text(f"{check.name}: {check.detail}"))
        con.print(line)
    if report.repair:
        con.print(output.text("To repair:", "bold"))
        for step in report.repair:
            con.print(output.text(f"  - {step}"))
    else:
        con.print(output.text("The knowledge base is healthy."))
