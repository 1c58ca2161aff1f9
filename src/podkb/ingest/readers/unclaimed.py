"""Files that look like a timed or structured format that no reader of podkb claims.

Read as plain text, such a file loses what makes it a transcript: its times become words (or
vanish with the lines around them), its speakers stay in attributes, its first cues go with
the header. It is refused instead, with one line naming what it looks like, so that the user
can convert it (to SRT or WebVTT, say) rather than find a half-read episode in the store.

Only the readers of last resort ask (the plain-text and markup-paragraph readers): a format a
reader recognises never gets here.
"""

from __future__ import annotations

import re

_T = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,:;]\d{1,3})?"
# A line that is a time range and nothing else: SBV's `0:00:01.000,0:00:04.000`, and the
# timing lines of caption formats podkb does not know (`00:01 - 00:04`, `[00:01] to [00:04]`).
_TIME_RANGE_RE = re.compile(
    rf"^[\[(]?{_T}[\])]?\s*(?:-->|->|,|-|–|—|\bto\b|\t|\s)\s*[\[(]?{_T}[\])]?$", re.I
)
# A video editor's timecode (hours:minutes:seconds:frames), two or more on a line, as in edit
# decision lists and subtitle lists exported from editors.
_TIMECODE_RE = re.compile(r"\b\d{2}:\d{2}:\d{2}[:;]\d{2}\b")
# A header row of a table with time columns (CSV or TSV): `start,end,speaker,text`.
_TIME_TABLE_HEADER_RE = re.compile(
    r"^\W*(?:start|begin|start[ _]?time|timecode|record in|source in)\W*[,;\t|]"
    r".*(?:[,;\t|]\W*(?:text|transcript|caption|subtitle|speaker|content|end|out)\b)",
    re.I,
)
# Formats named by their own first lines.
_SIGNATURES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^\[Script Info\]", re.I | re.M), "ASS/SSA subtitles (`[Script Info]`)"),
    (re.compile(r"^Dialogue:\s*\d+,\s*" + _T, re.M), "ASS/SSA subtitles (`Dialogue:` lines)"),
    (re.compile(r"^\s*<SAMI\b", re.I), "SAMI captions (`<SAMI>`)"),
    (re.compile(r"^Scenarist_SCC\b"), "Scenarist SCC captions"),
    (re.compile(r"^\{\d+\}\{\d+\}", re.M), "MicroDVD subtitles (`{frame}{frame}` lines)"),
    (re.compile(r"^TITLE:.*\n+FCM:", re.M), "an edit decision list (EDL)"),
]
_XML_DECL_RE = re.compile(r"^\s*<\?xml\b")
_ROOT_RE = re.compile(r"<(?![?!])([A-Za-z_][\w.:-]*)")
_FEED_ROOTS = frozenset({"rss", "feed", "rdf"})
_HTML_ROOTS = frozenset({"html", "xhtml", "body", "head", "div", "p", "article", "section"})

# Timing lines make up at least this share of a file's non-blank lines (a cue is a timing
# line and one or two text lines) before the file counts as timed; at least three of them.
_MIN_TIMING_SHARE = 0.15
_MIN_TIMING_LINES = 3
# Enough lines to judge by; the rest of a long file changes nothing.
_SAMPLE_LINES = 4000


def unclaimed_format(text: str) -> str | None:
    """What the text looks like, when it is a timed or structured format podkb does not read;
    None for text (and markup) the readers of last resort read whole."""
    head = text[:200_000]
    for pattern, name in _SIGNATURES:
        if pattern.search(head[:20_000]):
            return name
    xml = _xml_root(head)
    if xml is not None and xml.split(":")[-1].lower() in _FEED_ROOTS:
        return None  # feeds are the feed readers' (and their test files are read as text)
    if xml is not None:
        return f"XML with the root element <{xml}>"
    lines = [ln.strip() for ln in head.split("\n", _SAMPLE_LINES)[:_SAMPLE_LINES] if ln.strip()]
    if not lines:
        return None
    ranges = sum(1 for ln in lines if _TIME_RANGE_RE.match(ln))
    if ranges >= _MIN_TIMING_LINES and ranges >= _MIN_TIMING_SHARE * len(lines):
        example = next(ln for ln in lines if _TIME_RANGE_RE.match(ln))
        return f"captions with time-range lines (`{example[:40]}`)"
    # Two timecodes hold four colons (or semicolons before the frames): most lines have fewer.
    timecoded = sum(
        1
        for ln in lines
        if ln.count(":") + ln.count(";") >= 4 and len(_TIMECODE_RE.findall(ln)) >= 2
    )
    if timecoded >= _MIN_TIMING_LINES and timecoded >= _MIN_TIMING_SHARE * len(lines):
        return "a list of editor timecodes (HH:MM:SS:FF in and out, as video editors export)"
    if _TIME_TABLE_HEADER_RE.match(lines[0]) and len(lines) >= 2:
        return f"a table with time columns (`{lines[0][:40]}`)"
    return None


def _xml_root(head: str) -> str | None:
    """The root element of an XML document that is not an HTML page or fragment."""
    if not _XML_DECL_RE.match(head):
        return None
    m = _ROOT_RE.search(head)
    if m is None:
        return None
    name = m.group(1)
    return None if name.split(":")[-1].lower() in _HTML_ROOTS else name


def refusal(kind: str) -> str:
    """The one-line reason a file of this kind is refused."""
    return (
        f"looks like {kind}, a format podkb does not read; read as plain text it would lose "
        "its times and speakers: convert it to SRT, WebVTT or Podcasting 2.0 JSON"
    )
