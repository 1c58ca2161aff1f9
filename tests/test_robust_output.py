"""Output safety: transcript text is data, never markup, terminal control, or a spreadsheet formula.

The evil store holds what ingest would never write (raw ESC, C1, OSC) as well as what it keeps
(rich markup, bidi overrides), because a store can come from another tool or an older podkb and
catalog metadata can carry escapes (YAML "\\e").
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from podkb.models import Episode, Turn
from podkb.store import Store

MARKUP = "see [/] later, [bold]loud[/bold], [link=http://evil.example]click[/link], pkg[extra]"
ESCAPES = (
    "clear\x1b[2J title\x1b]0;pwned\x07 link\x1b]8;;http://evil.example\x1b\\x\x1b]8;;\x1b\\"
    " csi\x9b31m bidi\u202eexe.txt iso\u2066x\u2069 nel\x85 del\x7f"
)
# What must never reach a terminal raw.
DANGEROUS = ["\x1b[2J", "\x1b]", "\x07", "\x9b", "\u202e", "\u2066", "\x85", "\x7f"]
FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.fixture()
def evil_db(tmp_path):
    path = tmp_path / "evil.db"
    episode = Episode(
        episode_id="evil",
        show=MARKUP,
        title=ESCAPES,
        hosts=["=cmd|' /C calc'!A0"],
        guests=[MARKUP],
        description=ESCAPES,
        source="evil[bold].txt",
    )
    texts = [MARKUP, ESCAPES, *FORMULAS]
    turns = [
        Turn(
            episode_id="evil",
            turn=i,
            speaker="[bold]Eve[/bold]" if i % 2 else "=Mallory",
            speaker_label="@Eve",
            role="unknown",
            text=t,
            lang="en",
            chapter=ESCAPES if i == 1 else MARKUP,
            source="evil[bold].txt",
            line=i + 1,
            start=float(i),
        )
        for i, t in enumerate(texts)
    ]
    with Store(path) as store, store.transaction():
        store.put_episode(episode, turns)
        store.refresh_summaries()
    return path


TERMINAL = {"PODKB_FORCE_TERMINAL": "1", "COLUMNS": "5000"}

# (command, shows the text with escapes, shows the text with markup literally)
COMMANDS = [
    (("episodes",), True, False),  # the table shows titles, not turn text
    (("show", "evil"), True, True),
    (("export", "--format", "csv"), True, True),  # CSV on a terminal is terminal output too
    (("export", "--format", "md"), True, False),  # Markdown escapes brackets itself
    (("export", "--format", "srt", "--episode", "evil"), True, True),
    (("export", "--format", "vtt", "--episode", "evil"), True, True),
    (("search", "clear"), True, False),
    (("search", "later"), False, True),
    (("quotes", "=Mallory"), False, True),
    (("speakers",), False, False),
]


@pytest.mark.parametrize(
    "args, escapes, markup", COMMANDS, ids=lambda a: " ".join(a) if isinstance(a, tuple) else ""
)
@pytest.mark.parametrize("no_color", [True, False], ids=["plain", "colour"])
def test_terminal_output_is_literal_and_neutralised(
    run_cli, evil_db, args, escapes, markup, no_color
):
    env = {**TERMINAL, **({"NO_COLOR": "1"} if no_color else {})}
    code, out, err = run_cli(*args, "--db", str(evil_db), env=env)
    assert code == 0, err
    assert "Traceback" not in err
    for seq in DANGEROUS:
        assert seq not in out, (seq, out)
    assert "\x1b]8;" not in out  # no hyperlink, from markup or from the data
    if escapes:  # shown, not acted on, nor dropped without a trace
        assert "\\x1b" in out and "\\u202e" in out and "\\x9b" in out
    if markup:  # rich markup printed literally, brackets and all
        assert "[link=http://evil.example]click[/link]" in out
        assert "see [/] later" in out and "pkg[extra]" in out
    if no_color:  # NO_COLOR: no escape sequence of podkb's own either
        assert "\x1b" not in out


@pytest.mark.parametrize(
    "args",
    [
        ("episodes", "--format", "json"),
        ("episodes", "--format", "jsonl"),
        ("show", "evil", "--format", "json"),
        ("show", "evil", "--format", "jsonl"),
        ("export", "--format", "json"),
        ("export", "--format", "jsonl"),
    ],
    ids=lambda a: " ".join(a),
)
@pytest.mark.parametrize("terminal", [True, False], ids=["terminal", "pipe"])
def test_json_keeps_text_verbatim_and_escaped(run_cli, evil_db, args, terminal):
    code, out, err = run_cli(*args, "--db", str(evil_db), env=TERMINAL if terminal else {})
    assert code == 0, err
    for seq in DANGEROUS:
        assert seq not in out
    assert "\\u001b[2J" in out and "\\u202e" in out and "\\u009b" in out
    docs = [json.loads(line) for line in out.splitlines()] if "jsonl" in args else [json.loads(out)]
    values = set(_strings(docs))
    assert ESCAPES in values and MARKUP in values  # verbatim once decoded


def _strings(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _strings(v)


def test_json_round_trips_exactly(run_cli, evil_db):
    code, out, _ = run_cli("export", "--db", str(evil_db), "--format", "jsonl")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["text"] for r in rows] == [MARKUP, ESCAPES, *FORMULAS]


def test_csv_neutralises_formulas_and_keeps_the_rest(run_cli, evil_db):
    code, out, err = run_cli("export", "--db", str(evil_db), "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    texts = [r["text"] for r in rows]
    assert texts[:2] == [MARKUP, ESCAPES]  # a file keeps the data verbatim
    assert texts[2:] == ["'" + f for f in FORMULAS]
    for r in rows:
        assert r["speaker"] in ("'=Mallory", "[bold]Eve[/bold]")
        assert r["speaker_label"] == "'@Eve"
    for cell in (c for r in rows for c in r.values()):
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_csv_of_episodes_neutralises_list_cells(run_cli, evil_db):
    code, out, _ = run_cli("episodes", "--db", str(evil_db), "--format", "csv")
    assert code == 0
    (row,) = csv.DictReader(io.StringIO(out, newline=""))
    assert row["hosts"] == "'=cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    "value, cell",
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("=", "'="),
        ("＝1", "＝1"),  # a full-width sign is text to a spreadsheet
        ("a=1", "a=1"),
        ("", ""),
    ],
)
def test_csv_cell(value, cell):
    from podkb.output import csv_cell

    assert csv_cell(value) == cell


def test_numbers_are_not_quoted():
    from podkb.output import csv_cell

    assert csv_cell(-1.5) == -1.5 and csv_cell(None) == ""


def test_ingest_messages_are_literal(run_cli, tmp_path):
    """File names and errors on stderr: markup printed as written, escapes made visible."""
    bad = tmp_path / "[bold]x\x1b[2J\u202e.txt"
    bad.write_bytes(b"")
    good = tmp_path / "[link=evil]good[bold].txt"
    good.write_text("Host: Hi.\nGuest: Hi.\nHost: Bye.\nGuest: Bye.\n")
    db = tmp_path / "[red]kb.db"
    code, out, err = run_cli("ingest", "--db", str(db), str(bad), str(good), env=TERMINAL)
    assert code == 2
    for seq in DANGEROUS:
        assert seq not in err
    assert "[bold]x\\x1b[2J\\u202e.txt: empty file" in err
    assert "Knowledge base " + str(db) in " ".join(err.split())


def test_error_messages_are_one_safe_line(run_cli, evil_db):
    code, out, err = run_cli("show", "no\x1b[2Jsuch\u202e[bold]", "--db", str(evil_db))
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("podkb: no episode ")
    assert "\x1b" not in err and "\u202e" not in err and "[bold]" in err


def test_ingest_drops_terminal_controls_but_keeps_markup_text(run_cli, tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes(
        "Host: [bold]hi[/bold] \x1b[2Jclear \x9b31m \x1b]0;t\x07 x.\nGuest: [/] fine.\n"
        "Host: bidi \u202e kept.\nGuest: Bye.\n".encode()
    )
    db = tmp_path / "kb.db"
    code, _, err = run_cli("ingest", "--db", str(db), str(path))
    assert code == 0, err
    with Store(db, create=False) as store:
        texts = [t.text for t in store.turns()]
    assert texts[0] == "[bold]hi[/bold] [2Jclear 31m ]0;t x."
    assert texts[1] == "[/] fine."
    assert texts[2] == "bidi \u202e kept."  # kept in the data, neutralised on output
