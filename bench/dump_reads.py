"""Every turn and every line's class that podkb reads from a set of folders, one JSON line per
file: run it with two code bases and diff the output to see what a change to the readers moved.

    .venv/bin/python bench/dump_reads.py seeds tests/fixtures /work/shared/conformance > after.jsonl
    PYTHONPATH=/path/to/main/src .venv/bin/python bench/dump_reads.py ... > before.jsonl
    diff before.jsonl after.jsonl

A file podkb refuses is dumped with its error message, so a new refusal shows as a diff too.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from podkb.errors import PodkbError
from podkb.ingest.pipeline import discover, read_file_bytes, read_parsed


def dump(path: Path) -> dict[str, object]:
    try:
        parsed = read_parsed(read_file_bytes(path), path=path)
    except PodkbError as err:
        return {"file": str(path), "error": str(err)}
    episode = parsed.episode.model_dump(mode="json")
    return {
        "file": str(path),
        "format": parsed.format,
        "loss": parsed.loss,
        "time_unit": parsed.time_unit,
        "episode": episode,
        "turns": [t.model_dump(mode="json") | {"times": t.times} for t in parsed.turns],
        "lines": [(use.line, use.cls) for use in parsed.accounting.lines],
        "unaccounted": list(parsed.accounting.unaccounted),
    }


def main(roots: list[str]) -> None:
    for path in sorted(discover(roots)):
        sys.stdout.write(json.dumps(dump(path), ensure_ascii=False, sort_keys=True) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
