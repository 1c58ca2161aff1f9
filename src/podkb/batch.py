"""Many searches from one file: `podkb batch queries.yaml`.

A batch file is YAML (a list of entries, or `queries:` holding one) or JSON lines (one entry
per line). Each entry is a search request (request.SearchRequest): `query` and the filters
(`speaker`, `topic`, `episode`, `lang`, `role`, `show`, `since`, `until`), `limit` (default
10; 0 for all), `offset`, `context`, and `name`, the output name (default `query-N`, N its
position from 1). Entries are validated with pydantic (unknown fields refused, text fields
must be strings) before anything runs; a bad entry is reported with its line. Then every
search runs, and only if all succeed is anything written: one JSON lines stream (each hit
with the entry's `name` and its `rank`), or with an output folder one `NAME.jsonl` per entry.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from pydantic import ValidationError

from .errors import InputError, PodkbError
from .fields import Field, model_validator
from .limits import (
    MAX_BATCH_BYTES,
    MAX_BATCH_ENTRIES,
    check_nesting,
    json_loads,
    nesting_error,
    yaml_value_budget,
)
from .request import SearchRequest
from .search import SearchResult, search
from .store import KnowledgeStore


class BatchQuery(SearchRequest):
    """One entry of a batch file: a search request and the name its hits are written under."""

    name: str | None = Field(default=None, min_length=1, description="output name")

    @model_validator(mode="after")
    def _has_criteria(self) -> BatchQuery:
        if not (self.query or self.has_filter()):
            raise ValueError("give a query, or a filter (speaker, topic, episode, lang, ...)")
        return self

    def request(self) -> SearchRequest:
        return SearchRequest.model_validate(self.model_dump(exclude={"name"}))


@dataclass
class BatchEntry:
    name: str
    line: int
    request: SearchRequest


@dataclass
class BatchRun:
    entries: list[BatchEntry] = field(default_factory=list)
    results: list[SearchResult] = field(default_factory=list)

    @property
    def hits(self) -> int:
        return sum(len(r.hits) for r in self.results)

    def rows(self, index: int) -> list[dict[str, Any]]:
        """One entry's hits as output rows: the entry's name and the hit's rank, then the hit."""
        from .results import hit_rows

        name = self.entries[index].name
        return [
            {"name": name, "rank": rank, **hit}
            for rank, hit in enumerate(hit_rows(self.results[index].hits), start=1)
        ]


def _too_large(path: str) -> InputError:
    return InputError(
        f"batch file larger than {MAX_BATCH_BYTES // 2**20} MiB (podkb's limit): split it",
        path=path,
    )


def _batch_text(data: bytes, path: str) -> str:
    if len(data) > MAX_BATCH_BYTES:
        raise _too_large(path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", path=path) from None


def read_batch_stdin(stream: BinaryIO) -> str:
    """A batch file from stdin, refused as soon as it passes MAX_BATCH_BYTES (never read whole)."""
    return _batch_text(stream.read(MAX_BATCH_BYTES + 1), "stdin")


def _read_batch_file(path: Path) -> str:
    try:
        with path.open("rb") as f:
            data = f.read(MAX_BATCH_BYTES + 1)  # bounded however large the file is
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(path)) from None
    return _batch_text(data, str(path))


def load_batch(path: Path, text: str | None = None) -> list[BatchEntry]:
    """Read and validate a batch file (or its `text`, read already: stdin). InputError names
    the file, the entry's line and the field."""
    if text is None:
        text = _read_batch_file(path)
    first = next(
        (ln.strip() for ln in text.split("\n") if ln.strip() and not ln.lstrip().startswith("#")),
        "",
    )
    items = _jsonl_items(text, path) if first.startswith("{") else _yaml_items(text, path)
    if not items:
        raise InputError("no queries in the batch file", path=str(path))
    if len(items) > MAX_BATCH_ENTRIES:
        raise InputError(
            f"more than {MAX_BATCH_ENTRIES:,} queries (podkb's limit for one batch): split the file",
            path=str(path),
        )
    entries: list[BatchEntry] = []
    problems: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for n, (item, line, locate) in enumerate(items, start=1):
        try:
            q = BatchQuery.model_validate(item)
        except ValidationError as exc:
            err = exc.errors()[0]
            loc = ".".join(str(p) for p in err["loc"])
            hint = (
                " (quote it)"
                if err["type"] == "string_type" and not isinstance(err.get("input"), dict | list)
                else ""
            )
            where = locate(err["loc"]) or line
            problems.append((where, f"{loc + ': ' if loc else ''}{_message(err['msg'])}{hint}"))
            continue
        name = q.name or f"query-{n}"
        if name.casefold() in seen:
            problems.append(
                (line, f"name: {name!r} is used by the entry on line {seen[name.casefold()]} too")
            )
            continue
        seen[name.casefold()] = line
        entries.append(
            BatchEntry(
                name=name,
                line=line,
                request=q.request(),
            )
        )
    if problems:
        where, message = problems[0]
        more = (
            f" (and {len(problems) - 1} more bad entries, on lines {_lines(problems[1:6])})"
            if len(problems) > 1
            else ""
        )
        raise InputError(f"line {where}: {message}{more}", path=str(path))
    return entries


