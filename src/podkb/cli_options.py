"""Options shared between commands, declared once (as sqlite-utils' `output_options` does).

`request_options(Model)` gives a command one option per field of a request model (TurnFilter,
SearchRequest) that the command does not declare itself, and hands the command the validated
model as `request`. A field declares its own option (request.CliOption); every command built on
the model gets it. `format_option` writes every command's `--format` help;
the option types that several commands take (--db, --format, --no-pager, ...) are here too.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from .errors import UsageError
from .fields import FieldSpec, Model
from .request import CliOption, SearchRequest
from .writers import QUOTE_FORMATS, ROW_FORMATS

if TYPE_CHECKING:
    from .ingest.sidecar import EpisodeInfo

_M = TypeVar("_M", bound=Model)


def _option(field: FieldSpec) -> Any | None:
    """The field's typer option from its CliOption, None for a field without one (the query).
    On the command line a choice (--role) is text the model checks, as a number is an int."""
    declared = next((m for m in field.metadata if isinstance(m, CliOption)), None)
    if declared is None:
        return None
    kind: Any = str | None if field.default is None else type(field.default)
    option = typer.Option(*declared.flags, help=declared.help, metavar=declared.metavar)
    return Annotated[kind, option]


# Request model field -> its command-line option (type, flags, help), from the models' fields.
REQUEST_OPTIONS: dict[str, Any] = {
    name: option
    for name, field in SearchRequest.model_fields.items()
    if (option := _option(field)) is not None
}


def format_option(choices: tuple[str, ...], default: str) -> Any:
    """The --format option: its choices, shown literally, and what happens without it."""
    # The help column is about 45 characters wide at 80 columns (and 28 at 60), and rich cuts
    # a longer word with an ellipsis: a long list of choices gets spaces to wrap at.
    joined = "|".join(choices)
    if len(joined) > 24:
        joined = " | ".join(choices)
    return typer.Option("--format", "-f", help=f"Output format \\[{joined}]; {default}.")


def request_options(
    model: type[_M],
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Add the model's fields as options; the command receives the validated model as `request`.

    The options stand where the command's `request` parameter stands (in help order); fields
    the command declares itself (an argument, say) keep their own declaration.
    """

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        signature = inspect.signature(command, eval_str=True)
        declared = set(signature.parameters) - {"request"}
        fields = list(model.model_fields)
        added = [
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                default=model.model_fields[name].get_default(),
                annotation=REQUEST_OPTIONS[name],
            )
            for name in fields
            # A field without an option (the query) is filled in by the command from its words.
            if name not in declared and name in REQUEST_OPTIONS
        ]
        params: list[inspect.Parameter] = []
        for p in signature.parameters.values():
            if p.name == "request":
                params.extend(added)
            else:
                params.append(p.replace(kind=inspect.Parameter.KEYWORD_ONLY))

        @functools.wraps(command)
        def wrapper(**kwargs: Any) -> None:
            values = {name: kwargs[name] for name in fields if name in kwargs}
            own = {name: value for name, value in kwargs.items() if name in declared}
            command(**own, request=validated(model, values))

        wrapper.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in params}
        return wrapper

    return decorate


def validated(model: type[_M], values: dict[str, Any]) -> _M:
    """The model, or a UsageError naming the option: `--limit: Input should be ...`."""
    try:
        return model.model_validate(values)
    except Exception as exc:
        # pydantic is imported only for values that are not plainly valid (fields.Model).
        from pydantic import ValidationError

        if not isinstance(exc, ValidationError):
            raise
        err = exc.errors()[0]
        name = str(err["loc"][0]) if err["loc"] else ""
        option = f"--{name}: " if name in REQUEST_OPTIONS else (f"{name}: " if name else "")
        raise UsageError(f"{option}{err['msg'].removeprefix('Value error, ')}") from None


# --- options of several commands -----------------------------------------------------------------

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help=(
            "Knowledge base: a file, or a server URL, e.g. postgresql://user@host/db"
            " (default: $PODKB_DB, else a file in the user data directory)."
        ),
        envvar="PODKB_DB",
        show_envvar=False,
    ),
]
FormatOption = Annotated[
    str | None, format_option(ROW_FORMATS, "default: table on a terminal, jsonl in a pipe")
]

QueryWords = Annotated[
    list[str] | None,
    typer.Argument(
        help='The query: words (all must match), "exact phrases", OR, prefix*; to exclude a '
        "word, put it after -- (podkb search -- leaderboard -hub). Optional with a filter.",
        show_default=False,
        metavar="[QUERY]...",
    ),
]
FullOption = Annotated[
    bool, typer.Option("--full", help="Show whole turns instead of the quoted sentences.")
]
AllOption = Annotated[bool, typer.Option("--all", help="All hits (the same as -n 0).")]

NoPagerOption = Annotated[
    bool,
    typer.Option(
        "--no-pager",
        help="Never page: write everything even when it is taller than the terminal.",
    ),
]


