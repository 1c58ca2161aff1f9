"""The ingest stage: files in, typed episodes and turns out, each file written whole or not at all."""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, BinaryIO

from .._version import __version__
from ..catalog import CatalogEntry, Metadata, load_metadata, name_key
from ..errors import InputError, PodkbError, StoreError, UsageError, was_interrupted
from ..models import Episode, Turn
from ..store import KnowledgeStore
from ..store.records import FileEpisode
from ..text import is_visible
from .account import Accounting
from .context import ReadContext
from .decode import decode_bytes
from .detect import Choice, read
from .parallel import ReadAhead
from .raw import RawChapter, RestoredEpisode
from .resolve import build_records
from .shared.chrome import load_site_chrome, site_chrome_digest
from .sidecar import (
    EpisodeInfo,
    is_chapters_sidecar,
    merge_entry,
    read_chapters_sidecar,
    read_sidecar,
    sidecar_names,
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
    ".sbv",  # YouTube SubViewer captions
    ".trs",  # Transcriber
}
# A ten-hour episode is well under 1 MiB of text; 16 MiB reads in about 10 s. Larger files are
# refused before they are read (logs, dumps, a wrong file), with the reason.
MAX_FILE_BYTES = 16 * 1024 * 1024


# Standard input is kept under this key and its --name: piping the same download again updates
# its episode, and it has no file that could go missing (`podkb remove --missing`).
STDIN_KEY = "stdin:"
# Before podkb read stdin in memory, it spooled it to a folder of this prefix (a store may still
# hold such paths: they are stdin episodes too).
_LEGACY_SPOOL_PREFIX = "podkb-stdin-"


@dataclass(frozen=True)
class StdinTranscript:
    """A transcript read from standard input: its bytes and the file name the user gave it."""

    name: str
    data: bytes

    @property
    def key(self) -> str:
        return STDIN_KEY + self.name


def read_stdin(stream: BinaryIO, name: str) -> StdinTranscript:
    """Standard input read in pieces, refused as soon as it passes MAX_FILE_BYTES (the rest is
    never read, so a never-ending pipe costs no more than the limit)."""
    chunks: list[bytes] = []
    size = 0
    while chunk := stream.read(1 << 20):
        size += len(chunk)
        if size > MAX_FILE_BYTES:
            raise InputError(
                f"more than {MAX_FILE_BYTES // 2**20} MiB on stdin (podkb reads transcripts up to "
                f"{MAX_FILE_BYTES // 2**20} MiB): split it into parts",
                path=name,
            )
        chunks.append(chunk)
    return StdinTranscript(name=name, data=b"".join(chunks))


def is_stdin_source(source_path: str) -> bool:
    """True for the key of an episode read from stdin (also as older podkb spooled it)."""
    if source_path.startswith(STDIN_KEY):
        return True
    return os.path.basename(os.path.dirname(source_path)).startswith(_LEGACY_SPOOL_PREFIX)


def source_file_missing(source_path: str | None) -> bool:
    """The episode was read from a file that is no longer a readable regular file there (gone,
    a broken link, now a folder). Stdin and URL sources have no file to miss."""
    if source_path is None or not os.path.isabs(source_path) or is_stdin_source(source_path):
        return False
    return not os.path.isfile(source_path)


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
    unchanged: bool = False  # skipped: the same bytes and metadata as at its last ingest
    time_unit: str | None = None  # the unit of times the format does not name, and why
    # Every episode the file gave: one, or the many of a podkb dump (episode_id is the first).
    episode_ids: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        """ingested, unchanged or failed."""
        if self.error is not None:
            return "failed"
        return "unchanged" if self.unchanged else "ingested"

    @property
    def every_episode_id(self) -> list[str]:
        return self.episode_ids or ([self.episode_id] if self.episode_id else [])

    def record(self) -> dict[str, object]:
        """The file's line of the ingest report (JSON)."""
        return {
            "path": self.path,
            "status": self.status,
            "episode_id": self.episode_id,
            "episode_ids": self.every_episode_id,
            "turns": self.turns,
            "lines": self.lines,
            "words_kept": self.words_kept,
            "words_source": self.words_source,
            "warning": self.warning,
            "error": self.error,
            "time_unit": self.time_unit,
        }


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)

    @property
    def ok(self) -> list[FileResult]:
        return [f for f in self.files if f.error is None]

    @property
    def ingested(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "ingested"]

    @property
    def unchanged(self) -> list[FileResult]:
        return [f for f in self.files if f.unchanged]

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.error is not None]


