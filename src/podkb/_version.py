"""The package version, in a module of its own so that any module can read it without importing
the package (whose `entry` imports the CLI)."""

__version__ = "0.1.0"
