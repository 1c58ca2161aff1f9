"""The ingest stage: files in, typed episodes and turns out, written in one transaction."""

from __future__ import annotations

import codecs
import hashlib
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..catalog import CatalogEntry, Metadata, load_metadata, name_key
from ..errors import InputError, PodkbError, StoreError, UsageError
from ..models import Episode, Turn
from ..store import KnowledgeStore
from .accounting import Accounting, account
from .decode import decode_bytes
from .formats import read_transcript
from .resolve import build_records
from .sidecar import (
    EpisodeInfo,
    is_chapters_sidecar,
    merge_entry,
    read_chapters_sidecar,
    read_sidecar,
)

# Files a folder walk picks up; a file named on the command line is read whatever its name.
TRANSCRIPT_SUFFIXES = {
    ".txt",
    ".md",
    ".markdown",
    ".srt",
    ".vtt",
    ".json",
    ".jsonl",
    ".html",
    ".htm",
    ".text",
    ".tsv",  # Whisper's `start<TAB>end<TAB>text`
    ".ttml",  # Apple Podcasts transcripts, TTML captions
    ".xml",  # Podlove Simple Transcripts
}
# A ten-hour episode is well under 1 MiB of text; 16 MiB reads in about 10 s. Larger files are
# refused before they are read (logs, dumps, a wrong file), with the reason.
MAX_FILE_BYTES = 16 * 1024 * 1024


@dataclass
class FileResult:
    path: str
    episode_id: str | None = None
    turns: int = 0
    error: str | None = None
    # Source lines per class (all classes), and words kept in turns against words in the source.
    lines: dict[str, int] | None = None
    words_kept: int | None = None
    words_source: int | None = None
    warning: str | None = None  # kept with --lenient although it loses text: why

    def record(self) -> dict[str, object]:
        """The file's line of the ingest report (JSON)."""
        return {
            "path": self.path,
            "episode_id": self.episode_id,
            "turns": self.turns,
            "lines": self.lines,
            "words_kept": self.words_kept,
            "words_source": self.words_source,
            "warning": self.warning,
            "error": self.error,
        }


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
    """Files to read: named files as given, folders walked (sorted, no hidden files, no link loops).

    A path that does not exist, or a folder that cannot be listed, stays in the list so that
    reading it reports why; the other files are read all the same.
    """
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(_walk(path))
        else:
            found.append(path)
    seen: set[str] = set()
    unique = []
    for p in found:
        key = os.path.realpath(p)  # Path.resolve() raises on a symlink loop
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def _walk(root: Path) -> Iterator[Path]:
    visited: set[tuple[int, int]] = set()
    unlistable: list[str] = []
    walk = os.walk(root, followlinks=True, onerror=lambda e: unlistable.append(e.filename))
    for dirpath, dirnames, filenames in walk:
        yield from (Path(d) for d in unlistable)  # reading a folder reports why it cannot be listed
        unlistable.clear()
        st = os.stat(dirpath)
        if (st.st_dev, st.st_ino) in visited:
            dirnames[:] = []  # a symlink loop: this folder was walked already
            continue
        visited.add((st.st_dev, st.st_ino))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if (
                not name.startswith(".")
                and path.suffix.lower() in TRANSCRIPT_SUFFIXES
                and not is_chapters_sidecar(path)
            ):
                yield path
    yield from (Path(d) for d in unlistable)


def read_file_bytes(path: Path) -> bytes:
    """A transcript file's bytes: a regular file, no larger than MAX_FILE_BYTES, read once."""
    try:
        st = path.stat()
        if stat.S_ISDIR(st.st_mode):
            os.listdir(path)  # only a folder the walk could not list gets here: say why
            raise InputError("is a folder", path=str(path))
        if not stat.S_ISREG(st.st_mode):
            # A named pipe or a device would block or never end.
            raise InputError("not a regular file", path=str(path))
        if st.st_size > MAX_FILE_BYTES:
            raise InputError(_too_large(st.st_size), path=str(path))
        with path.open("rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)  # bounded even if the file grows meanwhile
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(path)) from None
    if len(data) > MAX_FILE_BYTES:
        raise InputError(_too_large(len(data)), path=str(path))
    return data


def _too_large(size: int) -> str:
    return (
        f"file too large ({size / 2**20:.0f} MiB; podkb reads transcripts up to "
        f"{MAX_FILE_BYTES // 2**20} MiB): split it into parts"
    )


@dataclass
class ParsedFile:
    """One transcript file read: the records to store, and what each source line was used for."""

    episode: Episode
    turns: list[Turn]
    sha256: str
    format: str
    accounting: Accounting
    # For each turn the reader made (in `accounting`'s numbering), the stored turn it went into.
    turn_of_raw: list[int]
    # Why the file loses text (None: it does not); only set when the caller asked to keep it.
    loss: str | None = None

    def turn_number(self, raw_turn: int | None) -> int | None:
        return None if raw_turn is None else self.turn_of_raw[raw_turn]


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
    return parse_bytes(
        read_file_bytes(path), path=path, metadata=metadata, encoding=encoding, overrides=overrides
    )


def parse_bytes(
    data: bytes,
    *,
    path: Path,
    metadata: Metadata | None = None,
    encoding: str | None = None,
    overrides: EpisodeInfo | None = None,
) -> tuple[Episode, list[Turn], str, str]:
    """Records from a transcript's bytes; `path` names the source (its name keys the catalog,
    its folder holds any sidecar)."""
    parsed = read_parsed(data, path=path, metadata=metadata, encoding=encoding, overrides=overrides)
    return parsed.episode, parsed.turns, parsed.sha256, parsed.format


