"""`podkb update --recheck` and `--force`. Without them an item the feed did not change is not
asked for again; --recheck asks for its transcript again with a conditional GET (the ETag of the
last read), so a 304 reads nothing and a new body replaces the episode in place; an item the feed
changed whose transcript answers 304 is fetched again whole, since its episode must be rebuilt;
--force sends no validators at all and reads everything again. Served on 127.0.0.1 only."""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES

QUICKSTART = FIXTURES / "feeds" / "quickstart"
FEED = (QUICKSTART / "feed.xml").read_bytes()
TRAILER = (QUICKSTART / "trailer.vtt").read_bytes()
ROOKIE = (QUICKSTART / "rookie-mistakes.srt").read_bytes()
EPISODES = ["should-you-have-a-podcast-trailer", "ten-rookie-mistakes"]


def _serve(httpserver, *, feed: bytes = FEED, trailer: bytes = TRAILER, conditional: bool = True):
    """The quick start feed and its two transcripts, each with an ETag; with `conditional`, a
    GET that sends a transcript's ETag back is answered 304."""
    httpserver.clear()
    if conditional:
        for path, tag in (("/trailer.vtt", '"t1"'), ("/rookie-mistakes.srt", '"r1"')):
            httpserver.expect_request(path, headers={"If-None-Match": tag}).respond_with_data(
                "", status=304
            )
    httpserver.expect_request("/feed.xml").respond_with_data(feed, headers={"ETag": '"f1"'})
    httpserver.expect_request("/trailer.vtt").respond_with_data(
        trailer, headers={"ETag": '"t1"' if trailer == TRAILER else '"t2"'}
    )
    httpserver.expect_request("/rookie-mistakes.srt").respond_with_data(
        ROOKIE, headers={"ETag": '"r1"'}
    )
    return httpserver.url_for("/feed.xml")


def _gets(httpserver, since: int) -> list[tuple[str, str | None]]:
    """(path, If-None-Match sent) of every request after the first `since`."""
    return [(r.path, r.headers.get("If-None-Match")) for r, _ in httpserver.log[since:]]


def _statuses(out: str) -> dict[str, tuple[str, int]]:
    return {r["episode_id"]: (r["status"], r["turns"]) for r in map(json.loads, out.splitlines())}


@pytest.fixture()
def subscribed(run_cli, httpserver, tmp_path):
    url = _serve(httpserver)
    db = str(tmp_path / "kb.db")
    code, out, err = run_cli("ingest", url, "--db", db, "--format", "jsonl")
    assert code == 0, err
    assert {k: s for k, (s, _) in _statuses(out).items()} == dict.fromkeys(EPISODES, "new")
    return db


def _turns(run_cli, db: str, episode: str) -> list[dict]:
    code, out, _ = run_cli("show", episode, "--db", db, "--format", "jsonl")
    assert code == 0
    return [json.loads(line) for line in out.splitlines()]


def test_update_alone_never_asks_for_an_unchanged_items_transcript(run_cli, httpserver, subscribed):
    before = len(httpserver.log)
    code, out, err = run_cli("update", "--db", subscribed, "--format", "jsonl")
    assert code == 0, err
    assert _gets(httpserver, before) == [("/feed.xml", '"f1"')]
    assert _statuses(out) == {e: ("unchanged", 0) for e in EPISODES}


def test_recheck_asks_again_with_the_etag_and_a_304_reads_nothing(run_cli, httpserver, subscribed):
    turns = _turns(run_cli, subscribed, EPISODES[0])
    before = len(httpserver.log)
    code, out, err = run_cli("update", "--recheck", "--db", subscribed, "--format", "jsonl")
    assert code == 0, err
    assert sorted(_gets(httpserver, before)) == [
        ("/feed.xml", '"f1"'),
        ("/rookie-mistakes.srt", '"r1"'),
        ("/trailer.vtt", '"t1"'),
    ]
    assert _statuses(out) == {e: ("unchanged", 0) for e in EPISODES}
    assert _turns(run_cli, subscribed, EPISODES[0]) == turns
    # The validators are kept: the next recheck sends the same ETag again.
    before = len(httpserver.log)
    assert run_cli("update", "--recheck", "--db", subscribed)[0] == 0
    assert ("/trailer.vtt", '"t1"') in _gets(httpserver, before)


def test_recheck_reads_a_transcript_that_changed_into_the_same_episode(
    run_cli, httpserver, subscribed
):
    changed = TRAILER.replace(b"trailer", b"teaser")
    assert changed != TRAILER
    _serve(httpserver, trailer=changed, conditional=False)
    code, out, err = run_cli("update", "--recheck", "--db", subscribed, "--format", "jsonl")
    assert code == 0, err
    statuses = _statuses(out)
    assert statuses[EPISODES[0]][0] == "updated" and statuses[EPISODES[0]][1] > 0
    assert statuses[EPISODES[1]] == ("unchanged", 0)  # the same bytes: not read again
    text = " ".join(t["text"] for t in _turns(run_cli, subscribed, EPISODES[0]))
    assert "teaser" in text and "trailer" not in text
    code, out, _ = run_cli("episodes", "--db", subscribed, "--format", "jsonl")
    assert sorted(json.loads(line)["episode_id"] for line in out.splitlines()) == EPISODES


def test_an_item_the_feed_changed_is_fetched_whole_even_after_a_304(
    run_cli, httpserver, subscribed
):
    retitled = FEED.replace(b"Ten rookie mistakes", b"Ten rookie mistakes, revisited")
    _serve(httpserver, feed=retitled)
    before = len(httpserver.log)
    code, out, err = run_cli("update", "--db", subscribed, "--format", "jsonl")
    assert code == 0, err
    assert [g for g in _gets(httpserver, before) if g[0] == "/rookie-mistakes.srt"] == [
        ("/rookie-mistakes.srt", '"r1"'),  # asked conditionally: 304
        ("/rookie-mistakes.srt", None),  # then whole, to rebuild the episode
    ]
    statuses = _statuses(out)
    assert statuses[EPISODES[1]][0] == "updated"
    assert statuses[EPISODES[0]] == ("unchanged", 0)
    code, out, _ = run_cli("episodes", "--db", subscribed, "--format", "jsonl")
    titles = {e["episode_id"]: e["title"] for e in map(json.loads, out.splitlines())}
    assert titles[EPISODES[1]] == "Ten rookie mistakes, revisited"  # the same episode, in place


def test_force_sends_no_validators_and_reads_everything_again(run_cli, httpserver, subscribed):
    before = len(httpserver.log)
    code, out, err = run_cli("update", "--force", "--db", subscribed, "--format", "jsonl")
    assert code == 0, err
    assert sorted(_gets(httpserver, before)) == [
        ("/feed.xml", None),
        ("/rookie-mistakes.srt", None),
        ("/trailer.vtt", None),
    ]
    assert {e: s for e, (s, _) in _statuses(out).items()} == dict.fromkeys(EPISODES, "updated")
