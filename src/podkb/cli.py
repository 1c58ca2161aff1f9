"""The podkb command line: a thin typer layer over the library.

Each command parses its options, calls one library function and hands the answer to the
writer its --format names (writers.py): a table for people (views.py), JSON / JSON lines / CSV
for scripts. Every store is opened in a `with` block, so it is closed however the command ends.
Errors from the core become one line on stderr and a documented exit code (errors.ExitStatus).
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from . import cli_run, output, writers
from .cli_options import (
    SHOW_FORMATS,
    AllOption,
    DateOption,
    DbOption,
    EncodingOption,
    ExplainOption,
    FeedLangOption,
    ForceOption,
    FormatOption,
    FullOption,
    GuestOption,
    HostOption,
    LenientOption,
    NoPagerOption,
    QueryWords,
    QuoteFormatOption,
    ShowFormatOption,
    ShowOption,
    StdinNameOption,
    TitleOption,
    episode_overrides,
    format_option,
    request_options,
)
from .errors import ExitStatus, UsageError
from .request import SearchRequest, TurnFilter
from .store import open_store
from .writers import ROW_FORMATS, Answer

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from .follow import FollowOptions, FollowReport
    from .ingest.pipeline import StdinTranscript
    from .ingest.sidecar import EpisodeInfo
    from .search import SearchResult
    from .store import KnowledgeStore

# The export command's --format choices, in export.WRITERS order: named here so that the other
# commands start without importing the exporters (tests/test_cli.py checks the two agree).
EXPORT_FORMATS = ("jsonl", "json", "csv", "md", "srt", "vtt", "podcast-json", "opensearch")

app = typer.Typer(
    name="podkb",
    help=(
        "A podcast transcript knowledge base for the terminal.\n\n"
        "Ingest transcripts into speaker turns, then find who said what, and when.\n\n"
        "Example: podkb ingest seeds/ && podkb show humans-of-ai-16-lewis-tunstall"
    ),
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _rows(
    rows: list[dict[str, Any]],
    columns: list[str],
    people: Callable[[], None] | None = None,
    *,
    no_pager: bool = True,
) -> Answer:
    """The answer of a listing command: its rows in every machine format, and for people its
    own form, else the rows as a table (views.rows_table)."""

    def table() -> None:
        from . import views

        views.rows_table(rows, columns, no_pager=no_pager)

    return Answer(rows=lambda: rows, columns=columns, people=people or table)


# --- ingest ----------------------------------------------------------------------------------


@app.command()
def ingest(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Transcript files or folders (walked recursively), http(s) URLs of transcripts "
            "or feeds, feed or OPML files (subscribed); - reads stdin (with --name).",
            metavar="PATH|URL...",
        ),
    ],
    db: DbOption = None,
    encoding: EncodingOption = None,
    fmt: FormatOption = None,
    show: ShowOption = None,
    title: TitleOption = None,
    host: HostOption = None,
    guest: GuestOption = None,
    date: DateOption = None,
    lenient: LenientOption = False,
    explain: ExplainOption = False,
    name: StdinNameOption = None,
    force: ForceOption = False,
    lang: FeedLangOption = None,
) -> None:
    """Read transcripts into the knowledge base (a changed file replaces its episode; an
    unchanged one is skipped).

    Formats are recognised from the content: SRT, WebVTT, Podcasting 2.0 JSON and HTML, Otter
    text, `Name: text` interviews, copied web pages, podkb's own JSON lines. Metadata comes from
    the options, else a YAML sidecar (episode.srt + episode.yaml), else data/catalog.yaml.
    Every source line is accounted for (text, label, timing, metadata, chrome, duplicate,
    non_speech); a file whose text would not all be read into turns is refused.

    A feed (an http(s) URL or a file holding RSS 2.0) is subscribed: every item with a
    Podcasting 2.0 transcript becomes an episode (`podkb update` keeps it current); an OPML
    file subscribes to each feed in it.

    Example: podkb ingest episode.srt --show "Field Notes" --host "Maya Chen"
    (or: podkb ingest https://example.org/feed.xml)
    """
    from .feeds import is_feed_file
    from .net import is_url

    overrides = episode_overrides(show=show, title=title, hosts=host, guests=guest, date=date)
    urls = [p for p in paths if is_url(p)]
    feed_files = [Path(p) for p in paths if not is_url(p) and is_feed_file(Path(p))]
    local = [Path(p) for p in paths if not is_url(p) and Path(p) not in feed_files]
    stdin = _read_stdin(name) if any(str(p) == "-" for p in local) else None
    if explain:
        if urls or feed_files:
            raise UsageError("--explain reads one local transcript file")
        _explain(local, encoding=encoding, fmt=fmt, overrides=overrides, stdin=stdin)
        return
    writer = writers.choose(fmt, ROW_FORMATS)
    code = 0
    if local:
        try:
            _ingest(
                local, db, encoding, writer, overrides, lenient=lenient, force=force, stdin=stdin
            )
        except typer.Exit as exc:
            code = exc.exit_code
    if urls or feed_files:
        from .follow import FollowOptions

        options = FollowOptions(lang=lang, encoding=encoding, lenient=lenient, force=force)
        code = max(code, _follow(urls, feed_files, db, writer, options, overrides))
    if code:
        raise typer.Exit(code)


def _follow(
    urls: list[str],
    feed_files: list[Path],
    db: str | None,
    writer: writers.Writer,
    options: FollowOptions,
    overrides: EpisodeInfo | None,
) -> int:
    """`ingest` of URLs and feed files: fetch, subscribe, ingest; the report; the exit code."""
    from .follow import follow_sources
    from .net import Fetcher

    with open_store(db, create=True) as store, Fetcher() as fetcher:
        report = follow_sources(urls, feed_files, store, fetcher, options, overrides)
    if report.feeds and overrides is not None and not overrides.is_empty():
        output.message(
            "podkb: warning: --show, --title, --host, --guest and --date apply to transcript "
            "files and URLs; a feed's episodes take them from the feed"
        )
    return _report_follow(report, writer)


def _report_follow(report: FollowReport, writer: writers.Writer) -> int:
    """What following feeds did: changed items on stdout, errors on stderr; the exit code
    (2: a feed or URL failed, 4: some items of a feed failed, the others landed)."""
    from . import views
    from .follow import ITEM_FIELDS

    for line in report.problems():
        output.message(f"podkb: {line}")
    answer = Answer(
        rows=report.rows,
        columns=ITEM_FIELDS,
        people=lambda: views.follow_report(report),
        document=report.record,
        csv_rows=report.item_rows,
    )
    writer.write(answer)
    return report.exit_status()


def _read_stdin(name: str | None) -> StdinTranscript:
    """Standard input as a transcript named `name` (its name is its provenance), read in memory
    up to the file size limit: nothing is spooled to disk, so nothing is left behind."""
    from .ingest.pipeline import StdinTranscript, read_stdin
    from .ingest.readers.turn_records import dump_name

    needs_name = UsageError(
        "reading a transcript from - (stdin) needs --name, e.g. --name episode.srt"
    )
    if name is not None and not name.strip():
        raise needs_name
    if name and (Path(name).name != name or name in (".", "..")):
        raise UsageError(f"--name {name!r}: give a file name without folders, e.g. episode.srt")
    got = read_stdin(sys.stdin.buffer, name or "stdin")
    if name:
        return got
    # A podkb export names its episodes and files itself: it needs no --name.
    named = dump_name(got.data)
    if not named:
        raise needs_name
    return StdinTranscript(name=named, data=got.data)


def _ingest(
    paths: list[Path],
    db: str | None,
    encoding: str | None,
    writer: writers.Writer,
    overrides: EpisodeInfo | None,
    *,
    lenient: bool,
    force: bool,
    stdin: StdinTranscript | None = None,
) -> None:
    from . import views
    from .errors import InputError
    from .ingest import ingest_paths
    from .ingest.parallel import default_workers
    from .ingest.pipeline import TRANSCRIPT_SUFFIXES, discover_sources
    from .reports import INGEST_CSV_FIELDS, summarize_ingest

    files = discover_sources(paths, stdin)
    if not files:
        raise InputError(
            "no transcript files found (a folder walk reads "
            + " ".join(sorted(TRANSCRIPT_SUFFIXES))
            + ")",
            path=", ".join(str(p) for p in paths),
        )
    with open_store(db, create=True) as store, _progress(writer, len(files)) as advance:
        report = ingest_paths(
            paths,
            store,
            encoding=encoding,
            overrides=overrides,
            on_file=advance,
            lenient=lenient,
            force=force,
            stdin=stdin,
            workers=default_workers(),
        )
        summary = summarize_ingest(report, store)
    for line in summary.problems():
        output.message(f"podkb: {line}")
    for line in summary.details():
        output.detail(f"podkb: {line}")

    def people() -> None:
        views.ingest_table(report.ingested)
        output.info(summary.summary_line())

    writer.write(
        Answer(
            rows=summary.file_records,
            columns=INGEST_CSV_FIELDS,
            people=people,
            document=summary.record,
        )
    )
    if report.failed:
        raise typer.Exit(ExitStatus.ERROR)


@contextmanager
def _progress(writer: writers.Writer, total: int) -> Iterator[Callable[[object], None] | None]:
    """A progress bar on stderr while files are read, for a person at a terminal only (NO_COLOR
    takes away its colour, not the bar; -q: no bar); yields what advances it, or None."""
    if not writer.for_people or not sys.stderr.isatty() or output.quiet():
        yield None
        return
    from rich.progress import Progress

    with Progress(console=output.console(stderr=True), transient=True) as progress:
        task = progress.add_task("Ingesting", total=total)
        yield lambda _result: progress.advance(task)


def _explain(
    paths: list[Path],
    *,
    encoding: str | None,
    fmt: str | None,
    overrides: EpisodeInfo | None,
    stdin: StdinTranscript | None = None,
) -> None:
    """`ingest --explain FILE`: each source line with its class and the turn it went to."""
    from . import views
    from .ingest.pipeline import read_file_bytes
    from .reports import EXPLAIN_FIELDS, explain

    writer = writers.choose(fmt, ROW_FORMATS)
    if len(paths) != 1 or paths[0].is_dir():
        raise UsageError("--explain reads one file: podkb ingest --explain FILE")
    path = Path(stdin.name) if stdin else paths[0]
    data = stdin.data if stdin else read_file_bytes(path)
    siblings = frozenset[str]() if stdin else None
    explained = explain(data, path=path, encoding=encoding, overrides=overrides, siblings=siblings)
    writer.write(_rows(explained.records(), EXPLAIN_FIELDS, lambda: views.explanation(explained)))
    output.message(explained.summary())
    if explained.time_unit:
        output.message(f"{path}: times read as {explained.time_unit}")
    if explained.loss:
        output.message(f"podkb: {path}: {explained.loss}; ingest would refuse it (see --lenient)")
        raise typer.Exit(ExitStatus.ERROR)


@app.command()
def remove(
    episodes: Annotated[
        list[str] | None, typer.Argument(help="Episode ids (or unique prefixes) to delete.")
    ] = None,
    missing: Annotated[
        bool, typer.Option("--missing", help="Also delete episodes whose source file is gone.")
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Delete without asking (needed off a terminal).")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what would be deleted; delete nothing.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Delete episodes from the knowledge base, all of them or none (asks first on a terminal).

    Example: podkb remove latent-space --yes && podkb remove --missing --dry-run
    """
    from .episodes import delete_episodes, episodes_to_remove

    if not episodes and not missing:
        raise UsageError("name the episodes to remove, or give --missing")
    with open_store(db, create=False) as store:
        chosen = episodes_to_remove(store, episodes or [], missing=missing)
        if not chosen:
            output.message("Nothing to remove.")
            raise typer.Exit(ExitStatus.NO_RESULTS)
        if dry_run:
            for episode_id in chosen:
                output.write_line(episode_id)
            output.message(f"Would remove {len(chosen)} episode(s) (--dry-run: nothing removed).")
            return
        if not yes and not _confirm_removal(chosen):
            output.message("Nothing removed.")
            raise typer.Exit(ExitStatus.NO_RESULTS)
        removed = delete_episodes(store, chosen)
    for episode_id in removed:
        output.write_line(episode_id)
    output.message(f"Removed {len(removed)} episode(s).")
    if not removed:
        raise typer.Exit(ExitStatus.NO_RESULTS)


def _confirm_removal(chosen: list[str]) -> bool:
    """Show what would go and ask; off a terminal nobody can answer, so --yes is required."""
    from .episodes import listed

    if not output.can_ask():
        raise UsageError(
            f"this would remove {len(chosen)} episode(s) ({listed(chosen)}); pass --yes to "
            "remove them (nothing is asked off a terminal), or --dry-run to list them"
        )
    for episode_id in chosen[:20]:
        output.message(f"  {episode_id}")
    if len(chosen) > 20:
        output.message(f"  ... and {len(chosen) - 20:,} more (--dry-run lists them all)")
    sys.stderr.write(f"Remove {len(chosen)} episode(s)? [y/N] ")
    sys.stderr.flush()
    return sys.stdin.readline().strip().lower() in ("y", "yes")


# --- episodes and show ------------------------------------------------------------------------


@app.command()
def episodes(
    db: DbOption = None, fmt: FormatOption = None, no_pager: NoPagerOption = False
) -> None:
    """List the episodes in the knowledge base.

    Example: podkb episodes --format json
    """
    from . import views
    from .episodes import episode_summaries

    writer = writers.choose(fmt, ROW_FORMATS)
    with open_store(db, create=False) as store:
        eps = store.episodes()
    rows = [s.model_dump() for s in episode_summaries(eps)]
    columns = ["episode_id", "show", "title", "date", "lang", "hosts", "guests", "source", "turns"]
    writer.write(_rows(rows, columns, lambda: views.episodes_table(eps, no_pager=no_pager)))
    if not eps:
        raise typer.Exit(ExitStatus.NO_RESULTS)


@app.command()
def show(
    episode: Annotated[str, typer.Argument(help="Episode id, or a unique prefix of it.")],
    db: DbOption = None,
    fmt: ShowFormatOption = None,
    no_pager: NoPagerOption = False,
) -> None:
    """Print one episode's conversation, turn by turn.

    Example: podkb show latent-space
    """
    from . import views
    from .episodes import resolve_episode
    from .export import TURN_FIELDS

    writer = writers.choose(fmt, SHOW_FORMATS, default_pipe="text", people="text")
    with open_store(db, create=False) as store:
        episode_id = resolve_episode(store, episode)
        ep = store.episode(episode_id)
        assert ep is not None  # resolve_episode found it
        turns = list(store.iter_turn_rows(episode_id=episode_id))
    writer.write(
        Answer(
            rows=lambda: [t.fields() for t in turns],
            columns=TURN_FIELDS,
            people=lambda: views.conversation(ep, turns, no_pager=no_pager),
            document=lambda: {**ep.model_dump(), "turns": [t.fields() for t in turns]},
        )
    )


# --- export -----------------------------------------------------------------------------------


@app.command()
@request_options(TurnFilter)
def export(
    words: QueryWords = None,
    *,
    request: TurnFilter,
    db: DbOption = None,
    fmt: Annotated[str, format_option(EXPORT_FORMATS, "default: jsonl")] = "jsonl",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Write one file per episode into this folder (created if missing)."
        ),
    ] = None,
) -> None:
    """Write turns for other tools: to stdout, or one file per episode with --out.

    Example: podkb export open source --role guest --format csv > guests.csv
    """
    from .export import export as run_export

    if out is not None and str(out) == "-":
        raise UsageError("--out takes a folder; without --out, export writes to stdout")
    query = " ".join(words) if words else None
    with open_store(db, create=False) as store:
        report = run_export(store, fmt, request, query=query, out_dir=out)
        for note in report.notes:
            output.message(f"podkb: {note}")
        for path in report.files:
            output.write_line(str(path))
        if out is not None and report.turns:
            output.info(f"Wrote {len(report.files)} file(s), {report.turns} turns, to {out}")
        if report.turns == 0:
            _say_why_nothing_was_exported(store, query, request)
            raise typer.Exit(ExitStatus.NO_RESULTS)