def read_parsed(
    data: bytes,
    *,
    path: Path,
    metadata: Metadata | None = None,
    encoding: str | None = None,
    overrides: EpisodeInfo | None = None,
    lenient: bool = False,
    explain: bool = False,
) -> ParsedFile:
    """A transcript's bytes read into records, with every source line accounted for.

    A file that would lose text is refused (InputError naming the count and the first line
    lost) unless `lenient` (kept, `loss` says why) or `explain` (to show where it happens).
    """
    metadata = metadata or load_metadata()
    decoded = decode_bytes(data, path=str(path), encoding=encoding)
    entry = merge_entry(metadata.entry_for(path.name), path.name, read_sidecar(path), overrides)
    known = _known_names(metadata, entry)
    chapters = read_chapters_sidecar(path)
    starts = tuple(c.start for c in chapters or [] if c.start is not None)
    raw = read_transcript(decoded.text, known_names=known, path=str(path), chapter_starts=starts)
    accounting = account(raw, decoded.text)
    loss = accounting.loss()
    if loss is not None and not (lenient or explain):
        raise InputError(
            f"{loss}; `podkb ingest --explain {path}` shows each line, --lenient keeps the file",
            path=str(path),
        )
    if not raw.turns and not explain:
        raise InputError(f"no transcript turns found ({raw.format})", path=str(path))
    if chapters is not None:
        raw.chapters = chapters
    if raw.turns:
        episode, turns, turn_of_raw = build_records(
            raw, source=path.name, metadata=metadata, entry=entry, full_text=decoded.text
        )
    else:
        episode, turns, turn_of_raw = Episode(episode_id="", source=path.name), [], []
    return ParsedFile(
        episode=episode,
        turns=turns,
        sha256=hashlib.sha256(data).hexdigest(),
        format=raw.format,
        accounting=accounting,
        turn_of_raw=turn_of_raw,
        loss=loss,
    )


def _known_names(metadata: Metadata, entry: CatalogEntry | None) -> frozenset[str]:
    names: set[str] = set()
    for sp in metadata.speakers:
        names.update(name_key(a) for a in (sp.name, *sp.aliases))
    if entry:
        names.update(name_key(n) for n in (*entry.hosts, *entry.guests))
    return frozenset(names)


def ingest_paths(
    paths: Iterable[str | os.PathLike[str]],
    store: KnowledgeStore,
    *,
    metadata: Metadata | None = None,
    encoding: str | None = None,
    on_file: Callable[[FileResult], None] | None = None,
    overrides: EpisodeInfo | None = None,
    lenient: bool = False,
) -> IngestReport:
    """Ingest files and folders into the store in one transaction.

    Files that cannot be read are reported and skipped; the rest land together, or, if the
    process dies or the store cannot be written, none do. `overrides` is episode metadata for
    every file (a title, date or id names one episode, so then only one file may be given).
    A file that would lose text is refused, unless `lenient` (then its result has a warning).
    """
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            examples = "e.g. utf-8, utf-16-le, gb18030, big5"
            raise UsageError(f"unknown encoding {encoding!r} ({examples})") from None
    from ..naming import apply_names  # naming reads ingest's roles: imported here, not above

    metadata = metadata or load_metadata()
    files = discover(paths)
    if overrides and (overrides.title or overrides.date or overrides.episode_id) and len(files) > 1:
        raise UsageError(
            f"a title, date or episode id describes one episode, but {len(files)} files were given"
        )
    report = IngestReport()
    with store.transaction():
        for path in files:
            result = FileResult(path=str(path))
            try:
                parsed = read_parsed(
                    read_file_bytes(path),
                    path=path,
                    metadata=metadata,
                    encoding=encoding,
                    overrides=overrides,
                    lenient=lenient,
                )
                # Names a user gave this file's labels (`podkb speakers name`) outlive re-ingest.
                remembered = store.speaker_names_for(os.path.realpath(path))
                episode = apply_names(parsed.episode, parsed.turns, remembered)
                episode = _unique_id(store, episode, parsed.turns)
                with store.savepoint():  # an episode lands whole or not at all
                    result.turns = store.put_episode(
                        episode,
                        parsed.turns,
                        source_path=os.path.realpath(path),
                        source_sha256=parsed.sha256,
                        fmt=parsed.format,
                    )
                result.episode_id = episode.episode_id
                result.lines = parsed.accounting.counts()
                result.words_kept = parsed.accounting.words_kept
                result.words_source = parsed.accounting.words_source
                if parsed.loss:
                    result.warning = f"{path}: {parsed.loss} (kept: --lenient)"
            except StoreError:
                raise  # the store cannot be written: the whole ingest stops and rolls back
            except PodkbError as exc:
                result.error = str(exc)
            except Exception as exc:
                # A reader bug must not lose the other files: it becomes this file's error.
                if os.environ.get("PODKB_DEBUG") == "1":
                    raise
                result.error = (
                    f"{path}: podkb could not read this file ({type(exc).__name__}: {exc}); "
                    "please report it"
                )
            report.files.append(result)
            if on_file:
                on_file(result)
        store.refresh_summaries()
    return report


def _unique_id(store: KnowledgeStore, episode: Episode, turns: list[Turn]) -> Episode:
    """Two different files never share an episode id: a clash gets a suffix from the file name."""
    existing = store.existing_source_of(episode.episode_id)
    if existing is None or existing == episode.source:
        return episode
    suffix = hashlib.sha1(episode.source.encode()).hexdigest()[:6]
    new_id = f"{episode.episode_id}-{suffix}"
    for t in turns:
        t.episode_id = new_id
    return episode.model_copy(update={"episode_id": new_id})
