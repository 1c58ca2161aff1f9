"""Every command closes every store it opens, however it ends: with results, with none, or with
a usage or input error. A store left to the garbage collector holds its connection (and, on
PostgreSQL, a server session) for as long as anything refers to it.

The stores here are real SQLite stores, of a subclass that notes when each is opened and
closed; the engine's `open_store` hands them out, so the commands run unchanged.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, SEEDS

import podkb.store.sqlite as sqlite_engine
from podkb.cli import app
from podkb.store.sqlite import SQLiteStore

EPISODE = "humans-of-ai-16-lewis-tunstall"
SEED_FILE = sorted(SEEDS.glob("*.txt"))[0]
FEED = FIXTURES / "feeds" / "quickstart" / "feed.xml"
SRT = FIXTURES / "feeds" / "quickstart" / "rookie-mistakes.srt"


class NotedStore(SQLiteStore):
    """A real SQLite store that remembers whether it was closed."""

    opened: list[NotedStore] = []

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.closed = False
        NotedStore.opened.append(self)

    def close(self) -> None:
        self.closed = True
        super().close()


@pytest.fixture()
def noted(monkeypatch) -> list[NotedStore]:
    NotedStore.opened = []
    monkeypatch.setattr(
        sqlite_engine, "open_store", lambda location, **kw: NotedStore(location, **kw)
    )
    return NotedStore.opened


@pytest.fixture()
def kb(tmp_path, seed_db) -> Path:
    """A copy of the seed store that a command may change."""
    path = tmp_path / "kb.db"
    shutil.copy(seed_db, path)
    return path


# (arguments after `podkb`, the exit status): results, no results, and errors after the store
# is open. {kb} is the store, {feed} a subscribed feed file, {url} a transcript on 127.0.0.1.
COMMANDS = [
    (["ingest", str(SEED_FILE)], 0),
    (["ingest", "{kb}/missing.srt"], 2),
    (["ingest", "--explain", str(SEED_FILE)], 0),
    (["ingest", str(FEED)], 4),  # subscribed; its items' relative URLs fail
    (["ingest", "{url}"], 0),
    (["remove", EPISODE, "--yes"], 0),
    (["remove", "--missing", "--dry-run"], 1),
    (["remove", "no-such-episode", "--yes"], 2),
    (["episodes"], 0),
    (["show", "hockeystick"], 0),
    (["show", "no-such-episode"], 2),
    (["export", "--episode", EPISODE], 0),
    (["export", "zzzqqq"], 1),
    (["search", "evaluation"], 0),
    (["search", "evaluation", "--format", "table"], 0),
    (["search", "zzzqqq"], 1),
    (["search", "--episode", "no-such-episode"], 2),
    (["quotes", "Lewis", "Tunstall", "evaluation", "--format", "cite"], 0),
    (["quotes", "Nobody", "Anywhere"], 2),
    (["speakers"], 0),
    (["speakers", "suggest", EPISODE], 1),  # its labels are names: nothing to suggest
    (["speakers", "name", EPISODE, "SPEAKER_09=Somebody"], 2),
    (["topics"], 0),
    (["feeds"], 1),  # no subscriptions
    (["feeds", "remove", "{feed}"], 0),
    (["feeds", "remove", "https://example.org/not-subscribed.xml"], 2),
    (["update"], 4),
    (["batch", "{kb}/queries.yaml"], 0),
    (["doctor"], 0),
]


def _args(template: list[str], kb: Path, url: str) -> list[str]:
    return [a.format(kb=kb.parent, feed=FEED.resolve(), url=url) for a in template]


def _id(value: object) -> str | None:
    if not isinstance(value, list):
        return None
    return " ".join(Path(a).name if "/" in a and "{" not in a else a for a in value)


@pytest.mark.parametrize(("template", "status"), COMMANDS, ids=_id)
def test_a_command_closes_every_store_it_opens(template, status, kb, noted, run_cli, httpserver):
    httpserver.expect_request("/episode.srt").respond_with_data(SRT.read_bytes())
    (kb.parent / "queries.yaml").write_text("- query: evaluation\n", encoding="utf-8")
    if template[0] == "update" or "{feed}" in template:
        assert run_cli("ingest", str(FEED), "--db", str(kb))[0] == 4  # subscribe first
        noted.clear()
    args = _args(template, kb, httpserver.url_for("/episode.srt"))
    code, out, err = run_cli(*args, "--db", str(kb))
    assert code == status, (out, err)
    left_open = [s.location for s in noted if not s.closed]
    assert left_open == [], f"podkb {' '.join(args)} left {left_open} open"


def test_the_check_sees_the_stores_a_command_opens(kb, noted, run_cli):
    """The noted stores are the ones the commands use: a search opens (and closes) one."""
    assert run_cli("search", "evaluation", "--db", str(kb))[0] == 0
    assert len(noted) == 1 and noted[0].closed


def test_every_command_is_checked():
    """A new command (or subcommand) joins COMMANDS, so its stores are checked too; `mcp`
    serves over stdio and is checked on its own below."""
    commands = {info.name or info.callback.__name__ for info in app.registered_commands}
    for group in app.registered_groups:
        commands.add(group.name)
        commands |= {f"{group.name} {c.name}" for c in group.typer_instance.registered_commands}
    checked = set()
    for template, _ in COMMANDS:
        checked.add(" ".join(template[:2]) if " ".join(template[:2]) in commands else template[0])
    assert commands - checked == {"mcp"}


def test_the_mcp_server_closes_its_store_when_the_client_leaves(kb, noted, monkeypatch):
    """`podkb mcp` with a client that closes stdin at once: the server stops, its store closed."""
    pytest.importorskip("mcp")
    import io
    import sys

    from podkb.mcp_server import serve

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    serve(str(kb))
    assert len(noted) == 1 and noted[0].closed


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (["search", "evaluation"], 0),
        (["quotes", "Lewis", "Tunstall", "evaluation"], 0),
        (["episodes"], 0),
        (["show", "no-such-episode"], 2),
    ],
)
def test_a_postgresql_store_is_closed_too(args, status, seed_pg, run_cli, monkeypatch):
    """A server store left open holds a session on the server: the same `with` closes it."""
    import podkb.store.postgres as postgres_engine

    opened: list[NotedPostgresStore] = []

    class NotedPostgresStore(postgres_engine.PostgresStore):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.closed = False
            opened.append(self)

        def close(self) -> None:
            self.closed = True
            super().close()

    monkeypatch.setattr(
        postgres_engine, "open_store", lambda url, **kw: NotedPostgresStore(url, **kw)
    )
    code, out, err = run_cli(*args, "--db", seed_pg)
    assert code == status, (out, err)
    assert opened and all(s.closed for s in opened)
