"""Following podcasts: feeds parsed, transcripts chosen, subscriptions kept current, quotes linked to
their moment in the audio. Feeds are served by pytest-httpserver on 127.0.0.1 only."""

from __future__ import annotations

import json
import threading
import time

import pytest
from conftest import FIXTURES

from podkb.errors import InputError
from podkb.feeds import (
    Person,
    TranscriptLink,
    choose_transcript,
    document_kind,
    parse_feed,
    parse_opml,
)

FEEDS = FIXTURES / "feeds"
CONFORMANCE = FIXTURES / "conformance"
P20 = FEEDS / "p20-example"
MULTI = FEEDS / "multi"


def _rewritten(path, base: str) -> bytes:
    """A fixture feed pointing at the test server instead of example.com."""
    return path.read_bytes().replace(b"https://example.com/", base.encode())


def serve_multi(httpserver, version: str = "feed.xml") -> str:
    """The multi-transcript feed and its files; returns the feed's URL."""
    base = httpserver.url_for("/")
    httpserver.expect_request("/feed.xml").respond_with_data(
        _rewritten(MULTI / version, base),
        content_type="application/rss+xml",
        headers={"ETag": f'"{version}"', "Last-Modified": "Tue, 19 Mar 2024 10:00:00 GMT"},
    )
    files = {
        "/rookie/10.vtt": (CONFORMANCE / "transcript-example.vtt").read_bytes(),
        "/rookie/10.srt": (CONFORMANCE / "transcript-example.srt").read_bytes(),
        "/rookie/10.html": (CONFORMANCE / "transcript-example.html").read_bytes(),
        "/rookie/10.chapters.json": (CONFORMANCE / "chapters-example.json").read_bytes(),
        "/rookie/11.json": (CONFORMANCE / "transcript-example.json").read_bytes(),
        "/rookie/11.srt": (CONFORMANCE / "transcript-example.srt").read_bytes(),
        "/rookie/11-v2.json": (CONFORMANCE / "transcript-example.json")
        .read_bytes()
        .replace(b"father.", b"mother."),
        "/rookie/12.srt": b"1\n00:00:01,000 --> 00:00:04,500\n"
        b"Travis: Should you have a trailer? Yes, a short one.\n",
    }
    for path, body in files.items():
        httpserver.expect_request(path).respond_with_data(body, headers={"ETag": f'"{path}"'})
    return httpserver.url_for("/feed.xml")


def serve_p20(httpserver) -> str:
    base = httpserver.url_for("/")
    httpserver.expect_request("/feed.xml").respond_with_data(_rewritten(P20 / "feed.xml", base))
    for n in (1, 2, 3):
        httpserver.expect_request(f"/ep{n}/transcript.txt").respond_with_data(
            (P20 / "files" / f"ep{n}-transcript.txt").read_bytes()
        )
        httpserver.expect_request(f"/ep{n}_chapters.json").respond_with_data(
            (P20 / "files" / "ep3_chapters.json").read_bytes()
        )
    return httpserver.url_for("/feed.xml")


def paths_fetched(httpserver) -> list[str]:
    return [request.path for request, _ in httpserver.log]


# --- reading feeds ---------------------------------------------------------------------------


def test_the_namespace_example_feed_is_read():
    feed = parse_feed((P20 / "feed.xml").read_bytes(), where="feed.xml")
    assert feed.title == "Podcasting 2.0 Namespace Example" and feed.language == "en-US"
    assert [i.title for i in feed.items] == [
        "Episode 3 - The Future",
        "Episode 2 - The Present",
        "Episode 1 - The Past",
    ]
    first = feed.items[0]
    assert first.key == "https://example.com/ep0003"
    assert first.date == "2020-10-09"
    assert first.audio_url == "https://mp3s.nashownotes.com/PC20-17-2020-12-25-Final.mp3"
    assert first.link == "https://example.com/podcast/ep0003"
    assert first.description == (
        "A look into the future of podcasting and how we get to Podcasting 2.0!"
    )
    assert first.transcripts == [
        TranscriptLink("https://example.com/ep3/transcript.txt", "text/plain", None, None)
    ]
    assert first.chapters_url == "https://example.com/ep3_chapters.json"
    # The example gives names as a `name` attribute; a person without a role is a host.
    assert first.persons == [Person("Adam Curry", "host"), Person("Dave Jones", "guest")]


def test_every_transcript_and_person_of_an_item_is_kept():
    feed = parse_feed((MULTI / "feed.xml").read_bytes(), where="feed.xml")
    item = feed.items[0]
    assert [(t.type, t.rel) for t in item.transcripts] == [
        ("text/plain", None),
        ("text/html", None),
        ("application/x-subrip", "captions"),
        ("text/vtt", None),
    ]
    # The cover designer does not speak; the item's people replace the channel's.
    assert feed.people_of(item) == [
        Person("Travis", "host"),
        Person("Sarah", "guest"),
        Person("Gilon", "guest"),
    ]
    assert feed.people_of(feed.items[1]) == [Person("Channel Host", "host")]
    assert item.duration == 750.0 and feed.items[1].duration == 95.0


