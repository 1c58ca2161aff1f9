"""Podcast feeds read: RSS 2.0 with the Podcasting 2.0 namespace, and OPML subscription lists.

XML goes through ElementTree behind defusedxml (no entity expansion, no external entities, no
DTD-driven fetches). The Podcasting 2.0 namespace is matched by its URI, under both names it
has had, never by a prefix: feeds bind it to `podcast:`, to another prefix, or to none. Every
`<podcast:transcript>` of an item is kept (feedparser keeps only the last, see PITFALLS.md), and
the richest is chosen (speakers and times first). Nothing here touches the network or the store;
`follow.py` does.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Literal
from urllib.parse import urljoin, urlsplit

from .errors import InputError

if TYPE_CHECKING:
    from pathlib import Path
    from xml.etree.ElementTree import Element

PODCAST_NAMESPACES = (
    "https://podcastindex.org/namespace/1.0",
    # The older URI, still declared by many feeds.
    "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md",
)
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"

# The richest first: speakers and times (Podcasting 2.0 JSON), times and voices (WebVTT),
# times (SRT), speakers (HTML), then plain text. Another type is tried last: readers go by content.
TRANSCRIPT_RANK = {
    "application/json": 0,
    "application/x-podcast-transcript+json": 0,
    "text/vtt": 1,
    "application/x-subrip": 2,
    "application/srt": 2,
    "text/srt": 2,
    "text/x-subrip": 2,
    "text/html": 3,
    "text/plain": 4,
}
_OTHER_RANK = 5
CHAPTERS_TYPES = ("application/json+chapters", "application/json")
# Roles a Podcasting 2.0 person may have that speak on the episode (the namespace's taxonomy).
HOST_ROLES = {"host", "co-host", "guest host"}
GUEST_ROLES = {"guest"}

DocumentKind = Literal["rss", "opml"]
_ROOT_RE = re.compile(
    rb"\A(?:\xef\xbb\xbf)?(?:\s|<\?[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*<(?:[A-Za-z_][\w.-]*:)?(rss|opml)[\s>/]",
    re.DOTALL | re.IGNORECASE,
)


def document_kind(data: bytes) -> DocumentKind | None:
    """ "rss" or "opml" when the bytes are such an XML document (by their root element), else
    None: detected by content, as every input is."""
    m = _ROOT_RE.match(data[:8192])
    if not m:
        return None
    return "rss" if m.group(1).lower() == b"rss" else "opml"


def is_feed_file(path: Path) -> bool:
    """A file (not a folder, not - for stdin) whose content is an RSS feed or an OPML list."""
    if str(path) == "-" or not path.is_file():
        return False
    try:
        with path.open("rb") as f:
            return document_kind(f.read(8192)) is not None
    except OSError:
        return False  # reading it as a transcript says why


@dataclass(frozen=True)
class TranscriptLink:
    url: str
    type: str | None
    language: str | None
    rel: str | None

    @property
    def rank(self) -> int:
        kind = (self.type or "").split(";")[0].strip().lower()
        return TRANSCRIPT_RANK.get(kind, _OTHER_RANK)


@dataclass(frozen=True)
class Person:
    name: str
    role: str  # "host" or "guest"


@dataclass
class FeedItem:
    key: str  # guid, else enclosure URL, else link, else title
    title: str | None = None
    date: str | None = None  # ISO date from pubDate
    duration: float | None = None
    audio_url: str | None = None
    link: str | None = None
    description: str | None = None
    transcripts: list[TranscriptLink] = field(default_factory=list)
    persons: list[Person] | None = None  # None: the item names nobody (the channel's apply)
    chapters_url: str | None = None

    def digest(self, people: list[Person]) -> str:
        """What the feed says of the item: a change re-reads it."""
        fields = asdict(self)
        fields["persons"] = [asdict(p) for p in people]
        dumped = json.dumps(fields, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(dumped.encode("utf-8")).hexdigest()


@dataclass
class Feed:
    title: str | None = None
    language: str | None = None
    link: str | None = None
    new_feed_url: str | None = None
    persons: list[Person] = field(default_factory=list)
    items: list[FeedItem] = field(default_factory=list)

    def people_of(self, item: FeedItem) -> list[Person]:
        """Item-level people replace the channel's (the namespace's rule)."""
        return item.persons if item.persons is not None else self.persons


def _parse_xml(data: bytes, *, where: str, what: str) -> Element:
    import defusedxml.ElementTree as DET
    from defusedxml import DefusedXmlException

    try:
        return DET.fromstring(data)
    except DefusedXmlException:
        raise InputError(
            f"{what} declares entities or a DTD that podkb refuses to expand", path=where
        ) from None
    except DET.ParseError as exc:
        raise InputError(f"not a well-formed {what} (XML: {exc})", path=where) from None


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _ns(tag: object) -> str:
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def _is_podcast(el: Element, name: str) -> bool:
    return _local(el.tag) == name and _ns(el.tag) in PODCAST_NAMESPACES


def _text(el: Element | None) -> str | None:
    if el is None or el.text is None:
        return None
    value = el.text.strip()
    return value or None


def _http_url(value: str | None) -> str | None:
    """Only http(s) URLs are kept from a feed (for links shown to people, and for fetches)."""
    if not value:
        return None
    value = value.strip()
    parts = urlsplit(value)
    return value if parts.scheme.lower() in ("http", "https") and parts.hostname else None


def parse_feed(data: bytes, *, where: str, base: str | None = None) -> Feed:
    """An RSS 2.0 feed's channel and items. InputError when it is not one.

    `base`, the http(s) URL the feed was read from, resolves relative URLs in it (a transcript
    next to the feed); a feed file read from disk has none, so its relative URLs stay relative
    and are refused when fetched: a feed never makes podkb read a local file."""
    resolve = _resolver(base)
    root = _parse_xml(data, where=where, what="RSS feed")
    if _local(root.tag) != "rss":
        raise InputError("not an RSS 2.0 feed (no <rss> root)", path=where)
    channel = next((c for c in root if _local(c.tag) == "channel"), None)
    if channel is None:
        raise InputError("not an RSS 2.0 feed (no <channel>)", path=where)
    feed = Feed()
    for child in channel:
        name, ns = _local(child.tag), _ns(child.tag)
        if ns == "" and name == "title":
            feed.title = _text(child)
        elif ns == "" and name == "language":
            feed.language = _text(child)
        elif ns == "" and name == "link":
            feed.link = _http_url(_text(child))
        elif ns == ITUNES_NS and name == "new-feed-url":
            feed.new_feed_url = _text(child)
        elif ns in PODCAST_NAMESPACES and name == "person":
            person = _person(child)
            if person:
                feed.persons.append(person)
        elif ns == "" and name == "item":
            feed.items.append(_item(child, resolve))
    return feed


def _resolver(base: str | None) -> Callable[[str | None], str | None]:
    web = base is not None and urlsplit(base).scheme.lower() in ("http", "https")

    def resolve(value: str | None) -> str | None:
        if not value:
            return None
        value = value.strip()
        return urljoin(base, value) if web and base else value

    return resolve


def _person(el: Element) -> Person | None:
    # The name is the element's text; early feeds (the namespace's own example) gave it as a
    # `name` attribute.
    name = _text(el) or (el.get("name") or "").strip()
    if not name:
        return None
    role = (el.get("role") or "host").strip().lower()
    if role in HOST_ROLES:
        return Person(name, "host")
    if role in GUEST_ROLES:
        return Person(name, "guest")
    return None  # a producer or a cover designer does not speak on the episode


def _item(el: Element, resolve: Callable[[str | None], str | None]) -> FeedItem:
    item = FeedItem(key="")
    guid = enclosure = None
    persons: list[Person] = []
    named_anyone = False
    for child in el:
        name, ns = _local(child.tag), _ns(child.tag)
        if ns == "":
            if name == "title":
                item.title = _text(child)
            elif name == "guid":
                guid = _text(child)
            elif name == "pubDate":
                item.date = _iso_date(_text(child))
            elif name == "link":
                item.link = _http_url(resolve(_text(child)))
            elif name == "description":
                item.description = _plain(_text(child))
            elif name == "enclosure":
                enclosure = (child.get("url") or "").strip() or None
                item.audio_url = _http_url(resolve(enclosure))
        elif ns == ITUNES_NS and name == "duration":
            item.duration = _seconds(_text(child))
        elif ns in PODCAST_NAMESPACES:
            if name == "transcript" and child.get("url"):
                item.transcripts.append(
                    TranscriptLink(
                        url=resolve(child.get("url")) or "",
                        type=child.get("type"),
                        language=child.get("language"),
                        rel=child.get("rel"),
                    )
                )
            elif name == "person":
                named_anyone = True
                person = _person(child)
                if person:
                    persons.append(person)
            elif name == "chapters" and child.get("url"):
                kind = (child.get("type") or "application/json+chapters").split(";")[0].strip()
                if kind.lower() in CHAPTERS_TYPES:
                    item.chapters_url = resolve(child.get("url"))
    item.persons = persons if named_anyone else None
    item.key = guid or enclosure or item.link or item.title or ""
    return item


def choose_transcript(
    links: list[TranscriptLink], *, lang: str | None, channel_lang: str | None
) -> TranscriptLink | None:
    """The transcript to read (see choose_transcripts), or None."""
    ranked = choose_transcripts(links, lang=lang, channel_lang=channel_lang)
    return ranked[0] if ranked else None


def choose_transcripts(
    links: list[TranscriptLink], *, lang: str | None, channel_lang: str | None
) -> list[TranscriptLink]:
    """The transcripts to read, richest first (JSON, WebVTT, SRT, HTML, plain text; the feed's
    order breaks ties), in `lang` when asked: `en` matches `en-US`, and a transcript without a language
    has the channel's. Not asked, the channel's own language comes first (a Spanish caption
    file of an English show is a translation, not what was said), then any other."""

    def in_language(wanted: str) -> list[TranscriptLink]:
        return [
            link
            for link in links
            if _lang_matches((link.language or channel_lang or "").lower(), wanted.lower())
        ]

    if lang:
        links = in_language(lang)
    elif channel_lang:
        links = in_language(channel_lang.split("-")[0]) or links
    return sorted(links, key=lambda link: link.rank)  # a stable sort: the feed's order in a tie


def _lang_matches(tag: str, wanted: str) -> bool:
    return tag == wanted or tag.startswith(wanted + "-")


def _iso_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError):
        m = re.match(r"\d{4}-\d{2}-\d{2}", value)  # some feeds write ISO dates
        return m.group() if m else None


def _seconds(value: str | None) -> float | None:
    """itunes:duration: seconds, MM:SS or HH:MM:SS."""
    if not value:
        return None
    parts = value.strip().split(":")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        return None
    if len(numbers) > 3 or any(n < 0 for n in numbers):
        return None
    total = 0.0
    for n in numbers:
        total = total * 60 + n
    return total


_TAG_RE = re.compile(r"<[^>]{0,2000}>")


def _plain(value: str | None) -> str | None:
    """An item's description without its HTML tags (it is shown as text, never as markup)."""
    if not value:
        return None
    text = html.unescape(_TAG_RE.sub(" ", value))
    text = re.sub(r"\s+", " ", text).strip()
    return text or None


def parse_opml(data: bytes, *, where: str) -> list[str]:
    """The feed URLs (xmlUrl) of an OPML subscription list, in document order, once each."""
    root = _parse_xml(data, where=where, what="OPML file")
    if _local(root.tag) != "opml":
        raise InputError("not an OPML file (no <opml> root)", path=where)
    urls: dict[str, None] = {}  # ordered, each once
    for outline in root.iter():
        if _local(outline.tag) == "outline":
            url = (outline.get("xmlUrl") or "").strip()
            if url:
                urls[url] = None
    return list(urls)
