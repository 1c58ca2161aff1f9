"""Nothing lost: an episode's identity, `podkb remove` and names kept for a file.

Two files of one name in two folders are two episodes, whatever order they are read in, and
reading the same folders again changes nothing. `remove` never takes a blank id for every id,
lists a bounded number of matches, asks before it deletes, and `--missing` only means a file
that is gone. Names given to a file's speakers never pass to another transcript at that path.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import sys
from pathlib import Path

import pytest
from conftest import SEEDS
from test_terminal import _env, run_pty

from podkb.ingest import ingest_paths
from podkb.store.sqlite import SQLiteStore as Store

SRT = """\
1
00:00:00,000 --> 00:00:04,000
SPEAKER_00: {a}

2
00:00:04,000 --> 00:00:08,000
SPEAKER_01: {b}
"""


def _srt(a: str, b: str) -> str:
    return SRT.format(a=a, b=b)


def _episodes(db) -> dict[str, tuple[str, str]]:
    """episode id -> (source path, first turn's text)."""
    with Store(db, create=False) as store:
        return {
            e: (store.episode_source(e)[0], store.turns(episode_id=e)[0].text)
            for e in store.episode_ids()
        }


@pytest.fixture()
def two_shows(tmp_path: Path) -> Path:
    """showA/episode-1.srt and showB/episode-1.srt: one file name, two transcripts."""
    for show, words in (("showA", "Welcome to show A."), ("showB", "Welcome to show B.")):
        (tmp_path / show).mkdir()
        (tmp_path / show / "episode-1.srt").write_text(
            _srt(words, "Thanks for having me."), encoding="utf-8"
        )
    return tmp_path


# --- identity ----------------------------------------------------------------------------------


def test_one_file_name_in_two_folders_is_two_episodes(tmp_path, two_shows):
    db = tmp_path / "kb.db"
    with Store(db) as store:
        report = ingest_paths([two_shows / "showA", two_shows / "showB"], store)
    assert [f.status for f in report.files] == ["ingested", "ingested"]
    ids = [f.episode_id for f in report.files]
    assert len(set(ids)) == 2 and ids[0] == "episode-1"  # the first keeps the plain id
    held = _episodes(db)
    assert sorted(text for _, text in held.values()) == ["Welcome to show A.", "Welcome to show B."]
    assert {Path(path).parent.name for path, _ in held.values()} == {"showA", "showB"}


def test_reading_the_same_folders_again_changes_nothing(tmp_path, two_shows):
    db = tmp_path / "kb.db"
    folders = [two_shows / "showA", two_shows / "showB"]
    with Store(db) as store:
        ingest_paths(folders, store)
    before = _episodes(db)
    for force in (False, True):
        with Store(db) as store:
            report = ingest_paths(folders, store, force=force)
        assert not report.failed
        assert _episodes(db) == before  # no swap, no new id, with or without --force
    with Store(db) as store:  # the other order: each file keeps its own episode
        ingest_paths(list(reversed(folders)), store, force=True)
    assert _episodes(db) == before


def test_a_file_that_does_not_clash_keeps_its_id_and_a_moved_file_keeps_its_episode(tmp_path):
    db = tmp_path / "kb.db"
    seed = sorted(SEEDS.iterdir())[0]
    old = tmp_path / "old" / seed.name
    old.parent.mkdir()
    old.write_bytes(seed.read_bytes())
    with Store(db) as store:
        (first,) = ingest_paths([old], store).files
    moved = tmp_path / "new" / seed.name
    moved.parent.mkdir()
    old.rename(moved)
    with Store(db) as store:
        (again,) = ingest_paths([moved], store).files
        assert store.episode_ids() == [first.episode_id]  # one episode, not a copy
        assert store.episode_source(first.episode_id)[0] == str(moved.resolve())
    assert again.episode_id == first.episode_id == "humans-of-ai-16-lewis-tunstall"


def test_stdin_under_one_name_is_one_episode_and_never_missing(run_cli, tmp_path, monkeypatch):
    db = str(tmp_path / "kb.db")
    for text in ("First take.", "Second take."):
        data = _srt(text, "Bye now.").encode()
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
        code, out, err = run_cli("ingest", "-", "--name", "piped.srt", "--db", db, "-f", "jsonl")
        assert code == 0, err
        assert json.loads(out)["episode_id"] == "piped"
    assert list(_episodes(db).values())[0][1] == "Second take."
    assert len(_episodes(db)) == 1
    code, out, err = run_cli("remove", "--missing", "--yes", "--db", db)
    assert code == 1 and out == "" and "Nothing to remove" in err
    assert list(_episodes(db)) == ["piped"]


def test_remove_missing_keeps_episodes_spooled_from_stdin_by_an_older_podkb(run_cli, tmp_path):
    db = str(tmp_path / "kb.db")
    kept = tmp_path / "kept.srt"
    kept.write_text(_srt("Still here.", "Yes."), encoding="utf-8")
    run_cli("ingest", str(kept), "--db", db)
    with sqlite3.connect(db) as conn:  # what podkb 0.x stored for `ingest -`: its spool path
        conn.execute(
            "UPDATE episodes SET source_path='/tmp/podkb-stdin-k2j3/kept.srt' WHERE episode_id='kept'"
        )
    conn.close()
    assert run_cli("remove", "--missing", "--yes", "--db", db)[0] == 1
    assert list(_episodes(db)) == ["kept"]


def test_a_source_path_that_became_a_folder_is_missing(run_cli, tmp_path):
    db = str(tmp_path / "kb.db")
    path = tmp_path / "gone.srt"
    path.write_text(_srt("Soon a folder.", "Indeed."), encoding="utf-8")
    run_cli("ingest", str(path), "--db", db)
    path.unlink()
    path.mkdir()
    code, out, err = run_cli("remove", "--missing", "--yes", "--db", db)
    assert code == 0, err
    assert out.splitlines() == ["gone"]


def test_stdin_messages_name_the_name_given_not_a_spool_path(run_cli, tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"{}")))
    code, out, err = run_cli("ingest", "-", "--name", "talk.json", "--db", str(tmp_path / "k.db"))
    assert code == 2
    assert err.startswith("podkb: talk.json: ") and "podkb-stdin" not in err, err


