"""Long output through a pager, as git does: only on a terminal, only when taller than it.

A command renders into a buffer first; when the result has more lines than the terminal and
stdout is a terminal, it goes to `$PODKB_PAGER`, else `$PAGER` (default `less -R`, which shows
colour), otherwise it is written as is. `--no-pager`, an empty value or `cat` turn paging off;
a pipe or a file never gets a pager. While the pager runs, Ctrl-C belongs to it (less uses it
to stop a search), so podkb ignores SIGINT until the pager exits.

Nothing is lost to a pager: one that fails (exits non-zero, as `PAGER=false` does) has the text
written without it, with a line saying so. A podkb run by the pager (a pager that is itself a
podkb command) never pages again: the pager's environment says one is running.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from . import output

if TYPE_CHECKING:
    from rich.console import Console

DEFAULT_PAGER = "less -R"
# Set in the pager's environment: a podkb it runs writes straight to its stdout.
PAGER_RUNNING = "PODKB_PAGER_RUNNING"


def pager_command() -> list[str] | None:
    """The pager to run, from $PODKB_PAGER, else $PAGER (default `less -R`); None when paging
    is turned off, the program is not installed, or this podkb runs inside a pager already."""
    if os.environ.get(PAGER_RUNNING):
        return None
    value = os.environ.get("PODKB_PAGER")
    if value is None:
        value = os.environ.get("PAGER")
    if value is None:
        value = DEFAULT_PAGER
    try:
        argv = shlex.split(value)
    except ValueError:
        return None
    if not argv or argv[0] == "cat":
        return None
    if shutil.which(argv[0]) is None:
        return None
    return argv


def terminal_rows() -> int:
    return shutil.get_terminal_size(fallback=(80, 24)).lines


def emit(render: Callable[[Console], None], *, use_pager: bool = True) -> None:
    """Run render on a console; page what it prints when that is taller than the terminal."""
    con = output.console()
    # A pager needs a real terminal on stdout: PODKB_FORCE_TERMINAL (tests, `script`) is not one.
    paging = use_pager and output.stdout_is_terminal() and _stdout_isatty()
    argv = pager_command() if paging else None
    if argv is None:
        render(con)
        return
    with con.capture() as captured:
        render(con)
    text = captured.get()
    if text.count("\n") < terminal_rows():
        output.write(text)
        return
    run_pager(argv, text)


def run_pager(argv: list[str], text: str) -> None:
    """Feed text to the pager and wait for it; a pager quit early (q) is not an error."""
    sys.stdout.flush()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        try:
            # The pager gets the default Ctrl-C back (it would inherit podkb's "ignore").
            proc = subprocess.Popen(
                argv,
                stdin=subprocess.PIPE,
                preexec_fn=_default_sigint,
                env={**os.environ, PAGER_RUNNING: "1"},
            )
        except OSError:
            output.write(text)  # the pager cannot start: the text is still wanted
            return
        assert proc.stdin is not None
        try:
            proc.stdin.write(text.encode("utf-8", errors="replace"))
            proc.stdin.close()
        except BrokenPipeError:
            pass  # the person quit the pager before reading everything
        status = proc.wait()
    finally:
        signal.signal(signal.SIGINT, previous)
    if status > 0:
        # A pager that failed (PAGER=false, a typo'd option) showed nothing: the text is still
        # wanted. (Quitting less early is status 0; a pager killed by a signal is negative.)
        output.message(
            f"podkb: the pager {' '.join(argv)!r} failed (exit {status}); "
            "here is the output without it (--no-pager, or PODKB_PAGER=cat, to skip it)"
        )
        output.write(text)


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _stdout_isatty() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False