def discover(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files to read: named files as given, folders walked (sorted, no hidden files, no link loops).

    A path that does not exist, or a folder that cannot be listed, stays in the list so that
    reading it reports why; the other files are read all the same.
    """
    return [path for path, _ in discover_sources(paths)]


def discover_sources(
    paths: Iterable[str | os.PathLike[str]], stdin: StdinTranscript | None = None
) -> list[tuple[Path, str]]:
    """discover(), each file with its real path (the key its episode is stored under); `-` is
    `stdin`, shown by its name and keyed by STDIN_KEY and its name."""
    found: list[tuple[Path, str]] = []
    for raw in paths:
        path = Path(raw)
        if stdin is not None and os.fspath(raw) == "-":
            found.append((Path(stdin.name), stdin.key))
        elif path.is_dir():
            found.extend(_walk(path))
        else:
            found.append((path, os.path.realpath(path)))  # Path.resolve() raises on a link loop
    seen: set[str] = set()
    unique = []
    for path, real in found:
        if real not in seen:
            seen.add(real)
            unique.append((path, real))
    return unique


def _walk(root: Path) -> Iterator[tuple[Path, str]]:
    """Transcript files under root with their real paths, top-down, sorted, hidden entries
    skipped, symlinks followed once. An explicit stack, not recursion (os.walk recurses before
    Python 3.12): a thousand nested folders are walked like ten."""
    visited: set[tuple[int, int]] = set()
    # Each folder with its real path, made from its parent's (os.path.realpath resolves every
    # component again: once a folder, that made a walk cubic in depth; 1,500 levels took 41 s).
    stack = [(root, os.path.realpath(root))]
    while stack:
        folder, real_folder = stack.pop()
        try:
            st = os.stat(folder)
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            yield folder, real_folder  # reading it reports why it cannot be listed
            continue
        if (st.st_dev, st.st_ino) in visited:
            continue  # a symlink loop: this folder was walked already
        visited.add((st.st_dev, st.st_ino))
        subfolders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            real = (
                os.path.realpath(path)
                if entry.is_symlink()
                else os.path.join(real_folder, entry.name)
            )
            if _is_folder(entry):
                subfolders.append((path, real))
            elif path.suffix.lower() in TRANSCRIPT_SUFFIXES and not is_chapters_sidecar(path):
                yield path, real
        stack.extend(reversed(subfolders))  # popped in name order


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # follows symlinks, as the walk always has
    except OSError:
        return False


def stat_transcript(path: Path) -> os.stat_result:
    """The file's status, if it is a regular file podkb may read (else InputError, with why)."""
    try:
        st = path.stat()
        if stat.S_ISDIR(st.st_mode):
            os.listdir(path)  # only a folder the walk could not list gets here: say why
            raise InputError("is a folder", path=str(path))
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(path)) from None
    if not stat.S_ISREG(st.st_mode):
        # A named pipe or a device would block or never end.
        raise InputError("not a regular file", path=str(path))
    if st.st_size > MAX_FILE_BYTES:
        raise InputError(_too_large(st.st_size), path=str(path))
    return st


def stat_key(st: os.stat_result) -> str:
    """Size, modification time and inode: while these stay the same, so do the bytes (git and
    rsync judge files the same way); when any changes, the content hash decides."""
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"


def read_file_bytes(path: Path) -> bytes:
    """A transcript file's bytes: a regular file, no larger than MAX_FILE_BYTES, read once."""
    stat_transcript(path)
    try:
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
    # The reader that read the file, and why it was chosen.
    choice: Choice
    # Why the file loses text (None: it does not); only set when the caller asked to keep it.
    loss: str | None = None
    time_unit: str | None = None  # see RawTranscript.time_unit
    # A podkb dump: the episodes it restores (`episode` is the first, `turns` all of theirs).
    restored: list[RestoredEpisode] | None = None
    # The store's text_analyzer of each turn text, when a worker process read the file.
    analyzed: dict[str, Any] | None = None

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
    siblings: frozenset[str] | None = None,
) -> ParsedFile:
    """A transcript's bytes read into records, with every source line accounted for.

    A file that would lose text is refused (InputError naming the count and the first line
    lost) unless `lenient` (kept, `loss` says why) or `explain` (to show where it happens).
    `siblings`: the names beside the file, when known (empty for stdin: no sidecar).
    """
    metadata = metadata or load_metadata()
    inputs = episode_inputs(path, metadata, overrides, siblings)
    return _records(
        data,
        path=path,
        metadata=metadata,
        encoding=encoding,
        inputs=inputs,
        lenient=lenient,
        explain=explain,
    )