@pytest.mark.parametrize(
    "declaration, found",
    [
        ('xmlns:podcast="https://podcastindex.org/namespace/1.0"', True),
        ('xmlns:p="https://podcastindex.org/namespace/1.0"', True),
        (
            'xmlns:podcast="https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md"',
            True,
        ),
        # The prefix alone means nothing: bound to another URI, it is not the namespace.
        ('xmlns:podcast="https://example.org/not-the-namespace"', False),
    ],
)
def test_the_namespace_is_matched_by_uri_never_by_prefix(declaration, found):
    prefix = declaration.split("=")[0].split(":")[1]
    xml = (
        f'<rss version="2.0" {declaration}><channel><title>T</title><item><guid>g</guid>'
        f'<{prefix}:transcript url="https://h/t.vtt" type="text/vtt"/></item></channel></rss>'
    )
    items = parse_feed(xml.encode(), where="f").items
    assert bool(items[0].transcripts) is found


def test_the_namespace_as_a_default_namespace_is_found():
    xml = (
        '<rss version="2.0"><channel><item><guid>g</guid>'
        '<transcript xmlns="https://podcastindex.org/namespace/1.0" url="https://h/t.srt"'
        ' type="application/x-subrip"/></item></channel></rss>'
    )
    assert parse_feed(xml.encode(), where="f").items[0].transcripts[0].url == "https://h/t.srt"


def _links(*specs: tuple[str, str | None]) -> list[TranscriptLink]:
    return [
        TranscriptLink(f"https://h/{i}", kind, lang, None) for i, (kind, lang) in enumerate(specs)
    ]


@pytest.mark.parametrize(
    "links, lang, channel_lang, chosen",
    [
        # The richest: Podcasting 2.0 JSON, then WebVTT, SRT, HTML, plain text.
        (
            _links(("text/plain", None), ("text/vtt", None), ("application/json", None)),
            None,
            None,
            2,
        ),
        (_links(("text/html", None), ("application/x-subrip", None)), None, None, 1),
        (_links(("text/plain", None), ("text/html", None)), None, None, 1),
        (_links(("text/vtt; charset=utf-8", None), ("application/srt", None)), None, None, 0),
        # --lang en matches en-US; a transcript without a language has the channel's.
        (_links(("application/json", "es"), ("text/vtt", "en-US")), "en", None, 1),
        (_links(("application/json", "es"), ("application/x-subrip", None)), "en", "en", 1),
        (_links(("application/json", "es"), ("application/x-subrip", None)), "es", "en", 0),
        (_links(("application/json", "es")), "fr", "en", None),
        (_links(("text/vtt", "EN-gb")), "en", None, 0),
        (_links(("text/vtt", "eng")), "en", None, None),  # a prefix of a subtag, not of text
        # Not asked: the channel's language first (the namespace example's Spanish captions of
        # an English episode are a translation), any other when the channel's has none.
        (_links(("text/plain", None), ("text/vtt", "es")), None, "en-US", 0),
        (_links(("text/plain", "fr"), ("text/vtt", "es")), None, "en-US", 1),
        (_links(("text/plain", "es"), ("text/vtt", "es")), None, None, 1),
    ],
)
def test_the_richest_transcript_in_the_language_asked_for(links, lang, channel_lang, chosen):
    got = choose_transcript(links, lang=lang, channel_lang=channel_lang)
    assert got == (links[chosen] if chosen is not None else None)


def test_entities_are_never_expanded():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b"<rss><channel><title>&b;</title></channel></rss>"
    )
    with pytest.raises(InputError, match="refuses to expand"):
        parse_feed(bomb, where="bomb.xml")
    external = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<rss><channel><title>&x;</title></channel></rss>"
    )
    with pytest.raises(InputError, match="refuses to expand"):
        parse_feed(external, where="x.xml")


def test_feeds_and_opml_are_recognised_by_content():
    assert document_kind((P20 / "feed.xml").read_bytes()) == "rss"
    assert document_kind(
        b"\xef\xbb\xbf<?xml version='1.0'?>\n<!-- x -->\n<opml version='2.0'>"
    ) == ("opml")
    assert document_kind(b"WEBVTT\n\n00:00.000 --> 00:01.000\n<v A>rss") is None
    assert document_kind(b"<tt xmlns='http://www.w3.org/ns/ttml'>") is None
    opml = (
        b'<opml version="2.0"><body><outline text="a" xmlUrl="https://a/feed"/>'
        b'<outline text="g"><outline xmlUrl="https://b/feed"/><outline xmlUrl="https://a/feed"/>'
        b"</outline></body></opml>"
    )
    assert parse_opml(opml, where="subs.opml") == ["https://a/feed", "https://b/feed"]


def _big_feed(n: int) -> bytes:
    items = "".join(
        f"<item><title>Episode {i}</title><guid>g{i}</guid>"
        f'<enclosure url="https://h/{i}.mp3" type="audio/mpeg"/></item>'
        for i in range(n)
    )
    return f'<rss version="2.0"><channel><title>Big</title>{items}</channel></rss>'.encode()


