"""`podkb doctor`: is the knowledge base sound, where do the store and the metadata live, and
how is a problem repaired.

The checks read the store without changing it: the curated YAML here, and the store's own checks
from its backend (for SQLite: its integrity check, the FTS5 index's check, the index against the
turns it indexes, the episodes' turn counts). `repair()` rebuilds only what is derived from the
turns (the index and counts); a damaged file is never "repaired" in place, the report says how to
recover it.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, Field

from . import store as stores


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
    from .catalog import data_dir

    data = data_dir()
    env = os.environ.get("PODKB_DB")
    health = stores.diagnose(db)
    report = DoctorReport(
        store=health.location,
        # The CLI's --db option also reads $PODKB_DB, so a path equal to it came from there.
        store_from="$PODKB_DB"
        if env and (db is None or os.fspath(db) == env)
        else ("--db" if db is not None else "default"),
        data_dir=str(data),
        data_from="$PODKB_DATA" if os.environ.get("PODKB_DATA") else "packaged",
        metadata_files={
            name: (data / name).is_file() for name in ("catalog.yaml", "speakers.yaml")
        },
        store_bytes=health.size_bytes,
        schema_version=health.schema_version,
        counts=health.counts,
    )
    _check_metadata(report, data)
    for check in health.checks:
        if check.ok:
            _pass(report, check.name, check.detail)
        else:
            _fail(report, check.name, check.detail, check.advice or "")
    return report


def repair(db: str | os.PathLike[str] | None = None) -> DoctorReport:
    """Migrate an older schema, rebuild the full-text index, turn counts and summaries from the
    turns, then diagnose again.

    Only derived data is rewritten, in one transaction; a store that fails its integrity check,
    or that no podkb migration reads, is left alone (see the report's repair steps).
    """
    stores.repair(db)
    return diagnose(db)


# --- checks ---------------------------------------------------------------------------------------


def _fail(report: DoctorReport, name: str, detail: str, advice: str) -> None:
    report.checks.append(Check(name=name, ok=False, detail=detail))
    if advice and advice not in report.repair:
        report.repair.append(advice)


def _pass(report: DoctorReport, name: str, detail: str) -> None:
    report.checks.append(Check(name=name, ok=True, detail=detail))


def _check_metadata(report: DoctorReport, data: Path) -> None:
    from .catalog import load_metadata
    from .errors import PodkbError

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
