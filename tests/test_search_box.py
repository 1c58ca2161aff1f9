"""Search that behaves like a search box: words after the command, speakers in quotes' words,
exclusions after --, a limit that says so, paging, filters shared by search, quotes and export,
and paste-ready citations."""

from __future__ import annotations

import csv
import io
import json

import pytest


def records(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def run_json(run_cli, seed_db, *args, person: bool = False):
    """jsonl on stdout; person=True: as on a terminal (where notes such as the cut are said)."""
    env = {"PODKB_FORCE_TERMINAL": "1"} if person else None
    code, out, err = run_cli(*args, "--db", str(seed_db), "--format", "jsonl", env=env)
    return code, records(out), err


def refs(hits):
    return [(h["episode_id"], h["turn"]) for h in hits]


def test_words_after_the_command_are_the_query(run_cli, seed_db):
    code, words, _ = run_json(run_cli, seed_db, "search", "open", "source")
    assert code == 0
    _, quoted, _ = run_json(run_cli, seed_db, "search", "open source")
    assert words and refs(words) == refs(quoted)
    for h in words:  # all words must match
        assert "open" in h["text"].lower() and "source" in h["text"].lower()


def test_quotes_takes_the_longest_leading_run_of_words_that_names_a_speaker(run_cli, seed_db):
    code, hits, _ = run_json(run_cli, seed_db, "quotes", "Jeremy", "Howard", "hiring")
    assert code == 0 and hits
    assert {h["speaker"] for h in hits} == {"Jeremy Howard"}
    assert all("hir" in h["quote"].lower() for h in hits)
    # A quoted name works the same; an unknown one is refused with suggestions.
    _, same, _ = run_json(run_cli, seed_db, "quotes", "Jeremy Howard", "hiring")
    assert refs(same) == refs(hits)
    code, out, err = run_cli("quotes", "Jermy", "Howrd", "hiring", "--db", str(seed_db))
    assert code == 0, err  # a close spelling of the whole name still resolves


def test_a_short_query_word_after_a_full_name_stays_the_query(run_cli, seed_db):
    # "Lewis Tunstall AI" is a close spelling of "Lewis Tunstall": the exact name wins.
    _, hits, _ = run_json(run_cli, seed_db, "quotes", "Lewis", "Tunstall", "AI", "-n", "0")
    _, searched, _ = run_json(
        run_cli, seed_db, "search", "AI", "--speaker", "Lewis Tunstall", "-n", "0"
    )
    assert hits and refs(hits) == refs(searched)


def test_an_unknown_speaker_in_quotes_is_refused(run_cli, seed_db):
    code, out, err = run_cli("quotes", "Nobody", "Atall", "--db", str(seed_db))
    assert code == 2 and out == ""
    assert err.startswith("podkb: ") and "no speaker 'Nobody'" in err


def test_exclusions_work_after_a_double_dash(run_cli, seed_db):
    # Options come first: after --, every word is the query's.
    code, out, err = run_cli(
        "search", "--db", str(seed_db), "--format", "jsonl", "--", "leaderboard", "-hub"
    )
    hits = records(out)
    assert code == 0 and hits, err
    assert all("hub" not in h["text"].lower().split() for h in hits)
    _, all_hits, _ = run_json(run_cli, seed_db, "search", "leaderboard")
    assert len(hits) < len(all_hits)


def test_a_cut_list_says_so_and_n_0_gives_all(run_cli, seed_db):
    code, hits, err = run_json(run_cli, seed_db, "quotes", "Jeremy", person=True)
    assert code == 0 and len(hits) == 10
    assert "podkb: 10 of 27 shown; -n 0 for all" in err
    for every in (["-n", "0"], ["--all"]):
        code, hits, err = run_json(run_cli, seed_db, "quotes", "Jeremy", *every, person=True)
        assert code == 0 and len(hits) == 27 and "shown" not in err
    # A script is told too (stderr carries messages, stdout stays pure data); -q silences it.
    code, hits, err = run_json(run_cli, seed_db, "quotes", "Jeremy")
    assert code == 0 and len(hits) == 10 and err == "podkb: 10 of 27 shown; -n 0 for all\n"
    code, hits, err = run_json(run_cli, seed_db, "-q", "quotes", "Jeremy")
    assert code == 0 and len(hits) == 10 and err == ""


def test_offset_pages_through_the_hits(run_cli, seed_db):
    _, every, _ = run_json(run_cli, seed_db, "quotes", "Jeremy", "-n", "0")
    _, page, err = run_json(run_cli, seed_db, "quotes", "Jeremy", "--offset", "10", person=True)
    assert refs(page) == refs(every[10:20])
    assert "podkb: 11-20 of 27 shown; --offset 20 for more, -n 0 for all" in err
    _, last, err = run_json(run_cli, seed_db, "quotes", "Jeremy", "--offset", "20", person=True)
    assert refs(last) == refs(every[20:]) and "shown" not in err


def test_cite_format_is_paste_ready(run_cli, seed_db):
    code, out, _ = run_cli(
        "quotes", "Jeremy Howard", "managers", "--db", str(seed_db), "--format", "cite"
    )
    assert code == 0
    first = out.splitlines()[0]
    assert first.startswith('"') and "managers" in first
    assert first.endswith(
        '" — Jeremy Howard, Latent Space, "AI Magic: Shipping 1000s of successful products with'
        ' no managers and a team of 12 — Jeremy Howard of Answer.ai" (00:11:58)'
    )


def test_the_terminal_shows_the_quote_and_full_shows_the_turn(run_cli, seed_db):
    env = {"PODKB_FORCE_TERMINAL": "1", "NO_COLOR": "1", "COLUMNS": "2000"}
    args = ("quotes", "Jeremy Howard", "managers", "--db", str(seed_db), "-n", "1")
    code, out, _ = run_cli(*args, env=env)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == [
        "1",
        "Jeremy",
        "Howard,",
        *'Latent Space, "AI Magic: Shipping 1000s of successful products with no managers and a'
        ' team of 12 — Jeremy Howard of Answer.ai"'.split(),
        "00:11:58",
        "003_93e3be72a06d16a5.txt:118",
    ]
    assert lines[1].strip() == (
        "And like, it's all a bit of an experiment, like we don't have any managers."
    )
    code, full, _ = run_cli(*args, "--full", env=env)
    assert code == 0 and "Bert24" in full and "Bert24" not in out


@pytest.mark.parametrize("role", ["host", "guest"])
def test_role_filter(run_cli, seed_db, role):
    code, hits, _ = run_json(run_cli, seed_db, "search", "evaluation", "--role", role, "-n", "0")
    assert code == 0 and hits and {h["role"] for h in hits} == {role}
    _, lewis, _ = run_json(run_cli, seed_db, "quotes", "Lewis", "--role", role, "-n", "0")
    assert {h["role"] for h in lewis} == ({"guest"} if role == "guest" else set())


def test_show_and_lang_filters_ignore_case(run_cli, seed_db):
    _, hits, _ = run_json(run_cli, seed_db, "search", "model", "--show", "LATENT space", "-n", "0")
    assert hits and {h["show"] for h in hits} == {"Latent Space"}
    _, zh, _ = run_json(run_cli, seed_db, "search", "模型", "--lang", "ZH-hant", "-n", "0")
    assert zh and {h["lang"] for h in zh} == {"zh-Hant"}
    code, out, err = run_cli("search", "model", "--show", "Nope", "--db", str(seed_db))
    assert code == 2 and "no show 'Nope'" in err and "'Latent Space'" in err


def test_date_filters_keep_episodes_in_range(run_cli, seed_db):
    # One seed is dated (2024-04-08); an undated episode is outside every date range.
    for option, value in (("--since", "2024"), ("--until", "2024-04"), ("--since", "2024-04-08")):
        code, hits, _ = run_json(run_cli, seed_db, "search", "model", option, value, "-n", "0")
        assert code == 0 and {h["episode_id"] for h in hits} == {
            "hockeystick-2-llms-in-production"
        }, (option, value)
    for option, value in (("--since", "2024-05"), ("--until", "2024-04-07")):
        code, hits, _ = run_json(run_cli, seed_db, "search", "model", option, value)
        assert code == 1 and hits == [], (option, value)


def test_export_takes_a_query_and_the_same_filters(run_cli, seed_db):
    code, out, _ = run_cli(
        "export", "open", "source", "--role", "guest", "--format", "csv", "--db", str(seed_db)
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and {r["role"] for r in rows} == {"guest"}
    _, hits, _ = run_json(run_cli, seed_db, "search", "open source", "--role", "guest", "-n", "0")
    assert sorted((r["episode_id"], int(r["turn"])) for r in rows) == sorted(refs(hits))


def test_export_md_out_writes_one_file_per_episode_named_by_id(run_cli, seed_db, tmp_path):
    out = tmp_path / "md"
    code, printed, _ = run_cli(
        "export",
        "open",
        "source",
        "--role",
        "guest",
        "--format",
        "md",
        "--out",
        str(out),
        "--db",
        str(seed_db),
    )
    assert code == 0
    _, hits, _ = run_json(run_cli, seed_db, "search", "open source", "--role", "guest", "-n", "0")
    assert sorted(p.name for p in out.iterdir()) == sorted({f"{e}.md" for e, _ in refs(hits)})
    assert printed.splitlines() == [
        str(out / n) for n in sorted(p.name for p in out.iterdir())
    ] or (sorted(printed.splitlines()) == sorted(str(p) for p in out.iterdir()))


def test_out_dash_is_refused(run_cli, seed_db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli("export", "--format", "md", "--out", "-", "--db", str(seed_db))
    assert code == 2 and out == "" and "--out takes a folder" in err
    assert not (tmp_path / "-").exists()


def test_csv_hits_carry_the_quote_and_the_citation(run_cli, seed_db):
    import csv
    import io

    code, out, _ = run_cli("quotes", "Jeremy", "managers", "--db", str(seed_db), "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    _, hits, _ = run_json(run_cli, seed_db, "quotes", "Jeremy", "managers")
    assert rows and len(rows) == len(hits)
    for row, hit in zip(rows, hits, strict=True):
        assert row["quote"] == hit["quote"] and "manag" in row["quote"].lower()
        assert float(row["quote_start"]) == hit["quote_start"]
        assert row["episode_title"] == hit["episode_title"] and row["show"] == hit["show"]
        assert row["start_hms"] == (hit["start_hms"] or "")


def test_counting_stops_where_it_would_cost_more_than_the_search(run_cli, seed_db, monkeypatch):
    import podkb.search

    monkeypatch.setattr(podkb.search, "COUNT_AT_MOST", 12)  # seeds: 27 turns by Jeremy
    code, hits, err = run_json(run_cli, seed_db, "quotes", "Jeremy")
    assert code == 0 and len(hits) == 10
    assert err == "podkb: 10 of more than 12 shown; -n 0 for all\n"
    code, hits, err = run_json(run_cli, seed_db, "quotes", "Jeremy", "--offset", "10")
    assert "11-20 of more than 20 shown" in err
    code, hits, err = run_json(run_cli, seed_db, "quotes", "Jeremy", "-n", "0")
    assert len(hits) == 27 and "shown" not in err
