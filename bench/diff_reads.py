"""What changed between two dumps of bench/dump_reads.py: per file, the turns and line classes
that differ, then a count of files the same, different and new.

    .venv/bin/python bench/diff_reads.py before.jsonl after.jsonl
"""

from __future__ import annotations

import json
import sys
from typing import Any

TURN_KEYS = ("line", "speaker", "start", "text")


def load(path: str) -> dict[str, dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        records = [json.loads(line) for line in f]
    return {r["file"]: r for r in records}


def show_turns(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> None:
    print("  turns", len(before), "->", len(after))
    for i in range(max(len(before), len(after))):
        old = before[i] if i < len(before) else None
        new = after[i] if i < len(after) else None
        if old != new:
            print("   -", old and {k: old[k] for k in TURN_KEYS})
            print("   +", new and {k: new[k] for k in TURN_KEYS})


def show_lines(before: list[list[Any]], after: list[list[Any]]) -> None:
    old, new = dict(map(tuple, before)), dict(map(tuple, after))
    for line in sorted(set(old) | set(new)):
        if old.get(line) != new.get(line):
            print("   line", line, old.get(line), "->", new.get(line))


def main(before_path: str, after_path: str) -> None:
    before, after = load(before_path), load(after_path)
    same = changed = 0
    for name in sorted(before):
        if name not in after:
            print("MISSING", name)
            continue
        if before[name] == after[name]:
            same += 1
            continue
        changed += 1
        print("DIFF", name)
        old, new = before[name], after[name]
        for key in sorted(set(old) | set(new)):
            if old.get(key) == new.get(key):
                continue
            if key == "turns" and key in old and key in new:
                show_turns(old[key], new[key])
            elif key == "lines" and key in old and key in new:
                show_lines(old[key], new[key])
            else:
                print("  ", key, str(old.get(key))[:200], "->", str(new.get(key))[:200])
    added = [name for name in after if name not in before]
    print(f"same {same} diff {changed} new {len(added)}", added)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
