"""A server URL read once: what may be shown of it, and the secrets no message may hold.

A PostgreSQL URL can carry a password in three places: the userinfo (`user:secret@host`, where
people also write an unencoded `@` or `/` in the secret), and the `password=`, `passfile=` and
`sslpassword=` query parameters. Every message, report and successful output that names the
store shows `shown`, and any text from the driver goes through `scrub` first: a driver echoes a
URL it cannot parse, secret and all.
"""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import unquote

# Query parameters (libpq's names) whose value is a credential or names where one is kept.
SECRET_PARAMETERS = ("password", "passfile", "sslpassword")
_PARAMETER_RE = re.compile(
    r"(?i)(?P<key>\b(?:" + "|".join(SECRET_PARAMETERS) + r"))\s*=\s*(?P<value>[^&#\s]*)"
)
_SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
HIDDEN = "***"


class ServerURL(NamedTuple):
    """`url` as given (what the driver is handed), `shown` (fit for any message), and `secrets`
    (each credential as written and percent-decoded, longest first)."""

    url: str
    shown: str
    secrets: tuple[str, ...]

    def scrub(self, text: str) -> str:
        """`text` (a driver's message) with the URL shown redacted and every secret hidden."""
        text = text.replace(self.url, self.shown)
        for secret in self.secrets:
            text = text.replace(secret, HIDDEN)
        return _PARAMETER_RE.sub(lambda m: f"{m['key']}={HIDDEN}", text)


def parse_server_url(url: str) -> ServerURL:
    """Split off every credential of a server URL, however malformed the rest is."""
    secrets: list[str] = []
    shown = url
    scheme = _SCHEME_RE.match(url)
    if scheme:
        rest = url[scheme.end() :]
        before_query = rest.split("?", 1)[0].split("#", 1)[0]
        # The userinfo ends at the last `@` before the query: a secret may hold `@` or `/`.
        at = before_query.rfind("@")
        if at >= 0:
            user, colon, password = before_query[:at].partition(":")
            if colon:
                secrets.append(password)
            shown = url[: scheme.end()] + (user + "@" if user else "") + rest[at + 1 :]
    for m in _PARAMETER_RE.finditer(url):
        secrets.append(m["value"])
    shown = _PARAMETER_RE.sub(lambda m: f"{m['key']}={HIDDEN}", shown)
    found = {s for s in secrets if s} | {unquote(s) for s in secrets if s}
    # A driver that cuts a malformed URL at the secret's own `@`, `/` or `:` echoes the pieces
    # ("failed to resolve host 'ter2xyz@db'"): hide each piece long enough to be one.
    found |= {piece for s in list(found) for piece in re.split(r"[@/:]", s) if len(piece) >= 3}
    return ServerURL(url=url, shown=shown, secrets=tuple(sorted(found, key=len, reverse=True)))


def redact(location: str) -> str:
    """The location fit for a message: no credential of a URL is ever shown."""
    return parse_server_url(location).shown
