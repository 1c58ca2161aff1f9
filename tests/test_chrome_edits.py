"""An edit to the user's chrome.yaml is a change of every file read under the old rules: the
next ingest reads them again (no --force), and an ingest under the same rules skips them."""

import json
import os
import subprocess
import sys

CONVERSATION = [
    "Tom Reyes: Welcome back to Field Notes. Today I talk with Maya about weather stations.",
    "Maya Chen: Thanks for having me, Tom. It is good to be back on the show again.",
]
TAGLINE = "Acme Radio: the home of talk since 1998"


def _ingest(folder, db, chrome) -> tuple[str, dict[str, int]]:
    env = {**os.environ, "PODKB_CHROME": str(chrome), "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "podkb", "ingest", str(folder), "--db", str(db), "-f", "jsonl"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    (report,) = [json.loads(line) for line in done.stdout.splitlines()]
    return report["status"], report["lines"]


def test_an_edited_rule_file_rereads_the_files_it_changes(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "page.txt").write_text("\n\n".join([TAGLINE, *CONVERSATION]) + "\n", "utf-8")
    chrome = tmp_path / "chrome.yaml"
    chrome.write_text("sites: []\n", encoding="utf-8")
    db = tmp_path / "kb.db"

    status, lines = _ingest(folder, db, chrome)
    assert (status, lines["chrome"]) == ("ingested", 0)  # the tagline is a prologue's text
    assert _ingest(folder, db, chrome)[0] == "unchanged"

    chrome.write_text(
        'sites:\n  - name: Acme Radio\n    lines: ["acme radio: the home of .*"]\n', "utf-8"
    )
    status, lines = _ingest(folder, db, chrome)
    assert (status, lines["chrome"]) == ("ingested", 1)
    assert _ingest(folder, db, chrome)[0] == "unchanged"
