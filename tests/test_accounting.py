"""Every source line accounted for: what each line was read as, and files that would lose text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES, SEEDS

from podkb.ingest.account import account
from podkb.ingest.detect import read_transcript
from podkb.ingest.pipeline import read_file_bytes, read_parsed
from podkb.ingest.raw import LINE_CLASSES
from podkb.store import Store

# Every seed and every transcript fixture (sidecars, chapters files, notes and files made to
# fail are not transcripts).
TRANSCRIPTS = sorted(
    [
        *SEEDS.glob("*.txt"),
        *(
            p
            for p in FIXTURES.rglob("*")
            if p.is_file()
            and p.suffix not in (".yaml", ".yml")
            and p.name not in ("README.md", "SOURCES.md")
            and not p.name.endswith("chapters.json")
            and p.name != "chapters-example.json"
            and "bad_" not in str(p.relative_to(FIXTURES))
        ),
    ]
)


def _non_blank_lines(path: Path) -> list[int]:
    text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    return [n for n, line in enumerate(text.split("\n"), start=1) if line.strip()]


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=lambda p: p.name)
def test_every_line_of_every_seed_and_fixture_is_accounted_for(path):
    parsed = read_parsed(read_file_bytes(path), path=path)
    counts = parsed.accounting.counts()
    assert set(counts) == set(LINE_CLASSES)
    assert counts["unaccounted"] == 0, parsed.accounting.unaccounted[:3]
    assert sum(counts.values()) == len(_non_blank_lines(path))
    assert [use.line for use in parsed.accounting.lines] == _non_blank_lines(path)
    assert parsed.loss is None


@pytest.mark.parametrize(
    "path", [p for p in TRANSCRIPTS if p.suffix != ".json"], ids=lambda p: p.name
)
def test_each_turn_starts_on_a_line_read_as_text_or_label(path):
    # (A JSON turn starts on its segment's `{` line: structure, not text.)
    parsed = read_parsed(read_file_bytes(path), path=path)
    classes = {use.line: use.cls for use in parsed.accounting.lines}
    for turn in parsed.turns:
        assert classes[turn.line] in ("text", "label"), (turn.line, turn.text[:60])


def test_seed_002_classes_by_hand(run_cli):
    """Lines of the InfoQ page, read by hand: site chrome, the page's title and takeaways,
    the "Transcript" heading, labelled answers and their unlabelled paragraphs, the speaker
    bio the page spliced into an answer, and the footer."""
    path = SEEDS / "002_a5a22b8114034da7.txt"
    code, out, err = run_cli("ingest", "--explain", str(path), "--format", "jsonl")
    assert code == 0, err
    rows = {r["line"]: r for r in map(json.loads, out.splitlines())}
    expected = {
        1: ("chrome", None, None),  # "BT"
        5: ("chrome", None, None),  # "Write for InfoQ"
        13: ("metadata", None, None),  # the page title
        21: ("metadata", None, None),  # a key takeaway bullet
        27: ("metadata", None, None),  # "Transcript"
        29: ("text", 0, "Roland Meertens"),  # "Roland Meertens: Welcome to the InfoQ podcast."
        31: ("text", 0, "Roland Meertens"),  # his next paragraph, unlabelled
        33: ("text", 1, "Omar Sanseviero"),
        43: ("text", 6, "Roland Meertens"),  # "6,000 models? That's already big."
        47: ("text", 7, "Omar Sanseviero"),  # "Now, they are being used in computer vision"
        51: ("chrome", None, None),  # the bio: "I'm a Machine Learning Engineer working in..."
        53: ("chrome", None, None),  # "Previously, I was a Software Engineer at Google"
        55: ("text", 9, "Omar Sanseviero"),  # bio glued to "We have different models"
        199: ("text", 56, "Roland Meertens"),  # "That was the interview with Omar."
        201: ("chrome", None, None),  # "About the Author"
        220: ("chrome", None, None),  # "Allowed html: a,b,br,..."
    }
    got = {n: (rows[n]["class"], rows[n]["turn"], rows[n]["speaker"]) for n in expected}
    assert got == expected
    assert rows[55]["text"].startswith("I have expertise in education")
    assert 2 not in rows  # blank lines are not listed
    assert "57 turns" in err and "0 unaccounted" not in err


def test_explain_writes_nothing_to_the_store(run_cli, tmp_path):
    db = tmp_path / "kb.db"
    code, out, _ = run_cli(
        "ingest", "--explain", str(SEEDS / "000_084d43b1bddc1ac0.txt"), "--db", str(db)
    )
    assert code == 0
    assert not db.exists()
    assert len(out.splitlines()) == len(_non_blank_lines(SEEDS / "000_084d43b1bddc1ac0.txt"))


def test_explain_table_is_one_line_per_source_line(run_cli):
    path = FIXTURES / "interchange" / "otter_en.txt"
    code, out, _ = run_cli("ingest", "--explain", str(path), "--format", "table")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == len(_non_blank_lines(path))
    first_label = next(ln for ln in lines if " label " in ln)
    assert first_label.split()[0] == "1" or first_label.split()[0].isdigit()
    assert any(" text " in ln and "Unknown" not in ln for ln in lines)


def test_explain_takes_one_file(run_cli, tmp_path):
    code, _, err = run_cli("ingest", "--explain", str(SEEDS))
    assert code == 2
    assert "one file" in err


def test_ingest_report_counts_lines_and_words_per_file(run_cli, tmp_path):
    db = str(tmp_path / "kb.db")
    code, out, err = run_cli("ingest", str(SEEDS), "--db", db, "--format", "jsonl")
    assert code == 0, err
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 5
    for record in records:
        path = Path(record["path"])
        assert set(record["lines"]) == set(LINE_CLASSES)
        assert sum(record["lines"].values()) == len(_non_blank_lines(path))
        assert record["lines"]["unaccounted"] == 0
        assert 0 < record["words_kept"] <= record["words_source"]
    latent = next(r for r in records if r["path"].endswith("003_93e3be72a06d16a5.txt"))
    assert latent["lines"]["duplicate"] == 91  # the page's second copy, lines 194-389


def test_ingest_table_shows_kept_and_dropped_per_file(run_cli, tmp_path):
    db = str(tmp_path / "kb.db")
    path = SEEDS / "000_084d43b1bddc1ac0.txt"
    code, out, err = run_cli(
        "ingest", str(path), "--db", db, "--format", "table", env={"COLUMNS": "200"}
    )
    assert code == 0, err
    assert "000_084d43b1bddc1ac0.txt" in out
    assert "3737 of 3880" in out  # words in turns of words on non-blank lines
    assert "8 chrome" in out and "3 metadata" in out


# --- files that would lose text ----------------------------------------------------------------

# A WebVTT block without a timing line is not a cue: players skip it, and so does the reader.
LOSSY_VTT = """\
WEBVTT

