"""Query latency on a PostgreSQL store N times the size of one bench/pg.py made.

    .venv/bin/python bench/pg_scale.py --db postgresql://user@host:port/postgres \
        --from podkb_bench_w1 --corpus bench/out/1m --times 10 [--runs 10]

Loading 10M turns through `podkb ingest` takes about five hours on a 2-core machine (podkb's
analyzer runs in Python for every turn), so this makes the 10M store on the server instead: a
copy of the database (`CREATE DATABASE ... TEMPLATE`) whose episodes and turns are repeated N
times under new episode ids, with document frequencies and speaker counts scaled to match and
the GIN indexes built once at the end. The query mix of the corpus's manifest then runs on it,
in-process, as in bench/pg.py: every query matches N times the turns it matched at 1M, which is
what a corpus N times larger with the same vocabulary would give. It prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402
from pg import database_url, log, query_times  # noqa: E402

try:
    import psycopg

    from podkb.store import open_store, pg_impacts
    from podkb.store.postgres import _SCHEMA
except ImportError:  # pragma: no cover - a usage problem, said plainly
    sys.exit("bench/pg_scale.py needs podkb with its postgres extra: pip install -e '.[postgres]'")

# Every column of `turns` but its identity: the copies get ids of their own.
_TURN_COLUMNS = (
    'turn, speaker, speaker_label, role, text, lang, start, "end", chapter, source, line, words,'
    " speaker_key, body, uni, chapter_terms, tokens, stems, times"
)
_EPISODE_COLUMNS = (
    "show, title, date, lang, hosts, guests, description, source, source_sha256, format, turns,"
    " chapters, ingested_at, tokens, inputs_sha256, source_stat"
)


def turn_indexes() -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the secondary indexes on turns, from podkb's schema."""
    found = []
    for statement in _SCHEMA.split(";"):
        statement = statement.strip()
        if statement.startswith("CREATE INDEX") and " ON turns " in statement:
            found.append((statement.split()[5], statement))
    return found


def replicate(server: str, source: str, target: str, times: int) -> None:
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {target}")
        conn.execute(f"CREATE DATABASE {target} TEMPLATE {source}")
    url = database_url(server, target)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '512MB'")
        indexes = turn_indexes()
        for name, _ in indexes:
            conn.execute(f"DROP INDEX {name}")
        last = conn.execute("SELECT max(id) FROM turns").fetchone()[0]
        for k in range(1, times):
            started = time.perf_counter()
            with conn.transaction():
                conn.execute(
                    f"INSERT INTO episodes(episode_id, source_path, {_EPISODE_COLUMNS})"
                    f" SELECT episode_id || '~{k}', source_path || '~{k}', {_EPISODE_COLUMNS}"
                    " FROM episodes WHERE episode_id NOT LIKE '%~%'"
                )
                conn.execute(
                    f"INSERT INTO turns(episode_id, {_TURN_COLUMNS})"
                    f" SELECT episode_id || '~{k}', {_TURN_COLUMNS} FROM turns WHERE id <= %s"
                    " ORDER BY id",
                    (last,),
                )
            log(f"copy {k} of {times - 1}: {time.perf_counter() - started:.0f} s")
        conn.execute(f"UPDATE term_docs SET docs = docs * {times}")
        if conn.execute("SELECT to_regclass('impact_terms') IS NOT NULL").fetchone()[0]:
            # The source's impact lists hold none of the copies' turns: built again below.
            pg_impacts.clear(conn)
        for name, statement in indexes:
            started = time.perf_counter()
            conn.execute(statement)
            log(f"index {name}: {time.perf_counter() - started:.0f} s")
        conn.execute("VACUUM ANALYZE")
    started = time.perf_counter()
    with open_store(url) as store:  # a source of schema 5 is migrated: its lists built
        log(f"open (and migration): {time.perf_counter() - started:.0f} s")
        store.refresh_summaries()  # speaker labels and common words, as an ingest leaves them
        if pg_impacts.needs_build(store.conn, store.turn_count()):
            started = time.perf_counter()
            with store.transaction():
                pg_impacts.build(store.conn)
            log(f"impact lists: {time.perf_counter() - started:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True, help="postgresql://user@host:port/dbname")
    parser.add_argument("--from", dest="source", default="podkb_bench_w1")
    parser.add_argument("--corpus", type=Path, required=True, help="the source's corpus folder")
    parser.add_argument("--times", type=int, default=10)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="reuse the copy a run made before")
    args = parser.parse_args()
    manifest = corpus.load_manifest(args.corpus)
    if manifest is None:
        sys.exit(f"{args.corpus}: no manifest.json")
    target = f"{args.source}_x{args.times}"
    url = database_url(args.db, target)
    turns = manifest["turns"] * args.times
    started = time.perf_counter()
    if not args.keep:
        replicate(args.db, args.source, target, args.times)
    made = time.perf_counter() - started
    with open_store(url, create=False) as store:
        stored = store.counts()["turns"]
    if stored != turns:
        sys.exit(f"{target} holds {stored:,} turns, not {turns:,}")
    with psycopg.connect(url) as conn:
        size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    log("queries")
    rows = query_times(url, manifest, args.runs)
    out = [
        f"## PostgreSQL at {turns:,} turns ({args.source} × {args.times})",
        "",
        f"Machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f} after the copy"
        + (f" (made in {made / 60:.0f} min)" if not args.keep else "")
        + f"; database {size / 1e9:.2f} GB.",
        "",
        f"Query latency in-process, ms (median and worst of {args.runs}):",
        "",
        "| query | turns matched | PostgreSQL p50 | PostgreSQL max |",
        "| --- | --- | --- | --- |",
    ]
    for q, row in zip(manifest["queries"], rows, strict=True):
        matched = q["truth"] * args.times
        out.append(
            f"| {row['kind']}: `{row['query']}` | {matched:,} | {row['p50']:.1f}"
            f" | {row['max']:.1f} |"
        )
    print("\n".join(out))


if __name__ == "__main__":
    main()
