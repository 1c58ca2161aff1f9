"""Topics: the taxonomy in data/topics.yaml, and the chapters the sources give."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict

from .catalog import data_dir, load_yaml_model, name_key
from .errors import UsageError
from .query import Term, make_term
from .store import KnowledgeStore


class TopicEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    name: str
    aliases: list[str] = []
    keywords: list[str]


class TopicsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    topics: list[TopicEntry] = []


@dataclass(frozen=True)
class TopicFilter:
    """What --topic resolved to: a taxonomy topic (keyword terms) or source chapters."""

    name: str
    kind: str  # "taxonomy" or "chapter"
    terms: tuple[Term, ...] = ()
    chapters: tuple[str, ...] = ()


@lru_cache(maxsize=4)
def _taxonomy(directory: str) -> tuple[TopicEntry, ...]:
    from pathlib import Path

    path = Path(directory) / "topics.yaml"
    if not path.exists():
        return ()
    parsed = load_yaml_model(path, TopicsFile)
    assert isinstance(parsed, TopicsFile)
    return tuple(parsed.topics)


def taxonomy() -> tuple[TopicEntry, ...]:
    return _taxonomy(str(data_dir()))


def chapter_titles(store: KnowledgeStore) -> list[str]:
    return store.chapter_titles()


def resolve_topic(store: KnowledgeStore, name: str) -> TopicFilter:
    """A taxonomy topic by name or alias, else the chapters whose titles contain the words."""
    key = name_key(name)
    for topic in taxonomy():
        if key in {name_key(n) for n in (topic.name, *topic.aliases)}:
            terms = tuple(t for kw in topic.keywords if (t := make_term(kw)) is not None)
            return TopicFilter(name=topic.name, kind="taxonomy", terms=terms)
    chapters = tuple(c for c in chapter_titles(store) if key and key in name_key(c))
    if chapters:
        return TopicFilter(name=name, kind="chapter", chapters=chapters)
    raise UsageError(_unknown_topic(store, name))


def _unknown_topic(store: KnowledgeStore, name: str) -> str:
    from rapidfuzz import fuzz, process
    from rapidfuzz.utils import default_process

    names = [t.name for t in taxonomy()] + chapter_titles(store)
    close = [
        m[0]
        for m in process.extract(
            name, names, scorer=fuzz.WRatio, processor=default_process, limit=3, score_cutoff=60
        )
    ]
    hint = (
        f"; did you mean {' or '.join(repr(c) for c in close)}?"
        if close
        else "; run `podkb topics` to list them"
    )
    return f"no topic {name!r}{hint}"


def topic_counts(store: KnowledgeStore) -> list[dict[str, Any]]:
    """Each taxonomy topic with its matching turns and episodes, then each chapter with its turns."""
    rows = []
    for topic in taxonomy():
        flt = resolve_topic(store, topic.name)
        turns, episodes = store.count_matches(flt.terms)
        rows.append(
            {
                "kind": "topic",
                "name": topic.name,
                "aliases": topic.aliases,
                "turns": turns,
                "episodes": episodes,
            }
        )
    for chapter in store.chapter_facets():
        rows.append(
            {
                "kind": "chapter",
                "name": chapter.name,
                "episode_id": chapter.episode_id,
                "turns": chapter.turns,
                "start": chapter.start,
            }
        )
    return rows
