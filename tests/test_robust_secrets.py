"""Nothing leaked: a PostgreSQL password, in whatever form the URL gives it, never appears in
an error, in `doctor`'s report, or in a successful command's output. And a server that stops
answering does not hold podkb forever: timeouts, and Ctrl-C ends a running query."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from urllib.parse import unquote

import pytest
from conftest import SEEDS

from podkb.store.url import parse_server_url, redact

SECRET = "hunter2xyz"
# The ways people write a password into a URL; {h} is host:port/dbname. Each holds SECRET, or
# a part of it that must not show (`hun@ter2xyz` has an unencoded @).
FORMS = {
    "userinfo": "postgresql://podkb:hunter2xyz@{h}",
    "encoded userinfo": "postgresql://podkb:hunter2%78yz@{h}",
    "unencoded @": "postgresql://podkb:hun@ter2xyz@{h}",
    "slash in secret": "postgresql://podkb:hun/ter2xyz@{h}",
    "password parameter": "postgresql://podkb@{h}?password=hunter2xyz",
    "password after another": "postgres://podkb@{h}?sslmode=disable&password=hunter2xyz",
    "passfile parameter": "postgresql://podkb@{h}?passfile=/tmp/hunter2xyz.pgpass",
}
LEAKS = ("ter2xyz", "ter2%78yz")


def _clean(text: str) -> bool:
    return not any(leak in text for leak in LEAKS)


@pytest.mark.parametrize("form", FORMS)
def test_redact_hides_every_credential(form):
    url = FORMS[form].format(h="db.example.org:5432/podkb")
    shown = redact(url)
    assert _clean(shown), shown
    assert "db.example.org" in shown and "podkb" in shown
    server = parse_server_url(url)
    message = f'invalid URI "{url}", "{unquote(url)}": host "{url.rsplit("@", 2)[-2]}" unknown'
    assert _clean(server.scrub(message)), server.scrub(message)


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(
    "command", [("episodes",), ("doctor", "--format", "json"), ("doctor", "--format", "table")]
)
def test_an_unreachable_server_never_shows_the_password(run_cli, form, command):
    url = FORMS[form].format(h="127.0.0.1:1/podkb")
    code, out, err = run_cli(*command, "--db", url)
    assert code == 2
    assert _clean(out + err), out + err


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://podkb:hunter2xyz@127.0.0.1:notaport/podkb",  # malformed: a driver echoes it
        "postgresql://podkb:hun@ter2xyz@127.0.0.1:1/podkb?connect_timeout=x",
        "postgresql://podkb@127.0.0.1:1/podkb?password=hunter2xyz&bogus_option=1",
    ],
)
def test_a_malformed_url_never_shows_the_password(run_cli, url):
    for command in (("episodes",), ("doctor", "--format", "json"), ("ingest", str(SEEDS))):
        code, out, err = run_cli(*command, "--db", url)
        assert code == 2
        assert _clean(out + err), out + err


def _with_secret(url: str, form: str) -> str:
    """The test server's URL written in one of the FORMS (a trust server takes any password)."""
    rest = url.split("://", 1)[1].split("@", 1)[1]
    return FORMS[form].format(h=rest)


@pytest.mark.parametrize(
    "form",
    [f for f in FORMS if f not in ("unencoded @", "slash in secret")],  # libpq refuses them
)
def test_successful_commands_on_a_server_never_show_the_password(run_cli, new_pg_database, form):
    url = _with_secret(new_pg_database(), form)
    seed = sorted(SEEDS.iterdir())[0]
    outputs = []
    for fmt in ("table", "json", "jsonl"):
        code, out, err = run_cli("-v", "ingest", str(seed), "--db", url, "--format", fmt, "--force")
        assert code == 0, err
        outputs.append(out + err)
    for command in (("doctor", "--format", "json"), ("doctor", "--format", "table"), ("episodes",)):
        code, out, err = run_cli(*command, "--db", url)
        assert code == 0, err
        outputs.append(out + err)
    report = json.loads(run_cli("doctor", "--format", "json", "--db", url)[1])
    assert report["store"].startswith("postgresql://podkb@") or report["store"].startswith(
        "postgres://podkb@"
    )
    for text in outputs:
        assert _clean(text), text


# --- a server that stops answering ---------------------------------------------------------------


def _backend_pids(url: str, application: str = "podkb") -> list[int]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s AND pid <> "
            "pg_backend_pid()",
            (application,),
        ).fetchall()
    return [int(r[0]) for r in rows]


def test_a_statement_timeout_ends_a_query_stuck_behind_a_lock(run_cli, new_pg_database):
    import psycopg

    url = new_pg_database()
    seed = sorted(SEEDS.iterdir())[0]
    assert run_cli("ingest", str(seed), "--db", url)[0] == 0
    with psycopg.connect(url) as holder:  # holds every table until the test ends
        holder.execute("LOCK TABLE episodes, turns IN ACCESS EXCLUSIVE MODE")
        start = time.monotonic()
        code, out, err = run_cli("episodes", "--db", url, env={"PODKB_PG_STATEMENT_TIMEOUT": "1"})
        took = time.monotonic() - start
        holder.rollback()
    assert code == 2 and out == ""
    assert "PODKB_PG_STATEMENT_TIMEOUT" in err and len(err.strip().splitlines()) == 1, err
    assert took < 8


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() != 0, reason="stopping the server's process needs its owner")
@pytest.mark.parametrize(
    "command", [["search", "evaluation"], ["ingest", "--force", str(SEEDS)], ["doctor"]]
)
def test_ctrl_c_ends_a_query_on_a_frozen_server(new_pg_database, command):
    import psycopg

    url = new_pg_database()
    env = {**os.environ, "PODKB_DB": url}
    subprocess.run([sys.executable, "-m", "podkb", "ingest", str(SEEDS)], env=env, check=True)
    with psycopg.connect(url) as holder:
        holder.execute("LOCK TABLE episodes, turns IN ACCESS EXCLUSIVE MODE")
        proc = subprocess.Popen(
            [sys.executable, "-m", "podkb", *command],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 20
        while not (pids := _backend_pids(url)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert pids, "podkb never reached the server"
        time.sleep(0.5)  # its query now waits for the lock
        for pid in pids:
            os.kill(pid, signal.SIGSTOP)  # the backend freezes: it answers nothing, not even cancel
        try:
            proc.send_signal(signal.SIGINT)
            start = time.monotonic()
            try:
                _, err = proc.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                pytest.fail("Ctrl-C did not end podkb on a frozen server")
            took = time.monotonic() - start
        finally:
            for pid in pids:
                os.kill(pid, signal.SIGCONT)
        holder.rollback()
    assert proc.returncode == 130, err
    assert len(err.decode().strip().splitlines()) <= 1, err
    assert b"Traceback" not in err
    assert took < 15
