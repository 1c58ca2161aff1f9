"""Where `podkb batch` reads its queries from: a file in UTF-8 (a byte-order mark is fine), or
stdin with `-`; a file in another encoding, and an --out that is a file, are one line, exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys

BATCH = "- query: open source\n  name: oss\n  limit: 2\n- query: evaluation\n  limit: 1\n"


def names_and_ranks(out: str) -> list[tuple[str, int]]:
    return [(r["name"], r["rank"]) for r in map(json.loads, out.splitlines())]


def test_a_byte_order_mark_is_read_as_utf_8(run_cli, seed_db, tmp_path):
    plain, marked = tmp_path / "plain.yaml", tmp_path / "marked.yaml"
    plain.write_text(BATCH, encoding="utf-8")
    marked.write_bytes(b"\xef\xbb\xbf" + BATCH.encode("utf-8"))  # as Windows editors save it
    code, expected, err = run_cli("batch", str(plain), "--db", str(seed_db))
    assert code == 0, err
    code, out, err = run_cli("batch", str(marked), "--db", str(seed_db))
    assert code == 0, err
    assert out == expected
    assert names_and_ranks(out) == [("oss", 1), ("oss", 2), ("query-2", 1)]


def test_another_encoding_is_one_line_naming_the_file(run_cli, seed_db, tmp_path):
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes("- query: café\n".encode("latin-1"))
    code, out, err = run_cli("batch", str(latin1), "--db", str(seed_db))
    assert (code, out) == (2, "")
    assert err == f"podkb: {latin1}: not UTF-8 text\n"


def test_out_that_is_a_file_is_refused_and_the_file_kept(run_cli, seed_db, tmp_path):
    batch = tmp_path / "q.yaml"
    batch.write_text(BATCH, encoding="utf-8")
    results = tmp_path / "results"
    results.write_text("earlier results\n", encoding="utf-8")
    code, out, err = run_cli("batch", str(batch), "--db", str(seed_db), "--out", str(results))
    assert (code, out) == (2, "")
    assert err == f"podkb: --out {results} is a file, not a folder\n"
    assert results.read_text(encoding="utf-8") == "earlier results\n"


def test_dash_reads_the_queries_from_stdin(run_cli, seed_db, tmp_path):
    batch = tmp_path / "q.yaml"
    batch.write_text(BATCH, encoding="utf-8")
    _, from_file, _ = run_cli("batch", str(batch), "--db", str(seed_db))
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "podkb", "batch", "-", "--db", str(seed_db)],
        input=BATCH.encode("utf-8"),
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode("utf-8") == from_file
    # Errors in stdin are named "stdin", with the line.
    proc = subprocess.run(
        [sys.executable, "-m", "podkb", "batch", "-", "--db", str(seed_db)],
        input=b"- query: x\n  limit: -3\n",
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 2 and proc.stdout == b""
    assert proc.stderr.decode("utf-8").startswith("podkb: stdin: line 2: limit: ")
