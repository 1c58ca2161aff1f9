"""The README's "Three jobs, as recipes" work as written on the seeds.

Every command of that section's shell blocks is run (in-process, against the seed store) as the
README writes it, `> file` included; each must succeed and produce what the recipe promises.
"""

from __future__ import annotations

import csv
import io
import re
import shlex
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def recipe_commands() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Three jobs, as recipes", 1)[1].split("\n## ", 1)[0]
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", section, flags=re.S):
        for line in block.splitlines():
            line = line.split("  #", 1)[0].strip()  # a comment after the command
            if line:
                commands.append(line)
    return commands


def test_the_section_has_the_three_jobs():
    commands = recipe_commands()
    assert len(commands) == 6
    assert all(c.startswith("podkb ") for c in commands)


@pytest.mark.parametrize("command", recipe_commands())
def test_a_recipe_runs_as_written(command, run_cli, seed_db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    words = shlex.split(command)[1:]
    target = None
    if ">" in words:
        at = words.index(">")
        words, target = words[:at], words[at + 1]
    code, out, err = run_cli(*words, "--db", str(seed_db))
    assert code == 0, err
    assert out.strip()
    if target is not None:  # what the shell would have written
        Path(target).write_text(out, encoding="utf-8")
    if "--format csv" in command:
        rows = list(csv.DictReader(io.StringIO(out)))
        assert rows and all(r["episode_id"] and r["text"] and r["line"] for r in rows)
        if "--role guest" in command:
            assert {r["role"] for r in rows} == {"guest"}
    if "--out" in command:
        folder = tmp_path / words[words.index("--out") + 1]
        written = sorted(folder.glob("*.md"))
        assert written and all(p.read_text(encoding="utf-8").strip() for p in written)
        assert out.split() == [str(p) for p in written] or len(out.split()) == len(written)
    if "--format cite" in command:
        assert all(re.search(r"\(\d\d:\d\d:\d\d\)|—", line) for line in out.splitlines())
