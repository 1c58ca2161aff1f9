"""Running the typer app as a program: the order people type options in, one error funnel
(a PodkbError is one line on stderr and its exit status), and a reader that goes away (`| head`)
as exit 141 for every command. cli.py declares the commands; this runs them.
"""

from __future__ import annotations

import copy
import os
import sys

import typer

from . import output
from .errors import ExitStatus, PodkbError


def store_version_line() -> str:
    """The engine of the store in use ($PODKB_DB, else the default file) and the store schema
    version this podkb reads and writes on it; the store is not opened."""
    from .store import default_location, engine_of, redact

    location = default_location()
    try:
        engine, schema = engine_of(location)
    except PodkbError as exc:
        return f"store: {exc}"
    return f"store: {engine}, schema version {schema}: {redact(location)}"


def run(app: typer.Typer, args: list[str]) -> int:
    """Run the app on these arguments and return its exit status (see errors.ExitStatus).
    Never a traceback, unless PODKB_DEBUG=1 asks for one."""
    args = exclusions_kept(_version_store_named(args))
    code = _run(app, global_options_placed(app, args))
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        return _BROKEN_PIPE
    except (ValueError, OSError):
        pass  # stdout closed or gone: nothing more can be said there
    if code == ExitStatus.OK and _reader_gone():
        return _BROKEN_PIPE
    return code


def _version_store_named(args: list[str]) -> list[str]:
    """`podkb --db X --version`: --version names the store in use, and --db is an option of the
    commands, not of the root, so here it names that store as PODKB_DB would."""
    end = args.index("--") if "--" in args else len(args)
    if "--version" not in args[:end]:
        return args
    for i, arg in enumerate(args[:end]):
        if arg == "--db" and i + 1 < end:
            os.environ["PODKB_DB"] = args[i + 1]
            return args[:i] + args[i + 2 :]
        if arg.startswith("--db="):
            os.environ["PODKB_DB"] = arg.removeprefix("--db=")
            return args[:i] + args[i + 1 :]
    return args


_ROOT_FLAGS = frozenset({"-q", "--quiet", "-v", "--verbose"})

# The commands whose arguments are query words, where `-word` excludes a word (README's syntax).
_QUERY_COMMANDS = frozenset({"search", "quotes", "export"})


def exclusions_kept(args: list[str]) -> list[str]:
    """`podkb search model -evaluation`: an excluded word, as the query syntax says, not the
    short option `-e` with the value `valuation` (which click would make of it). A word of two
    or more letters after one dash becomes `NOT word`; short options keep their usual forms
    (`-n 5`, `-n5`, `-e ID`), and nothing after `--` changes."""
    end = args.index("--") if "--" in args else len(args)
    command = next((a for a in args[:end] if not a.startswith("-")), None)
    if command not in _QUERY_COMMANDS:
        return args
    kept: list[str] = []
    for arg in args[:end]:
        if len(arg) > 2 and arg[0] == "-" and arg[1:].isalpha():
            kept += ["NOT", arg[1:]]
        else:
            kept.append(arg)
    return kept + args[end:]


def global_options_placed(app: typer.Typer, args: list[str]) -> list[str]:
    """The arguments with -q and -v moved before the command and --db after it, wherever they
    were typed (`podkb search x -q`, `podkb --db kb.db episodes`), as git and gh take them.
    Nothing after `--` moves: there a word is a query word."""
    end = args.index("--") if "--" in args else len(args)
    head, tail = args[:end], args[end:]
    flags = [a for a in head if a in _ROOT_FLAGS]
    head = [a for a in head if a not in _ROOT_FLAGS]
    db: list[str] = []
    i = 0
    while i < len(head) and head[i].startswith("-"):  # options before the command
        if head[i] == "--db" and i + 1 < len(head):
            db, head = head[i : i + 2], head[:i] + head[i + 2 :]
        elif head[i].startswith("--db="):
            db, head = head[i : i + 1], head[:i] + head[i + 1 :]
        else:
            i += 1
    if db and i < len(head):
        at = i + 1 + (1 if _is_subcommand(app, head[i], head[i + 1 : i + 2]) else 0)
        head = head[:at] + db + head[at:]
    elif db:
        head = db + head  # no command: let typer say what is wrong
    return flags + head + tail


