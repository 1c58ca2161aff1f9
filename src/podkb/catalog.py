"""Curated metadata: the episode catalog and the speaker register (data/*.yaml).

Both are validated by pydantic with extra="forbid", after yaml.safe_load; fields that hold names,
dates or times are str so that YAML 1.1 cannot turn `NO` into False or `1:30` into 90.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import yaml

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from .errors import InputError
from .limits import MAX_METADATA_BYTES, check_nesting, nesting_error, yaml_value_budget
from .request import check_date
from .text import is_visible
from .text import name_key as name_key  # re-exported: resolve, the readers and naming use it


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class EpisodeFields(_Strict):
    """Episode metadata a person can give: in the catalog, a sidecar file or on the command line."""

    episode_id: str | None = None
    show: str | None = None
    title: str | None = None
    date: str | None = None
    lang: str | None = None
    hosts: list[str] = []
    guests: list[str] = []
    description: str | None = None
    # The episode's audio file (a URL): quotes link to their moment in it (#t=SECONDS).
    audio: str | None = None
    # Names for the transcript's speaker labels: {SPEAKER_00: Lex Fridman}.
    speakers: dict[str, str] = {}

    @field_validator("hosts", "guests")
    @classmethod
    def _no_blank_names(cls, value: list[str]) -> list[str]:
        if any(not is_visible(v) for v in value):
            raise ValueError("names must not be blank")
        return value

    @field_validator("date")
    @classmethod
    def _calendar_date(cls, value: str | None) -> str | None:
        return None if value is None else check_date(value)

    @field_validator("episode_id")
    @classmethod
    def _visible_id(cls, value: str | None) -> str | None:
        if value is not None and not is_visible(value):
            raise ValueError(
                "an episode id must show a character (not only spaces or invisible ones)"
            )
        return value

    @field_validator("speakers")
    @classmethod
    def _visible_speaker_names(cls, value: dict[str, str]) -> dict[str, str]:
        if any(not is_visible(v) for v in value.values()):
            raise ValueError("names must not be blank")
        return value


class CatalogEntry(EpisodeFields):
    source: str


class CatalogFile(_Strict):
    episodes: list[CatalogEntry] = []


class SpeakerEntry(_Strict):
    name: str
    aliases: list[str] = []

    @field_validator("name")
    @classmethod
    def _visible_name(cls, value: str) -> str:
        if not is_visible(value):
            raise ValueError("a name must show a character (not only spaces or invisible ones)")
        return value

    @field_validator("aliases")
    @classmethod
    def _no_blank(cls, value: list[str]) -> list[str]:
        if any(not is_visible(a) for a in value):
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
    _register_digest: str | None = field(default=None, repr=False, compare=False)
    _register_names: frozenset[str] | None = field(default=None, repr=False, compare=False)
    _by_name: dict[str, SpeakerEntry] | None = field(default=None, repr=False, compare=False)

    def entry_for(self, source_name: str) -> CatalogEntry | None:
        return self.catalog.get(source_name)

    def canonical(self, name: str) -> str | None:
        return self.alias_index.get(name_key(name))

    def register_names(self) -> frozenset[str]:
        """Every name and alias of the register, folded: computed once, not once a file (a
        register of thousands of speakers and aliases made every file pay for all of them)."""
        if self._register_names is None:
            self._register_names = frozenset(
                name_key(a) for sp in self.speakers for a in (sp.name, *sp.aliases)
            )
        return self._register_names

    def register_digest(self) -> str:
        """A hash of the speaker register: an edit to it re-reads files at the next ingest."""
        if self._register_digest is None:
            import hashlib
            import json

            dumped = json.dumps([sp.model_dump() for sp in self.speakers], ensure_ascii=False)
            self._register_digest = hashlib.sha256(dumped.encode("utf-8")).hexdigest()
        return self._register_digest

    def aliases_of(self, canonical: str) -> list[str]:
        if self._by_name is None:  # a dict once, not a scan of the register per lookup
            self._by_name = {}
            for entry in self.speakers:
                self._by_name.setdefault(entry.name, entry)
        found = self._by_name.get(canonical)
        return [found.name, *found.aliases] if found is not None else [canonical]


def load_yaml_model(path: Path, model: type[BaseModel]) -> BaseModel:
    """safe_load then validate; errors name the file, the line where known, and the field."""
    import yaml

    try:
        with path.open("rb") as f:
            data = f.read(MAX_METADATA_BYTES + 1)  # bounded, whatever the file's size
        if len(data) > MAX_METADATA_BYTES:
            raise InputError(
                f"larger than {MAX_METADATA_BYTES // 2**20} MiB (podkb's limit for a metadata "
                "file, read on every ingest): split it, or keep only the entries in use",
                path=str(path),
            )
        text = data.decode("utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(path)) from None
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise InputError(
            f"line {line}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x}); save it as UTF-8",
            path=str(path),
        ) from None
    try:
        loaded = yaml.load(text, Loader=_safe_loader())  # noqa: S506 - a SafeLoader subclass
    except RecursionError:
        raise nesting_error(str(path)) from None
    except ValueError as exc:  # a plain scalar YAML takes for a date that is none: 2024-02-30
        raise InputError(
            f"invalid YAML: {exc} (a value read as a date; quote it if it is text)", path=str(path)
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        problem = problem.removeprefix("did not find ")  # libyaml's wording; PyYAML's is shorter
        if problem == "found character that cannot start any token" and mark is not None:
            problem = f"found character {_char_at(text, mark.line, mark.column)!r} that cannot start any token"
        if problem.startswith("could not determine a constructor for the tag"):
            tag = problem.rsplit(" ", 1)[-1].strip("'").replace("tag:yaml.org,2002:", "!!")
            problem = f"the tag {tag} is not allowed: podkb reads plain text, lists and mappings"
        raise InputError(f"{where}invalid YAML: {problem}", path=str(path)) from None
    if loaded is None:
        loaded = {}
    check_nesting(loaded, path=str(path), max_values=yaml_value_budget(text))
    try:
        return model.model_validate(loaded)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"]) or "top level"
        node = _node_at(text, first["loc"])
        where = f"line {node.start_mark.line + 1}: " if node is not None else ""
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        # pydantic prefixes what a validator raises with "Value error, ": not for people.
        msg = _yaml_surprise(dict(first), node) or first["msg"].removeprefix("Value error, ")
        if not first["loc"]:
            msg = f"expected a mapping with `{next(iter(model.model_fields))}:` at the top"
        raise InputError(f"{where}{loc}: {msg}{more}", path=str(path)) from None


def _char_at(text: str, line: int, column: int) -> str:
    row = text.split("\n")[line] if line < text.count("\n") + 1 else ""
    return row[column] if column < len(row) else ""


@lru_cache(maxsize=1)
def _safe_loader() -> type[yaml.SafeLoader]:
    import yaml

    # libyaml's parser is about 10 times faster than PyYAML's own and bounds nesting itself;
    # the constructor (what makes Python values) is the same safe one either way.
    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class SafeNoDuplicatesLoader(base):  # type: ignore[valid-type, misc]
        """A safe loader that refuses a key given twice (YAML keeps the last one, silently)."""

        def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                try:
                    duplicate = key in seen
                    seen.add(key)
                except TypeError:
                    continue  # an unhashable key: SafeLoader reports it itself
                if duplicate:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"key {key!r} is given twice", key_node.start_mark
                    )
            mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
            return mapping

    return SafeNoDuplicatesLoader


_YAML_TYPES = {bool: "a boolean", int: "a number", float: "a number"}


def _yaml_surprise(error: dict[str, Any], node: Any) -> str | None:
    """Explain YAML 1.1 reading a name or time as something else (`NO` -> false, `1:30` -> 90)."""
    value = error.get("input")
    if error.get("type") != "string_type" or node is None or not hasattr(node, "value"):
        return None
    raw = node.value if isinstance(node.value, str) else None
    if value is None:
        return "is empty; give a value"
    is_date = type(value).__name__ in ("date", "datetime")
    kind = _YAML_TYPES.get(type(value)) or ("a date" if is_date else None)
    if kind is None or raw is None:
        return None
    shown = str(value).lower() if isinstance(value, bool) else str(value)
    return f'YAML reads {raw} as {kind} ({shown}); quote it: "{raw}"'


def _node_at(text: str, loc: tuple[Any, ...]) -> Any:
    """Best-effort YAML node of a validation error: the deepest node its location reaches."""
    import yaml

    try:
        node = yaml.compose(text, Loader=_safe_loader())  # noqa: S506 - a SafeLoader subclass
    except (yaml.YAMLError, RecursionError):
        return None
    if node is None:
        return None
    for part in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            for k, v in node.value:
                if k.value == part:
                    node = v
                    break
            else:
                return node
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            node = node.value[part]
        else:
            break
    return node


def data_dir() -> Path:
    """Where catalog.yaml, speakers.yaml and topics.yaml live: PODKB_DATA, else the packaged copy."""
    override = os.environ.get("PODKB_DATA")
    if override:
        return Path(override)
    return packaged_data_dir()


def packaged_data_dir() -> Path:
    """The data/ that ships with podkb, whatever PODKB_DATA says."""
    package = Path(__file__).resolve().parent
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
