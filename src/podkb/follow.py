"""Following podcasts: subscribe to feeds, ingest the transcripts they publish, stay current.

`ingest_url` reads what a URL holds (a feed, an OPML list or a transcript, told apart by
content); `follow_feed` subscribes to a feed and ingests every item with a transcript;
`update_feeds` re-reads subscriptions with conditional GET. An item's episode is keyed by the
feed's identity (fixed when it was first subscribed, kept when the feed moves) and the item's
guid, so reading an item again replaces its episode in place. A transcript or chapters file that
fails is reported with its URL and cause; the other items land, and the failed one is tried
again at the next update. Nothing here prints: the CLI renders the results.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from .catalog import CatalogEntry, Metadata, load_metadata
from .errors import ExitStatus, InputError, PodkbError, StoreError, UsageError
from .feeds import Feed, FeedItem, choose_transcripts, document_kind, parse_feed, parse_opml
from .ingest.pipeline import (
    MAX_FILE_BYTES,
    EpisodeInputs,
    FileResult,
    _records,
    read_file_bytes,
)
from .ingest.raw import RawChapter
from .ingest.resolve import slugify
from .ingest.sidecar import EpisodeInfo
from .net import (
    MAX_CHAPTERS_BYTES,
    MAX_FEED_BYTES,
    MAX_TRANSCRIPT_BYTES,
    Fetched,
    Fetcher,
    NetworkError,
    Validators,
    check_url,
    is_url,
)
from .store import KnowledgeStore
from .store.records import FeedItemRecord, FeedRecord

# Item outcomes. Items without a transcript are counted, never errors.
NEW, UPDATED, UNCHANGED, NO_TRANSCRIPT, FAILED = (
    "new",
    "updated",
    "unchanged",
    "no_transcript",
    "failed",
)


@dataclass
class ItemResult:
    item_key: str
    title: str | None
    status: str
    episode_id: str | None = None
    transcript_url: str | None = None
    turns: int = 0
    error: str | None = None  # one line: the URL and the cause
    # A richer transcript that failed, when a poorer one was read instead.
    warning: str | None = None

    def record(self, feed_url: str) -> dict[str, Any]:
        return {
            "feed": feed_url,
            "item": self.item_key,
            "title": self.title,
            "status": self.status,
            "episode_id": self.episode_id,
            "transcript_url": self.transcript_url,
            "turns": self.turns,
            "error": self.error,
            "warning": self.warning,
        }


@dataclass
class FeedResult:
    url: str  # the subscription's URL (after a move) or the feed file's path
    title: str | None = None
    status: str = "read"  # read, not_modified, failed
    items: list[ItemResult] = field(default_factory=list)
    error: str | None = None
    moved_from: str | None = None

    def count(self, status: str) -> int:
        return sum(1 for i in self.items if i.status == status)

    @property
    def changed(self) -> list[ItemResult]:
        return [i for i in self.items if i.status in (NEW, UPDATED)]

    @property
    def failed(self) -> list[ItemResult]:
        """Items that failed, and items that landed but whose chapters failed."""
        return [i for i in self.items if i.status == FAILED or i.error is not None]

    def record(self) -> dict[str, Any]:
        return {
            "feed": self.url,
            "title": self.title,
            "status": self.status,
            "moved_from": self.moved_from,
            "error": self.error,
            **{s: self.count(s) for s in (NEW, UPDATED, UNCHANGED, NO_TRANSCRIPT)},
            FAILED: len(self.failed),  # chapters that failed too: the item is read again
        }


@dataclass
class FollowOptions:
    lang: str | None = None  # --lang: only transcripts in this language (prefix match)
    encoding: str | None = None
    lenient: bool = False
    force: bool = False  # read every transcript again
    recheck: bool = False  # ask again (conditionally) for transcripts of unchanged items
    metadata: Metadata | None = None

    def meta(self) -> Metadata:
        if self.metadata is None:
            self.metadata = load_metadata()
        return self.metadata


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _sha256(data: bytes | str) -> str:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()


def feed_identity(url: str) -> str:
    """A new subscription's identity, from the URL it was first read at (kept when it moves)."""
    return _sha256(url)[:16]


