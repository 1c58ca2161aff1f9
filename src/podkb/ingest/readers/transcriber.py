"""Transcriber (`.trs`) files: the XML that Transcriber, LaBB-CAT and linguists' corpora write.

    <!DOCTYPE Trans SYSTEM "trans-14.dtd">
    <Trans scribe="..." audio_filename="..." xml:lang="en">
    <Topics><Topic id="to1" desc="childhood"/></Topics>
    <Speakers><Speaker id="spk1" name="Interviewer" .../></Speakers>
    <Episode>
    <Section type="report" topic="to1" startTime="0" endTime="23.5">
    <Turn speaker="spk2" startTime="0" endTime="23.5">
    <Sync time="0"/>
    and ah . Cyril would arrive at the door
    <Sync time="5.75"/>
    with this letter for Mum
    </Turn>

Each `<Turn>` is a turn of the speaker its `speaker` attribute names (`<Speakers>` gives the
names); `<Sync time>` marks are the times of the pieces after them. A turn of two speakers at
once (`speaker="spk1 spk2"`) gives each `<Who nb="n"/>` piece to the n-th. `<Event>`,
`<Comment>` and `<Background>` are not speech; neither are the listener's backchannels written
in angle brackets inside a turn (`&lt;mmm&gt;`, LaBB-CAT's convention). Section topics are
chapters. The file names its DTD but never needs it: the DOCTYPE line is set aside unread (an
internal subset is refused as in any XML).

Its HTML renderings (trs2html and kin) are read too: a `<p class="speaker">` names the speaker of
the paragraphs after it, each paragraph opens with a play button
(`<a onclick="playAt('0:1:23')">&#9654;</a>`) whose time is the paragraph's start, and the
section topics are headings (`<h2>`), read as chapters. The button, its glyph, the script and the
style are never text.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ...text import word_count
from ..raw import RawChapter, RawTranscript, RawTurn
from ..shared.cues import join_text
from ..shared.nonspeech import strip_markers
from ..shared.xmldoc import Element, mark_structure, parse_xml, time_value, xml_lang

if TYPE_CHECKING:
    from ..context import ReadContext

_ROOT_RE = re.compile(
    r"^\ufeff?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*(?:<!DOCTYPE\s+Trans\b[^\[>]*(?:\[.*?\])?\s*>\s*)?<Trans[\s>]",
    re.S,
)
# An external DTD reference (`<!DOCTYPE Trans SYSTEM "trans-14.dtd">`), no internal subset.
_EXTERNAL_DOCTYPE_RE = re.compile(
    r"<!DOCTYPE\s+Trans\s+SYSTEM\s+(?:\"[^\"<>\[]*\"|'[^'<>\[]*')\s*>"
)
_BACKCHANNEL_RE = re.compile(r"<[^<>\n]{1,40}>")
_NOT_SPEECH = {"Event", "Comment", "Background"}
_TAG_ONLY_RE = re.compile(r"^\s*(?:<[^<>]*>\s*)+$")


def looks_like_transcriber(text: str) -> bool:
    return bool(_ROOT_RE.match(text[:4096]))


@dataclass
class _Piece:
    """Text of one speaker inside a turn, with the times of its parts."""

    who: int  # 0 for a one-speaker turn, else the `<Who nb>` number
    line: int
    text: str = ""
    times: list[tuple[int, float]] = field(default_factory=list)
    end_line: int = 0


def read_transcriber(text: str, path: str = "") -> RawTranscript:
    # Same length, so every line and column stays where it was.
    text_to_parse = _EXTERNAL_DOCTYPE_RE.sub(lambda m: " " * len(m.group(0)), text, count=1)
    root = parse_xml(text_to_parse, path)
    raw = RawTranscript(format="transcriber", lang=xml_lang(root.attrs.get("lang")))
    names = {
        e.attrs["id"]: (e.attrs.get("name") or "").strip() or e.attrs["id"]
        for e in root.elements()
        if e.tag == "Speaker" and e.attrs.get("id")
    }
    topics = {
        e.attrs["id"]: (e.attrs.get("desc") or "").strip()
        for e in root.elements()
        if e.tag == "Topic" and e.attrs.get("id")
    }
    words = 0
    for section in (e for e in root.elements() if e.tag == "Section"):
        # A section marked untranscribed (music, a jingle) is skipped, except for the turns in
        # it that name a speaker: some tools put a whole programme in one such section, and
        # its speakers' words are speech whatever the section says.
        untranscribed = section.attrs.get("type") == "nontrans"
        title = topics.get(section.attrs.get("topic", ""), "") or None
        for turn in (c for c in section.children if isinstance(c, Element) and c.tag == "Turn"):
            if untranscribed and not turn.attrs.get("speaker", "").strip():
                continue
            speakers = [names.get(s, s) for s in turn.attrs.get("speaker", "").split()]
            for piece in _pieces(turn):
                body = piece.text.strip()
                words += word_count(body)
                if not body:
                    continue
                who = piece.who - 1 if piece.who else 0
                start = piece.times[0][1] if piece.times else None
                if title and (not raw.chapters or raw.chapters[-1].title != title):
                    # From the topic's first words: the chapter and its turns share one clock.
                    raw.chapters.append(RawChapter(title=title, start=start))
                raw.turns.append(
                    RawTurn(
                        text=body,
                        line=piece.line,
                        end_line=max(piece.end_line, piece.line),
                        label=speakers[who] if 0 <= who < len(speakers) else None,
                        start=start,
                        end=time_value(turn.attrs.get("endTime")),
                        chapter=title,
                        times=piece.times,
                    )
                )
    raw.source_words = words
    _mark_lines(text, raw, root)
    mark_structure(text, raw)
    return raw


def _pieces(turn: Element) -> list[_Piece]:
    """The turn's text split by `<Who>`, each part timed by the `<Sync>` before it."""
    start = time_value(turn.attrs.get("startTime"))
    pieces = [_Piece(who=0, line=turn.line, end_line=turn.line)]
    time = start
    pending: float | None = start
    line = turn.line  # where the next text node starts: the line of the tag before it
    for node in _joined_strings(turn.children):
        current = pieces[-1]
        if isinstance(node, str):
            first = line + node[: len(node) - len(node.lstrip())].count("\n")
            last = line + node.rstrip().count("\n")
            line += node.count("\n")
            words = " ".join(strip_markers(_BACKCHANNEL_RE.sub(" ", node)).split())
            if not words:
                continue
            if current.who and not current.text:
                current.line = first  # a `<Who>` piece starts where its words do
            joined = join_text(current.text, words)
            if pending is not None:
                current.times.append((len(joined) - len(words), pending))
                pending = None
            current.text = joined
            current.end_line = max(current.end_line, last)
            continue
        line = node.line
        if node.tag == "Sync":
            time = time_value(node.attrs.get("time")) or time
            pending = time
        elif node.tag == "Who":
            nb = int(node.attrs["nb"]) if node.attrs.get("nb", "").isdigit() else 0
            pieces.append(_Piece(who=nb, line=node.line, end_line=node.line))
            pending = time
    return pieces


