"""Start-up in CPU time: `podkb search` and `podkb quotes` processes beside the minimal typer app.

    python bench/startup_cpu.py --db SEEDS.db [--db bench/out/1m/podkb.db --query WORD] [--runs 20]

Each case is a new process; the figure is the CPU time (user + system) the process used, from
`os.wait4`, which a shared machine's load inflates far less than wall time. The cases of a store
are interleaved run by run (floor, podkb, floor, podkb, ...). The floor is `bench/floor_cli.py`
running the FTS5 query podkb builds for the same words (`--speaker` folded into it for quotes).
Bytecode of podkb and bench/ is compiled first, as an installed package's would be (this
environment sets PYTHONDONTWRITEBYTECODE). Prints a Markdown table: p50 and p90 of each
case's CPU milliseconds, and podkb's p50 over the floor's.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from run import compile_bytecode, match_expression  # noqa: E402


def cpu_ms(cmd: list[str]) -> float:
    """The CPU milliseconds (user + system) of one process running cmd."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)}: exit {proc.returncode}")
    return (usage.ru_utime + usage.ru_stime) * 1000


def cases_for(db: Path, query: str, speaker: str | None) -> dict[str, tuple[list[str], list[str]]]:
    py = sys.executable
    podkb = str(Path(py).parent / "podkb")
    floor = [py, str(BENCH / "floor_cli.py"), "search"]
    out = {
        f"search `{query}`": (
            [*floor, match_expression(query, None), "--db", str(db)],
            [podkb, "search", query, "--format", "jsonl", "--db", str(db)],
        )
    }
    if speaker:
        out[f"quotes `{speaker}` `{query}`"] = (
            [*floor, match_expression(query, speaker), "--db", str(db)],
            [podkb, "quotes", speaker, query, "--format", "jsonl", "--db", str(db)],
        )
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--db", type=Path, action="append", required=True)
    p.add_argument("--query", action="append", help="one per --db (default: evaluation)")
    p.add_argument("--speaker", action="append", help="one per --db (default: Lewis Tunstall)")
    p.add_argument("--runs", type=int, default=20)
    args = p.parse_args(argv)
    compile_bytecode()
    queries = args.query or []
    speakers = args.speaker or []
    print(
        f"{os.cpu_count()} cores, {platform.machine()}, Python {sys.version.split()[0]};"
        f" load at start {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {args.runs} timed"
        " processes a case after one untimed"
    )
    print()
    print(
        "| store | case | minimal typer app: p50 / p90 ms CPU | podkb: p50 / p90 ms CPU | ratio |"
    )
    print("| --- | --- | --- | --- | --- |")
    for i, db in enumerate(args.db):
        query = queries[i] if i < len(queries) else "evaluation"
        speaker = speakers[i] if i < len(speakers) else "Lewis Tunstall"
        for label, (floor, podkb) in cases_for(db, query, speaker or None).items():
            cpu_ms(floor), cpu_ms(podkb)  # untimed: the page cache and bytecode warm
            times: dict[str, list[float]] = {"floor": [], "podkb": []}
            for _ in range(args.runs):
                times["floor"].append(cpu_ms(floor))
                times["podkb"].append(cpu_ms(podkb))
            f50, p50 = statistics.median(times["floor"]), statistics.median(times["podkb"])
            f90 = statistics.quantiles(times["floor"], n=10)[-1]
            p90 = statistics.quantiles(times["podkb"], n=10)[-1]
            print(
                f"| `{db.name}` | {label} | {f50:.0f} / {f90:.0f} | {p50:.0f} / {p90:.0f}"
                f" | {p50 / f50:.2f}× |",
                flush=True,
            )
    print()
    print(f"load at end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
