"""PostgreSQL's top-k fast path beside scoring every match, side by side in one process.

    python bench/pg_topk.py postgresql://user@host:port/db --manifest MANIFEST [--runs 20]
                            [--times 10]

For each query of the mix (the corpus manifest's queries but the frequent word, which search
answers unranked, plus the shapes of EXTRA), `podkb.search.search(store, SearchRequest(query,
limit=10))` is timed with the impact lists answering (store/pg_impacts.py) and with them
switched off (every match scored in Python, what podkb did before), interleaved call by call so
that the machine's load touches both alike. Every pair of answers is compared (hits, scores to
4 places, order): a difference fails the run. Per call it measures the wall time, the client's
CPU time (time.process_time) and the server backend's CPU time (/proc/PID/schedstat of
pg_backend_pid(): the server must run on this machine). `--times N`: the store is a bench/
pg_scale.py copy N times the manifest's corpus (each query matches N times its turns).
Prints a Markdown table and the machine.
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
from podkb.store import open_store, pg_impacts

EXTRA = [
    {"kind": "English word (3 phrases)", "query": "people"},
    {"kind": "language filter", "query": "data", "lang": "en"},
    {"kind": "1% word, 20 hits", "query": None, "limit": 20},
    {"kind": "prefix", "query": "sourc*"},
]


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _server_cpu_ns(pid: int) -> int:
    """Nanoseconds the backend has run on a CPU (the scheduler's count, not 10 ms ticks)."""
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("url")
    p.add_argument("--manifest", type=Path, required=True, help="the corpus manifest")
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--times", type=int, default=1, help="the store is the corpus N times")
    args = p.parse_args(argv)
    manifest = json.loads(args.manifest.read_text())
    queries = [q for q in manifest["queries"] if q["kind"] != "frequent word"]
    common = next(q["query"] for q in queries if q["kind"] == "common term")
    queries += [{**q, "query": q["query"] or common} for q in EXTRA]
    store = open_store(args.url, create=False)
    backend = int(store.conn.execute("SELECT pg_backend_pid()").fetchone()[0])
    real_top = pg_impacts.top
    answered = {"n": 0}

    def counting(*a: Any, **k: Any) -> list[tuple[int, float]] | None:
        answer = real_top(*a, **k)
        answered["n"] += answer is not None
        return answer

    def off(*a: Any, **k: Any) -> None:
        return None

    rows = []
    turns = store.turn_count()
    modes = (("fast", counting), ("full", off))
    for q in queries:
        request = SearchRequest(
            query=q["query"], speaker=q.get("speaker"), lang=q.get("lang"), limit=q.get("limit", 10)
        )
        took: dict[str, dict[str, list[float]]] = {
            m: {"wall": [], "cpu": [], "server": []} for m, _ in modes
        }
        answers: dict[str, list[tuple[Any, ...]]] = {}
        answered["n"] = 0
        for i in range(args.warmup + args.runs):
            for mode, top in modes:
                pg_impacts.top = top  # type: ignore[assignment]
                server = _server_cpu_ns(backend)
                start, cpu = time.perf_counter(), time.process_time()
                result = search(store, request)
                wall, used = time.perf_counter() - start, time.process_time() - cpu
                server_used = (_server_cpu_ns(backend) - server) / 1e6
                if i >= args.warmup:
                    took[mode]["wall"].append(wall * 1000)
                    took[mode]["cpu"].append(used * 1000)
                    took[mode]["server"].append(server_used)
                got = [(h.episode_id, h.turn, h.score) for h in result.hits]
                if answers.setdefault(mode, got) != got:
                    raise SystemExit(f"{q['query']}: {mode} answers changed between calls")
        pg_impacts.top = real_top  # type: ignore[assignment]
        if answers["fast"] != answers["full"]:
            raise SystemExit(f"{q['query']}: the fast path's answer differs from full scoring")
        label = q["query"] + (f" --speaker {q['speaker']!r}" if q.get("speaker") else "")
        label += f" --lang {q['lang']}" if q.get("lang") else ""
        label += f" -n {q['limit']}" if q.get("limit") else ""
        matched = f"{q['truth'] * args.times:,}" if "truth" in q else ""
        rows.append((q["kind"], label, matched, took, answered["n"], args.warmup + args.runs))
    store.close()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"{turns:,} turns; {os.cpu_count()} cores, {platform.machine()}, Python"
        f" {sys.version.split()[0]}; load {load} at the end; {args.runs} timed calls each"
    )
    print()
    print(
        "| query | | turns matched | lists: wall p50 / p99 ms | client + server CPU p50 ms"
        " | full scoring: wall p50 / p99 ms | client + server CPU p50 ms | answered by the lists |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for kind, label, matched, took, n, total in rows:
        cells = []
        for mode in ("fast", "full"):
            t = took[mode]
            cells.append(f"{statistics.median(t['wall']):.1f} / {_quantile(t['wall'], 0.99):.1f}")
            cells.append(
                f"{statistics.median(t['cpu']):.1f} + {statistics.median(t['server']):.1f}"
            )
        print(f"| {kind} | `{label}` | {matched} | {' | '.join(cells)} | {n}/{total} |")
    print(
        "\nWall: the call's elapsed time; CPU: the client process's (time.process_time) and the"
        " server backend's (/proc/PID/schedstat), medians."
    )
    print("\nEvery query's hits, scores and order were the same both ways.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
