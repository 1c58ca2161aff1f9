"""The top-k fast path beside today's full scoring, side by side in one process.

    python bench/topk.py STORE.db [--manifest bench/out/1m/manifest.json] [--runs 30]

For each query of the mix (the corpus manifest's queries, plus a prefix and a language-filtered
query), `podkb.search.search(store, SearchRequest(query, limit=10))` is timed with the impact
lists answering (store/impacts.py) and with them switched off (FTS5's bm25 over every match,
what podkb did before), interleaved call by call so that the machine's load touches both alike.
Every pair of answers is compared (hits, scores to 4 places, order): a difference fails the run.
Prints a Markdown table (CPU-time p50 and p99, wall-clock p50, how many calls the lists
answered) and the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from podkb.request import SearchRequest
from podkb.search import search
from podkb.store import Store, impacts

EXTRA = [
    {"kind": "prefix", "query": "sourc*"},
    {"kind": "language filter", "query": "data", "lang": "en"},
    {"kind": "English word", "query": "people"},
]


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _answer(result: Any) -> list[tuple[Any, ...]]:
    return [(h.episode_id, h.turn, h.score) for h in result.hits]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("db", type=Path)
    p.add_argument("--manifest", type=Path, help="the corpus manifest (its query mix)")
    p.add_argument("--runs", type=int, default=30)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument(
        "--frequent",
        action="store_true",
        help="also the manifest's most frequent word (in over a tenth of the turns: answered"
        " unranked, so the lists never answer it)",
    )
    args = p.parse_args(argv)
    queries = json.loads(args.manifest.read_text())["queries"] if args.manifest else []
    if not args.frequent:
        queries = [q for q in queries if q["kind"] != "frequent word"]
    queries += EXTRA
    store = Store(args.db, create=False)
    real_top = impacts.top
    answered = {"n": 0}

    def counting(*a: Any, **k: Any) -> impacts.Answer | None:
        answer = real_top(*a, **k)
        answered["n"] += answer is not None
        return answer

    def off(*a: Any, **k: Any) -> None:
        return None

    rows = []
    pooled: dict[str, list[float]] = {"fast": [], "full": []}
    turns = store.turn_count()
    for q in queries:
        request = SearchRequest(
            query=q["query"], speaker=q.get("speaker"), lang=q.get("lang"), limit=10
        )
        times: dict[str, list[float]] = {"fast": [], "full": []}
        walls: dict[str, list[float]] = {"fast": [], "full": []}
        answers: dict[str, list[tuple[Any, ...]]] = {}
        answered["n"] = 0
        for i in range(args.warmup + args.runs):
            for mode, top in (("fast", counting), ("full", off)):
                impacts.top = top  # type: ignore[assignment]
                start, cpu = time.perf_counter(), time.process_time()
                result = search(store, request)
                elapsed, used = time.perf_counter() - start, time.process_time() - cpu
                if i >= args.warmup:
                    times[mode].append(used * 1000)
                    walls[mode].append(elapsed * 1000)
                got = _answer(result)
                if answers.setdefault(mode, got) != got:
                    raise SystemExit(f"{q['query']}: {mode} answers changed between calls")
        impacts.top = real_top  # type: ignore[assignment]
        if answers["fast"] != answers["full"]:
            raise SystemExit(f"{q['query']}: the fast path's answer differs from full scoring")
        label = q["query"] + (f" --speaker {q['speaker']!r}" if q.get("speaker") else "")
        label += f" --lang {q['lang']}" if q.get("lang") else ""
        rows.append(
            (
                q["kind"],
                label,
                statistics.median(times["fast"]),
                _quantile(times["fast"], 0.99),
                statistics.median(times["full"]),
                _quantile(times["full"], 0.99),
                answered["n"],
                args.warmup + args.runs,
                statistics.median(walls["fast"]),
                statistics.median(walls["full"]),
            )
        )
        for mode in pooled:
            pooled[mode] += times[mode]
    store.close()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"{turns:,} turns, `{args.db.name}`; {os.cpu_count()} cores, {platform.machine()},"
        f" Python {sys.version.split()[0]}; load {load}; {args.runs} timed calls each"
    )
    print()
    print(
        "| query | | lists: p50 / p99 ms (wall p50) | full scoring: p50 / p99 ms (wall p50)"
        " | answered by the lists |"
    )
    print("| --- | --- | --- | --- | --- |")
    for kind, label, f50, f99, s50, s99, n, total, fw, sw in rows:
        print(
            f"| {kind} | `{label}` | {f50:.1f} / {f99:.1f} ({fw:.1f}) | {s50:.1f} / {s99:.1f}"
            f" ({sw:.1f}) | {n}/{total} |"
        )
    print(
        f"| pooled | | {statistics.median(pooled['fast']):.1f} / "
        f"{_quantile(pooled['fast'], 0.99):.1f} | {statistics.median(pooled['full']):.1f} / "
        f"{_quantile(pooled['full'], 0.99):.1f} | |"
    )
    print(
        "\nTimes are the process's CPU time per call (time.process_time), which a shared"
        " machine's load does not inflate; wall-clock medians in brackets."
    )
    print("\nEvery query's hits, scores and order were the same both ways.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
