"""What following a feed prints for a person at a terminal: each new or changed episode as one
tab-separated line on stdout (status, episode, title, turns: what a script run by cron reads),
a summary line per feed on stderr, nothing at all with -q; a transcript URL read says its
episode; unsubscribing says what happens to the episodes. Served on 127.0.0.1 only."""

from __future__ import annotations

import pytest
from conftest import FIXTURES

QUICKSTART = FIXTURES / "feeds" / "quickstart"
TERMINAL = {"PODKB_FORCE_TERMINAL": "1", "NO_COLOR": "1", "COLUMNS": "200"}


@pytest.fixture()
def feed_url(httpserver) -> str:
    for name in ("feed.xml", "trailer.vtt", "rookie-mistakes.srt"):
        httpserver.expect_request(f"/{name}").respond_with_data((QUICKSTART / name).read_bytes())
    return httpserver.url_for("/feed.xml")


def _turns(run_cli, db: str, episode: str) -> int:
    code, out, _ = run_cli("show", episode, "--db", db, "--format", "jsonl")
    assert code == 0
    return len(out.splitlines())


def test_a_new_subscription_lists_its_episodes_and_sums_up(run_cli, feed_url, tmp_path):
    db = str(tmp_path / "kb.db")
    code, out, err = run_cli("ingest", feed_url, "--db", db, env=TERMINAL)
    assert code == 0, err
    trailer = _turns(run_cli, db, "should-you-have-a-podcast-trailer")
    rookie = _turns(run_cli, db, "ten-rookie-mistakes")
    assert out == (
        f"new\tshould-you-have-a-podcast-trailer\tShould you have a podcast trailer?\t"
        f"{trailer} turns\n"
        f"new\tten-rookie-mistakes\tTen rookie mistakes\t{rookie} turns\n"
    )
    assert err == "podkb: Podcasting Q&A: 2 new\n"


def test_an_update_with_nothing_new_prints_only_its_summary(run_cli, feed_url, tmp_path):
    db = str(tmp_path / "kb.db")
    assert run_cli("ingest", feed_url, "--db", db)[0] == 0
    code, out, err = run_cli("update", "--db", db, env=TERMINAL)
    assert (code, out, err) == (0, "", "podkb: Podcasting Q&A: 2 unchanged\n")
    code, out, err = run_cli("-q", "update", "--db", db, env=TERMINAL)
    assert (code, out, err) == (0, "", "")


def test_quiet_prints_nothing_even_for_new_episodes(run_cli, feed_url, tmp_path):
    db = str(tmp_path / "kb.db")
    code, out, err = run_cli("-q", "ingest", feed_url, "--db", db, env=TERMINAL)
    assert (code, out, err) == (0, "", "")
    assert _turns(run_cli, db, "ten-rookie-mistakes") > 0  # and it did land


def test_update_without_subscriptions_says_how_to_subscribe(run_cli, tmp_path):
    code, out, err = run_cli("update", "--db", str(tmp_path / "kb.db"), env=TERMINAL)
    assert (code, out) == (0, "")
    assert err == "podkb: no subscriptions; `podkb ingest FEED_URL` subscribes to a feed\n"


def test_a_transcript_url_says_its_episode_then_that_it_is_unchanged(
    run_cli, httpserver, feed_url, tmp_path
):
    db = str(tmp_path / "kb.db")
    url = httpserver.url_for("/rookie-mistakes.srt")
    code, out, err = run_cli("ingest", url, "--db", db, env=TERMINAL)
    assert code == 0, err
    turns = _turns(run_cli, db, "rookie-mistakes")
    assert (out, err) == ("", f"podkb: {url}: rookie-mistakes, {turns} turns\n")
    code, out, err = run_cli("ingest", url, "--db", db, env=TERMINAL)
    assert (code, out, err) == (0, "", f"podkb: {url}: rookie-mistakes, unchanged\n")


def test_unsubscribing_says_whether_the_episodes_stay(run_cli, feed_url, tmp_path):
    db = str(tmp_path / "kb.db")
    assert run_cli("ingest", feed_url, "--db", db)[0] == 0
    code, out, err = run_cli("feeds", "remove", feed_url, "--db", db)
    assert (code, out) == (0, "")
    assert err == f"podkb: unsubscribed {feed_url} (its episodes stay; --episodes deletes them)\n"
    assert run_cli("episodes", "--db", db, "--format", "csv")[1].count("\n") == 3
    # Subscribed again, then removed with its episodes: their ids on stdout, sorted.
    assert run_cli("ingest", feed_url, "--db", db)[0] == 0
    code, out, err = run_cli("feeds", "remove", feed_url, "--episodes", "--db", db)
    assert code == 0
    assert out == "should-you-have-a-podcast-trailer\nten-rookie-mistakes\n"
    assert err == f"podkb: unsubscribed {feed_url}\n"
    code, out, _ = run_cli("episodes", "--db", db, "--format", "csv")
    assert (code, out.count("\n")) == (1, 1)  # the header only
