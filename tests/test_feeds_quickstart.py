"""The README's quick start for following a feed runs as written (on a free port of 127.0.0.1)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _quickstart_block() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("**Following a podcast.**", 1)[1]
    return re.search(r"```sh\n(.*?)```", section, re.DOTALL).group(1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_the_readme_feed_quick_start_runs_as_written(tmp_path):
    block = _quickstart_block()
    assert "--bind 127.0.0.1" in block and "8765" in block
    port = str(_free_port())
    script = block.replace("8765", port).replace("python3 ", f"{sys.executable} ")
    bin_dir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
        "PODKB_DB": str(tmp_path / "kb.db"),
    }
    env.pop("NO_COLOR", None)
    done = subprocess.run(
        ["bash", "-e", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert f"http://127.0.0.1:{port}/audio/trailer.mp3#t=" in done.stdout
    assert '"with_transcript": 2' in done.stdout  # podkb feeds, in a pipe: JSON lines
