"""Markdown transcripts: YAML front matter and Markdown markup around a transcript body.

    ---
    title: "12: Small Weather Stations"
    show: Field Notes
    hosts: [Maya Chen]
    guests: [Tom Okafor]
    published: 2024-05-01
    language: en
    ---
    # Small Weather Stations

    **Maya Chen:** Welcome back to [Field Notes](https://example.com). \\[00:03\\]

The front matter (and a block of `**Date:** ...` lines above the transcript) is the episode's
metadata, never a turn. Links keep their text, escaped brackets and emphasis markers are
unescaped, headings name the episode (the first) and its chapters (the rest). The body is then
read by the reader its shape calls for (timestamped, Otter-style or plain labels), line for
line, so every turn keeps its source line.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ...catalog import name_key
from ...errors import InputError
from ..raw import LineClass, RawChapter, RawTranscript, RawTurn
from ..shared.chrome import (
    MD_LINK_RE,
    furniture_class,
    is_show_notes_heading,
    is_transcript_marker,
    strip_markup_residue,
    template_comment_lines,
    template_time,
    trailing_furniture,
)
from ..shared.labels import looks_like_name, parse_time, split_label
from ..shared.nonspeech import is_marker_line, scrub_turns, strip_markers

if TYPE_CHECKING:
    from ..context import ReadContext

# Front matter is a page's metadata: a few hundred bytes. A bound keeps a wrong file (or a
# hostile one) from costing the YAML parser seconds, and nesting from reaching Python's limit.
MAX_FRONT_MATTER_BYTES = 64 * 1024
MAX_FRONT_MATTER_DEPTH = 20

_FENCE_RE = re.compile(r"^---\s*$")
# Front-matter keys are lower-case (`title:`, `layout:`) or a known field in any case; `Maya:`
# on a line after a rule is a speaker.
_YAML_KEY_RE = re.compile(
    r"^(?:[a-z_][a-z0-9_-]*|(?i:title|date|show|podcast|hosts?|guests?|published|language|lang))"
    r"\s*:(?:\s|$)"
)
_YAML_COMMENT_RE = re.compile(r"^#(?:\s|$)")
_ESCAPED_TIME_RE = re.compile(r"\\\[\d{1,2}(?::\d{1,2}){1,2}(?:[.,]\d{1,3})?\\\]")
_BOLD_TIME_HEADER_RE = re.compile(
    r"^(?:\*\*|__)[^*_\n]{1,40}(?:\*\*|__)\s*\\?[\[(]\d{1,2}(?::\d{1,2}){1,2}\\?[\])]\s*$", re.M
)
_IMAGE_RE = re.compile(r"!\[([^\]\n]*)\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_AUTOLINK_RE = re.compile(r"<(https?://[^>\s]+)>")
_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")
_HEADING_RE = re.compile(r"^(#{1,6})\s+(?P<title>.+?)\s*#*\s*$")
_BOLD_LABEL_RE = re.compile(
    r"^(?:\*\*|__)(?P<name>[^*_:：\n]{1,40}?)(?:[:：](?:\*\*|__)|(?:\*\*|__)\s*[:：])"
)
# `[Pat Helland](https://twitter.com/pathelland):`: a name linked to its page, then a colon.
_LINK_LABEL_RE = re.compile(r"^\[(?P<name>[^\]\n]{1,40})\]\([^)\s]*\)\s*[:：]")
_RULE_RE = re.compile(r"^(?:[-*_]\s*){3,}$")
# `(11m 32s)`, `[1h 02m]`: a transcriber's note of the elapsed time, on a line of its own.
_ELAPSED_RE = re.compile(r"^[(\[]\s*(?:\d{1,2}h\s*)?\d{1,3}m(?:\s*\d{1,2}s)?\s*[)\]]$")
# `**Date:** 2024-05-01` lines above the transcript. Singular `Host:` / `Guest:` are speaker
# labels in a transcript, so only keys that are never spoken labels count.
_META_LINE_RE = re.compile(
    r"^(?:[-*]\s+)?(?:\*\*|__)?(?P<key>title|show|podcast|episode|date|published|recorded|"
    r"language|hosts|guests|host\(s\)|guest\(s\)|featuring|with)\s*[:：](?:\*\*|__)?\s*"
    r"(?:\*\*|__)?(?P<value>\S.*?)\s*$",
    re.IGNORECASE,
)


def _front_matter_end(lines: list[str]) -> int | None:
    """Index of the closing `---` when the text opens with a front-matter block."""
    if not lines or not _FENCE_RE.match(lines[0]):
        return None
    # A rule (`---`) above a transcript is not front matter: YAML opens with a `key:`, perhaps
    # after YAML comments (`# TODOs` notes to the site's editors, as Jekyll sites keep them).
    first = next((ln for ln in lines[1:] if ln.strip() and not _YAML_COMMENT_RE.match(ln)), "")
    if not _YAML_KEY_RE.match(first):
        return None
    for i in range(1, len(lines)):
        if _FENCE_RE.match(lines[i]) or (i > 1 and lines[i].strip() == "..."):
            return i
    return None


def looks_like_markdown_transcript(text: str) -> bool:
    """YAML front matter on top, escaped time marks (`\\[03:54\\]`), or bold label lines
    with a time (`**A** [03:54]`). Plain `**Name:** text` files are the text reader's."""
    head = text[:200_000]
    lines = head.split("\n", 2000)
    if _front_matter_end(lines) is not None:
        return True
    return bool(_ESCAPED_TIME_RE.search(head)) or len(_BOLD_TIME_HEADER_RE.findall(head)) >= 2


