"""Every exporter: what it writes, parsed the way other tools parse it."""

from __future__ import annotations

import csv
import html
import io
import json
import os

import pytest
from conftest import FIXTURES

from podkb.request import TurnFilter
from podkb.search import ResolvedFilter

SAMPLES = FIXTURES / "interchange"


@pytest.fixture()
def store(tmp_path):
    """The sidecar episode (chapters, roles), a Chinese one, and one without speakers."""
    from podkb.ingest import ingest_paths
    from podkb.store import Store

    s = Store(tmp_path / "kb.db")
    no_speakers = tmp_path / "monologue.txt"
    no_speakers.write_text(
        "# A short monologue\n\n=SUM(A1) is what the sheet said.\n\nThen I left, & that was <it>.\n",
        encoding="utf-8",
    )
    report = ingest_paths(
        [
            SAMPLES / "sidecar" / "episode.srt",
            SAMPLES / "interview_zh.srt",
            SAMPLES / "segments_zh.json",
            no_speakers,
        ],
        s,
    )
    assert not report.failed, report.failed
    yield s
    s.close()


def export_text(store, fmt, **kw) -> str:
    from podkb.export import export

    chunks: list[str] = []
    export(store, fmt, TurnFilter(**kw), write=chunks.append)
    return "".join(chunks)


EP = "12-small-weather-stations"


def test_jsonl_is_the_turn_contract(store):
    """Every line is a turn record; the episode's first also carries the episode (a dump)."""
    rows = [json.loads(line) for line in export_text(store, "jsonl", episode=EP).splitlines()]
    assert [r["speaker"] for r in rows] == ["Maya Chen", "Tom Okafor", "Maya Chen", "Tom Okafor"]
    assert list(rows[0]) == [*list(rows[1]), "episode"]
    assert all("episode" not in r for r in rows[1:])
    assert rows[0]["episode"]["fields"]["episode_id"] == EP
    assert list(rows[1]) == [
        "episode_id",
        "turn",
        "speaker",
        "speaker_label",
        "role",
        "text",
        "lang",
        "start",
        "end",
        "chapter",
        "source",
        "line",
    ]


def test_json_is_one_array(store):
    rows = json.loads(export_text(store, "json"))
    assert isinstance(rows, list) and len({r["episode_id"] for r in rows}) == 4


def test_csv_is_rfc4180_with_a_header_and_neutralised_formulas(store):
    text = export_text(store, "csv")
    assert text.startswith("episode_id,turn,speaker,")
    assert "\r\n" in text
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == len(json.loads(export_text(store, "json")))
    formula = next(r for r in rows if "SUM" in r["text"])
    assert formula["text"] == "'=SUM(A1) is what the sheet said."
    zh = next(r for r in rows if r["speaker"] == "李明")
    assert zh["text"].startswith("谢谢邀请")


def test_srt_is_read_by_the_srt_library(store):
    import srt

    text = export_text(store, "srt", episode=EP)
    subs = list(srt.parse(text))
    assert [s.index for s in subs] == [1, 2, 3, 4]
    assert [s.content.split(": ", 1)[0] for s in subs] == [
        "Maya Chen",
        "Tom Okafor",
        "Maya Chen",
        "Tom Okafor",
    ]
    assert subs[2].content == "Maya Chen: Let's talk about sensors."
    assert (subs[2].start.total_seconds(), subs[2].end.total_seconds()) == (168.0, 172.0)


def test_vtt_is_read_by_webvtt_py(store, tmp_path):
    import webvtt

    path = tmp_path / "ep.vtt"
    path.write_text(export_text(store, "vtt", episode=EP), encoding="utf-8")
    captions = list(webvtt.read(str(path)))
    assert [c.voice for c in captions] == ["Maya Chen", "Tom Okafor", "Maya Chen", "Tom Okafor"]
    assert [(c.start, c.end) for c in captions][2] == ("00:02:48.000", "00:02:52.000")
    assert captions[1].text == "Thanks for having me."


def test_vtt_escapes_text_and_marks_unnamed_speakers(store, tmp_path):
    import webvtt

    monologue = next(e.episode_id for e in store.episodes() if e.title == "A short monologue")
    store.conn.execute("UPDATE turns SET start = turn * 5.0")  # subtitles need times
    text = export_text(store, "vtt", episode=monologue)
    assert "&amp; that was &lt;it&gt;." in text and "<it>" not in text
    path = tmp_path / "m.vtt"
    path.write_text(text, encoding="utf-8")
    assert html.unescape(list(webvtt.read(str(path)))[-1].text) == "Then I left, & that was <it>."
    # In an episode that names its speakers, a turn without one is marked `>>` (new speaker).
    mixed = export_text(store, "srt", episode="segments-zh")
    assert "\n>> （笑声）\n" in mixed


