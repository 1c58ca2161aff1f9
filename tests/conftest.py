"""Shared fixtures: a real SQLite store built from the real seed transcripts, and a real
PostgreSQL server for the server store's tests."""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests explore the same examples on every run: a CI run must not fail on a new random
# draw that no one has looked at. (Run with HYPOTHESIS_PROFILE=explore to search afresh.)
settings.register_profile("ci", derandomize=True, database=None)
settings.register_profile("explore")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


def index_postings(conn) -> list[tuple]:
    """Every (turn, term, column, offset) in a store's search index, in that order: what the
    index holds, since it keeps no copy of the text."""
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.v USING fts5vocab(main, turn_index, instance)"
    )
    rows = conn.execute("SELECT doc, term, col, offset FROM temp.v ORDER BY 1, 2, 3, 4")
    return [tuple(r) for r in rows]


DATA = Path(__file__).resolve().parent / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def httpserver_listen_address():
    """pytest-httpserver listens on the loopback address only: no test reaches anything else."""
    return ("127.0.0.1", 0)


@pytest.fixture(autouse=True)
def _isolated_store(tmp_path_factory, monkeypatch):
    """No test ever touches the user's real knowledge base."""
    monkeypatch.setenv("PODKB_DB", str(tmp_path_factory.mktemp("default") / "podkb.db"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("PODKB_FORCE_TERMINAL", raising=False)
    monkeypatch.setenv("PODKB_CHROME", "")  # no user's chrome.yaml: the packaged rules only


@pytest.fixture(scope="session")
def seed_db(tmp_path_factory) -> Path:
    """A store holding the five seed episodes, built once per session (tests must not write to it)."""
    from podkb.ingest import ingest_paths
    from podkb.store import Store

    path = tmp_path_factory.mktemp("seeds") / "seeds.db"
    with Store(path) as store:
        report = ingest_paths([SEEDS], store)
    assert not report.failed, report.failed
    return path


@pytest.fixture()
def seed_copy(seed_db, tmp_path) -> Path:
    """A copy of the seed store that a test may write: the seeds are read once per session, and
    each writing test starts from the same five episodes without ingesting them again."""
    path = tmp_path / "seeds-copy.db"
    shutil.copyfile(seed_db, path)
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def seed_store(request, seed_db):
    """The seed store on each engine: every test that reads it runs on SQLite and on PostgreSQL."""
    from podkb.store import open_store

    location = str(seed_db) if request.param == "sqlite" else request.getfixturevalue("seed_pg")
    store = open_store(location, create=False)
    yield store
    store.close()


@pytest.fixture(scope="session")
def seed_turns(seed_db) -> dict[str, list]:
    """episode_id -> list of Turn records."""
    from podkb.store import Store

    with Store(seed_db, create=False) as store:
        return {eid: store.turns(episode_id=eid) for eid in store.episode_ids()}


@pytest.fixture()
def run_cli(capsys):
    """Run the podkb CLI in-process: returns (exit_code, stdout, stderr)."""
    from podkb.cli import main

    def run(*args: str, env: dict[str, str] | None = None):
        old = {}
        for k, v in (env or {}).items():
            old[k] = os.environ.get(k)
            os.environ[k] = v
        try:
            code = main(list(args))
        finally:
            for k, v in old.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        out, err = capsys.readouterr()
        return code, out, err

    return run


# --- PostgreSQL ---------------------------------------------------------------------------------

PG_CLUSTER = Path(__file__).resolve().parent / "pg_cluster.sh"


def pg_unavailable(reason: str) -> None:
    """Skip a PostgreSQL test locally; in CI (CI is set) the server must be there, so fail."""
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL tests must run in CI: {reason}")
    pytest.skip(reason)


def _server_binaries() -> bool:
    return bool(shutil.which("initdb") or list(Path("/usr/lib/postgresql").glob("*/bin/initdb")))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The URL of a PostgreSQL server the tests may create databases on: $PODKB_TEST_PG (CI
    starts one), else a throwaway cluster started here with tests/pg_cluster.sh and stopped at
    the end of the session."""
    url = os.environ.get("PODKB_TEST_PG")
    if url:
        yield url
        return
    if not _server_binaries():
        pg_unavailable(
            "no PostgreSQL server (install the postgresql package, or set PODKB_TEST_PG)"
        )
    home = Path(tempfile.mkdtemp(prefix="podkb-pg-"))
    if os.geteuid() == 0:  # the server runs as the postgres user, who must own its folder
        shutil.chown(home, "postgres")
    data = home / "data"
    started = subprocess.run(
        [str(PG_CLUSTER), "start", str(data), str(_free_port())], capture_output=True, text=True
    )
    if started.returncode != 0:
        shutil.rmtree(home, ignore_errors=True)
        pg_unavailable(f"could not start a PostgreSQL cluster: {started.stderr.strip()}")
    try:
        yield started.stdout.strip()
    finally:
        subprocess.run([str(PG_CLUSTER), "stop", str(data)], capture_output=True)
        shutil.rmtree(home, ignore_errors=True)


_database_numbers = itertools.count()


@pytest.fixture(scope="session")
def new_pg_database(pg_server: str) -> Callable[[], str]:
    """Make an empty database on the test server; returns its URL."""
    try:
        import psycopg
    except ImportError:
        pg_unavailable("the psycopg driver is not installed (pip install -e '.[test]')")
    base, _, _ = pg_server.rpartition("/")

    def make() -> str:
        name = f"podkb_test_{os.getpid()}_{next(_database_numbers)}"
        with psycopg.connect(pg_server, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            conn.execute(f"CREATE DATABASE {name}")
        return f"{base}/{name}"

    return make


@pytest.fixture(scope="session")
def seed_pg(new_pg_database) -> str:
    """A PostgreSQL database holding the five seed episodes, built once per session (tests must
    not write to it); returns its URL."""
    from podkb.ingest import ingest_paths
    from podkb.store import open_store

    url = new_pg_database()
    with open_store(url) as store:
        report = ingest_paths([SEEDS], store)
    assert not report.failed, report.failed
    return url
