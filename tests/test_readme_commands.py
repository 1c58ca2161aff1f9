"""Every podkb command the README shows, and every `Example:` of every command's help, runs as
written on the seeds: in a folder holding the files the examples name (episode.srt,
queries.yaml, ...), against a copy of the seed store, each block's lines in order (`&&`, `|` and
`> file` as the shell would). Lines that name a server of the reader's own
(postgresql://...example.org, a URL to fetch) or set up Python are not podkb commands to run here.
"""

from __future__ import annotations

import io
import re
import shlex
import shutil
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, SEEDS
from typer.main import get_command

from podkb.cli import app

README = ROOT / "README.md"
NOT_HERE = (
    "example.org",
    "curl ",
    "pip install",
    "python3 -m venv",
    ".venv/bin/python",
    # Feeds and the MCP server need a server or an extra of their own (their tests cover them).
    "http://",
    "https://",
    ".opml",
    "podkb update",
    "podkb feeds",
    "mcp",
)


def readme_blocks() -> list[list[str]]:
    text = README.read_text(encoding="utf-8")
    blocks = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        lines = [line.split("  #", 1)[0].strip() for line in block.splitlines()]
        lines = [line for line in lines if line.startswith("podkb ")]
        if lines:
            blocks.append(lines)
    return blocks


def help_examples() -> list[list[str]]:
    examples = []

    def walk(command) -> None:
        for line in (command.help or "").splitlines():
            if line.strip().startswith("Example:"):
                examples.append([line.split("Example:", 1)[1].strip()])
        for sub in getattr(command, "commands", {}).values():
            walk(sub)

    walk(get_command(app))
    return examples


CASES = [(f"README block {n}", block) for n, block in enumerate(readme_blocks(), start=1)] + [
    (f"help: {ex[0]}", ex) for ex in help_examples()
]


def test_the_readme_and_the_help_have_examples():
    assert len(readme_blocks()) >= 8 and len(help_examples()) >= 12


@pytest.fixture()
def workdir(tmp_path, seed_db, monkeypatch) -> Path:
    """The files the examples name, and a copy of the seed store as the default store."""
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(FIXTURES / "interchange" / "interview_en.srt", work / "episode.srt")
    shutil.copy(SEEDS / "000_084d43b1bddc1ac0.txt", work / "odd-page.txt")
    (work / "queries.yaml").write_text(_readme_yaml(), encoding="utf-8")
    shutil.copytree(FIXTURES / "interchange", work / "transcripts")
    shutil.copytree(SEEDS, work / "seeds")
    store = tmp_path / "kb.db"
    shutil.copy(seed_db, store)
    shutil.copy(seed_db, work / "kb.db")
    monkeypatch.setenv("PODKB_DB", str(store))
    monkeypatch.chdir(work)
    return work


def _readme_yaml() -> str:
    """The batch file the README shows."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Batch", 1)[1]
    return re.search(r"```yaml\n(.*?)```", section, flags=re.S).group(1)


def _run_line(run_cli, monkeypatch, line: str) -> list[tuple[int, str]]:
    """A line as a shell runs it: steps joined by &&, each a pipeline with an optional > file."""
    results = []
    for step in line.split(" && "):
        stdin = None
        for stage in step.split(" | "):
            words = shlex.split(stage)
            assert words[0] == "podkb", stage
            target = None
            if ">" in words:
                at = words.index(">")
                words, target = words[:at], words[at + 1]
            if stdin is not None:
                monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
            code, out, err = run_cli(*words[1:])
            results.append((code, err))
            if target is not None:
                Path(target).write_text(out, encoding="utf-8")
            stdin = out
            if code != 0:
                return results
    return results


@pytest.mark.parametrize(("name", "lines"), CASES, ids=[c[0] for c in CASES])
def test_an_example_runs_as_written(run_cli, monkeypatch, workdir, name, lines):
    if any(marker in line for line in lines for marker in NOT_HERE):
        pytest.skip("needs a server or an extra of its own (a block's later lines need it too)")
    for line in lines:
        line = line.split("  (", 1)[0].strip()  # `podkb -q update   (from cron)`
        for code, err in _run_line(run_cli, monkeypatch, line):
            assert "internal error" not in err and "Traceback" not in err, (line, err)
            # 1 is "nothing found" (remove --missing with nothing missing): said on stderr.
            assert code == 0 or (code == 1 and err.strip()), (line, err)
