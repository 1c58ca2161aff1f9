"""`--since` and `--until`: a year, a month or a day, each naming a whole period (`--until
2024-02` takes in the 29th), on or after / on or before it; an episode without a date is never
in a dated range. A value that is not a calendar date is refused, naming the option."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from podkb.request import TurnFilter

DATED = {
    "new-year-eve": "2023-12-31",
    "leap-day": "2024-02-29",
    "march": "2024-03-01",
    "undated": None,
}


@pytest.fixture(scope="module")
def dated_db(tmp_path_factory):
    from podkb.cli import main

    folder = tmp_path_factory.mktemp("dated")
    db = str(folder / "kb.db")
    for name, date in DATED.items():
        path = folder / f"{name}.txt"
        path.write_text(f"Host: Welcome to {name}.\nGuest: Glad to talk weather.\n")
        args = ["ingest", str(path), "--db", db, "-q"]
        assert main(args + (["--date", date] if date else [])) == 0
    return db


def _episodes(run_cli, db, *options):
    code, out, err = run_cli("export", *options, "--db", db, "--format", "jsonl")
    found = {json.loads(line)["episode_id"] for line in out.splitlines()}
    return code, found


@pytest.mark.parametrize(
    "options, expected",
    [
        ((), set(DATED)),
        (("--since", "2024"), {"leap-day", "march"}),
        (("--until", "2023"), {"new-year-eve"}),
        (("--until", "2024"), {"new-year-eve", "leap-day", "march"}),
        (("--until", "2024-02"), {"new-year-eve", "leap-day"}),  # all of February
        (("--since", "2024-02"), {"leap-day", "march"}),
        (("--since", "2024-02-29"), {"leap-day", "march"}),  # on or after: the day itself
        (("--since", "2024-03-01", "--until", "2024-03-01"), {"march"}),
        (("--since", "2023-12-31", "--until", "2024-02-29"), {"new-year-eve", "leap-day"}),
        (("--since", "2024-01", "--until", "2024-01"), set()),
        (("--since", "2025"), set()),
    ],
)
def test_a_date_range_keeps_the_episodes_dated_inside_it(run_cli, dated_db, options, expected):
    code, found = _episodes(run_cli, dated_db, *options)
    assert found == expected
    assert code == (0 if expected else 1)


def test_a_date_filter_and_another_filter_both_apply(run_cli, dated_db):
    code, found = _episodes(run_cli, dated_db, "--since", "2024", "--episode", "march")
    assert (code, found) == (0, {"march"})
    code, found = _episodes(run_cli, dated_db, "--until", "2023", "--episode", "march")
    assert (code, found) == (1, set())


def test_search_applies_the_same_range(run_cli, dated_db):
    code, out, _ = run_cli(
        "search", "weather", "--until", "2024-02", "--all", "--db", dated_db, "--format", "json"
    )
    assert code == 0
    assert {h["episode_id"] for h in json.loads(out)} == {"new-year-eve", "leap-day"}


@pytest.mark.parametrize("value", ["2024", "2024-02", "2024-02-29", "1999-12-31", "0001-01-01"])
def test_years_months_and_days_are_dates(value):
    assert TurnFilter(since=value, until=value).since == value


@pytest.mark.parametrize(
    "value",
    [
        "",
        "24",
        "2024-2",
        "2024/02/29",
        "2024-13",
        "2024-00",
        "2023-02-29",  # not a leap year
        "2024-04-31",
        "2024-02-29T10:00",
        " 2024",
        "2024 ",
        "last week",
    ],
)
def test_anything_else_is_refused_naming_the_value(value):
    with pytest.raises(ValidationError) as refused:
        TurnFilter(since=value)
    assert f"{value!r} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD" in str(refused.value)


@pytest.mark.parametrize("option", ["--since", "--until"])
def test_the_cli_refuses_a_bad_date_in_one_line_naming_the_option(run_cli, dated_db, option):
    code, out, err = run_cli("export", option, "2024-02-30", "--db", dated_db)
    assert (code, out) == (2, "")
    assert err == (
        f"podkb: {option}: '2024-02-30' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD\n"
    )


def test_ingest_refuses_a_date_that_is_not_one_and_makes_no_store(run_cli, tmp_path):
    # Once stored as the episode's date, "tomorrow" sorted after every year: --since 2024 kept it.
    path = tmp_path / "ep.txt"
    path.write_text("Host: hi\nGuest: hello\n")
    db = tmp_path / "kb.db"
    code, out, err = run_cli("ingest", str(path), "--date", "tomorrow", "--db", str(db))
    assert (code, out) == (2, "")
    assert err == "podkb: --date: 'tomorrow' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD\n"
    assert not db.exists()


def test_a_sidecar_date_that_is_not_one_fails_its_file_naming_the_line(run_cli, tmp_path):
    (tmp_path / "ep.txt").write_text("Host: hi\nGuest: hello\n")
    (tmp_path / "ep.yaml").write_text("show: Weather Talk\ndate: May 2024\n")
    code, _, err = run_cli("ingest", str(tmp_path / "ep.txt"), "--db", str(tmp_path / "kb.db"))
    assert code == 2
    assert err == (
        f"podkb: {tmp_path / 'ep.yaml'}: line 2: date: 'May 2024' is not a date: write YYYY, "
        "YYYY-MM or YYYY-MM-DD\n"
    )


@pytest.mark.parametrize(
    "written, reason",
    [
        # Quoted, the text is checked as a date...
        (
            '"2024-02-30"',
            "line 3: episodes.0.date: '2024-02-30' is not a date: write YYYY, "
            "YYYY-MM or YYYY-MM-DD",
        ),
        # ...unquoted, YAML itself reads it as a date, and there is no 30 February.
        (
            "2024-02-30",
            "invalid YAML: day is out of range for month (a value read as a date; "
            "quote it if it is text)",
        ),
    ],
)
def test_a_catalog_date_that_is_not_one_is_refused_naming_the_file(tmp_path, written, reason):
    from podkb.catalog import load_metadata
    from podkb.errors import InputError

    (tmp_path / "catalog.yaml").write_text(f"episodes:\n  - source: a.txt\n    date: {written}\n")
    with pytest.raises(InputError) as refused:
        load_metadata(tmp_path)
    assert str(refused.value) == f"{tmp_path / 'catalog.yaml'}: {reason}"


def test_a_sidecar_date_yaml_cannot_read_is_one_line_not_a_crash(run_cli, tmp_path):
    (tmp_path / "ep.txt").write_text("Host: hi\nGuest: hello\n")
    (tmp_path / "ep.yaml").write_text("date: 2024-02-30\n")
    code, _, err = run_cli("ingest", str(tmp_path / "ep.txt"), "--db", str(tmp_path / "kb.db"))
    assert code == 2
    assert err == (
        f"podkb: {tmp_path / 'ep.yaml'}: invalid YAML: day is out of range for month (a value "
        "read as a date; quote it if it is text)\n"
    )
