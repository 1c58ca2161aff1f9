"""podkb: a podcast transcript knowledge base for the terminal."""

from ._version import __version__

__all__ = ["__version__", "entry"]


def entry() -> None:
    """The `podkb` command. Ctrl-C at any moment, even while the CLI's modules are still being
    imported (before cli.main can catch it), exits 130 without a traceback."""
    import os
    import signal
    import sys

    from .errors import interrupt_handler, was_interrupted

    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not when ignored
        signal.signal(signal.SIGINT, interrupt_handler)
    try:
        from .cli import main

        code = main()
    except KeyboardInterrupt:
        code = 130  # 128 + SIGINT, as a shell reports it
    # The work is done or rolled back: a Ctrl-C from now on would only interrupt Python's own
    # shutdown (a traceback, or death by SIGINT instead of the exit status).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if was_interrupted():
        # Ctrl-C came, even if the KeyboardInterrupt it raised was turned into something else
        # on its way up (an extension module's error, a file's "could not read"): 130.
        code = 130
    if code == 130:
        # Leave at once. An interrupt that lands while an extension module runs Python code
        # through the C API (lingua's, for one) marks itself "unhandled" inside CPython even
        # though podkb handled it, and a normal exit would then kill the process by SIGINT
        # (status -2) instead of returning 130. The work is already rolled back and closed.
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(130)
    sys.exit(code)