def item_source_key(feed_id: str, item_key: str) -> str:
    """The store key of an item's episode: the feed's identity and the item's guid, so the item
    replaces its own episode whatever URL its transcript has now."""
    return f"podkb-feed://{feed_id}/{quote(item_key, safe='')}"


def _file_name(url: str) -> str:
    """The last segment of a URL's path: the name a transcript would have as a file."""
    segment = unquote(urlsplit(url).path.rsplit("/", 1)[-1]).replace("/", "_")
    return segment or "transcript"


# --- one transcript by URL -------------------------------------------------------------------


def put_transcript(
    data: bytes,
    *,
    url: str,
    source_key: str,
    store: KnowledgeStore,
    options: FollowOptions,
    entry: CatalogEntry | None = None,
    chapters: list[RawChapter] | None = None,
    extra: dict[str, Any] | None = None,
    episode_id: str | None = None,
) -> tuple[str, str, int]:
    """Store a transcript's bytes as the episode of `source_key`: (status, episode id, turns).
    Unchanged bytes read with unchanged metadata are not read again (status "unchanged")."""
    if len(data) > MAX_FILE_BYTES:
        raise InputError(f"larger than {MAX_FILE_BYTES // 2**20} MiB", path=url)
    from .naming import apply_names

    metadata = options.meta()
    inputs = EpisodeInputs(entry=entry, chapters=chapters)
    extra = extra or {}
    inputs_digest = _sha256(
        inputs.digest(metadata, options.encoding) + json.dumps(extra, sort_keys=True)
    )
    digest = _sha256(data)
    previous = store.episodes_from(source_key)
    if (
        not options.force
        and len(previous) == 1
        and previous[0].source_sha256 == digest
        and previous[0].inputs_sha256 == inputs_digest
    ):
        return UNCHANGED, previous[0].episode_id, 0
    parsed = _records(
        data,
        path=Path(_file_name(url)),
        metadata=metadata,
        encoding=options.encoding,
        inputs=inputs,
        lenient=options.lenient,
        shown=url,
    )
    episode = apply_names(parsed.episode, parsed.turns, store.speaker_names_for(source_key))
    if episode_id is not None:
        for t in parsed.turns:
            t.episode_id = episode_id
        episode = episode.model_copy(update={"episode_id": episode_id})
    else:
        episode = _distinct_id(store, episode, parsed.turns, source_key)
    episode = episode.model_copy(update=extra)
    with store.savepoint():
        turns = store.put_episode(
            episode,
            parsed.turns,
            source_path=source_key,
            source_sha256=digest,
            inputs_sha256=inputs_digest,
            fmt=parsed.format,
        )
    return (UPDATED if previous else NEW), episode.episode_id, turns


def _distinct_id(store: KnowledgeStore, episode: Any, turns: list[Any], source_key: str) -> Any:
    """The episode's id, with a tag from its source key when another source holds that id
    (two URLs ending in the same file name are two episodes)."""
    if store.existing_source_of(episode.episode_id) is None:
        return episode
    if store.episode_source(episode.episode_id).source_path == source_key:
        return episode
    new_id = f"{episode.episode_id}-{_sha256(source_key)[:6]}"
    for t in turns:
        t.episode_id = new_id
    return episode.model_copy(update={"episode_id": new_id})


def ingest_transcript_url(
    url: str, data: bytes, store: KnowledgeStore, options: FollowOptions, entry: CatalogEntry | None
) -> FileResult:
    """`podkb ingest URL` for a transcript: read like a local file, keyed by its URL."""
    result = FileResult(path=url)
    try:
        with store.transaction():
            status, episode_id, turns = put_transcript(
                data, url=url, source_key=url, store=store, options=options, entry=entry
            )
            if status != UNCHANGED:
                store.after_writes()
        result.episode_id, result.turns = episode_id, turns
        result.unchanged = status == UNCHANGED
    except StoreError:
        raise
    except PodkbError as exc:
        result.error = str(exc)
    return result