def test_stdin_ingest_leaves_nothing_in_the_temporary_folder(tmp_path, monkeypatch):
    import subprocess

    spool = tmp_path / "tmp"
    spool.mkdir()
    env = {**os.environ, "TMPDIR": str(spool), "PODKB_DB": str(tmp_path / "kb.db")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "podkb", "ingest", "-", "--name", "slow.srt"],
        stdin=subprocess.PIPE,
        env=env,
    )
    assert proc.stdin is not None
    proc.stdin.write(b"1\n00:00:00,000 --> 00:00:01,000\nHost: half a transcript")
    proc.stdin.flush()
    import time

    time.sleep(1.5)  # podkb is reading stdin now
    proc.kill()  # SIGKILL: no clean-up can run
    proc.wait()
    assert [p.name for p in spool.iterdir() if p.name.startswith("podkb-stdin-")] == []


# --- remove ------------------------------------------------------------------------------------


@pytest.fixture()
def store_of_one(run_cli, tmp_path) -> str:
    db = str(tmp_path / "kb.db")
    path = tmp_path / "only.srt"
    path.write_text(_srt("The only episode.", "Keep it."), encoding="utf-8")
    assert run_cli("ingest", str(path), "--db", db)[0] == 0
    return db


@pytest.mark.parametrize("blank", ["", " ", "\t"])
def test_remove_of_a_blank_id_is_a_usage_error(run_cli, store_of_one, blank):
    code, out, err = run_cli("remove", blank, "--yes", "--db", store_of_one)
    assert code == 2 and out == ""
    assert "empty episode id" in err
    assert list(_episodes(store_of_one)) == ["only"]


