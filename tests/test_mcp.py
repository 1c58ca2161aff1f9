"""`podkb mcp`: an assistant asks through the Model Context Protocol and gets the CLI's answers.

The server runs as a subprocess (`python -m podkb mcp`) and is spoken to with the SDK's own
stdio client, on the seed store in SQLite and in PostgreSQL. Its tools answer the same request
with the same rows, in the same order, as `podkb ... --format json` (long turn texts cut at
the documented bound); a bad call is a tool error carrying the CLI's one line, and the server
answers the next call; the store is never written.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from podkb.mcp_tools import MAX_RESPONSE_CHARS, MAX_RESULTS, MAX_TEXT_CHARS, TOOLS
from podkb.request import SearchRequest, TurnFilter

TOOL_NAMES = ["search", "quotes", "transcript", "episodes", "speakers"]


def _require_sdk() -> None:
    """The SDK comes with the mcp extra; CI installs it, so there these tests never skip."""
    try:
        import mcp  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("the MCP tests must run in CI: pip install -e '.[test,mcp]'")
        pytest.skip("the mcp extra is not installed (pip install -e '.[test,mcp]')")


class Client:
    """The SDK's stdio client on a server subprocess, driven from synchronous tests: the
    session lives in an event loop on its own thread."""

    def __init__(self, location: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        opened: concurrent.futures.Future[Any] = concurrent.futures.Future()
        self.done = asyncio.run_coroutine_threadsafe(self._session(location, opened), self.loop)
        self.initialized = opened.result(timeout=60)

    async def _session(self, location: str, opened: concurrent.futures.Future[Any]) -> None:
        from mcp import ClientSession, StdioServerParameters
        from mcp.client.stdio import stdio_client

        # The stdio client passes only a small default environment: the store is named here.
        params = StdioServerParameters(
            command=sys.executable, args=["-m", "podkb", "mcp"], env={"PODKB_DB": location}
        )
        try:
            async with stdio_client(params) as (read, write), ClientSession(read, write) as s:
                self.session = s
                self.stop = asyncio.Event()
                opened.set_result(await s.initialize())
                await self.stop.wait()
        except BaseException as exc:
            if not opened.done():
                opened.set_exception(exc)
            raise

    def _run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=60)

    def list_tools(self) -> Any:
        return self._run(self.session.list_tools())

    def call(self, name: str, arguments: dict[str, Any]) -> Any:
        return self._run(self.session.call_tool(name, arguments))

    def answer(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        result = self.call(name, arguments)
        assert not result.is_error, result.content[0].text
        assert result.content[0].type == "text" and result.content[0].text
        return result.structured_content

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.stop.set)
        self.done.result(timeout=60)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


def _location(request: pytest.FixtureRequest, engine: str) -> str:
    if engine == "sqlite":
        return str(request.getfixturevalue("seed_db"))
    return str(request.getfixturevalue("seed_pg"))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def location(request: pytest.FixtureRequest) -> str:
    return _location(request, request.param)


@pytest.fixture(scope="module")
def server(location: str):
    _require_sdk()
    client = Client(location)
    yield client
    client.close()


@pytest.fixture()
def cli_json(run_cli, location):
    """The CLI's `--format json` answer on the same store."""

    def run(*args: str) -> Any:
        code, out, err = run_cli(*args, "--format", "json", "--db", location)
        assert code == 0, err
        return json.loads(out)

    return run


def _cut(text: str) -> str:
    """What the documented bound makes of a turn's text: at most MAX_TEXT_CHARS, then "…"."""
    return text if len(text) <= MAX_TEXT_CHARS else text[:MAX_TEXT_CHARS] + "…"


def _as_served(row: dict[str, Any]) -> dict[str, Any]:
    row = {**row, "text": _cut(row["text"])}
    if "context" in row:
        row["context"] = {
            side: [{**t, "text": _cut(t["text"])} for t in turns]
            for side, turns in row["context"].items()
        }
    return row


# --- the tools and their schemas --------------------------------------------------------------