00:00:00.500 --> 00:00:03.200
<v Maya>Welcome back to Field Notes.

This block has no timing line, so a player skips it, but somebody wrote these words.

00:00:03.200 --> 00:00:06.000
<v Tom>Thanks for having me.
"""
GOOD_VTT = LOSSY_VTT.replace(
    "This block has no timing line, so a player skips it, but somebody wrote these words.\n\n", ""
)


def test_a_file_that_would_lose_text_is_refused_and_the_store_is_unchanged(run_cli, tmp_path):
    db = str(tmp_path / "kb.db")
    path = tmp_path / "episode.vtt"
    path.write_text(GOOD_VTT, encoding="utf-8")
    assert run_cli("ingest", str(path), "--db", db)[0] == 0
    with Store(Path(db), create=False) as store:
        before = [t.model_dump() for t in store.turns()]

    path.write_text(LOSSY_VTT, encoding="utf-8")
    code, out, err = run_cli("ingest", str(path), "--db", db)
    assert code == 2
    failure = [ln for ln in err.splitlines() if ln.startswith("podkb: ")]
    assert len(failure) == 1
    assert str(path) in failure[0]
    assert "16 of " in failure[0]  # the 16 words of the block without timing
    assert "on 1 line(s), first at line 6" in failure[0]
    assert "--explain" in failure[0] and "--lenient" in failure[0]
    with Store(Path(db), create=False) as store:
        assert [t.model_dump() for t in store.turns()] == before


def test_lenient_keeps_it_with_a_warning(run_cli, tmp_path):
    db = str(tmp_path / "kb.db")
    path = tmp_path / "episode.vtt"
    path.write_text(LOSSY_VTT, encoding="utf-8")
    code, out, err = run_cli("ingest", str(path), "--db", db, "--lenient", "--format", "jsonl")
    assert code == 0
    [record] = [json.loads(line) for line in out.splitlines()]
    assert record["turns"] == 2 and record["lines"]["unaccounted"] == 1
    assert record["warning"] and "kept: --lenient" in record["warning"]
    assert err.startswith(f"podkb: warning: {path}: 16 of ")


def test_explain_shows_the_lines_a_refused_file_would_lose(run_cli, tmp_path):
    path = tmp_path / "episode.vtt"
    path.write_text(LOSSY_VTT, encoding="utf-8")
    code, out, err = run_cli("ingest", "--explain", str(path), "--format", "jsonl")
    assert code == 2  # what ingest would say
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["line"], r["class"], r["turn"], r["speaker"]) for r in rows] == [
        (1, "metadata", None, None),  # WEBVTT
        (3, "timing", None, None),
        (4, "text", 0, "Maya"),
        (6, "unaccounted", None, None),
        (8, "timing", None, None),
        (9, "text", 1, "Tom"),
    ]
    assert "ingest would refuse it" in err


def test_html_transcript_with_text_outside_its_paragraphs_is_refused(tmp_path):
    page = (
        "<html><body>\n"
        "<cite>Maya:</cite>\n<time>0:00</time>\n<p>Welcome back to Field Notes.</p>\n"
        "<div>A long aside that sits outside every paragraph of the transcript, which the reader "
        "of this shape does not take into any turn, and which must not vanish silently.</div>\n"
        "<cite>Tom:</cite>\n<time>0:04</time>\n<p>Thanks for having me.</p>\n"
        "</body></html>\n"
    )
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    from podkb.errors import InputError

    with pytest.raises(InputError, match=r"first at line 5"):
        read_parsed(path.read_bytes(), path=path)


# --- unknown shapes are read whole -------------------------------------------------------------


def test_markdown_with_front_matter_is_read_whole(tmp_path):
    doc = (
        "---\n"
        'title: "12: Small Weather Stations"\n'
        "show: Field Notes\n"
        "---\n\n"
        "Welcome back to Field Notes. Today we talk about weather stations.\n\n"
        "I started building them ten years ago, when a storm took our roof.\n\n"
        "The first one was a plastic box with a thermometer.\n"
    )
    path = tmp_path / "episode.md"
    path.write_text(doc, encoding="utf-8")
    parsed = read_parsed(path.read_bytes(), path=path)
    assert [t.text[:20] for t in parsed.turns] == [
        "Welcome back to Fiel",
        "I started building t",
        "The first one was a ",
    ]
    assert all(t.speaker is None for t in parsed.turns)
    assert [t.line for t in parsed.turns] == [6, 8, 10]
    assert parsed.accounting.counts()["metadata"] == 4
    assert parsed.accounting.counts()["unaccounted"] == 0
    assert parsed.episode.title == "12: Small Weather Stations"


def test_html_fragment_is_read_as_paragraphs_without_markup(tmp_path):
    doc = (
        '<div class="transcript">\n'
        "<p>Hello and welcome to the show.</p>\n"
        "<p>Today we talk\nabout bees &amp; honey.</p>\n"
        "<script>track('page');</script>\n"
        "</div>\n"
    )
    path = tmp_path / "fragment.html"
    path.write_text(doc, encoding="utf-8")
    parsed = read_parsed(path.read_bytes(), path=path)
    assert [(t.text, t.line, t.speaker) for t in parsed.turns] == [
        ("Hello and welcome to the show.", 2, None),
        ("Today we talk about bees & honey.", 3, None),
    ]
    classes = {u.line: u.cls for u in parsed.accounting.lines}
    assert classes == {1: "metadata", 2: "text", 3: "text", 4: "text", 5: "chrome", 6: "metadata"}


def test_a_page_whose_shape_guess_would_drop_most_of_it_is_read_whole(tmp_path):
    """A `Share` button between two parts of a conversation looks like the end of the
    transcript to the web-page reader; everything after it would be lost."""
    answers = [
        f"Tom: Answer number {i} goes on for a while about weather stations and rain gauges."
        for i in range(8)
    ]
    doc = "\n\n".join(
        ["Maya: Welcome back to Field Notes.", "Tom: Thanks for having me.", "Share", *answers]
    )
    path = tmp_path / "page.txt"
    path.write_text(doc + "\n", encoding="utf-8")
    raw = read_transcript(doc)
    assert raw.format == "paragraphs"
    assert account(raw, doc).counts()["unaccounted"] == 0
    assert len(raw.turns) == 11 and all(t.label is None for t in raw.turns)
    assert raw.turns[-1].text == answers[-1]


def test_junk_with_no_sentence_is_still_refused(tmp_path):
    path = tmp_path / "junk.txt"
    path.write_text("[2J\n", encoding="utf-8")
    from podkb.errors import InputError

    with pytest.raises(InputError, match="no transcript turns"):
        read_parsed(path.read_bytes(), path=path)


def test_overlapping_turn_spans_give_each_line_to_the_first_turn():
    from podkb.ingest.raw import RawTranscript, RawTurn

    text = "a b\nc d\ne f\ng h\n"
    raw = RawTranscript(
        format="test",
        turns=[
            RawTurn(text="a b c d", line=1, end_line=2),
            RawTurn(text="c d e f g h", line=2, end_line=4),
        ],
    )
    uses = account(raw, text).lines
    assert [(u.line, u.cls, u.turn) for u in uses] == [
        (1, "text", 0),
        (2, "text", 0),
        (3, "text", 1),
        (4, "text", 1),
    ]


def test_a_rule_inside_the_conversation_does_not_end_it():
    text = "Maya: Hello there.\n\n---\n\nTom: Hi, Maya.\n\nMaya: Bye, Tom.\n\nTom: Bye.\n"
    raw = read_transcript(text)
    assert raw.format == "text"
    assert [(t.line, t.label) for t in raw.turns] == [
        (1, "Maya"),
        (5, "Tom"),
        (7, "Maya"),
        (9, "Tom"),
    ]
    assert raw.line_classes == {3: "chrome"}
