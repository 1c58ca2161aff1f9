"""Ingest of many small files: is it linear, and is an unchanged re-ingest cheap?

    .venv/bin/python bench/many_files.py                    # 10k, 50k and 100k files
    .venv/bin/python bench/many_files.py --sizes 1k,10k     # a quick look

For each size it writes that many small `Name: text` transcripts (four turns each, 1,000 files a
folder) under bench/out/files/<size>/, then runs `podkb ingest` on the folder into a new store
(fresh), and again on the same folder (every file unchanged). Each run is a separate process;
wall time and the process's CPU time (user + system) are recorded, with files/s and turns/s.
CPU time is the figure to compare on a shared machine: other processes stretch wall time, not it.

The results go to bench/out/files/results.json and replace the section between the
`many-files` markers in docs/benchmarks.md. Targets (the "Bounded work" issue): the 100k run
within 1.2x of 10 x the 10k run, and an unchanged re-ingest of 100k files under 10% of its first
ingest.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out" / "files"
DOC = ROOT / "docs" / "benchmarks.md"
TURNS_PER_FILE = 4
FILES_PER_FOLDER = 1000
START, END = "<!-- many-files: start -->", "<!-- many-files: end -->"

WORDS = (
    "the of and to in is that it was for on are with as his they at be this from have or by one "
    "had not but what all were when we there can an your which their said if do will each about "
    "how up out them then she many some so these would other into has more her two like him see "
    "time could no make than first been its who now people my made over did down only way find "
    "use may water long little very after words called just where most know get through back "
    "podcast episode model data open source evaluation training research interview question"
).split()


def parse_size(text: str) -> int:
    text = text.strip().lower()
    return int(float(text[:-1]) * 1000) if text.endswith("k") else int(text)


def write_corpus(folder: Path, files: int) -> None:
    """`files` transcripts, generated from a fixed seed each, so every run writes the same bytes."""
    if folder.exists() and (folder / "complete").exists():
        return
    shutil.rmtree(folder, ignore_errors=True)
    for i in range(files):
        rng = random.Random(i)
        sub = folder / f"{i // FILES_PER_FOLDER:04d}"
        if i % FILES_PER_FOLDER == 0:
            sub.mkdir(parents=True)
        host, guest = f"Host {i % 20}", f"Guest {i % 997}"
        turns = []
        for t in range(TURNS_PER_FILE):
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 30)))
            turns.append(f"{host if t % 2 == 0 else guest}: {words.capitalize()}.")
        (sub / f"ep{i:06d}.txt").write_text("\n\n".join(turns) + "\n", encoding="utf-8")
    (folder / "complete").write_text("", encoding="utf-8")


def ingest(folder: Path, db: Path) -> dict[str, float | int]:
    """One `podkb ingest` process: wall and CPU seconds, and what it reported."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "podkb", "ingest", "--db", str(db), "--format", "json", str(folder)],
        capture_output=True,
        text=True,
        env={**os.environ, "PODKB_DATA": str(OUT / "no-metadata")},
        check=False,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"podkb ingest failed ({proc.returncode}): {proc.stderr[-2000:]}")
    summary = json.loads(proc.stdout)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "files": summary["files"],
        "ingested": summary["ingested"],
        "unchanged": summary["unchanged"],
        "turns": summary["turns"],
        "files_per_s": round(summary["files"] / wall, 1),
        "turns_per_s": round(summary["turns"] / wall, 1),
        "peak_rss_mib": round(after.ru_maxrss / 1024, 1),
    }


def machine() -> dict[str, str]:
    load = os.getloadavg()
    return {
        "cpu": platform.processor() or platform.machine(),
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "load": f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}",
    }


def render(results: dict[str, dict[str, dict[str, float | int]]], info: dict[str, str]) -> str:
    rows = [
        "| files | run | files ingested / unchanged | turns | wall | CPU | files/s (wall) | turns/s (wall) |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size, runs in results.items():
        for name, r in runs.items():
            rows.append(
                f"| {size} | {name} | {r['ingested']:,} / {r['unchanged']:,} | {r['turns']:,} | "
                f"{r['wall_s']:.1f} s | {r['cpu_s']:.1f} s | {r['files_per_s']:,.0f} | "
                f"{r['turns_per_s']:,.0f} |"
            )
    checks = []
    sizes = {parse_size(s): s for s in results}
    if 10_000 in sizes and 100_000 in sizes:
        small, large = results[sizes[10_000]]["fresh"], results[sizes[100_000]]["fresh"]
        for unit in ("cpu_s", "wall_s"):
            ratio = float(large[unit]) / (10 * float(small[unit]))
            verdict = "met" if ratio <= 1.2 else "missed"
            checks.append(
                f"- Linear growth ({unit[:-2]} time): 100k files took {ratio:.2f} x ten times the "
                f"10k run (target at most 1.2): {verdict}."
            )
    for size, runs in results.items():
        if "unchanged" in runs:
            share = float(runs["unchanged"]["cpu_s"]) / float(runs["fresh"]["cpu_s"])
            wall = float(runs["unchanged"]["wall_s"]) / float(runs["fresh"]["wall_s"])
            if parse_size(size) == 100_000:
                verdict = "met" if share < 0.10 else "missed"
                checks.append(
                    f"- Unchanged re-ingest of 100k files: {share:.1%} of the first ingest's CPU "
                    f"time ({wall:.1%} of its wall time; target under 10%): {verdict}."
                )
    return "\n".join(
        [
            START,
            "## Ingest of many small files (`bench/many_files.py`)",
            "",
            f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {info['cores']} cores "
            f"({info['cpu']}, Python {info['python']}), load average {info['load']} at the end "
            "(the machine was shared: compare CPU times, which other processes do not stretch). "
            f"Each file holds {TURNS_PER_FILE} `Name: text` turns; {FILES_PER_FOLDER:,} files a "
            "folder. *fresh*: `podkb ingest` into a new store; *unchanged*: the same command "
            "again, every file unchanged.",
            "",
            *rows,
            "",
            *checks,
            END,
        ]
    )


def update_doc(section: str) -> None:
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    DOC.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument(
        "--sizes", default="10k,50k,100k", help="numbers of files (default 10k,50k,100k)"
    )
    p.add_argument("--no-doc", action="store_true", help="do not update docs/benchmarks.md")
    args = p.parse_args(argv)
    (OUT / "no-metadata").mkdir(parents=True, exist_ok=True)
    results_path = OUT / "results.json"
    results: dict[str, dict[str, dict[str, float | int]]] = {}
    for size in args.sizes.split(","):
        files = parse_size(size)
        folder = OUT / size / "corpus"
        print(f"{size}: writing {files:,} files", file=sys.stderr, flush=True)
        write_corpus(folder, files)
        db = OUT / size / "podkb.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        runs = {}
        for name in ("fresh", "unchanged"):
            runs[name] = ingest(folder, db)
            print(f"{size} {name}: {runs[name]}", file=sys.stderr, flush=True)
        results[size] = runs
        results_path.write_text(json.dumps(results, indent=2), encoding="utf-8")
    section = render(results, machine())
    print(section)
    if not args.no_doc:
        update_doc(section)


if __name__ == "__main__":
    main()
