"""The knowledge base on a PostgreSQL server: the same commands, the same answers as SQLite.

Every test here runs against a real server (tests/pg_cluster.sh, or $PODKB_TEST_PG in CI) and
compares with a real SQLite store built from the same seed transcripts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SEEDS
from test_relevance import judged

from podkb.search import SearchRequest, search
from podkb.store import open_store

# Commands whose whole output must be the same on both engines (as a script reads it).
SAME_OUTPUT = [
    ("episodes", "--format", "json"),
    ("show", "humans-of-ai-16-lewis-tunstall", "--format", "jsonl"),
    ("search", "evaluation", "--format", "json"),
    ("search", "疊衣服", "--format", "json"),
    ("search", '"language model" -GPT', "-n", "20", "--format", "json"),
    ("search", "leaderb*", "--context", "1", "--format", "json"),
    ("search", "--topic", "evaluation", "-n", "50", "--format", "json"),
    ("search", "--lang", "zh", "-n", "5", "--format", "csv"),
    ("search", "leaderbaord", "--format", "json"),
    # Phrases of three words and ending in a prefix: scored on the server from positions.
    ("search", '"a lot of"', "-n", "20", "--format", "json"),
    ("search", '"the model*"', "-n", "20", "--format", "json"),
    ("quotes", "Lewis Tunstall", "evaluation", "-C", "1", "--format", "json"),
    ("speakers", "--format", "json"),
    ("topics", "--format", "json"),
    ("export", "--format", "jsonl"),
    ("export", "--format", "md", "--episode", "latent"),
    ("export", "--format", "srt", "--speaker", "Jeremy Howard"),
]


def hits(location: str | Path, request: SearchRequest) -> list[tuple[str, int, float]]:
    with open_store(location, create=False) as store:
        return [(h.episode_id, h.turn, h.score) for h in search(store, request).hits]


def test_every_relevance_query_finds_the_same_turns_in_the_same_order(seed_db, seed_pg):
    for q in judged():
        request = SearchRequest(
            query=q.query or None,
            speaker=q.speaker,
            topic=q.topic,
            episode=q.episode,
            lang=q.lang,
            limit=10,
        )
        assert hits(seed_pg, request) == hits(seed_db, request), q.label


@pytest.mark.parametrize("args", SAME_OUTPUT, ids=" ".join)
def test_every_command_answers_the_same_on_both_engines(run_cli, seed_db, seed_pg, args):
    expected = run_cli(*args, "--db", str(seed_db))
    assert run_cli(*args, "--db", seed_pg) == expected


def test_batch_answers_the_same_on_both_engines(run_cli, seed_db, seed_pg, tmp_path):
    batch = tmp_path / "queries.yaml"
    batch.write_text(
        "- query: open source\n  speaker: Lewis Tunstall\n- query: 播客\n  lang: zh\n"
        "- topic: evaluation\n  limit: 3\n",
        encoding="utf-8",
    )
    expected = run_cli("batch", str(batch), "--db", str(seed_db))
    assert expected[0] == 0
    assert run_cli("batch", str(batch), "--db", seed_pg) == expected


def test_ingest_and_reingest_through_the_cli(run_cli, new_pg_database):
    url = new_pg_database()
    code, out, err = run_cli("ingest", str(SEEDS), "--db", url, "--format", "json")
    assert code == 0, err
    first = json.loads(out)
    code, out, err = run_cli("ingest", str(SEEDS), "--db", url, "--format", "json")
    assert code == 0, err
    again = json.loads(out)  # incremental: every file unchanged, nothing read
    assert (again["ingested"], again["unchanged"], again["turns"]) == (0, 5, 0)
    code, out, err = run_cli("ingest", str(SEEDS), "--db", url, "--format", "json", "--force")
    assert code == 0, err
    assert json.loads(out)["turns"] == first["turns"]
    with open_store(url, create=False) as store:
        assert store.counts()["episodes"] == 5
        assert store.counts()["turns"] == first["turns"]


def test_the_environment_variable_selects_the_server(run_cli, seed_pg):
    code, out, err = run_cli("episodes", "--format", "json", env={"PODKB_DB": seed_pg})
    assert code == 0, err
    assert len(json.loads(out)) == 5


def test_a_replaced_episode_leaves_no_trace_in_the_index(new_pg_database, tmp_path):
    from podkb.ingest import ingest_paths

    url = new_pg_database()
    transcript = tmp_path / "talk.txt"
    talk = "Ada: the {animal} crossing\nBob: a quiet street\nAda: indeed\nBob: crossing it\n"
    transcript.write_text(talk.format(animal="zebra"), encoding="utf-8")
    with open_store(url) as store:
        ingest_paths([transcript], store)
    transcript.write_text(talk.format(animal="giraffe"), encoding="utf-8")
    with open_store(url) as store:
        ingest_paths([transcript], store)
        assert search(store, SearchRequest(query="zebra")).hits == []
        assert [h.text for h in search(store, SearchRequest(query="giraffe")).hits] == [
            "the giraffe crossing"
        ]
        assert "zebra" not in dict(store.body_terms())
        assert dict(store.body_terms())["crossing"] == 2
        assert store.counts() == {"episodes": 1, "turns": 4, "speakers": 2}


def test_doctor_checks_the_server_store_and_repair_rebuilds_it(run_cli, new_pg_database):
    import psycopg

    url = new_pg_database()
    assert run_cli("ingest", str(SEEDS), "--db", url)[0] == 0
    code, out, err = run_cli("doctor", "--db", url)
    assert code == 0, out + err
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE episodes SET turns = turns + 1")
        conn.execute("DELETE FROM term_docs WHERE term = 'evaluation'")
    code, out, err = run_cli("doctor", "--db", url)
    assert code == 2
    assert "--repair" in out + err
    code, out, err = run_cli("doctor", "--repair", "--db", url)
    assert code == 0, out + err
    assert run_cli("doctor", "--db", url)[0] == 0


def test_a_missing_server_is_one_line_without_the_password(run_cli):
    url = "postgresql://podkb:s3cret-word@127.0.0.1:1/podkb"
    code, out, err = run_cli("episodes", "--db", url)
    assert code == 2
    assert out == ""
    assert "s3cret-word" not in err
    assert err.startswith("podkb: postgresql://podkb@127.0.0.1:1/podkb: ")
    assert len(err.strip().splitlines()) == 1


def test_a_missing_driver_names_the_extra_to_install(run_cli, monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg now raises ImportError
    code, out, err = run_cli("episodes", "--db", "postgresql://podkb@127.0.0.1:1/podkb")
    assert code == 2
    assert err.strip().splitlines() == [
        "podkb: PostgreSQL stores need the psycopg driver: pip install 'podkb[postgres]'"
    ]


# --- many writers and readers at once, as separate processes -------------------------------------


def _transcripts(folder: Path, writer: int, files: int) -> None:
    folder.mkdir(parents=True)
    for i in range(files):
        lines = [
            f"Host {writer}: question {j} about topic w{writer}f{i} and the shared word harbour"
            if j % 2 == 0
            else f"Guest {writer}: answer {j} on w{writer}f{i}, with harbour again"
            for j in range(40)
        ]
        (folder / f"w{writer}-f{i}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _podkb(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "podkb", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_four_writers_and_readers_at_once_lose_nothing(new_pg_database, tmp_path):
    url = new_pg_database()
    env = {**os.environ, "PODKB_BUSY_TIMEOUT": "60"}
    writers, files = 4, 6
    for w in range(writers):
        _transcripts(tmp_path / f"w{w}", w, files)
    # A store with one episode first, so readers have something to search from the start.
    _transcripts(tmp_path / "first", 9, 1)
    assert _podkb("ingest", str(tmp_path / "first"), "--db", url, env=env).wait() == 0
    started = time.monotonic()
    procs = [
        _podkb("ingest", str(tmp_path / f"w{w}"), "--db", url, env=env) for w in range(writers)
    ]
    # The same files by a fifth writer: each episode is replaced whole, never doubled.
    procs.append(_podkb("ingest", str(tmp_path / "w0"), "--db", url, env=env))
    reads = 0
    while any(p.poll() is None for p in procs):
        reader = _podkb("search", "harbour", "-n", "3", "--db", url, "--format", "json", env=env)
        out, err = reader.communicate(timeout=60)
        assert reader.returncode == 0, err
        assert json.loads(out)
        reads += 1
    for p in procs:
        out, err = p.communicate()
        assert p.returncode == 0, err
    assert reads >= 1
    assert time.monotonic() - started < 300
    with open_store(url, create=False) as store:
        assert store.counts()["episodes"] == writers * files + 1
        assert store.counts()["turns"] == (writers * files + 1) * 40
        every = search(store, SearchRequest(query="harbour", limit=10_000)).hits
        assert len(every) == (writers * files + 1) * 40
        assert dict(store.body_terms())["harbour"] == (writers * files + 1) * 40
    code = _podkb("doctor", "--db", url, env=env)
    out, err = code.communicate()
    assert code.returncode == 0, out + err


def test_a_word_counted_in_more_turns_than_the_store_holds_still_ranks(new_pg_database, tmp_path):
    """BM25's counts come from separate statements: a writer committing between them can leave a
    word's turn count above the store's (seen as 'math domain error' with four writers). The
    search still answers, the word weighing as little as a word in every turn."""
    import psycopg

    url = new_pg_database()
    _transcripts(tmp_path / "one", 0, 1)
    assert _podkb("ingest", str(tmp_path / "one"), "--db", url, env=dict(os.environ)).wait() == 0
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("INSERT INTO term_deltas (term, docs) VALUES ('harbour', 1000)")
    with open_store(url, create=False) as store:
        hits = search(store, SearchRequest(query="harbour", limit=5)).hits
    assert len(hits) == 5


def test_words_postgresql_cannot_index_do_not_stop_an_ingest(new_pg_database, tmp_path):
    from podkb.ingest import ingest_paths

    url = new_pg_database()
    transcript = tmp_path / "long.txt"
    huge = "x" * 3000  # over PostgreSQL's 2046-byte lexeme limit
    many = " ".join(["filler"] * 17_000)  # positions beyond 16383
    transcript.write_text(
        f"Ada: a {huge} word\nBob: {many} closing remark\nAda: fine\nBob: done\n", encoding="utf-8"
    )
    with open_store(url) as store:
        report = ingest_paths([transcript], store)
        assert not report.failed, report.failed
        first, second = (t.turn for t in store.turns()[:2])
        assert [h.turn for h in search(store, SearchRequest(query="word")).hits] == [first]
        assert [h.turn for h in search(store, SearchRequest(query="closing")).hits] == [second]


@pytest.mark.slow
def test_writers_of_the_same_files_in_opposite_orders_never_deadlock(new_pg_database, tmp_path):
    # Each file is its own transaction on a server, so a writer holds one file's locks at a
    # time: with batches of files, two writers crossing each other deadlocked (exit 3).
    url = new_pg_database()
    env = {**os.environ, "PODKB_BUSY_TIMEOUT": "60"}
    _transcripts(tmp_path / "shared", 0, 16)
    files = sorted(str(p) for p in (tmp_path / "shared").iterdir())
    orders = [files, files[::-1], files, files[::-1]]
    procs = [_podkb("ingest", *order, "--db", url, env=env) for order in orders]
    for p in procs:
        out, err = p.communicate()
        assert p.returncode == 0, err
    with open_store(url, create=False) as store:
        assert store.counts()["episodes"] == 16
        assert store.counts()["turns"] == 16 * 40
        assert dict(store.body_terms())["harbour"] == 16 * 40


@pytest.mark.slow
def test_first_opens_of_a_new_database_at_once_make_one_schema(new_pg_database):
    # The losers of the race wait for the winner's schema and use it (once, this failed with a
    # duplicate schema_version row: their transaction had begun before the winner's commit).
    opener = "import sys; from podkb.store import open_store; open_store(sys.argv[1]).close()"
    for _ in range(3):
        url = new_pg_database()
        procs = [
            subprocess.Popen([sys.executable, "-c", opener, url], stderr=subprocess.PIPE, text=True)
            for _ in range(6)
        ]
        for p in procs:
            _, err = p.communicate()
            assert p.returncode == 0, err
        with open_store(url, create=False) as store:
            assert store.counts()["episodes"] == 0
