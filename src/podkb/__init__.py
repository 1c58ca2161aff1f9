"""podkb: a podcast transcript knowledge base for the terminal."""

__version__ = "0.1.0"
