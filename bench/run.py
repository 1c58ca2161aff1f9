"""podkb benchmarks: ingest, query latency and CLI start-up, side by side with their floors.

    .venv/bin/python bench/run.py [--sizes 10k,100k,1m] [--runs 20] [--cli-runs 10] [--profile]
                                  [--out docs/benchmarks.md]

For each size: generate (or reuse) a deterministic synthetic corpus under bench/out/<size>/,
ingest it with podkb and with a bare FTS5 loader, then time a query mix in-process and as CLI
processes against a raw FTS5 query, a minimal typer app and ripgrep. Prints a Markdown report
and writes it to --out. See bench/README.md for what each figure means.

A size whose corpus, stores and figures are already in bench/out/ is reused, not measured again
(--remeasure measures again on the same corpus, --fresh also regenerates it), so an interrupted
run resumes where it stopped and a slow size can be run once and kept.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import math
import os
import platform
import pstats
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402

try:
    from podkb.ingest import ingest_paths
    from podkb.query import parse_query
    from podkb.search import SearchRequest, search
    from podkb.store import Store
    from podkb.store.sqlite import fts_clause, token_key
except ImportError:  # pragma: no cover - a usage problem, said plainly
    sys.exit(
        "bench/run.py needs podkb installed: run it with the project's venv, "
        "e.g. .venv/bin/python bench/run.py"
    )

RESULTS_VERSION = 1
SEED_QUERIES = [("open source", None), ("模型", None)]
BM25 = "bm25(turn_index, 1.0, 1.0, 0.0, 0.0, 0.3)"
TURN_COLUMNS = (
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
RAW_SQL = (
    "SELECT "
    + ", ".join(f't."{c}"' if c == "end" else f"t.{c}" for c in TURN_COLUMNS)
    + f", {BM25} AS rank FROM turn_index JOIN turns t ON t.id = turn_index.rowid"
    " WHERE turn_index MATCH ? ORDER BY rank, t.id LIMIT ?"
)


def log(msg: str) -> None:
    sys.stderr.write(f"[bench {time.strftime('%H:%M:%S')}] {msg}\n")
    sys.stderr.flush()


# --- measuring -----------------------------------------------------------------------------------


def percentile(samples: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    xs = sorted(samples)
    return xs[max(0, math.ceil(p / 100 * len(xs)) - 1)]


def summary(samples: list[float]) -> dict:
    return {
        "p50": statistics.median(samples),
        "p95": percentile(samples, 95),
        "max": max(samples),
        "n": len(samples),
        "samples": samples,
    }


def repeat(
    cases: dict[str, Callable[[], object]],
    *,
    runs: int,
    warmup: int,
    budget: float,
    min_runs: int = 3,
) -> dict[str, dict]:
    """Time several cases interleaved (a, b, c, a, b, c, ...), so that a change in the machine's
    load hits all of them alike: `warmup` untimed rounds, then up to `runs` timed rounds; stop
    early (after at least min_runs rounds) once the timed calls have used `budget` seconds a case."""
    for _ in range(warmup):
        for fn in cases.values():
            fn()
    samples: dict[str, list[float]] = {name: [] for name in cases}
    spent = 0.0
    for done in range(1, runs + 1):
        for name, fn in cases.items():
            start = time.perf_counter()
            fn()
            took = time.perf_counter() - start
            samples[name].append(took)
            spent += took
        if spent > budget * len(cases) and done >= min_runs:
            break
    return {name: summary(xs) for name, xs in samples.items()}


def run_process(cmd: list[str], ok: tuple[int, ...] = (0,)) -> None:
    proc = subprocess.run(cmd, capture_output=True, env=_child_env())
    if proc.returncode not in ok:
        raise RuntimeError(
            f"{' '.join(cmd)!r} exited {proc.returncode}: {proc.stderr.decode()[-500:]}"
        )


def _child_env() -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("PODKB_DB", "PODKB_DATA", "PODKB_DEBUG")
    }
    env["NO_COLOR"] = "1"
    return env


# --- the machine ---------------------------------------------------------------------------------


def machine() -> dict:
    cpu = "unknown"
    mem_gib = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_gib = int(line.split()[1]) / 2**20
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        commit = "unknown"
    rg = shutil.which("rg")
    rg_version = (
        subprocess.run([rg, "--version"], capture_output=True, text=True).stdout.split("\n")[0]
        if rg
        else None
    )
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_gib, 1) if mem_gib else None,
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "commit": commit,
        "ripgrep": rg_version,
        "load_start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


# --- podkb's query, raw --------------------------------------------------------------------------


def match_expression(query: str, speaker: str | None) -> str:
    """The FTS5 MATCH text podkb's search() builds for this query and speaker filter."""
    parts = []
    positive = parse_query(query).positive
    if positive:
        parts.append(" AND ".join(fts_clause(c) for c in positive))
    if speaker:
        parts.append(f'speaker : "{token_key(speaker)}"')
    return " AND ".join(f"({p})" for p in parts)