def _joined_strings(children: list[Element | str]) -> list[Element | str]:
    """Adjacent text nodes as one (the parser splits text at entities: `&lt;mmm&gt;`)."""
    joined: list[Element | str] = []
    for node in children:
        if isinstance(node, str) and joined and isinstance(joined[-1], str):
            joined[-1] += node
        else:
            joined.append(node)
    return joined


def _mark_lines(text: str, raw: RawTranscript, root: Element) -> None:
    """Lines of tags alone inside a turn: its `<Turn>` line names the speaker (label), `<Sync>`
    and `<Who>` lines are timing, `<Event>`/`<Comment>` lines non-speech."""
    lines = text.split("\n")
    for element in root.elements():
        if element.tag not in ("Turn", "Sync", "Who", *_NOT_SPEECH):
            continue
        n = element.line
        if not 1 <= n <= len(lines) or not _TAG_ONLY_RE.match(lines[n - 1]):
            continue
        if element.tag == "Turn":
            raw.mark(n, "label")
        elif element.tag in _NOT_SPEECH:
            raw.mark(n, "non_speech")
        else:
            raw.mark(n, "timing")
    for n, line in enumerate(lines, start=1):
        if line.strip() in ("</Turn>", "</Section>"):
            raw.mark(n, "metadata")


def read(text: str, ctx: ReadContext) -> RawTranscript:
    return read_transcriber(text, ctx.path)


# --- HTML renderings --------------------------------------------------------------------------

