"""The floor for a typer CLI: a minimal typer app that runs podkb's raw FTS5 query and prints JSON lines.

It takes the FTS5 MATCH expression podkb builds for a query (bench/run.py computes it with
podkb's own parser) and runs the same SQL as `podkb search` (the FTS5 table joined to the turns,
ranked by bm25, top N) on the same store. It imports only typer, sqlite3 and json: whatever
`podkb search` takes beyond this is podkb's own start-up and Python work.

    python bench/floor_cli.py search 'body : "open source"' --db STORE.db
    python bench/floor_cli.py --help
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Minimal typer app: raw FTS5 search over a podkb store.",
)

COLUMNS = (
    "episode_id",
    "turn",
    "speaker",
    "speaker_label",
    "role",
    "text",
    "lang",
    "start",
    "end",
    "chapter",
    "source",
    "line",
)
BM25 = "bm25(turn_index, 1.0, 1.0, 0.0, 0.0, 0.3)"


@app.command()
def search(
    match: Annotated[str, typer.Argument(help="An FTS5 MATCH expression.")],
    db: Annotated[Path, typer.Option(help="The podkb store.")],
    limit: Annotated[int, typer.Option(help="How many hits at most.")] = 10,
) -> None:
    """Top hits for an FTS5 MATCH expression, as JSON lines."""
    conn = sqlite3.connect(db)
    cols = ", ".join(f't."{c}"' if c == "end" else f"t.{c}" for c in COLUMNS)
    rows = conn.execute(
        f"SELECT {cols}, {BM25} AS rank FROM turn_index JOIN turns t ON t.id = turn_index.rowid"
        " WHERE turn_index MATCH ? ORDER BY rank, t.id LIMIT ?",
        (match, limit),
    ).fetchall()
    out = sys.stdout
    for row in rows:
        hit = dict(zip(COLUMNS, row[:-1], strict=True))
        hit["score"] = round(-row[-1], 4)
        out.write(json.dumps(hit, ensure_ascii=False) + "\n")
    if not rows:
        raise typer.Exit(1)


@app.command()
def version() -> None:
    """Print the version."""
    print("floor 0")


if __name__ == "__main__":
    app()