@dataclass(frozen=True)
class EpisodeInputs:
    """What decides a file's episode besides its bytes: the metadata merged from the catalog,
    a sidecar and the command line, and a chapters sidecar."""

    entry: CatalogEntry | None
    chapters: list[RawChapter] | None

    def digest(self, metadata: Metadata, encoding: str | None) -> str:
        """Equal digests (and equal file bytes) give the same episode: ingest may skip the file."""
        if self.entry is None and self.chapters is None:  # most files: computed once an ingest
            return _inputs_digest(
                None, None, encoding, metadata.register_digest(), site_chrome_digest()
            )
        entry = self.entry.model_dump() if self.entry else None
        chapters = [asdict(c) for c in self.chapters] if self.chapters is not None else None
        return _inputs_digest(
            json.dumps(entry, sort_keys=True, ensure_ascii=False),
            json.dumps(chapters, ensure_ascii=False),
            encoding,
            metadata.register_digest(),
            site_chrome_digest(),
        )


@lru_cache(maxsize=64)
def _inputs_digest(
    entry: str | None, chapters: str | None, encoding: str | None, register: str, chrome: str
) -> str:
    payload = [__version__, entry, chapters, encoding, register, chrome]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode("utf-8")).hexdigest()


def episode_inputs(
    path: Path,
    metadata: Metadata,
    overrides: EpisodeInfo | None = None,
    siblings: frozenset[str] | None = None,
) -> EpisodeInputs:
    """The file's metadata and chapters. `siblings`, the names in its folder when known, spares
    looking for sidecars one by one (three stats a file: half of an unchanged re-ingest)."""
    if siblings is not None and not any(n in siblings for n in sidecar_names(path)):
        return EpisodeInputs(
            entry=merge_entry(metadata.entry_for(path.name), path.name, None, overrides),
            chapters=None,
        )
    entry = merge_entry(metadata.entry_for(path.name), path.name, read_sidecar(path), overrides)
    return EpisodeInputs(entry=entry, chapters=read_chapters_sidecar(path))


class _FolderNames:
    """The names in each folder, listed once an ingest (the last folder kept: files come in
    folder order)."""

    def __init__(self) -> None:
        self._folder: str | None = None
        self._names: frozenset[str] | None = None

    def __call__(self, path: Path) -> frozenset[str] | None:
        folder = os.path.dirname(path) or "."
        if folder != self._folder:
            self._folder = folder
            try:
                self._names = frozenset(os.listdir(folder))
            except OSError:
                self._names = None  # look for each sidecar, and let that say what is wrong
        return self._names


def _records(
    data: bytes,
    *,
    path: Path,
    metadata: Metadata,
    encoding: str | None,
    inputs: EpisodeInputs,
    lenient: bool = False,
    explain: bool = False,
    shown: str | None = None,
    source: str | None = None,
) -> ParsedFile:
    # shown: how messages name the input (a URL as typed); source: the episode's provenance.
    where = shown or str(path)
    decoded = decode_bytes(data, path=where, encoding=encoding)
    entry, chapters = inputs.entry, inputs.chapters
    known = _known_names(metadata, entry)
    starts = tuple(c.start for c in chapters or [] if c.start is not None)
    reading = read(decoded.text, ReadContext(path=where, known_names=known, chapter_starts=starts))
    raw, accounting = reading.raw, reading.accounting
    loss = accounting.loss()
    if loss is not None and not (lenient or explain):
        raise InputError(
            f"{loss}; `podkb ingest --explain {where}` shows each line, --lenient keeps the file",
            path=where,
        )
    if not raw.turns and not explain:
        raise InputError(f"no transcript turns found ({raw.format})", path=where)
    if chapters is not None:
        raw.chapters = chapters
    if raw.restored:
        turns = [t for r in raw.restored for t in r.turns]
        return ParsedFile(
            episode=raw.restored[0].episode,
            turns=turns,
            sha256=hashlib.sha256(data).hexdigest(),
            format=raw.format,
            accounting=accounting,
            turn_of_raw=list(range(len(turns))),
            choice=reading.choice,
            loss=loss,
            restored=raw.restored,
        )
    if raw.turns:
        episode, turns, turn_of_raw = build_records(
            raw, source=source or path.name, metadata=metadata, entry=entry, full_text=decoded.text
        )
        if not is_visible(episode.episode_id):
            raise InputError(
                f"episode id {episode.episode_id!r} shows no character (only spaces or invisible "
                "ones): give the episode a real id",
                path=str(path),
            )
    else:
        episode, turns, turn_of_raw = Episode(episode_id="", source=source or path.name), [], []
    return ParsedFile(
        episode=episode,
        turns=turns,
        sha256=hashlib.sha256(data).hexdigest(),
        format=raw.format,
        accounting=accounting,
        turn_of_raw=turn_of_raw,
        choice=reading.choice,
        loss=loss,
        time_unit=raw.time_unit,
    )