@pytest.mark.slow
def test_a_feed_of_ten_thousand_items_is_read_in_linear_time(tmp_path):
    from podkb.follow import FollowOptions, follow_feed
    from podkb.net import Fetcher
    from podkb.store import open_store

    small, big = _big_feed(1000), _big_feed(10_000)
    started = time.perf_counter()
    assert len(parse_feed(small, where="f").items) == 1000
    t_small = time.perf_counter() - started
    started = time.perf_counter()
    assert len(parse_feed(big, where="f").items) == 10_000
    t_big = time.perf_counter() - started
    assert t_big < max(30 * t_small, 1.0)
    path = tmp_path / "big.xml"
    path.write_bytes(big)
    started = time.perf_counter()
    with open_store(str(tmp_path / "kb.db")) as store, Fetcher() as fetcher:
        result = follow_feed(store, fetcher, str(path), FollowOptions(), prefetched=_local(path))
        assert result.count("no_transcript") == 10_000 and fetcher.requests == 0
        again = follow_feed(store, fetcher, str(path), FollowOptions(force=True))
        assert again.count("no_transcript") == 10_000
    assert time.perf_counter() - started < 30


def _local(path):
    from podkb.net import Fetched, Validators

    return Fetched(str(path), str(path), path.read_bytes(), Validators())


# --- following feeds through the CLI, on both engines ------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "kb.db")
    return request.getfixturevalue("new_pg_database")()


def test_subscribe_search_quote_update_remove(run_cli, httpserver, db):
    url = serve_multi(httpserver)
    code, out, err = run_cli("ingest", url, "--db", db, "--format", "jsonl")
    assert code == 0, err
    items = {r["item"]: r for r in map(json.loads, out.splitlines())}
    assert {k: r["status"] for k, r in items.items()} == {
        "rookie-10": "new",
        "rookie-11": "new",
        "rookie-trailer": "no_transcript",
    }
    # The richest of four: the WebVTT file; the JSON one for the other item.
    assert items["rookie-10"]["transcript_url"].endswith("/rookie/10.vtt")
    assert items["rookie-11"]["transcript_url"].endswith("/rookie/11.json")

    code, out, _ = run_cli("episodes", "--db", db, "--format", "jsonl")
    episodes = {e["episode_id"]: e for e in map(json.loads, out.splitlines())}
    rookie = episodes["10-rookie-mistakes"]
    assert rookie["show"] == "Rookie Mistakes Radio" and rookie["date"] == "2024-03-05"
    assert rookie["hosts"] == ["Travis"] and rookie["guests"] == ["Sarah", "Gilon"]
    assert rookie["audio_url"] == httpserver.url_for("/audio/rookie-10.mp3")
    assert rookie["link"] == httpserver.url_for("/rookie/10") and rookie["duration"] == 750.0
    assert rookie["chapters"][0] == {"title": "Intro", "start": 0.0}
    assert episodes["i-am-your-father"]["lang"] == "en"

    # Every quote links to its moment in the audio.
    code, out, err = run_cli("quotes", "Sarah", "trailer", "--db", db, "--format", "jsonl")
    assert code == 0, err
    hit = json.loads(out.splitlines()[0])
    assert hit["quote_start"] is not None
    assert hit["audio_url"] == (
        httpserver.url_for("/audio/rookie-10.mp3") + f"#t={hit['quote_start']:g}"
    )
    code, out, _ = run_cli("search", "trailer", "--db", db, "--format", "cite")
    assert "/audio/rookie-10.mp3#t=" in out
    code, out, _ = run_cli("search", "trailer", "--db", db, "--format", "csv")
    assert "audio_url" in out.splitlines()[0].split(",")

    code, out, _ = run_cli("feeds", "--db", db, "--format", "json")
    (row,) = json.loads(out)
    assert row["url"] == url and row["title"] == "Rookie Mistakes Radio"
    assert (row["episodes"], row["with_transcript"], row["without_transcript"]) == (2, 2, 1)
    assert row["last_checked"] and row["last_error"] is None

    # Nothing new: a conditional GET of the feed, a 304... and no transcript asked for.
    httpserver.clear()
    httpserver.expect_request(
        "/feed.xml", headers={"If-None-Match": '"feed.xml"'}
    ).respond_with_data("", status=304)
    before = len(httpserver.log)
    code, out, err = run_cli("-q", "update", "--db", db)
    assert code == 0, err
    assert out == "" and err == ""
    assert paths_fetched(httpserver)[before:] == ["/feed.xml"]

    # A new version of the feed: one new item, one changed transcript.
    httpserver.clear()
    serve_multi(httpserver, "feed-v2.xml")
    code, out, err = run_cli("update", "--db", db, "--format", "jsonl")
    assert code == 0, err
    changed = {r["item"]: r["status"] for r in map(json.loads, out.splitlines())}
    assert changed == {
        "rookie-12": "new",
        "rookie-10": "unchanged",
        "rookie-11": "updated",
        "rookie-trailer": "no_transcript",
    }
    fetched = paths_fetched(httpserver)
    assert "/rookie/10.vtt" not in fetched and "/rookie/11-v2.json" in fetched
    code, out, _ = run_cli("episodes", "--db", db, "--format", "jsonl")
    ids = sorted(e["episode_id"] for e in map(json.loads, out.splitlines()))
    assert ids == ["10-rookie-mistakes", "i-am-your-father", "trailers-or-not"]  # in place
    code, out, _ = run_cli("search", "mother", "--db", db, "--format", "jsonl")
    assert code == 0 and json.loads(out)["episode_id"] == "i-am-your-father"

    # Unsubscribe: the episodes stay unless asked.
    code, _, err = run_cli("feeds", "remove", url, "--db", db)
    assert code == 0, err
    code, out, _ = run_cli("feeds", "--db", db, "--format", "jsonl")
    assert code == 1 and out == ""
    code, out, _ = run_cli("episodes", "--db", db, "--format", "jsonl")
    assert len(out.splitlines()) == 3