def ingest_url(
    url: str,
    store: KnowledgeStore,
    fetcher: Fetcher,
    options: FollowOptions,
    entry: CatalogEntry | None = None,
) -> FileResult | list[FeedResult]:
    """What a URL holds, ingested: a feed (subscribed), an OPML list (each feed subscribed) or
    a transcript (one episode). A URL that cannot be fetched is a NetworkError."""
    subscribed = store.feed_by_url(url)
    if subscribed is not None:
        return [follow_feed(store, fetcher, url, options)]
    fetched = fetcher.get(url, max_bytes=MAX_FEED_BYTES, what="feed or transcript")
    assert fetched.body is not None  # no validators sent: never a 304
    kind = document_kind(fetched.body)
    if kind == "rss":
        return [follow_feed(store, fetcher, url, options, prefetched=fetched)]
    if kind == "opml":
        return follow_opml(store, fetcher, parse_opml(fetched.body, where=url), options)
    if len(fetched.body) > MAX_TRANSCRIPT_BYTES:
        raise NetworkError(
            f"body larger than {MAX_TRANSCRIPT_BYTES // 2**20} MiB (podkb's limit for a "
            "transcript)",
            path=url,
        )
    return ingest_transcript_url(url, fetched.body, store, options, entry)


def ingest_feed_file(
    path: Path, data: bytes, store: KnowledgeStore, fetcher: Fetcher, options: FollowOptions
) -> list[FeedResult]:
    """A local feed or OPML file the user named (detected by content)."""
    kind = document_kind(data)
    if kind == "opml":
        return follow_opml(store, fetcher, parse_opml(data, where=str(path)), options)
    real = os.path.realpath(path)
    return [
        follow_feed(
            store, fetcher, real, options, prefetched=Fetched(real, real, data, Validators())
        )
    ]


def follow_opml(
    store: KnowledgeStore, fetcher: Fetcher, urls: list[str], options: FollowOptions
) -> list[FeedResult]:
    results = []
    for url in urls:
        try:
            check_url(url, where="the OPML file")
        except NetworkError as exc:
            results.append(FeedResult(url=url, status="failed", error=str(exc)))
            continue
        results.append(follow_feed(store, fetcher, url, options))
    return results


# --- feeds ----------------------------------------------------------------------------------


def follow_feed(
    store: KnowledgeStore,
    fetcher: Fetcher,
    url: str,
    options: FollowOptions,
    *,
    prefetched: Fetched | None = None,
) -> FeedResult:
    """Subscribe to (or update) the feed at `url` (an http(s) URL, or the real path of a feed
    file the user named) and ingest its items. A feed that cannot be read is the result's error;
    the subscription keeps its episodes and records the error."""
    subscription = store.feed_by_url(url)
    result = FeedResult(url=url, title=subscription.title if subscription else None)
    remote = is_url(url)
    try:
        if prefetched is not None:
            body: bytes | None = prefetched.body
            validators, moved_to = prefetched.validators, prefetched.moved_to
        elif remote:
            sent = (
                Validators(subscription.etag, subscription.last_modified)
                if subscription and not options.force
                else None
            )
            fetched = fetcher.get(url, max_bytes=MAX_FEED_BYTES, validators=sent, what="feed")
            body, validators, moved_to = fetched.body, fetched.validators, fetched.moved_to
        else:
            body, validators, moved_to = _read_local_feed(url), Validators(), None
        if subscription is None and moved_to:
            subscription = store.feed_by_url(moved_to)
        if body is not None and subscription is not None and not options.force:
            if not remote and subscription.sha256 == _sha256(body):
                body = None  # a feed file as it was: nothing to read
        if body is None and subscription is not None and _failed_items(store, subscription):
            # Items that failed last time are tried again even though the feed did not change:
            # what they need (their transcript URL, people, chapters) is in the feed.
            if remote:
                fetched = fetcher.get(url, max_bytes=MAX_FEED_BYTES, what="feed")
                body, validators = fetched.body, fetched.validators
            else:
                body = _read_local_feed(url)
        if body is None:
            result.status = "not_modified"
            if subscription is not None:
                subscription.last_checked, subscription.last_error = _now(), None
                with store.transaction():
                    store.put_feed(subscription)
            return result
        feed = parse_feed(body, where=url, base=url if remote else None)
    except (NetworkError, InputError) as exc:
        result.status, result.error = "failed", str(exc)
        if subscription is not None:
            subscription.last_checked, subscription.last_error = _now(), str(exc)
            with store.transaction():
                store.put_feed(subscription)
        return result
    if subscription is None:
        subscription = FeedRecord(feed_id=feed_identity(moved_to or url), url=url)
    new_url = moved_to
    if remote and feed.new_feed_url and feed.new_feed_url.strip() != url:
        try:
            new_url = check_url(feed.new_feed_url, where="itunes:new-feed-url")
        except NetworkError:
            pass  # a move to somewhere podkb does not go: stay where the feed is
    if new_url and new_url != url and store.feed_by_url(new_url) is None:
        result.moved_from, subscription.url, result.url = url, new_url, new_url
    subscription.title = feed.title
    subscription.etag, subscription.last_modified = validators.etag, validators.last_modified
    subscription.sha256 = _sha256(body)
    result.title = feed.title
    with store.transaction():
        store.put_feed(subscription)  # items refer to it
    _ingest_items(store, fetcher, subscription, feed, options, result)
    subscription.last_checked = _now()
    subscription.last_error = (
        f"{len(result.failed)} item(s) failed; first: {result.failed[0].error}"
        if result.failed
        else None
    )
    with store.transaction():
        store.put_feed(subscription)
    return result


