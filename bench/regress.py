"""A speed regression check for CI: podkb's ingest and query times as ratios to their floors,
measured side by side in one run on a small corpus, against the ratios recorded in
bench/regression.json.

    .venv/bin/python bench/regress.py            # exit 1 if a ratio is 2x its recorded value
    .venv/bin/python bench/regress.py --record   # measure and write bench/regression.json

Absolute times say little on a shared CI machine; a ratio to a floor measured interleaved with
podkb in the same run (the bare FTS5 loader for ingest, the raw FTS5 SQL for queries) moves
with the machine's load, so a doubling of the ratio is podkb's own slowdown. The corpus is
bench/corpus.py's, 20,000 turns (100 files), generated into a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402
import run  # noqa: E402  (its measuring helpers, floors and raw SQL)

BASELINE = BENCH / "regression.json"
TURNS = 20_000
INGEST_RUNS = 3
QUERY_RUNS = 30
# A ratio this many times its recorded value fails the check: the "a 2x slowdown".
SLOWDOWN = 2.0


def measure_ingest_ratio(folder: Path, work: Path) -> dict[str, float]:
    """Median podkb ingest over median bare-loader ingest, runs interleaved (bare, podkb, ...)."""
    run.warm_page_cache(folder)
    seconds: dict[str, list[float]] = {"bare": [], "podkb": []}
    for _ in range(INGEST_RUNS):
        for kind in seconds:
            # podkb in one process, as recorded: worker processes would make the ratio follow
            # how many cores the CI machine has free, not podkb's own speed.
            child = "podkb1" if kind == "podkb" else kind
            stats = run.ingest_once(child, folder, work / f"{kind}.db", timeout=600)
            seconds[kind].append(stats["seconds"])
    bare, podkb = (statistics.median(seconds[k]) for k in ("bare", "podkb"))
    return {"bare_s": bare, "podkb_s": podkb, "ratio": podkb / bare}


def measure_query_ratio(manifest: dict, db: Path) -> dict[str, float]:
    """The query mix's in-process p50s summed, over the raw FTS5 SQL's p50s summed: one ratio for
    the mix, so that a sub-millisecond query's noise does not decide the check alone."""
    import sqlite3

    store = run.Store(db, create=False)
    raw = sqlite3.connect(db)
    lib_total = raw_total = 0.0
    try:
        for q in manifest["queries"]:
            text, speaker = q["query"], q.get("speaker")
            match = run.match_expression(text, speaker)
            request = run.SearchRequest(query=text, speaker=speaker, limit=10)
            timed = run.repeat(
                {
                    "lib": lambda request=request: run.search(store, request),
                    "raw": lambda match=match: raw.execute(run.RAW_SQL, (match, 10)).fetchall(),
                },
                runs=QUERY_RUNS,
                warmup=2,
                budget=10.0,
            )
            lib_total += timed["lib"]["p50"]
            raw_total += timed["raw"]["p50"]
    finally:
        store.close()
        raw.close()
    return {"lib_ms": lib_total * 1000, "raw_ms": raw_total * 1000, "ratio": lib_total / raw_total}


def measure() -> dict[str, dict[str, float]]:
    with tempfile.TemporaryDirectory(prefix="podkb-regress-") as tmp:
        work = Path(tmp)
        run.log(f"generating {TURNS:,} turns")
        manifest = corpus.generate(work / "corpus", TURNS, log=run.log)
        run.log("ingest: bare loader and podkb, interleaved")
        ingest = measure_ingest_ratio(work / "corpus", work)
        run.log("queries: in-process and raw FTS5 SQL, interleaved")
        query = measure_query_ratio(manifest, work / "podkb.db")
    return {"ingest": ingest, "query": query}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--record", action="store_true", help="write the ratios as the baseline")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    measured = measure()
    took = time.perf_counter() - start
    if args.record:
        BASELINE.write_text(json.dumps(measured, indent=2) + "\n", encoding="utf-8")
        run.log(f"recorded {BASELINE.name} in {took:.0f} s")
        return 0
    recorded = json.loads(BASELINE.read_text(encoding="utf-8"))
    failed = False
    for part in ("ingest", "query"):
        now, then = measured[part]["ratio"], recorded[part]["ratio"]
        verdict = "ok" if now <= SLOWDOWN * then else "SLOWER"
        failed |= verdict != "ok"
        sys.stdout.write(
            f"{part}: {now:.2f}x the floor (recorded {then:.2f}x, limit {SLOWDOWN * then:.2f}x)"
            f" {verdict}\n"
        )
    sys.stdout.write(f"speed check took {took:.0f} s\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