def _rx(text: str) -> str:
    """Escape regex metacharacters for ripgrep (which rejects Python's escaped spaces)."""
    return re.sub(r"([.^$*+?()\[\]{}|\\])", r"\\\1", text)


def rg_command(q: dict, folder: Path) -> list[str]:
    """ripgrep over the transcript files: every matching line (one turn a line) counted per file."""
    term = q["query"].strip('"')
    if re.match(r"[\u4e00-\u9fff]", term):
        return ["rg", "-c", "-F", term, str(folder)]
    words = term.split()
    if q.get("speaker"):
        return ["rg", "-c", "-i", f"^{_rx(q['speaker'])}: .*\\b{_rx(term)}\\b", str(folder)]
    if len(words) > 1:
        return ["rg", "-c", "-i", "-w", r"\W+".join(map(_rx, words)), str(folder)]
    return ["rg", "-c", "-i", "-w", term, str(folder)]


# --- ingest --------------------------------------------------------------------------------------


def warm_page_cache(folder: Path) -> None:
    for path in sorted(folder.glob("*.txt")):
        path.read_bytes()


def ingest_once(
    kind: str, folder: Path, db: Path, timeout: float, profile: Path | None = None
) -> dict:
    cmd = [sys.executable, str(BENCH / "ingest_child.py"), kind, str(folder), str(db)]
    if profile:
        cmd += ["--profile", str(profile)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=_child_env())
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{kind} ingest failed: {proc.stderr[-800:]}")
    stats = json.loads(proc.stdout.strip().splitlines()[-1])
    stats["process_seconds"] = wall
    return stats


