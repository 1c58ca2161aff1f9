"""Search relevance on the seeds: precision@1 and recall@10 over hand-judged queries.

tests/data/relevance.yaml holds queries written by reading the transcripts, each with the turns
a person would want first. For every query we run `search` with limit 10 and measure:

- precision@1: 1 when the top hit is one of the relevant turns, else 0;
- recall@10: the share of the relevant turns found among the top 10 hits;

both averaged over the queries. The floors below are the measured figures rounded down, so a
change that makes ranking worse fails here; raise them when ranking improves.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated

import pytest
import yaml
from conftest import DATA
from pydantic import BaseModel, ConfigDict, Field

RELEVANCE_FILE = DATA / "relevance.yaml"
K = 10

# Measured on the seeds (67 queries): P@1 = 0.9104 (61/67), R@10 = 0.905. Floors rounded down.
# With English stemming and three queries whose word forms the seeds never write (70 queries):
# P@1 = 0.9143 (64/70), R@10 = 0.9095; without stemming those three find nothing (0.871).
P_AT_1_FLOOR = 0.91
R_AT_10_FLOOR = 0.90

# Queries (by label) where no relevant turn reaches the top 10 today. "king queen": the example
# is told across two paragraphs of an unlabeled transcript, which are two turns, and all words
# must match in one turn, so search returns nothing.
KNOWN_MISSES: set[str] = {"king queen"}


class TurnRef(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    episode: str
    line: Annotated[int, Field(ge=1)]


class Judged(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str = ""
    speaker: str | None = None
    topic: str | None = None
    episode: str | None = None
    lang: str | None = None
    relevant: Annotated[list[TurnRef], Field(min_length=1)]

    @property
    def label(self) -> str:
        parts = [self.query or '""']
        for name in ("speaker", "topic", "episode", "lang"):
            value = getattr(self, name)
            if value:
                parts.append(f"{name}={value}")
        return " ".join(parts)


class RelevanceFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    queries: Annotated[list[Judged], Field(min_length=45)]


@lru_cache(maxsize=1)
def judged() -> list[Judged]:
    with RELEVANCE_FILE.open(encoding="utf-8") as fh:
        return RelevanceFile.model_validate(yaml.safe_load(fh)).queries


def run(store, q: Judged) -> list[TurnRef]:
    from podkb.search import SearchRequest, search

    request = SearchRequest(
        query=q.query or None,
        speaker=q.speaker,
        topic=q.topic,
        episode=q.episode,
        lang=q.lang,
        limit=K,
    )
    return [TurnRef(episode=h.episode_id, line=h.line) for h in search(store, request).hits]


def scores(store, q: Judged) -> tuple[float, float]:
    """(precision@1, recall@10) for one query."""
    hits = run(store, q)
    relevant = set(q.relevant)
    p1 = 1.0 if hits and hits[0] in relevant else 0.0
    r10 = len(relevant & set(hits[:K])) / len(relevant)
    return p1, r10


def test_relevance_file_is_valid_and_points_at_turn_starts(seed_turns):
    queries = judged()
    starts = {(eid, t.line) for eid, turns in seed_turns.items() for t in turns}
    bad = [(q.label, r) for q in queries for r in q.relevant if (r.episode, r.line) not in starts]
    assert not bad, f"not the first line of a turn: {bad}"
    labels = [q.label for q in queries]
    assert len(labels) == len(set(labels)), "duplicate queries"
    # The mix the file promises: Chinese, speaker-filtered and topic queries among them.
    assert sum(1 for q in queries if any("\u4e00" <= c <= "\u9fff" for c in q.query)) >= 10
    assert sum(1 for q in queries if q.speaker) >= 6
    assert sum(1 for q in queries if q.topic) >= 5


def test_precision_and_recall_stay_at_measured_level(seed_store):
    queries = judged()
    results = [scores(seed_store, q) for q in queries]
    p_at_1 = sum(p for p, _ in results) / len(results)
    r_at_10 = sum(r for _, r in results) / len(results)
    print(f"relevance: P@1={p_at_1:.3f} R@10={r_at_10:.3f} over {len(results)} queries")
    assert p_at_1 >= P_AT_1_FLOOR, f"P@1 fell to {p_at_1:.3f} (floor {P_AT_1_FLOOR})"
    assert r_at_10 >= R_AT_10_FLOOR, f"R@10 fell to {r_at_10:.3f} (floor {R_AT_10_FLOOR})"


@pytest.mark.parametrize(
    "q",
    [
        pytest.param(q, marks=pytest.mark.xfail(strict=True, reason="known miss"))
        if q.label in KNOWN_MISSES
        else q
        for q in judged()
    ],
    ids=lambda q: q.label,
)
def test_a_relevant_turn_is_in_the_top_10(seed_store, q):
    hits = run(seed_store, q)
    assert set(q.relevant) & set(hits), f"{q.label!r}: none of {q.relevant} in top {K}: {hits}"
