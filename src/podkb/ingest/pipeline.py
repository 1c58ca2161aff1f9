"""The ingest stage: files in, typed episodes and turns out, written in one transaction."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, PodkbError, UsageError
from ..models import Episode, Turn
from ..store import Store
from .catalog import Metadata, load_metadata, name_key
from .decode import decode_bytes
from .formats import read_transcript
from .resolve import build_records
from .sidecar import EpisodeInfo, is_chapters_sidecar, merge_entry, read_chapters_sidecar, read_sidecar

# Files a folder walk picks up; a file named on the command line is read whatever its name.
TRANSCRIPT_SUFFIXES = {".txt", ".md", ".markdown", ".srt", ".vtt", ".json", ".jsonl", ".html", ".htm", ".text"}
MAX_FILE_BYTES = 512 * 1024 * 1024


@dataclass
class FileResult:
    path: str
    episode_id: str | None = None
    turns: int = 0
    error: str | None = None


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)

    @property
    def ok(self) -> list[FileResult]:
        return [f for f in self.files if f.error is None]

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.error is not None]


def discover(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files to read: named files as given, folders walked (sorted, no hidden files, no link loops)."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(_walk(path))
        elif path.exists():
            found.append(path)
        else:
            raise InputError("no such file or folder", path=str(path))
    seen: set[Path] = set()
    unique = []
    for p in found:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def _walk(root: Path) -> Iterator[Path]:
    visited: set[tuple[int, int]] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        st = os.stat(dirpath)
        if (st.st_dev, st.st_ino) in visited:
            dirnames[:] = []  # a symlink loop: this folder was walked already
            continue
        visited.add((st.st_dev, st.st_ino))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if not name.startswith(".") and path.suffix.lower() in TRANSCRIPT_SUFFIXES and not is_chapters_sidecar(path):
                yield path


def parse_file(
    path: Path,
    *,
    metadata: Metadata | None = None,
    encoding: str | None = None,
    overrides: EpisodeInfo | None = None,
) -> tuple[Episode, list[Turn], str, str]:
    """Read one transcript file into records. Raises InputError with the file and the reason.

    Episode metadata: `overrides` (the command line), then a YAML sidecar next to the file,
    then the catalog, then what the transcript itself shows.
    """
    metadata = metadata or load_metadata()
    name = path.name
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(f"file too large ({size // 2**20} MiB, limit {MAX_FILE_BYTES // 2**20} MiB)", path=str(path))
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(path)) from None
    decoded = decode_bytes(data, path=str(path), encoding=encoding)
    entry = merge_entry(metadata.entry_for(name), name, read_sidecar(path), overrides)
    known = _known_names(metadata, entry)
    chapters = read_chapters_sidecar(path)
    starts = tuple(c.start for c in chapters or [] if c.start is not None)
    raw = read_transcript(decoded.text, known_names=known, path=str(path), chapter_starts=starts)
    if not raw.turns:
        raise InputError(f"no transcript turns found ({raw.format})", path=str(path))
    if chapters is not None:
        raw.chapters = chapters
    episode, turns = build_records(raw, source=name, metadata=metadata, entry=entry, full_text=decoded.text)
    return episode, turns, hashlib.sha256(data).hexdigest(), raw.format


def _known_names(metadata: Metadata, entry) -> frozenset[str]:
    names: set[str] = set()
    for sp in metadata.speakers:
        names.update(name_key(a) for a in (sp.name, *sp.aliases))
    if entry:
        names.update(name_key(n) for n in (*entry.hosts, *entry.guests))
    return frozenset(names)


def ingest_paths(
    paths: Iterable[str | os.PathLike[str]],
    store: Store,
    *,
    metadata: Metadata | None = None,
    encoding: str | None = None,
    on_file: Callable[[FileResult], None] | None = None,
    overrides: EpisodeInfo | None = None,
) -> IngestReport:
    """Ingest files and folders into the store in one transaction.

    Files that cannot be read are reported and skipped; the rest land together, or, if the
    process dies or the store cannot be written, none do. `overrides` is episode metadata for
    every file (a title, date or id names one episode, so then only one file may be given).
    """
    metadata = metadata or load_metadata()
    files = discover(paths)
    if overrides and (overrides.title or overrides.date or overrides.episode_id) and len(files) > 1:
        raise UsageError(f"a title, date or episode id describes one episode, but {len(files)} files were given")
    report = IngestReport()
    with store.transaction():
        for path in files:
            result = FileResult(path=str(path))
            try:
                episode, turns, digest, fmt = parse_file(
                    path, metadata=metadata, encoding=encoding, overrides=overrides
                )
                episode = _unique_id(store, episode, turns)
                result.turns = store.put_episode(
                    episode, turns, source_path=str(path.resolve()), source_sha256=digest, fmt=fmt
                )
                result.episode_id = episode.episode_id
            except PodkbError as exc:
                result.error = str(exc)
            report.files.append(result)
            if on_file:
                on_file(result)
        store.refresh_summaries()
    return report


def _unique_id(store: Store, episode: Episode, turns: list[Turn]) -> tuple:
    """Two different files never share an episode id: a clash gets a suffix from the file name."""
    existing = store.existing_source_of(episode.episode_id)
    if existing is None or existing == episode.source:
        return episode
    suffix = hashlib.sha1(episode.source.encode()).hexdigest()[:6]
    new_id = f"{episode.episode_id}-{suffix}"
    for t in turns:
        t.episode_id = new_id
    return episode.model_copy(update={"episode_id": new_id})
