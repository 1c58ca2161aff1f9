"""The reports ingest and update give are library records (reports.py, follow.FollowReport):
usable without the CLI, which only writes them. Built here from real seed files and a real
SQLite store."""

from __future__ import annotations

import pytest
from conftest import SEEDS

from podkb.follow import FeedResult, FollowReport, ItemResult, feed_summary
from podkb.ingest import ingest_paths
from podkb.ingest.pipeline import FileResult, read_file_bytes
from podkb.reports import INGEST_CSV_FIELDS, explain, summarize_ingest
from podkb.store import open_store

SEED = SEEDS / "000_084d43b1bddc1ac0.txt"


def test_an_explanation_accounts_for_every_non_blank_line():
    data = read_file_bytes(SEED)
    explained = explain(data, path=SEED)
    non_blank = [n for n, line in enumerate(data.decode().splitlines(), 1) if line.strip()]
    assert [line.line for line in explained.lines] == non_blank
    assert sum(explained.line_counts.values()) == len(non_blank)
    in_turns = {line.turn for line in explained.lines if line.turn is not None}
    assert in_turns == set(range(explained.turns))
    assert all(line.cls == "text" for line in explained.lines if line.turn is not None)
    assert explained.loss is None
    assert explained.summary().startswith(f"{SEED}: {explained.format}, 40 turns; lines: ")
    assert explained.records()[0].keys() == {"line", "class", "turn", "speaker", "text"}


def test_the_ingest_summary_counts_the_run_and_the_store_after_it(tmp_path):
    with open_store(tmp_path / "kb.db") as store:
        first = summarize_ingest(ingest_paths([SEED, tmp_path / "gone.srt"], store), store)
        again = summarize_ingest(ingest_paths([SEED], store), store)
    record = first.record()
    assert (record["files"], record["ingested"], record["failed"]) == (2, 1, 1)
    assert record["turns"] == first.turns == 40
    assert record["store"]["episodes"] == 1 and record["store"]["turns"] == 40
    assert [line.split(":")[0] for line in first.problems()] == [str(tmp_path / "gone.srt")]
    assert all(set(INGEST_CSV_FIELDS) <= r.keys() for r in first.file_records())
    assert again.record()["unchanged"] == 1 and again.turns == 0
    assert again.summary_line().startswith("Ingested 0 of 1 file(s), 1 unchanged: 0 turns.")


def _feed(status: str = "read", *items: str) -> FeedResult:
    return FeedResult(
        url="https://example.org/feed.xml",
        title="Field Notes",
        status=status,
        items=[
            ItemResult(f"i{n}", None, s, error="x: failed" if s == "failed" else None)
            for n, s in enumerate(items)
        ],
    )


@pytest.mark.parametrize(
    ("files", "feeds", "status"),
    [
        ([], [_feed("read", "new", "unchanged")], 0),
        ([], [_feed("not_modified")], 0),
        ([], [_feed("read", "new", "failed")], 4),  # the others landed
        ([], [_feed("failed")], 2),
        ([FileResult(path="https://example.org/a.srt", error="gone")], [], 2),
        ([FileResult(path="https://example.org/a.srt", turns=3)], [_feed("read", "new")], 0),
    ],
)
def test_a_follow_report_exit_status(files, feeds, status):
    assert FollowReport(files, feeds).exit_status() == status


def test_a_follow_report_in_every_shape():
    report = FollowReport(
        [FileResult(path="https://example.org/a.srt", error="a.srt: gone")],
        [_feed("read", "new", "failed")],
    )
    assert report.problems() == ["a.srt: gone", "x: failed"]
    assert [r["status"] for r in report.item_rows()] == ["new", "failed"]
    assert len(report.rows()) == 3  # the file, then each item
    assert [f["feed"] for f in report.record()["feeds"]] == ["https://example.org/feed.xml"]


@pytest.mark.parametrize(
    ("feed", "line"),
    [
        (_feed("read", "new", "new", "unchanged"), "Field Notes: 2 new, 1 unchanged"),
        (_feed("read", "no_transcript", "failed"), "Field Notes: 1 without transcript, 1 failed"),
        (_feed("read"), "Field Notes: no items"),
        (_feed("not_modified"), "Field Notes: not modified since the last check"),
    ],
)
def test_a_feed_summary_counts_its_items_by_outcome(feed, line):
    assert feed_summary(feed) == line


def test_a_moved_feed_says_where_from():
    feed = _feed("read", "updated")
    feed.moved_from = "https://old.example.org/feed.xml"
    assert feed_summary(feed) == (
        "Field Notes (moved from https://old.example.org/feed.xml): 1 updated"
    )
