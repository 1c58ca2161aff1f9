"""`podkb batch FILE --out DIR`: one NAME.jsonl per query, in a folder that may be there already
(the files of this run are replaced whole, the others are left alone), names made safe for the
file system, the paths on stdout and a summary on stderr; --out naming a file is refused."""

from __future__ import annotations

import json

QUERIES = (
    '- {query: evaluation, limit: 2, name: evals}\n- {query: zzzqqq, name: "Lewis / nothing"}\n'
)


def _batch(tmp_path, text: str = QUERIES):
    path = tmp_path / "queries.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_second_run_replaces_its_files_and_leaves_the_others(run_cli, seed_db, tmp_path):
    folder = tmp_path / "results"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine\n", encoding="utf-8")
    (folder / "evals.jsonl").write_text("an older run's line\n" * 50, encoding="utf-8")
    batch = _batch(tmp_path)
    code, out, err = run_cli("batch", str(batch), "--out", str(folder), "--db", str(seed_db))
    assert code == 0, err
    assert out.splitlines() == [str(folder / "evals.jsonl"), str(folder / "Lewis nothing.jsonl")]
    assert err == f"Wrote 2 file(s), 2 hits, to {folder}\n"
    assert sorted(p.name for p in folder.iterdir()) == [
        "Lewis nothing.jsonl",
        "evals.jsonl",
        "notes.txt",
    ]
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine\n"
    rows = [json.loads(line) for line in (folder / "evals.jsonl").read_text().splitlines()]
    assert [(r["name"], r["rank"]) for r in rows] == [("evals", 1), ("evals", 2)]
    assert (folder / "Lewis nothing.jsonl").read_text(encoding="utf-8") == ""


def test_the_files_hold_what_the_stream_holds(run_cli, seed_db, tmp_path):
    batch = _batch(tmp_path)
    code, stream, _ = run_cli("batch", str(batch), "--db", str(seed_db))
    assert code == 0
    folder = tmp_path / "results"
    assert run_cli("batch", str(batch), "--out", str(folder), "--db", str(seed_db))[0] == 0
    written = (folder / "evals.jsonl").read_text(encoding="utf-8") + (
        folder / "Lewis nothing.jsonl"
    ).read_text(encoding="utf-8")
    assert written == stream


def test_no_hits_at_all_still_writes_the_files_and_exits_1(run_cli, seed_db, tmp_path):
    folder = tmp_path / "deep" / "results"  # parents made too
    batch = _batch(tmp_path, "- {query: zzzqqq, name: a}\n")
    code, out, err = run_cli("batch", str(batch), "--out", str(folder), "--db", str(seed_db))
    assert (code, out, err) == (
        1,
        f"{folder / 'a.jsonl'}\n",
        f"Wrote 1 file(s), 0 hits, to {folder}\n",
    )
    assert (folder / "a.jsonl").read_bytes() == b""


def test_out_naming_a_file_is_refused_and_the_file_kept(run_cli, seed_db, tmp_path):
    batch = _batch(tmp_path)
    code, out, err = run_cli("batch", str(batch), "--out", str(batch), "--db", str(seed_db))
    assert (code, out, err) == (2, "", f"podkb: --out {batch} is a file, not a folder\n")
    assert batch.read_text(encoding="utf-8") == QUERIES


def test_quiet_leaves_only_the_paths(run_cli, seed_db, tmp_path):
    folder = tmp_path / "results"
    batch = _batch(tmp_path)
    code, out, err = run_cli("-q", "batch", str(batch), "--out", str(folder), "--db", str(seed_db))
    assert (code, err) == (0, "")
    assert len(out.splitlines()) == 2
