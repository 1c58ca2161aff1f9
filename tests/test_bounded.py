"""Bounded work on any input: every input-dependent loop linear, explicit limits where a limit is
right (each refused with one line naming the file and the limit), no recursion that can reach
Python's limit. Sizes are scaled down from the issue's reproductions; time ceilings are CPU time
of this process (not wall time, which a loaded machine stretches) and generous: the quadratic
versions took many times longer at these sizes."""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

import pytest
import yaml
from conftest import SEEDS

from podkb.errors import InputError
from podkb.limits import MAX_NESTING, MAX_QUERY_TERMS, check_nesting
from podkb.query import parse_query
from podkb.search import QUOTE_CHARS, SNIPPET_CHARS, make_snippet, quote_text
from podkb.store import Store

CONVERSATION = "Host: Hello.\nGuest: Hi.\nHost: Bye.\nGuest: Bye.\n"


class cpu_seconds:
    """CPU time spent by this process inside the block."""

    def __enter__(self) -> cpu_seconds:
        self.start = time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.spent = time.process_time() - self.start


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


# --- quadratic paths made linear -----------------------------------------------------------------


@pytest.mark.slow
def test_thousands_of_title_like_lines_are_read_in_linear_time(tmp_path):
    from podkb.ingest.pipeline import parse_file

    path = tmp_path / "many.txt"
    path.write_text(
        "".join(f"Speaker{i:06d} Name: text number {i} here\n" for i in range(8000)),
        encoding="utf-8",
    )
    with cpu_seconds() as cpu:
        try:
            parse_file(path)
        except InputError as exc:
            assert str(exc).startswith(str(path))
    assert cpu.spent < 10  # 39 s when every title-like line was folded against every other


