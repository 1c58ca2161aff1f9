"""podkb: a podcast transcript knowledge base for the terminal."""

__version__ = "0.1.0"


def entry() -> None:
    """The `podkb` command. Ctrl-C at any moment, even while the CLI's modules are still being
    imported (before cli.main can catch it), exits 130 without a traceback."""
    import sys

    try:
        from .cli import main

        code = main()
    except KeyboardInterrupt:
        code = 130  # 128 + SIGINT, as a shell reports it
    sys.exit(code)
