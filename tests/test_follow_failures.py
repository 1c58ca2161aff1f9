"""A subscription when things go wrong later: the feed's server fails, the feed repeats a guid
or has items with nothing to know them by. What podkb says, what `podkb feeds` records, and that
the episodes already in the store stay. Served by pytest-httpserver on 127.0.0.1 only."""

from __future__ import annotations

import json

from werkzeug import Response

SRT = (
    b"1\n00:00:01,000 --> 00:00:04,000\nAna: Welcome to the weather hour.\n\n"
    b"2\n00:00:04,000 --> 00:00:08,000\nBen: Glad to be here, it is raining.\n"
)


def feed(base: str, items: str) -> bytes:
    return (
        (
            '<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel>'
            f"<title>Weather Hour</title><language>en</language>{items}</channel></rss>"
        )
        .replace("BASE/", base)
        .encode()
    )


ONE = (
    "<item><title>Rain</title><guid>w-1</guid><enclosure url='BASE/1.mp3' type='audio/mpeg'/>"
    "<podcast:transcript url='BASE/1.srt' type='application/x-subrip'/></item>"
)


def _feeds(run_cli, db) -> list[dict]:
    code, out, err = run_cli("feeds", "--db", db, "--format", "json")
    assert code in (0, 1), err
    return json.loads(out)


def test_a_feed_that_fails_later_keeps_its_episodes_and_records_the_error(
    run_cli, httpserver, tmp_path
):
    db = str(tmp_path / "kb.db")
    base = httpserver.url_for("/")
    httpserver.expect_request("/1.srt").respond_with_data(SRT)
    httpserver.expect_ordered_request("/feed.xml").respond_with_data(feed(base, ONE))
    url = httpserver.url_for("/feed.xml")
    code, _, err = run_cli("ingest", url, "--db", db, "-q")
    assert code == 0, err
    (subscribed,) = _feeds(run_cli, db)
    assert (subscribed["url"], subscribed["last_error"]) == (url, None)

    httpserver.expect_ordered_request("/feed.xml").respond_with_response(
        Response("down for maintenance", status=503)
    )
    code, out, err = run_cli("update", "--db", db, "--format", "json")
    assert code == 2
    assert err == f"podkb: {url}: HTTP 503 SERVICE UNAVAILABLE\n"
    (failed,) = _feeds(run_cli, db)
    assert failed["last_error"] == f"{url}: HTTP 503 SERVICE UNAVAILABLE"
    assert failed["last_checked"] is not None
    # The episode it gave before is still there and still found.
    code, out, _ = run_cli("search", "raining", "--db", db, "--format", "json")
    assert code == 0 and len(json.loads(out)) == 1

    httpserver.expect_ordered_request("/feed.xml").respond_with_data(feed(base, ONE))
    code, _, err = run_cli("update", "--db", db, "-q")
    assert code == 0, err
    (recovered,) = _feeds(run_cli, db)
    assert recovered["last_error"] is None


def test_items_with_nothing_to_know_them_by_or_a_repeated_guid_are_left_out(
    run_cli, httpserver, tmp_path
):
    db = str(tmp_path / "kb.db")
    base = httpserver.url_for("/")
    httpserver.expect_request("/1.srt").respond_with_data(SRT)
    items = ONE + ONE.replace("Rain", "Rain again") + "<item><description>?</description></item>"
    httpserver.expect_request("/feed.xml").respond_with_data(feed(base, items))
    code, out, err = run_cli(
        "ingest", httpserver.url_for("/feed.xml"), "--db", db, "--format", "jsonl"
    )
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["item"], r["status"]) for r in rows] == [("w-1", "new")]
    (subscribed,) = _feeds(run_cli, db)
    assert subscribed["items"] == 1 and subscribed["episodes"] == 1


def test_a_feed_file_that_is_not_a_feed_is_one_line(run_cli, tmp_path):
    path = tmp_path / "feed.xml"
    path.write_bytes(b"<rss version='2.0'><title>no channel</title></rss>")
    code, out, err = run_cli("ingest", str(path), "--db", str(tmp_path / "kb.db"))
    assert code == 2
    assert err.strip().splitlines()[-1] == f"podkb: {path}: not an RSS 2.0 feed (no <channel>)"
