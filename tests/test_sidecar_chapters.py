"""An episode's chapters file (`episode.chapters.json`, Podcasting 2.0) next to its transcript:
its chapters in time order, each turn in the chapter it starts in, blank titles left out; and a
chapters file podkb cannot use fails the transcript's file in one line naming the chapters file,
so that a wrong chapter never lands silently. And a text file's YAML front matter: its title is
the episode's, its lines are metadata."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import FIXTURES

SRT = FIXTURES / "interchange" / "sidecar" / "episode.srt"  # cues at 0, 4, 168 and 172 s


@pytest.fixture()
def episode(tmp_path):
    path = tmp_path / "e.srt"
    shutil.copyfile(SRT, path)
    return path


def _ingest(run_cli, path, db):
    return run_cli("ingest", str(path), "--db", str(db), "--format", "json")


def test_chapters_are_in_time_order_and_each_turn_is_in_the_one_it_starts_in(
    run_cli, episode, tmp_path
):
    chapters = [
        {"startTime": 170, "title": "Cheap sensors"},
        {"startTime": 0, "title": "Welcome"},
        {"startTime": 5, "title": "   "},  # no title: not a chapter
    ]
    (tmp_path / "e.chapters.json").write_text(
        json.dumps({"version": "1.2.0", "chapters": chapters})
    )
    db = tmp_path / "kb.db"
    code, out, err = _ingest(run_cli, episode, db)
    assert code == 0, err
    (episode_id,) = json.loads(out)["episodes"]
    shown = json.loads(run_cli("show", episode_id, "--db", str(db), "--format", "json")[1])
    assert shown["chapters"] == [
        {"title": "Welcome", "start": 0.0},
        {"title": "Cheap sensors", "start": 170.0},
    ]
    # 0 s, 4 s and 168 s start before 170 s; 172 s is in the second chapter.
    assert [t["chapter"] for t in shown["turns"]] == ["Welcome"] * 3 + ["Cheap sensors"]


@pytest.mark.parametrize(
    "content, reason",
    [
        ('{"chapters": 3}', "Podcasting 2.0 chapters: `chapters` must be a list"),
        (
            '{"version": "1.2.0", "chapters": [{"title": "x"}]}',
            "chapters[0].startTime: Field required",
        ),
        (
            '{"version": "1.2.0", "chapters": [{"startTime": "soon", "title": "x"}]}',
            "chapters[0].startTime: Input should be a valid number, unable to parse string as a number",
        ),
        ('{"chapters": [\n', "line 2: invalid JSON: Expecting value"),
    ],
)
def test_a_chapters_file_podkb_cannot_use_fails_its_transcript_naming_it(
    run_cli, episode, tmp_path, content, reason
):
    chapters = tmp_path / "e.chapters.json"
    chapters.write_text(content)
    db = tmp_path / "kb.db"
    code, out, err = _ingest(run_cli, episode, db)
    assert code == 2
    assert err == f"podkb: {chapters}: {reason}\n"
    (result,) = json.loads(out)["results"]
    assert (result["status"], result["error"]) == ("failed", f"{chapters}: {reason}")


def test_once_the_chapters_file_is_mended_the_transcript_lands(run_cli, episode, tmp_path):
    chapters = tmp_path / "e.chapters.json"
    chapters.write_text('{"chapters": 3}')
    db = tmp_path / "kb.db"
    assert _ingest(run_cli, episode, db)[0] == 2
    chapters.write_text('{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "All"}]}')
    code, out, _ = _ingest(run_cli, episode, db)
    assert code == 0 and json.loads(out)["ingested"] == 1


# --- front matter ----------------------------------------------------------------------------


def test_a_text_files_front_matter_gives_the_title_and_is_metadata(run_cli, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text(
        '---\ntitle: "Front Title"\nauthor: someone\n---\n\n'
        "So we begin here with a paragraph.\n\nAnd another paragraph follows.\n"
    )
    db = tmp_path / "kb.db"
    code, out, err = run_cli("ingest", str(path), "--db", str(db), "--format", "json")
    assert code == 0, err
    (result,) = json.loads(out)["results"]
    assert (result["lines"]["metadata"], result["lines"]["text"]) == (4, 2)
    assert result["lines"]["unaccounted"] == 0
    (row,) = json.loads(run_cli("episodes", "--db", str(db), "--format", "json")[1])
    assert (row["episode_id"], row["title"], row["turns"]) == ("front-title", "Front Title", 2)
    turns = json.loads(run_cli("show", "front-title", "--db", str(db), "--format", "json")[1])
    assert [t["line"] for t in turns["turns"]] == [6, 8]


def test_an_unclosed_front_matter_is_a_rule_and_a_title_line_not_a_block(run_cli, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("---\ntitle: Never closed\n\nSo we begin here with a paragraph.\n")
    db = tmp_path / "kb.db"
    code, out, _ = run_cli("ingest", str(path), "--explain", "--db", str(db), "--format", "jsonl")
    assert code == 0
    classes = [(r["line"], r["class"]) for r in map(json.loads, out.splitlines())]
    assert classes == [(1, "chrome"), (2, "metadata"), (4, "text")]
