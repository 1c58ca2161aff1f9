"""Recognising web-page chrome: navigation, app and subscribe links, comment forms, player UI.

Chrome is matched per paragraph (one source line) against anchored patterns, in the languages
podcast pages come in. A paragraph either is chrome as a whole or is kept: podkb never cuts
words out of spoken text. The patterns here are general (no site or show is named); what only
one site's pages say is data: data/chrome.yaml, which a user's chrome.yaml extends.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, field_validator

from ...catalog import load_yaml_model, packaged_data_dir
from ...text import fold

# Whole-paragraph patterns, matched against the folded (lower-case, width-folded) paragraph.
_CHROME_PATTERNS = [
    # navigation and page furniture
    r"(← ?)?previous( · | \| )all episodes( · | \| )next( ?→)?",
    r"(all|more|previous|next|other|related|latest|recent) (episodes|podcasts|articles|posts)",
    r"view (episode|show) (details|notes)",
    r"(show|read|see|load) (more|less|all)",
    r"continue reading",
    r"read more",
    r"back to (top|episodes?)",
    r"(home|homepage|menu|search|topics|bookmarks?|share|artwork|icon ?share)",
    r"choose your language",
    r"write for [\w ]+",
    r"rate this article",
    r"about the (author|authors|host|hosts)",
    r"community comments",
    r"you need to register an .* account or .*",
    r"get the most out of the .* experience\.?",
    r"allowed html: .*",
    r"(log ?in|sign ?in|sign ?up|register|subscribe|follow|download|listen|play|pause|loading)( now)?( ?…| ?\.\.\.)?",
    r"more about (our|the|this) (podcasts?|shows?|episodes?)",
    r"you can keep up[- ]to[- ]date with .*",
    r"for the best experience,? listen (in|on|with) .*",
    r"icon ?(シェア|共有)",
    r"(apple podcasts|spotify|google podcasts|overcast|pocket casts|youtube|rss|soundcloud|castbox|podcast addict)",
    r"listen to .* (using|on|in) .*(apps?|directories|platforms?)\.?",
    r"listen to this episode in .*",
    r"download .* app",
    r"transcript source: .*",
    r"episode description",
    r"\d+ (episodes|エピソード|つのエピソード|集|期)",
    r"すべてのエピソード",
    r"シェア|共有|購読|ダウンロード|続きを読む|もっと見る|再生|一時停止",
    r"(订阅|訂閱|分享|下载|下載|评论|評論|登录|登入|注册|註冊|阅读更多|閱讀更多|展开|展開|收起|播放|暂停|暫停)",
    # cover art's caption (an image's alt text): `<title> - podcast episode cover`, `Show logo`
    r"(.+( [-–—|·]|:) )?((the )?(podcast|episode|show|album)\s+){1,2}(cover( art| image)?|artwork|art|logo|thumbnail|image)",
    r"© .*|copyright .*|all rights reserved\.?",
    r"(cookie|privacy) (policy|settings|preferences).*",
    r"(×|x|\||·|•|-+|—+|…|--:--|\d{1,2}:\d{2}(:\d{2})?)",
    r"· \d{1,2}:\d{2}(:\d{2})?",
    r"[←→↑↓|·•\s]+",
]
_CHROME_RE = re.compile("|".join(f"(?:{p})" for p in _CHROME_PATTERNS))

# Paragraphs that open the transcript proper.
_TRANSCRIPT_MARKERS = {
    "transcript",
    "full transcript",
    "episode transcript",
    "transcription",
    "文字稿",
    "逐字稿",
    "文字记录",
    "全文",
    "トランスクリプト",
    "文字起こし",
}
# Headings of show-notes sections: metadata, never speech.
_SHOW_NOTES_HEADINGS = {
    "key takeaways",
    "show notes",
    "timestamps",
    "chapters",
    "episode notes",
    "links",
    "resources",
    "description",
    "summary",
    "in this episode",
    "节目简介",
    "節目簡介",
    "时间轴",
    "時間軸",
}


# Page furniture is short (the longest seen is 226 characters); a longer paragraph is never
# chrome, is not worth folding, and would make the patterns with two `.*` runs backtrack
# quadratically.
_MAX_CHROME_CHARS = 400
_MAX_HEADING_CHARS = 60


def is_chrome(paragraph: str) -> bool:
    if len(paragraph) > _MAX_CHROME_CHARS:
        return False
    key = fold(paragraph).strip()
    return bool(_CHROME_RE.fullmatch(key)) or bool(_site_chrome().fullmatch(key))


def _heading_key(paragraph: str) -> str:
    return fold(paragraph).strip().rstrip(":：").strip()


def is_transcript_marker(paragraph: str) -> bool:
    return len(paragraph) <= _MAX_HEADING_CHARS and _heading_key(paragraph) in _TRANSCRIPT_MARKERS


def is_show_notes_heading(paragraph: str) -> bool:
    return len(paragraph) <= _MAX_HEADING_CHARS and _heading_key(paragraph) in _SHOW_NOTES_HEADINGS


# --- residue: template tags, inline HTML, link lists, contact boxes, end markers --------------

# Liquid / Jinja tags a site generator left in a page (`{% include player.html %}`, `{{ x }}`).
_TEMPLATE_TAG_RE = re.compile(r"\{%-?.{0,400}?-?%\}|\{\{.{0,400}?\}\}")
# Inline HTML a Markdown page or a JSON `text` field carries: the tag goes, its text stays.
_INLINE_TAG_RE = re.compile(
    r"</?(?:a|p|br|span|em|strong|b|i|u|div|font|sup|sub|small|mark|abbr|cite|q|s)"
    # Attributes as HTML writes them (`href="..."`): `a<b and c>d` is no tag.
    r"""(?:\s+[A-Za-z][\w:-]*\s*=\s*(?:"[^"<>]{0,500}"|'[^'<>]{0,500}'|[^\s"'<>=]+)){0,20}"""
    r"\s*/?>",
    re.I,
)


