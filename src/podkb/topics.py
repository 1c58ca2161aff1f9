"""Topics: the taxonomy in data/topics.yaml, and the chapters the sources give."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict

from .errors import UsageError
from .ingest.catalog import data_dir, load_yaml_model, name_key
from .query import Term, make_term
from .store import Store


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

    def fts(self) -> str | None:
        if not self.terms:
            return None
        parts = [t.fts("body") for t in self.terms] + [
            t.fts("chapter") for t in self.terms if t.words
        ]
        return "(" + " OR ".join(parts) + ")"


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


def chapter_titles(store: Store) -> list[str]:
    return [
        r[0]
        for r in store.conn.execute(
            "SELECT DISTINCT chapter FROM turns WHERE chapter IS NOT NULL ORDER BY chapter"
        )
    ]


def resolve_topic(store: Store, name: str) -> TopicFilter:
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


def _unknown_topic(store: Store, name: str) -> str:
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


def topic_counts(store: Store) -> list[dict[str, Any]]:
    """Each taxonomy topic with its matching turns and episodes, then each chapter with its turns."""
    rows = []
    for topic in taxonomy():
        flt = resolve_topic(store, topic.name)
        expr = flt.fts()
        turns, episodes = (
            store.conn.execute(
                "SELECT count(*), count(DISTINCT t.episode_id) FROM turn_index JOIN turns t ON t.id = turn_index.rowid"
                " WHERE turn_index MATCH ?",
                (expr,),
            ).fetchone()
            if expr
            else (0, 0)
        )
        rows.append(
            {
                "kind": "topic",
                "name": topic.name,
                "aliases": topic.aliases,
                "turns": turns,
                "episodes": episodes,
            }
        )
    for chapter, episode_id, turns, start in store.conn.execute(
        "SELECT chapter, episode_id, count(*), min(start) FROM turns WHERE chapter IS NOT NULL"
        " GROUP BY episode_id, chapter ORDER BY episode_id, min(turn)"
    ):
        rows.append(
            {
                "kind": "chapter",
                "name": chapter,
                "episode_id": episode_id,
                "turns": turns,
                "start": start,
            }
        )
    return rows