def _say_why_nothing_was_exported(
    store: KnowledgeStore, query: str | None, request: TurnFilter
) -> None:
    """Exit 1 with a word of why: a query that is an episode's id was likely meant as one."""
    if not query:
        output.info("podkb: no turns match the filters")
        return
    ids = store.episode_ids()
    if not request.episode and any(i == query or i.startswith(query) for i in ids):
        output.message(
            f"podkb: no turns match the query {query!r}; to export one episode use "
            f"--episode {query}"
        )
    else:
        output.info(f"podkb: no turns match the query {query!r}")


# --- search, quotes, speakers, topics ---------------------------------------------------------


def _run_search(
    request: SearchRequest,
    fmt: str | None,
    db: str | None,
    *,
    full_text: bool = False,
    no_pager: bool = False,
) -> None:
    from .results import HIT_FIELDS, hit_rows
    from .search import search_or_correct

    writer = writers.choose(fmt, writers.QUOTE_FORMATS)
    with open_store(db, create=False) as store:
        # The same in every format (and so the same exit status): a misspelt query gives the
        # corrected query's hits, with a line on stderr that says so.
        result = search_or_correct(store, request)
    for note in result.notes:
        output.message(f"podkb: {note}")
    if result.note:
        output.message(f"podkb: {result.note}")
    hits = result.hits

    def people() -> None:
        from . import views

        views.search_hits(hits, full_text=full_text, terms=result.terms, no_pager=no_pager)

    writer.write(
        Answer(
            rows=lambda: hit_rows(hits),
            columns=HIT_FIELDS,
            people=people,
            citations=lambda: (h.citation for h in hits),
        )
    )
    _note_truncation(result)
    if not hits:
        if not isinstance(writer, writers.TableWriter):  # the table says "No results." itself
            _say_nothing_matched(result)
        raise typer.Exit(ExitStatus.NO_RESULTS)