def strip_markup_residue(text: str) -> str:
    """The text without template tags and inline HTML tags (the words inside a link stay)."""
    if "{" not in text and "<" not in text:
        return text
    if "`" in text:  # `<p>` in a code span is a tag written about, not markup: keep it
        parts = re.split(r"(`[^`\n]*`)", text)
        cleaned = "".join(p if p.startswith("`") else _strip_tags(p) for p in parts)
    else:
        cleaned = _strip_tags(text)
    if cleaned == text:
        return text
    # A tag between two words was a break; one inside a word's punctuation was not.
    cleaned = re.sub(r"[ \t]{2,}", " ", cleaned)
    cleaned = re.sub(r" ([.,;:!?)\]”’])", r"\1", cleaned)
    return "\n".join(line.strip() for line in cleaned.split("\n")).strip()


# Block and media tags a page generator wraps a transcript in (`<details><summary>`, an
# `<audio data-able-player ...>` player, `<h2>`): their names never occur as words, so any
# attributes go with them (valueless ones too).
_BLOCK_TAG_RE = re.compile(
    r"</?(?:details|summary|audio|video|source|track|figure|figcaption|section|article|aside|"
    r"header|footer|nav|h[1-6]|iframe|blockquote|ul|ol|li|hr|img|picture)\b[^<>]{0,1000}>",
    re.I,
)


# A template tag on a line of its own that renders a time link (`{% include timecode.html
# time="0:05" %}`, `{{< timestamp "1:02:03" >}}`): the time the paragraph below starts at.
_TIME_TAG_RE = re.compile(
    r"^(?:\{%-?|\{\{<?)[^%}]{0,200}?\b(?:time|timecode|timestamp|ts)\b[^%}\d]{0,200}?"
    r"(?P<t>\d{1,2}(?::\d{2}){1,2}(?:\.\d{1,3})?)\b[^%}\d]{0,200}(?:-?%\}|>?\}\})$"
)
_COMMENT_OPEN_RE = re.compile(r"^\{%-?\s*comment\s*-?%\}")
_COMMENT_CLOSE_RE = re.compile(r"\{%-?\s*endcomment\s*-?%\}$")


def template_time(line: str) -> float | None:
    """The time a template tag alone on its line links to, in seconds, or None."""
    if not line.startswith("{"):
        return None
    m = _TIME_TAG_RE.match(line)
    if m is None:
        return None
    seconds = 0.0
    for part in m.group("t").split(":"):
        seconds = seconds * 60 + float(part)
    return seconds


def template_comment_lines(lines: list[str]) -> set[int]:
    """0-based indexes of the lines of `{% comment %} ... {% endcomment %}` blocks: notes to a
    site's editors that are never rendered, so never transcript."""
    found: set[int] = set()
    start: int | None = None
    for i, line in enumerate(lines):
        stripped = line.strip()
        if start is None and _COMMENT_OPEN_RE.match(stripped):
            start = i
        if start is not None:
            found.add(i)
            if _COMMENT_CLOSE_RE.search(stripped):
                start = None
    return found if start is None else found - set(range(start, len(lines)))


def _strip_tags(text: str) -> str:
    return _BLOCK_TAG_RE.sub(" ", _INLINE_TAG_RE.sub(" ", _TEMPLATE_TAG_RE.sub(" ", text)))


