"""Curated YAML with errors or surprises: one line naming the file, the line and the field.

PODKB_DATA points at a tmp folder holding the bad file; nothing is ingested when it is bad.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from podkb.store import Store

CONVERSATION = "Host: Hello.\nGuest: Hi.\nHost: Bye.\nGuest: Bye.\n"


@pytest.mark.parametrize(
    "file, content, expected",
    [
        (
            "catalog.yaml",
            "episodes:\n  - source: a.txt\n    title: [unclosed\n",
            "line 4: invalid YAML: expected ',' or ']'",
        ),
        (
            "catalog.yaml",
            "episodes:\n  - source: a.txt\n    hosts: [NO]\n",
            'line 3: episodes.0.hosts.0: YAML reads NO as a boolean (false); quote it: "NO"',
        ),
        (
            "catalog.yaml",
            "episodes:\n  - source: a.txt\n    date: 1:30\n",
            'line 3: episodes.0.date: YAML reads 1:30 as a number (90); quote it: "1:30"',
        ),
        (
            "catalog.yaml",
            "episodes:\n  - source: a.txt\n    date: 2024-01-05\n",
            "line 3: episodes.0.date: YAML reads 2024-01-05 as a date (2024-01-05); "
            'quote it: "2024-01-05"',
        ),
        (
            "catalog.yaml",
            "episodes:\n  - source: 012\n",
            'line 2: episodes.0.source: YAML reads 012 as a number (10); quote it: "012"',
        ),
        (
            "catalog.yaml",
            "episodes: !!python/object/apply:os.system ['echo pwned > {tmp}/pwned']\n",
            "line 1: invalid YAML: the tag !!python/object/apply:os.system is not allowed",
        ),
        (
            "catalog.yaml",
            "episodes:\n  - source: a.txt\n    hostz: [A]\n",
            "line 3: episodes.0.hostz: Extra inputs are not permitted",
        ),
        (
            "catalog.yaml",
            "episodes:\n  - source: a.txt\n    title: One\n    title: Two\n",
            "line 4: invalid YAML: key 'title' is given twice",
        ),
        (
            "catalog.yaml",
            "- source: a.txt\n",
            "line 1: top level: expected a mapping with `episodes:` at the top",
        ),
        (
            "catalog.yaml",
            "episodes:\n\t- source: a.txt\n",
            "line 2: invalid YAML: found character '\\t'",
        ),
        (
            "speakers.yaml",
            "speakers:\n  - name: Ada Lovelace\n    aliases: [Ada, Off]\n",
            'line 3: speakers.0.aliases.1: YAML reads Off as a boolean (false); quote it: "Off"',
        ),
        (
            "speakers.yaml",
            "speakers:\n  - name:\n",
            "line 2: speakers.0.name: is empty; give a value",
        ),
        (
            "speakers.yaml",
            b"speakers:\n  - name: Jos\xe9\n",
            "line 2: not UTF-8 text (byte 0xe9); save it as UTF-8",
        ),
    ],
)
def test_bad_yaml_is_one_line_with_file_line_and_field(run_cli, tmp_path, file, content, expected):
    data = tmp_path / "data"
    data.mkdir()
    raw = (
        content if isinstance(content, bytes) else content.replace("{tmp}", str(tmp_path)).encode()
    )
    (data / file).write_bytes(raw)
    transcript = tmp_path / "a.txt"
    transcript.write_text(CONVERSATION)
    db = tmp_path / "kb.db"
    code, out, err = run_cli(
        "ingest", "--db", str(db), str(transcript), env={"PODKB_DATA": str(data)}
    )
    assert code == 2
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"podkb: {data / file}: {expected}"), lines[0]
    assert not (tmp_path / "pwned").exists()
    with Store(db) as store:
        assert store.counts()["episodes"] == 0


def test_quoted_values_are_read_as_written(run_cli, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "catalog.yaml").write_text(
        'episodes:\n  - source: a.txt\n    episode_id: ep\n    hosts: ["NO"]\n    guests: ["Yes"]\n'
        '    date: "2024-01-05"\n    title: "1:30"\n'
    )
    (data / "speakers.yaml").write_text('speakers:\n  - name: "NO"\n    aliases: ["Off", Host]\n')
    transcript = tmp_path / "a.txt"
    transcript.write_text(CONVERSATION)
    db = tmp_path / "kb.db"
    code, _, err = run_cli(
        "ingest", "--db", str(db), str(transcript), env={"PODKB_DATA": str(data)}
    )
    assert code == 0, err
    with Store(db, create=False) as store:
        (ep,) = store.episodes()
        assert (ep.hosts, ep.guests, ep.date, ep.title) == (["NO"], ["Yes"], "2024-01-05", "1:30")
        assert store.turns()[0].speaker == "NO"


@pytest.mark.parametrize("text", ["", "# only a comment\n", "\ufeffepisodes: []\n"])
def test_empty_yaml_is_no_metadata(tmp_path, text):
    from podkb.catalog import load_metadata

    (tmp_path / "catalog.yaml").write_text(text, encoding="utf-8")
    assert load_metadata(tmp_path).catalog == {}


def test_the_shipped_yaml_is_valid():
    from podkb.catalog import data_dir, load_metadata

    meta = load_metadata(data_dir())
    assert meta.catalog and meta.speakers


def test_export_with_a_bad_speaker_register_is_one_line(run_cli, tmp_path, seed_db):
    data = tmp_path / "data"
    data.mkdir()
    (data / "speakers.yaml").write_text("speakers: [\n")
    # 劉易斯 is only in the register (the store's names and labels do not have it), so it is read.
    code, out, err = run_cli(
        "export", "--db", str(seed_db), "--speaker", "劉易斯", env={"PODKB_DATA": str(data)}
    )
    assert code == 2 and out == ""
    assert err.startswith(f"podkb: {Path(data / 'speakers.yaml')}: line 2: invalid YAML")
    assert len(err.strip().splitlines()) == 1