def measure_ingest(size_dir: Path, manifest: dict, args: argparse.Namespace) -> dict:
    """Ingest runs of both loaders, interleaved (bare, podkb, bare, podkb, ...) so that a change in
    the machine's load touches both; a loader stops when it has --ingest-runs runs or when one
    more run would take it past --ingest-budget seconds."""
    folder = size_dir / "corpus"
    warm_page_cache(folder)  # the warm-up: both loaders read from the page cache
    runs: dict[str, list[dict]] = {"bare": [], "podkb": []}
    spent = {"bare": 0.0, "podkb": 0.0}
    active = ["bare", "podkb"]
    if args.parallel_ingest:
        # One run of each at the same time, each on a core of its own: a 10M size in half the
        # wall time on two cores (both then share the memory bus and the disk, so the ratio
        # is the one to read, as with interleaved runs).
        log(f"  ingest bare and podkb at once ({manifest['turns']:,} turns)")
        with ThreadPoolExecutor(2) as pool:
            futures = {
                kind: pool.submit(
                    ingest_once, kind, folder, size_dir / f"{kind}.db", args.ingest_timeout
                )
                for kind in active
            }
            for kind, future in futures.items():
                runs[kind].append(future.result())
        active = []
    while active:
        for kind in list(active):
            log(f"  ingest {kind} run {len(runs[kind]) + 1} ({manifest['turns']:,} turns)")
            r = ingest_once(kind, folder, size_dir / f"{kind}.db", timeout=args.ingest_timeout)
            runs[kind].append(r)
            spent[kind] += r["process_seconds"]
            if (
                len(runs[kind]) >= args.ingest_runs
                or spent[kind] + r["process_seconds"] > args.ingest_budget
            ):
                active.remove(kind)
    out: dict[str, dict] = {}
    for kind, done in runs.items():
        secs = [r["seconds"] for r in done]
        med = statistics.median(secs)
        out[kind] = {
            "runs": len(done),
            "seconds": med,
            "seconds_all": secs,
            "turns_per_s": manifest["turns"] / med,
            "mb_per_s": manifest["bytes"] / 1e6 / med,
            "rss_peak_mib": max(r["rss_peak_mib"] for r in done),
            "rss_baseline_mib": min(r["rss_baseline_mib"] for r in done),
            "store_bytes": done[-1]["store_bytes"],
            "turns": done[-1]["turns"],
        }
        if out[kind]["turns"] != manifest["turns"]:
            log(
                f"  WARNING: {kind} stored {out[kind]['turns']} turns, corpus has {manifest['turns']}"
            )
    out["measured_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    return out


# --- queries -------------------------------------------------------------------------------------


def measure_queries(size_dir: Path, manifest: dict, args: argparse.Namespace) -> dict:
    folder = size_dir / "corpus"
    db = size_dir / "podkb.db"
    podkb_exe = str(Path(sys.executable).parent / "podkb")
    have_rg = shutil.which("rg") is not None
    store = Store(db, create=False)
    raw = sqlite3.connect(db)
    results = []
    for q in manifest["queries"]:
        kind, text, speaker = q["kind"], q["query"], q.get("speaker")
        match = match_expression(text, speaker)
        request = SearchRequest(query=text, speaker=speaker, limit=10)
        log(f"  {kind}: {text}{' --speaker ' + speaker if speaker else ''}")
        row: dict = {
            "kind": kind,
            "query": text,
            "speaker": speaker,
            "truth": q["truth"],
            "match": match,
        }
        budget = args.case_budget
        row.update(
            repeat(
                {
                    "lib": lambda request=request: search(store, request),
                    "raw": lambda match=match: raw.execute(RAW_SQL, (match, 10)).fetchall(),
                },
                runs=args.runs,
                warmup=args.warmup,
                budget=budget,
            )
        )
        cli = [podkb_exe, "search", text, "--format", "jsonl", "--db", str(db)]
        if speaker:
            cli += ["--speaker", speaker]
        floor = [sys.executable, str(BENCH / "floor_cli.py"), "search", match, "--db", str(db)]
        processes = {
            "cli": lambda cli=cli: run_process(cli),
            "floor": lambda floor=floor: run_process(floor),
        }
        if have_rg:
            rg = rg_command(q, folder)
            processes["rg"] = lambda rg=rg: run_process(rg, ok=(0, 1))
            row["rg_cmd"] = " ".join(rg[:-1])
        row.update(repeat(processes, runs=args.cli_runs, warmup=1, budget=budget))
        row["recall"] = check_recall(store, q)
        results.append(row)
    store.close()
    raw.close()
    return {"queries": results, "measured_at": datetime.now(UTC).isoformat(timespec="seconds")}


def check_recall(store: Store, q: dict) -> dict | None:
    """search() with --limit 10000 against the ground truth (turns as file:line); None when the
    truth has more turns than search() can return."""
    truth = q.get("truth_lines")
    if truth is None:
        return None
    hits = search(
        store, SearchRequest(query=q["query"], speaker=q.get("speaker"), limit=10_000)
    ).hits
    got = {f"{h.source}:{h.line}" for h in hits}
    want = set(truth)
    found = len(got & want)
    return {
        "truth": len(want),
        "returned": len(got),
        "found": found,
        "recall": found / len(want) if want else 1.0,
        "precision": found / len(got) if got else 1.0,
    }


# --- CLI start-up -----------------------------------------------------------------------------------


def seeds_store(work: Path) -> Path:
    db = work / "seeds.db"
    if not db.exists():
        log("ingesting seeds/ for the start-up figures")
        tmp = work / "seeds.db.tmp"
        tmp.unlink(missing_ok=True)
        with Store(tmp) as store:
            ingest_paths([ROOT / "seeds"], store)
        os.replace(tmp, db)
    return db


def measure_startup(work: Path, args: argparse.Namespace) -> list[dict]:
    db = seeds_store(work)
    py = sys.executable
    podkb_exe = str(Path(py).parent / "podkb")
    floor = [py, str(BENCH / "floor_cli.py")]
    cases = [
        ("`python -c pass`", [py, "-c", "pass"], (0,)),
        ("minimal typer app `--help`", [*floor, "--help"], (0,)),
        ("`podkb --help`", [podkb_exe, "--help"], (0,)),
    ]
    for query, speaker in SEED_QUERIES:
        match = match_expression(query, speaker)
        cases.append(
            (
                f"minimal typer app: `{query}` on the seeds",
                [*floor, "search", match, "--db", str(db)],
                (0,),
            )
        )
        cases.append(
            (
                f'`podkb search "{query}"` on the seeds',
                [podkb_exe, "search", query, "--format", "jsonl", "--db", str(db)],
                (0,),
            )
        )
    log(f"  start-up: {len(cases)} commands, interleaved")
    timed = repeat(
        {label: (lambda cmd=cmd, ok=ok: run_process(cmd, ok)) for label, cmd, ok in cases},
        runs=max(args.cli_runs, 20),
        warmup=2,
        budget=args.case_budget,
    )
    return [{"label": label, **timed[label]} for label, _, _ in cases]


# --- profiles ------------------------------------------------------------------------------------


def _short(path: str) -> str:
    for marker in ("site-packages/", "/src/", "lib/python3.11/"):
        if marker in path:
            return path.split(marker, 1)[1]
    return Path(path).name if path.startswith("/") else path


def top_entries(
    stats: pstats.Stats,
    n: int,
    per: int,
    sort: str = "tottime",
    only: Callable[[str], bool] | None = None,
) -> list[dict]:
    rows = []
    total = 0.0
    for (file, line, func), (_cc, nc, tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        total += tt
        if only and not only(file):
            continue
        where = f"{_short(file)}:{line}" if file != "~" else ""
        rows.append(
            {
                "func": func,
                "where": where,
                "calls": nc / per,
                "tottime": tt / per,
                "cumtime": ct / per,
            }
        )
    rows.sort(key=lambda r: -r[sort])
    for r in rows:
        r["share"] = r["tottime"] * per / total if total else 0.0
    return rows[:n]


def profile_queries(
    size_dir: Path, manifest: dict, query_results: list[dict], runs: int = 5
) -> list[dict]:
    store = Store(size_dir / "podkb.db", create=False)
    out = []
    for q in manifest["queries"]:
        request = SearchRequest(query=q["query"], speaker=q.get("speaker"), limit=10)
        search(store, request)  # warm-up
        prof = cProfile.Profile()
        for _ in range(runs):
            prof.runcall(search, store, request)
        stats = pstats.Stats(prof)
        p50 = next((r["lib"]["p50"] for r in query_results if r["kind"] == q["kind"]), None)
        out.append(
            {
                "kind": q["kind"],
                "lib_p50": p50,
                "tottime": top_entries(stats, 6, runs),
                "podkb_cumtime": top_entries(
                    stats, 6, runs, sort="cumtime", only=lambda f: "podkb" in f
                ),
            }
        )
    store.close()
    return out


def profile_ingest(size_dir: Path, args: argparse.Namespace) -> dict:
    prof_file = size_dir / "ingest.prof"
    db = size_dir / "profile-ingest.db"
    r = ingest_once(
        "podkb", size_dir / "corpus", db, timeout=args.ingest_timeout, profile=prof_file
    )
    db.unlink(missing_ok=True)
    stats = pstats.Stats(str(prof_file))
    per = 1
    return {
        "turns": r["turns"],
        "seconds": r["seconds"],
        "tottime": top_entries(stats, 14, per),
        "podkb_cumtime": top_entries(stats, 14, per, sort="cumtime", only=lambda f: "podkb" in f),
    }


def _import_times(code: str, runs: int = 5) -> dict[str, dict]:
    """`python -X importtime -c code`: per module, mean self and cumulative ms and nesting depth."""
    out: dict[str, dict] = {}
    for _ in range(runs):
        proc = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", code],
            capture_output=True,
            text=True,
            env=_child_env(),
        )
        for line in proc.stderr.splitlines():
            m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)", line)
            if m:
                row = out.setdefault(
                    m.group(4), {"self_ms": 0.0, "cumulative_ms": 0.0, "depth": len(m.group(3))}
                )
                row["self_ms"] += int(m.group(1)) / 1000 / runs
                row["cumulative_ms"] += int(m.group(2)) / 1000 / runs
    return out


