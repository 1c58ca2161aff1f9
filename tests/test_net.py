"""The network client: http(s) only, bounded redirects, timeouts, size limits after decompression,
conditional GET, and errors that name the URL. Served by pytest-httpserver on 127.0.0.1 only."""

from __future__ import annotations

import gzip
import threading
import time

import pytest
from werkzeug import Response

from podkb import __version__
from podkb.net import Fetcher, Limits, NetworkError, Validators, check_url, is_url


@pytest.fixture()
def fetcher():
    with Fetcher(Limits(connect_timeout=2, read_timeout=0.5, body_deadline=3)) as f:
        yield f


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "/etc/passwd",
        "etc/passwd",
        "ftp://example.org/x.srt",
        "http://",
        "gopher://x/",
    ],
)
def test_only_http_and_https_urls_are_fetched(fetcher, url):
    with pytest.raises(NetworkError, match="not an http\\(s\\) URL"):
        fetcher.get(url, max_bytes=100)
    assert fetcher.requests == 0


def test_is_url_tells_urls_from_paths():
    assert is_url("https://host/file.srt") and is_url("file:///etc/passwd")
    assert not is_url("episode.srt") and not is_url("C:\\x\\y.srt") and not is_url("-")
    assert check_url(" https://host/a ") == "https://host/a"


def test_a_body_and_its_validators_then_304_reads_nothing(httpserver, fetcher):
    httpserver.expect_ordered_request("/t.srt").respond_with_data(
        b"1\n00:00:00,000 --> 00:00:01,000\nHi\n",
        headers={"ETag": '"abc"', "Last-Modified": "Wed, 01 May 2024 10:00:00 GMT"},
    )
    httpserver.expect_ordered_request(
        "/t.srt",
        headers={"If-None-Match": '"abc"', "If-Modified-Since": "Wed, 01 May 2024 10:00:00 GMT"},
    ).respond_with_data(b"", status=304)
    first = fetcher.get(httpserver.url_for("/t.srt"), max_bytes=1000)
    assert first.body and first.validators == Validators('"abc"', "Wed, 01 May 2024 10:00:00 GMT")
    again = fetcher.get(httpserver.url_for("/t.srt"), max_bytes=1000, validators=first.validators)
    assert again.not_modified and again.body is None
    request = httpserver.log[0][0]
    assert request.headers["User-Agent"].startswith(f"podkb/{__version__}")


def test_an_http_error_names_the_url_and_status(httpserver, fetcher):
    httpserver.expect_request("/missing.srt").respond_with_data("not here", status=404)
    url = httpserver.url_for("/missing.srt")
    with pytest.raises(NetworkError) as caught:
        fetcher.get(url, max_bytes=1000)
    assert str(caught.value) == f"{url}: HTTP 404 NOT FOUND"


def test_a_slow_body_past_the_read_timeout_is_a_network_error(httpserver, fetcher):
    finished = threading.Event()  # the test server answers one request at a time: wait for it

    def slow(_request):
        def body():
            try:
                yield b"WEBVTT\n\n"
                time.sleep(1.5)
                yield b"00:00.000 --> 00:01.000\nlate\n"
            finally:
                finished.set()

        return Response(body())

    httpserver.expect_request("/slow.vtt").respond_with_handler(slow)
    started = time.monotonic()
    with pytest.raises(NetworkError, match=r"network error: timed out reading \(0.5 s\)"):
        fetcher.get(httpserver.url_for("/slow.vtt"), max_bytes=1000)
    assert time.monotonic() - started < 1.4
    assert finished.wait(5)


def test_a_trickling_body_stops_at_the_deadline(httpserver):
    finished = threading.Event()

    def trickle(_request):
        def body():
            try:
                for _ in range(12):
                    yield b"x"
                    time.sleep(0.1)
            finally:
                finished.set()

        return Response(body())

    httpserver.expect_request("/trickle").respond_with_handler(trickle)
    with Fetcher(Limits(read_timeout=1, body_deadline=0.5)) as f:
        with pytest.raises(NetworkError, match="longer than 0.5 s"):
            f.get(httpserver.url_for("/trickle"), max_bytes=1000)
    assert finished.wait(5)


def test_an_endless_body_stops_at_the_size_limit(httpserver, fetcher):
    def endless(_request):
        def body():
            while True:
                yield b"x" * 65536

        return Response(body())

    httpserver.expect_request("/endless").respond_with_handler(endless)
    with pytest.raises(NetworkError, match="body larger than 1 MiB"):
        fetcher.get(httpserver.url_for("/endless"), max_bytes=2**20)


def test_a_gzip_bomb_is_bounded_after_decompression(httpserver, fetcher):
    bomb = gzip.compress(b"\0" * (64 * 2**20))  # 64 MiB of zeros in about 64 KiB
    assert len(bomb) < 2**20
    httpserver.expect_request("/bomb.srt").respond_with_data(
        bomb, headers={"Content-Encoding": "gzip", "Content-Length": str(len(bomb))}
    )
    with pytest.raises(NetworkError, match="larger than 16 MiB .*after decompression"):
        fetcher.get(httpserver.url_for("/bomb.srt"), max_bytes=16 * 2**20)


def test_a_compressed_body_within_the_limit_is_read(httpserver, fetcher):
    httpserver.expect_request("/small.srt").respond_with_data(
        gzip.compress(b"hello"), headers={"Content-Encoding": "gzip"}
    )
    assert fetcher.get(httpserver.url_for("/small.srt"), max_bytes=10).body == b"hello"


def test_a_redirect_loop_is_detected(httpserver, fetcher):
    httpserver.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/a"})
    with pytest.raises(NetworkError, match="redirect loop"):
        fetcher.get(httpserver.url_for("/a"), max_bytes=100)
    assert fetcher.requests == 2


def test_redirects_are_bounded(httpserver, fetcher):
    for i in range(10):
        httpserver.expect_request(f"/r{i}").respond_with_data(
            "", status=301, headers={"Location": f"/r{i + 1}"}
        )
    with pytest.raises(NetworkError, match="too many redirects \\(more than 5"):
        fetcher.get(httpserver.url_for("/r0"), max_bytes=100)


def test_a_redirect_to_a_local_file_is_refused(httpserver, fetcher):
    httpserver.expect_request("/x").respond_with_data(
        "", status=302, headers={"Location": "file:///etc/passwd"}
    )
    with pytest.raises(NetworkError, match="does not follow"):
        fetcher.get(httpserver.url_for("/x"), max_bytes=100)


def test_a_permanent_redirect_says_where_the_resource_moved(httpserver, fetcher):
    httpserver.expect_request("/old.xml").respond_with_data(
        "", status=301, headers={"Location": "/new.xml"}
    )
    httpserver.expect_request("/new.xml").respond_with_data("<rss/>")
    got = fetcher.get(httpserver.url_for("/old.xml"), max_bytes=100)
    assert got.body == b"<rss/>" and got.moved_to == httpserver.url_for("/new.xml")


def test_a_refused_connection_is_a_network_error(fetcher):
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/x.srt"
    with pytest.raises(NetworkError, match=f"^{url}: network error: "):
        fetcher.get(url, max_bytes=100)


def test_no_cookie_is_ever_sent_back(httpserver, fetcher):
    httpserver.expect_request("/a").respond_with_data("a", headers={"Set-Cookie": "id=123; Path=/"})
    httpserver.expect_request("/b").respond_with_data("b")
    fetcher.get(httpserver.url_for("/a"), max_bytes=10)
    fetcher.get(httpserver.url_for("/b"), max_bytes=10)
    assert "Cookie" not in httpserver.log[-1][0].headers
