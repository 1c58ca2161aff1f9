"""Shared fixtures: a real SQLite store built from the real seed transcripts."""

from __future__ import annotations

import os
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
DATA = Path(__file__).resolve().parent / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def _isolated_store(tmp_path_factory, monkeypatch):
    """No test ever touches the user's real knowledge base."""
    monkeypatch.setenv("PODKB_DB", str(tmp_path_factory.mktemp("default") / "podkb.db"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("PODKB_FORCE_TERMINAL", raising=False)


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
def seed_store(seed_db):
    from podkb.store import Store

    store = Store(seed_db, create=False)
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