def profile_imports(work: Path) -> dict:
    """Start-up of `podkb search` on the seeds by `python -X importtime`: the top-level imports,
    and what podkb imports that the minimal typer app running the same query does not."""
    db = seeds_store(work)
    podkb_code = (
        "import sys; from podkb.cli import main; "
        f"sys.exit(main(['search', 'open source', '--format', 'jsonl', '--db', {str(db)!r}]))"
    )
    match = match_expression("open source", None)
    floor_code = (
        f"import runpy, sys; sys.argv = ['floor_cli.py', 'search', {match!r}, '--db', {str(db)!r}]; "
        f"runpy.run_path({str(BENCH / 'floor_cli.py')!r}, run_name='__main__')"
    )
    podkb, floor = _import_times(podkb_code), _import_times(floor_code)
    top = sorted(
        ({"module": k, **v} for k, v in podkb.items() if v["depth"] == 0),
        key=lambda r: -r["cumulative_ms"],
    )[:10]
    extra: dict[str, float] = {}
    for module, v in podkb.items():
        if module not in floor:
            package = module.split(".")[0]
            extra[package] = extra.get(package, 0.0) + v["self_ms"]
    return {
        "top": top,
        "podkb_total_ms": sum(v["self_ms"] for v in podkb.values()),
        "floor_total_ms": sum(v["self_ms"] for v in floor.values()),
        "extra": sorted(
            ({"package": k, "self_ms": v} for k, v in extra.items()), key=lambda r: -r["self_ms"]
        )[:8],
    }


# --- per size ------------------------------------------------------------------------------------


def ensure_corpus(size_dir: Path, turns: int, args: argparse.Namespace) -> dict:
    manifest = corpus.load_manifest(size_dir)
    wanted = {"generator": corpus.GENERATOR_VERSION, "seed": args.seed, "turns_requested": turns}
    if (
        manifest
        and not args.fresh
        and all(manifest.get(k) == v for k, v in wanted.items())
        and len(list((size_dir / "corpus").glob("*.txt"))) == manifest["files"]
    ):
        log(f"  reusing corpus ({manifest['files']} files)")
        return manifest
    log(f"  generating {turns:,} turns")
    start = time.perf_counter()
    manifest = corpus.generate(size_dir / "corpus", turns, seed=args.seed, log=log)
    manifest["generate_seconds"] = time.perf_counter() - start
    corpus.save_manifest(size_dir, manifest)
    # A new corpus invalidates earlier figures and stores.
    (size_dir / "results.json").unlink(missing_ok=True)
    return manifest


def load_results(size_dir: Path) -> dict:
    path = size_dir / "results.json"
    try:
        data = json.loads(path.read_text())
        return data if data.get("version") == RESULTS_VERSION else {"version": RESULTS_VERSION}
    except (OSError, ValueError):
        return {"version": RESULTS_VERSION}


