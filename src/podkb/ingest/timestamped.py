"""Timestamped text exports of transcript editors: Rev.com, Sonix, Descript, Riverside.

    Speaker 1 (00:00):                      Rev.com: a label line with the start, then the text
    Welcome back to the show.

    [00:00:23] Maya Chen: Welcome back.     Sonix / Descript / Riverside: the start, then a label
    [00:00:23] **Maya Chen:** Welcome.      (bold in their Markdown exports)
    Maya Chen: [00:00:23] Welcome back.     the label first, then the start
    [00:01:00] And one more thing.          a paragraph without a label
    **Maya** [03:54]                        a label line in Markdown, the paragraph after it

Times become the turn's `start` (and `times` where a turn has several), never text: a
`[00:01:00]` mark inside a sentence is taken out and remembered where it stood.

A paragraph without a label continues the speaker before it only where the file shows it does:
it has no time of its own (more paragraphs under a Rev label line), or the paragraph before it
stops mid-sentence (a time mark cut the sentence). A timed paragraph without a label after a
finished sentence may be anyone (editors drop labels they are unsure of): its speaker is not
known, and stays so.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..catalog import name_key
from .cues import ends_sentence, join_text
from .labels import is_role_label, looks_like_name, parse_time
from .nonspeech import is_marker_line, strip_markers
from .raw import RawTranscript, RawTurn

if TYPE_CHECKING:
    from .context import ReadContext

_TS = r"\d{1,2}(?::\d{1,2}){1,2}(?:[.,]\d{1,3})?"
_B = r"(?:\*\*|__)?"  # Markdown bold around a label
_NAME = r"[^\s:：\[\]()（）*_][^:：\[\]()（）*]{0,39}?"
# A label line with its time and nothing else: `Speaker 1 (00:00):`, `**Maya** [03:54]`.
_HEADER_RE = re.compile(
    rf"^{_B}(?P<name>{_NAME}){_B}\s*[\[(]\s*(?P<ts>{_TS})\s*[\])]\s*{_B}[:：]?{_B}\s*$"
)
# `[00:00:23] rest` (also `(00:00:23)`): the start leads the paragraph.
_LEADING_TS_RE = re.compile(rf"^[\[(](?P<ts>{_TS})[\])]\s*(?P<rest>.*)$", re.DOTALL)
# `Name: text` / `**Name:** text` / `**Name**: text` after the leading time.
_LABEL_RE = re.compile(
    rf"^{_B}(?P<name>{_NAME}){_B}\s*[:：]{_B}\s*(?P<rest>.*)$",
    re.DOTALL,
)
# `Name: [00:00:23] text`: the label first, then the start.
_LABEL_THEN_TS_RE = re.compile(
    rf"^{_B}(?P<name>{_NAME}){_B}\s*[:：]{_B}\s*[\[(](?P<ts>{_TS})[\])]\s*(?P<rest>.*)$",
    re.DOTALL,
)
_INLINE_TS_RE = re.compile(rf"\[(?P<ts>{_TS})\]")  # spaces around it are trimmed in code
# A time on a line of its own (`1:59`, `[01:59]`): the start of the paragraph below it.
_BARE_TS_RE = re.compile(rf"^[\[(]?(?P<ts>{_TS})[\])]?$")


@dataclass
class _Para:
    line: int
    text: str
    label: str | None = None
    start: float | None = None
    header: bool = False  # a label line of its own: the text follows on the next lines
    times: list[tuple[int, float]] = field(default_factory=list)


def _name_ok(name: str) -> bool:
    name = name.strip()
    return looks_like_name(name) or is_role_label(name)


def _parse(line: int, text: str) -> _Para:
    m = _BARE_TS_RE.match(text)
    if m:
        return _Para(line, "", None, parse_time(m.group("ts")), header=True)
    m = _HEADER_RE.match(text)
    if m and _name_ok(m.group("name")):
        return _Para(line, "", m.group("name").strip(), parse_time(m.group("ts")), header=True)
    m = _LABEL_THEN_TS_RE.match(text)
    if m and _name_ok(m.group("name")):
        return _Para(line, m.group("rest"), m.group("name").strip(), parse_time(m.group("ts")))
    m = _LEADING_TS_RE.match(text)
    if m:
        start, rest = parse_time(m.group("ts")), m.group("rest")
        label = _LABEL_RE.match(rest)
        if label and _name_ok(label.group("name")):
            return _Para(line, label.group("rest"), label.group("name").strip(), start)
        return _Para(line, rest, None, start)
    return _Para(line, text)


def _units(text: str) -> list[tuple[int, str]]:
    return [(n, s) for n, ln in enumerate(text.split("\n"), start=1) if (s := ln.strip())]


def looks_like_timestamped(text: str) -> bool:
    """Most paragraphs open with a time or a timed label line, and at least three do.

    Interviews with the time inside the label (`Maya (00:00:05): text`) are the text reader's;
    a show-notes chapter list (`[00:00] Intro`) is a minority of a page's lines.
    """
    units = _units(text)
    if len(units) < 2:
        return False
    parsed = [_parse(n, s) for n, s in units[:2000]]
    headers = sum(1 for p in parsed if p.header)
    led = sum(1 for p in parsed if p.start is not None and not p.header)
    labelled = sum(1 for p in parsed if p.start is not None and p.label is not None)
    if headers >= 2 and headers >= 0.25 * len(parsed) and _header_followed(parsed):
        # Label lines (`Speaker 1 (00:00):`), or bare times each above its paragraph (at
        # least three: two times on their own lines can be anything).
        if any(p.label for p in parsed if p.header) or headers >= 3:
            return True
    return led >= 2 and led >= 0.6 * len(parsed) and labelled >= 1


def _header_followed(parsed: list[_Para]) -> bool:
    """Label lines each followed by text: `Name (00:00):` then the paragraph."""
    followed = sum(
        1
        for i, p in enumerate(parsed)
        if p.header and i + 1 < len(parsed) and not parsed[i + 1].header
    )
    return followed >= 0.8 * sum(1 for p in parsed if p.header)


def read_timestamped(
    text: str, known: frozenset[str] = frozenset(), fmt: str = "timestamped"
) -> RawTranscript:
    raw = RawTranscript(format=fmt)
    paras = [_parse(n, s) for n, s in _units(text)]
    _accept_labels(paras, known)
    first = next((i for i, p in enumerate(paras) if p.start is not None or p.label), 0)
    prefixes = Counter(
        name_key(m.group("name")) for p in paras if not p.header and (m := _LABEL_RE.match(p.text))
    )
    _read_preamble(paras[:first], raw)
    current: RawTurn | None = None
    expecting_text = False  # after a label line, the following lines are that speaker's text
    pending_start: float | None = None  # a time on its own line, for the paragraph below
    for p in paras[first:]:
        if p.header and p.label is None:
            raw.mark(p.line, "timing")
            pending_start = p.start
            continue
        if pending_start is not None and not p.header and p.start is None:
            p.start, pending_start = pending_start, None
            p.label, p.text = _prefix_label(p.text, prefixes, known)
            expecting_text = False
        if is_marker_line(p.text) and not p.header and p.label is None:
            raw.mark(p.line, "non_speech")
            continue
        body, times = _clean(p.text)
        if p.header or not body:
            # A label (or a time) on a line of its own: the text follows on the next lines.
            raw.mark(p.line, "label" if p.label is not None else "timing")
            if p.label is not None:
                current = RawTurn(text="", line=p.line, label=p.label, start=p.start)
                raw.turns.append(current)
                expecting_text = True
            continue
        if p.start is not None:
            times.insert(0, (0, p.start))
        continues = current is not None and (
            (expecting_text and not current.text)
            or p.start is None
            or not ends_sentence(current.text)
        )
        if p.label is None and current is not None and continues:
            _extend(current, p.line, body, times)
        else:
            current = _new_turn(raw, p, body, times)
        expecting_text = False
    raw.turns = [t for t in raw.turns if t.text]
    return raw


def _prefix_label(
    text: str, prefixes: Counter[str], known: frozenset[str]
) -> tuple[str | None, str]:
    """`Name: text` under a time on its own line, when the file confirms the name."""
    m = _LABEL_RE.match(text)
    if not m or not _name_ok(m.group("name")):
        return None, text
    name = m.group("name").strip()
    key = name_key(name)
    if prefixes[key] >= 2 or key in known or is_role_label(name):
        return name, m.group("rest")
    return None, text


def _clean(text: str) -> tuple[str, list[tuple[int, float]]]:
    """Text without time marks and non-speech markers; where each mark stood, with its time."""
    text = strip_markers(text)
    times: list[tuple[int, float]] = []
    out: list[str] = []
    length = 0
    pos = 0
    for m in _INLINE_TS_RE.finditer(text):
        piece = text[pos : m.start()].strip()
        if piece:
            piece = (" " if out else "") + piece
            out.append(piece)
            length += len(piece)
        times.append((length + (1 if out else 0), parse_time(m.group("ts"))))
        pos = m.end()
    rest = text[pos:].strip()
    if rest:
        out.append((" " if out else "") + rest)
    cleaned = "".join(out)
    # A mark after the last word times nothing that follows it in this paragraph.
    return cleaned, [(off, t) for off, t in times if off < len(cleaned)]


def lift_time_marks(turn: RawTurn) -> None:
    """Take `[00:03:54]` marks out of a turn's text into its `times` (readers of other shapes)."""
    if "[" not in turn.text:
        return
    paragraphs = turn.text.split("\n\n")
    texts: list[str] = []
    times: list[tuple[int, float]] = []
    offset = 0
    for para in paragraphs:
        cleaned, marks = _clean(para)
        if not cleaned:
            continue
        texts.append(cleaned)
        times.extend((offset + off, t) for off, t in marks)
        offset += len(cleaned) + 2
    turn.text = "\n\n".join(texts)
    turn.times = _dedupe([*turn.times, *times])
    if turn.start is None and turn.times and turn.times[0][0] == 0:
        turn.start = turn.times[0][1]


