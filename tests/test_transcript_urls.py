"""`podkb ingest URL` for transcripts and feeds already followed: two URLs ending in the same
file name are two episodes; bytes that are no transcript are one line naming the URL, and nothing
in the store is lost; a feed URL typed again is read again as a subscription. Served by
pytest-httpserver on 127.0.0.1 only."""

from __future__ import annotations

import json

from conftest import FIXTURES

CONFORMANCE = FIXTURES / "conformance"
SRT = (CONFORMANCE / "transcript-example.srt").read_bytes()
OTHER_SRT = (
    b"1\n00:00:01,000 --> 00:00:04,500\nTravis: Should you have a trailer? Yes, a short one.\n"
)


def episodes(run_cli, db: str) -> list[dict]:
    code, out, err = run_cli("episodes", "--db", db, "--format", "jsonl")
    assert code in (0, 1), err
    return [json.loads(line) for line in out.splitlines()]


def test_two_urls_ending_in_the_same_file_name_are_two_episodes(run_cli, httpserver, tmp_path):
    httpserver.expect_request("/show-a/episode.srt").respond_with_data(SRT)
    httpserver.expect_request("/show-b/episode.srt").respond_with_data(OTHER_SRT)
    db = str(tmp_path / "kb.db")
    first, second = (httpserver.url_for(f"/show-{s}/episode.srt") for s in "ab")
    assert run_cli("ingest", first, "--db", db)[0] == 0
    code, _out, err = run_cli("ingest", second, "--db", db)
    assert code == 0, err
    ids = sorted(e["episode_id"] for e in episodes(run_cli, db))
    assert ids[0] == "episode" and ids[1].startswith("episode-") and len(ids) == 2
    # Each URL keeps its own episode: read again, both are unchanged, and the texts differ.
    for url in (first, second):
        code, _out, err = run_cli("ingest", url, "--db", db, "--format", "table")
        assert code == 0 and "unchanged" in err
    assert sorted(e["episode_id"] for e in episodes(run_cli, db)) == ids
    _, shown, _ = run_cli("show", ids[1], "--db", db, "--format", "jsonl")
    assert [json.loads(t)["text"] for t in shown.splitlines()] == [
        "Travis: Should you have a trailer? Yes, a short one."  # one cue: no speaker is invented
    ]


def test_bytes_that_are_no_transcript_are_one_line_and_lose_nothing(run_cli, httpserver, tmp_path):
    httpserver.expect_request("/good.srt").respond_with_data(SRT)
    httpserver.expect_request("/noise.bin").respond_with_data(bytes(range(256)) * 4)
    db = str(tmp_path / "kb.db")
    assert run_cli("ingest", httpserver.url_for("/good.srt"), "--db", db)[0] == 0
    before = episodes(run_cli, db)
    noise = httpserver.url_for("/noise.bin")
    code, out, err = run_cli("ingest", noise, "--db", db)
    assert code == 2
    assert err.startswith(f"podkb: {noise}: ") or f"{noise}: " in err
    assert "Traceback" not in err and "internal error" not in err
    assert len(err.strip().splitlines()) == 1
    assert episodes(run_cli, db) == before


def test_a_followed_feed_typed_again_is_read_again_as_its_subscription(
    run_cli, httpserver, tmp_path
):
    from test_feeds import serve_p20

    feed_url = serve_p20(httpserver)
    db = str(tmp_path / "kb.db")
    code, _out, err = run_cli("ingest", feed_url, "--db", db)
    assert code == 0, err
    landed = episodes(run_cli, db)
    assert landed
    fetched = len(httpserver.log)
    code, out, err = run_cli("ingest", feed_url, "--db", db, "--format", "jsonl")
    assert code == 0, err
    items = [json.loads(line) for line in out.splitlines()]  # one row per item of the feed
    assert len(items) == len(landed)
    assert {item["feed"] for item in items} == {feed_url}
    # Nothing new: every item is unchanged, no transcript stored twice, no feed subscribed twice.
    assert {item["status"] for item in items} == {"unchanged"}
    assert episodes(run_cli, db) == landed
    _, feeds_out, _ = run_cli("feeds", "--db", db, "--format", "jsonl")
    assert len(feeds_out.splitlines()) == 1
    assert len(httpserver.log) > fetched  # read again, not answered from the store