def test_the_same_answers_on_both_engines(run_cli, httpserver, tmp_path, new_pg_database):
    url = serve_p20(httpserver)
    answers = []
    for db in (str(tmp_path / "kb.db"), new_pg_database()):
        code, _, err = run_cli("ingest", url, "--db", db)
        assert code == 0, err
        _, episodes, _ = run_cli("episodes", "--db", db, "--format", "jsonl")
        _, hits, _ = run_cli("search", "transcript", "--db", db, "--format", "jsonl")
        _, feeds, _ = run_cli("feeds", "--db", db, "--format", "jsonl")
        feeds = [
            {k: v for k, v in json.loads(f).items() if k != "last_checked"}
            for f in feeds.splitlines()
        ]
        answers.append((episodes, hits, feeds))
    assert answers[0] == answers[1]
    episodes = [json.loads(line) for line in answers[0][0].splitlines()]
    assert {e["title"] for e in episodes} == {
        "Episode 1 - The Past",
        "Episode 2 - The Present",
        "Episode 3 - The Future",
    }
    # The feed's people name the transcript's labels, with their roles.
    assert all(e["hosts"] == ["Adam Curry"] and e["guests"] == ["Dave Jones"] for e in episodes)
    hits = [json.loads(line) for line in answers[0][1].splitlines()]
    assert {(h["speaker"], h["role"]) for h in hits} == {
        ("Dave Jones", "guest"),
        ("Adam Curry", "host"),
    }


def test_a_failing_item_is_reported_the_others_land_and_it_is_retried(
    run_cli, httpserver, tmp_path
):
    base = httpserver.url_for("/")
    feed = _rewritten(P20 / "feed.xml", base).replace(
        base.encode() + b"ep2/transcript.txt", b"file:///etc/passwd"
    )
    httpserver.expect_request("/feed.xml").respond_with_data(feed)
    httpserver.expect_request("/ep3/transcript.txt").respond_with_data(
        (P20 / "files" / "ep3-transcript.txt").read_bytes()
    )
    httpserver.expect_request("/ep1/transcript.txt").respond_with_data("gone", status=404)
    for n in (1, 3):
        httpserver.expect_request(f"/ep{n}_chapters.json").respond_with_data(
            (P20 / "files" / "ep3_chapters.json").read_bytes()
        )
    db = str(tmp_path / "kb.db")
    code, out, err = run_cli(
        "ingest", httpserver.url_for("/feed.xml"), "--db", db, "--format", "table"
    )
    assert code == 4, err
    assert f"podkb: {base}ep1/transcript.txt: HTTP 404 NOT FOUND" in err.splitlines()
    assert any(
        "file:///etc/passwd" in line and "not an http(s) URL" in line for line in err.splitlines()
    )
    assert "new\tepisode-3-the-future" in out
    _, out, _ = run_cli("feeds", "--db", db, "--format", "json")
    row = json.loads(out)[0]
    assert row["failed"] == 2 and "2 item(s) failed" in row["last_error"]
    # The next update asks again for the failed ones only (the feed itself unchanged).
    httpserver.clear()
    httpserver.expect_request("/feed.xml").respond_with_data(feed)
    httpserver.expect_request("/ep1/transcript.txt").respond_with_data(
        (P20 / "files" / "ep1-transcript.txt").read_bytes()
    )
    httpserver.expect_request("/ep1_chapters.json").respond_with_data(
        (P20 / "files" / "ep3_chapters.json").read_bytes()
    )
    code, out, err = run_cli("update", "--db", db, "--format", "jsonl")
    assert code == 4
    statuses = {
        r["item"].rsplit("/", 1)[-1]: r["status"] for r in map(json.loads, out.splitlines())
    }
    assert statuses == {"ep0001": "new", "ep0002": "failed", "ep0003": "unchanged"}
    assert "/ep3/transcript.txt" not in paths_fetched(httpserver)