def read_markdown(
    text: str, *, known: frozenset[str] = frozenset(), path: str = ""
) -> RawTranscript:
    lines = text.split("\n")
    metadata_lines: list[int] = []
    chrome_lines: list[int] = []
    non_speech_lines: list[int] = []
    timing_lines: list[int] = []
    bold_labels: set[str] = set()  # `**Name:**` at a paragraph's start: Markdown's label
    end, front = front_matter(lines, path)
    listed = _front_matter_transcript(lines, end, front) if end is not None else None
    if end is not None:
        spans = listed.spans if listed else set()
        metadata_lines.extend(n for n in range(1, end + 2) if n not in spans)
        for i in range(end + 1):
            lines[i] = ""

    _take_trailing_furniture(lines, metadata_lines, chrome_lines, known)
    headings: list[tuple[int, str]] = []
    comment_lines = template_comment_lines(lines) if "{%" in text else set()
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if i in comment_lines:  # `{% comment %}` ... `{% endcomment %}`: never rendered
            chrome_lines.append(i + 1)
            lines[i] = ""
            continue
        if template_time(stripped) is not None:
            continue  # a template's time link: the body reader takes it as the next one's time
        if "{" in stripped or "<" in stripped:
            stripped = strip_markup_residue(stripped)
            if not stripped:  # `{% include player.html %}`, a lone `<p>`: page machinery
                chrome_lines.append(i + 1)
                lines[i] = ""
                continue
            line = stripped
        heading = _HEADING_RE.match(stripped)
        if heading:
            headings.append((i + 1, _inline(heading.group("title"))))
            metadata_lines.append(i + 1)
            lines[i] = ""
        elif _RULE_RE.match(stripped):
            chrome_lines.append(i + 1)
            lines[i] = ""
        elif _ELAPSED_RE.match(stripped):
            timing_lines.append(i + 1)
            lines[i] = ""
        elif is_marker_line(stripped):
            non_speech_lines.append(i + 1)
            lines[i] = ""
        else:
            bold = _BOLD_LABEL_RE.match(stripped) or _LINK_LABEL_RE.match(stripped)
            if bold and looks_like_name(bold.group("name").strip()):
                bold_labels.add(name_key(bold.group("name")))
            lines[i] = strip_markers(_inline(line))
    _show_notes_after_transcript(lines, headings, metadata_lines)
    for i, key, value in _metadata_block(lines):
        front.setdefault(key, value)
        metadata_lines.append(i + 1)
        lines[i] = ""

    # The people the front matter names are speakers: their labels stand even if used once.
    named = frozenset(
        name_key(n) for key in ("hosts", "guests", "speakers") for n in _names(front.get(key))
    )
    breaks = frozenset(line for line, _title in headings)
    raw = _read_body("\n".join(lines), known | named | bold_labels, breaks)
    raw.format = "markdown"
    for n in metadata_lines:
        raw.mark(n, "metadata")
    for n in chrome_lines:
        raw.mark(n, "chrome")
    for n in non_speech_lines:
        raw.mark(n, "non_speech")
    for n in timing_lines:
        raw.mark(n, "timing")
    _apply_front_matter(raw, front)
    _apply_headings(raw, headings)
    if listed:
        raw.turns = [*listed.turns, *raw.turns]
        raw.chapters = [*listed.chapters, *raw.chapters]
        for n, cls in listed.lines.items():
            raw.mark(n, cls)
    return raw