# search and quotes: their hits can also be paste-ready citations.
QuoteFormatOption = Annotated[
    str | None,
    format_option(
        QUOTE_FORMATS, "default: table on a terminal, jsonl in a pipe; cite: paste-ready lines"
    ),
]
# show's people's form is a transcript, not a table: it is called text.
SHOW_FORMATS = ("text", *(f for f in ROW_FORMATS if f != "table"))
ShowFormatOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        help="Output format \\[text|json|jsonl|csv]; default: the readable transcript "
        "(paged on a terminal, plain text in a pipe, as git log does).",
    ),
]


# --- ingest ----------------------------------------------------------------------------------------

EncodingOption = Annotated[
    str | None,
    typer.Option(help="Read every file in this encoding (e.g. utf-16-le, gb18030, big5)."),
]
LenientOption = Annotated[
    bool,
    typer.Option(
        "--lenient",
        help="Keep a file whose text would not all be read into turns (with a warning).",
    ),
]
ExplainOption = Annotated[
    bool,
    typer.Option(
        "--explain",
        help="Show what each line of one file is read as (class, turn, speaker); "
        "nothing is stored.",
    ),
]
StdinNameOption = Annotated[
    str | None,
    typer.Option("--name", help="With - (stdin): the transcript's file name, e.g. episode.srt."),
]
ForceOption = Annotated[
    bool, typer.Option("--force", help="Read every file again, even if it is unchanged.")
]

# The episode's metadata on the command line -------------------------------------------

ShowOption = Annotated[str | None, typer.Option(help="The show's name, for every file given.")]
FeedLangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help="For feeds: only transcripts in this language (en matches en-US; a transcript "
        "without a language has the feed's).",
    ),
]
TitleOption = Annotated[str | None, typer.Option(help="The episode's title (one file only).")]
HostOption = Annotated[
    list[str] | None, typer.Option("--host", help="A host's name; repeat for more.")
]
GuestOption = Annotated[
    list[str] | None, typer.Option("--guest", help="A guest's name; repeat for more.")
]
DateOption = Annotated[
    str | None, typer.Option(help="The episode's date, e.g. 2024-05-01 (one file only).")
]


def episode_overrides(
    *,
    show: str | None,
    title: str | None,
    hosts: list[str] | None,
    guests: list[str] | None,
    date: str | None,
) -> EpisodeInfo | None:
    """The episode metadata given as options (--show, --title, --host, ...), None if none; a
    bad value is a UsageError naming its option."""
    from pydantic import ValidationError

    from .ingest.sidecar import EpisodeInfo

    try:
        info = EpisodeInfo(
            show=show, title=title, hosts=hosts or [], guests=guests or [], date=date
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        option = {"hosts": "host", "guests": "guest"}.get(str(first["loc"][0]), first["loc"][0])
        raise UsageError(f"--{option}: {first['msg'].removeprefix('Value error, ')}") from None
    return None if info.is_empty() else info


# --- help as a person reads it -----------------------------------------------------------------

# What an option's value is called in help (`--limit N`, `--since DATE`), by option name; an
# option not listed shows its name in capitals (`--encoding ENCODING`), a number N.
_METAVARS = {
    "limit": "N",
    "offset": "N",
    "context": "N",
    "since": "DATE",
    "until": "DATE",
    "date": "DATE",
    "speaker": "NAME",
    "host": "NAME",
    "guest": "NAME",
    "show": "NAME",
    "out": "DIR",
    "db": "PATH|URL",
    "episode": "ID",
    "role": "ROLE",
    "lang": "LANG",
}


def plain_help() -> None:
    """Help that shows what a person types, as gh, git and ripgrep do: `--limit N`, `--since
    DATE`, a flag alone, `PATH...` for arguments; never typer's type names (`<str>`,
    `<list[str]>`, `<bool>`, `{paths}`). typer asks each parameter how to show itself; these
    answers replace its own for every command, so a command added later needs nothing."""
    from typer.core import TyperArgument, TyperOption

    TyperOption.display_type_rich = _option_value  # type: ignore[method-assign]
    TyperArgument.display_type_rich = _no_type  # type: ignore[method-assign]
    TyperArgument._usage_display_name = _argument_usage  # type: ignore[method-assign]


def _option_value(self: Any, ctx: Any) -> str | None:
    if self.is_flag or self.count:
        return None  # a flag takes no value
    return str(self.metavar) if self.metavar is not None else _metavar(self)


def _no_type(self: Any, ctx: Any) -> str | None:
    return None  # an argument's name says what it is (QUERY, PATH...); its Python type is noise


def _argument_usage(self: Any) -> str:
    """`PATH...` for a required list, `[EPISODE]...` for an optional one, a metavar as given."""
    if self.metavar is not None:
        return str(self.metavar)
    name = str(self.name).upper()
    if self.nargs != 1:
        name = name.removesuffix("S") + "..."
    return name if self.required else f"[{name}]"


def _metavar(param: Any) -> str:
    long = [o for o in param.opts if o.startswith("--")]
    name = long[0][2:] if long else str(param.name)
    if name in _METAVARS:
        return _METAVARS[name]
    if param.bare_type() in ("int", "float"):
        return "N"
    return name.upper().replace("_", "-")
