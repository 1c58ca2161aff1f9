"""Finding an episode by the id (or a unique prefix of it) a person typed."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .errors import UsageError
from .store import KnowledgeStore

if TYPE_CHECKING:
    from .models import Episode
    from .results import EpisodeSummary


def resolve_episode(store: KnowledgeStore, query: str) -> str:
    ids = store.episode_ids()
    if query in ids:
        return query
    prefixed = [i for i in ids if i.startswith(query)]
    if len(prefixed) == 1:
        return prefixed[0]
    if len(prefixed) > 1:
        raise UsageError(f"episode {query!r} is ambiguous: " + ", ".join(prefixed))
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


def remove_episodes(
    store: KnowledgeStore, queries: Iterable[str], *, missing: bool = False
) -> list[str]:
    """Delete the named episodes (ids or unique prefixes) and, with `missing`, those whose source
    file no longer exists, in one transaction: an unknown name removes nothing. Returns the ids
    removed, sorted."""
    with store.transaction():
        chosen = {resolve_episode(store, q) for q in queries}
        if missing:
            chosen.update(
                episode_id
                for episode_id, source_path in store.source_paths()
                # A URL's or feed item's episode (source "scheme://...") has no file to miss.
                if source_path is not None
                and "://" not in source_path
                and not os.path.lexists(source_path)
            )
        removed = sorted(e for e in chosen if store.delete_episode(e))
        store.after_writes()
    return removed


def episode_summaries(episodes: Iterable[Episode]) -> list[EpisodeSummary]:
    """Episodes as `podkb episodes` lists them (the MCP `episodes` tool too)."""
    from .results import EpisodeSummary

    return [EpisodeSummary.model_validate(e.model_dump()) for e in episodes]
