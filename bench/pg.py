"""PostgreSQL beside SQLite: concurrent ingest, query latency and ranking, on one machine.

    .venv/bin/python bench/pg.py --db postgresql://user@host:port/postgres [--turns 100k]
                                 [--writers 1,2,4] [--runs 20]

Generates (or reuses) the synthetic corpus of bench/corpus.py under bench/out/pg-<size>/, then:

- ingest: the corpus split into W equal parts, ingested by W `podkb ingest` processes at once
  into a new database on the server (one per W), wall-clock time and turns/s; the same corpus
  by one process into a new SQLite file;
- queries: the corpus query mix (rare, common and frequent words, a phrase, a speaker filter,
  Chinese of one and two characters) in-process, median and worst of --runs, on both engines;
- ranking: P@1 and R@10 over tests/data/relevance.yaml on the seeds, on both engines.

The --db URL names a database the user may connect to and create databases from; the bench
databases (podkb_bench_w1, ...) are dropped and made again. Prints a Markdown report.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT / "tests"))

import corpus  # noqa: E402

try:
    import psycopg

    from podkb.ingest import ingest_paths
    from podkb.search import SearchRequest, search
    from podkb.store import open_store
except ImportError:  # pragma: no cover - a usage problem, said plainly
    sys.exit("bench/pg.py needs podkb with its postgres extra: pip install -e '.[postgres]'")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def stored_turns(url: str) -> int | None:
    """Turns in a bench database left by an earlier run, or None when there is none."""
    try:
        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT coalesce(sum(turns), 0) FROM episodes").fetchone()
            return int(row[0]) if row else None
    except psycopg.Error:
        return None


def database_url(server: str, name: str) -> str:
    """The URL of database `name` on the server that the URL `server` points at."""
    return server.rpartition("/")[0] + "/" + name


def database(server: str, name: str) -> str:
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return database_url(server, name)


def corpus_dir(turns: int, size_dir: Path | None = None) -> tuple[Path, dict]:
    """The corpus of pg-<size>, or the one bench/run.py made in size_dir (reused as it is)."""
    if size_dir is not None:
        manifest = corpus.load_manifest(size_dir)
        if manifest is None:
            sys.exit(f"{size_dir}: no manifest.json (make it with bench/run.py first)")
        return size_dir / "corpus", manifest
    size_dir = BENCH / "out" / f"pg-{corpus.size_label(turns)}"
    folder = size_dir / "corpus"
    manifest = corpus.load_manifest(size_dir)
    if manifest is None or manifest.get("turns_requested") != turns:
        log(f"generating {turns} turns into {folder}")
        manifest = corpus.generate(folder, turns, log=log)
        corpus.save_manifest(size_dir, manifest)
    return folder, manifest


def split(folder: Path, parts: int, into: Path) -> list[Path]:
    files = sorted(folder.glob("ep-*"))
    groups = []
    for w in range(parts):
        group = into / f"part{w}"
        group.mkdir(parents=True)
        for f in files[w::parts]:
            (group / f.name).symlink_to(f)
        groups.append(group)
    return groups


def concurrent_ingest(location: str, groups: list[Path]) -> float:
    podkb = str(Path(sys.executable).parent / "podkb")
    env = {**os.environ, "PODKB_BUSY_TIMEOUT": "600"}
    started = time.perf_counter()
    procs = [
        subprocess.Popen(
            [podkb, "ingest", str(g), "--db", location, "--format", "json"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for g in groups
    ]
    for p in procs:
        _, err = p.communicate()
        if p.returncode != 0:
            sys.exit(f"ingest failed ({p.returncode}): {err.strip()}")
    return time.perf_counter() - started


def query_times(location: str, manifest: dict, runs: int) -> list[dict]:
    rows = []
    with open_store(location, create=False) as store:
        for q in manifest["queries"]:
            request = SearchRequest(query=q["query"], speaker=q.get("speaker"), limit=10)
            search(store, request)  # warm-up
            times = []
            for _ in range(runs):
                t = time.perf_counter()
                found = search(store, request)
                times.append((time.perf_counter() - t) * 1000)
            rows.append(
                {
                    "kind": q["kind"],
                    "query": q["query"],
                    "p50": statistics.median(times),
                    "max": max(times),
                    "hits": [(h.episode_id, h.turn) for h in found.hits],
                }
            )
    return rows


def relevance(location: str) -> tuple[float, float]:
    from test_relevance import judged

    p1 = r10 = 0.0
    queries = judged()
    with open_store(location, create=False) as store:
        for q in queries:
            request = SearchRequest(
                query=q.query or None,
                speaker=q.speaker,
                topic=q.topic,
                episode=q.episode,
                lang=q.lang,
                limit=10,
            )
            found = [(h.episode_id, h.line) for h in search(store, request).hits]
            relevant = {(r.episode, r.line) for r in q.relevant}
            p1 += 1.0 if found and found[0] in relevant else 0.0
            r10 += len(relevant & set(found)) / len(relevant)
    return p1 / len(queries), r10 / len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True, help="postgresql://user@host:port/dbname")
    parser.add_argument("--turns", default="100k")
    parser.add_argument("--writers", default="1,2,4", help="writer counts; the first is queried")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--corpus", type=Path, help="a size folder of bench/run.py (bench/out/1m) to reuse"
    )
    parser.add_argument(
        "--sqlite", type=Path, help="an SQLite store of that corpus to query instead of ingesting"
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="reuse a bench database that already holds the whole corpus instead of ingesting",
    )
    args = parser.parse_args()
    turns = corpus.parse_size(args.turns)
    folder, manifest = corpus_dir(turns, args.corpus)
    work = Path(tempfile.mkdtemp(prefix="podkb-pg-bench-"))
    out = [
        f"## PostgreSQL beside SQLite ({manifest['turns']:,} turns, {manifest['files']} files)",
        "",
        f"Machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f} at start.",
        "",
        "| store | writers | wall time | turns/s |",
        "| --- | --- | --- | --- |",
    ]
    if args.sqlite:
        sqlite_db = str(args.sqlite)
        out.append(f"| SQLite | 1 | (store reused: {args.sqlite}) | |")
    else:
        sqlite_db = str(work / "podkb.db")
        log("ingest: SQLite, 1 writer")
        took = concurrent_ingest(sqlite_db, [folder])
        out.append(f"| SQLite | 1 | {took:.1f} s | {manifest['turns'] / took:,.0f} |")
    pg_url = ""
    for w in (int(x) for x in args.writers.split(",")):
        name = f"podkb_bench_w{w}"
        url = database_url(args.db, name)
        if args.keep and stored_turns(url) == manifest["turns"]:
            log(f"reusing {name}")
            out.append(f"| PostgreSQL | {w} | (database reused: {name}) | |")
        else:
            log(f"ingest: PostgreSQL, {w} writer(s)")
            url = database(args.db, name)
            open_store(url).close()  # the schema first, so the writers race only on data
            took = concurrent_ingest(url, split(folder, w, work / f"w{w}"))
            out.append(f"| PostgreSQL | {w} | {took:.1f} s | {manifest['turns'] / took:,.0f} |")
        # Queries run on the store one writer made: its ingest order (ties, unranked hits) is
        # SQLite's, so both engines must return the very same turns.
        pg_url = pg_url or url
    out += [
        "",
        f"Query latency in-process, ms (median and worst of {args.runs}):",
        "",
        "| query | SQLite p50 | SQLite max | PostgreSQL p50 | PostgreSQL max | same hits |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    log("queries")
    lite = query_times(sqlite_db, manifest, args.runs)
    server = query_times(pg_url, manifest, args.runs)
    for a, b in zip(lite, server, strict=True):
        same = "yes" if a["hits"] == b["hits"] else "NO"
        out.append(
            f"| {a['kind']}: `{a['query']}` | {a['p50']:.1f} | {a['max']:.1f} | {b['p50']:.1f}"
            f" | {b['max']:.1f} | {same} |"
        )
    log("relevance")
    seeds_db = str(work / "seeds.db")
    seeds_pg = database(args.db, "podkb_bench_seeds")
    for location in (seeds_db, seeds_pg):
        with open_store(location) as store:
            ingest_paths([ROOT / "seeds"], store)
    (lp1, lr10), (pp1, pr10) = relevance(seeds_db), relevance(seeds_pg)
    out += [
        "",
        "| ranking on the relevance set | P@1 | R@10 |",
        "| --- | --- | --- |",
        f"| SQLite (FTS5 bm25) | {lp1:.4f} | {lr10:.4f} |",
        f"| PostgreSQL (same BM25) | {pp1:.4f} | {pr10:.4f} |",
    ]
    print("\n".join(out))


if __name__ == "__main__":
    main()