def _say_nothing_matched(result: SearchResult) -> None:
    """Exit 1 with a line that says so (stderr; -q silences it): `[]` or nothing alone leaves
    a person reading a pipe wondering whether the search ran."""
    query = result.request.query
    what = f"no turns match {query!r}" if query else "no turns match"
    output.info(f"podkb: {what}{' with these filters' if result.request.has_filter() else ''}")


def _note_truncation(result: SearchResult) -> None:
    """A list cut by --limit says so on stderr, "10 of 27 shown; -n 0 for all", to a person
    and to a script alike (a script that wants a silent stderr passes -q)."""
    shown = len(result.hits)
    offset = result.request.offset
    if result.total is None or (result.total <= offset + shown and not result.total_is_more):
        return
    total = f"more than {result.total:,}" if result.total_is_more else str(result.total)
    if offset:
        more = f"--offset {offset + shown} for more, -n 0 for all"
        output.info(f"podkb: {offset + 1}-{offset + shown} of {total} shown; {more}")
    else:
        output.info(f"podkb: {shown} of {total} shown; -n 0 for all")


def _asked(request: SearchRequest, words: list[str] | None, *, all_hits: bool) -> SearchRequest:
    """The request with the words after the command as its query (`podkb search open source`
    is `podkb search "open source"`: all words must match)."""
    if words == ["-"]:
        words = [_query_from_stdin()]
    update: dict[str, Any] = {"query": " ".join(words) if words else None}
    if all_hits:
        update["limit"] = 0
    return request.model_copy(update=update)