def test_an_ambiguous_prefix_lists_a_bounded_number_of_matches(run_cli, tmp_path):
    db = str(tmp_path / "kb.db")
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(40):
        (folder / f"ep-{n:03}.srt").write_text(_srt(f"Episode {n}.", "Bye."), encoding="utf-8")
    assert run_cli("ingest", str(folder), "--db", db)[0] == 0
    code, out, err = run_cli("remove", "ep-", "--yes", "--db", db)
    assert code == 2 and out == ""
    assert "40 episodes start with it" in err and "and 30 more" in err
    assert len(err) < 400
    assert len(_episodes(db)) == 40


def test_remove_off_a_terminal_needs_yes_and_deletes_nothing_without_it(run_cli, store_of_one):
    code, out, err = run_cli("remove", "only", "--db", store_of_one)
    assert code == 2 and out == ""
    assert "pass --yes" in err and "only" in err
    assert list(_episodes(store_of_one)) == ["only"]


def test_remove_dry_run_lists_and_deletes_nothing(run_cli, store_of_one):
    code, out, err = run_cli("remove", "on", "--dry-run", "--db", store_of_one)
    assert code == 0, err
    assert out.splitlines() == ["only"] and "nothing removed" in err
    assert list(_episodes(store_of_one)) == ["only"]


@pytest.mark.parametrize(("answer", "kept"), [(b"n\r", True), (b"\r", True), (b"y\r", False)])
def test_remove_on_a_terminal_shows_what_goes_and_asks(store_of_one, answer, kept):
    code, screen = run_pty(
        ["remove", "only", "--db", store_of_one], cols=80, rows=24, env=_env(), keys=answer
    )
    assert "only" in screen and "Remove 1 episode(s)? [y/N]" in screen
    assert (code, bool(_episodes(store_of_one))) == ((1, True) if kept else (0, False))


# --- names kept for a file ---------------------------------------------------------------------


def test_names_do_not_pass_to_a_different_transcript_at_the_same_path(run_cli, tmp_path):
    db = str(tmp_path / "kb.db")
    path = tmp_path / "interview.srt"
    hello = "I'm Maya Chen, and this is Field Notes, the show about weather stations."
    thanks = "Thanks for having me, Maya, it is good to be here."
    path.write_text(_srt(hello, thanks), encoding="utf-8")
    run_cli("ingest", str(path), "--db", db)
    assert run_cli("speakers", "name", "interview", "SPEAKER_00=Maya Chen", "--db", db)[0] == 0
    # An edit keeps the names: most of the text is the same.
    path.write_text(_srt(hello.replace("I'm", "Hello, I am"), thanks), encoding="utf-8")
    assert run_cli("ingest", str(path), "--db", db)[0] == 0
    with Store(db, create=False) as store:
        assert store.turns(episode_id="interview")[0].speaker == "Maya Chen"
    # Another transcript takes the path: its SPEAKER_00 is someone else.
    path.write_text(_srt("Good evening, this is the news.", "Weather next."), encoding="utf-8")
    code, _, err = run_cli("ingest", str(path), "--db", db)
    assert code == 0, err
    assert "different transcript" in err
    with Store(db, create=False) as store:
        assert store.turns(episode_id="interview")[0].speaker == "SPEAKER_00"
        assert store.speaker_names_for(str(path.resolve())) == {}


def test_one_label_given_two_names_in_one_command_is_an_error(run_cli, tmp_path):
    db = str(tmp_path / "kb.db")
    path = tmp_path / "interview.srt"
    path.write_text(_srt("Hello.", "Hi."), encoding="utf-8")
    run_cli("ingest", str(path), "--db", db)
    code, out, err = run_cli(
        "speakers", "name", "interview", "SPEAKER_00=Maya Chen", "speaker_00=Tom Okafor", "--db", db
    )
    assert code == 2 and out == ""
    assert "SPEAKER_00" in err and "two names" in err
    with Store(db, create=False) as store:
        assert store.turns(episode_id="interview")[0].speaker == "SPEAKER_00"
