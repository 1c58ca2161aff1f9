"""A command's answer in the format asked for: one writer object per `--format`, in WRITERS.

A command builds an `Answer` (its JSON rows and CSV columns, and how a person sees it) and hands
it to the writer that `--format` names; no command branches on the format itself. A new format
is one Writer class and one line in WRITERS: every command whose answer has what the writer
needs (`Writer.needs`) lists and takes it. Export files have their own registry (export.WRITERS:
whole episodes as subtitles, Markdown, ...); this one writes the answers of the query commands.

Nothing heavy is imported here: `podkb search` in a pipe needs this module and output.py only.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, ClassVar, NamedTuple

from . import output
from .errors import UsageError

Row = Mapping[str, Any]


class Answer(NamedTuple):
    """What a command answers, in each shape a writer takes. The shapes are functions, so only
    the one asked for is built (a table never builds JSON rows, nor a pipe the table)."""

    rows: Callable[[], Iterable[Row]]  # the JSON lines; also json's and csv's unless given
    columns: Sequence[str]  # the CSV header, in order
    people: Callable[[], None]  # the form for people: a table, a transcript, a report
    document: Callable[[], Any] | None = None  # json, when it is not the list of rows
    csv_rows: Callable[[], Iterable[Row]] | None = None  # csv, when it is not every row
    citations: Callable[[], Iterable[str]] | None = None  # paste-ready lines (search, quotes)


class Writer(ABC):
    """One `--format`: its name, and what of an answer it needs (`rows`: every answer has them)."""

    name: ClassVar[str]
    needs: ClassVar[str] = "rows"
    for_people: ClassVar[bool] = False  # a person reads it (progress bars are for them)

    @abstractmethod
    def write(self, answer: Answer) -> None: ...


class TableWriter(Writer):
    """For people: the answer's own form (a table, a transcript), coloured only on a terminal."""

    name = "table"
    for_people = True

    def write(self, answer: Answer) -> None:
        answer.people()


class JsonWriter(Writer):
    name = "json"

    def write(self, answer: Answer) -> None:
        doc = answer.document() if answer.document else list(answer.rows())
        output.write_json(doc)


class JsonlWriter(Writer):
    name = "jsonl"

    def write(self, answer: Answer) -> None:
        output.write_jsonl(answer.rows())


class CsvWriter(Writer):
    name = "csv"

    def write(self, answer: Answer) -> None:
        rows = answer.csv_rows() if answer.csv_rows else answer.rows()
        output.write_csv(rows, list(answer.columns))


class CiteWriter(Writer):
    """One paste-ready citation per line (results.cite_text), for answers that quote."""

    name = "cite"
    needs = "citations"

    def write(self, answer: Answer) -> None:
        assert answer.citations is not None  # formats() offers cite only to answers that quote
        output.write("".join(output.terminal_safe(c) + "\n" for c in answer.citations()))


# --format name -> its writer, in the order help lists them. One line per format.
WRITERS: dict[str, Writer] = {
    w.name: w for w in (TableWriter(), JsonWriter(), JsonlWriter(), CsvWriter(), CiteWriter())
}


def formats(*needs: str) -> tuple[str, ...]:
    """The formats of answers that have these shapes ("rows", "citations"), in WRITERS order."""
    have = {"rows", *needs}
    return tuple(name for name, w in WRITERS.items() if w.needs in have)


# Every answer has rows: the formats of every listing command.
ROW_FORMATS = formats()
# Answers that quote (search, quotes) can also be written as citations.
QUOTE_FORMATS = formats("citations")


def choose(
    requested: str | None,
    allowed: Sequence[str],
    *,
    default_pipe: str = "jsonl",
    people: str = "table",
) -> Writer:
    """The writer for --format (default: the people's form on a terminal, default_pipe in a
    pipe), or a UsageError listing the formats this command takes. `people` is the name the
    command gives its people's form (show's is "text"); "table" names it on every command."""
    name = output.resolve_format(requested, default_terminal=people, default_pipe=default_pipe)
    if name == "table":
        name = people
    if name not in allowed:
        raise UsageError(f"unknown format {name!r}; choose one of: {', '.join(allowed)}")
    return WRITERS["table" if name == people else name]