def save_results(size_dir: Path, results: dict) -> None:
    path = size_dir / "results.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(results, ensure_ascii=False, indent=1))
    os.replace(tmp, path)


def store_ok(db: Path, turns: int) -> bool:
    if not db.exists():
        return False
    try:
        conn = sqlite3.connect(db)
        n = conn.execute("SELECT count(*) FROM turns").fetchone()[0]
        conn.close()
        return n == turns
    except sqlite3.Error:
        return False


def podkb_fingerprint() -> str:
    """A hash of the podkb package's source: figures measured with other code are not reused."""
    import hashlib

    import podkb

    digest = hashlib.sha256()
    package = Path(podkb.__file__).parent
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def run_size(label: str, turns: int, args: argparse.Namespace) -> dict:
    size_dir = args.work / label
    size_dir.mkdir(parents=True, exist_ok=True)
    log(f"size {label}")
    manifest = ensure_corpus(size_dir, turns, args)
    results = (
        {"version": RESULTS_VERSION} if (args.remeasure or args.fresh) else load_results(size_dir)
    )
    fingerprint = podkb_fingerprint()
    if results.get("podkb") not in (None, fingerprint):
        log("  podkb's code changed since these figures were measured: measuring again")
        results = {"version": RESULTS_VERSION}
    results["podkb"] = fingerprint
    if "ingest" not in results or not store_ok(size_dir / "podkb.db", manifest["turns"]):
        results.pop("queries", None)  # new stores: the query figures are measured again too
        results["ingest"] = measure_ingest(size_dir, manifest, args)
        save_results(size_dir, results)
    else:
        log("  reusing ingest figures and stores")
    if "queries" not in results:
        results["queries"] = measure_queries(size_dir, manifest, args)
        save_results(size_dir, results)
    else:
        log("  reusing query figures")
    if args.profile and "query_profile" not in results:
        log("  profiling queries")
        results["query_profile"] = profile_queries(
            size_dir, manifest, results["queries"]["queries"]
        )
        save_results(size_dir, results)
    results["manifest"] = {k: v for k, v in manifest.items() if k != "queries"}
    results["manifest"]["queries"] = [
        {k: v for k, v in q.items() if k != "truth_lines"} for q in manifest["queries"]
    ]
    return results


# --- the report ----------------------------------------------------------------------------------


def ms(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    v = seconds * 1000
    if v < 10:
        return f"{v:.2f}"
    if v < 100:
        return f"{v:.1f}"
    return f"{v:,.0f}"


def lat(s: dict | None) -> str:
    return "—" if not s else f"{ms(s['p50'])} / {ms(s['p95'])}"


def mib(n: float) -> str:
    return f"{n / 2**20:,.1f}"


def table(header: list[str], rows: list[list[str]], align: str | None = None) -> str:
    align = align or "l" * len(header)
    sep = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(sep) + " |"]
    lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |" for r in rows]
    return "\n".join(lines)


def targets(sizes: list[tuple[str, dict]], startup: list[dict]) -> list[list[str]]:
    rows: list[list[str]] = []
    ing = [(label, r["ingest"]) for label, r in sizes]
    ratios = [(label, i["podkb"]["seconds"] / i["bare"]["seconds"]) for label, i in ing]
    worst = max(ratios, key=lambda x: x[1])
    rows.append(
        [
            "ingest within 2× of the bare FTS5 loader",
            ", ".join(f"{label}: {x:.1f}×" for label, x in ratios),
            "met"
            if worst[1] <= 2
            else f"missed: {worst[1]:.1f}× at {worst[0]}, {worst[1] / 2:.1f} times the 2× allowed",
        ]
    )
    if len(ing) > 1:
        first, last = ing[0], ing[-1]
        a, b = first[1]["podkb"]["rss_peak_mib"], last[1]["podkb"]["rss_peak_mib"]
        flat = b <= a * 1.2 + 10
        rows.append(
            [
                "ingest peak memory not growing with corpus size",
                ", ".join(f"{label}: {i['podkb']['rss_peak_mib']:,.0f} MiB" for label, i in ing),
                "met" if flat else f"missed ({b / a:.1f}× from {first[0]} to {last[0]})",
            ]
        )
    by = {s["label"]: s for s in startup}
    for query, _ in SEED_QUERIES:
        p = by.get(f'`podkb search "{query}"` on the seeds')
        f = by.get(f"minimal typer app: `{query}` on the seeds")
        if p and f:
            ratio = p["p50"] / f["p50"]
            under = p["p50"] < 0.100
            verdict = (
                "met"
                if under and ratio <= 1.5
                else "missed ("
                + ", ".join(
                    x
                    for x in [
                        None if under else f"{ms(p['p50'])} ms > 100 ms",
                        None if ratio <= 1.5 else f"{ratio:.2f}× > 1.5×",
                    ]
                    if x
                )
                + ")"
            )
            rows.append(
                [
                    f'`podkb search "{query}"` on the seeds: < 100 ms and ≤ 1.5× the minimal typer app',
                    f"{ms(p['p50'])} ms, {ratio:.2f}× ({ms(f['p50'])} ms)",
                    verdict,
                ]
            )
    label, big = sizes[-1]
    qs = big["queries"]["queries"]
    pooled = [x for q in qs for x in q["lib"]["samples"]]
    mix_p50 = statistics.median(pooled)
    slow = max(qs, key=lambda q: q["lib"]["max"])
    note = "" if label == "1m" else f" (largest size measured: {label}, not 1M)"
    rows.append(
        [
            f"in-process p50 over the query mix < 5 ms at 1M{note}",
            f"{ms(mix_p50)} ms (per-query p50 from {ms(min(q['lib']['p50'] for q in qs))}"
            f" to {ms(max(q['lib']['p50'] for q in qs))} ms)",
            "met" if mix_p50 < 0.005 else f"missed: {mix_p50 / 0.005:.1f} times the 5 ms",
        ]
    )
    over = [q for q in qs if q["lib"]["max"] > 0.050]
    rows.append(
        [
            f"no in-process query over 50 ms at 1M{note}",
            f"slowest: {slow['kind']} {ms(slow['lib']['p50'])} ms p50, {ms(slow['lib']['max'])} ms max",
            "met"
            if not over
            else "missed: "
            + ", ".join(
                f"{q['kind']} (max {ms(q['lib']['max'])} ms, {q['lib']['max'] / 0.050:.1f} times the 50 ms)"
                for q in over
            ),
        ]
    )
    zh = [
        (lab, q)
        for lab, r in sizes
        for q in r["queries"]["queries"]
        if q["kind"].startswith("Chinese")
    ]
    checked = [(lab, q) for lab, q in zh if q["recall"]]
    if checked:
        missed = [(lab, q) for lab, q in checked if q["recall"]["recall"] < 1.0]
        rows.append(
            [
                "Chinese recall 100%",
                ", ".join(
                    f"{lab} {q['kind'][8:]}: {q['recall']['found']}/{q['recall']['truth']}"
                    for lab, q in checked
                ),
                "met" if not missed else "missed",
            ]
        )
    return rows


