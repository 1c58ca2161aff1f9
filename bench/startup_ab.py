"""Start-up side by side: the minimal typer app (bench/floor_cli.py) and `podkb search` /
`podkb quotes` of one or two source trees, as whole processes, interleaved, in one run.

Each round runs every case once, in a rotated order, so that the machine's load (a shared
2-core machine) falls on every case alike; a case's figure is the median over the rounds of
the child's CPU time (user + system, from wait4), which moves less under load than wall time.
Give trees as NAME=PATH (a folder holding podkb/, put first on PYTHONPATH); without one the
installed podkb is measured. Compile the trees first (`python -m compileall -q TREE`) when the
environment sets PYTHONDONTWRITEBYTECODE, or every run compiles every module.

    python bench/startup_ab.py --db seeds.db --corpus 1m.db=1m/manifest.json --runs 20 \\
        before=/tmp/before/src after=src
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

# (label, podkb arguments, the floor's query and speaker): the floor runs the same FTS5 query.
SEED_CASES = [
    ("search evaluation", ["search", "evaluation"], ("evaluation", None)),
    ("search 模型", ["search", "模型"], ("模型", None)),
    (
        "quotes Lewis Tunstall evaluation",
        ["quotes", "Lewis Tunstall", "evaluation"],
        ("evaluation", "Lewis Tunstall"),
    ),
]


def corpus_cases(manifest: Path) -> list[tuple[str, list[str], tuple[str, str | None]]]:
    """The same three shapes on a synthetic store (bench/corpus.py): its rare term, its
    two-character Chinese query, and its speaker-filtered query as `quotes SPEAKER WORD`."""
    import json

    queries = {q["kind"]: q for q in json.loads(manifest.read_text())["queries"]}
    rare, zh, by = queries["rare term"], queries["Chinese 2 chars"], queries["speaker filter"]
    return [
        (f"search {rare['query']}", ["search", rare["query"]], (rare["query"], None)),
        (f"search {zh['query']}", ["search", zh["query"]], (zh["query"], None)),
        (
            f"quotes {by['speaker']} {by['query']}",
            ["quotes", by["speaker"], by["query"]],
            (by["query"], by["speaker"]),
        ),
    ]


def cpu_of(cmd: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """CPU seconds (user + system) and wall seconds of one process, and its exit status."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    assert proc.stderr is not None
    err = proc.stderr.read()
    proc.stderr.close()
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(cmd)!r} exited {proc.returncode}: {err.decode()[-400:]}")
    return usage.ru_utime + usage.ru_stime, wall, proc.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("trees", nargs="*", help="NAME=PATH of each podkb source tree")
    parser.add_argument("--db", action="append", default=[], help="a store of the seeds")
    parser.add_argument(
        "--corpus",
        action="append",
        default=[],
        metavar="DB=MANIFEST",
        help="a store built by bench/corpus.py and its manifest (its queries)",
    )
    parser.add_argument("--runs", type=int, default=20, help="timed rounds (default 20)")
    parser.add_argument("--warmup", type=int, default=2)
    args = parser.parse_args()
    from run import match_expression  # podkb's own query parser makes the floor's MATCH text

    base_env = {k: v for k, v in os.environ.items() if not k.startswith("PODKB_")}
    base_env["NO_COLOR"] = "1"
    trees = [t.split("=", 1) for t in args.trees] or [["podkb", ""]]
    py = sys.executable
    cases: list[tuple[str, list[str], dict[str, str]]] = []
    stores = [(db, SEED_CASES) for db in args.db]
    stores += [(db, corpus_cases(Path(m))) for db, m in (c.split("=", 1) for c in args.corpus)]
    for db, shapes in stores:
        store = Path(db).name
        for label, podkb_args, (query, speaker) in shapes:
            match = match_expression(query, speaker)
            floor = [py, str(BENCH / "floor_cli.py"), "search", match, "--db", db]
            cases.append((f"{store}: floor ({label})", floor, base_env))
            for name, path in trees:
                env = dict(base_env)
                if path:
                    env["PYTHONPATH"] = str(Path(path).resolve())
                cmd = [py, "-m", "podkb", *podkb_args, "--format", "jsonl", "--db", db]
                cases.append((f"{store}: {name} {label}", cmd, env))
    cpu: dict[str, list[float]] = {label: [] for label, _, _ in cases}
    wall: dict[str, list[float]] = {label: [] for label, _, _ in cases}
    load_before = os.getloadavg()[0]
    for round_no in range(args.warmup + args.runs):
        shift = round_no % len(cases)
        for label, cmd, env in cases[shift:] + cases[:shift]:
            c, w, _ = cpu_of(cmd, env)
            if round_no >= args.warmup:
                cpu[label].append(c)
                wall[label].append(w)
    load_after = os.getloadavg()[0]
    print(
        f"{args.runs} interleaved rounds (+{args.warmup} warm-up), load {load_before:.1f} at "
        f"the start and {load_after:.1f} at the end; median CPU (user+system) and wall, ms"
    )
    print(f"{'case':58s} {'CPU':>7s} {'x floor':>8s} {'wall':>7s} {'x floor':>8s}")
    floor_cpu = floor_wall = 0.0
    for label, _, _ in cases:
        c = statistics.median(cpu[label]) * 1000
        w = statistics.median(wall[label]) * 1000
        if ": floor (" in label:
            floor_cpu, floor_wall = c, w
        print(f"{label:58s} {c:7.1f} {c / floor_cpu:7.2f}x {w:7.1f} {w / floor_wall:7.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