def _read_preamble(paras: list[_Para], raw: RawTranscript) -> None:
    """Lines above the first timed paragraph: the title (one short line) or a description."""
    texts = [p.text for p in paras]
    for p in paras:
        raw.mark(p.line, "metadata")
    if len(texts) == 1 and len(texts[0]) <= 200:
        raw.title = texts[0].lstrip("#").strip()
    elif texts:
        raw.description = "\n\n".join(texts)


def _new_turn(raw: RawTranscript, p: _Para, body: str, times: list[tuple[int, float]]) -> RawTurn:
    turn = RawTurn(text=body, line=p.line, label=p.label, start=p.start, end_line=p.line)
    turn.times = _dedupe(times)
    raw.turns.append(turn)
    return turn


def _extend(turn: RawTurn, line: int, body: str, times: list[tuple[int, float]]) -> None:
    if not turn.text:
        turn.text = body
        turn.times = _dedupe([*turn.times, *times])
        if turn.start is not None and not any(off == 0 for off, _ in turn.times):
            turn.times.insert(0, (0, turn.start))
    else:
        if ends_sentence(turn.text):
            joined = f"{turn.text}\n\n{body}"
        else:
            joined = join_text(turn.text, body)
        offset = len(joined) - len(body)
        turn.text = joined
        turn.times = _dedupe([*turn.times, *((offset + off, t) for off, t in times)])
    turn.end_line = line


def _dedupe(times: list[tuple[int, float]]) -> list[tuple[int, float]]:
    seen: dict[int, float] = {}
    for off, t in times:
        seen.setdefault(off, t)
    return sorted(seen.items())


def _accept_labels(paras: list[_Para], known: frozenset[str]) -> None:
    """A name-shaped label stands when the file confirms it: used twice, a role label, a name
    podkb knows, or the file labels speakers and this one starts after a finished sentence."""
    counts = Counter(name_key(p.label) for p in paras if p.label)
    strong = {k for k, n in counts.items() if n >= 2}
    document_labelled = bool(strong)
    previous_text = ""
    for p in paras:
        if p.label is not None and not p.header:
            key = name_key(p.label)
            confirmed = (
                key in strong
                or key in known
                or is_role_label(p.label)
                or (document_labelled and (not previous_text or ends_sentence(previous_text)))
            )
            if not confirmed:
                p.text, p.label = f"{p.label}: {p.text}", None
        previous_text = p.text or previous_text


def read(text: str, ctx: ReadContext) -> RawTranscript:
    return read_timestamped(text, ctx.known_names)