def render(
    mach: dict,
    sizes: list[tuple[str, dict]],
    startup: list[dict],
    imports: list[dict] | None,
    ingest_profile: dict | None,
    args: argparse.Namespace,
) -> str:
    out: list[str] = []
    w = out.append
    w("# Benchmarks")
    w("")
    w(
        "Measured by `bench/run.py` (see [bench/README.md](../bench/README.md) for the method). Reproduce with:"
    )
    w("")
    w("```sh")
    w(
        f".venv/bin/python bench/run.py --sizes {','.join(label for label, _ in sizes)}"
        + (" --profile" if args.profile else "")
    )
    w("```")
    w("")
    w(f"- **Date**: {mach['date']}; podkb commit `{mach['commit']}`")
    w(
        f"- **Machine**: {mach['cores']} cores ({mach['cpu']}), {mach['memory_gib']} GiB memory; {mach['os']}"
    )
    w(
        f"- **Load average** (1, 5, 15 min) at the start: {mach['load_start']}; at the end: {mach['load_end']} "
        "(other processes on the machine compete for its cores)"
    )
    w(
        f"- **Software**: Python {mach['python']}, SQLite {mach['sqlite']}, {mach['ripgrep'] or 'ripgrep not installed'}"
    )
    listed = ", ".join(f"{label} ({r['manifest']['turns']:,} turns)" for label, r in sizes)
    w(f"- **Corpus sizes**: {listed}")
    w(
        f"- **Runs**: latency figures are p50 / p95 in milliseconds over up to {args.runs} in-process calls "
        f"and up to {args.cli_runs} processes per case (start-up: up to {max(args.cli_runs, 20)}), after "
        f"warm-up calls, the cases compared in one row interleaved; a case stops early once it has used "
        f"{args.case_budget:g} s. Ingest figures are "
        f"medians of up to {args.ingest_runs} runs in fresh processes, page cache warm (runs column)."
    )
    w("")
    w("## Targets")
    w("")
    w(table(["target", "measured", "status"], targets(sizes, startup)))
    w("")
    w("## Corpus")
    w("")
    rows = []
    for label, r in sizes:
        m = r["manifest"]
        measured = r["ingest"]["measured_at"][:16].replace("T", " ")
        rows.append(
            [
                label,
                f"{m['files']:,}",
                f"{m['turns']:,}",
                f"{m['zh_turns']:,} ({m['zh_turns'] / m['turns']:.0%})",
                f"{m['speakers']:,}",
                f"{m['words']:,}",
                f"{m['bytes'] / 1e6:,.1f}",
                measured,
            ]
        )
    w(
        table(
            [
                "size",
                "files",
                "turns",
                "Chinese turns",
                "speakers",
                "words",
                "MB",
                "figures measured (UTC)",
            ],
            rows,
            "lrrrrrrl",
        )
    )
    w("")
    w(
        "Synthetic `Name: text` transcripts, 200 turns a file, 20-100 words a turn, Zipf (s = 1) vocabulary of "
        "500,000 words (Chinese turns: characters count as words). Generated deterministically by `bench/corpus.py`."
    )
    w("")
    w("## Ingest")
    w("")
    rows = []
    for label, r in sizes:
        i = r["ingest"]
        for kind, name in (
            ("bare", "bare FTS5 loader (floor)"),
            ("podkb", "podkb ingest (library)"),
        ):
            x = i[kind]
            rows.append(
                [
                    label,
                    name,
                    f"{x['seconds']:,.2f}",
                    f"{x['turns_per_s']:,.0f}",
                    f"{x['mb_per_s']:,.2f}",
                    f"{x['rss_peak_mib']:,.0f} ({x['rss_baseline_mib']:,.0f})",
                    mib(x["store_bytes"]),
                    f"{x['seconds'] / i['bare']['seconds']:.1f}×",
                    str(x["runs"]),
                ]
            )
    w(
        table(
            [
                "size",
                "loader",
                "seconds",
                "turns/s",
                "MB/s",
                "peak RSS MiB (after imports)",
                "store MiB",
                "time vs floor",
                "runs",
            ],
            rows,
            "llrrrrrrr",
        )
    )
    w("")
    w("## Query latency (ms, p50 / p95)")
    w("")
    w(
        "In-process: `podkb.search.search()` (top 10, snippets included) vs the same FTS5 SQL run raw on the same "
        "store. As processes: `podkb search ... --format jsonl --db` vs the minimal typer app (`bench/floor_cli.py`) "
        "running that SQL vs `rg -c` over the transcript files. *hits* is the number of turns that match "
        "(ground truth from the files); *recall* compares `search(..., limit=10000)` with the ground truth."
    )
    for label, r in sizes:
        w("")
        w(f"### {label} turns")
        w("")
        rows = []
        for q in r["queries"]["queries"]:
            qtext = f"`{q['query']}`" + (
                f' `--speaker "{q["speaker"]}"`' if q.get("speaker") else ""
            )
            rec = q.get("recall")
            rec_s = f"{rec['recall']:.0%}" if rec else "n/a (> 10k)"
            rows.append(
                [
                    q["kind"],
                    qtext,
                    f"{q['truth']:,}",
                    lat(q["lib"]),
                    lat(q["raw"]),
                    lat(q["cli"]),
                    lat(q["floor"]),
                    lat(q.get("rg")),
                    rec_s,
                ]
            )
        w(
            table(
                [
                    "query",
                    "text",
                    "hits",
                    "podkb in-process",
                    "raw FTS5 SQL",
                    "podkb CLI",
                    "minimal typer CLI",
                    "rg",
                    "recall",
                ],
                rows,
                "llrrrrrrr",
            )
        )
    w("")
    w("## CLI start-up (ms, p50 / p95)")
    w("")
    w(
        table(
            ["command", "p50 / p95", "runs"],
            [[s["label"], lat(s), str(s["n"])] for s in startup],
            "lrr",
        )
    )
    if args.profile:
        w("")
        w("## Profiles")
        w("")
        w(
            "cProfile charges a fixed cost to every Python call, so small functions called millions of times "
            "(the per-character generators in `fold()` and `detect_lang()`) look bigger than they are: read the "
            "shares as upper bounds and the ranking as the useful part."
        )
        if ingest_profile:
            w("")
            p = ingest_profile
            w(
                f"### Ingest ({p['turns']:,} turns, cProfile, {p['seconds']:.1f} s under the profiler)"
            )
            w("")
            w("Functions by own time:")
            w("")
            w(
                table(
                    ["function", "where", "calls", "own s", "share"],
                    [
                        [
                            f"`{e['func']}`",
                            e["where"],
                            f"{e['calls']:,.0f}",
                            f"{e['tottime']:.2f}",
                            f"{e['share']:.0%}",
                        ]
                        for e in p["tottime"]
                    ],
                    "llrrr",
                )
            )
            w("")
            w("podkb functions by cumulative time:")
            w("")
            w(
                table(
                    ["function", "where", "calls", "cumulative s"],
                    [
                        [f"`{e['func']}`", e["where"], f"{e['calls']:,.0f}", f"{e['cumtime']:.2f}"]
                        for e in p["podkb_cumtime"]
                    ],
                    "llrr",
                )
            )
        label, big = sizes[-1]
        qp = big.get("query_profile")
        if qp:
            slow = sorted(qp, key=lambda x: -(x["lib_p50"] or 0))[:3]
            for x in slow:
                w("")
                w(
                    f"### Query: {x['kind']} at {label} (p50 {ms(x['lib_p50'])} ms; cProfile, per call)"
                )
                w("")
                w(
                    table(
                        ["function", "where", "calls", "own ms", "cumulative ms"],
                        [
                            [
                                f"`{e['func']}`",
                                e["where"],
                                f"{e['calls']:,.0f}",
                                ms(e["tottime"]),
                                ms(e["cumtime"]),
                            ]
                            for e in x["tottime"]
                        ],
                        "llrrr",
                    )
                )
        if imports:
            w("")
            w("### `podkb search` start-up on the seeds (`python -X importtime`, mean of 5)")
            w("")
            w(
                f"Import time in all modules: podkb search {imports['podkb_total_ms']:.0f} ms, the minimal typer app "
                f"running the same query {imports['floor_total_ms']:.0f} ms (`-X importtime` adds its own overhead). "
                "Top-level imports of `podkb search`:"
            )
            w("")
            w(
                table(
                    ["module", "cumulative ms"],
                    [[f"`{r['module']}`", f"{r['cumulative_ms']:.1f}"] for r in imports["top"]],
                    "lr",
                )
            )
            w("")
            w(
                "Imported by `podkb search` and not by the minimal typer app, by package (own import time):"
            )
            w("")
            w(
                table(
                    ["package", "ms"],
                    [[f"`{r['package']}`", f"{r['self_ms']:.1f}"] for r in imports["extra"]],
                    "lr",
                )
            )
    w("")
    return "\n".join(out)