def _query_from_stdin() -> str:
    """`-` as the query: the query is what stdin holds (`echo evaluation | podkb search -`),
    read no further than the longest query podkb takes."""
    from .limits import MAX_QUERY_CHARS

    text = sys.stdin.read(MAX_QUERY_CHARS + 1)
    if not text.strip():
        raise UsageError("the query is - (stdin), and stdin is empty")
    return " ".join(text.split())


@app.command("search")
@request_options(SearchRequest)
def search_cmd(
    words: QueryWords = None,
    *,
    request: SearchRequest,
    full: FullOption = False,
    all_hits: AllOption = False,
    db: DbOption = None,
    fmt: QuoteFormatOption = None,
    no_pager: NoPagerOption = False,
) -> None:
    """Find turns by keyword, ranked by relevance: each hit a quote to cite.

    Example: podkb search open source --role guest --context 1
    """
    _run_search(
        _asked(request, words, all_hits=all_hits), fmt, db, full_text=full, no_pager=no_pager
    )


@app.command()
@request_options(SearchRequest)
def quotes(
    words: Annotated[
        list[str],
        typer.Argument(
            help="The speaker, then the words the quote must contain: the longest run of "
            "leading words that names a speaker is the speaker (podkb quotes Jeremy Howard "
            'hiring); quote a name to be explicit ("Lewis Tunstall" evaluation).',
            show_default=False,
            metavar="SPEAKER [QUERY]...",
        ),
    ],
    *,
    request: SearchRequest,
    full: FullOption = False,
    all_hits: AllOption = False,
    db: DbOption = None,
    fmt: QuoteFormatOption = None,
    no_pager: NoPagerOption = False,
) -> None:
    """What did SPEAKER say (about QUERY)? Quotes with speaker, show, episode and time to cite.

    Example: podkb quotes Jeremy Howard hiring --format cite
    """
    # `podkb quotes NAME -`: the query is stdin's (the `-` is never part of the name).
    stdin_query = len(words) > 1 and words[-1] == "-" and not request.speaker
    if stdin_query:
        words = words[:-1]
    if request.speaker:
        query_words: list[str] = words  # --speaker given: every word is the query
    else:
        from .speakers import split_speaker

        with open_store(db, create=False) as store:
            try:
                speaker, query_words = split_speaker(store, words)
                if stdin_query:
                    query_words = [*query_words, _query_from_stdin()]
            except UsageError:
                _say_where_an_unlabelled_speaker_is(store, words)
                raise
        request = request.model_copy(update={"speaker": speaker})
    _run_search(
        _asked(request, query_words, all_hits=all_hits),
        fmt,
        db,
        full_text=full,
        no_pager=no_pager,
    )