def _failed_items(store: KnowledgeStore, subscription: FeedRecord) -> bool:
    return any(i.status == FAILED for i in store.feed_items(subscription.feed_id))


def _read_local_feed(path: str) -> bytes:
    """A feed file the user named (held to the transcript file limit, 16 MiB)."""
    return read_file_bytes(Path(path))


def _ingest_items(
    store: KnowledgeStore,
    fetcher: Fetcher,
    subscription: FeedRecord,
    feed: Feed,
    options: FollowOptions,
    result: FeedResult,
) -> None:
    known = {i.item_key: i for i in store.feed_items(subscription.feed_id)}
    bookkeeping: list[FeedItemRecord] = []  # written together at the end: one transaction
    seen: set[str] = set()
    wrote = False
    for item in feed.items:
        if not item.key or item.key in seen:
            continue  # an item with nothing to know it by, or a duplicate guid
        seen.add(item.key)
        people = feed.people_of(item)
        previous = known.get(item.key)
        record = FeedItemRecord(
            feed_id=subscription.feed_id,
            item_key=item.key,
            episode_id=previous.episode_id if previous else None,
            item_sha256=item.digest(people),
        )
        candidates = choose_transcripts(
            item.transcripts, lang=options.lang, channel_lang=feed.language
        )
        link = candidates[0] if candidates else None
        if link is None:
            record.status = NO_TRANSCRIPT
            result.items.append(ItemResult(item.key, item.title, NO_TRANSCRIPT, record.episode_id))
            if previous is None or previous.item_sha256 != record.item_sha256:
                bookkeeping.append(record)
            continue
        record.transcript_url = link.url
        if (
            previous is not None
            and previous.status == "ok"
            and previous.transcript_url in [c.url for c in candidates]
            and previous.item_sha256 == record.item_sha256
            and not (options.force or options.recheck)
        ):
            # The feed says nothing new of this item: its transcript is not asked for again.
            result.items.append(
                ItemResult(
                    item.key, item.title, UNCHANGED, previous.episode_id, previous.transcript_url
                )
            )
            continue
        outcome_record, item_result = _read_first_that_works(
            store, fetcher, subscription, feed, item, previous, [c.url for c in candidates], options
        )
        outcome_record.item_sha256 = record.item_sha256
        with store.transaction():
            store.put_feed_item(outcome_record)
        wrote = wrote or item_result.status in (NEW, UPDATED)
        result.items.append(item_result)
    with store.transaction():
        for record in bookkeeping:
            store.put_feed_item(record)
        if wrote:
            store.after_writes()


