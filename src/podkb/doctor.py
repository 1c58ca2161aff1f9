"""`podkb doctor`: is the knowledge base sound, where do the store and the metadata live, and
how is a problem repaired.

The checks read the store without changing it: SQLite's integrity check, the FTS5 index's own
integrity check, the index against the turns it indexes, the episodes' turn counts, and the
curated YAML. `repair()` rebuilds only what is derived from the turns (the index and counts);
a damaged file is never "repaired" in place, the report says how to recover it.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from pydantic import BaseModel, Field

from .errors import StoreBusyError
from .store import SCHEMA_VERSION, Store, busy_timeout, default_db_path, store_error


class Check(BaseModel):
    name: str
    ok: bool
    detail: str


class DoctorReport(BaseModel):
    """What `podkb doctor` found. `ok` is true when every check passed."""

    store: str
    store_bytes: int | None = None
    store_from: str = Field(description="--db, $PODKB_DB or the default location")
    data_dir: str
    data_from: str = Field(description="$PODKB_DATA or the packaged copy")
    metadata_files: dict[str, bool] = Field(default_factory=dict, description="file name -> exists")
    schema_version: int | None = None
    counts: dict[str, int] = Field(default_factory=dict)
    checks: list[Check] = Field(default_factory=list)
    repair: list[str] = Field(default_factory=list, description="what to do, one step per line")

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)


def diagnose(db: str | os.PathLike[str] | None = None) -> DoctorReport:
    """Check the store at `db` (default: $PODKB_DB, else the user data directory)."""
    from .ingest.catalog import data_dir

    path = Path(db) if db is not None else default_db_path()
    data = data_dir()
    env = os.environ.get("PODKB_DB")
    report = DoctorReport(
        store=str(path),
        # The CLI's --db option also reads $PODKB_DB, so a path equal to it came from there.
        store_from="$PODKB_DB"
        if env and (db is None or str(db) == env)
        else ("--db" if db is not None else "default"),
        data_dir=str(data),
        data_from="$PODKB_DATA" if os.environ.get("PODKB_DATA") else "packaged",
        metadata_files={
            name: (data / name).is_file() for name in ("catalog.yaml", "speakers.yaml")
        },
    )
    _check_metadata(report, data)
    if not path.exists():
        _fail(
            report,
            "store",
            f"no knowledge base at {path}",
            "run `podkb ingest <folder>` to create it, or point --db / $PODKB_DB at another store",
        )
        return report
    report.store_bytes = path.stat().st_size if path.is_file() else None
    try:
        conn = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=rw",
            uri=True,
            timeout=busy_timeout(),
            isolation_level=None,
        )
    except sqlite3.Error as exc:
        _fail(report, "store", f"cannot open: {exc}", "check the path and its permissions")
        return report
    _pass(
        report,
        "store",
        f"{report.store_bytes} bytes" if report.store_bytes is not None else "opened",
    )
    try:
        if _check_schema(report, conn) and _check_integrity(report, conn):
            _check_index(report, conn)
    except sqlite3.DatabaseError as exc:
        err = store_error(exc, path)
        if isinstance(err, StoreBusyError):
            raise err from None
        _fail(report, "store", str(exc), _RECOVER.format(db=path))
    finally:
        conn.close()
    return report


def repair(db: str | os.PathLike[str] | None = None) -> DoctorReport:
    """Migrate an older schema, rebuild the full-text index, turn counts and summaries from the
    turns, then diagnose again.

    Only derived data is rewritten, in one transaction; a store whose SQLite integrity check
    fails, or that no podkb migration reads, is left alone (see the report's repair steps).
    """
    before = diagnose(db)
    migratable = before.schema_version is not None and 1 <= before.schema_version < SCHEMA_VERSION
    for check in before.checks:
        if check.name in ("store", "integrity") and not check.ok:
            return before
        if check.name == "schema" and not check.ok and not migratable:
            return before
    with Store(db, create=False) as store, store.transaction():
        store.rebuild_index()
    return diagnose(db)


# --- checks ---------------------------------------------------------------------------------------

_RECOVER = (
    "the file is damaged: keep a copy (cp {db} {db}.damaged), then restore a backup, or recover "
    "what SQLite can read (sqlite3 {db} .recover | sqlite3 recovered.db), or re-ingest your "
    "transcripts into a new store (podkb ingest --db new.db <folders>)"
)


def _fail(report: DoctorReport, name: str, detail: str, advice: str) -> None:
    report.checks.append(Check(name=name, ok=False, detail=detail))
    if advice not in report.repair:
        report.repair.append(advice)


def _pass(report: DoctorReport, name: str, detail: str) -> None:
    report.checks.append(Check(name=name, ok=True, detail=detail))


def _check_metadata(report: DoctorReport, data: Path) -> None:
    from .errors import PodkbError
    from .ingest.catalog import load_metadata

    try:
        meta = load_metadata(data)
    except PodkbError as exc:
        _fail(
            report,
            "metadata",
            str(exc),
            "fix the YAML file named above (the line and field are given)",
        )
        return
    _pass(report, "metadata", f"{len(meta.catalog)} catalog entries, {len(meta.speakers)} speakers")


def _check_schema(report: DoctorReport, conn: sqlite3.Connection) -> bool:
    path = report.store
    try:
        tables = {
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
        }
    except sqlite3.DatabaseError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise
        _fail(report, "store", f"not a readable SQLite database ({exc})", _RECOVER.format(db=path))
        return False
    if "meta" not in tables:
        _fail(
            report,
            "schema",
            "not a podkb store (no meta table)",
            "point --db at a podkb store; podkb never writes into other databases",
        )
        return False
    row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    try:
        version = int(row[0]) if row else None
    except ValueError:
        version = None
    report.schema_version = version
    if version != SCHEMA_VERSION:
        if version is not None and version > SCHEMA_VERSION:
            advice = "upgrade podkb to read this store"
        elif version is not None and version >= 1:
            advice = "podkb migrates it when it next opens it; podkb doctor --repair does it now"
        else:
            advice = (
                "re-ingest your transcripts into a new store (podkb ingest --db new.db <folders>)"
            )
        _fail(
            report, "schema", f"schema version {version}, this podkb reads {SCHEMA_VERSION}", advice
        )
        return False
    missing = {"episodes", "turns", "turn_index", "speaker_labels"} - tables
    if missing:
        _fail(
            report,
            "schema",
            f"missing tables: {', '.join(sorted(missing))}",
            _RECOVER.format(db=path),
        )
        return False
    _pass(report, "schema", f"version {version}")
    return True


def _check_integrity(report: DoctorReport, conn: sqlite3.Connection) -> bool:
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check(20)")]
        fk = conn.execute("PRAGMA foreign_key_check").fetchall()
    except sqlite3.DatabaseError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise
        rows, fk = [str(exc)], []
    if rows != ["ok"]:
        _fail(report, "integrity", "; ".join(rows[:5]), _RECOVER.format(db=report.store))
    elif fk:
        _fail(
            report,
            "integrity",
            f"{len(fk)} rows point at missing rows (foreign keys)",
            _RECOVER.format(db=report.store),
        )
    else:
        _pass(report, "integrity", "SQLite integrity check: ok")
    return rows == ["ok"]


def _check_index(report: DoctorReport, conn: sqlite3.Connection) -> None:

    def one(sql: str) -> int:
        return int(conn.execute(sql).fetchone()[0])

    reindex = "rebuild the search index from the turns: podkb doctor --repair"
    counts = {
        "episodes": one("SELECT count(*) FROM episodes"),
        "turns": one("SELECT count(*) FROM turns"),
        "speakers": one("SELECT count(DISTINCT speaker) FROM turns WHERE speaker IS NOT NULL"),
    }
    report.counts = counts
    try:
        counts["indexed_turns"] = one("SELECT count(*) FROM turn_index")
    except sqlite3.DatabaseError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise
        _fail(report, "fts", f"full-text index unreadable ({exc})", reindex)
        return
    try:
        # FTS5's own check: the index matches the text the table stores.
        conn.execute("INSERT INTO turn_index(turn_index) VALUES('integrity-check')")
        _pass(report, "fts", "full-text index integrity check: ok")
    except sqlite3.DatabaseError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise
        _fail(report, "fts", f"full-text index damaged ({exc})", reindex)
    unindexed = one("SELECT count(*) FROM turns WHERE id NOT IN (SELECT rowid FROM turn_index)")
    stale = one("SELECT count(*) FROM turn_index WHERE rowid NOT IN (SELECT id FROM turns)")
    if unindexed or stale:
        _fail(
            report,
            "index",
            f"{unindexed} turns missing from the search index, {stale} index rows "
            "for turns that no longer exist",
            reindex,
        )
    else:
        _pass(report, "index", f"{counts['indexed_turns']} of {counts['turns']} turns indexed")
    wrong = one(
        "SELECT count(*) FROM episodes e"
        " WHERE e.turns != (SELECT count(*) FROM turns t WHERE t.episode_id = e.episode_id)"
    )
    orphans = one(
        "SELECT count(*) FROM turns WHERE episode_id NOT IN (SELECT episode_id FROM episodes)"
    )
    if wrong or orphans:
        _fail(
            report,
            "episodes",
            f"{wrong} episodes with a wrong turn count, {orphans} turns of no episode",
            reindex if not orphans else _RECOVER.format(db=report.store),
        )
    else:
        _pass(report, "episodes", f"{counts['episodes']} episodes, turn counts match")
    # What lookups read instead of scanning turns: the turn count and the speaker labels.
    stored = conn.execute("SELECT value FROM meta WHERE key='turn_count'").fetchone()
    labels_off = one(
        "SELECT count(*) FROM (SELECT speaker, speaker_label AS label, count(*) AS n FROM turns"
        " WHERE speaker IS NOT NULL GROUP BY speaker, speaker_label"
        " EXCEPT SELECT speaker, label, turns FROM speaker_labels)"
    ) + one(
        "SELECT count(*) FROM (SELECT speaker, label, turns FROM speaker_labels EXCEPT"
        " SELECT speaker, speaker_label, count(*) FROM turns WHERE speaker IS NOT NULL"
        " GROUP BY speaker, speaker_label)"
    )
    count_off = stored is not None and str(stored[0]) != str(counts["turns"])
    if labels_off or count_off:
        detail = f"{labels_off} speaker label summaries out of date" + (
            f", turn count {stored[0]} for {counts['turns']} turns" if count_off else ""
        )
        _fail(report, "summaries", detail, reindex)
    else:
        _pass(report, "summaries", "speaker labels and turn count match the turns")