def test_the_server_names_itself_and_lists_the_five_tools_with_their_schemas(server):
    assert server.initialized.server_info.name == "podkb"
    tools = {t.name: t for t in server.list_tools().tools}
    assert sorted(tools) == sorted(TOOL_NAMES)
    for name, tool in tools.items():
        assert tool.input_schema == TOOLS[name].input_schema()
        # The SDK's client checks every answer against it: the tests below check them all.
        assert tool.output_schema == TOOLS[name].output_schema()
        assert tool.description
        assert tool.annotations.read_only_hint is True
        for arg, schema in tool.input_schema["properties"].items():
            assert schema.get("description"), f"{name}.{arg} has no description"


@pytest.mark.parametrize(
    ("tool", "model"),
    [("search", SearchRequest), ("quotes", SearchRequest), ("episodes", TurnFilter)],
)
def test_every_field_of_the_cli_request_model_is_an_argument_of_the_tool(tool, model):
    """A filter added to the request model (and so to the CLI) is an argument of the tool."""
    properties = TOOLS[tool].input_schema()["properties"]
    for field in model.model_fields:
        assert field in properties, f"{model.__name__}.{field} is not an argument of {tool}"
        assert properties[field]["description"]


def test_every_option_the_cli_builds_from_the_request_model_is_a_search_argument():
    from podkb.cli_options import REQUEST_OPTIONS

    assert set(REQUEST_OPTIONS) <= set(TOOLS["search"].input_schema()["properties"])


def test_limit_and_paging_are_bounded_in_the_schema():
    for name in TOOL_NAMES:
        limit = TOOLS[name].input_schema()["properties"]["limit"]
        assert (limit["minimum"], limit["maximum"]) == (1, MAX_RESULTS)
        assert str(MAX_RESULTS) in limit["description"]
    assert TOOLS["quotes"].input_schema()["required"] == ["speaker"]
    assert TOOLS["transcript"].input_schema()["required"] == ["episode"]


# --- the same answers as the CLI --------------------------------------------------------------

SEARCHES = [
    (["evaluation"], {"query": "evaluation"}),
    (
        ["open", "source", "--role", "guest", "-n", "20"],
        {"query": "open source", "role": "guest", "limit": 20},
    ),
    (
        ["--speaker", "Lewis Tunstall", "-n", "15", "--offset", "5"],
        {"speaker": "Lewis Tunstall", "limit": 15, "offset": 5},
    ),
    (["leaderboard", "-C", "1"], {"query": "leaderboard", "context": 1}),
    (
        ["model", "--show", "humans of ai", "--lang", "en"],
        {"query": "model", "show": "humans of ai", "lang": "en"},
    ),
    (["--topic", "evaluation", "-n", "50"], {"topic": "evaluation", "limit": 50}),
    (
        ["transformer", "--since", "2024", "--until", "2024-12"],
        {"query": "transformer", "since": "2024", "until": "2024-12"},
    ),
    (["評估"], {"query": "評估"}),
    # A misspelt query: the corrected query's hits, as the CLI gives them.
    (["leaderbaord"], {"query": "leaderbaord"}),
]


@pytest.mark.parametrize(("cli_args", "arguments"), SEARCHES)
def test_search_gives_the_clis_hits_in_the_clis_order(server, cli_json, cli_args, arguments):
    expected = cli_json("search", *cli_args)
    answer = server.answer("search", arguments)
    assert answer["hits"] == [_as_served(h) for h in expected]
    assert answer["offset"] == arguments.get("offset", 0)


def test_a_corrected_query_says_so(server):
    answer = server.answer("search", {"query": "leaderbaord"})
    assert answer["note"] == "no results for 'leaderbaord'; showing results for 'leaderboard'"


