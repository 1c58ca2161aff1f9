"""The shape of the package: the import graph of src/podkb has no cycle. Every import counts,
including those under `if TYPE_CHECKING:` and those inside functions, because a cycle hidden in
a function is still a cycle a reader of the code has to untangle."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

from podkb.text import _t2s_chars

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "podkb"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _imported(
    module: str, path: Path, node: ast.Import | ast.ImportFrom, known: set[str]
) -> set[str]:
    """The package modules one import statement names (a module, or a name's own module)."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names} & known
    base = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    if node.level:
        base = base[: len(base) - (node.level - 1)]
        prefix = ".".join(base + ([node.module] if node.module else []))
    else:
        prefix = node.module or ""
    found = set()
    for alias in node.names:
        submodule = f"{prefix}.{alias.name}"
        found.add(submodule if submodule in known else prefix)
    return found & known


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                deps |= _imported(module, path, node, known)
        deps.discard(module)
        graph[module] = deps
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_the_import_graph_sees_function_level_and_type_checking_imports():
    graph = import_graph()
    assert "podkb.ingest.context" in graph["podkb.ingest.readers.markdown"]  # under TYPE_CHECKING
    assert "podkb.cli" in graph["podkb"]  # inside entry()


def test_src_podkb_has_no_import_cycle():
    assert cycles(import_graph()) == []


def _ingest(graph: dict[str, set[str]], package: str) -> dict[str, set[str]]:
    prefix = f"podkb.ingest.{package}"
    return {m: deps for m, deps in graph.items() if m.startswith(prefix + ".")}


def test_the_stages_call_the_readers_and_no_reader_calls_a_stage():
    graph = import_graph()
    stages = {"podkb.ingest.detect", "podkb.ingest.pipeline", "podkb.ingest.resolve"}
    registry = "podkb.ingest.readers"
    readers = _ingest(graph, "readers")
    assert len(readers) >= 19
    for reader, deps in readers.items():
        assert not deps & stages, f"{reader} imports {sorted(deps & stages)}"
        assert registry not in deps, f"{reader} imports the registry that lists it"


def test_the_readers_helpers_import_no_reader_and_no_stage():
    graph = import_graph()
    for helper, deps in _ingest(graph, "shared").items():
        ingest_deps = {d for d in deps if d.startswith("podkb.ingest.")}
        allowed = {"podkb.ingest.raw", "podkb.ingest.context"}
        assert all(d in allowed or d.startswith("podkb.ingest.shared.") for d in ingest_deps), (
            f"{helper} imports {sorted(ingest_deps)}"
        )


# --- start-up: what a search or quotes process imports --------------------------------------

# Modules a `search` or `quotes` process in a pipe does not use: the pydantic records of
# ingest and the listing commands, the generated schema models, the YAML register, the MCP
# tools, batch files, the people's tables, the ingest pipeline, the exporters and the schema
# migrations. Importing any of them costs
# start-up (pydantic models: about 100 ms); the test keeps the gain.
NOT_ON_THE_SEARCH_PATH = (
    "podkb.models",
    "podkb.schemas",
    "podkb.summaries",
    "podkb.catalog",
    "podkb.mcp_tools",
    "podkb.batch",
    "podkb.views",
    "podkb.ingest",
    "podkb.export",  # the exporters (the export command's choices are named in the CLI)
    "podkb.store.migrations",  # an older store's steps, and PostgreSQL's with them
    "podkb.store.pg_impacts",
    "yaml",
    "rapidfuzz",
    "rich.console",
)

_IMPORTED_BY_A_RUN = """
import runpy, sys
sys.argv = ["podkb", *sys.argv[1:]]
try:
    runpy.run_module("podkb", run_name="__main__")
except SystemExit as exc:
    code = exc.code
from pydantic import BaseModel
def every(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from every(sub)
models = sorted({c.__module__ + "." + c.__qualname__ for c in every(BaseModel)
                 if c.__module__.startswith("podkb")})
sys.stderr.write("\\nMODULES " + " ".join(sorted(sys.modules)) + "\\n")
sys.stderr.write("MODELS " + " ".join(models) + "\\n")
sys.stderr.write(f"EXIT {code}\\n")
"""


def _imported_by(*args: str) -> tuple[set[str], set[str], str]:
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("PODKB_")}
    proc = subprocess.run(
        [sys.executable, "-c", _IMPORTED_BY_A_RUN, *args, "--format", "jsonl"],
        capture_output=True,
        text=True,
        env=env,
    )
    lines = dict(line.split(" ", 1) for line in proc.stderr.splitlines() if " " in line)
    return set(lines["MODULES"].split()), set(lines["MODELS"].split()), lines["EXIT"]


@pytest.mark.parametrize(
    "args",
    [
        ("search", "evaluation"),
        ("search", "模型", "--role", "guest", "-C", "1"),
        ("quotes", "Lewis Tunstall", "evaluation"),
    ],
)
def test_a_search_or_quotes_process_imports_only_what_it_uses(seed_db, args):
    """(A filter of episodes, --show, --since or --until, reads the store's episodes, which
    are pydantic records: that search builds the Episode model, and is not checked here.)"""
    modules, models, code = _imported_by(*args, "--db", str(seed_db))
    assert code in ("0", "None"), (args, code)
    assert "podkb.search" in modules  # it did run the search
    unused = {
        m
        for m in modules
        if m.split(".")[0] in {"yaml", "rapidfuzz"} or m.startswith(NOT_ON_THE_SEARCH_PATH)
    }
    assert not unused, f"a search imports {sorted(unused)}"
    assert not models, f"a search builds pydantic models {sorted(models)}"
    if _t2s_chars() is not None:
        # The query's words and the hits' characters are folded from t2s_table: OpenCC's
        # dictionaries cost about 15 ms to load (test_text checks the table against them).
        assert "opencc" not in modules, "a search loads OpenCC"


def test_the_import_check_sees_an_import_of_the_unused_modules(seed_db):
    """The check above can fail: `episodes` builds its rows with the pydantic Episode records."""
    modules, models, _ = _imported_by("episodes", "--db", str(seed_db))
    assert "podkb.models" in modules and "podkb.models.Episode" in models
