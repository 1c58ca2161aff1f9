"""A batch file is read up to its limit, MAX_BATCH_BYTES, and never further: a file of exactly
that many bytes runs, one byte more is one line naming the file and the limit, from a file or
from stdin alike, and stdin is never read whole to find out."""

from __future__ import annotations

import io
import json

import pytest

from podkb.errors import InputError
from podkb.limits import MAX_BATCH_BYTES

QUERY = b"- query: evaluation\n  limit: 2\n  name: evals\n"


def _padded(size: int) -> bytes:
    """A batch of one query, padded with a YAML comment to exactly `size` bytes."""
    comment = b"# " + b"x" * (size - len(QUERY) - 3) + b"\n"
    data = QUERY + comment
    assert len(data) == size
    return data


@pytest.mark.parametrize("where", ["file", "stdin"])
def test_a_batch_of_exactly_the_limit_runs(run_cli, seed_db, tmp_path, monkeypatch, where):
    data = _padded(MAX_BATCH_BYTES)
    if where == "file":
        path = tmp_path / "queries.yaml"
        path.write_bytes(data)
        arg = str(path)
    else:
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
        arg = "-"
    code, out, err = run_cli("batch", arg, "--db", str(seed_db))
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["name"], r["rank"]) for r in rows] == [("evals", 1), ("evals", 2)]


@pytest.mark.parametrize("where", ["file", "stdin"])
def test_one_byte_more_is_refused_naming_the_limit(run_cli, seed_db, tmp_path, monkeypatch, where):
    data = _padded(MAX_BATCH_BYTES + 1)
    if where == "file":
        path = tmp_path / "queries.yaml"
        path.write_bytes(data)
        arg, shown = str(path), str(path)
    else:
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
        arg, shown = "-", "stdin"
    code, out, err = run_cli("batch", arg, "--db", str(seed_db))
    assert (code, out) == (2, "")
    assert err == f"podkb: {shown}: batch file larger than 2 MiB (podkb's limit): split it\n"


def test_stdin_is_read_no_further_than_one_byte_past_the_limit():
    from podkb.batch import read_batch_stdin

    stream = io.BytesIO(_padded(MAX_BATCH_BYTES + 1) + b"y" * 4096)
    with pytest.raises(InputError, match="larger than 2 MiB"):
        read_batch_stdin(stream)
    assert stream.tell() == MAX_BATCH_BYTES + 1


def test_a_batch_that_is_not_utf8_says_so(run_cli, seed_db, tmp_path):
    path = tmp_path / "queries.yaml"
    path.write_bytes(b"- query: caf\xe9\n")
    code, out, err = run_cli("batch", str(path), "--db", str(seed_db))
    assert (code, out, err) == (2, "", f"podkb: {path}: not UTF-8 text\n")


def test_a_byte_order_mark_is_not_part_of_the_first_query(run_cli, seed_db, tmp_path):
    path = tmp_path / "queries.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + QUERY)
    code, out, err = run_cli("batch", str(path), "--db", str(seed_db))
    assert code == 0, err
    assert {json.loads(line)["name"] for line in out.splitlines()} == {"evals"}