def test_quotes_are_the_clis_quotes_with_time_episode_and_citation(server, cli_json):
    expected = cli_json("quotes", "--speaker", "Lewis Tunstall", "evaluation")
    answer = server.answer("quotes", {"speaker": "Lewis Tunstall", "query": "evaluation"})
    assert answer["quotes"] == [_as_served(h) for h in expected]
    first = answer["quotes"][0]
    assert first["speaker"] == "Lewis Tunstall"
    assert first["episode_title"] == "#16. Inside Hugging Face with Lewis Tunstall"
    assert "evaluation" in first["quote"]
    assert first["citation"].endswith(
        '— Lewis Tunstall, Humans of AI, "#16. Inside Hugging Face with Lewis Tunstall"'
    )
    # Quotes with times: the quote's own start, as hh:mm:ss too.
    timed = server.answer("quotes", {"speaker": "Jeremy Howard", "limit": 5})["quotes"]
    assert timed == [_as_served(h) for h in cli_json("quotes", "Jeremy Howard", "-n", "5")]
    assert all(q["quote_start"] is not None and q["quote_start_hms"] for q in timed)


def test_a_page_says_where_the_next_one_starts(server, cli_json):
    first = server.answer("quotes", {"speaker": "Lewis Tunstall", "limit": 10})
    assert (first["offset"], first["total"], first["next_offset"]) == (0, 53, 10)
    second = server.answer("quotes", {"speaker": "Lewis Tunstall", "limit": 10, "offset": 10})
    everything = cli_json("quotes", "Lewis Tunstall", "-n", "0")
    assert first["quotes"] + second["quotes"] == [_as_served(h) for h in everything[:20]]
    last = server.answer("quotes", {"speaker": "Lewis Tunstall", "limit": 10, "offset": 50})
    assert len(last["quotes"]) == 3 and last["next_offset"] is None


def test_the_transcript_around_a_quote_is_the_turns_the_cli_shows(server, cli_json):
    """The follow-up an assistant makes: the turns around a hit (this episode has no times)."""
    hit = server.answer("quotes", {"speaker": "Lewis Tunstall", "query": "evaluation"})["quotes"][0]
    around = server.answer(
        "transcript", {"episode": hit["episode_id"], "turn": hit["turn"], "context": 2}
    )
    shown = cli_json("show", hit["episode_id"])
    assert [t["turn"] for t in around["turns"]] == list(range(hit["turn"] - 2, hit["turn"] + 3))
    assert around["turns"] == [
        _as_served(t) for t in shown["turns"][hit["turn"] - 2 : hit["turn"] + 3]
    ]
    assert {k: around[k] for k in ("episode_id", "title", "show", "hosts", "guests")} == {
        k: shown[k] for k in ("episode_id", "title", "show", "hosts", "guests")
    }


def test_the_transcript_in_pages_and_in_a_time_range(server, cli_json):
    shown = cli_json("show", "hockeystick")
    first = server.answer("transcript", {"episode": "hockeystick"})
    assert first["turns"] == [_as_served(t) for t in shown["turns"][:MAX_RESULTS]]
    assert (first["total"], first["next_offset"]) == (len(shown["turns"]), MAX_RESULTS)
    timed = cli_json("show", "latent-space")["turns"]
    ranged = server.answer("transcript", {"episode": "latent-space", "start": 60, "end": 300})
    expected = [t for t in timed if (t["end"] or t["start"]) >= 60 and t["start"] <= 300]
    assert expected and ranged["turns"] == [_as_served(t) for t in expected]


def test_episodes_are_the_clis_episode_list(server, cli_json):
    expected = cli_json("episodes")
    answer = server.answer("episodes", {})
    assert answer["episodes"] == expected and answer["total"] == len(expected)
    lewis = server.answer("episodes", {"speaker": "Lewis Tunstall"})["episodes"]
    assert [e["episode_id"] for e in lewis] == [
        "humans-of-ai-16-lewis-tunstall",
        "ml-experts-lewis-tunstall-zh",
    ]
    zh = server.answer("episodes", {"lang": "zh"})["episodes"]
    assert [e["episode_id"] for e in zh] == ["ml-experts-lewis-tunstall-zh"]
    shows = server.answer("episodes", {"show": "latent space"})["episodes"]
    assert [e["show"] for e in shows] == ["Latent Space"]


def test_speakers_are_the_clis_speaker_list(server, cli_json):
    expected = cli_json("speakers")
    assert server.answer("speakers", {})["speakers"] == expected
    one = server.answer("speakers", {"episode": "humans-of-ai"})["speakers"]
    assert [s["name"] for s in one] == [
        s["name"] for s in expected if "humans-of-ai-16-lewis-tunstall" in s["episode_ids"]
    ]
    assert {s["name"] for s in one} == {"Lewis Tunstall", "Sheikh Shuvo"}


