"""The export stage: turns out of the store in formats other tools read."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .store import TURN_COLUMNS, Store

EXPORT_FORMATS = ("jsonl", "json", "csv")


def turn_rows(
    store: Store, *, episode_id: str | None = None, speaker: str | None = None
) -> Iterator[dict[str, Any]]:
    """Turn records as dicts (the JSON contract), in episode and turn order."""
    speakers = [speaker] if speaker else None
    yield from store.iter_turn_rows(episode_id=episode_id, speakers=speakers)


TURN_FIELDS = list(TURN_COLUMNS)
