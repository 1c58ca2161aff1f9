"""Typed errors and exit codes. The core raises these; only the CLI turns them into exits."""

from __future__ import annotations

from enum import IntEnum
from types import FrameType


class ExitStatus(IntEnum):
    """Documented exit codes (see README, "Exit codes")."""

    OK = 0
    NO_RESULTS = 1
    ERROR = 2  # usage error or bad input
    STORE_BUSY = 3  # another podkb process holds the write lock
    SOME_ITEMS_FAILED = 4  # a feed was read, but some items' transcripts or chapters failed
    INTERRUPTED = 130


class PodkbError(Exception):
    """Base class: a message fit for one line on stderr."""

    exit_status = ExitStatus.ERROR

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class InputError(PodkbError):
    """A transcript or metadata file that cannot be read or understood."""


class UsageError(PodkbError):
    """Arguments that do not make sense (unknown speaker, bad option value...)."""


class StoreError(PodkbError):
    """The knowledge base file is missing, damaged or of an unknown version."""


class StoreBusyError(StoreError):
    exit_status = ExitStatus.STORE_BUSY


_interrupts: list[int] = []  # Ctrl-C presses seen by interrupt_handler


def interrupt_handler(signum: int, frame: FrameType | None) -> None:
    """SIGINT as Python's default handler (KeyboardInterrupt), remembered: an interrupt that an
    extension module turns into another exception still ends podkb with 130, and no file's error
    handler takes it for that file's fault."""
    _interrupts.append(signum)
    raise KeyboardInterrupt


def was_interrupted() -> bool:
    return bool(_interrupts)
