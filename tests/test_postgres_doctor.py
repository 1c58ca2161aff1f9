"""`podkb doctor` and the one-line refusals on a PostgreSQL store: each problem in the words a
person acts on (a database that is not there, a server nobody answers at, an empty database, a
store a newer podkb wrote, counts out of step with the turns), with the repair that fits it."""

from __future__ import annotations

import json

import pytest
from conftest import SEEDS

from podkb import doctor

HUMANS = SEEDS / "000_084d43b1bddc1ac0.txt"  # one seed: 40 turns, two speakers


@pytest.fixture()
def one_episode_pg(new_pg_database) -> str:
    from podkb.ingest import ingest_paths
    from podkb.store import open_store

    url = new_pg_database()
    with open_store(url) as store:
        assert not ingest_paths([HUMANS], store).failed
    return url


def _sql(url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def _checks(report) -> list[tuple[str, bool, str]]:
    return [(c.name, c.ok, c.detail) for c in report.checks if c.name != "metadata"]


def test_a_healthy_server_store(one_episode_pg):
    report = doctor.diagnose(one_episode_pg)
    assert report.ok
    assert _checks(report) == [
        ("connection", True, f"connected to {one_episode_pg}"),
        ("schema", True, "version 5"),
        ("index", True, "40 turns indexed, counts agree"),
    ]
    assert report.counts == {"episodes": 1, "turns": 40, "speakers": 2}
    assert report.store_bytes and report.store_bytes > 0
    assert report.repair == []


STALE_TURNS = "UPDATE episodes SET turns = turns + 1"
LOST_WORD = "DELETE FROM term_docs WHERE term = 'evaluation'"


@pytest.mark.parametrize(
    "changes, stale, miscounted",
    [((STALE_TURNS,), 1, 0), ((LOST_WORD,), 0, 1), ((STALE_TURNS, LOST_WORD), 1, 1)],
    ids=["turn count", "word count", "both"],
)
def test_counts_out_of_step_with_the_turns_are_named_and_repaired(
    run_cli, one_episode_pg, changes, stale, miscounted
):
    _sql(one_episode_pg, *changes)
    report = doctor.diagnose(one_episode_pg)
    assert _checks(report)[-1] == (
        "index",
        False,
        f"{stale} episodes with stale counts, {miscounted} words miscounted, invalid indexes: none",
    )
    assert report.repair == [
        "run `podkb doctor --repair --db URL` to rebuild the index from the turns"
    ]
    code, out, err = run_cli("doctor", "--repair", "--db", one_episode_pg, "--format", "json")
    assert code == 0, err
    assert json.loads(out)["checks"][-1] == {
        "name": "index",
        "ok": True,
        "detail": "40 turns indexed, counts agree",
    }


def test_a_store_a_newer_podkb_wrote_says_upgrade(run_cli, one_episode_pg):
    _sql(one_episode_pg, "UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    words = "written by a newer podkb (schema 99, this one reads 5); upgrade podkb"
    code, out, err = run_cli("episodes", "--db", one_episode_pg)
    assert (code, out, err) == (2, "", f"podkb: {one_episode_pg}: {words}\n")
    report = doctor.diagnose(one_episode_pg)
    assert _checks(report) == [("schema", False, words)]
    # Not "start the server": the server answered, and only a newer podkb reads the store.
    assert report.repair == ["upgrade podkb to read this store"]


def test_an_empty_database_is_no_knowledge_base_until_an_ingest(run_cli, new_pg_database):
    url = new_pg_database()
    words = f"no knowledge base in {url}; run `podkb ingest seeds/ --db URL` first"
    code, out, err = run_cli("episodes", "--db", url)
    assert (code, out, err) == (2, "", f"podkb: {words}\n")
    report = doctor.diagnose(url)
    assert _checks(report) == [("connection", False, words)]
    assert report.repair == [
        "start the server or fix the URL; `podkb ingest --db URL` creates the schema"
    ]
    # Looking created nothing: the database is as empty as it was.
    import psycopg

    with psycopg.connect(url) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()
    assert tables == (0,)


def test_a_database_that_is_not_there_says_create_it(run_cli, pg_server):
    url = pg_server.rpartition("/")[0] + "/podkb_no_such_database"
    code, out, err = run_cli("episodes", "--db", url)
    assert (code, out) == (2, "")
    assert err.startswith(f"podkb: {url}: ")
    assert err.endswith(
        'database "podkb_no_such_database" does not exist; create it first (createdb, or '
        "CREATE DATABASE) and grant podkb's user on it\n"
    )
    assert len(err.splitlines()) == 1


def test_a_server_nobody_answers_at_is_unreachable_never_the_password(run_cli):
    url = "postgresql://podkb:s3cret-word@127.0.0.1:1/podkb"
    report = doctor.diagnose(url)
    (name, ok, detail), *_ = _checks(report)
    assert (name, ok) == ("connection", False)
    assert detail.startswith("cannot reach the server (")
    assert detail.endswith("); is it running, and is the URL right?")
    assert "s3cret-word" not in detail and report.store == "postgresql://podkb@127.0.0.1:1/podkb"
    code, out, _ = run_cli("doctor", "--db", url, "--format", "json")
    assert code == 2 and "s3cret-word" not in out