def test_a_transcript_url_is_ingested_like_a_file(run_cli, httpserver, tmp_path):
    httpserver.expect_request("/show/episode-7.srt").respond_with_data(
        (CONFORMANCE / "transcript-example.srt").read_bytes()
    )
    httpserver.expect_request("/show/missing.srt").respond_with_data("<h1>404</h1>", status=404)
    db = str(tmp_path / "kb.db")
    url = httpserver.url_for("/show/episode-7.srt")
    code, _, err = run_cli("ingest", url, "--db", db, "--show", "Buzzcast", "--format", "table")
    assert code == 0, err
    assert f"{url}: episode-7" in err
    _, out, _ = run_cli("episodes", "--db", db, "--format", "jsonl")
    (episode,) = map(json.loads, out.splitlines())
    assert episode["episode_id"] == "episode-7" and episode["show"] == "Buzzcast"
    assert episode["source"] == "episode-7.srt" and episode["turns"] == 10
    # Again: unchanged. An HTTP error is an error naming the URL, never an episode.
    code, _, err = run_cli("ingest", url, "--db", db, "--show", "Buzzcast", "--format", "table")
    assert code == 0 and "unchanged" in err
    missing = httpserver.url_for("/show/missing.srt")
    code, _, err = run_cli("ingest", missing, "--db", db)
    assert code == 2 and err == f"podkb: {missing}: HTTP 404 NOT FOUND\n"
    _, out, _ = run_cli("episodes", "--db", db, "--format", "jsonl")
    assert len(out.splitlines()) == 1
    # --missing never removes an episode read from a URL: it has no file to miss.
    code, _, _ = run_cli("remove", "--missing", "--db", db)
    _, out, _ = run_cli("episodes", "--db", db, "--format", "jsonl")
    assert len(out.splitlines()) == 1


def test_a_url_is_shown_as_typed_when_the_network_fails(run_cli, tmp_path):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/file.srt"
    code, _, err = run_cli("ingest", url, "--db", str(tmp_path / "kb.db"))
    assert code == 2 and err.startswith(f"podkb: {url}: network error: ")


def test_a_local_feed_file_and_an_opml_list_subscribe(run_cli, httpserver, tmp_path):
    feed_url = serve_p20(httpserver)
    local = tmp_path / "feed.xml"
    local.write_bytes(_rewritten(P20 / "feed.xml", httpserver.url_for("/")))
    db = str(tmp_path / "kb.db")
    code, out, err = run_cli("ingest", str(local), "--db", db, "--format", "jsonl")
    assert code == 0, err
    assert [json.loads(line)["status"] for line in out.splitlines()] == ["new"] * 3
    # Unchanged file: nothing fetched again.
    before = len(httpserver.log)
    code, _, err = run_cli("update", str(local), "--db", db, "--format", "table")
    assert code == 0 and "not modified" in err and len(httpserver.log) == before
    opml = tmp_path / "subs.opml"
    opml.write_text(
        f'<?xml version="1.0"?><opml version="2.0"><body><outline text="x" xmlUrl="{feed_url}"/>'
        '<outline text="bad" xmlUrl="file:///etc/passwd"/></body></opml>'
    )
    code, _, err = run_cli("ingest", str(opml), "--db", db)
    assert code == 2 and "file:///etc/passwd" in err
    _, out, _ = run_cli("feeds", "--db", db, "--format", "jsonl")
    assert sorted(json.loads(line)["url"] for line in out.splitlines()) == sorted(
        [str(local.resolve()), feed_url]
    )
    # The same items from two subscriptions are two feeds' episodes, with distinct ids.
    _, out, _ = run_cli("episodes", "--db", db, "--format", "jsonl")
    assert len(out.splitlines()) == 6


def test_a_feed_that_moves_keeps_its_episodes(run_cli, httpserver, tmp_path):
    url = serve_p20(httpserver)
    db = str(tmp_path / "kb.db")
    assert run_cli("ingest", url, "--db", db)[0] == 0
    _, before, _ = run_cli("episodes", "--db", db, "--format", "jsonl")
    httpserver.clear()
    serve_p20_at = httpserver.url_for("/new/feed.xml")
    httpserver.expect_request("/feed.xml").respond_with_data(
        "", status=301, headers={"Location": "/new/feed.xml"}
    )
    httpserver.expect_request("/new/feed.xml").respond_with_data(
        _rewritten(P20 / "feed.xml", httpserver.url_for("/"))
    )
    code, _, err = run_cli("update", "--db", db, "--format", "table")
    assert code == 0, err
    assert f"moved from {url}" in err
    _, feeds, _ = run_cli("feeds", "--db", db, "--format", "jsonl")
    assert [json.loads(f)["url"] for f in feeds.splitlines()] == [serve_p20_at]
    _, after, _ = run_cli("episodes", "--db", db, "--format", "jsonl")
    assert after == before
    # itunes:new-feed-url moves it too.
    httpserver.clear()
    moved = _rewritten(P20 / "feed.xml", httpserver.url_for("/")).replace(
        b"<itunes:author>",
        f"<itunes:new-feed-url>{httpserver.url_for('/newest.xml')}</itunes:new-feed-url><itunes:author>".encode(),
    )
    httpserver.expect_request("/new/feed.xml").respond_with_data(moved)
    assert run_cli("update", "--db", db)[0] == 0
    _, feeds, _ = run_cli("feeds", "--db", db, "--format", "jsonl")
    assert [json.loads(f)["url"] for f in feeds.splitlines()] == [httpserver.url_for("/newest.xml")]
    _, again, _ = run_cli("episodes", "--db", db, "--format", "jsonl")
    assert again == before


