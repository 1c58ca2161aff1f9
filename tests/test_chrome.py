"""Page chrome by general rules: a page's breadcrumb trail to its own title, cover art's
captions, menus after the transcript. What only one site says is data (data/chrome.yaml),
which a user's chrome.yaml extends."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from podkb.ingest.pipeline import read_parsed
from podkb.ingest.shared import chrome

ROOT = Path(__file__).resolve().parent.parent

TITLE = "Maya Chen on Weather Stations and Rain Gauges"
CONVERSATION = [
    "Tom Reyes: Welcome back to Field Notes. Today I talk with Maya about weather stations.",
    "Maya Chen: Thanks for having me, Tom. It is good to be back on the show again.",
    "Tom Reyes: How did you start building them? Tell us about the first one you made.",
    "Maya Chen: With a kit from a shop and a lot of patience on a rainy weekend at home.",
]


def _classes(tmp_path, lines: list[str]) -> dict[str, str]:
    """Each source line's class, keyed by the line's text."""
    path = tmp_path / "page.txt"
    path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    parsed = read_parsed(path.read_bytes(), path=path)
    return {use.text: use.cls for use in parsed.accounting.lines}


def test_a_breadcrumb_trail_to_the_pages_own_title_is_chrome(tmp_path):
    crumb = f"Acme Radio Homepage Shows {TITLE}"
    classes = _classes(tmp_path, [crumb, TITLE, *CONVERSATION])
    assert classes[crumb] == "chrome"
    assert classes[TITLE] == "metadata"


def test_a_numbered_title_or_a_chapter_line_is_no_breadcrumb(tmp_path):
    numbered = f"#12. {TITLE}"
    classes = _classes(tmp_path, [numbered, TITLE, *CONVERSATION])
    assert classes[numbered] == "metadata"


@pytest.mark.parametrize(
    "caption",
    [
        f"Field Notes #12 - {TITLE} - podcast episode cover",
        "Podcast cover art",
        "Field Notes: show logo",
        "Episode artwork",
    ],
)
def test_cover_art_captions_are_chrome(caption):
    assert chrome.is_chrome(caption)


@pytest.mark.parametrize(
    "said",
    ["The podcast cover was my idea.", "We changed the show logo twice.", "Cover art"],
)
def test_a_sentence_about_cover_art_is_not_chrome(said):
    assert not chrome.is_chrome(said)


def test_a_menu_after_the_transcript_is_chrome(tmp_path):
    path = tmp_path / "page.txt"
    page = "\n\n".join([TITLE, *CONVERSATION, "Rate this Article"]) + "\n\nCulture\nMethods\n"
    path.write_text(page, encoding="utf-8")
    parsed = read_parsed(path.read_bytes(), path=path)
    classes = {use.text: use.cls for use in parsed.accounting.lines}
    assert classes["Culture"] == classes["Methods"] == "chrome"


def test_a_lone_short_line_after_the_transcript_is_not_taken_for_a_menu(tmp_path):
    path = tmp_path / "page.txt"
    page = "\n\n".join([TITLE, *CONVERSATION, "Rate this Article", "Culture"]) + "\n"
    path.write_text(page, encoding="utf-8")
    parsed = read_parsed(path.read_bytes(), path=path, lenient=True)
    classes = {use.text: use.cls for use in parsed.accounting.lines}
    assert classes["Culture"] == "unaccounted"


def test_the_librarys_rules_name_no_site_of_the_data_file():
    data = yaml.safe_load((ROOT / "data" / "chrome.yaml").read_text(encoding="utf-8"))
    source = (ROOT / "src" / "podkb" / "ingest" / "shared" / "chrome.py").read_text()
    patterns = "\n".join(chrome._CHROME_PATTERNS)
    for site in data["sites"]:
        name = site["name"].lower()
        assert name not in patterns.lower() and name.replace(" ", " ?") not in patterns.lower()
        for line in site["lines"]:
            assert line not in source, line


def test_site_chrome_comes_from_the_data_file():
    assert chrome.is_chrome(
        "Facilitating the Spread of Knowledge and Innovation in Professional Software Development"
    )
    assert chrome.is_chrome("Manage episode 434592706 series 3451473")


def test_a_users_chrome_file_adds_a_sites_lines(tmp_path, monkeypatch):
    line = "Acme Radio: the home of talk since 1998"
    assert not chrome.is_chrome(line)
    user = tmp_path / "chrome.yaml"
    user.write_text('sites:\n  - name: Acme Radio\n    lines: ["acme radio: the home of .*"]\n')
    monkeypatch.setenv("PODKB_CHROME", str(user))
    assert chrome.is_chrome(line)
    assert chrome.is_chrome("Manage episode 1 series 2")  # the packaged sites still count


def test_the_user_config_directory_holds_the_users_chrome_file(tmp_path, monkeypatch):
    monkeypatch.delenv("PODKB_CHROME", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert chrome.user_chrome_file() is None
    (tmp_path / "podkb").mkdir()
    (tmp_path / "podkb" / "chrome.yaml").write_text("sites: []\n")
    assert chrome.user_chrome_file() == tmp_path / "podkb" / "chrome.yaml"


@pytest.mark.parametrize(
    "content, reason",
    [
        ('sites:\n  - name: X\n    lines: ["(unclosed"]\n', r"line 3: sites\.0\.lines: .*regular"),
        ("sites:\n  - name: X\n    line: [a]\n", r"line 2: sites\.0\.lines: Field required"),
    ],
)
def test_a_broken_user_chrome_file_is_one_line_naming_it(
    run_cli, tmp_path, monkeypatch, content, reason
):
    user = tmp_path / "chrome.yaml"
    user.write_text(content)
    monkeypatch.setenv("PODKB_CHROME", str(user))
    page = tmp_path / "page.txt"
    page.write_text("\n\n".join(CONVERSATION) + "\n", encoding="utf-8")
    code, out, err = run_cli("ingest", str(page), "--db", str(tmp_path / "kb.db"))
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1
    assert re.match(rf"podkb: {re.escape(str(user))}: {reason}", err), err


def test_the_readmes_example_chrome_file_is_one_podkb_reads(tmp_path, monkeypatch):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(\s*sites:\n.*?)```", readme, flags=re.S)
    assert example is not None
    user = tmp_path / "chrome.yaml"
    user.write_text(example.group(1).replace("\n  ", "\n"), encoding="utf-8")
    monkeypatch.setenv("PODKB_CHROME", str(user))
    assert chrome.is_chrome("Acme Radio: the home of talk since 1998")
    assert chrome.is_chrome("Listen live on Acme Radio")


@pytest.mark.parametrize(
    "line, listed",
    [
        (
            "**Bumblefudge** [8:38](https://www.youtube.com/watch?v=x&t=518s): Definitely spam.",
            False,
        ),
        ("[00:12:04](https://example.org/ep1#t=724) All right.", False),
        ("- [Show notes](https://example.org/notes) on our site", True),
        ("[ethereum/EIPs#8390](https://github.com/ethereum/EIPs/pull/8390)", True),
    ],
)
def test_a_line_opened_by_a_time_link_is_speech_not_an_entry_of_a_link_list(line, listed):
    # After the transcript, link lists are furniture; a short last turn whose time is a link
    # into the recording was taken for one, and dropped.
    assert chrome.is_link_line(line) is listed