# A paragraph that says the transcript is over, in the languages transcripts come in.
_END_MARKER_RE = re.compile(
    r"(?:end of (?:the )?(?:interview|transcript|transcription|recording|session|tape|hearing|"
    r"proceedings|episode)|fin de la (?:entrevista|transcripcion|grabacion)|fin de l'(?:entretien|"
    r"entrevue|interview)|fin del? (?:entrevista|transcripcion)|ende des (?:interviews|gesprachs|"
    r"transkripts)|ende der (?:aufnahme|sendung|folge)|fine dell'intervista|fim da entrevista|"
    r"einde (?:van het )?interview|koniec wywiadu|访谈结束|訪談結束|采访结束|採訪結束|全文完|"
    r"(?:the )?end|fin|ende|完)"
)
_DECORATION = " \t*_-–—=~#.。!！:：[]()（）【】«»\"'“”"


def is_end_marker(paragraph: str) -> bool:
    """`Fin de la entrevista`, `Ende des Interviews`, `[END OF TRANSCRIPT]`, `（完）`: the end of
    the transcript. A bare word (`End`, `Fin`, `完`) counts only set off by brackets or dashes."""
    if len(paragraph) > 60:
        return False
    key = fold(paragraph).strip()
    core = key.strip(_DECORATION).strip()
    if not _END_MARKER_RE.fullmatch(core):
        return False
    return " " in core or len(core) > 4 or core != key


# Headings of a list of links after the transcript.
_LINKS_HEADINGS = {
    "links",
    "other links",
    "more links",
    "related links",
    "useful links",
    "show links",
    "episode links",
    "links mentioned",
    "links from the show",
    "links from this episode",
    "mentioned in this episode",
    "mentioned in the episode",
    "resources",
    "further reading",
    "references",
    "enlaces",
    "otros enlaces",
    "enlaces relacionados",
    "links zur folge",
    "links zur sendung",
    "weitere links",
    "weiterfuhrende links",
    "liens",
    "autres liens",
    "liens utiles",
    "link utili",
    "altri link",
    "相关链接",
    "相關連結",
    "相关連結",
    "链接",
    "連結",
    "延伸阅读",
    "延伸閱讀",
}
_URL_RE = re.compile(r"(?i)\bhttps?://\S+|\bwww\.\S+\.\w+")
# A Markdown link, `[text](url "title")`, its text group 1 (the markdown and text readers').
MD_LINK_RE = re.compile(r"(?<!\\)\[([^\]\n]+)\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)")
_TIME_LINK_RE = re.compile(r"\[\d{1,2}(?::\d{1,2}){1,2}(?:[.,]\d{1,3})?\]\([^)\s]+\)")
_MD_LINK_RE = re.compile(r"\[[^\]\n]+\]\([^)\s]+(?:\s+\"[^\"]*\")?\)")
_LIST_MARK_RE = re.compile(r"^(?:[-*+•●▪]|\d{1,3}[.)])\s+")


def is_links_heading(paragraph: str) -> bool:
    if len(paragraph) > _MAX_HEADING_CHARS:
        return False
    key = fold(paragraph).strip().strip("#*_ ").rstrip(":：").strip("*_ ")
    return key in _LINKS_HEADINGS


def is_link_line(paragraph: str) -> bool:
    """A line of a link list: a link (Markdown or a bare URL), maybe a list mark and a few words
    of description, nothing anyone says."""
    # A link whose text is a time (`[8:38](https://youtu.be/...&t=518s)`) marks when a turn
    # starts: the line is someone speaking, not an entry of a list of links.
    paragraph = _TIME_LINK_RE.sub(" ", paragraph)
    links = _MD_LINK_RE.findall(paragraph) + _URL_RE.findall(paragraph)
    if not links:
        return False
    rest = _URL_RE.sub(" ", _MD_LINK_RE.sub(" ", _LIST_MARK_RE.sub("", paragraph)))
    return len(rest.split()) <= 12


