"""podkb: a podcast transcript knowledge base for the terminal."""

from ._version import __version__

__all__ = ["__version__", "entry"]


def entry() -> None:
    """The `podkb` command. Ctrl-C at any moment, even while the CLI's modules are still being
    imported (before cli.main can catch it), exits 130 without a traceback."""
    import os
    import sys

    try:
        from .cli import main

        code = main()
    except KeyboardInterrupt:
        code = 130  # 128 + SIGINT, as a shell reports it
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