def _is_subcommand(app: typer.Typer, group: str, following: list[str]) -> bool:
    for info in app.registered_groups:
        if info.name == group and info.typer_instance is not None and following:
            names = {c.name or "" for c in info.typer_instance.registered_commands}
            return following[0] in names
    return False


# The reader of stdout went away (`podkb ... | head`): 128 + SIGPIPE, as a shell reports it.
_BROKEN_PIPE = 141


def _app_for(app: typer.Typer, args: list[str]) -> typer.Typer:
    """The app that runs these arguments: for a plain command (`podkb search ...`), a copy of
    the app holding that command alone, so that typer builds one command's options instead of
    all fourteen (about 20 ms of every run); help, completion, groups and unknown names get the
    whole app, which lists and suggests every command."""
    if os.environ.get("_PODKB_COMPLETE"):
        return app
    name = next((a for a in args if not a.startswith("-")), None)
    for info in app.registered_commands:
        callback = info.callback
        command = info.name or (callback.__name__.replace("_", "-") if callback else None)
        if command is not None and command == name:
            single = copy.copy(app)
            single.registered_commands = [info]
            single.registered_groups = []
            return single
    return app


def _run(app: typer.Typer, argv: list[str]) -> int:
    debug = os.environ.get("PODKB_DEBUG") == "1"
    try:
        # typer reports usage errors itself (exit 2) and turns Ctrl-C into exit 130.
        from typer.main import get_command

        from .cli_options import plain_help

        plain_help()
        get_command(_app_for(app, argv)).main(args=argv, prog_name="podkb")
        return ExitStatus.OK
    except SystemExit as exc:
        if _stdout_broken():
            return _BROKEN_PIPE
        if exc.code is None:
            return ExitStatus.OK
        return exc.code if isinstance(exc.code, int) else ExitStatus.ERROR
    except PodkbError as exc:
        if debug:
            raise
        _error_line(str(exc))
        return exc.exit_status
    except KeyboardInterrupt:
        return ExitStatus.INTERRUPTED
    except BrokenPipeError:
        # The reader went away (| head): stop quietly, as the Python docs advise.
        _silence_stdout()
        return _BROKEN_PIPE
    except OSError as exc:  # stdout on a full disk, a folder podkb may not write in...
        if debug:
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        _error_line(f"{where}{exc.strerror or exc}")
        return ExitStatus.ERROR
    except Exception as exc:
        if debug:
            raise
        _error_line(
            f"internal error ({type(exc).__name__}: {exc}); set PODKB_DEBUG=1 for the traceback"
        )
        return ExitStatus.ERROR


def _error_line(message: str) -> None:
    try:
        output.message(f"podkb: {message}")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass  # stderr is gone too: the exit status is all that is left


def _stdout_broken() -> bool:
    """typer/click catch EPIPE themselves, swap stdout for a PacifyFlushWrapper and exit 1."""
    if type(sys.stdout).__name__ != "PacifyFlushWrapper":
        return False
    _silence_stdout()
    return True


def _reader_gone() -> bool:
    """stdout is a pipe whose reader left before podkb finished (`| head -c 1`). Whether the
    writes failed depends on whether the output fit in the pipe's buffer (64 KiB on Linux,
    more elsewhere); asking the pipe itself gives one status, 141, for every format."""
    import select
    import stat

    try:
        fd = sys.stdout.fileno()
        if not stat.S_ISFIFO(os.fstat(fd).st_mode):
            return False
        poller = select.poll()
        poller.register(fd, select.POLLOUT)
        return any(events & select.POLLERR for _, events in poller.poll(0))
    except (AttributeError, OSError, ValueError):
        return False  # not a real file (tests capture stdout in memory), or closed


def _silence_stdout() -> None:
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a real file (tests capture stdout in memory)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)