def test_podcast_json_follows_the_spec(store):
    doc = json.loads(export_text(store, "podcast-json", episode="segments-zh"))
    assert doc["version"] == "1.0.0"
    segs = doc["segments"]
    assert segs[0] == {
        "speaker": "主持人",
        "startTime": 0.0,
        "endTime": 4.5,
        "body": "大家好，欢迎收听科技早餐。",
    }
    assert "speaker" not in segs[2]  # unknown speaker: the optional field is left out
    assert all(isinstance(s["startTime"], float) and isinstance(s["endTime"], float) for s in segs)


def test_markdown_has_header_chapters_bold_speakers_and_times(store):
    md = export_text(store, "md", episode=EP)
    assert md.startswith("# 12: Small Weather Stations\n")
    assert "- **Show:** Field Notes" in md and "- **Hosts:** Maya Chen" in md
    assert "## Intro (00:00:00)" in md and "## Sensors (00:02:48)" in md
    assert "**Maya Chen** **[00:02:48]**  \nLet's talk about sensors." in md
    assert md.index("## Sensors") < md.index("Let's talk about sensors.")


def test_markdown_escapes_transcript_text(store):
    monologue = next(e.episode_id for e in store.episodes() if e.title == "A short monologue")
    md = export_text(store, "md", episode=monologue)
    assert "\\<it\\>" in md and "(unknown speaker)" not in md  # no speaker named anywhere: no names


def test_speaker_filter_keeps_cue_times_of_the_whole_episode(store):
    from podkb.export import select

    [ep] = select(store, ResolvedFilter(episode_ids=(EP,), speaker="Maya Chen"))
    assert [r["speaker"] for r in ep.turns] == ["Maya Chen", "Maya Chen"]
    assert ep.times == [(0.0, 4.0), (168.0, 172.0)]


def test_one_episode_formats_refuse_many_episodes_on_stdout(store):
    from podkb.errors import UsageError

    with pytest.raises(
        UsageError, match="srt holds one episode, and 4 match: pass --episode, or --out DIR"
    ):
        export_text(store, "srt")


# --- times for turns without them --------------------------------------------------------------


def rows(*specs):
    return [{"start": s, "end": e, "text": t} for s, e, t in specs]


@pytest.mark.parametrize(
    "specs, expected",
    [
        # Known times are kept.
        ([(1.0, 2.0, "a"), (3.0, 4.5, "b")], [(1.0, 2.0), (3.0, 4.5)]),
        # A start without an end lasts until the next start.
        ([(0.0, None, "a b c"), (14.0, None, "d")], [(0.0, 14.0), (14.0, 15.0)]),
        # No times: reading time at 2.5 words a second, at least one second, one after another.
        ([(None, None, "one two three four five"), (None, None, "ok")], [(0.0, 2.0), (2.0, 3.0)]),
        # CJK at 4 characters a second.
        ([(None, None, "大家好欢迎收听科技早餐")], [(0.0, 2.75)]),
        # Untimed turns before a known start are squeezed to end there.
        (
            [
                (None, None, " ".join(["w"] * 10)),
                (None, None, " ".join(["w"] * 10)),
                (6.0, None, "x"),
            ],
            [(0.0, 3.0), (3.0, 6.0), (6.0, 7.0)],
        ),
        # After a timed turn, untimed ones follow its end.
        (
            [(10.0, 12.0, "a"), (None, None, "one two three four five")],
            [(10.0, 12.0), (12.0, 14.0)],
        ),
    ],
)
def test_cue_times(specs, expected):
    from podkb.export import cue_times

    assert cue_times(rows(*specs)) == expected


# --- files: names, folders, atomic writes ----------------------------------------------------------


@pytest.mark.parametrize(
    "title, check",
    [
        ("../../etc/passwd", lambda n: n == "etc passwd"),
        ("..", lambda n: n == ""),
        ("CON", lambda n: n == "_CON"),
        ("aux.txt", lambda n: n == "_aux.txt"),
        ("evil\u202etxt.exe", lambda n: "\u202e" not in n),
        ('a/b\\c:d*e?f"g<h>i|j', lambda n: n == "a b c d e f g h i j"),
        ("播" * 100, lambda n: len(n.encode()) <= 180 and n == "播" * 60),
        ("  .hidden. ", lambda n: n == "hidden"),
    ],
)
def test_safe_stem(title, check):
    from podkb.files import safe_stem

    assert check(safe_stem(title)), safe_stem(title)


