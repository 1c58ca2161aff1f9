"""Files read ahead in worker processes while the main process writes the store.

Reading a file into records (decoding, the readers, line accounting, names, languages) needs
nothing of the store, and is most of an ingest's work; writing needs the store and its order.
So the main process plans a few files ahead (the same checks `_ingest_one` makes: unchanged
files are never read), hands the bytes of those it would read to worker processes, and then
decides every file in order exactly as it would alone, taking a worker's result only for the
same file, bytes, inputs and options it would have parsed itself (anything else, or a worker
that died, is parsed in the main process). Workers never open the store: it is written by the
main process only, inside its transactions, so an ingest stays atomic per file and per batch.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import Generic, TypeVar

# Below this many files an ingest is read in the main process: starting a worker (a fresh
# interpreter importing podkb, ~0.3-0.5 s) costs more than a few files take to read.
MIN_FILES = 16
# Files planned ahead of the one being written, per worker: enough that a worker never waits
# for the main process, few enough that the parsed records held in memory stay small.
AHEAD_PER_WORKER = 4

J = TypeVar("J")
R = TypeVar("R")


def default_workers() -> int:
    """Worker processes for a large ingest: PODKB_INGEST_WORKERS, else one per usable core
    (0 or 1: everything in the main process)."""
    configured = os.environ.get("PODKB_INGEST_WORKERS", "").strip()
    if configured.isdigit():
        return int(configured)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return cores if cores > 1 else 0


def _start_worker(parent: int) -> None:
    # Ctrl-C reaches the whole process group: the main process stops the ingest (and rolls back
    # its batch); a worker interrupted mid-file would only break the pool on the way.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


def _exit_with(parent: int) -> None:
    """End this worker once the process that started it is gone. A killed ingest (SIGKILL,
    SIGTERM) shuts no pool down: its workers would live on, holding its stdout and stderr open
    (a caller reading them to the end would wait for ever) and the CPU for files no one wants."""
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(1)


@contextmanager
def _interrupt_deferred() -> Iterator[None]:
    """Ctrl-C held until the block is done, then acted on as it would have been. A submit may
    start a worker: interrupted while writing the worker its start-up data, it would leave the
    worker to fail reading it, with a traceback on the terminal."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread can set handlers (and only it gets KeyboardInterrupt)
        return
    caught: list[tuple[int, FrameType | None]] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append((signum, frame)))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        if callable(previous):
            previous(*caught[0])
        elif previous == signal.SIG_DFL:
            os.kill(os.getpid(), signal.SIGINT)


@dataclass(frozen=True)
class Planned(Generic[R]):
    """A file handed to a worker: the key it must still have when its turn comes."""

    key: tuple[object, ...]
    future: Future[R]


class ReadAhead(Generic[J, R]):
    """Runs `parse(job)` in worker processes for the jobs `plan(i)` gives for items ahead of
    the one being written; `take(i, key)` returns the result if it was planned with that key."""

    def __init__(
        self,
        count: int,
        plan: Callable[[int], tuple[tuple[object, ...], J] | None],
        parse: Callable[[J], R],
        workers: int,
    ) -> None:
        self._count = count
        self._plan = plan
        self._parse = parse
        self._workers = workers
        self._ahead = max(1, workers) * AHEAD_PER_WORKER
        self._next = 0  # the first item not planned yet
        self._planned: dict[int, Planned[R]] = {}
        self._pool: ProcessPoolExecutor | None = None

    @property
    def active(self) -> bool:
        return self._workers > 1 and self._count >= MIN_FILES

    def advance(self, current: int) -> None:
        """Plan the items up to `current` + the look-ahead (call before writing `current`)."""
        if not self.active:
            return
        while self._next < min(self._count, current + self._ahead):
            index = self._next
            self._next += 1
            try:
                planned = self._plan(index)
            except Exception:
                planned = None  # the main process meets the same problem in order, and says it
            if planned is None:
                continue
            key, job = planned
            try:
                with _interrupt_deferred():
                    future = self._executor().submit(self._parse, job)
            except Exception:  # the pool broke (a worker killed): read the rest here
                self._workers = 0
                return
            self._planned[index] = Planned(key, future)

    def take(self, index: int, key: tuple[object, ...]) -> R | None:
        """The worker's result for item `index`, if it was planned with this key and the
        worker delivered; else None (the caller parses the file itself)."""
        planned = self._planned.pop(index, None)
        if planned is None:
            return None
        if planned.key != key:
            planned.future.cancel()
            return None
        try:
            return planned.future.result()
        except Exception:
            return None  # a worker died (killed, out of memory): read it here instead

    def close(self) -> None:
        for planned in self._planned.values():
            planned.future.cancel()
        self._planned.clear()
        pool, self._pool = self._pool, None
        if pool is not None:
            # Held like a submit: Ctrl-C in the middle of the shutdown left the pool's queues
            # unreleased, and the resource tracker's warning about them on stderr at exit.
            with _interrupt_deferred():
                pool.shutdown(wait=True, cancel_futures=True)

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # spawn, not fork: the main process may hold threads (a progress bar) and an open
            # store connection, neither of which a forked child may inherit safely.
            self._pool = ProcessPoolExecutor(
                self._workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(os.getpid(),),
            )
        return self._pool
