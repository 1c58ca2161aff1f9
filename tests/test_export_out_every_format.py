"""`podkb export --out DIR` in every format on the seed store: one file per episode, named by its
id, each parsed back the way other tools read it; subtitle formats refuse untimed turns before
writing anything (podkb never invents a time); no match is exit 1 with the reason on stderr."""

from __future__ import annotations

import csv
import io
import json

import pytest

from podkb.store import Store

FILE_FORMATS = {"jsonl": ".jsonl", "json": ".json", "csv": ".csv", "md": ".md"}


@pytest.fixture(scope="module")
def seed_counts(seed_db) -> dict[str, int]:
    """episode id -> number of turns, read from the store itself."""
    with Store(seed_db, create=False) as store:
        return {eid: len(store.turns(episode_id=eid)) for eid in store.episode_ids()}


def written(out: str) -> list[str]:
    return [line for line in out.splitlines() if line]


@pytest.mark.parametrize("fmt", sorted(FILE_FORMATS))
def test_out_writes_one_file_per_episode_named_by_its_id(
    run_cli, seed_db, seed_counts, tmp_path, fmt
):
    folder = tmp_path / fmt
    code, out, err = run_cli("export", "--db", str(seed_db), "-f", fmt, "-o", str(folder))
    assert code == 0, err
    suffix = FILE_FORMATS[fmt]
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(f"{eid}{suffix}" for eid in seed_counts)
    # stdout lists the files written (a result a script can read), the summary goes to stderr.
    assert sorted(written(out)) == sorted(str(folder / n) for n in names)
    total = sum(seed_counts.values())
    assert f"Wrote {len(seed_counts)} file(s), {total} turns" in err


def test_out_jsonl_files_hold_exactly_their_episodes_turns(run_cli, seed_db, seed_counts, tmp_path):
    code, _out, err = run_cli("export", "--db", str(seed_db), "-o", str(tmp_path))
    assert code == 0, err
    for eid, count in seed_counts.items():
        lines = (tmp_path / f"{eid}.jsonl").read_text(encoding="utf-8").splitlines()
        turns = [json.loads(line) for line in lines]
        assert len(turns) == count
        assert {t["episode_id"] for t in turns} == {eid}
        assert [t["turn"] for t in turns] == sorted(t["turn"] for t in turns)
        # Provenance travels with every turn: source file and line.
        assert all(t["source"] and t["line"] >= 1 for t in turns)


def test_out_json_and_csv_agree_with_jsonl(run_cli, seed_db, seed_counts, tmp_path):
    for fmt in ("jsonl", "json", "csv"):
        code, _out, err = run_cli(
            "export", "--db", str(seed_db), "-f", fmt, "-o", str(tmp_path / fmt)
        )
        assert code == 0, err
    for eid in seed_counts:
        jsonl = [
            json.loads(line)
            for line in (tmp_path / "jsonl" / f"{eid}.jsonl")
            .read_text(encoding="utf-8")
            .splitlines()
        ]
        array = json.loads((tmp_path / "json" / f"{eid}.json").read_text(encoding="utf-8"))
        assert array == jsonl
        text = (tmp_path / "csv" / f"{eid}.csv").read_text(encoding="utf-8")
        rows = list(csv.DictReader(io.StringIO(text)))
        assert [r["text"] for r in rows] == [t["text"] for t in jsonl]
        assert [r["speaker"] for r in rows] == [t["speaker"] or "" for t in jsonl]
        assert [int(r["line"]) for r in rows] == [t["line"] for t in jsonl]


def test_out_markdown_names_the_episode_and_every_speaker(run_cli, seed_db, tmp_path):
    code, _out, err = run_cli(
        "export", "--db", str(seed_db), "-f", "md", "-o", str(tmp_path), "-e", "humans-of-ai"
    )
    assert code == 0, err
    (page,) = tmp_path.iterdir()
    text = page.read_text(encoding="utf-8")
    assert text.startswith("# ")
    assert "**Show:** Humans of AI" in text
    assert "**Sheikh Shuvo**" in text and "**Lewis Tunstall**" in text


def test_out_opensearch_writes_bulk_files_and_the_index_template(
    run_cli, seed_db, seed_counts, tmp_path
):
    code, _out, err = run_cli(
        "export", "--db", str(seed_db), "-f", "opensearch", "-o", str(tmp_path)
    )
    assert code == 0, err
    template = json.loads((tmp_path / "_index_template.json").read_text(encoding="utf-8"))
    assert template["index_patterns"] == ["podkb-turns*"]
    for eid, count in seed_counts.items():
        lines = (tmp_path / f"{eid}.ndjson").read_text(encoding="utf-8").splitlines()
        assert len(lines) == 2 * count  # the bulk API: an action line, then its document
        actions = [json.loads(line) for line in lines[0::2]]
        docs = [json.loads(line) for line in lines[1::2]]
        assert [a["index"]["_id"] for a in actions] == [f"{eid}/{d['turn']}" for d in docs]
        assert {d["episode_id"] for d in docs} == {eid}


@pytest.mark.parametrize("fmt", ["srt", "vtt", "podcast-json"])
def test_timed_formats_refuse_untimed_turns_and_write_nothing(run_cli, seed_db, tmp_path, fmt):
    folder = tmp_path / fmt
    code, out, err = run_cli("export", "--db", str(seed_db), "-f", fmt, "-o", str(folder))
    assert code == 2
    assert out == ""
    assert f"{fmt} gives every cue a time" in err and "podkb never invents one" in err
    assert "export them as jsonl, json, csv or md" in err
    assert "Traceback" not in err
    assert not folder.exists() or not list(folder.iterdir())


def test_no_matching_turn_is_exit_1_and_no_file(run_cli, seed_db, tmp_path):
    folder = tmp_path / "none"
    code, out, err = run_cli("export", "zzzqqqx", "--db", str(seed_db), "-o", str(folder))
    assert code == 1
    assert out == ""
    assert "no turns match the query 'zzzqqqx'" in err
    assert "Wrote" not in err
    assert not folder.exists()  # no folder is made for nothing


@pytest.mark.parametrize(
    "args, message",
    [
        (["--since", "2024-13"], "--since: '2024-13' is not a date"),
        (["--until", "soon"], "--until: 'soon' is not a date"),
        (["--episode", "no-such-episode"], "no episode 'no-such-episode'"),
    ],
)
def test_bad_filters_are_one_line_and_exit_2(run_cli, seed_db, tmp_path, args, message):
    code, out, err = run_cli("export", "--db", str(seed_db), "-o", str(tmp_path / "x"), *args)
    assert code == 2
    assert out == ""
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