def _say_where_an_unlabelled_speaker_is(store: KnowledgeStore, words: list[str]) -> None:
    """A person the catalog lists for episodes whose transcripts name no one: say where to
    look instead (exit 1), rather than "unknown speaker"."""
    from .naming import unlabelled_speaker_hints

    hints = unlabelled_speaker_hints(store, words)
    for hint in hints:
        output.message(f"podkb: {hint}")
    if hints:
        raise typer.Exit(ExitStatus.NO_RESULTS)


speakers_app = typer.Typer(
    rich_markup_mode="rich", context_settings={"help_option_names": ["-h", "--help"]}
)
app.add_typer(speakers_app, name="speakers")


@speakers_app.callback(invoke_without_command=True)
def speakers(
    ctx: typer.Context,
    db: DbOption = None,
    fmt: FormatOption = None,
    no_pager: NoPagerOption = False,
) -> None:
    """List speakers: aliases, roles, episodes, turn and word counts.

    `podkb speakers suggest EPISODE` lists candidate names for an episode's anonymous labels
    (SPEAKER_00, A, Speaker 1), with their evidence.

    Example: podkb speakers --format csv
    """
    if ctx.invoked_subcommand is not None:
        return
    from . import views
    from .speakers import speaker_summary

    writer = writers.choose(fmt, ROW_FORMATS)
    with open_store(db, create=False) as store:
        summaries = speaker_summary(store)
    rows = [s.model_dump() for s in summaries]
    columns = ["name", "aliases", "roles", "episodes", "turns", "words"]
    writer.write(_rows(rows, columns, lambda: views.speakers_table(summaries, no_pager=no_pager)))
    if not rows:
        raise typer.Exit(ExitStatus.NO_RESULTS)


