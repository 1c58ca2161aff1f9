"""Finding an episode by the id (or a unique prefix of it) a person typed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .errors import UsageError
from .store import KnowledgeStore

if TYPE_CHECKING:
    from .models import Episode
    from .request import Resolved
    from .summaries import EpisodeSummary

# Ids an ambiguous prefix lists (the rest are counted): enough to pick from, never a wall.
MAX_LISTED_MATCHES = 10


def listed(ids: list[str], limit: int = MAX_LISTED_MATCHES) -> str:
    """The first `limit` ids, and how many more there are."""
    more = f" and {len(ids) - limit:,} more" if len(ids) > limit else ""
    return ", ".join(ids[:limit]) + more


def resolve_episode(store: KnowledgeStore, query: str) -> str:
    if not query.strip():
        # An unset shell variable ("$EP") is a prefix of every id: never take it for all.
        raise UsageError(
            "an empty episode id names no episode: give an id or a unique prefix "
            "(`podkb episodes` lists them)"
        )
    ids = store.episode_ids()
    if query in ids:
        return query
    prefixed = [i for i in ids if i.startswith(query)]
    if len(prefixed) == 1:
        return prefixed[0]
    if len(prefixed) > 1:
        raise UsageError(
            f"episode {query!r} is ambiguous: {len(prefixed):,} episodes start with it "
            f"({listed(prefixed)}); give more of the id"
        )
    from rapidfuzz import fuzz, process

    close = [
        m[0] for m in process.extract(query, ids, scorer=fuzz.WRatio, limit=3, score_cutoff=60)
    ]
    hint = (
        f"; did you mean {' or '.join(repr(c) for c in close)}?"
        if close
        else "; run `podkb episodes` to list them"
    )
    raise UsageError(f"no episode {query!r}{hint}")


def episode_filter(store: KnowledgeStore, query: str) -> Resolved:
    """--episode: the one episode an id or a unique prefix names (request.NameCondition)."""
    from .request import Resolved

    return Resolved(episode_ids=(resolve_episode(store, query),))


def episodes_to_remove(
    store: KnowledgeStore, queries: Iterable[str], *, missing: bool = False
) -> list[str]:
    """The ids `remove` would delete, sorted: the named episodes (ids or unique prefixes; an
    unknown or ambiguous one is a UsageError) and, with `missing`, those whose source file is
    gone (see pipeline.source_file_missing: episodes read from stdin or a URL never are)."""
    from .ingest.pipeline import source_file_missing

    chosen = {resolve_episode(store, q) for q in queries}
    if missing:
        chosen.update(
            episode_id
            for episode_id, source_path in store.source_paths()
            if source_file_missing(source_path)
        )
    return sorted(chosen)


def delete_episodes(store: KnowledgeStore, episode_ids: Iterable[str]) -> list[str]:
    """Delete these episodes in one transaction; returns the ids that were there, sorted."""
    with store.transaction():
        return _delete(store, episode_ids)


def _delete(store: KnowledgeStore, episode_ids: Iterable[str]) -> list[str]:
    removed = sorted(e for e in set(episode_ids) if store.delete_episode(e))
    store.after_writes()
    return removed


def remove_episodes(
    store: KnowledgeStore, queries: Iterable[str], *, missing: bool = False
) -> list[str]:
    """Delete the named episodes (ids or unique prefixes) and, with `missing`, those whose source
    file no longer exists, in one transaction: an unknown name removes nothing. Returns the ids
    removed, sorted."""
    with store.transaction():
        return _delete(store, episodes_to_remove(store, queries, missing=missing))


def episode_summaries(episodes: Iterable[Episode]) -> list[EpisodeSummary]:
    """Episodes as `podkb episodes` lists them (the MCP `episodes` tool too)."""
    from .summaries import EpisodeSummary

    return [EpisodeSummary.model_validate(e.model_dump()) for e in episodes]