def test_a_large_speaker_register_costs_little_per_ingest(run_cli, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    register = ["speakers:"]
    for i in range(1000):
        register.append(f"  - name: Person{i} Surname{i}")
        register.append("    aliases: [" + ", ".join(f"P{i}x{j}" for j in range(3)) + "]")
    (data / "speakers.yaml").write_text("\n".join(register) + "\n", encoding="utf-8")
    assert (data / "speakers.yaml").stat().st_size > 60_000
    db = tmp_path / "kb.db"
    with cpu_seconds() as cpu:
        code, _, err = run_cli("ingest", "--db", str(db), str(SEEDS), env={"PODKB_DATA": str(data)})
    assert code == 0, err
    assert cpu.spent < 30  # five seeds; 11 s per ingest with a 30 KB register before


def test_metadata_yaml_is_read_with_libyaml_when_it_is_installed():
    from podkb.catalog import _safe_loader

    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML without libyaml")
    assert issubclass(_safe_loader(), yaml.CSafeLoader)


@pytest.mark.slow
def test_a_catalog_of_thousands_of_entries_loads_in_about_a_second(tmp_path):
    from podkb.catalog import load_metadata

    lines = ["episodes:"]
    for i in range(5000):
        lines += [
            f"  - source: ep{i:05d}.txt",
            f'    title: "Episode {i} of the show about things"',
            '    hosts: ["Ada Lovelace"]',
            f'    guests: ["Guest Number {i}"]',
            f'    date: "2024-01-{i % 28 + 1:02d}"',
        ]
    (tmp_path / "catalog.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with cpu_seconds() as cpu:
        metadata = load_metadata(tmp_path)
    assert len(metadata.catalog) == 5000
    assert cpu.spent < 5  # 800 KB of YAML: 5 s with PyYAML's pure-Python parser


def test_a_metadata_file_over_the_size_limit_is_refused_naming_it(run_cli, tmp_path):
    from podkb.limits import MAX_METADATA_BYTES

    data = tmp_path / "data"
    data.mkdir()
    with (data / "catalog.yaml").open("w", encoding="utf-8") as f:
        f.write("episodes:\n")
        line = "  # " + "x" * 1020 + "\n"
        for _ in range(MAX_METADATA_BYTES // len(line) + 2):
            f.write(line)
    transcript = tmp_path / "a.txt"
    transcript.write_text(CONVERSATION, encoding="utf-8")
    code, _, err = run_cli(
        "ingest", "--db", str(tmp_path / "kb.db"), str(transcript), env={"PODKB_DATA": str(data)}
    )
    assert code == 2
    assert _one_line(err).startswith(
        f"podkb: {data / 'catalog.yaml'}: larger than 8 MiB (podkb's limit for a metadata file"
    )


def test_a_blank_host_in_the_catalog_is_refused_as_on_the_command_line(run_cli, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "catalog.yaml").write_text(
        'episodes:\n  - source: a.txt\n    hosts: [""]\n', encoding="utf-8"
    )
    transcript = tmp_path / "a.txt"
    transcript.write_text(CONVERSATION, encoding="utf-8")
    code, _, err = run_cli(
        "ingest", "--db", str(tmp_path / "kb.db"), str(transcript), env={"PODKB_DATA": str(data)}
    )
    assert code == 2
    assert _one_line(err) == (
        f"podkb: {data / 'catalog.yaml'}: line 3: episodes.0.hosts: names must not be blank"
    )
    code, _, err = run_cli("ingest", "--db", str(tmp_path / "kb.db"), str(transcript), "--host", "")
    assert code == 2
    assert "names must not be blank" in err


@pytest.mark.parametrize(
    "query, expected",
    [
        (" ".join(f"w{i}x" for i in range(MAX_QUERY_TERMS + 1)), "terms; podkb's limit is 256"),
        ("word " * 200_000, "characters long; podkb's limit is 10,000"),
    ],
)
def test_an_oversized_batch_query_is_refused_naming_its_line(
    run_cli, seed_db, tmp_path, query, expected
):
    batch = tmp_path / "queries.jsonl"
    batch.write_text(
        json.dumps({"name": "ok", "query": "open source"})
        + "\n"
        + json.dumps({"name": "huge", "query": query})
        + "\n",
        encoding="utf-8",
    )
    with cpu_seconds() as cpu:
        code, out, err = run_cli("batch", "--db", str(seed_db), str(batch))
    assert code == 2
    assert out == ""
    line = _one_line(err)
    assert line.startswith(f"podkb: {batch}: line 2: huge: the query ")
    assert expected in line
    assert cpu.spent < 10  # 4 minutes for a 1 MB query before


def test_a_query_at_the_term_limit_runs_in_linear_time(seed_store):
    from podkb.search import SearchRequest, search

    words = " OR ".join(f"w{i}x" for i in range(MAX_QUERY_TERMS // 2))
    with cpu_seconds() as cpu:
        result = search(seed_store, SearchRequest(query=f"evaluation OR {words}"))
    assert result.hits
    assert cpu.spent < 10


def test_the_snippet_of_a_huge_turn_is_a_window_around_its_match():
    text = "今天我们聊聊播客。" * 200_000 + "人工智能的未来。" + "再见。" * 1000  # 1.8 M characters
    terms = parse_query("人工智能").terms()
    with cpu_seconds() as cpu:
        snippet, spans = make_snippet(text, terms)
        quote, quote_spans = quote_text(text, terms)
    assert cpu.spent < 10  # 17 s and 750 MB for a 15 MB turn when the whole turn was folded
    for shown, marks, width in ((snippet, spans, SNIPPET_CHARS), (quote, quote_spans, QUOTE_CHARS)):
        assert shown.startswith("…") and shown.endswith("…")
        assert len(shown) <= width + 2
        assert [shown[s:e] for s, e in marks] == ["人工智能"]


def test_a_short_turn_is_quoted_whole():
    text = "We talked about   open source models at length."
    quote, spans = quote_text(text, parse_query('"open source"').terms())
    assert quote == "We talked about open source models at length."
    assert [quote[s:e] for s, e in spans] == ["open source"]


@pytest.mark.slow
def test_search_and_quotes_over_a_store_with_one_huge_turn(run_cli, tmp_path):
    transcript = tmp_path / "long.txt"
    body = "今天我们聊聊播客和节目。" * 40_000  # 480,000 characters in one turn
    transcript.write_text(f"主持人：{body}人工智能的未来。\n嘉宾：好的。\n", encoding="utf-8")
    db = str(tmp_path / "kb.db")
    code, _, err = run_cli("ingest", "--db", db, str(transcript))
    assert code == 0, err
    with cpu_seconds() as cpu:
        code, out, err = run_cli("search", "--db", db, "人工智能", "--format", "jsonl")
        assert code == 0, err
        (hit,) = [json.loads(line) for line in out.splitlines()]
        assert len(hit["snippet"]) <= SNIPPET_CHARS + 2
        code, out, err = run_cli("quotes", "--db", db, "主持人", "人工智能", "--format", "table")
    assert cpu.spent < 20
    assert "人工智能" in out
    assert len(out) < QUOTE_CHARS * 4


# --- nesting --------------------------------------------------------------------------------------


def _nested_json(depth: int) -> str:
    return '{"segments": ' + "[" * depth + "]" * depth + "}"


def _nested_yaml(key: str, depth: int) -> str:
    return f"{key}: " + "[" * depth + "]" * depth + "\n"


def test_check_nesting_walks_without_recursion():
    deep: list[object] = []
    node = deep
    for _ in range(100_000):
        child: list[object] = []
        node.append(child)
        node = child
    with pytest.raises(InputError, match=f"nested deeper than {MAX_NESTING} levels"):
        check_nesting(deep, path="x.json")
    check_nesting({"a": [[{"b": 1}]]}, path="x.json")


@pytest.mark.parametrize("depth", [500, 5_000])
@pytest.mark.parametrize("name, content", [("t.json", _nested_json), ("t.jsonl", None)])
def test_a_deeply_nested_json_transcript_is_one_line_naming_it(
    run_cli, tmp_path, depth, name, content
):
    path = tmp_path / name
    if content is None:
        record = {
            "episode_id": "e",
            "turn": 1,
            "speaker": "A",
            "text": "Hi.",
            "start": None,
            "source": "x",
            "line": 1,
        }
        first = json.dumps(record)
        path.write_text(
            first + "\n" + first[:-1] + ', "x": ' + "[" * depth + "]" * depth + "}\n",
            encoding="utf-8",
        )
    else:
        path.write_text(content(depth), encoding="utf-8")
    code, _, err = run_cli("ingest", "--db", str(tmp_path / "kb.db"), str(path))
    assert code == 2
    line = _one_line(err)
    assert line.startswith(f"podkb: {path}: "), line
    assert line.endswith(
        f"nested deeper than {MAX_NESTING} levels (podkb's limit for JSON, YAML and XML)"
    )


@pytest.mark.parametrize("file, key", [("catalog.yaml", "episodes"), ("topics.yaml", "topics")])
def test_deeply_nested_metadata_yaml_is_one_line_naming_it(run_cli, seed_db, tmp_path, file, key):
    data = tmp_path / "data"
    data.mkdir()
    (data / file).write_text(_nested_yaml(key, 500), encoding="utf-8")
    transcript = tmp_path / "a.txt"
    transcript.write_text(CONVERSATION, encoding="utf-8")
    if file == "catalog.yaml":
        args = ("ingest", "--db", str(tmp_path / "kb.db"), str(transcript))
    else:
        args = ("topics", "--db", str(seed_db), "--format", "json")
    code, _, err = run_cli(*args, env={"PODKB_DATA": str(data)})
    assert code == 2
    line = _one_line(err)
    assert line.startswith(f"podkb: {data / file}: "), line
    assert (
        line
        == f"podkb: {data / file}: nested deeper than {MAX_NESTING} levels (podkb's limit for JSON, YAML and XML)"
    )


@pytest.mark.parametrize(
    "name, content",
    [
        ("queries.yaml", "- query: " + "[" * 500 + "]" * 500 + "\n"),
        ("queries.jsonl", '{"query": ' + "[" * 5000 + "]" * 5000 + "}\n"),
    ],
)
def test_a_deeply_nested_batch_file_is_one_line_naming_it(
    run_cli, seed_db, tmp_path, name, content
):
    batch = tmp_path / name
    batch.write_text(content, encoding="utf-8")
    code, _, err = run_cli("batch", "--db", str(seed_db), str(batch))
    assert code == 2
    line = _one_line(err)
    assert line.startswith(f"podkb: {batch}: "), line


@pytest.mark.parametrize(
    "sidecar, content",
    [
        ("talk.chapters.json", '{"chapters": ' + "[" * 5000 + "]" * 5000 + "}"),
        ("talk.yaml", "title: " + "[" * 500 + "]" * 500 + "\n"),
    ],
)
def test_a_deeply_nested_sidecar_is_named_not_its_transcript(run_cli, tmp_path, sidecar, content):
    transcript = tmp_path / "talk.txt"
    transcript.write_text(CONVERSATION, encoding="utf-8")
    (tmp_path / sidecar).write_text(content, encoding="utf-8")
    code, _, err = run_cli("ingest", "--db", str(tmp_path / "kb.db"), str(transcript))
    assert code == 2
    line = _one_line(err)
    assert line.startswith(f"podkb: {tmp_path / sidecar}: "), line


def _remove_tree(top: Path) -> None:
    """rmtree without recursion (shutil.rmtree recurses before Python 3.12)."""
    stack = [top]
    while stack:
        entries = list(os.scandir(stack[-1]))
        folders = [Path(e.path) for e in entries if e.is_dir(follow_symlinks=False)]
        if folders:
            stack.extend(folders)
            continue
        for e in entries:
            os.unlink(e.path)
        os.rmdir(stack.pop())


@pytest.mark.slow
def test_a_thousand_nested_folders_are_walked(run_cli, tmp_path):
    # Outside pytest's tmp_path: pytest removes old tmp folders with a recursive rmtree, which
    # a tree this deep would break for every later run if this test were interrupted.
    folder = Path(tempfile.mkdtemp(prefix="podkb-deep-"))
    try:
        deepest = folder
        for _ in range(1000):  # one at a time: pathlib's mkdir(parents=True) recurses too
            deepest = deepest / "d"
            deepest.mkdir()
        (deepest / "talk.txt").write_text(CONVERSATION, encoding="utf-8")
        (folder / "top.txt").write_text(CONVERSATION, encoding="utf-8")
        db = tmp_path / "kb.db"
        code, _, err = run_cli("ingest", "--db", str(db), str(folder))
    finally:
        _remove_tree(folder)
    assert code == 0, err
    with Store(db, create=False) as store:
        assert sorted(e.source for e in store.episodes()) == ["talk.txt", "top.txt"]


def test_a_huge_context_is_a_usage_error(run_cli, seed_db):
    code, out, err = run_cli(
        "search", "--db", str(seed_db), "evaluation", "--context", "99999999999999999999999"
    )
    assert code == 2
    assert out == ""
    assert _one_line(err) == "podkb: --context: Input should be less than or equal to 10000"


def test_the_search_request_refuses_a_huge_context_itself():
    from pydantic import ValidationError

    from podkb.request import SearchRequest

    with pytest.raises(ValidationError):
        SearchRequest(query="evaluation", context=10**30)


# --- output -----------------------------------------------------------------------------------


def test_out_paths_echoed_to_stdout_show_control_characters_escaped(run_cli, seed_db, tmp_path):
    out_dir = tmp_path / "out\x1b]0;pwned\x07"
    code, out, err = run_cli(
        "export", "--db", str(seed_db), "--format", "md", "--out", str(out_dir)
    )
    assert code == 0, err
    assert "\x1b" not in out and "\x07" not in out
    assert "out\\x1b]0;pwned\\x07" in out
    assert all(
        Path(line.replace("\\x1b", "\x1b").replace("\\x07", "\x07")).is_file()
        for line in out.splitlines()
    )


# --- round three: bounded work and limits ------------------------------------------------------


def _wrapped_paragraph(size: int) -> str:
    """One unlabeled paragraph of `size` characters, wrapped at about 70 (no sentence ends)."""
    words = "the quick brown fox jumps over the lazy dog and then some more words".split()
    lines, total, i = [], 0, 0
    while total < size:
        line = " ".join(words[(i + k) % len(words)] for k in range(12))
        lines.append(line)
        total += len(line) + 1
        i += 1
    return "\n".join(lines) + "\n"


def test_one_huge_unlabeled_paragraph_is_read_in_linear_time():
    from podkb.ingest.readers.paragraphs import read_paragraphs

    text = _wrapped_paragraph(4 * 2**20)
    with cpu_seconds() as cpu:
        raw = read_paragraphs(text)
    assert len(raw.turns) == 1 and raw.turns[0].end_line == text.count("\n")
    assert cpu.spent < 3  # 12 s when the paragraph was copied once per line (4 MiB)


@pytest.mark.slow
def test_a_folder_walk_is_linear_in_depth():
    from podkb.ingest.pipeline import discover_sources

    folder = Path(tempfile.mkdtemp(prefix="podkb-deep-"))
    try:
        deepest = folder
        for _ in range(1500):
            deepest = deepest / "d"
            deepest.mkdir()
        (deepest / "talk.txt").write_text(CONVERSATION, encoding="utf-8")
        with cpu_seconds() as cpu:
            found = discover_sources([folder])
    finally:
        _remove_tree(folder)
    assert [p.name for p, _ in found] == ["talk.txt"]
    assert found[0][1] == os.path.realpath(folder) + "/d" * 1500 + "/talk.txt"
    assert cpu.spent < 5  # 41 s at 1,500 levels when each folder's real path was resolved again


def test_yaml_aliases_that_multiply_a_speaker_register_are_refused(run_cli, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    aliases = "[" + ", ".join(f"A{i}" for i in range(3000)) + "]"
    lines = ["speakers:", f"  - {{name: P0, aliases: &a {aliases}}}"]
    lines += [f"  - {{name: P{n}, aliases: *a}}" for n in range(1, 1300)]
    (data / "speakers.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert (data / "speakers.yaml").stat().st_size < 64_000  # 3.9 million aliases written out
    with cpu_seconds() as cpu:
        code, out, err = run_cli(
            "ingest", "--db", str(tmp_path / "kb.db"), str(SEEDS), env={"PODKB_DATA": str(data)}
        )
    assert code == 2
    line = _one_line(err)
    assert line.startswith(f"podkb: {data / 'speakers.yaml'}: holds more than ")
    assert "YAML aliases" in line
    assert cpu.spent < 3  # 3.3 s and 175 MiB to ingest one seed with it before (more per file)


def test_yaml_aliases_people_use_are_still_read(tmp_path):
    from podkb.catalog import CatalogFile, load_yaml_model

    path = tmp_path / "catalog.yaml"
    entries = [
        "episodes:",
        "  - {source: a.srt, hosts: &regulars [Maya Chen, Tom Okafor]}",
        *[f"  - {{source: e{n}.srt, hosts: *regulars}}" for n in range(200)],
    ]
    path.write_text("\n".join(entries) + "\n", encoding="utf-8")
    catalog = load_yaml_model(path, CatalogFile)
    assert isinstance(catalog, CatalogFile) and len(catalog.episodes) == 201


def _child_peak_mib(args: list[str], **kwargs) -> tuple[int, float, bytes]:
    """Run podkb; its exit code, its peak memory (MiB, this child alone) and its stderr."""
    import subprocess
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-m", "podkb", *args], stderr=subprocess.PIPE, **kwargs
    )
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_maxrss / 1024, err


@pytest.mark.slow
def test_sixteen_mib_of_blank_lines_cost_a_few_hundred_mib_not_a_gigabyte(tmp_path):
    path = tmp_path / "blank.txt"
    path.write_text("Host: hello\n" + "\n" * (16 * 2**20 - 100) + "Guest: hi\n", encoding="utf-8")
    code, peak, err = _child_peak_mib(["ingest", str(path), "--db", str(tmp_path / "kb.db")])
    assert code == 0, err
    assert peak < 600  # 991 MiB when accounting kept a list entry for every line


def test_stdin_past_the_size_limit_is_refused_without_reading_it_all(tmp_path):
    import subprocess
    import sys
    import threading

    proc = subprocess.Popen(
        [sys.executable, "-m", "podkb", "ingest", "-", "--name", "endless.txt"],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PODKB_DB": str(tmp_path / "kb.db")},
    )
    assert proc.stdin is not None

    def endless() -> None:
        chunk = b"Host: words and more words\n" * 40_000
        try:
            while True:
                proc.stdin.write(chunk)
        except (BrokenPipeError, ValueError, OSError):
            pass

    writer = threading.Thread(target=endless, daemon=True)
    writer.start()
    try:
        proc.wait(timeout=60)  # a pipe that never ends: podkb must stop at the limit
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("podkb read an endless stdin without stopping at the size limit")
    assert proc.stderr is not None
    err = proc.stderr.read()
    assert proc.returncode == 2
    line = _one_line(err.decode())
    assert line.startswith("podkb: endless.txt: more than 16 MiB on stdin"), line


def test_a_batch_file_over_the_size_limit_is_refused_naming_it(run_cli, seed_db, tmp_path):
    from podkb.limits import MAX_BATCH_BYTES

    path = tmp_path / "huge.yaml"
    path.write_text("- query: evaluation\n" * (MAX_BATCH_BYTES // 20 + 10), encoding="utf-8")
    code, out, err = run_cli("batch", str(path), "--db", str(seed_db))
    assert code == 2 and out == ""
    assert _one_line(err) == (
        f"podkb: {path}: batch file larger than 2 MiB (podkb's limit): split it"
    )


@pytest.mark.parametrize("shape", ["yaml", "jsonl"])
def test_a_batch_file_over_the_entry_limit_is_refused_naming_it(run_cli, seed_db, tmp_path, shape):
    from podkb.limits import MAX_BATCH_ENTRIES

    path = tmp_path / f"many.{shape}"
    entry = "- query: x\n" if shape == "yaml" else '{"query": "x"}\n'
    path.write_text(entry * (MAX_BATCH_ENTRIES + 1), encoding="utf-8")
    with cpu_seconds() as cpu:
        code, out, err = run_cli("batch", str(path), "--db", str(seed_db))
    assert code == 2 and out == ""
    assert _one_line(err) == (
        f"podkb: {path}: more than 10,000 queries (podkb's limit for one batch): split the file"
    )
    assert cpu.spent < 10


def test_a_batch_on_stdin_over_the_size_limit_is_refused(run_cli, seed_db, monkeypatch):
    import io
    import sys

    huge = b"- query: evaluation\n" * (2 * 2**20 // 20 + 10)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(huge)))
    code, out, err = run_cli("batch", "-", "--db", str(seed_db))
    assert code == 2 and out == ""
    assert _one_line(err) == "podkb: stdin: batch file larger than 2 MiB (podkb's limit): split it"


@pytest.mark.slow
def test_context_around_many_hits_is_bounded(run_cli, tmp_path):
    import random

    pick = random.Random(3).choice
    words = "alpha beta gamma delta evaluation model data open source".split()
    turns = [
        ("Host" if i % 2 else "Guest") + ": " + " ".join(pick(words) for _ in range(15)) + "."
        for i in range(6000)
    ]
    path = tmp_path / "long.txt"
    path.write_text("\n\n".join(turns) + "\n", encoding="utf-8")
    db = str(tmp_path / "kb.db")
    assert run_cli("ingest", path.as_posix(), "--db", db)[0] == 0
    with cpu_seconds() as cpu:
        code, out, err = run_cli(
            "search", "evaluation", "-n", "1000", "--context", "10000", "--db", db
        )
    assert code == 2 and out == ""
    assert "more than 8,000,000 characters of turns" in _one_line(err)
    assert cpu.spent < 20
    code, out, _ = run_cli("search", "evaluation", "-n", "1000", "--context", "2", "--db", db)
    assert code == 0 and len(out.splitlines()) == 1000


INVISIBLE = ["   ", "\u200b\u200b", "\u2060", "\ufeff", "\u3164", " \u200d "]


@pytest.mark.parametrize("blank", INVISIBLE)
def test_an_episode_id_of_only_invisible_characters_is_refused(run_cli, tmp_path, blank):
    transcript = tmp_path / "talk.txt"
    transcript.write_text(CONVERSATION, encoding="utf-8")
    (tmp_path / "talk.yaml").write_text(f"episode_id: {json.dumps(blank)}\n", encoding="utf-8")
    code, _, err = run_cli("ingest", "--db", str(tmp_path / "kb.db"), str(transcript))
    assert code == 2
    assert "episode_id" in _one_line(err) and "invisible" in err


@pytest.mark.parametrize("blank", INVISIBLE)
def test_an_episode_id_of_only_invisible_characters_in_turn_records_is_refused(
    run_cli, tmp_path, blank
):
    path = tmp_path / "talk.jsonl"
    record = {
        "episode_id": blank,
        "turn": 0,
        "speaker": None,
        "speaker_label": None,
        "text": "Hello there.",
        "lang": "en",
        "source": "talk.txt",
        "line": 1,
    }
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    code, _, err = run_cli("ingest", "--db", str(tmp_path / "kb.db"), str(path))
    assert code == 2
    assert "shows no character" in _one_line(err)


@pytest.mark.parametrize("blank", INVISIBLE)
def test_speaker_names_of_only_invisible_characters_are_refused(run_cli, tmp_path, blank):
    data = tmp_path / "data"
    data.mkdir()
    (data / "speakers.yaml").write_text(
        f"speakers:\n  - name: {json.dumps(blank)}\n", encoding="utf-8"
    )
    transcript = tmp_path / "talk.txt"
    transcript.write_text(CONVERSATION, encoding="utf-8")
    db = str(tmp_path / "kb.db")
    code, _, err = run_cli("ingest", "--db", db, str(transcript), env={"PODKB_DATA": str(data)})
    assert code == 2 and "speakers.yaml" in _one_line(err)
    code, _, err = run_cli("ingest", "--db", db, str(transcript), "--host", blank)
    assert code == 2 and "--host" in _one_line(err)


def test_naming_a_label_with_only_invisible_characters_is_refused(run_cli, tmp_path):
    transcript = tmp_path / "talk.txt"
    transcript.write_text(
        "SPEAKER_00: Hello.\nSPEAKER_01: Hi.\nSPEAKER_00: Bye.\n", encoding="utf-8"
    )
    db = str(tmp_path / "kb.db")
    assert run_cli("ingest", "--db", db, str(transcript))[0] == 0
    code, _, err = run_cli("speakers", "name", "talk", "SPEAKER_00=\u200b\u200b", "--db", db)
    assert code == 2 and "give LABEL=Name" in _one_line(err)
