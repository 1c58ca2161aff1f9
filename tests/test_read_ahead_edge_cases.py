"""Worker read-ahead when things go wrong: a file the planner cannot look at, a file a worker
fails to parse, a worker that dies. In every case the main process gets None for that file and
reads it itself, in order, so the ingest says the problem where it would have alone; and how
many workers an ingest uses by default."""

from __future__ import annotations

import os

import pytest

from podkb.ingest.parallel import MIN_FILES, ReadAhead, default_workers

WORKERS = 2


def _plan_numbers(index: int) -> tuple[tuple[object, ...], str]:
    """File 5 cannot be planned (gone, unreadable): the planner raises. File 6 is one the
    main process would not read (unchanged): no plan. File 7's bytes fail to parse."""
    if index == 5:
        raise OSError("file vanished between the listing and the plan")
    if index == 7:
        return (index,), "not a number"
    return (index,), str(index * 10)


def _plan(index: int) -> tuple[tuple[object, ...], str] | None:
    return None if index == 6 else _plan_numbers(index)


def test_unplannable_unplanned_and_unparsable_files_are_left_to_the_main_process() -> None:
    ahead: ReadAhead[str, int] = ReadAhead(MIN_FILES, _plan, int, workers=WORKERS)
    try:
        ahead.advance(0)
        assert ahead.take(4, (4,)) == 40  # a worker parsed it
        assert ahead.take(5, (5,)) is None  # the planner raised: nothing was submitted
        assert ahead.take(6, (6,)) is None  # not planned
        assert ahead.take(7, (7,)) is None  # int("not a number") raised in the worker
        assert ahead.take(2, (2,)) == 20  # the others are unaffected, in any order
    finally:
        ahead.close()


def test_items_past_the_look_ahead_are_planned_only_when_the_writer_gets_near() -> None:
    planned: list[int] = []

    def plan(index: int) -> tuple[tuple[object, ...], str]:
        planned.append(index)
        return (index,), str(index)

    count = MIN_FILES * 4
    ahead: ReadAhead[str, int] = ReadAhead(count, plan, int, workers=WORKERS)
    try:
        ahead.advance(0)
        first = list(planned)
        assert first == list(range(len(first))) and 0 < len(first) < count
        assert ahead.take(len(first), (len(first),)) is None  # not planned yet
        ahead.advance(count - 1)
        assert planned == list(range(count))  # each item planned once, in order
        assert ahead.take(count - 1, (count - 1,)) == count - 1
    finally:
        ahead.close()


def test_a_worker_that_dies_leaves_its_file_and_the_rest_to_the_main_process() -> None:
    # os._exit ends the worker process itself (as a kill or the OOM killer would): the pool
    # breaks. Every result it still owed, and every later file, is read by the main process.
    def plan(index: int) -> tuple[tuple[object, ...], int]:
        return (index,), 3

    ahead: ReadAhead[int, int] = ReadAhead(MIN_FILES, plan, os._exit, workers=WORKERS)
    try:
        ahead.advance(0)
        assert ahead.take(0, (0,)) is None
        ahead.advance(MIN_FILES - 1)  # submitting to the broken pool: read the rest here
        assert not ahead.active
        assert all(ahead.take(i, (i,)) is None for i in range(MIN_FILES))
    finally:
        ahead.close()


def test_close_cancels_what_was_never_taken_and_can_be_called_twice() -> None:
    ahead: ReadAhead[str, int] = ReadAhead(MIN_FILES, _plan_numbers, len, workers=WORKERS)
    ahead.advance(0)
    assert ahead.take(1, (1,)) == 2
    ahead.close()
    assert ahead.take(2, (2,)) is None  # nothing is held after close
    ahead.close()


@pytest.mark.parametrize(
    "configured, expected",
    [("3", 3), ("0", 0), ("1", 1), (" 2 ", 2)],
)
def test_podkb_ingest_workers_sets_the_number_of_workers(monkeypatch, configured, expected):
    monkeypatch.setenv("PODKB_INGEST_WORKERS", configured)
    assert default_workers() == expected


@pytest.mark.parametrize("configured", ["", "many", "-1", "2.5"])
def test_otherwise_one_worker_per_usable_core_and_none_on_one_core(monkeypatch, configured):
    monkeypatch.setenv("PODKB_INGEST_WORKERS", configured)
    cores = len(os.sched_getaffinity(0))
    assert default_workers() == (cores if cores > 1 else 0)
