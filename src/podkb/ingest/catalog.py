"""Curated metadata: the episode catalog and the speaker register (data/*.yaml).

Both are validated by pydantic with extra="forbid", after yaml.safe_load; fields that hold names,
dates or times are str so that YAML 1.1 cannot turn `NO` into False or `1:30` into 90.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from ..errors import InputError
from ..text import fold


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class CatalogEntry(_Strict):
    source: str
    episode_id: str | None = None
    show: str | None = None
    title: str | None = None
    date: str | None = None
    lang: str | None = None
    hosts: list[str] = []
    guests: list[str] = []
    description: str | None = None


class CatalogFile(_Strict):
    episodes: list[CatalogEntry] = []


class SpeakerEntry(_Strict):
    name: str
    aliases: list[str] = []

    @field_validator("aliases")
    @classmethod
    def _no_blank(cls, value: list[str]) -> list[str]:
        if any(not a.strip() for a in value):
            raise ValueError("aliases must not be blank")
        return value


class SpeakersFile(_Strict):
    speakers: list[SpeakerEntry] = []


@dataclass
class Metadata:
    """The catalog and speaker register in force for one ingest."""

    catalog: dict[str, CatalogEntry] = field(default_factory=dict)
    speakers: list[SpeakerEntry] = field(default_factory=list)
    # folded alias -> canonical name
    alias_index: dict[str, str] = field(default_factory=dict)

    def entry_for(self, source_name: str) -> CatalogEntry | None:
        return self.catalog.get(source_name)

    def canonical(self, name: str) -> str | None:
        return self.alias_index.get(name_key(name))

    def aliases_of(self, canonical: str) -> list[str]:
        for sp in self.speakers:
            if sp.name == canonical:
                return [sp.name, *sp.aliases]
        return [canonical]


def name_key(name: str) -> str:
    """Folded name for comparison: case, width, accents, Traditional/Simplified, spacing."""
    return " ".join(fold(name).replace("·", " ").replace("・", " ").split())


def load_yaml_model(path: Path, model: type[BaseModel]) -> BaseModel:
    """safe_load then validate; errors name the file, the line where known, and the field."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(path)) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(f"{where}invalid YAML: {problem}", path=str(path)) from None
    if data is None:
        data = {}
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        line = _line_of(text, first["loc"])
        where = f"line {line}: " if line else ""
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        hint = ""
        if first["type"] == "string_type" and not isinstance(first.get("input"), dict | list):
            hint = " (quote it: YAML reads 2024-05-01 as a date, 1:30 as a number, NO as false)"
        raise InputError(f"{where}{loc}: {first['msg']}{hint}{more}", path=str(path)) from None


def _line_of(text: str, loc: tuple) -> int | None:
    """Best-effort line of a validation error: the line where its last named key appears."""
    keys = [p for p in loc if isinstance(p, str)]
    if not keys:
        return None
    import yaml

    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return None
    for part in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            for k, v in node.value:
                if k.value == part:
                    node = v
                    break
            else:
                return node.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            break
    return node.start_mark.line + 1


def data_dir() -> Path:
    """Where catalog.yaml, speakers.yaml and topics.yaml live: PODKB_DATA, else the packaged copy."""
    override = os.environ.get("PODKB_DATA")
    if override:
        return Path(override)
    package = Path(__file__).resolve().parents[1]
    installed = package / "data"  # a wheel install puts data/ inside the package
    if installed.is_dir():
        return installed
    return package.parents[1] / "data"  # a source checkout (editable install)


@lru_cache(maxsize=8)
def _load_metadata_cached(directory: str) -> Metadata:
    base = Path(directory)
    meta = Metadata()
    catalog_path = base / "catalog.yaml"
    if catalog_path.exists():
        cat = load_yaml_model(catalog_path, CatalogFile)
        assert isinstance(cat, CatalogFile)
        meta.catalog = {e.source: e for e in cat.episodes}
    speakers_path = base / "speakers.yaml"
    if speakers_path.exists():
        sp = load_yaml_model(speakers_path, SpeakersFile)
        assert isinstance(sp, SpeakersFile)
        meta.speakers = list(sp.speakers)
    for entry in meta.speakers:
        for alias in (entry.name, *entry.aliases):
            meta.alias_index.setdefault(name_key(alias), entry.name)
    return meta


def load_metadata(directory: Path | None = None) -> Metadata:
    return _load_metadata_cached(str(directory or data_dir()))
