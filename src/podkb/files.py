"""Files podkb writes outside its store: safe, stable names and atomic writes.

Names come from episode titles, which can hold `../`, `CON`, bidi overrides or 100 Chinese
characters (300 bytes of UTF-8, over the 255-byte limit of most file systems). A name is
cleaned, cut to a byte budget on a character boundary, and checked to resolve inside its folder.
Contents go to a temporary file in the same folder, are flushed and fsynced, then moved into
place with os.replace, so a reader never sees half a file.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from .errors import UsageError

# Leaves room for a suffix (.podcast.json), a collision tag and the temporary file's decoration.
MAX_STEM_BYTES = 180
_UNSAFE_RE = re.compile(
    '[\\x00-\\x1f\\x7f-\\x9f/\\\\:*?"<>|\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\ufeff]'
)
_WINDOWS_RESERVED = re.compile(r"(?i)^(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(?:\..*)?$")


def safe_stem(text: str, *, max_bytes: int = MAX_STEM_BYTES) -> str:
    """A file-name stem from free text: no separators, controls, bidi marks, reserved names,
    leading dots or trailing dots/spaces, at most `max_bytes` of UTF-8. Empty if nothing is left."""
    text = unicodedata.normalize("NFC", text)
    text = _UNSAFE_RE.sub(" ", text)
    text = " ".join(text.split())
    text = text.strip(" .-")
    encoded = text.encode("utf-8")
    if len(encoded) > max_bytes:
        text = encoded[:max_bytes].decode("utf-8", "ignore").rstrip(" .-")
    if _WINDOWS_RESERVED.match(text):
        text = f"_{text}"
    return text


def stable_names(keys_and_titles: Iterable[tuple[str, str | None]], suffix: str) -> dict[str, str]:
    """key -> file name, from each title (else the key). Names that would clash (also when
    compared case-insensitively, as macOS and Windows do) get a tag from the key's hash, so a
    name depends only on the set of keys, not on the order or on which ones are exported."""
    stems: dict[str, str] = {}
    for key, title in keys_and_titles:
        stem = safe_stem(title or "") or safe_stem(key) or "episode"
        stems[key] = stem
    seen: dict[str, int] = {}
    for stem in stems.values():
        seen[stem.casefold()] = seen.get(stem.casefold(), 0) + 1
    names = {}
    for key, stem in stems.items():
        if seen[stem.casefold()] > 1:
            stem = f"{stem}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:8]}"
        names[key] = stem + suffix
    return names


def path_inside(folder: Path, name: str) -> Path:
    """folder/name, refused unless it resolves to a file directly inside folder."""
    base = folder.resolve()
    target = (base / name).resolve()
    if target.parent != base or name in ("", ".", ".."):
        raise UsageError(f"refusing to write {name!r}: it would land outside {folder}")
    return target


def atomic_write(path: Path, text: str) -> None:
    """Write text (UTF-8) so that `path` holds either its old content or all of the new."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".podkb-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            # mkstemp makes the file private (0600); give it the mode a plain open() would.
            os.chmod(fh.fileno(), _file_mode(path))
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(path.parent)


def _file_mode(path: Path) -> int:
    """The existing file's permissions, else 0666 less the umask."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX); not possible on Windows, where it is skipped."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
