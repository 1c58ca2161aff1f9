"""The listing commands' tables for a person at a terminal: which columns, in which order, with
which values (lists joined with commas, an unnamed speaker as "(unknown)", a chapter's start as
hh:mm:ss), and which columns give way first on a narrower terminal (tables.py: `drop`)."""

from __future__ import annotations

import re

import pytest

from podkb.store import Store
from podkb.store.records import FeedItemRecord, FeedRecord


def people(run_cli, db, *args: str, columns: int = 300) -> tuple[int, list[list[str]]]:
    """The command's table on a terminal without colour: each line's cells (split where two or
    more spaces separate them), the rule under the header left out."""
    env = {"PODKB_FORCE_TERMINAL": "1", "NO_COLOR": "1", "COLUMNS": str(columns)}
    code, out, err = run_cli(*args, "--no-pager", "--db", str(db), env=env)
    assert "\x1b[" not in out, "no escape sequences under NO_COLOR"
    rows = [re.split(r"\s{2,}", line.strip()) for line in out.splitlines()]
    return code, [row for row in rows if row != [""] and not set(row[0]) <= {"─"}]


def test_the_episodes_table(run_cli, seed_db):
    code, rows = people(run_cli, seed_db, "episodes")
    assert code == 0
    assert rows == [
        ["episode", "title", "show", "lang", "hosts", "guests", "turns", "chapters"],
        [
            "hockeystick-2-llms-in-production",
            "HockeyStick #2 - LLMs in production - Chris Brousseau & Matt Sharp",
            "HockeyStick",
            "en",
            "Miko Pawlikowski",
            "Chris Brousseau, Matt Sharp",
            "218",
            "19",
        ],
        [
            "humans-of-ai-16-lewis-tunstall",
            "#16. Inside Hugging Face with Lewis Tunstall",
            "Humans of AI",
            "en",
            "Sheikh Shuvo",
            "Lewis Tunstall",
            "40",
            "0",
        ],
        [
            "infoq-omar-sanseviero",
            "Omar Sanseviero on Transformer Models and Democratizing Good ML Practices",
            "The InfoQ Podcast",
            "en",
            "Roland Meertens",
            "Omar Sanseviero",
            "57",
            "0",
        ],
        [
            "latent-space-jeremy-howard-answer-ai",
            "AI Magic: Shipping 1000s of successful products with no managers and a team of 12 "
            "— Jeremy Howard of Answer.ai",
            "Latent Space",
            "en",
            "Alessio Fanelli, swyx",
            "Jeremy Howard",
            "58",
            "12",
        ],
        [
            "ml-experts-lewis-tunstall-zh",
            "機器學習專家 - Lewis Tunstall",
            "機器學習專家",
            "zh-Hant",
            "Britney Muller",
            "Lewis Tunstall",
            "67",
            "0",
        ],
    ]


def test_the_speakers_table_names_the_unnamed_as_unknown(run_cli, seed_db):
    code, rows = people(run_cli, seed_db, "speakers")
    assert code == 0
    assert rows[0] == ["speaker", "aliases", "roles", "episodes", "turns", "words"]
    assert rows[1] == [
        "Lewis Tunstall",
        "Lewis, lewtun, 刘易斯, 劉易斯, 路易斯",
        "guest",
        "2",
        "53",
        "8859",
    ]
    assert rows[7] == ["swyx", 'Shawn "swyx" Wang, Shawn Wang, Swyx', "host", "1", "18", "798"]
    assert rows[-1] == ["(unknown)", "unknown", "1", "218", "16203"]  # no aliases: an empty cell
    assert [r[0] for r in rows[1:]] == [
        "Lewis Tunstall",
        "Britney Muller",
        "Roland Meertens",
        "Omar Sanseviero",
        "Jeremy Howard",
        "Sheikh Shuvo",
        "swyx",
        "Alessio Fanelli",
        "(unknown)",
    ]  # most turns first


def test_the_topics_tables_topics_then_chapters_with_their_start(run_cli, seed_db):
    code, rows = people(run_cli, seed_db, "topics")
    assert code == 0
    assert rows[0] == ["Topics (data/topics.yaml)"]
    assert rows[1] == ["topic", "aliases", "turns", "episodes"]
    assert rows[2] == ["evaluation", "evals, benchmarks, 評估, 评估", "18", "5"]
    titles = [i for i, row in enumerate(rows) if row == ["Chapters (from the sources)"]]
    assert len(titles) == 1
    at = titles[0]
    assert rows[at + 1] == ["episode", "start", "chapter", "turns"]
    assert rows[at + 2] == [
        "hockeystick-2-llms-in-production",
        "00:00:00",
        "Welcome to HockeyStick: Unveiling the Power of LLMs",
        "3",
    ]
    assert rows[at + 3][:2] == ["hockeystick-2-llms-in-production", "00:01:08"]
    # The 19 chapters of one seed and the 12 of another.
    assert len(rows) - (at + 2) == 19 + 12


