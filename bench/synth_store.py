"""A store of bench/corpus.py's turns written by podkb's own write path, without the files.

    python bench/synth_store.py /tmp/tenm/10m --turns 10m [--workers 2]

`bench/run.py` makes a corpus of transcript files and runs `podkb ingest` on them: at 10M turns
that is ~25 minutes to write 4.7 GB of files and ~100 minutes of one core to ingest them. This
script makes the same store in less: worker processes generate each file's bytes in memory
(`corpus.file_bytes`, the generator `bench/run.py` writes to disk, so the turns, the vocabulary,
the speakers, the Chinese share and "open source" are the same, byte for byte), read them into
records with ingest's own reader (`pipeline._records`, as ingest's read-ahead workers do) and
analyze their texts with the store's `text_analyzer`; the main process writes each file as
`ingest_paths` does (a savepoint per file, `files_per_transaction` files a transaction,
`put_episode` with the analyzed texts, `after_writes` once at the end, which counts the common
words and builds the impact lists). What it skips is what touches the file system: no file is
written, stat'ed or read, so the episodes' source paths name files that do not exist (`podkb
doctor` calls them missing) and their stat keys are empty.

It writes FOLDER/podkb.db, FOLDER/manifest.json (the corpus statistics and its query mix,
chosen as `corpus.generate` chooses it; no ground truth, which needs the files) and logs its
progress to FOLDER/synth.log. Interrupted, it resumes after the last committed transaction
(FOLDER/state.json holds the counts so far).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import sys
import time
from collections import Counter, deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402

from podkb.catalog import load_metadata  # noqa: E402
from podkb.ingest.pipeline import _records, _unique_id, episode_inputs  # noqa: E402
from podkb.ingest.raw import RawTranscript, RawTurn  # noqa: E402
from podkb.ingest.resolve import build_records  # noqa: E402
from podkb.ingest.shared.chrome import load_site_chrome  # noqa: E402
from podkb.store import impacts  # noqa: E402
from podkb.store.sqlite import SQLiteStore, analyze_text  # noqa: E402

_CANDS: tuple[list[str], list[str]] | None = None


def _candidates(seed: int) -> tuple[list[str], list[str]]:
    global _CANDS
    if _CANDS is None:
        _CANDS = corpus._candidates(corpus._vocab(seed))
    return _CANDS


def _read_one(args: tuple[int, int, str, int]) -> tuple[Any, dict, str]:
    """File i generated, read and analyzed in a worker: (its ParsedFile, its stats, its inputs digest)."""
    i, n, folder, seed = args
    en, zh = _candidates(seed)
    data, stats = corpus.file_bytes(i, n, seed, en, zh)
    path = Path(folder) / corpus._file_name(i)
    metadata = load_metadata()
    load_site_chrome()
    inputs = episode_inputs(path, metadata)
    parsed = _records(data, path=path, metadata=metadata, encoding=None, inputs=inputs)
    parsed.analyzed = {t.text: analyze_text(t.text) for t in parsed.turns}
    parsed.choice = None  # which reader read it: not written, and holds a lambda pickle refuses
    return parsed, stats, inputs.digest(metadata, None)


def _read_direct(args: tuple[int, int, str, int]) -> tuple[Any, dict, str]:
    """As _read_one, without ingest's reader: the generator's `Name: text` lines are split here
    into the reader's raw turns (text, line, label), which `build_records` resolves as ingest
    does (speakers, languages, word counts). The same records as the reader's (checked with
    bench/compare_stores.py against `podkb ingest` of the files), at half the reading cost."""
    i, n, folder, seed = args
    en, zh = _candidates(seed)
    data, stats = corpus.file_bytes(i, n, seed, en, zh)
    path = Path(folder) / corpus._file_name(i)
    metadata = load_metadata()
    inputs = episode_inputs(path, metadata)
    text = data.decode("utf-8")
    raw = RawTranscript(format="text")
    line = 1
    for turn in text.rstrip("\n").split("\n\n"):
        label, sep, body = turn.partition(": ")
        if not sep or "：" in label:
            label, _, body = turn.partition("：")
        raw.turns.append(RawTurn(text=body, line=line, label=label, end_line=line))
        line += 2
    episode, turns, _ = build_records(
        raw, source=path.name, metadata=metadata, entry=inputs.entry, full_text=text
    )
    parsed = _Direct(episode, turns, hashlib.sha256(data).hexdigest(), raw.format)
    parsed.analyzed = {t.text: analyze_text(t.text) for t in turns}
    return parsed, stats, inputs.digest(metadata, None)


@dataclass
class _Direct:
    episode: Any
    turns: list[Any]
    sha256: str
    format: str
    analyzed: dict[str, Any] | None = None


def _load_state(folder: Path) -> dict:
    path = folder / "state.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    return {"files_done": 0, "totals": {}, "df": {}, "speakers": {}, "write_seconds": 0.0}


def _save_state(folder: Path, state: dict) -> None:
    tmp = folder / "state.tmp"
    tmp.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, folder / "state.json")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("folder", type=Path)
    p.add_argument("--turns", default="10m")
    p.add_argument("--seed", type=int, default=corpus.DEFAULT_SEED)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument(
        "--direct",
        action="store_true",
        help="split the generated lines here instead of running ingest's reader on them",
    )
    args = p.parse_args(argv)
    folder: Path = args.folder
    folder.mkdir(parents=True, exist_ok=True)
    turns = corpus.parse_size(args.turns)
    n_files = math.ceil(turns / corpus.TURNS_PER_FILE)
    log_file = (folder / "synth.log").open("a", encoding="utf-8")

    def log(msg: str) -> None:
        line = f"{time.strftime('%H:%M:%S')} {msg}"
        print(line, file=log_file, flush=True)
        print(line, file=sys.stderr, flush=True)

    state = _load_state(folder)
    totals: Counter[str] = Counter(state["totals"])
    df: Counter[str] = Counter(state["df"])
    speakers: Counter[str] = Counter(state["speakers"])
    start_file = state["files_done"]
    corpus_folder = str((folder / "corpus").resolve())  # where the files would be
    store = SQLiteStore(folder / "podkb.db")
    batch = store.files_per_transaction
    log(
        f"{turns:,} turns in {n_files} files; starting at file {start_file}; {args.workers} workers"
    )
    jobs = [
        (i, min(corpus.TURNS_PER_FILE, turns - i * corpus.TURNS_PER_FILE), corpus_folder, args.seed)
        for i in range(start_file, n_files)
    ]
    started = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:
        results = _in_order(pool, _read_direct if args.direct else _read_one, jobs)
        index = start_file
        while index < n_files:
            end = min(index + batch, n_files)
            t0, c0 = time.perf_counter(), time.process_time()
            with store.transaction():
                for _ in range(index, end):
                    parsed, stats, inputs_digest = next(results)
                    source_path = str(Path(corpus_folder) / parsed.episode.source)
                    episode = _unique_id(
                        store, parsed.episode, parsed.turns, source_path, parsed.sha256
                    )
                    with store.savepoint():
                        store.put_episode(
                            episode,
                            parsed.turns,
                            source_path=source_path,
                            source_sha256=parsed.sha256,
                            inputs_sha256=inputs_digest,
                            source_stat=None,
                            fmt=parsed.format,
                            analyzed=parsed.analyzed,
                        )
                    for key in ("turns", "bytes", "words", "zh_turns"):
                        totals[key] += stats[key]
                    df.update(stats["df"])
                    speakers.update(stats["speakers"])
            state["write_seconds"] += time.perf_counter() - t0
            state.setdefault("main_cpu", 0.0)
            state["main_cpu"] += time.process_time() - c0
            state.update(files_done=end, totals=dict(totals), df=dict(df), speakers=dict(speakers))
            _save_state(folder, state)
            elapsed = time.perf_counter() - started
            rate = totals["turns"] / max(state["write_seconds"], 1e-9)
            log(
                f"committed {end}/{n_files} files ({totals['turns']:,} turns); this run"
                f" {elapsed:.0f} s; {rate:,.0f} turns/s overall; load"
                f" {os.getloadavg()[0]:.1f}"
            )
            index = end
    if state["files_done"] == n_files and "after_writes_seconds" not in state:
        _after_writes(store, state, log)
        _save_state(folder, state)
    if "after_writes_seconds" in state:
        log(
            f"after_writes took {state['after_writes_seconds']:.0f} s"
            f" ({state['after_writes_cpu']:.0f} s CPU)"
        )
    store.close()
    _write_manifest(folder, args.seed, turns, n_files, totals, df, speakers, state)
    log(f"done: {folder / 'podkb.db'} ({(folder / 'podkb.db').stat().st_size / 1e9:.2f} GB)")
    return 0


def _in_order(pool: ProcessPoolExecutor, fn: Any, jobs: list[Any], ahead: int = 32) -> Any:
    """fn of each job, in order, with at most `ahead` jobs submitted and not yet taken: the
    workers never run further ahead of the writer than that (pool.map would submit every job
    at once and hold each result until the writer takes it)."""
    pending: deque[Future[Any]] = deque()
    queued = iter(jobs)
    for job in queued:
        pending.append(pool.submit(fn, job))
        if len(pending) >= ahead:
            break
    while pending:
        result = pending.popleft().result()
        for job in queued:
            pending.append(pool.submit(fn, job))
            break
        yield result


def _after_writes(store: SQLiteStore, state: dict, log: Any) -> None:
    """What ingest_paths does after its last file (it does it in the last file batch's
    transaction; here it is a transaction of its own, so the turns are committed, and can be
    searched, while the lists are built): count the common words, build the impact lists. The
    build is the store's own, with its progress logged."""
    log("all files written; after_writes (common words, impact lists)")
    real_build = impacts.build
    turns = store.turn_count()
    started = time.perf_counter()

    def logged_build(conn: Any, *, progress: Any = None) -> int:
        def report(done: int) -> None:
            if done % 100 == 0:
                rate = done / max(time.perf_counter() - started, 1e-9)
                log(f"  impact lists of {turns:,} turns: {done:,} terms read ({rate:,.1f} terms/s)")

        return real_build(conn, progress=report)

    impacts.build = logged_build  # type: ignore[assignment]
    try:
        a0, ac = time.perf_counter(), time.process_time()
        with store.transaction():
            store.after_writes()
        state["after_writes_seconds"] = time.perf_counter() - a0
        state["after_writes_cpu"] = time.process_time() - ac
    finally:
        impacts.build = real_build  # type: ignore[assignment]


def _write_manifest(
    folder: Path,
    seed: int,
    turns: int,
    n_files: int,
    totals: Counter[str],
    df: Counter[str],
    speakers: Counter[str],
    state: dict,
) -> None:
    v = corpus._vocab(seed)
    en, zh = corpus._candidates(v)
    queries = corpus.choose_queries(v, df, speakers, totals["turns"], en, zh)
    for q in queries:
        q["df_generated"] = df.get(q["query"].strip('"')) if not q.get("speaker") else None
    manifest = {
        "generator": corpus.GENERATOR_VERSION,
        "seed": seed,
        "turns_requested": turns,
        "turns_per_file": corpus.TURNS_PER_FILE,
        "files": n_files,
        **{k: totals[k] for k in ("turns", "bytes", "words", "zh_turns")},
        "speakers": len(speakers),
        "queries": queries,
        "made_by": "bench/synth_store.py (no files; no ground truth)",
        "write_seconds": state["write_seconds"],
        "after_writes_seconds": state.get("after_writes_seconds"),
    }
    corpus.save_manifest(folder, manifest)


if __name__ == "__main__":
    sys.exit(main())
