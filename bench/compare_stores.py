"""Whether two SQLite stores hold the same data: every table's rows, the full-text index's every
term instance (fts5vocab) and row size (docsize), compared as sets.

    python bench/compare_stores.py A.db B.db

Used to check that bench/synth_store.py writes what `podkb ingest` of the same corpus writes.
An episode's `ingested_at` and `source_stat` (the time of the write, the file's stat key, which
a store made without the files has not) are left out, and `source_path` is compared by file
name (the two stores may name different folders). Exit 0 when they are the same, 1 otherwise.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import PurePath

_IGNORED = {"episodes": {"ingested_at", "source_stat"}}


def _rows(conn: sqlite3.Connection, table: str) -> list[str]:
    cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
    keep = [c for c in cols if c not in _IGNORED.get(table, set())]
    out = []
    for row in conn.execute(f"SELECT {', '.join(keep)} FROM {table}"):
        values = dict(zip(keep, row, strict=True))
        if values.get("source_path"):
            values["source_path"] = PurePath(values["source_path"]).name
        out.append(repr(sorted(values.items())))
    return sorted(out)


def dump(path: str) -> dict[str, list[str]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table'"
            " AND name NOT LIKE 'turn_index%' AND name NOT LIKE 'sqlite%'"
        )
    ]
    out = {t: _rows(conn, t) for t in tables}
    conn.execute("CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, turn_index, instance)")
    out["turn_index (fts5vocab instance)"] = sorted(map(repr, conn.execute("SELECT * FROM temp.v")))
    out["turn_index_docsize"] = sorted(map(repr, conn.execute("SELECT * FROM turn_index_docsize")))
    return out


def main(argv: list[str]) -> int:
    a, b = dump(argv[0]), dump(argv[1])
    same = True
    for table in sorted(set(a) | set(b)):
        ra, rb = a.get(table, []), b.get(table, [])
        if ra == rb:
            print(f"{table}: same ({len(ra):,} rows)")
            continue
        same = False
        only_a, only_b = set(ra) - set(rb), set(rb) - set(ra)
        print(f"{table}: DIFFERENT ({len(only_a)} rows only in A, {len(only_b)} only in B)")
        for row in sorted(only_a)[:3]:
            print(f"  A: {row[:300]}")
        for row in sorted(only_b)[:3]:
            print(f"  B: {row[:300]}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