def _read_first_that_works(
    store: KnowledgeStore,
    fetcher: Fetcher,
    subscription: FeedRecord,
    feed: Feed,
    item: FeedItem,
    previous: FeedItemRecord | None,
    urls: list[str],
    options: FollowOptions,
) -> tuple[FeedItemRecord, ItemResult]:
    """The richest transcript that can be read: when one fails (a dead link, a file that is not
    a transcript), the next is tried, and the item lands with a warning naming the failure.
    When all fail, the richest one's failure is the item's error."""
    first: tuple[FeedItemRecord, ItemResult] | None = None
    for url in urls:
        record, result = _read_item(
            store, fetcher, subscription, feed, item, previous, url, options
        )
        if result.status != FAILED:
            if first is not None:
                result.warning = f"{first[1].error}; read {url} instead"
            return record, result
        first = first or (record, result)
    assert first is not None  # urls is never empty
    return first


def _read_item(
    store: KnowledgeStore,
    fetcher: Fetcher,
    subscription: FeedRecord,
    feed: Feed,
    item: FeedItem,
    previous: FeedItemRecord | None,
    transcript_url: str,
    options: FollowOptions,
) -> tuple[FeedItemRecord, ItemResult]:
    """Fetch an item's transcript (and chapters) and store its episode; any failure becomes the
    item's error, and the item is tried again at the next update."""
    people = feed.people_of(item)
    record = FeedItemRecord(
        feed_id=subscription.feed_id,
        item_key=item.key,
        episode_id=previous.episode_id if previous else None,
        transcript_url=transcript_url,
    )
    source_key = item_source_key(subscription.feed_id, item.key)
    try:
        check_url(transcript_url, where="the feed's podcast:transcript")
        sent = None
        if (
            previous is not None
            and previous.status == "ok"
            and previous.transcript_url == transcript_url
            and not options.force
        ):
            sent = Validators(previous.etag, previous.last_modified)
        fetched = fetcher.get(
            transcript_url, max_bytes=MAX_TRANSCRIPT_BYTES, validators=sent, what="transcript"
        )
        if (
            fetched.not_modified
            and previous is not None
            and previous.item_sha256 == item.digest(people)
        ):
            record.status, record.sha256 = "ok", previous.sha256
            record.etag, record.last_modified = previous.etag, previous.last_modified
            return record, ItemResult(
                item.key, item.title, UNCHANGED, previous.episode_id, transcript_url
            )
        if fetched.not_modified:  # the item's fields changed: its transcript is needed again
            fetched = fetcher.get(transcript_url, max_bytes=MAX_TRANSCRIPT_BYTES)
        assert fetched.body is not None
        # Chapters that fail do not cost the episode: it lands without them, the failure is
        # reported, and the item is read again at the next update.
        chapters_error = None
        try:
            chapters = _chapters(fetcher, item.chapters_url)
        except StoreError:
            raise
        except PodkbError as exc:
            chapters, chapters_error = None, str(exc)
        episode_id = record.episode_id or _new_episode_id(store, item, feed, source_key)
        entry = CatalogEntry(
            source=_file_name(transcript_url),
            episode_id=episode_id,
            show=feed.title,
            title=item.title,
            date=item.date,
            lang=_transcript_lang(item, transcript_url, feed),
            hosts=[p.name for p in people if p.role == "host"],
            guests=[p.name for p in people if p.role == "guest"],
            description=item.description,
        )
        extra = {"audio_url": item.audio_url, "link": item.link, "duration": item.duration}
        with store.transaction():
            status, episode_id, turns = put_transcript(
                fetched.body,
                url=transcript_url,
                source_key=source_key,
                store=store,
                options=options,
                entry=entry,
                chapters=chapters,
                extra=extra,
                episode_id=episode_id,
            )
    except StoreError:
        raise
    except PodkbError as exc:
        record.status, record.error = FAILED, str(exc)
        return record, ItemResult(
            item.key, item.title, FAILED, record.episode_id, transcript_url, error=str(exc)
        )
    record.status, record.episode_id, record.sha256 = "ok", episode_id, _sha256(fetched.body)
    record.etag, record.last_modified = fetched.validators.etag, fetched.validators.last_modified
    if chapters_error is not None:
        record.status, record.error = FAILED, chapters_error
    result = ItemResult(
        item.key, item.title, status, episode_id, transcript_url, turns, error=chapters_error
    )
    if status == UNCHANGED:
        result.turns = 0
    return record, result


def _transcript_lang(item: FeedItem, url: str, feed: Feed) -> str | None:
    chosen = next((t for t in item.transcripts if t.url == url), None)
    return (chosen.language if chosen else None) or feed.language