def test_feeds_remove_with_episodes(run_cli, httpserver, tmp_path):
    url = serve_p20(httpserver)
    db = str(tmp_path / "kb.db")
    assert run_cli("ingest", url, "--db", db)[0] == 0
    code, out, err = run_cli("feeds", "remove", url, "--episodes", "--db", db)
    assert code == 0, err
    assert len(out.splitlines()) == 3
    _, out, _ = run_cli("episodes", "--db", db, "--format", "jsonl")
    assert out == ""
    code, _, err = run_cli("feeds", "remove", url, "--db", db)
    assert code == 2 and "not subscribed" in err


def test_lang_chooses_among_an_items_transcripts(run_cli, httpserver, tmp_path):
    url = serve_multi(httpserver)
    code, out, err = run_cli("ingest", url, "--lang", "es", "--db", str(tmp_path / "kb.db"))
    assert code == 0, err
    chosen = {
        r["item"]: (r["status"], r["transcript_url"]) for r in map(json.loads, out.splitlines())
    }
    # The JSON without a language has the channel's (en): the Spanish SRT is the one in Spanish.
    assert chosen["rookie-11"] == ("new", httpserver.url_for("/rookie/11.srt"))
    assert chosen["rookie-10"] == ("no_transcript", None)


def test_relative_urls_resolve_against_the_feed_url_never_a_local_path(
    run_cli, httpserver, tmp_path
):
    feed = (
        b'<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel>'
        b"<title>Rel</title><item><title>One</title><guid>1</guid>"
        b'<enclosure url="one.mp3" type="audio/mpeg"/>'
        b'<podcast:transcript url="one.srt" type="application/x-subrip"/></item></channel></rss>'
    )
    httpserver.expect_request("/shows/feed.xml").respond_with_data(feed)
    httpserver.expect_request("/shows/one.srt").respond_with_data(
        (CONFORMANCE / "transcript-example.srt").read_bytes()
    )
    db = str(tmp_path / "kb.db")
    code, _, err = run_cli("ingest", httpserver.url_for("/shows/feed.xml"), "--db", db)
    assert code == 0, err
    _, out, _ = run_cli("episodes", "--db", db, "--format", "jsonl")
    assert json.loads(out)["audio_url"] == httpserver.url_for("/shows/one.mp3")
    # The same feed as a file: one.srt stays relative, and is refused, not read from disk.
    (tmp_path / "one.srt").write_bytes((CONFORMANCE / "transcript-example.srt").read_bytes())
    local = tmp_path / "feed.xml"
    local.write_bytes(feed)
    code, _, err = run_cli("ingest", str(local), "--db", str(tmp_path / "other.db"))
    assert code == 4 and "one.srt: not an http(s) URL" in err


def test_a_local_transcript_links_to_the_audio_its_sidecar_names(run_cli, tmp_path):
    (tmp_path / "ep7.srt").write_bytes((CONFORMANCE / "transcript-example.srt").read_bytes())
    (tmp_path / "ep7.yaml").write_text('audio: "https://example.org/ep7.mp3"\n')
    db = str(tmp_path / "kb.db")
    assert run_cli("ingest", str(tmp_path / "ep7.srt"), "--db", db)[0] == 0
    code, out, _ = run_cli("quotes", "Travis", "mistakes", "--db", db, "--format", "jsonl")
    assert code == 0
    hit = json.loads(out.splitlines()[0])
    assert hit["audio_url"] == f"https://example.org/ep7.mp3#t={hit['quote_start']:g}"
    code, out, _ = run_cli("show", "ep7", "--db", db)
    assert "audio: https://example.org/ep7.mp3" in out
    # Without an audio URL, no link (null), never an invented one.
    (tmp_path / "ep7.yaml").write_text("title: Seven\n")
    assert run_cli("ingest", str(tmp_path / "ep7.srt"), "--db", db)[0] == 0
    _, out, _ = run_cli("search", "mistakes", "--db", db, "--format", "jsonl")
    assert out and all(json.loads(line)["audio_url"] is None for line in out.splitlines())


@pytest.mark.parametrize(
    "seconds, fragment",
    [(0.0, "#t=0"), (83.4, "#t=83.4"), (83.4567, "#t=83.457"), (3600.0, "#t=3600"), (None, None)],
)
def test_media_fragments(seconds, fragment):
    from podkb.search import audio_link

    got = audio_link("https://h/a.mp3#old", seconds)
    assert got == (None if fragment is None else "https://h/a.mp3" + fragment)
    assert audio_link(None, 12.0) is None


