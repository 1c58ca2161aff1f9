"""The knowledge base behind one interface (`base.KnowledgeStore`), one module per engine.

`open_store(location)` picks the backend from the location: a path is an SQLite file (the
embedded default, `sqlite.py`); a URL names its engine by its scheme. A new engine is one new
module implementing `KnowledgeStore` plus `diagnose`/`repair`, and one line in `_BACKENDS`.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

from ..errors import StoreError
from .base import KnowledgeStore, TurnQuery, default_location
from .common import redact
from .records import TURN_COLUMNS, StoreHealth
from .sqlite import SQLiteStore

# The embedded store under its first name (tests and benchmarks open SQLite files directly).
Store = SQLiteStore

if TYPE_CHECKING:
    from types import ModuleType

# URL scheme -> backend module (relative to this package). A location without a scheme is a file.
_BACKENDS: dict[str, str] = {
    "sqlite": ".sqlite",
    "postgresql": ".postgres",
    "postgres": ".postgres",
}
_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://")

Location = str | os.PathLike[str]


def _backend(location: Location | None) -> tuple[ModuleType, Location]:
    import importlib

    where = location if location is not None else default_location()
    m = _SCHEME_RE.match(os.fspath(where))
    scheme = m.group(1).lower() if m else "sqlite"
    if scheme not in _BACKENDS:
        known = ", ".join(f"{s}://" for s in _BACKENDS)
        raise StoreError(
            f"no storage engine for {scheme}:// locations in this podkb (known: file paths, {known})",
            path=redact(os.fspath(where)),
        )
    if m and scheme == "sqlite":
        where = os.fspath(where)[m.end() :]
    return importlib.import_module(_BACKENDS[scheme], __name__), where


def engine_of(location: Location | None = None) -> tuple[str, int]:
    """The engine a location names ("SQLite", "PostgreSQL") and the store schema version this
    podkb reads and writes there, without opening the store."""
    backend, _ = _backend(location)
    names = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
    engine = backend.__name__.rsplit(".", 1)[-1]
    return names.get(engine, engine), int(backend.SCHEMA_VERSION)


def open_store(
    location: Location | None = None, *, create: bool = True, read_only: bool = False
) -> KnowledgeStore:
    """Open the knowledge base at `location` (default: default_location()).

    With create=False a store that does not exist yet is a StoreError saying how to make one.
    With read_only=True (implies create=False) the engine itself refuses every write: a
    reader that must never change the store (the MCP server) asks for that.
    """
    backend, where = _backend(location)
    store: KnowledgeStore = backend.open_store(where, create=create, read_only=read_only)
    return store


def diagnose(location: Location | None = None) -> StoreHealth:
    """Check the store without changing it (see `podkb doctor`)."""
    backend, where = _backend(location)
    health: StoreHealth = backend.diagnose(where)
    return health


def repair(location: Location | None = None) -> None:
    """Migrate an older schema and rebuild everything derived from the turns, in one transaction."""
    backend, where = _backend(location)
    backend.repair(where)


__all__ = [
    "TURN_COLUMNS",
    "KnowledgeStore",
    "SQLiteStore",
    "Store",
    "StoreHealth",
    "TurnQuery",
    "default_location",
    "diagnose",
    "open_store",
    "redact",
    "engine_of",
    "repair",
]