def _known_names(metadata: Metadata, entry: CatalogEntry | None) -> frozenset[str]:
    if not entry:
        return metadata.register_names()
    return metadata.register_names() | {name_key(n) for n in (*entry.hosts, *entry.guests)}


def ingest_paths(
    paths: Iterable[str | os.PathLike[str]],
    store: KnowledgeStore,
    *,
    metadata: Metadata | None = None,
    encoding: str | None = None,
    on_file: Callable[[FileResult], None] | None = None,
    overrides: EpisodeInfo | None = None,
    lenient: bool = False,
    force: bool = False,
    stdin: StdinTranscript | None = None,
    workers: int = 0,
) -> IngestReport:
    """Ingest files and folders into the store, each file whole or not at all.

    A file whose bytes and metadata are as they were at its last ingest is skipped (reported
    `unchanged`) unless `force`; a changed file replaces its episode. Files that cannot be read
    are reported and skipped. Files are written in transactions of the store's
    `files_per_transaction`, each in its own savepoint: a killed ingest keeps the transactions
    it committed, and never part of a file.
    `overrides` is episode metadata for every file (a title, date or id names one episode, so
    then only one file may be given).
    A file that would lose text is refused, unless `lenient` (then its result has a warning).
    A path `-` is the transcript `stdin` (read by the caller, see read_stdin).
    `workers`: processes that read files ahead while this one writes (`podkb ingest` gives
    parallel.default_workers(); 0 or 1: every file is read in this process); an ingest of
    fewer than parallel.MIN_FILES files starts none. They are started by `spawn`, which
    imports the caller's main module again: a script that passes workers needs the
    `if __name__ == "__main__":` guard, as for any multiprocessing.
    """
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            examples = "e.g. utf-8, utf-16-le, gb18030, big5"
            raise UsageError(f"unknown encoding {encoding!r} ({examples})") from None
    metadata = metadata or load_metadata()
    load_site_chrome()
    files = discover_sources(paths, stdin)
    if overrides and (overrides.title or overrides.date or overrides.episode_id) and len(files) > 1:
        raise UsageError(
            f"a title, date or episode id describes one episode, but {len(files)} files were given"
        )
    report = IngestReport()
    written = False
    siblings = _FolderNames()
    batch = store.files_per_transaction
    ahead = _read_ahead(
        files,
        store,
        metadata,
        encoding,
        overrides,
        force=force,
        lenient=lenient,
        stdin=stdin,
        workers=workers,
    )
    try:
        for first in range(0, max(len(files), 1), batch):
            with store.transaction():
                for index in range(first, min(first + batch, len(files))):
                    path, real = files[index]
                    ahead.advance(index)
                    piped = stdin if stdin is not None and real == stdin.key else None
                    result = _ingest_one(
                        path,
                        real,
                        store,
                        metadata,
                        encoding,
                        overrides,
                        # stdin has no folder: no sidecar is looked for beside its name
                        frozenset() if piped else siblings(path),
                        force=force,
                        lenient=lenient,
                        piped=piped,
                        read_ahead=partial(ahead.take, index),
                    )
                    written = written or result.status == "ingested"
                    report.files.append(result)
                    if on_file:
                        on_file(result)
                if first + batch >= len(files) and written:
                    store.after_writes()  # a scan of the vocabulary: only if turns changed
    finally:
        ahead.close()
    return report