def test_any_bytes_are_a_feed_or_one_clear_error():
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    real = (P20 / "feed.xml").read_bytes()

    @settings(
        max_examples=150,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(st.integers(0, len(real)), st.integers(0, 200), st.binary(max_size=40))
    def damaged(at, cut, junk):
        data = real[:at] + junk + real[at + cut :]
        document_kind(data)
        try:
            parse_feed(data, where="feed.xml")
        except InputError as exc:
            assert str(exc).startswith("feed.xml: ")

    damaged()


def test_a_slow_transcript_times_out_and_the_others_land(run_cli, httpserver, tmp_path):
    from werkzeug import Response

    url = serve_p20(httpserver)

    finished = threading.Event()  # the test server answers one request at a time: wait for it

    def slow(_request):
        def body():
            try:
                yield b"Adam Curry: "
                time.sleep(1.5)
                yield b"late."
            finally:
                finished.set()

        return Response(body())

    httpserver.clear()
    httpserver.expect_request("/feed.xml").respond_with_data(
        _rewritten(P20 / "feed.xml", httpserver.url_for("/"))
    )
    # The last item fetched (items come in feed order): the test server answers one at a time.
    httpserver.expect_request("/ep1/transcript.txt").respond_with_handler(slow)
    for n in (2, 3):
        httpserver.expect_request(f"/ep{n}/transcript.txt").respond_with_data(
            (P20 / "files" / f"ep{n}-transcript.txt").read_bytes()
        )
    for n in (1, 2, 3):
        httpserver.expect_request(f"/ep{n}_chapters.json").respond_with_data(
            (P20 / "files" / "ep3_chapters.json").read_bytes()
        )
    started = time.monotonic()
    code, out, err = run_cli(
        "ingest", url, "--db", str(tmp_path / "kb.db"), env={"PODKB_HTTP_TIMEOUT": "0.3"}
    )
    assert code == 4
    assert (
        f"podkb: {httpserver.url_for('/ep1/transcript.txt')}: network error: timed out reading (0.3 s)"
        in err
    )
    assert [json.loads(line)["status"] for line in out.splitlines()] == ["new", "new", "failed"]
    assert time.monotonic() - started < 5
    assert finished.wait(5)


def test_chapters_that_fail_do_not_cost_the_episode(run_cli, httpserver, tmp_path):
    base = httpserver.url_for("/")
    httpserver.expect_request("/feed.xml").respond_with_data(_rewritten(P20 / "feed.xml", base))
    for n in (1, 2, 3):
        httpserver.expect_request(f"/ep{n}/transcript.txt").respond_with_data(
            (P20 / "files" / f"ep{n}-transcript.txt").read_bytes()
        )
    for n in (1, 2):
        httpserver.expect_request(f"/ep{n}_chapters.json").respond_with_data(
            (P20 / "files" / "ep3_chapters.json").read_bytes()
        )
    httpserver.expect_request("/ep3_chapters.json").respond_with_data("{not json", status=200)
    db = str(tmp_path / "kb.db")
    code, out, err = run_cli("ingest", httpserver.url_for("/feed.xml"), "--db", db)
    assert code == 4
    assert f"podkb: {base}ep3_chapters.json: chapters: invalid JSON" in err
    results = {r["title"]: r for r in map(json.loads, out.splitlines())}
    assert results["Episode 3 - The Future"]["status"] == "new"
    _, out, _ = run_cli("show", "episode-3-the-future", "--db", db, "--format", "json")
    assert json.loads(out)["chapters"] == []
    # Fixed at the source: the next update reads the item again and attaches them.
    httpserver.clear()
    httpserver.expect_request("/feed.xml").respond_with_data(_rewritten(P20 / "feed.xml", base))
    httpserver.expect_request("/ep3/transcript.txt").respond_with_data(
        (P20 / "files" / "ep3-transcript.txt").read_bytes()
    )
    httpserver.expect_request("/ep3_chapters.json").respond_with_data(
        (P20 / "files" / "ep3_chapters.json").read_bytes()
    )
    code, out, err = run_cli("update", "--db", db)
    assert code == 0, err
    statuses = [json.loads(line)["status"] for line in out.splitlines()]
    assert statuses == ["updated", "unchanged", "unchanged"]
    _, out, _ = run_cli("show", "episode-3-the-future", "--db", db, "--format", "json")
    assert [c["title"] for c in json.loads(out)["chapters"]] == ["The namespace", "Value for value"]


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "csv"])
def test_every_format_update_offers_works(run_cli, httpserver, tmp_path, fmt):
    url = serve_multi(httpserver)
    db = str(tmp_path / "kb.db")
    assert run_cli("ingest", url, "--db", db)[0] == 0
    code, out, err = run_cli("update", "--db", db, "--format", fmt)
    assert code == 0, err
    if fmt == "csv":
        assert out.splitlines()[0] == (
            "feed,item,title,status,episode_id,transcript_url,turns,error,warning"
        )
        assert len(out.splitlines()) == 4