def run_batch(store: KnowledgeStore, path: Path, *, text: str | None = None) -> BatchRun:
    """Validate the file (or `text`), then run every search; a failing entry stops the batch,
    named by line."""
    if text is not None:
        path = Path("stdin")
    run = BatchRun(entries=load_batch(path, text))
    for entry in run.entries:
        try:
            run.results.append(search(store, entry.request))
        except PodkbError as exc:
            if exc.path == store.location:
                raise  # the store itself failed: not this entry's fault
            raise InputError(
                f"line {entry.line}: {entry.name}: {exc.message}", path=str(path)
            ) from None
    return run


def write_batch(run: BatchRun, out_dir: Path) -> list[Path]:
    """One `NAME.jsonl` per entry in out_dir (safe names, atomic writes), empty when no hits."""
    from .errors import UsageError
    from .files import atomic_write, path_inside, stable_names
    from .output import json_text

    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"--out {out_dir} is a file, not a folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    names = stable_names(((e.name, e.name) for e in run.entries), ".jsonl")
    written = []
    for i, entry in enumerate(run.entries):
        target = path_inside(out_dir, names[entry.name])
        atomic_write(target, "".join(json_text(row) + "\n" for row in run.rows(i)))
        written.append(target)
    return written


# --- reading the two file shapes ---------------------------------------------------------------


def _jsonl_items(text: str, path: Path) -> list[tuple[Any, int, Any]]:
    items = []
    for n, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        try:
            obj = json_loads(stripped, path=str(path), where=f"line {n}: ")
        except json.JSONDecodeError as exc:
            raise InputError(f"line {n}: invalid JSON: {exc.msg}", path=str(path)) from None
        items.append((obj, n, lambda _loc, n=n: n))
        if len(items) > MAX_BATCH_ENTRIES:
            break  # refused by the caller; the rest is not parsed
    return items


def _yaml_items(text: str, path: Path) -> list[tuple[Any, int, Any]]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when installed: faster
    try:
        data = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
        node = yaml.compose(text, Loader=loader)  # noqa: S506 - composing builds no objects
    except RecursionError:
        raise nesting_error(str(path)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(f"{where}invalid YAML: {problem}", path=str(path)) from None
    check_nesting(data, path=str(path), max_values=yaml_value_budget(text))
    if isinstance(data, dict) and set(data) == {"queries"}:
        data = data["queries"]
        assert isinstance(node, yaml.MappingNode)
        node = next(v for k, v in node.value if k.value == "queries")
    if data is None:
        return []
    if not isinstance(data, list) or not isinstance(node, yaml.SequenceNode):
        raise InputError(
            "a batch file is a list of queries (or `queries:` holding one)", path=str(path)
        )
    items = []
    for item, item_node in zip(data[: MAX_BATCH_ENTRIES + 1], node.value, strict=False):
        line = item_node.start_mark.line + 1
        items.append((item, line, lambda loc, item_node=item_node: _yaml_line(item_node, loc)))
    return items


def _yaml_line(node: Any, loc: tuple[Any, ...]) -> int | None:
    """The line of the field a validation error points at, inside one entry's mapping."""
    import yaml

    if loc and isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == loc[0]:
                return int(value.start_mark.line) + 1
    return None


def _lines(problems: list[tuple[int, str]]) -> str:
    return ", ".join(str(line) for line, _ in problems)


def _message(msg: str) -> str:
    # pydantic prefixes errors raised in validators with "Value error, ".
    return msg.removeprefix("Value error, ")