@dataclass(frozen=True)
class _ReadJob:
    """What a worker needs to read one file into records (see ingest/parallel.py)."""

    data: bytes
    path: Path
    metadata: Metadata
    encoding: str | None
    inputs: EpisodeInputs
    lenient: bool
    analyzer: Callable[[str], Any] | None  # the store's text_analyzer


def _read_in_worker(job: _ReadJob) -> ParsedFile | str:
    """A file's records (and what the store derives from their texts), or the error its
    FileResult would carry (exceptions are not sent back: the message is made here exactly
    as `_ingest_one` makes it)."""
    try:
        parsed = _records(
            job.data,
            path=job.path,
            metadata=job.metadata,
            encoding=job.encoding,
            inputs=job.inputs,
            lenient=job.lenient,
        )
        if job.analyzer is not None and not parsed.restored:
            parsed.analyzed = {t.text: job.analyzer(t.text) for t in parsed.turns}
        return parsed
    except PodkbError as exc:
        return str(exc)
    except Exception as exc:
        return _reader_bug(job.path, exc)


class _ReadFailed(PodkbError):
    """A file a worker could not read: its message, as the worker made it."""


def _read_ahead(
    files: list[tuple[Path, str]],
    store: KnowledgeStore,
    metadata: Metadata,
    encoding: str | None,
    overrides: EpisodeInfo | None,
    *,
    force: bool,
    lenient: bool,
    stdin: StdinTranscript | None,
    workers: int,
) -> ReadAhead[_ReadJob, ParsedFile | str]:
    """The files ahead of the one being written, read in worker processes: each planned with
    the checks `_ingest_one` makes (so unchanged files are not read), keyed by its bytes and
    inputs. PODKB_DEBUG=1 reads in the main process (a reader's traceback is wanted there)."""
    folder_names = _FolderNames()  # its own: planning runs ahead, into other folders

    def plan(index: int) -> tuple[tuple[object, ...], _ReadJob] | None:
        path, real = files[index]
        if stdin is not None and real == stdin.key:
            return None
        check = _check_source(
            path, real, store, metadata, encoding, overrides, folder_names(path), force=force
        )
        if check.data is None or check.digest is None:
            return None
        job = _ReadJob(
            check.data, path, metadata, encoding, check.inputs, lenient, store.text_analyzer
        )
        return (real, check.digest, check.inputs_digest), job

    if os.environ.get("PODKB_DEBUG") == "1":
        workers = 0
    return ReadAhead(len(files), plan, _read_in_worker, workers)


@dataclass
class _SourceCheck:
    """What `_ingest_one` learns about a file before reading it into records."""

    file_stat: str | None
    inputs: EpisodeInputs
    inputs_digest: str
    previous: list[FileEpisode]
    same_inputs: bool
    data: bytes | None = None  # None: the stat key says unchanged, the file was not read
    digest: str | None = None


def _check_source(
    path: Path,
    source_path: str,
    store: KnowledgeStore,
    metadata: Metadata,
    encoding: str | None,
    overrides: EpisodeInfo | None,
    siblings: frozenset[str] | None,
    *,
    force: bool,
    piped: StdinTranscript | None = None,
) -> _SourceCheck:
    file_stat = None if piped else stat_key(stat_transcript(path))
    inputs = episode_inputs(path, metadata, overrides, siblings)
    inputs_digest = inputs.digest(metadata, encoding)
    previous = store.episodes_from(source_path)
    same_inputs = not force and len(previous) == 1 and previous[0].inputs_sha256 == inputs_digest
    check = _SourceCheck(file_stat, inputs, inputs_digest, previous, same_inputs)
    if same_inputs and file_stat is not None and previous[0].source_stat == file_stat:
        return check  # not even read
    check.data = piped.data if piped else read_file_bytes(path)
    check.digest = hashlib.sha256(check.data).hexdigest()
    return check