def _chapters(fetcher: Fetcher, url: str | None) -> list[RawChapter] | None:
    """An item's Podcasting 2.0 chapters file, fetched and read like a sidecar's."""
    if not url:
        return None
    from .ingest.decode import decode_bytes
    from .ingest.readers.podcast_json import read_chapters
    from .limits import json_loads

    check_url(url, where="the feed's podcast:chapters")
    fetched = fetcher.get(url, max_bytes=MAX_CHAPTERS_BYTES, what="chapters file")
    assert fetched.body is not None
    text = decode_bytes(fetched.body, path=url).text
    try:
        data = json_loads(text, path=url)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"chapters: invalid JSON (line {exc.lineno}: {exc.msg})", path=url
        ) from None
    return read_chapters(data, path=url)


def _new_episode_id(store: KnowledgeStore, item: FeedItem, feed: Feed, source_key: str) -> str:
    """A readable id from the item's title; a clash with another episode gets a tag from the
    item's identity (stable: the same item always gets the same tag)."""
    for read in store.episodes_from(source_key):
        return read.episode_id  # read before (its item record was lost): the same episode
    candidate = slugify(item.title or feed.title or "episode")
    if store.episode(candidate) is None:
        return candidate
    return f"{candidate}-{_sha256(source_key)[:6]}"


def follow_sources(
    urls: list[str],
    feed_files: list[Path],
    store: KnowledgeStore,
    fetcher: Fetcher,
    options: FollowOptions,
    overrides: EpisodeInfo | None = None,
) -> FollowReport:
    """`podkb ingest` of URLs and local feed or OPML files: each fetched, subscribed and
    ingested. A source that fails is reported and the others still run; a broken store stops
    them all (StoreError). `overrides`: the metadata given for a transcript URL's episode."""
    entry = None
    if overrides is not None and not overrides.is_empty():
        entry = CatalogEntry.model_validate({"source": "url", **overrides.model_dump()})
    files: list[FileResult] = []
    feeds: list[FeedResult] = []
    for path in feed_files:
        try:
            feeds.extend(ingest_feed_file(path, read_file_bytes(path), store, fetcher, options))
        except StoreError:
            raise
        except PodkbError as exc:
            files.append(FileResult(path=str(path), error=str(exc)))
    for url in urls:
        try:
            got = ingest_url(url, store, fetcher, options, entry)
        except StoreError:
            raise
        except PodkbError as exc:
            files.append(FileResult(path=url, error=str(exc)))
            continue
        if isinstance(got, list):
            feeds.extend(got)
        else:
            files.append(got)
    return FollowReport(files, feeds)


# --- the report of a run: what ingest URL... and update print --------------------------------

# A CSV row per feed item (ItemResult.record).
ITEM_FIELDS = [
    "feed",
    "item",
    "title",
    "status",
    "episode_id",
    "transcript_url",
    "turns",
    "error",
    "warning",
]


@dataclass(frozen=True)
class FollowReport:
    """What reading URLs and feeds did: transcript URLs read as files, and feeds with their items."""

    files: list[FileResult]
    feeds: list[FeedResult]

    def problems(self) -> list[str]:
        """A line per failed URL, feed or item, and per item read with a warning (for stderr)."""
        lines = [f.error for f in self.files if f.error]
        for feed in self.feeds:
            if feed.error:
                lines.append(feed.error)
            lines.extend(item.error for item in feed.failed if item.error)
            lines.extend(f"warning: {item.warning}" for item in feed.items if item.warning)
        return lines

    def record(self) -> dict[str, Any]:
        """The run as one JSON document (--format json): files, and feeds with their items."""
        return {
            "files": [f.record() for f in self.files],
            "feeds": [
                {**feed.record(), "items": [i.record(feed.url) for i in feed.items]}
                for feed in self.feeds
            ],
        }

    def rows(self) -> list[dict[str, Any]]:
        """JSON lines: a row per file, then a row per feed item."""
        return [f.record() for f in self.files] + self.item_rows()

    def item_rows(self) -> list[dict[str, Any]]:
        return [i.record(feed.url) for feed in self.feeds for i in feed.items]

    def exit_status(self) -> int:
        """2: a URL or feed failed; 4: some items of a feed failed (the others landed); 0."""
        if any(f.error for f in self.files) or any(f.status == FAILED for f in self.feeds):
            return int(ExitStatus.ERROR)
        if any(feed.failed for feed in self.feeds):
            return int(ExitStatus.SOME_ITEMS_FAILED)
        return 0