# Lines of a postal address or contact box: a phone or fax number, an e-mail address, a street,
# a post-office box, a postcode with its town.
_CONTACT_RE = re.compile(
    r"(?i)^(?:(?:phone|tel|telephone|telefon|teléfono|telefono|téléphone|fax|mobile|cell)\.?\s*"
    r"[:.]?\s*\+?[\d\s()./-]{7,}"
    r"|(?:e-?mail|correo|courriel)\s*[:.]?\s*\S+@\S+\.\w+|\S+@\S+\.[a-z]{2,}"
    r"|p\.?\s?o\.?\s+box\s+\d+.*|postfach\s+\d+.*|apartado\s+(?:de correos\s+)?\d+.*"
    r"|\d{1,5}\s+(?:[A-Z][\w.'-]*\s+){1,4}(?:street|st\.?|avenue|ave\.?|road|rd\.?|boulevard|"
    r"blvd\.?|lane|ln\.?|drive|dr\.?|way|place|pl\.?|suite|square|sq\.?)\b.*"
    r"|[\w.' -]{2,40}(?:straße|strasse|str\.|weg|platz|gasse|allee)\s+\d+\w?(?:,.*)?"
    r"|(?:[\w .'-]+,\s*)?[A-Z]{2}\s+\d{5}(?:-\d{4})?|\d{4,5}\s+[A-ZÄÖÜ][\wäöüß-]+(?:\s\w+)?)$"
)


def is_contact_line(paragraph: str) -> bool:
    return len(paragraph) <= 120 and bool(_CONTACT_RE.match(paragraph.strip()))


def trailing_furniture(paragraphs: list[str], is_label: Callable[[int], bool]) -> int:
    """Where the furniture after a transcript starts: its link lists ("Other links" and what
    follows), contact and address boxes, end markers; the index of the first such paragraph,
    or len(paragraphs). It is read from the end and stops at the first paragraph someone says
    (a label, a sentence that is not a link): a conversation is never cut."""
    start = len(paragraphs)
    furniture = False  # a link, contact or end-marker line is among those taken so far
    below_is_contact = False  # the paragraph after this one is a contact line
    i = len(paragraphs) - 1
    while i >= 0:
        text = paragraphs[i]
        if is_label(i):
            break
        contact = is_contact_line(text)
        if contact or is_link_line(text) or is_end_marker(text):
            furniture = True
        elif is_links_heading(text) or (is_chrome(text) and furniture):
            pass
        elif below_is_contact and len(text.split()) <= 8 and not text.endswith((".", "!", "?")):
            contact = True  # a box's first line: the organisation's name above its address
        else:
            break
        below_is_contact = contact
        start = i
        i -= 1
    return start if furniture else len(paragraphs)


def furniture_class(paragraph: str) -> str:
    """How a line of the furniture after a transcript is accounted: a contact box or page
    chrome is `chrome`, a link list, its heading and an end marker `metadata`."""
    return "chrome" if is_contact_line(paragraph) or is_chrome(paragraph) else "metadata"


# --- what particular sites say: data/chrome.yaml, extended by the user's chrome.yaml ---------


class _SiteChrome(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    name: str
    lines: list[str]

    @field_validator("lines")
    @classmethod
    def _patterns(cls, value: list[str]) -> list[str]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"not a regular expression ({exc}): {pattern!r}") from None
        return value


class ChromeFile(BaseModel):
    """chrome.yaml: the page furniture of particular sites, as patterns of whole lines."""

    model_config = ConfigDict(extra="forbid", strict=True)

    sites: list[_SiteChrome] = []


def user_chrome_file() -> Path | None:
    """The user's chrome.yaml: $PODKB_CHROME (empty: none), else the user config directory's."""
    named = os.environ.get("PODKB_CHROME")
    if named is not None:
        return Path(named) if named else None
    from platformdirs import user_config_dir

    found = Path(user_config_dir("podkb")) / "chrome.yaml"
    return found if found.is_file() else None


def load_site_chrome() -> None:
    """Read the chrome files now: a mistake in one is one error before any transcript is read
    (InputError naming the file and line), not the same error for every file."""
    _site_chrome()


def site_chrome_digest() -> str:
    """What the site rules in force are, as a digest: a file read under other rules is read
    again by the next ingest, as a build tool rebuilds what a changed rule file made."""
    return hashlib.sha256(_site_chrome().pattern.encode("utf-8")).hexdigest()


def _site_chrome() -> re.Pattern[str]:
    return _site_chrome_for(os.environ.get("PODKB_CHROME"))


@lru_cache(maxsize=4)
def _site_chrome_for(_named: str | None) -> re.Pattern[str]:
    """The site patterns as one expression, read once a process for each $PODKB_CHROME (the
    user config directory is looked in once), not once a line."""
    user = user_chrome_file()
    files = [packaged_data_dir() / "chrome.yaml", *([user] if user else [])]
    patterns: list[str] = []
    for path in files:
        loaded = load_yaml_model(path, ChromeFile)
        assert isinstance(loaded, ChromeFile)
        patterns.extend(line for site in loaded.sites for line in site.lines)
    if not patterns:
        return re.compile(r"(?!)")  # matches nothing
    return re.compile("|".join(f"(?:{p})" for p in patterns))
