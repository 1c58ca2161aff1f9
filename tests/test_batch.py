"""podkb batch: many searches from a YAML or JSON lines file, one stream or one file per query."""

from __future__ import annotations

import json

import pytest

from podkb.batch import load_batch, run_batch
from podkb.errors import InputError
from podkb.search import SearchRequest, search

YAML_BATCH = """\
# Three searches
- name: lewis-open-source
  query: open source
  speaker: Lewis Tunstall
  limit: 2
- query: 播客
  lang: zh
- topic: evaluation
  limit: 1
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_yaml_entries_become_search_requests(tmp_path):
    entries = load_batch(write(tmp_path, "q.yaml", YAML_BATCH))
    assert [(e.name, e.line) for e in entries] == [
        ("lewis-open-source", 2),
        ("query-2", 6),
        ("query-3", 8),
    ]
    assert entries[0].request == SearchRequest(
        query="open source", speaker="Lewis Tunstall", limit=2
    )
    assert entries[1].request == SearchRequest(query="播客", lang="zh")


def test_jsonl_and_queries_key_read_the_same(tmp_path):
    jsonl = write(
        tmp_path,
        "q.jsonl",
        "\n".join(
            [
                '{"name": "lewis-open-source", "query": "open source", "speaker": "Lewis Tunstall", "limit": 2}',
                "# a comment",
                '{"query": "播客", "lang": "zh"}',
                "",
                '{"topic": "evaluation", "limit": 1}',
            ]
        ),
    )
    keyed = write(
        tmp_path,
        "k.yaml",
        "queries:\n" + "".join(f"  {line}\n" for line in YAML_BATCH.splitlines()),
    )
    plain = [e.request for e in load_batch(write(tmp_path, "q.yaml", YAML_BATCH))]
    assert [e.request for e in load_batch(jsonl)] == plain
    assert [e.request for e in load_batch(keyed)] == plain
    assert [e.line for e in load_batch(jsonl)] == [1, 3, 5]


def test_run_gives_each_entry_the_hits_search_gives(seed_store, tmp_path):
    run = run_batch(seed_store, write(tmp_path, "q.yaml", YAML_BATCH))
    for entry, result in zip(run.entries, run.results, strict=True):
        assert result.hits == search(seed_store, entry.request).hits
    rows = run.rows(0)
    assert [(r["name"], r["rank"], r["speaker"]) for r in rows] == [
        ("lewis-open-source", 1, "Lewis Tunstall"),
        ("lewis-open-source", 2, "Lewis Tunstall"),
    ]
    assert {"score", "snippet", "text", "start", "line"} <= rows[0].keys()


@pytest.mark.parametrize(
    "name, text, message",
    [
        (
            "q.yaml",
            "- query: x\n  limit: -1\n",
            r"line 2: limit: Input should be greater than or equal to 0",
        ),
        ("q.yaml", '- query: x\n  limit: "5"\n', r"line 2: limit: Input should be a valid integer"),
        ("q.yaml", "- query: x\n- qurey: y\n", r"line 2: qurey: Extra inputs are not permitted"),
        (
            "q.yaml",
            "- query: x\n- speaker: NO\n",
            r"line 2: speaker: Input should be a valid string \(quote it\)",
        ),
        ("q.yaml", "- limit: 3\n", r"line 1: give a query, or a filter"),
        (
            "q.yaml",
            "- query: a\n  name: same\n- query: b\n  name: Same\n",
            r"line 3: name: 'Same' is used by the entry on line 1",
        ),
        ("q.yaml", "query: x\n", r"a batch file is a list of queries"),
        ("q.yaml", "- query: [unclosed\n", r"line \d+: invalid YAML"),
        ("q.yaml", "# nothing\n", r"no queries"),
        (
            "q.jsonl",
            '{"query": "x"}\n{"query": 5}\n',
            r"line 2: query: Input should be a valid string",
        ),
        ("q.jsonl", '{"query": "x"}\n{"query": \n', r"line 2: invalid JSON"),
        (
            "q.yaml",
            "- query: x\n  limit: -1\n- query: y\n  limit: -1\n- {}\n",
            r"line 2: limit: .* \(and 2 more bad entries, on lines 4, 5\)",
        ),
    ],
)
def test_bad_entries_are_reported_with_their_line(tmp_path, name, text, message):
    path = write(tmp_path, name, text)
    with pytest.raises(InputError, match=message) as info:
        load_batch(path)
    assert str(info.value).startswith(f"{path}: ")
    assert "\n" not in str(info.value)


def test_an_entry_that_fails_to_run_is_named_with_its_line(seed_store, tmp_path):
    path = write(
        tmp_path, "q.yaml", "- query: open source\n- speaker: Nobody Here\n  name: ghost\n"
    )
    with pytest.raises(InputError, match=r"line 2: ghost: no speaker 'Nobody Here'"):
        run_batch(seed_store, path)


# --- the command ---------------------------------------------------------------------------------


def test_cli_writes_one_jsonl_stream(run_cli, seed_db, tmp_path):
    code, out, err = run_cli(
        "batch", str(write(tmp_path, "q.yaml", YAML_BATCH)), "--db", str(seed_db)
    )
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["name"] for r in rows] == ["lewis-open-source"] * 2 + ["query-2"] * 2 + ["query-3"]
    assert [r["rank"] for r in rows[:2]] == [1, 2]


def test_cli_out_writes_one_file_per_query(run_cli, seed_db, tmp_path):
    batch = write(tmp_path, "q.yaml", YAML_BATCH + "- query: zzzqqq\n  name: ../../nothing\n")
    out_dir = tmp_path / "results"
    code, out, err = run_cli("batch", str(batch), "--db", str(seed_db), "--out", str(out_dir))
    assert code == 0, err
    names = sorted(p.name for p in out_dir.iterdir())
    assert names == ["lewis-open-source.jsonl", "nothing.jsonl", "query-2.jsonl", "query-3.jsonl"]
    assert (out_dir / "nothing.jsonl").read_text(encoding="utf-8") == ""  # no hits: an empty file
    lines = (out_dir / "lewis-open-source.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and json.loads(lines[0])["speaker"] == "Lewis Tunstall"
    assert len(out.splitlines()) == 4 and "Wrote 4 file(s)" in err


def test_cli_exit_codes(run_cli, seed_db, tmp_path):
    code, out, err = run_cli(
        "batch", str(write(tmp_path, "none.yaml", "- query: zzzqqq\n")), "--db", str(seed_db)
    )
    assert (code, out) == (1, "")
    code, out, err = run_cli(
        "batch", str(write(tmp_path, "bad.yaml", "- qurey: x\n")), "--db", str(seed_db)
    )
    assert code == 2 and "bad.yaml: line 1: qurey" in err and "Traceback" not in err
    code, out, err = run_cli("batch", str(tmp_path / "missing.yaml"), "--db", str(seed_db))
    assert code == 2 and "missing.yaml: cannot read" in err


def test_cli_help_has_an_example(run_cli):
    code, out, _err = run_cli("batch", "--help")
    assert code == 0 and "Example: podkb batch queries.yaml --out results/" in out