def _ingest_one(
    path: Path,
    source_path: str,
    store: KnowledgeStore,
    metadata: Metadata,
    encoding: str | None,
    overrides: EpisodeInfo | None,
    siblings: frozenset[str] | None,
    *,
    force: bool,
    lenient: bool = False,
    piped: StdinTranscript | None = None,
    read_ahead: Callable[[tuple[object, ...]], ParsedFile | str | None] | None = None,
) -> FileResult:
    from ..naming import apply_names  # naming reads ingest's roles: imported here, not above

    result = FileResult(path=str(path))
    try:
        check = _check_source(
            path,
            source_path,
            store,
            metadata,
            encoding,
            overrides,
            siblings,
            force=force,
            piped=piped,
        )
        file_stat, inputs, inputs_digest = check.file_stat, check.inputs, check.inputs_digest
        previous, same_inputs = check.previous, check.same_inputs
        if check.data is None or check.digest is None:
            result.episode_id, result.unchanged = previous[0].episode_id, True
            return result  # not even read
        data, digest = check.data, check.digest
        if same_inputs and previous[0].source_sha256 == digest:  # touched or copied, not changed
            if file_stat is not None:
                store.record_source_stat(previous[0].episode_id, file_stat)
            result.episode_id, result.unchanged = previous[0].episode_id, True
            return result
        # Read by a worker already (the same file, bytes and inputs), else read here.
        ahead = read_ahead((source_path, digest, inputs_digest)) if read_ahead else None
        if isinstance(ahead, str):
            raise _ReadFailed(ahead)
        parsed = ahead or _records(
            data, path=path, metadata=metadata, encoding=encoding, inputs=inputs, lenient=lenient
        )
        if parsed.restored:
            with store.savepoint():  # a dump lands whole or not at all
                done = [_restore(store, r, path) for r in parsed.restored]
            result.episode_ids = [episode_id for episode_id, _ in done]
            result.episode_id = result.episode_ids[0]
            result.turns = sum(n for _, n in done)
            _account(result, parsed)
            return result
        # Names a user gave this file's labels (`podkb speakers name`) outlive re-ingest, as
        # long as the file still holds the transcript they were given for.
        remembered = store.speaker_names_for(source_path)
        if remembered and not _same_transcript(store, previous, digest, parsed.turns):
            store.forget_speaker_names(source_path)
            remembered = {}
            result.warning = (
                f"{path}: now holds a different transcript; the speaker names given for the "
                "earlier one (`podkb speakers name`) were not applied, and are forgotten"
            )
        episode = apply_names(parsed.episode, parsed.turns, remembered)
        episode = _unique_id(store, episode, parsed.turns, source_path, digest)
        with store.savepoint():  # an episode lands whole or not at all
            result.turns = store.put_episode(
                episode,
                parsed.turns,
                source_path=source_path,
                source_sha256=digest,
                inputs_sha256=inputs_digest,
                source_stat=file_stat,
                fmt=parsed.format,
                analyzed=parsed.analyzed,
            )
        result.episode_id = episode.episode_id
        _account(result, parsed)
    except StoreError:
        raise  # the store cannot be written: the ingest stops and rolls back its batch
    except PodkbError as exc:
        result.error = str(exc)
    except Exception as exc:
        if was_interrupted():
            raise KeyboardInterrupt from None  # Ctrl-C, turned into an error on its way up
        # A reader bug must not lose the other files: it becomes this file's error.
        if os.environ.get("PODKB_DEBUG") == "1":
            raise
        result.error = _reader_bug(path, exc)
    return result


def _reader_bug(path: Path, exc: Exception) -> str:
    return f"{path}: podkb could not read this file ({type(exc).__name__}: {exc}); please report it"


def _account(result: FileResult, parsed: ParsedFile) -> None:
    """The file's line accounting into its result."""
    result.lines = parsed.accounting.counts()
    result.words_kept = parsed.accounting.words_kept
    result.words_source = parsed.accounting.words_source
    result.time_unit = parsed.time_unit
    if parsed.loss:
        result.warning = f"{result.path}: {parsed.loss} (kept: --lenient)"