# --- bounds -----------------------------------------------------------------------------------


def test_long_turns_are_cut_and_an_answer_stays_within_its_bound(server, cli_json):
    # This episode holds five turns longer than the bound (the longest 9,825 characters).
    arguments = {"episode": "latent-space", "limit": MAX_RESULTS}
    answer = server.answer("search", arguments)
    assert len(json.dumps(answer, ensure_ascii=False)) <= MAX_RESPONSE_CHARS
    assert all(len(h["text"]) <= MAX_TEXT_CHARS + 1 for h in answer["hits"])
    full = cli_json("search", "--episode", "latent-space", "-n", "0")
    assert answer["hits"] == [_as_served(h) for h in full[: len(answer["hits"])]]
    cut = [h for h in answer["hits"] if len(h["text"]) > MAX_TEXT_CHARS]
    assert len(cut) == 5 and all(h["text"].endswith("…") for h in cut)
    assert answer["total"] == len(full) == 58
    # The page ended early to stay within the bound, and says where the rest starts.
    assert len(answer["hits"]) < MAX_RESULTS
    assert answer["next_offset"] == len(answer["hits"])
    rest = server.answer("search", {**arguments, "offset": answer["next_offset"]})
    assert answer["hits"] + rest["hits"] == [
        _as_served(h) for h in full[: len(answer["hits"]) + len(rest["hits"])]
    ]


def test_a_transcript_page_with_its_episode_stays_within_the_bound(server, cli_json):
    shown = cli_json("show", "latent-space")["turns"]
    first = server.answer("transcript", {"episode": "latent-space"})
    assert len(json.dumps(first, ensure_ascii=False)) <= MAX_RESPONSE_CHARS
    assert first["next_offset"] == len(first["turns"])
    pages = [first]
    while pages[-1]["next_offset"] is not None:
        pages.append(
            server.answer(
                "transcript", {"episode": "latent-space", "offset": pages[-1]["next_offset"]}
            )
        )
    assert [t for page in pages for t in page["turns"]] == [_as_served(t) for t in shown]


def test_a_turn_cut_elsewhere_is_read_whole_alone(server, cli_json):
    longest = cli_json("show", "latent-space")["turns"][22]
    assert len(longest["text"]) == 9_825 > MAX_TEXT_CHARS
    around = server.answer("transcript", {"episode": "latent-space", "turn": 22, "context": 1})
    assert around["turns"][1]["text"] == longest["text"][:MAX_TEXT_CHARS] + "…"
    alone = server.answer("transcript", {"episode": "latent-space", "turn": 22, "context": 0})
    assert alone["turns"] == [longest]


@pytest.mark.parametrize("limit", [0, -1, MAX_RESULTS + 1, 10_000])
def test_a_limit_outside_1_to_the_maximum_is_an_error_naming_limit(server, limit):
    result = server.call("search", {"query": "evaluation", "limit": limit})
    assert result.is_error
    assert result.content[0].text.startswith("podkb: limit: Input should be")


# --- errors -----------------------------------------------------------------------------------

CLI_ERRORS = [
    ("search", {}, ["search"]),
    ("search", {"query": "-hub"}, ["search", "--", "-hub"]),
    (
        "search",
        {"query": "x", "speaker": "Jerome Howerd"},
        ["search", "x", "--speaker", "Jerome Howerd"],
    ),
    ("quotes", {"speaker": "Lewis Tinsdale"}, ["quotes", "--speaker", "Lewis Tinsdale", "x"]),
    ("search", {"episode": "humans-of-ia"}, ["search", "--episode", "humans-of-ia"]),
    ("transcript", {"episode": "humans-of-ia"}, ["show", "humans-of-ia"]),
    ("search", {"query": "x", "show": "humans of ia"}, ["search", "x", "--show", "humans of ia"]),
    ("search", {"query": "x", "since": "May 2024"}, ["search", "x", "--since", "May 2024"]),
]