# --- main ----------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument(
        "--sizes", default="10k,100k,1m", help="corpus sizes in turns (default: 10k,100k,1m)"
    )
    p.add_argument(
        "--runs", type=int, default=20, help="timed in-process calls per query (default 20)"
    )
    p.add_argument(
        "--cli-runs", type=int, default=10, help="timed processes per CLI/rg case (default 10)"
    )
    p.add_argument(
        "--warmup", type=int, default=2, help="untimed in-process warm-up calls (default 2)"
    )
    p.add_argument(
        "--ingest-runs", type=int, default=3, help="ingest runs per loader and size (default 3)"
    )
    p.add_argument(
        "--ingest-budget",
        type=float,
        default=480,
        help="seconds per loader and size: no further ingest run past this (default 480)",
    )
    p.add_argument(
        "--ingest-timeout", type=float, default=3600, help="kill one ingest after this (s)"
    )
    p.add_argument(
        "--case-budget",
        type=float,
        default=20,
        help="seconds per latency case: stop after 3 runs past this (default 20)",
    )
    p.add_argument(
        "--profile", action="store_true", help="also profile ingest, the query mix and start-up"
    )
    p.add_argument(
        "--remeasure", action="store_true", help="measure again, reusing generated corpora"
    )
    p.add_argument(
        "--fresh", action="store_true", help="regenerate corpora and measure everything again"
    )
    p.add_argument("--seed", type=int, default=corpus.DEFAULT_SEED)
    p.add_argument(
        "--parallel-ingest",
        action="store_true",
        help="one ingest run per loader, both at once (for a 10M size on a 2-core machine)",
    )
    p.add_argument(
        "--work", type=Path, default=BENCH / "out", help="where corpora and stores go (bench/out)"
    )
    p.add_argument(
        "--out", type=Path, default=ROOT / "docs" / "benchmarks.md", help="the report (Markdown)"
    )
    return p.parse_args(argv)


