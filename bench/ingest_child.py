"""One measured ingest in a fresh process, so that its peak memory is its own.

    python bench/ingest_child.py podkb|podkb1|bare CORPUS_DIR STORE.db [--profile OUT.prof]

podkb reads files in as many worker processes as `podkb ingest` does (one per core, or
PODKB_INGEST_WORKERS), podkb1 in its own process only; the bare loader is one process.
Prints one JSON object: seconds (the ingest call only, imports excluded), processes used,
cpu_seconds (user + system of this process and its workers, the ingest call only), turns,
bytes read, store size, and the peak RSS before and after the ingest (MiB; this process's,
workers excluded). The peak is VmHWM from /proc/self/status: unlike ru_maxrss, Linux does not
carry it over from the parent across exec.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def _peak_mib() -> float:
    """This process's peak resident set size (VmHWM), in MiB."""
    for line in open("/proc/self/status", encoding="ascii"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource  # not Linux: ru_maxrss (KiB on Linux, bytes on macOS)

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def _cpu_seconds() -> float:
    """User and system time of this process and of its children that have ended (the ingest's
    worker processes end with it)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(argv: list[str]) -> int:
    kind, corpus, db = argv[0], Path(argv[1]), Path(argv[2])
    profile = argv[argv.index("--profile") + 1] if "--profile" in argv else None
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    if kind in ("podkb", "podkb1"):
        from podkb.catalog import load_metadata
        from podkb.ingest import ingest_paths
        from podkb.ingest.parallel import MIN_FILES, default_workers
        from podkb.store import Store

        load_metadata()  # imports and data files: paid once per process, not per turn
        workers = default_workers() if kind == "podkb" else 0

        def run() -> dict:
            with Store(db) as store:
                report = ingest_paths([corpus], store, workers=workers)
                if report.failed:
                    raise SystemExit(f"ingest failed: {report.failed[0].error}")
                turns = sum(f.turns for f in report.ok)
            nbytes = sum(p.stat().st_size for p in corpus.rglob("*.txt"))
            used = 1 + workers if workers > 1 and len(report.files) >= MIN_FILES else 1
            return {"files": len(report.files), "turns": turns, "bytes": nbytes, "processes": used}
    elif kind == "bare":
        sys.path.insert(0, str(Path(__file__).parent))
        from bare_loader import load

        def run() -> dict:
            return {**load(corpus, db), "processes": 1}
    else:
        sys.stderr.write("kind must be podkb, podkb1 or bare\n")
        return 2

    baseline = _peak_mib()
    cpu_before = _cpu_seconds()
    start = time.perf_counter()
    if profile:
        import cProfile

        prof = cProfile.Profile()
        stats = prof.runcall(run)
        prof.dump_stats(profile)
    else:
        stats = run()
    stats["seconds"] = time.perf_counter() - start
    stats["cpu_seconds"] = _cpu_seconds() - cpu_before
    stats["rss_baseline_mib"] = baseline
    stats["rss_peak_mib"] = _peak_mib()
    stats["store_bytes"] = os.path.getsize(db)
    sys.stdout.write(json.dumps(stats) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