@pytest.mark.parametrize(("tool", "arguments", "cli_args"), CLI_ERRORS)
def test_a_bad_call_is_a_tool_error_with_the_clis_line_and_the_server_goes_on(
    server, run_cli, location, tool, arguments, cli_args
):
    code, _, err = run_cli(cli_args[0], "--db", location, *cli_args[1:])
    assert code == 2
    result = server.call(tool, arguments)
    assert result.is_error
    # The same reason, naming the argument where the CLI names its option (--since: since:).
    expected = err.strip().replace("podkb: --", "podkb: ")
    assert result.content[0].text == expected
    assert server.answer("search", {"query": "evaluation", "limit": 1})["hits"]


@pytest.mark.parametrize(
    ("tool", "arguments", "message"),
    [
        ("search", {"query": 5}, "podkb: query: Input should be a valid string"),
        ("search", {"query": "x", "limit": "5"}, "podkb: limit: Input should be a valid integer"),
        (
            "search",
            {"query": "x", "role": "guests"},
            "podkb: role: Input should be 'host' or 'guest'",
        ),
        (
            "search",
            {"query": "x", "colour": "red"},
            "podkb: colour: Extra inputs are not permitted",
        ),
        ("quotes", {"query": "x"}, "podkb: speaker: Field required"),
        (
            "transcript",
            {"episode": "humans-of-ai", "start": 60},
            "podkb: episode 'humans-of-ai-16-lewis-tunstall' has no times: ask for the turns around a hit with turn (and context)",
        ),
        (
            "transcript",
            {"episode": "humans-of-ai", "turn": 40},
            "podkb: turn: episode 'humans-of-ai-16-lewis-tunstall' has 40 turns (0 to 39)",
        ),
        (
            "play",
            {},
            "podkb: no tool 'play'; the tools are: search, quotes, transcript, episodes, speakers",
        ),
    ],
)
def test_wrong_arguments_are_tool_errors_naming_the_argument(server, tool, arguments, message):
    result = server.call(tool, arguments)
    assert result.is_error and result.content[0].text == message
    assert server.answer("episodes", {"limit": 1})["episodes"]


# --- read-only, and nothing but protocol on stdout --------------------------------------------


def _fingerprint(location: str) -> Any:
    if location.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(location) as conn:
            tables = [
                r[0]
                for r in conn.execute(
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = current_schema() ORDER BY 1"
                )
            ]
            return {
                t: conn.execute(
                    f"SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM {t} x"
                ).fetchone()
                for t in tables
            }
    files = sorted(Path(location).parent.glob(Path(location).name + "*"))
    return {
        f.name: (f.stat().st_mtime_ns, hashlib.sha256(f.read_bytes()).hexdigest()) for f in files
    }


def test_the_store_is_never_written(request, location):
    _require_sdk()
    before = _fingerprint(location)
    client = Client(location)
    try:
        for name, arguments in [
            ("search", {"query": "evaluation", "context": 2}),
            ("quotes", {"speaker": "Lewis Tunstall"}),
            ("transcript", {"episode": "latent-space", "start": 0, "end": 600}),
            ("episodes", {"speaker": "Jeremy Howard"}),
            ("speakers", {"show": "Latent Space"}),
            ("search", {"query": "leaderbaord"}),
            ("search", {"limit": 0}),
        ]:
            client.call(name, arguments)
    finally:
        client.close()
    assert _fingerprint(location) == before


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_a_store_opened_read_only_refuses_every_write(request, tmp_path, engine):
    import shutil

    from podkb.errors import StoreError
    from podkb.store import open_store

    location = _location(request, engine)
    if engine == "sqlite":
        location = str(shutil.copyfile(location, tmp_path / "kb.db"))
    with open_store(location, read_only=True) as store:
        with pytest.raises(StoreError), store.transaction():
            store.delete_episode("latent-space-jeremy-howard-answer-ai")
    with open_store(location, create=False) as store:
        assert "latent-space-jeremy-howard-answer-ai" in store.episode_ids()