def compile_bytecode() -> None:
    """Installed packages ship compiled bytecode; an editable install run with
    PYTHONDONTWRITEBYTECODE would compile podkb's modules at every start. Compile them once."""
    import compileall

    import podkb

    compileall.compile_dir(str(Path(podkb.__file__).parent), quiet=1)
    compileall.compile_dir(str(BENCH), quiet=1, maxlevels=0)


def kept_sections(path: Path) -> str:
    """The sections of the report that other runs wrote, between `<!-- name: start -->` and
    `<!-- name: end -->` (many_files.py's, the 10M run, PostgreSQL's): a new report keeps them."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return "\n"
    blocks = [
        m.group(0) for m in re.finditer(r"<!-- ([\w-]+): start -->.*?<!-- \1: end -->", text, re.S)
    ]
    return "".join("\n\n" + b for b in blocks) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    compile_bytecode()
    wanted = sorted({corpus.parse_size(s) for s in args.sizes.split(",") if s.strip()})
    mach = machine()
    if not shutil.which("rg"):
        log("ripgrep (rg) not found: the rg column stays empty")
    sizes = [(corpus.size_label(n), run_size(corpus.size_label(n), n, args)) for n in wanted]
    log("CLI start-up")
    startup = measure_startup(args.work, args)
    imports = ingest_profile = None
    if args.profile:
        imports = profile_imports(args.work)
        label, res = sizes[0]
        if "ingest_profile" not in res:
            log(f"  profiling ingest at {label}")
            res["ingest_profile"] = profile_ingest(args.work / label, args)
            saved = load_results(args.work / label)
            saved["ingest_profile"] = res["ingest_profile"]
            save_results(args.work / label, saved)
        ingest_profile = res["ingest_profile"]
    mach["load_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    report = render(mach, sizes, startup, imports, ingest_profile, args)
    sys.stdout.write(report)
    report = report.rstrip("\n") + kept_sections(args.out)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