# --- a transcript kept in the front matter ----------------------------------------------------

# Sites that generate their pages from data keep the whole transcript in the front matter, a
# list of entries (DataTalksClub's podcast pages: `- line: "..."`, `sec: 74`, `time: '1:14'`,
# `who: Alexey`, and `- header: "..."` between them).
_TEXT_KEYS = ("line", "text")
_SPEAKER_KEYS = ("who", "speaker")
_ITEM_RE = re.compile(r"^(?P<indent>\s*)-\s")
_TOP_KEY_RE = re.compile(r"^[A-Za-z_][\w-]*\s*:")
_FIELD_RE = re.compile(r"^\s*(?:-\s+)?(?P<key>[A-Za-z_]+)\s*:")
_FIELD_CLASSES: dict[str, LineClass] = {
    "sec": "timing",
    "time": "timing",
    "start": "timing",
    "who": "label",
}


class _Listed:
    """Turns and chapters read from a front-matter transcript, and the classes of its lines."""

    def __init__(self) -> None:
        self.turns: list[RawTurn] = []
        self.chapters: list[RawChapter] = []
        self.lines: dict[int, LineClass] = {}
        self.spans: set[int] = set()  # every line of the entries that became turns


def _front_matter_transcript(
    lines: list[str], end: int | None, front: dict[str, Any]
) -> _Listed | None:
    """The `transcript:` list of the front matter as turns, each entry from its `- ` line to
    the next (None when the front matter holds no such list, or its lines cannot be matched
    to its entries one for one)."""
    entries = front.get("transcript")
    if end is None or not isinstance(entries, list) or not entries:
        return None
    if not all(isinstance(e, dict) for e in entries):
        return None
    if not any(isinstance(e.get(k), str) for e in entries for k in _TEXT_KEYS):
        return None
    key_line = next((i for i in range(1, end) if re.match(r"^transcript\s*:", lines[i])), None)
    if key_line is None:
        return None
    stop = next((i for i in range(key_line + 1, end) if _TOP_KEY_RE.match(lines[i])), end)
    indents = {
        i: len(m.group("indent"))
        for i in range(key_line + 1, stop)
        if (m := _ITEM_RE.match(lines[i])) is not None
    }
    # The list's own items: its least indented `- ` lines (deeper ones are nested values).
    top = min(indents.values(), default=0)
    items = [i for i, indent in indents.items() if indent == top]
    if len(items) != len(entries):
        return None
    listed = _Listed()
    chapter: str | None = None
    waiting: list[RawChapter] = []  # headers whose start is the next text entry's
    for n, (first, entry) in enumerate(zip(items, entries, strict=True)):
        last = (items[n + 1] if n + 1 < len(items) else stop) - 1
        while last > first and not lines[last].strip():
            last -= 1
        header = entry.get("header")
        text = next((entry[k] for k in _TEXT_KEYS if isinstance(entry.get(k), str)), None)
        if text is None:
            for i in range(first, last + 1):
                listed.lines.setdefault(i + 1, "metadata")
            if isinstance(header, str) and header.strip():
                chapter = header.strip()
                waiting.append(RawChapter(title=chapter))
                listed.chapters.append(waiting[-1])
            continue
        for heading in waiting:
            heading.start = _seconds(entry)
        waiting.clear()
        listed.spans.update(range(first + 1, last + 2))
        for i in range(first, last + 1):
            field_match = _FIELD_RE.match(lines[i])
            cls = _FIELD_CLASSES.get(field_match.group("key")) if field_match else None
            if cls is not None:
                listed.lines[i + 1] = cls
        speaker = next((entry[k] for k in _SPEAKER_KEYS if isinstance(entry.get(k), str)), None)
        listed.turns.append(
            RawTurn(
                text=strip_markers(" ".join(text.split())),
                line=first + 1,
                end_line=last + 1,
                label=speaker.strip() or None if speaker else None,
                start=_seconds(entry),
                chapter=chapter,
            )
        )
    listed.turns = [t for t in listed.turns if t.text]
    return listed if listed.turns else None


def _seconds(entry: dict[str, Any]) -> float | None:
    """An entry's start: `sec` (seconds), else `time` (`1:14`, `1:00:20`)."""
    sec = entry.get("sec", entry.get("start"))
    if isinstance(sec, (int, float)) and not isinstance(sec, bool) and sec >= 0:
        return float(sec)
    time = entry.get("time")
    if isinstance(time, str) and _CLOCK_RE.fullmatch(time.strip()):
        return parse_time(time.strip())
    return None