@speakers_app.command("suggest")
def speakers_suggest(
    episode: Annotated[str, typer.Argument(help="Episode id, or a unique prefix of it.")],
    db: DbOption = None,
    fmt: FormatOption = None,
) -> None:
    """Candidate names for an episode's speaker labels, with the line that suggests each.

    Nothing is applied: name labels with `speakers:` in the episode's sidecar YAML.

    Example: podkb speakers suggest latent-space
    """
    from .episodes import resolve_episode
    from .naming import nothing_suggested, suggest_names

    writer = writers.choose(fmt, ROW_FORMATS)
    with open_store(db, create=False) as store:
        episode_id = resolve_episode(store, episode)
        rows = [
            {"label": s.label, "name": s.name, "line": s.line, "evidence": s.evidence}
            for s in suggest_names(store, episode_id)
        ]
        if not rows:
            output.message(f"podkb: {nothing_suggested(store, episode_id)}")
            raise typer.Exit(ExitStatus.NO_RESULTS)
    writer.write(_rows(rows, ["label", "name", "line", "evidence"]))


@speakers_app.command("name")
def speakers_name(
    episode: Annotated[str, typer.Argument(help="Episode id, or a unique prefix of it.")],
    assignments: Annotated[
        list[str], typer.Argument(help='LABEL=Name pairs, e.g. "SPEAKER_00=Lex Fridman".')
    ],
    role: Annotated[
        str | None, typer.Option("--role", help="host or guest, for every name given.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Name an episode's speaker labels: its turns and search index change at once, and the
    names are given again whenever its file is ingested again.

    Example: podkb speakers name latent-space "Swyx=swyx" --role host
    """
    from .episodes import resolve_episode
    from .naming import name_speakers, parse_assignments

    names = parse_assignments(assignments)
    with open_store(db, create=False) as store:
        episode_id = resolve_episode(store, episode)
        named = name_speakers(store, episode_id, names, role=role)
    for one in named:
        output.message(
            f"podkb: {episode_id}: {one.label} is {one.name} ({one.role}), {one.turns} turns"
        )


@app.command()
def topics(db: DbOption = None, fmt: FormatOption = None, no_pager: NoPagerOption = False) -> None:
    """List taxonomy topics and source chapters, with how many turns each covers.

    Example: podkb topics && podkb search --topic evaluation
    """
    from . import views
    from .topics import topic_counts

    writer = writers.choose(fmt, ROW_FORMATS)
    with open_store(db, create=False) as store:
        rows = topic_counts(store)
    columns = ["kind", "name", "episode_id", "aliases", "turns", "episodes", "start"]
    writer.write(_rows(rows, columns, lambda: views.topics_tables(rows, no_pager=no_pager)))


# --- feeds ------------------------------------------------------------------------------------

feeds_app = typer.Typer(
    rich_markup_mode="rich", context_settings={"help_option_names": ["-h", "--help"]}
)
app.add_typer(feeds_app, name="feeds")


@feeds_app.callback(invoke_without_command=True)
def feeds(
    ctx: typer.Context,
    db: DbOption = None,
    fmt: FormatOption = None,
    no_pager: NoPagerOption = False,
) -> None:
    """List feed subscriptions: URL, title, episodes, last check and last error.

    Episodes are counted with and without transcripts; `podkb feeds remove URL` unsubscribes.

    Example: podkb feeds --format csv
    """
    if ctx.invoked_subcommand is not None:
        return
    from . import views
    from .follow import FEED_COLUMNS, feed_rows

    writer = writers.choose(fmt, ROW_FORMATS)
    with open_store(db, create=False) as store:
        rows = feed_rows(store)
    writer.write(_rows(rows, FEED_COLUMNS, lambda: views.feeds_table(rows, no_pager=no_pager)))
    if not rows:
        raise typer.Exit(ExitStatus.NO_RESULTS)


@feeds_app.command("remove")
def feeds_remove(
    urls: Annotated[
        list[str],
        typer.Argument(
            help="Subscribed feed URLs (as `podkb feeds` lists them).", metavar="URL..."
        ),
    ],
    db: DbOption = None,
    episodes: Annotated[
        bool,
        typer.Option("--episodes", help="Also delete the episodes read from the feed."),
    ] = False,
) -> None:
    """Unsubscribe from feeds; their episodes stay unless --episodes.

    Example: podkb feeds remove https://example.org/feed.xml --episodes
    """
    from .follow import remove_feed

    with open_store(db, create=True) as store:
        for url in urls:
            removed = remove_feed(store, url, episodes=episodes)
            kept = "" if episodes else " (its episodes stay; --episodes deletes them)"
            output.info(f"podkb: unsubscribed {url}{kept}")
            for episode_id in removed:
                output.write_line(episode_id)


@app.command()
def update(
    urls: Annotated[
        list[str] | None,
        typer.Argument(
            help="Subscribed feeds to read (default: all).", metavar="URL", show_default=False
        ),
    ] = None,
    db: DbOption = None,
    fmt: FormatOption = None,
    lang: FeedLangOption = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Fetch and read every feed and transcript again."),
    ] = False,
    recheck: Annotated[
        bool,
        typer.Option(
            "--recheck",
            help="Also ask again (conditional GET) for the transcripts of items the feed did "
            "not change.",
        ),
    ] = False,
) -> None:
    """Read subscribed feeds again (conditional GET): new items are ingested, changed ones
    replaced in place; prints what changed. Exit 4: some items failed (retried next time).

    Example: podkb -q update        (from cron)
    """
    from .follow import FollowOptions, FollowReport, update_feeds
    from .net import Fetcher

    writer = writers.choose(fmt, ROW_FORMATS)
    options = FollowOptions(lang=lang, force=force, recheck=recheck)
    with open_store(db, create=True) as store, Fetcher() as fetcher:
        results = update_feeds(store, fetcher, urls, options)
    if not results:
        output.info("podkb: no subscriptions; `podkb ingest FEED_URL` subscribes to a feed")
    code = _report_follow(FollowReport([], results), writer)
    if code:
        raise typer.Exit(code)


# --- batch ------------------------------------------------------------------------------------


@app.command()
def batch(
    file: Annotated[
        Path,
        typer.Argument(
            help="A YAML or JSON lines file of queries (query, filters, limit, name); - for stdin."
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Write NAME.jsonl per query into this folder instead of one stream."
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Run many searches from a file: one JSON lines stream, or one file per query with --out.

    Example: podkb batch queries.yaml --out results/
    """
    from .batch import read_batch_stdin, run_batch, write_batch

    if out is not None and str(out) == "-":
        raise UsageError("--out takes a folder; without --out, batch writes to stdout")
    text = read_batch_stdin(sys.stdin.buffer) if str(file) == "-" else None
    with open_store(db, create=False) as store:
        run = run_batch(store, file, text=text)
    if out is None:
        for i in range(len(run.entries)):
            output.write_jsonl(run.rows(i))
    else:
        for path in write_batch(run, out):
            output.write_line(str(path))
        output.info(f"Wrote {len(run.entries)} file(s), {run.hits} hits, to {out}")
    if run.hits == 0:
        raise typer.Exit(ExitStatus.NO_RESULTS)


# --- entry point ------------------------------------------------------------------------------


def _version_callback(value: bool) -> None:
    if value:
        from ._version import __version__

        sys.stdout.write(f"podkb {__version__}\n{cli_run.store_version_line()}\n")
        raise typer.Exit()


@app.callback()
def _root(
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bars or summaries (errors only).")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="More detail on stderr (each file ingested).")
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version_callback,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """A podcast transcript knowledge base for the terminal."""
    output.set_verbosity(-1 if quiet else 1 if verbose else 0)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit status (see errors.ExitStatus). Never a traceback,
    unless PODKB_DEBUG=1 asks for one."""
    return cli_run.run(app, sys.argv[1:] if argv is None else argv)


def global_options_placed(args: list[str]) -> list[str]:
    """The arguments with -q and -v before the command and --db after it (see cli_run)."""
    return cli_run.global_options_placed(app, args)


# --- doctor -----------------------------------------------------------------------------------


@app.command()
def doctor(
    db: DbOption = None,
    fmt: Annotated[
        str | None, format_option(("table", "json"), "default: table on a terminal, json in a pipe")
    ] = None,
    repair: Annotated[
        bool, typer.Option("--repair", help="Rebuild the search index and turn counts from turns.")
    ] = False,
) -> None:
    """Check the knowledge base, show where the store and metadata live, and how to repair it.

    Example: podkb doctor --repair
    """
    from . import doctor as doc
    from . import views

    writer = writers.choose(fmt, ("table", "json"), default_pipe="json")
    report = doc.repair(db) if repair else doc.diagnose(db)

    def document() -> dict[str, Any]:
        return {**report.model_dump(), "ok": report.ok}

    writer.write(  # a table or one JSON document: doctor has no rows to list
        Answer(
            rows=lambda: [document()],
            columns=[],
            people=lambda: views.doctor(report),
            document=document,
        )
    )
    if not report.ok:
        raise typer.Exit(ExitStatus.ERROR)


# --- mcp --------------------------------------------------------------------------------------


@app.command()
def mcp(db: DbOption = None) -> None:
    """Serve the knowledge base to AI assistants over MCP (stdio), read-only.

    The tools: search, quotes, transcript, episodes and speakers. Needs: pip install 'podkb\\[mcp]'.

    Example: claude mcp add podkb -- podkb mcp --db ~/podcasts.db
    """
    from .mcp_server import serve

    serve(db)
