"""The floor for ingest: a bare Python loader that puts the same turns into one SQLite FTS5 table.

It reads every transcript file of a folder, splits it into turns at blank lines, splits
`Name: text` (ASCII or full-width colon) and inserts episode, turn, speaker and text into one
FTS5 table with the default unicode61 tokenizer, in one transaction, like `podkb ingest`.
Nothing else: no decoding checks, no page chrome, no language detection, no CJK bigrams,
no separate turns table. Any loader that indexes the same text does at least this much work.

    python bench/bare_loader.py CORPUS_DIR STORE.db
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import sys
import time
from pathlib import Path

_LABEL_RE = re.compile(r"^([^:：\n]{1,40})[:：]\s*(.*)$", re.DOTALL)


def load(folder: Path, db: Path) -> dict:
    if db.exists():
        db.unlink()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute(
        "CREATE VIRTUAL TABLE turns USING fts5(episode UNINDEXED, turn UNINDEXED, speaker, text)"
    )
    files = sorted(p for p in folder.rglob("*.txt") if not p.name.startswith("."))
    turns = nbytes = 0
    conn.execute("BEGIN IMMEDIATE")
    for path in files:
        data = path.read_bytes()
        nbytes += len(data)
        rows = []
        for k, para in enumerate(p for p in data.decode("utf-8").split("\n\n") if p.strip()):
            m = _LABEL_RE.match(para.strip())
            speaker, text = (m.group(1), m.group(2)) if m else (None, para.strip())
            rows.append((path.stem, k, speaker, text))
        conn.executemany("INSERT INTO turns(episode, turn, speaker, text) VALUES (?,?,?,?)", rows)
        turns += len(rows)
    conn.execute("COMMIT")
    conn.close()
    return {"files": len(files), "turns": turns, "bytes": nbytes}


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        sys.stderr.write(__doc__ or "")
        return 2
    start = time.perf_counter()
    stats = load(Path(argv[0]), Path(argv[1]))
    stats["seconds"] = time.perf_counter() - start
    stats["store_bytes"] = os.path.getsize(argv[1])
    sys.stdout.write(json.dumps(stats) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