# A tag's attributes (quoted values may hold `>` and `/`), so that `<p class="speaker"/>` (a
# turn without a speaker) and `<h2/>` (a section without a topic) are seen as empty.
_ATTRS = r"""(?:[^>"'/]|"[^"]*"|'[^']*'|/(?!>))*"""
_SPEAKER_P = rf"<p\b{_ATTRS}\bclass\s*=\s*[\"'][^\"']*\bspeaker\b[^\"']*[\"']{_ATTRS}"
_PLAY_RE = re.compile(r"playAt\(\s*['\"]?(?P<time>[\d:.]+)['\"]?\s*\)")
_HTML_BLOCK_RE = re.compile(
    rf"(?P<speaker>{_SPEAKER_P})(?:/>|>(?P<name>.*?)</p\s*>)"
    rf"|<(?P<h>h[1-6])\b{_ATTRS}(?:/>|>(?P<title>.*?)</(?P=h)\s*>)"
    rf"|<p\b{_ATTRS}(?:/>|>(?P<body>.*?)</p\s*>)",
    re.I | re.S,
)
_HIDDEN_RE = re.compile(r"<(script|style|head)\b.*?</\1\s*>", re.I | re.S)
# The play button: the link that calls playAt, and the glyphs players draw for it.
_BUTTON_RE = re.compile(r"<a\b[^>]*playAt[^>]*>.*?</a\s*>", re.I | re.S)
_GLYPHS_RE = re.compile("[\u25b6\u25b7\u25ba\u23f5\u23ef\u25b8]")
_HTML_TAG_RE = re.compile(r"<[^>]*>")
_MARKUP_ONLY_RE = re.compile(
    r"^\s*(?:<[^>]*>\s*|[\u25b6\u25b7\u25ba\u23f5\u23ef\u25b8]\s*|&#9654;\s*)*$"
)


def looks_like_transcriber_html(text: str) -> bool:
    head = text[:200_000]
    return "playAt(" in head and re.search(_SPEAKER_P, head, re.I) is not None


def read_transcriber_html(text: str) -> RawTranscript:
    raw = RawTranscript(format="transcriber-html")
    starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line_of(pos: int) -> int:
        return bisect_right(starts, pos)

    title = re.search(r"<title\b[^>]*>(.*?)</title\s*>", text, re.I | re.S)
    if title:
        raw.title = _html_plain(title.group(1)) or None
    # Hidden parts blanked, every character kept where it was.
    visible = _HIDDEN_RE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    current: RawTurn | None = None
    speaker: str | None = None
    chapter: RawChapter | None = None
    for m in _HTML_BLOCK_RE.finditer(visible):
        first, last = line_of(m.start()), line_of(m.end() - 1)
        if m.group("speaker"):
            speaker = _html_plain(m.group("name") or "") or None
            current = None
            raw.mark_lines(first, last, "label")
            continue
        if m.group("h"):
            heading = _html_plain(m.group("title") or "")
            raw.mark_lines(first, last, "metadata")
            if (
                heading
                and m.group("h").lower() != "h1"
                and (chapter is None or heading != chapter.title)
            ):
                chapter = RawChapter(title=heading)
                raw.chapters.append(chapter)
            current = None
            continue
        body = m.group("body") or ""
        play = _PLAY_RE.search(body)
        start = time_value(play.group("time")) if play else None
        words = _html_plain(_BUTTON_RE.sub(" ", body))
        worded = first
        for n in range(last, first - 1, -1):
            if _MARKUP_ONLY_RE.match(_line(text, starts, n)):
                raw.mark(n, "timing" if play else "metadata")
            else:
                worded = n  # the paragraph's first line with words: where the turn starts
        if not words:
            continue
        if chapter is not None and chapter.start is None:
            chapter.start = start
        if current is None:
            current = RawTurn(
                text=words,
                line=worded,
                end_line=last,
                label=speaker,
                start=start,
                chapter=chapter.title if chapter else None,
            )
            if start is not None:
                current.times.append((0, start))
            raw.turns.append(current)
            continue
        joined = join_text(current.text, words)
        if start is not None:
            current.times.append((len(joined) - len(words), start))
        current.text = joined
        current.end_line = last
    _mark_outside_turns(text, raw)
    return raw


def _line(text: str, starts: list[int], n: int) -> str:
    end = starts[n] - 1 if n < len(starts) else len(text)
    return text[starts[n - 1] : end]


def _html_plain(fragment: str) -> str:
    plain = _BACKCHANNEL_RE.sub(" ", html.unescape(_HTML_TAG_RE.sub(" ", fragment)))
    return " ".join(strip_markers(_GLYPHS_RE.sub(" ", plain)).split())


def _mark_outside_turns(text: str, raw: RawTranscript) -> None:
    """The page's head, the sections' wrappers and the footer: not speech."""
    covered: set[int] = set()
    for turn in raw.turns:
        covered.update(range(turn.line, (turn.end_line or turn.line) + 1))
    for n, line in enumerate(text.split("\n"), start=1):
        if line.strip() and n not in covered:
            raw.mark(n, "metadata")


def read_html(text: str, ctx: ReadContext) -> RawTranscript:
    return read_transcriber_html(text)