def test_stable_names_are_unique_case_insensitively_and_independent_of_order():
    from podkb.files import stable_names

    items = [
        ("ep-1", "Hello"),
        ("ep-2", "hello"),
        ("ep-3", None),
        ("ep-4", "../"),
        ("ep-5", "播" * 100),
    ]
    names = stable_names(items, ".srt")
    assert names == stable_names(list(reversed(items)), ".srt")
    assert len({n.casefold() for n in names.values()}) == len(items)
    assert names["ep-3"] == "ep-3.srt" and names["ep-4"] == "ep-4.srt"
    assert all(len(n.encode()) < 255 for n in names.values())


def test_export_out_writes_one_file_per_episode_inside_the_folder(store, tmp_path):
    from podkb.export import export

    # Files are named by episode id (what `podkb show` takes), never by a title, even one that
    # tries to climb out of the folder.
    store.conn.execute("UPDATE episodes SET title='../../escape' WHERE episode_id='interview-zh'")
    store.conn.execute("UPDATE episodes SET title=? WHERE episode_id='segments-zh'", ("播客" * 50,))
    store.conn.execute("UPDATE turns SET start = turn * 5.0 WHERE start IS NULL")  # srt: times
    out = tmp_path / "out"
    report = export(store, "srt", out_dir=out)
    names = sorted(p.name for p in out.iterdir())
    chaptered = next(e.episode_id for e in store.episodes() if e.chapters)
    assert {f"{e}.srt" for e in store.episode_ids()} <= set(names)
    assert f"{chaptered}.chapters.json" in names  # the chapters, beside the subtitles
    assert not [n for n in names if "escape" in n or "播客" in n]
    assert all(p.resolve().parent == out.resolve() for p in report.files)
    assert all(len(n.encode()) <= 255 for n in names)
    assert not [n for n in names if n.startswith(".")]  # no temporary files left behind
    again = export(store, "srt", out_dir=out)
    assert [p.name for p in again.files] == [p.name for p in report.files]  # stable


def test_atomic_write_keeps_the_old_file_when_the_write_fails(tmp_path, monkeypatch):
    from podkb import files

    target = tmp_path / "x.srt"
    target.write_text("old", encoding="utf-8")

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        files.atomic_write(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.srt"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_atomic_write_gives_new_files_the_usual_permissions(tmp_path):
    from podkb import files

    old = os.umask(0o022)
    try:
        files.atomic_write(tmp_path / "new.md", "x")
    finally:
        os.umask(old)
    assert (tmp_path / "new.md").stat().st_mode & 0o777 == 0o644
    os.chmod(tmp_path / "new.md", 0o600)
    files.atomic_write(tmp_path / "new.md", "y")  # an existing file keeps its mode
    assert (tmp_path / "new.md").stat().st_mode & 0o777 == 0o600


def test_path_inside_refuses_escapes(tmp_path):
    from podkb.errors import UsageError
    from podkb.files import path_inside

    for bad in ("../x", "..", "a/../../x", "/etc/passwd"):
        with pytest.raises(UsageError):
            path_inside(tmp_path, bad)


# --- the command line --------------------------------------------------------------------------------


def test_cli_export_formats(run_cli, store, tmp_path):
    db = str(store.path)
    code, out, err = run_cli("export", "--db", db, "--format", "srt", "--episode", "12-small")
    assert code == 0, err
    assert out.startswith("1\n00:00:00,000 --> 00:00:04,000\nMaya Chen: Welcome")
    code, out, err = run_cli(
        "export", "--db", db, "--format", "vtt", "--episode", "12-small", "--speaker", "tom okafor"
    )
    assert code == 0, err
    assert out.count("<v Tom Okafor>") == 2 and "Maya" not in out
    code, out, err = run_cli("export", "--db", db, "--format", "srt")
    assert code == 2 and "pass --episode, or --out DIR" in err and "Traceback" not in err
    code, out, err = run_cli("export", "--db", db, "--format", "xml")
    assert code == 2 and "unknown format 'xml'" in err
    code, out, err = run_cli("export", "--db", db, "--format", "md", "--out", str(tmp_path / "md"))
    assert code == 0, err
    written = out.splitlines()
    assert len(written) == 4 and all(line.endswith(".md") for line in written)
    assert "Wrote 4 file(s)" in err


def test_cli_export_out_must_be_a_folder(run_cli, store, tmp_path):
    afile = tmp_path / "file.txt"
    afile.write_text("x", encoding="utf-8")
    code, _out, err = run_cli("export", "--db", str(store.path), "--out", str(afile))
    assert code == 2 and "is a file, not a folder" in err


def test_cli_help_lists_the_formats(run_cli):
    code, out, _err = run_cli("export", "--help")
    assert code == 0
    # The list may wrap inside the help box at 80 columns: read it without the box and spaces.
    flat = "".join(ch for ch in out if ch not in "│ \n")
    assert "[jsonl|json|csv|md|srt|vtt|podcast-json|opensearch]" in flat
