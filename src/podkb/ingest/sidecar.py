"""Episode metadata given with a transcript: command-line options and sidecar files.

`episode.srt` may have `episode.yaml` (or `.yml`) beside it with the episode's metadata, and
`episode.chapters.json` (a Podcasting 2.0 chapters file). What the command line says wins over
the sidecar, the sidecar over the catalog (data/catalog.yaml), the catalog over what podkb infers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import field_validator

from ..catalog import CatalogEntry, EpisodeFields, load_yaml_model
from ..errors import InputError
from ..limits import json_loads
from ..text import is_visible
from .raw import RawChapter

SIDECAR_SUFFIXES = (".yaml", ".yml")
CHAPTERS_SUFFIX = ".chapters.json"


class EpisodeInfo(EpisodeFields):
    """Episode metadata from a sidecar file or the command line. Every value is a string."""

    @field_validator("hosts", "guests", mode="before")
    @classmethod
    def _one_name_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("hosts", "guests")
    @classmethod
    def _no_blank(cls, value: list[str]) -> list[str]:
        if any(not is_visible(v) for v in value):
            raise ValueError("names must not be blank")
        return [v.strip() for v in value]

    def is_empty(self) -> bool:
        return not any(self.model_dump().values())


def sidecar_path(transcript: Path) -> Path | None:
    for suffix in SIDECAR_SUFFIXES:
        candidate = transcript.with_suffix(suffix)
        if candidate != transcript and candidate.is_file():
            return candidate
    return None


def sidecar_names(transcript: Path) -> tuple[str, ...]:
    """The file names a sidecar of this transcript may have (YAML metadata, chapters)."""
    stem = transcript.name.rsplit(".", 1)[0] if "." in transcript.name else transcript.name
    return (*(stem + suffix for suffix in SIDECAR_SUFFIXES), stem + CHAPTERS_SUFFIX)


def read_sidecar(transcript: Path) -> EpisodeInfo | None:
    """The YAML sidecar's metadata; errors read `episode.yaml: line 3: date: ...`."""
    path = sidecar_path(transcript)
    if path is None:
        return None
    info = load_yaml_model(path, EpisodeInfo)
    assert isinstance(info, EpisodeInfo)
    return info


def chapters_path(transcript: Path) -> Path:
    return transcript.with_name(transcript.with_suffix("").name + CHAPTERS_SUFFIX)


def is_chapters_sidecar(path: Path) -> bool:
    return path.name.lower().endswith(CHAPTERS_SUFFIX)


def read_chapters_sidecar(transcript: Path) -> list[RawChapter] | None:
    path = chapters_path(transcript)
    if path == transcript or not path.is_file():
        return None
    from .decode import decode_bytes
    from .readers.podcast_json import read_chapters

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(path)) from None
    text = decode_bytes(data, path=str(path)).text
    try:
        parsed = json_loads(text, path=str(path))
    except json.JSONDecodeError as exc:
        raise InputError(f"line {exc.lineno}: invalid JSON: {exc.msg}", path=str(path)) from None
    return read_chapters(parsed, path=str(path))


def merge_entry(
    entry: CatalogEntry | None, source: str, *layers: EpisodeInfo | None
) -> CatalogEntry | None:
    """The catalog entry with each layer's values on top (later layers win); None if all empty."""
    given = [layer for layer in layers if layer is not None and not layer.is_empty()]
    if not given:
        return entry
    merged: dict[str, Any] = entry.model_dump() if entry else {"source": source}
    for layer in given:
        for key, value in layer.model_dump().items():
            if value:
                merged[key] = value
    return CatalogEntry.model_validate(merged)
