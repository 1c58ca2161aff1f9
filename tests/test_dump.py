"""Dump and restore: a whole-store `podkb export --format jsonl|json` re-ingests, on either
engine, to the same episodes, turns (with their original provenance) and user-given names."""

from __future__ import annotations

import io
import json
import shutil
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, SEEDS

from podkb.store import open_store

DIARIZED = """\
1
00:00:00,000 --> 00:00:04,000
SPEAKER_00: Hello and welcome. I'm Maya Chen, and this is Field Notes.

2
00:00:04,000 --> 00:00:08,000
SPEAKER_01: Thanks for having me. My name is Tom and I build rain gauges.

3
00:00:08,000 --> 00:00:12,000
SPEAKER_00: Tell us about the first rain gauge you built.
"""


def snapshot(location: str) -> dict[str, object]:
    """Everything a restore must give back, engine-neutral."""
    with open_store(location, create=False) as store:
        episodes = store.episodes()
        out: dict[str, object] = {}
        for ep in episodes:
            path, sha256, fmt = store.episode_source(ep.episode_id)
            out[ep.episode_id] = {
                "episode": ep.model_dump(),
                "turns": [
                    {**t.model_dump(), "times": [list(x) for x in t.times]}
                    for t in store.turns(episode_id=ep.episode_id)
                ],
                "source": (path, sha256, fmt),
                "from": [r for r in store.episodes_from(path) if r[0] == ep.episode_id],
                "names": store.speaker_names_for(path or ep.source),
            }
        # Speakers with their aliases (the labels as written), roles and counts.
        from podkb.speakers import speaker_summary

        out["(speakers)"] = speaker_summary(store)
        return out


@pytest.fixture()
def original(tmp_path, run_cli) -> str:
    """A store of the seeds, timed and Chinese samples, and an episode whose labels a user named."""
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus / "seeds")
    for name in ("interview_zh.srt", "voices_en.vtt", "segments_zh.json"):
        shutil.copy(FIXTURES / "interchange" / name, corpus / name)
    (corpus / "diarized-call.srt").write_text(DIARIZED, encoding="utf-8")
    db = str(tmp_path / "original.db")
    code, _, err = run_cli("ingest", str(corpus), "--db", db, "-f", "json")
    assert code == 0, err
    code, _, err = run_cli(
        "speakers", "name", "diarized-call", "SPEAKER_00=Maya Chen", "--role", "host", "--db", db
    )
    assert code == 0, err
    return db


def _export(run_cli, db: str, fmt: str) -> str:
    code, out, err = run_cli("export", "--format", fmt, "--db", db)
    assert code == 0, err
    return out


def _ingest_text(run_cli, monkeypatch, tmp_path, db: str, text: str, fmt: str, via: str) -> dict:
    """Ingest a dump from a file, or from stdin without --name."""
    if via == "file":
        dump = tmp_path / f"kb-{fmt}.{fmt}"
        dump.write_text(text, encoding="utf-8")
        code, out, err = run_cli("ingest", str(dump), "--db", db, "-f", "json")
    else:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8"))))
        code, out, err = run_cli("ingest", "-", "--db", db, "-f", "json")
    assert code == 0, err
    return json.loads(out)


@pytest.mark.parametrize("via", ["file", "stdin"])
@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_sqlite_to_postgresql_and_back_gives_the_same_store(
    original, new_pg_database, run_cli, monkeypatch, tmp_path, fmt, via
):
    expected = snapshot(original)
    assert len(expected) == 10 and expected["diarized-call"]["names"] == {
        "SPEAKER_00": ("Maya Chen", "host")
    }
    server = new_pg_database()
    report = _ingest_text(
        run_cli, monkeypatch, tmp_path, server, _export(run_cli, original, fmt), fmt, via
    )
    assert report["ingested"] == 1
    assert sorted(report["episodes"]) == sorted(set(expected) - {"(speakers)"})
    assert snapshot(server) == expected

    back = str(tmp_path / "back.db")
    _ingest_text(run_cli, monkeypatch, tmp_path, back, _export(run_cli, server, fmt), fmt, via)
    assert snapshot(back) == expected


def test_a_dump_keeps_the_original_file_and_line_of_every_turn(original, run_cli, tmp_path):
    dump = tmp_path / "kb.jsonl"
    dump.write_text(_export(run_cli, original, "jsonl"), encoding="utf-8")
    restored = str(tmp_path / "restored.db")
    assert run_cli("ingest", str(dump), "--db", restored)[0] == 0
    with open_store(restored, create=False) as store:
        turn = store.turns(episode_id="humans-of-ai-16-lewis-tunstall")[0]
    assert (turn.source, turn.line) == ("000_084d43b1bddc1ac0.txt", 12)


def test_the_ingest_report_accounts_for_every_line_of_a_dump(original, run_cli, tmp_path):
    text = _export(run_cli, original, "json")
    dump = tmp_path / "kb.json"
    dump.write_text(text, encoding="utf-8")
    code, out, err = run_cli("ingest", str(dump), "--db", str(tmp_path / "r.db"), "-f", "json")
    assert code == 0, err
    (result,) = json.loads(out)["results"]
    non_blank = sum(1 for line in text.split("\n") if line.strip())
    assert sum(result["lines"].values()) == non_blank and result["lines"]["unaccounted"] == 0
    assert len(result["episode_ids"]) == 9 and result["words_kept"] == result["words_source"]