def _restore(store: KnowledgeStore, restored: RestoredEpisode, path: Path) -> tuple[str, int]:
    """Store one episode of a dump as it was: its id, fields and turns (with their original
    source and line), and the names a user gave its labels. It stays tied to its original file
    only where that file is (a store moved to another engine on the same machine): a dump
    restored elsewhere has no file to re-ingest, nor to call missing."""
    src = restored.source
    if len(restored.turns) < restored.exported_of and _would_drop_turns(store, restored):
        raise InputError(
            f"holds {len(restored.turns)} of the {restored.exported_of} turns of "
            f"{restored.episode.episode_id} (a filtered export), and restoring it would drop "
            f"the others from the store, which holds the episode: export it whole, or "
            f"`podkb remove {restored.episode.episode_id}` first",
            path=str(path),
        )
    linked = src.source_path if src.source_path and os.path.isfile(src.source_path) else None
    # A dump keeps its ids: the same episode again (same original file) is replaced in place.
    key = src.source_path or restored.episode.episode_id
    episode = _unique_id(store, restored.episode, restored.turns, key, src.source_sha256 or "")
    turns = store.put_episode(
        episode,
        restored.turns,
        source_path=linked,
        source_sha256=src.source_sha256,
        inputs_sha256=src.inputs_sha256 if linked else None,
        source_stat=src.source_stat if linked else None,
        fmt=src.format,
    )
    if restored.speaker_names:
        store.remember_speaker_names(src.source_path or episode.source, restored.speaker_names)
    return episode.episode_id, turns


def _would_drop_turns(store: KnowledgeStore, restored: RestoredEpisode) -> bool:
    """Whether the store holds turns of the episode that this (filtered) dump does not."""
    dumped = {t.turn for t in restored.turns}
    held = {t.turn for t in store.iter_turn_rows(episode_id=restored.episode.episode_id)}
    return bool(held - dumped)


def _unique_id(
    store: KnowledgeStore, episode: Episode, turns: list[Turn], source_key: str, digest: str
) -> Episode:
    """Two different sources never share an episode id.

    The stored episode with this id is this source's own when it was read from the same path
    (or from stdin under the same name), or from a file since gone whose bytes these are (the
    file moved). Any other owner is a clash, and the id gets a suffix: from the file name when
    the names differ (as podkb always did, so stored ids stay), else from the source's path, so
    `showA/episode-1.srt` and `showB/episode-1.srt` are two episodes in whatever order they come.
    """
    name = episode.source
    base = episode.episode_id
    by_path = hashlib.sha1(source_key.encode()).hexdigest()
    candidates = [base]
    if (owner := store.existing_source_of(base)) is not None and owner != name:
        candidates.append(f"{base}-{hashlib.sha1(name.encode()).hexdigest()[:6]}")
    candidates += [f"{base}-{by_path[:6]}", f"{base}-{by_path[:12]}", f"{base}-{by_path}"]
    new_id = next(
        (c for c in candidates if _free_for(store, c, name, source_key, digest)), candidates[-1]
    )
    if new_id == base:
        return episode
    for t in turns:
        t.episode_id = new_id
    return episode.model_copy(update={"episode_id": new_id})


def _free_for(
    store: KnowledgeStore, episode_id: str, name: str, source_key: str, digest: str
) -> bool:
    """No other source's episode holds this id."""
    owner_name = store.existing_source_of(episode_id)
    if owner_name is None:
        return True
    owner = store.episode_source(episode_id)
    owner_path, owner_sha = owner.source_path, owner.source_sha256
    if owner_path is None:  # stored before podkb kept paths: the file name was the identity
        return owner_name == name
    if owner_path == source_key:
        return True
    if source_key.startswith(STDIN_KEY) and is_stdin_source(owner_path):
        return owner_name == name  # spooled by an older podkb under the same --name
    return owner_sha == digest and source_file_missing(owner_path)  # the file moved


def _same_transcript(
    store: KnowledgeStore,
    previous: list[FileEpisode],
    digest: str,
    turns: list[Turn],
) -> bool:
    """The file still holds the transcript stored from it before (edited at most): the same
    bytes, or at least half of its runs of three words were in the stored episode's turns. A
    file whose episode is no longer stored cannot show that."""
    if not previous:
        return False
    if any(earlier.source_sha256 == digest for earlier in previous):
        return True
    old: set[tuple[str, ...]] = set()
    for earlier in previous:
        old |= _word_triples(t.text for t in store.turns(episode_id=earlier.episode_id))
    new = _word_triples(t.text for t in turns)
    return bool(new) and len(new & old) * 2 >= len(new)


def _word_triples(texts: Iterable[str]) -> set[tuple[str, ...]]:
    words = [w for text in texts for w in re.findall(r"\w+", text.casefold())]
    if len(words) < 3:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}