_CLOCK_RE = re.compile(r"\d{1,2}(?::\d{2}){1,2}(?:\.\d+)?")


def _take_trailing_furniture(
    lines: list[str], metadata_lines: list[int], chrome_lines: list[int], known: frozenset[str]
) -> None:
    """The link lists ("Other links"), contact boxes and end markers after the transcript:
    found before links lose their URLs, then blanked like the front matter."""
    index = [i for i, line in enumerate(lines) if line.strip()]
    texts = [lines[i].strip() for i in index]

    def is_label(k: int) -> bool:
        return split_label(_inline(texts[k]), known) is not None

    for k in range(trailing_furniture(texts, is_label), len(texts)):
        i = index[k]
        cls = furniture_class(_inline(texts[k]))
        (chrome_lines if cls == "chrome" else metadata_lines).append(i + 1)
        lines[i] = ""


def _show_notes_after_transcript(
    lines: list[str], headings: list[tuple[int, str]], metadata_lines: list[int]
) -> None:
    """A "Show Notes" (or "Links", "Resources") heading after the transcript began (a
    "Transcript" heading or line above it, none below it): the page's notes, not speech; every
    line after it is metadata."""
    for line_no, title in reversed(headings):
        if not is_show_notes_heading(title):
            continue
        before = [ln.strip() for ln in lines[: line_no - 1]]
        if not any(is_transcript_marker(ln) for ln in before if ln):
            return
        if any(is_transcript_marker(t) for n, t in headings if n > line_no):
            return
        for i in range(line_no, len(lines)):
            if lines[i].strip():
                metadata_lines.append(i + 1)
                lines[i] = ""
        return