def test_an_opml_list_by_url_subscribes_each_feed(run_cli, httpserver, tmp_path):
    feed_url = serve_multi(httpserver)
    httpserver.expect_request("/subs.opml").respond_with_data(
        f'<opml version="2.0"><body><outline type="rss" xmlUrl="{feed_url}"/></body></opml>'
    )
    db = str(tmp_path / "kb.db")
    code, out, err = run_cli("ingest", httpserver.url_for("/subs.opml"), "--db", db)
    assert code == 0, err
    _, out, _ = run_cli("feeds", "--db", db, "--format", "jsonl")
    assert [json.loads(line)["url"] for line in out.splitlines()] == [feed_url]


def test_failed_items_are_retried_even_when_the_feed_is_not_modified(run_cli, httpserver, tmp_path):
    base = httpserver.url_for("/")
    feed = _rewritten(P20 / "feed.xml", base)
    httpserver.expect_request("/feed.xml").respond_with_data(feed, headers={"ETag": '"1"'})
    for n in (1, 2, 3):
        httpserver.expect_request(f"/ep{n}_chapters.json").respond_with_data(
            (P20 / "files" / "ep3_chapters.json").read_bytes()
        )
    for n in (2, 3):
        httpserver.expect_request(f"/ep{n}/transcript.txt").respond_with_data(
            (P20 / "files" / f"ep{n}-transcript.txt").read_bytes()
        )
    httpserver.expect_request("/ep1/transcript.txt").respond_with_data("busy", status=503)
    db = str(tmp_path / "kb.db")
    assert run_cli("ingest", httpserver.url_for("/feed.xml"), "--db", db)[0] == 4
    httpserver.clear()
    # The feed answers 304 to a conditional GET, and the whole feed to a plain one.
    httpserver.expect_request("/feed.xml", headers={"If-None-Match": '"1"'}).respond_with_data(
        "", status=304
    )
    httpserver.expect_request("/feed.xml").respond_with_data(feed, headers={"ETag": '"1"'})
    httpserver.expect_request("/ep1/transcript.txt").respond_with_data(
        (P20 / "files" / "ep1-transcript.txt").read_bytes()
    )
    httpserver.expect_request("/ep1_chapters.json").respond_with_data(
        (P20 / "files" / "ep3_chapters.json").read_bytes()
    )
    code, out, err = run_cli("update", "--db", db)
    assert code == 0, err
    statuses = [json.loads(line)["status"] for line in out.splitlines()]
    assert statuses == ["unchanged", "unchanged", "new"]
    assert "/ep2/transcript.txt" not in paths_fetched(httpserver)
    # Nothing failed any more: the next update is one conditional GET.
    before = len(httpserver.log)
    assert run_cli("update", "--db", db)[0] == 0
    assert paths_fetched(httpserver)[before:] == ["/feed.xml"]


def test_when_the_richest_transcript_fails_the_next_is_read(run_cli, httpserver, tmp_path):
    base = httpserver.url_for("/")
    httpserver.expect_request("/feed.xml").respond_with_data(_rewritten(MULTI / "feed.xml", base))
    httpserver.expect_request("/rookie/10.vtt").respond_with_data("gone", status=410)
    httpserver.expect_request("/rookie/10.srt").respond_with_data(
        (CONFORMANCE / "transcript-example.srt").read_bytes()
    )
    httpserver.expect_request("/rookie/10.chapters.json").respond_with_data(
        (CONFORMANCE / "chapters-example.json").read_bytes()
    )
    httpserver.expect_request("/rookie/11.json").respond_with_data(
        (CONFORMANCE / "transcript-example.json").read_bytes()
    )
    db = str(tmp_path / "kb.db")
    code, out, err = run_cli("ingest", httpserver.url_for("/feed.xml"), "--db", db)
    assert code == 0, err
    vtt, srt = httpserver.url_for("/rookie/10.vtt"), httpserver.url_for("/rookie/10.srt")
    assert f"podkb: warning: {vtt}: HTTP 410 GONE; read {srt} instead" in err.splitlines()
    first = json.loads(out.splitlines()[0])
    assert (first["status"], first["transcript_url"]) == ("new", srt)
    # The feed unchanged: the SRT it was read from is not fetched again.
    before = len(httpserver.log)
    assert run_cli("update", "--db", db)[0] == 0
    assert paths_fetched(httpserver)[before:] == ["/feed.xml"]


def test_episode_options_given_with_a_feed_are_named_as_not_applied(run_cli, httpserver, tmp_path):
    url = serve_p20(httpserver)
    db = str(tmp_path / "kb.db")
    code, _, err = run_cli("ingest", url, "--db", db, "--show", "Other Show", "--format", "jsonl")
    assert code in (0, 4), err
    assert "--show, --title, --host, --guest and --date apply to transcript files and URLs" in err
    _, out, _ = run_cli("episodes", "--db", db, "--format", "jsonl")
    assert all(json.loads(line)["show"] != "Other Show" for line in out.splitlines())
    # Without them, no such line.
    code, _, err = run_cli("update", "--db", db)
    assert "apply to transcript files" not in err