# columns -> the headers the episodes and speakers tables keep
NARROWER = [
    (60, ["episode", "title"], ["speaker", "aliases", "roles", "episodes", "turns"]),
    (
        80,
        ["episode", "title", "guests", "turns"],
        ["speaker", "aliases", "roles", "episodes", "turns", "words"],
    ),
    (100, ["episode", "title", "show", "guests", "turns"], None),
    (120, ["episode", "title", "show", "lang", "hosts", "guests", "turns"], None),
    (160, ["episode", "title", "show", "lang", "hosts", "guests", "turns", "chapters"], None),
]


@pytest.mark.parametrize("columns, episodes, speakers", NARROWER)
def test_a_narrower_terminal_drops_the_least_needed_columns_first(
    run_cli, seed_db, columns, episodes, speakers
):
    _, rows = people(run_cli, seed_db, "episodes", columns=columns)
    assert rows[0] == episodes
    assert any(row[0] == "latent-space-jeremy-howard-answer-ai" for row in rows)  # ids whole
    if speakers is not None:
        _, rows = people(run_cli, seed_db, "speakers", columns=columns)
        assert rows[0] == speakers


@pytest.fixture()
def feeds_db(tmp_path):
    db = tmp_path / "feeds.db"
    with Store(db) as store, store.transaction():
        store.put_feed(
            FeedRecord(
                feed_id="f1",
                url="https://example.org/show.xml",
                title="Field Notes",
                last_checked="2026-01-02T03:04:05+00:00",
                last_error="1 item(s) failed; first: https://example.org/3.srt: HTTP 404",
            )
        )
        store.put_feed(FeedRecord(feed_id="f2", url="https://example.org/new.xml"))
        for key, status in (("1", "ok"), ("2", "no_transcript"), ("3", "failed")):
            store.put_feed_item(FeedItemRecord(feed_id="f1", item_key=key, status=status))
    return db


def test_the_feeds_table_says_never_for_a_feed_not_yet_checked(run_cli, feeds_db):
    code, rows = people(run_cli, feeds_db, "feeds")
    assert code == 0
    assert rows == [
        ["feed", "title", "episodes", "no transcript", "failed", "last checked", "last error"],
        [
            "https://example.org/new.xml",
            "0",
            "0",
            "0",
            "never",
        ],
        [
            "https://example.org/show.xml",
            "Field Notes",
            "0",
            "1",
            "1",
            "2026-01-02T03:04:05+00:00",
            "1 item(s) failed; first: https://example.org/3.srt: HTTP 404",
        ],
    ]


def test_the_feeds_rows_count_items_by_how_they_went(run_cli, feeds_db):
    import json

    code, out, _ = run_cli("feeds", "--format", "jsonl", "--db", str(feeds_db))
    assert code == 0
    rows = {r["url"]: r for r in map(json.loads, out.splitlines())}
    assert rows["https://example.org/show.xml"] == {
        "url": "https://example.org/show.xml",
        "title": "Field Notes",
        "items": 3,
        "episodes": 0,
        "with_transcript": 1,
        "without_transcript": 1,
        "failed": 1,
        "last_checked": "2026-01-02T03:04:05+00:00",
        "last_error": "1 item(s) failed; first: https://example.org/3.srt: HTTP 404",
    }
    assert rows["https://example.org/new.xml"]["items"] == 0
    assert rows["https://example.org/new.xml"]["last_checked"] is None


def test_rows_without_a_form_of_their_own_are_a_table_in_the_csv_order(capsys, monkeypatch):
    from podkb import views

    monkeypatch.setenv("COLUMNS", "200")
    rows = [
        {"label": "SPEAKER_00", "names": ["Maya", "[bold]x[/]"], "line": 3, "note": None},
        {"label": "B", "names": [], "line": 12, "note": "said twice"},
    ]
    views.rows_table(rows, ["label", "names", "line", "note"], no_pager=True)
    lines = [line.rstrip() for line in capsys.readouterr().out.splitlines()]
    assert lines[0].split() == ["label", "names", "line", "note"]
    # Lists joined, markup literal, numbers right-aligned (3 under 12's last digit), None blank.
    assert re.fullmatch(r"SPEAKER_00\s+Maya, \[bold\]x\[/\]\s+3", lines[2])
    assert re.fullmatch(r"B\s+12\s+said twice", lines[3])
    assert lines[2].index("3") == lines[3].index("12") + 1


def test_a_narrow_terminal_leaves_out_the_last_columns_of_such_rows_first(capsys, monkeypatch):
    from podkb import views

    rows = [{"label": "SPEAKER_00", "name": "Maya Chen", "line": 3, "evidence": "x " * 60}]
    for width, header in (
        (200, ["label", "name", "line", "evidence"]),
        (30, ["label", "name", "line"]),
        (22, ["label", "name"]),
    ):
        monkeypatch.setenv("COLUMNS", str(width))
        views.rows_table(rows, ["label", "name", "line", "evidence"], no_pager=True)
        assert capsys.readouterr().out.splitlines()[0].split() == header, width
