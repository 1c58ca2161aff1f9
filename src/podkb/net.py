"""The network: fetching the feeds and transcript URLs a user names, bounded and safe.

podkb reaches the network only here, and only for `podkb ingest URL` and `podkb update`
(never to search). Every fetch is an http(s) GET with podkb's User-Agent, connect and read
timeouts, a deadline for the whole body, at most MAX_REDIRECTS redirects (each checked: http(s)
only, no loops), and a size limit counted on the decoded bytes as they arrive, so a compressed
body is bounded after decompression and Content-Length is never trusted. Conditional GET:
the validators of the last fetch (ETag, Last-Modified) go out as If-None-Match and
If-Modified-Since, and a 304 reads nothing. Every failure is a NetworkError naming the URL.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from ._version import __version__
from .errors import PodkbError

if TYPE_CHECKING:
    import httpx

USER_AGENT = f"podkb/{__version__} (podcast transcript knowledge base)"
# A feed of a thousand episodes with full show notes is a few MiB; transcripts are held to the
# same 16 MiB as transcript files; a chapters file is a few KiB.
MAX_FEED_BYTES = 32 * 1024 * 1024
MAX_TRANSCRIPT_BYTES = 16 * 1024 * 1024
MAX_CHAPTERS_BYTES = 1 * 1024 * 1024
MAX_REDIRECTS = 5
# Seconds: to connect, between two reads, and for a whole body (a server that trickles a byte
# a second would otherwise never time out). $PODKB_HTTP_TIMEOUT sets the first two.
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 30.0
BODY_DEADLINE = 120.0
PERMANENT_REDIRECTS = (301, 308)


class NetworkError(PodkbError):
    """A URL that could not be fetched: a network error, an HTTP error, a limit, a refused URL."""


def is_url(text: str) -> bool:
    """Does a command-line argument name a URL (any scheme) rather than a path?"""
    scheme = urlsplit(text).scheme
    return len(scheme) > 1 and "://" in text  # `C:\x` is a Windows path, not a URL


def check_url(url: str, *, where: str | None = None) -> str:
    """The URL if podkb may fetch it: http or https with a host. A feed can never make podkb read
    a local file (file://, a bare path) or use another scheme."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        shown = url if len(url) <= 200 else url[:200] + "…"
        source = f" (in {where})" if where else ""
        raise NetworkError(
            f"not an http(s) URL{source}: podkb fetches only http:// and https:// URLs",
            path=shown,
        )
    return url.strip()


@dataclass(frozen=True)
class Validators:
    """What a server said identifies the body it sent: sent back for a conditional GET."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Fetched:
    """One GET's outcome. `body` is None when the server said 304 Not Modified."""

    url: str  # the URL asked for
    final_url: str  # after redirects
    body: bytes | None
    validators: Validators
    content_type: str | None = None
    # Where a 301/308 redirect said the resource now lives for good (a feed that moved).
    moved_to: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.body is None


@dataclass(frozen=True)
class Limits:
    connect_timeout: float = CONNECT_TIMEOUT
    read_timeout: float = READ_TIMEOUT
    body_deadline: float = BODY_DEADLINE
    max_redirects: int = MAX_REDIRECTS

    @classmethod
    def from_env(cls) -> Limits:
        """$PODKB_HTTP_TIMEOUT (seconds) replaces the connect and read timeouts."""
        raw = os.environ.get("PODKB_HTTP_TIMEOUT")
        if not raw:
            return cls()
        try:
            seconds = float(raw)
        except ValueError:
            return cls()
        if seconds <= 0:
            return cls()
        return cls(connect_timeout=seconds, read_timeout=seconds)


class Fetcher:
    """An HTTP client for one command: one connection pool, podkb's limits on every request."""

    def __init__(self, limits: Limits | None = None) -> None:
        from http.cookiejar import CookieJar, DefaultCookiePolicy

        import httpx

        self.limits = limits or Limits.from_env()
        self.requests = 0  # GETs sent, redirects included
        self._client = httpx.Client(
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(
                self.limits.read_timeout,
                connect=self.limits.connect_timeout,
                pool=self.limits.connect_timeout,
            ),
            follow_redirects=False,  # followed by hand: each hop is checked
            trust_env=False,  # no proxy or .netrc credentials from the environment
            # No cookies: a server's Set-Cookie is never sent back (nothing to track a user by).
            cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(
        self,
        url: str,
        *,
        max_bytes: int,
        validators: Validators | None = None,
        what: str = "transcript",
    ) -> Fetched:
        """GET url (http/https only), following redirects by hand; the body whole, or None on
        304. Raises NetworkError naming the URL as given and the cause."""
        check_url(url)
        headers: dict[str, str] = {}
        if validators and validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators and validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        seen = {url}
        current = url
        moved_to: str | None = None
        permanent = True  # every hop so far was permanent
        for _ in range(self.limits.max_redirects + 1):
            status, location, body, response_headers = self._one(
                current, headers, max_bytes, url, what
            )
            if location is None:
                if status == 304:
                    return Fetched(url, current, None, validators or Validators(), None, moved_to)
                return Fetched(
                    url,
                    current,
                    body,
                    Validators(
                        etag=response_headers.get("etag"),
                        last_modified=response_headers.get("last-modified"),
                    ),
                    response_headers.get("content-type"),
                    moved_to,
                )
            target = urljoin(current, location)
            try:
                check_url(target)
            except NetworkError:
                raise NetworkError(
                    f"redirected to a URL podkb does not follow ({target[:200]}): only http(s)",
                    path=url,
                ) from None
            if target in seen:
                raise NetworkError(f"redirect loop (back to {target[:200]})", path=url)
            seen.add(target)
            permanent = permanent and status in PERMANENT_REDIRECTS
            if permanent:
                moved_to = target
            current = target
        raise NetworkError(
            f"too many redirects (more than {self.limits.max_redirects}, podkb's limit)", path=url
        )

    def _one(
        self, url: str, headers: dict[str, str], max_bytes: int, shown: str, what: str
    ) -> tuple[int, str | None, bytes, httpx.Headers]:
        """One request: (status, redirect location or None, body, headers)."""
        import time

        import httpx

        self.requests += 1
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                status = response.status_code
                if status in (301, 302, 303, 307, 308) and "location" in response.headers:
                    return status, response.headers["location"], b"", response.headers
                if status == 304:
                    return status, None, b"", response.headers
                if not 200 <= status < 300:
                    reason = response.reason_phrase or ""
                    raise NetworkError(f"HTTP {status} {reason}".rstrip(), path=shown)
                started = time.monotonic()
                chunks: list[bytes] = []
                size = 0
                # iter_bytes yields decoded (decompressed) bytes: the limit holds after gzip.
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise NetworkError(
                            f"body larger than {_mib(max_bytes)} (podkb's limit for a {what}, "
                            "counted after decompression)",
                            path=shown,
                        )
                    chunks.append(chunk)
                    if time.monotonic() - started > self.limits.body_deadline:
                        raise NetworkError(
                            f"network error: the body took longer than "
                            f"{self.limits.body_deadline:g} s",
                            path=shown,
                        )
                return status, None, b"".join(chunks), response.headers
        except httpx.TimeoutException as exc:
            phase = "connecting" if isinstance(exc, httpx.ConnectTimeout) else "reading"
            limit = (
                self.limits.connect_timeout
                if isinstance(exc, httpx.ConnectTimeout)
                else self.limits.read_timeout
            )
            raise NetworkError(
                f"network error: timed out {phase} ({limit:g} s)", path=shown
            ) from None
        except httpx.DecodingError as exc:
            raise NetworkError(
                f"network error: cannot decompress the body ({exc})", path=shown
            ) from None
        except httpx.HTTPError as exc:
            raise NetworkError(f"network error: {_cause(exc)}", path=shown) from None


def _mib(n: int) -> str:
    return f"{n // 2**20} MiB" if n >= 2**20 else f"{n} bytes"


def _cause(exc: Exception) -> str:
    """The innermost reason (connection refused, name not known), not the exception's chain."""
    text = str(exc) or type(exc).__name__
    inner = exc.__cause__ or exc.__context__
    while inner is not None and not str(inner):
        inner = inner.__cause__ or inner.__context__
    if inner is not None and str(inner):
        text = str(inner)
    return text.strip().splitlines()[0][:300] if text.strip() else type(exc).__name__