def _inline(line: str) -> str:
    """A line without Markdown inline markup that is not text: links keep their text."""
    line = _IMAGE_RE.sub(lambda m: m.group(1), line)
    line = MD_LINK_RE.sub(lambda m: m.group(1), line)
    line = _AUTOLINK_RE.sub(lambda m: m.group(1), line)
    line = _ESCAPE_RE.sub(lambda m: m.group(1), line)
    # `*emphasis*` inside a sentence: the words stay, the stars go (bold labels are read first
    # by the body readers, which know `**Name:**`).
    line = re.sub(r"(?<![*\w])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![*\w])", r"\1", line)
    # Bold goes too: `**Tom:** Hi.` reads as `Tom: Hi.`, which every body reader knows as a
    # label, and bold that is not a label must not stay in the text.
    return re.sub(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", r"\2", line)


def _metadata_block(lines: list[str]) -> list[tuple[int, str, str]]:
    """`**Date:** ...` lines at the top of the body, before anything else is said."""
    found: list[tuple[int, str, str]] = []
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        m = _META_LINE_RE.match(stripped)
        if not m:
            break
        key = m.group("key").lower().replace("(s)", "s")
        found.append((i, key, m.group("value").strip("*_ ")))
    return found


def _read_body(
    text: str, known: frozenset[str], breaks: frozenset[int] = frozenset()
) -> RawTranscript:
    from . import otter, timestamped, webtext

    if timestamped.looks_like_timestamped(text):
        return timestamped.read_timestamped(text, known)
    raw = (
        otter.read_otter(text)
        if otter.looks_like_otter(text)
        else webtext.read_web_text(text, known, breaks)
    )
    for turn in raw.turns:
        timestamped.lift_time_marks(turn)
    scrub_turns(raw)
    fill_end_lines(raw, text.split("\n"))
    return raw


def fill_end_lines(raw: RawTranscript, lines: list[str]) -> None:
    """Where a reader gave a turn no `end_line`: the last text line before the next turn.

    The web-text reader joins the paragraphs that follow a label into its turn but records
    only the first line; without the span the other lines would count as lost text.
    """
    starts = sorted({t.line for t in raw.turns})
    following = dict(zip(starts, [*starts[1:], len(lines) + 1], strict=False))
    for turn in raw.turns:
        if turn.end_line is not None:
            continue
        end = turn.line
        for n in range(turn.line + 1, following[turn.line]):
            if lines[n - 1].strip() and n not in raw.line_classes:
                end = n
        turn.end_line = end


# --- front matter ------------------------------------------------------------------------------


def front_matter(lines: list[str], path: str) -> tuple[int | None, dict[str, Any]]:
    """The YAML front matter a file opens with: the index of its closing line (None when there
    is none) and its keys."""
    end = _front_matter_end(lines)
    if end is None:
        return None, {}
    block = "\n".join(lines[1:end])
    if len(block.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        raise InputError(
            f"front matter (lines 1-{end + 1}) is larger than "
            f"{MAX_FRONT_MATTER_BYTES // 1024} KiB: page metadata is a few lines; "
            "is the closing `---` missing?",
            path=path,
        )
    return end, _load_front_matter(block, path)


def apply_front_matter(raw: RawTranscript, front: dict[str, Any]) -> None:
    """The episode fields front matter gives (title, show, date, language, hosts, guests)."""
    _apply_front_matter(raw, front)


def _load_front_matter(block: str, path: str) -> dict[str, Any]:
    import yaml

    from ...catalog import _safe_loader

    depth = _nesting_depth(block)
    if depth > MAX_FRONT_MATTER_DEPTH:
        raise InputError(
            f"front matter nested {depth} levels deep; podkb reads at most "
            f"{MAX_FRONT_MATTER_DEPTH} (page metadata is flat)",
            path=path,
        )
    try:
        data = yaml.load(block, Loader=_safe_loader())  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 2}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(f"{where}invalid YAML front matter: {problem}", path=path) from None
    from ...limits import check_nesting, yaml_value_budget

    check_nesting(data, path=path, where="front matter: ", max_values=yaml_value_budget(block))
    return data if isinstance(data, dict) else {}


def _nesting_depth(block: str) -> int:
    """How deep the block nests, counted from brackets and indentation; a bound, not a parse."""
    deepest = depth = 0
    for ch in block:
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth = max(0, depth - 1)
    indents = [len(ln) - len(ln.lstrip(" ")) for ln in block.split("\n") if ln.strip()]
    return max(deepest, max(indents, default=0) // 2)


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list | bool):
        return None
    text = str(value).strip()
    return text or None


def _names(value: Any) -> list[str]:
    """`hosts: Maya`, `hosts: [Maya, Tom]`, `hosts: "Maya, Tom"`, `- name: Maya`."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("name")
        text = _text(item)
        if text is None:
            continue
        parts = [text] if isinstance(value, list) else re.split(r"\s*(?:,|;| & | and )\s*", text)
        names.extend(p for p in parts if p)
    return names


_LANGS = {"zh-cn": "zh-Hans", "zh-sg": "zh-Hans", "zh-tw": "zh-Hant", "zh-hk": "zh-Hant"}


def _lang(value: Any) -> str | None:
    text = _text(value)
    if text is None:
        return None
    key = text.replace("_", "-").lower()
    if key in _LANGS:
        return _LANGS[key]
    if key.startswith("zh-hans") or key.startswith("zh-hant"):
        return "zh-" + text[3:7].capitalize()
    return key.split("-")[0] if re.fullmatch(r"[a-z]{2,3}(?:-[a-z0-9]+)*", key) else None


def _apply_front_matter(raw: RawTranscript, front: dict[str, Any]) -> None:
    keys = {str(k).lower(): v for k, v in front.items()}

    def first(*names: str) -> Any:
        return next((keys[n] for n in names if keys.get(n) is not None), None)

    raw.title = _text(first("title", "episode_title", "episode")) or raw.title
    raw.show = _text(first("show", "podcast", "series", "show_name")) or raw.show
    raw.date = _text(first("published", "date", "pubdate", "recorded")) or raw.date
    raw.description = _text(first("description", "summary")) or raw.description
    raw.lang = _lang(first("language", "lang")) or raw.lang
    hosts = _names(first("hosts", "host"))
    guests = _names(first("guests", "guest", "featuring", "with"))
    if hosts:
        raw.hosts = hosts
    if guests:
        raw.guests = guests


def _apply_headings(raw: RawTranscript, headings: list[tuple[int, str]]) -> None:
    """The first heading above the transcript names the episode; later ones its chapters."""
    if not headings:
        return
    first_turn = raw.turns[0].line if raw.turns else 0
    above = [title for line, title in headings if line < first_turn]
    if above and raw.title is None:
        raw.title = above[0]
    chapters = [(line, title) for line, title in headings if line > first_turn]
    for turn in raw.turns:
        titles = [title for line, title in chapters if line < turn.line]
        if titles and turn.chapter is None:
            turn.chapter = titles[-1]


def read(text: str, ctx: ReadContext) -> RawTranscript:
    return read_markdown(text, known=ctx.known_names, path=ctx.path)