def test_a_restored_store_finds_its_files_unchanged(original, run_cli, tmp_path):
    """Moved to another store on the same machine, the episodes stay tied to their files."""
    dump = tmp_path / "kb.jsonl"
    dump.write_text(_export(run_cli, original, "jsonl"), encoding="utf-8")
    restored = str(tmp_path / "restored.db")
    assert run_cli("ingest", str(dump), "--db", restored)[0] == 0
    reports = []
    for db in (original, restored):
        code, out, err = run_cli("ingest", str(tmp_path / "corpus"), "--db", db, "-f", "json")
        assert code == 0, err
        reports.append([(r["path"], r["status"]) for r in json.loads(out)["results"]])
    assert reports[0] == reports[1]
    assert sum(status == "unchanged" for _, status in reports[1]) >= 8
    # The names a user gave outlive a re-ingest of the file in the restored store too.
    assert snapshot(restored) == snapshot(original)


def test_a_dump_restored_where_its_files_are_not_has_nothing_missing(original, run_cli, tmp_path):
    dump = tmp_path / "kb.jsonl"
    dump.write_text(_export(run_cli, original, "jsonl"), encoding="utf-8")
    shutil.rmtree(tmp_path / "corpus")
    restored = str(tmp_path / "restored.db")
    assert run_cli("ingest", str(dump), "--db", restored)[0] == 0
    assert run_cli("remove", "--missing", "--db", restored)[0] == 1  # nothing removed
    assert len(snapshot(restored)) == 10  # 9 episodes and the speakers


def test_per_episode_files_keep_their_episode(original, run_cli, tmp_path):
    out_dir = tmp_path / "out"
    code, _, err = run_cli("export", "--format", "jsonl", "--out", str(out_dir), "--db", original)
    assert code == 0, err
    restored = str(tmp_path / "restored.db")
    assert run_cli("ingest", str(out_dir), "--db", restored)[0] == 0
    assert snapshot(restored) == snapshot(original)


def test_a_dump_of_a_later_version_is_refused_with_why(original, run_cli, tmp_path):
    rows = [json.loads(line) for line in _export(run_cli, original, "jsonl").splitlines()]
    rows[0]["episode"]["dump_version"] = 99
    dump = tmp_path / "future.jsonl"
    dump.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    code, _, err = run_cli("ingest", str(dump), "--db", str(tmp_path / "r.db"))
    assert code == 2
    assert "version 99" in err and "upgrade podkb" in err and "Traceback" not in err


def test_turn_records_without_their_episode_are_still_one_episode(tmp_path, run_cli):
    """Hand-written turn records (no `episode`) read as before: one episode, this file's lines."""
    path = tmp_path / "mine.jsonl"
    record = {"episode_id": "mine", "turn": 0, "speaker": "Ann", "speaker_label": "Ann"}
    record |= {"text": "Hello there.", "lang": "en", "source": "x.txt", "line": 7}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    db = str(tmp_path / "kb.db")
    assert run_cli("ingest", str(path), "--db", db)[0] == 0
    with open_store(db, create=False) as store:
        (turn,) = store.turns(episode_id="mine")
    assert (turn.source, turn.line) == ("mine.jsonl", 1)


def test_stdin_that_is_not_a_podkb_export_still_needs_a_name(run_cli, monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"Ann: hello there\n")))
    code, _, err = run_cli("ingest", "-", "--db", str(tmp_path / "kb.db"))
    assert code == 2 and "--name" in err


def test_the_dump_carries_every_episode_field(original, run_cli):
    """New Episode fields travel without a change to export or ingest (model_dump)."""
    from podkb.models import Episode

    first = json.loads(_export(run_cli, original, "jsonl").splitlines()[0])
    assert set(first["episode"]["fields"]) == set(Episode.model_fields)
    assert Path(first["episode"]["store"]["source_path"]).is_file()


def test_a_filtered_export_never_replaces_the_whole_episode_it_came_from(
    original, run_cli, tmp_path
):
    code, out, err = run_cli("export", "--speaker", "Lewis Tunstall", "--db", original)
    assert code == 0, err
    part = tmp_path / "lewis.jsonl"
    part.write_text(out, encoding="utf-8")
    before = snapshot(original)
    code, _, err = run_cli("ingest", str(part), "--db", original)
    assert code == 2 and "a filtered export" in err and str(part) in err
    assert snapshot(original) == before  # nothing dropped, nothing half-written
    # Into a store without those episodes, the turns it holds are restored.
    fresh = str(tmp_path / "fresh.db")
    assert run_cli("ingest", str(part), "--db", fresh)[0] == 0
    turns = [t for k, ep in snapshot(fresh).items() if k != "(speakers)" for t in ep["turns"]]
    assert turns and {t["speaker"] for t in turns} == {"Lewis Tunstall"}