def test_stdout_carries_only_protocol_messages(seed_db):
    _require_sdk()
    messages = [
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-11-25",
                "capabilities": {},
                "clientInfo": {"name": "test", "version": "0"},
            },
        },
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
        {
            "jsonrpc": "2.0",
            "id": 3,
            "method": "tools/call",
            "params": {"name": "search", "arguments": {"query": "evaluation"}},
        },
        {
            "jsonrpc": "2.0",
            "id": 4,
            "method": "tools/call",
            "params": {"name": "search", "arguments": {"limit": 0}},
        },
        {
            "jsonrpc": "2.0",
            "id": 5,
            "method": "tools/call",
            "params": {"name": "transcript", "arguments": {"episode": "hockeystick"}},
        },
    ]
    env = {**os.environ, "PODKB_DB": str(seed_db), "PODKB_FORCE_TERMINAL": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "podkb", "mcp"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
        encoding="utf-8",
    )
    assert proc.stdin and proc.stdout
    lines = []
    for message in messages:
        proc.stdin.write(json.dumps(message) + "\n")
        proc.stdin.flush()
        if "id" in message:
            lines.append(proc.stdout.readline())
    proc.stdin.close()
    rest = proc.stdout.read()
    assert proc.wait(timeout=30) == 0
    assert rest == ""
    replies = [json.loads(line) for line in lines]
    assert [r["id"] for r in replies] == [1, 2, 3, 4, 5]
    assert all(r["jsonrpc"] == "2.0" and "result" in r for r in replies)
    assert replies[3]["result"]["isError"] is True


# --- installing it ----------------------------------------------------------------------------


def _podkb_without_mcp(*args: str) -> subprocess.CompletedProcess[str]:
    """podkb in a Python where `import mcp` fails, as it does without the extra."""
    code = (
        "import sys; sys.modules['mcp'] = None; sys.argv = ['podkb', *sys.argv[1:]];"
        "from podkb.cli import main; sys.exit(main())"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60
    )


def test_without_the_extra_podkb_mcp_says_how_to_install_it(seed_db):
    done = _podkb_without_mcp("mcp", "--db", str(seed_db))
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == "podkb: the mcp command needs the MCP SDK: pip install 'podkb[mcp]'\n"


def test_other_commands_neither_need_nor_import_the_sdk(seed_db):
    done = _podkb_without_mcp("search", "evaluation", "--db", str(seed_db), "-n", "1")
    assert done.returncode == 0, done.stderr
    code = (
        "import sys; from podkb.cli import main; main(['search', 'evaluation', '-n', '1',"
        f" '--db', {str(seed_db)!r}]);"
        "sys.stderr.write(repr(sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('mcp', 'mcp_types', 'anyio') or m in ('podkb.mcp_server', 'podkb.mcp_tools'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stderr.splitlines()[-1] == "[]"


def test_a_missing_store_is_one_line_and_exit_2_before_any_protocol(run_cli, tmp_path):
    _require_sdk()
    missing = tmp_path / "none.db"
    code, out, err = run_cli("mcp", "--db", str(missing))
    assert (code, out) == (2, "")
    assert (
        err
        == f"podkb: no knowledge base at {missing}; run `podkb ingest seeds/` first (or pass --db)\n"
    )
    assert not missing.exists()


def test_a_failure_inside_a_tool_is_an_error_result_never_a_raise(seed_db):
    """Whatever goes wrong in a call (here the store is gone from under the server), the client
    gets an error result with one line, and the server's loop goes on."""
    _require_sdk()
    from podkb.mcp_server import call
    from podkb.store import open_store

    store = open_store(seed_db, read_only=True)
    store.close()
    result = call(store, "search", {"query": "evaluation"})
    assert result.is_error
    text = result.content[0].text
    assert text.startswith("podkb: ") and "\n" not in text


def test_the_help_says_how_to_install_and_how_to_add_it_to_a_client(run_cli):
    code, out, _ = run_cli("mcp", "--help", env={"COLUMNS": "200"})
    assert code == 0
    assert "pip install 'podkb[mcp]'" in out
    assert "claude mcp add podkb -- podkb mcp --db" in out