def file_line(result: FileResult) -> str:
    """A transcript URL read: its episode and turns, or that it is unchanged."""
    state = "unchanged" if result.unchanged else f"{result.turns} turns"
    return f"{result.path}: {result.episode_id}, {state}"


def changed_line(item: ItemResult) -> str:
    """A new or updated item, tab-separated for scripts: status, episode, title, turns."""
    return f"{item.status}\t{item.episode_id}\t{item.title or ''}\t{item.turns} turns"


def feed_summary(feed: FeedResult) -> str:
    """One line per feed read: its items counted by outcome, or that it had not changed."""
    name = feed.title or feed.url
    if feed.status == "not_modified":
        return f"{name}: not modified since the last check"
    counts = ", ".join(
        f"{n} {label}"
        for label, n in (
            ("new", feed.count(NEW)),
            ("updated", feed.count(UPDATED)),
            ("unchanged", feed.count(UNCHANGED)),
            ("without transcript", feed.count(NO_TRANSCRIPT)),
            ("failed", len(feed.failed)),
        )
        if n
    )
    moved = f" (moved from {feed.moved_from})" if feed.moved_from else ""
    return f"{name}{moved}: {counts or 'no items'}"


# --- update, list, remove -------------------------------------------------------------------


def update_feeds(
    store: KnowledgeStore,
    fetcher: Fetcher,
    urls: list[str] | None,
    options: FollowOptions,
) -> list[FeedResult]:
    """Read every subscription again (or those named), with conditional GET."""
    subscriptions = store.feeds()
    if urls:
        chosen = []
        for url in urls:
            found = _find_subscription(store, url)
            if found is None:
                raise UsageError(f"not subscribed: {url!r}; `podkb feeds` lists subscriptions")
            chosen.append(found)
        subscriptions = chosen
    return [follow_feed(store, fetcher, s.url, options) for s in subscriptions]


def _find_subscription(store: KnowledgeStore, url: str) -> FeedRecord | None:
    found = store.feed_by_url(url)
    if found is None and not is_url(url) and os.path.exists(url):
        found = store.feed_by_url(os.path.realpath(url))
    return found


# The columns of feed_rows, in order (the CSV header of `podkb feeds`).
FEED_COLUMNS = [
    "url",
    "title",
    "items",
    "episodes",
    "with_transcript",
    "without_transcript",
    "failed",
    "last_checked",
    "last_error",
]


def feed_rows(store: KnowledgeStore) -> list[dict[str, Any]]:
    """One row per subscription: URL, title, episodes with and without transcripts, when it was
    last checked and its last error."""
    rows = []
    for feed in store.feeds():
        items = store.feed_items(feed.feed_id)
        rows.append(
            {
                "url": feed.url,
                "title": feed.title,
                "items": len(items),
                "episodes": sum(1 for i in items if i.episode_id),
                "with_transcript": sum(1 for i in items if i.status == "ok"),
                "without_transcript": sum(1 for i in items if i.status == NO_TRANSCRIPT),
                "failed": sum(1 for i in items if i.status == FAILED),
                "last_checked": feed.last_checked,
                "last_error": feed.last_error,
            }
        )
    return rows


def remove_feed(store: KnowledgeStore, url: str, *, episodes: bool) -> list[str]:
    """Unsubscribe; with `episodes`, also delete the episodes read from the feed. Returns the
    ids of the episodes deleted."""
    with store.transaction():
        found = _find_subscription(store, url)
        if found is None:
            raise UsageError(f"not subscribed: {url!r}; `podkb feeds` lists subscriptions")
        removed = []
        if episodes:
            for item in store.feed_items(found.feed_id):
                if item.episode_id and store.delete_episode(item.episode_id):
                    removed.append(item.episode_id)
        store.delete_feed(found.feed_id)
        if removed:
            store.after_writes()
    return sorted(removed)
