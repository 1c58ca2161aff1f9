"""Writing results: the terminal-or-pipe decision, safe text, and the machine formats.

Transcript text is data: on a terminal it is printed through rich.text.Text (never parsed as
markup) with control characters and bidi overrides shown as visible escapes; in JSON those
characters are escaped; in CSV a cell a spreadsheet would run as a formula is neutralised.
Machine output is written with sys.stdout.write, never through rich (which wraps lines).
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import re
import sys
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console as RichConsole
    from rich.text import Text

# C0 (but \t and \n), DEL, C1, and the bidi embedding/override/isolate controls. Compiled on
# first use (~5 ms): a search writing JSON lines never needs it.
_UNSAFE_TERMINAL = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]"
# What json.dumps(ensure_ascii=False) leaves raw but a terminal would act on, and U+FEFF, which
# reading the file back would take for a byte-order mark and drop.
_UNSAFE_JSON_RE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def stdout_is_terminal() -> bool:
    """The one place that decides between people (terminal) and scripts (pipe or file)."""
    forced = os.environ.get("PODKB_FORCE_TERMINAL")
    if forced is not None:
        return forced == "1"
    return sys.stdout.isatty()


def can_ask() -> bool:
    """A person is there to answer a question: stdin and stderr are a terminal."""
    return sys.stdin.isatty() and sys.stderr.isatty()


def colour_enabled() -> bool:
    return (
        stdout_is_terminal() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"
    )


def resolve_format(
    requested: str | None, default_terminal: str = "table", default_pipe: str = "jsonl"
) -> str:
    if requested:
        return requested
    return default_terminal if stdout_is_terminal() else default_pipe


def terminal_safe(text: str) -> str:
    """Control characters and bidi overrides as visible escapes (\\x1b, \\u202e)."""
    return re.sub(_UNSAFE_TERMINAL, _visible_escape, text)


def terminal_text(text: str) -> str:
    """A document (CSV, Markdown, subtitles) bound for a terminal: as terminal_safe, but its
    line ends, \\n and \\r\\n, stay line ends. A file or a pipe gets the text verbatim."""
    return "\r\n".join(terminal_safe(part) for part in text.split("\r\n"))


def _visible_escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def json_text(obj: Any, *, indent: int | None = None) -> str:
    text = json.dumps(obj, ensure_ascii=False, indent=indent)
    return _UNSAFE_JSON_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def message(text: str) -> None:
    """One line for a person on stderr: never wrapped, never styled, unsafe characters escaped
    (a newline inside, as in a file name, is shown as \\n)."""
    sys.stderr.write(terminal_safe(text).replace("\n", "\\n") + "\n")


# -1: quiet (-q: errors only), 0: normal, 1: verbose (-v). Set once by the CLI's root options.
_verbosity = 0


def set_verbosity(level: int) -> None:
    global _verbosity
    _verbosity = level


def quiet() -> bool:
    return _verbosity < 0


def info(text: str) -> None:
    """A summary or a note for a person (stderr); -q silences it, errors never are."""
    if _verbosity >= 0:
        message(text)


def detail(text: str) -> None:
    """More than a person usually wants (stderr): only with -v."""
    if _verbosity > 0:
        message(text)


def write(text: str) -> None:
    sys.stdout.write(text)


def write_line(text: str) -> None:
    """One line of a result (an id, a path) on stdout, its control characters (a newline too)
    shown as visible escapes: a file name may hold anything but / and NUL."""
    write(terminal_safe(text).replace("\n", "\\n") + "\n")


def write_json(obj: Any) -> None:
    """Indented for people; one line in a pipe, so that `| head -1` is still a whole document."""
    write(json_text(obj, indent=2 if stdout_is_terminal() else None) + "\n")


def write_jsonl(rows: Iterable[Any]) -> int:
    n = 0
    for row in rows:
        write(json_text(row) + "\n")
        n += 1
    return n


def csv_cell(value: Any) -> Any:
    """RFC 4180 cell; text that a spreadsheet would evaluate gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_text(rows: Iterable[Mapping[str, Any]], columns: list[str]) -> Iterable[str]:
    """CSV lines, header first, CRLF line ends as RFC 4180 asks."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(columns)
    yield buf.getvalue()
    for row in rows:
        buf.seek(0)
        buf.truncate()
        writer.writerow([csv_cell(row.get(c)) for c in columns])
        yield buf.getvalue()


def write_csv(rows: Iterable[Mapping[str, Any]], columns: list[str]) -> int:
    n = -1
    terminal = stdout_is_terminal()
    for line in csv_text(rows, columns):
        write(terminal_text(line) if terminal else line)
        n += 1
    return n


def format_time(seconds: float | None) -> str:
    if seconds is None:
        return ""
    total = int(seconds)
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h:02d}:{m:02d}:{s:02d}"


def console(stderr: bool = False) -> RichConsole:
    """A rich Console that never interprets markup or highlights, coloured only for people."""
    from rich.console import Console as RichConsole

    class Console(RichConsole):
        def on_broken_pipe(self) -> None:
            # rich would exit 1 ("no results"); the CLI's handler exits 141 like every command.
            self.quiet = True
            raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    if stderr:
        styled = sys.stderr.isatty() and "NO_COLOR" not in os.environ
        return Console(
            stderr=True,
            highlight=False,
            markup=False,
            soft_wrap=True,
            color_system="auto" if styled else None,
        )
    return Console(
        highlight=False,
        markup=False,
        force_terminal=stdout_is_terminal() or None,
        # No escape sequences at all (colour, bold, dim) for pipes and under NO_COLOR.
        color_system="auto" if colour_enabled() else None,
        soft_wrap=False,
    )


def text(value: Any, style: str | None = None) -> Text:
    """Transcript data as a rich Text: literal, with unsafe characters made visible."""
    from rich.text import Text

    return Text(terminal_safe("" if value is None else str(value)), style=style or "")
