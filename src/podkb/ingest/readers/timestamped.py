"""Timestamped text exports of transcript editors: Rev.com, Sonix, Descript, Riverside.

    Speaker 1 (00:00):                      Rev.com: a label line with the start, then the text
    Welcome back to the show.

    [00:00:23] Maya Chen: Welcome back.     Sonix / Descript / Riverside: the start, then a label
    [00:00:23] **Maya Chen:** Welcome.      (bold in their Markdown exports)
    Maya Chen: [00:00:23] Welcome back.     the label first, then the start
    [00:01:00] And one more thing.          a paragraph without a label
    **Maya** [03:54]                        a label line in Markdown, the paragraph after it
    0:00:14.3 **Maya Chen** Welcome back.   a bare time, then the name in bold and no colon
    [00:00:00.000 --> 00:00:04.200]   Hi.  whisper.cpp's output: a time range, the text (the
    [00:00:15 - 00:01:30] Maya: Hi.         range gives the end too; a label may follow)

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
from itertools import pairwise
from typing import TYPE_CHECKING

from ...catalog import name_key
from ..raw import RawTranscript, RawTurn
from ..shared.cues import ends_sentence, join_text
from ..shared.labels import REPLIES, is_role_label, looks_like_name, parse_time
from ..shared.nonspeech import is_marker_line, strip_markers

if TYPE_CHECKING:
    from ..context import ReadContext

_TS = r"\d{1,2}(?::\d{1,2}){1,2}(?:[.,]\d{1,3})?"
_B = r"(?:\*\*|__)?"  # Markdown bold around a label
_NAME = r"[^\s:：\[\]()（）*_][^:：\[\]()（）*]{0,39}?"
# Initials after a name, as some editors write them once per label: `Jane Zhou (JZ)`.
_INITIALS = r"(?:\s*[(（]\s*[A-Z]{1,4}\s*[)）])?"
# A label line with its time and nothing else: `Speaker 1 (00:00):`, `**Maya** [03:54]`,
# `Jane Zhou (JZ) (00:39:27):`.
_HEADER_RE = re.compile(
    rf"^{_B}(?P<name>{_NAME}){_B}{_INITIALS}\s*[\[(]\s*(?P<ts>{_TS})\s*[\])]\s*{_B}[:：]?{_B}\s*$"
)
# `[00:00:05] Maya Chen` on a line of its own (the paragraph below), or with a tab before the
# text: the name after the time, no colon.
_TS_NAME_RE = re.compile(rf"^(?P<name>{_NAME})(?:\t+(?P<text>\S.*))?$", re.DOTALL)
# A bold run that holds the label and its time (`**[00:00:20] Maya Chen:**`, `**Tom [00:12]**`):
# the bold goes, the label and time stay for the patterns above.
_BOLD_PREFIX_RE = re.compile(r"^(\*\*|__)(?P<inner>[^*_\n]{1,80}?)\1\s*(?P<rest>.*)$", re.DOTALL)
_ANY_TIME_RE = re.compile(r"\d:\d")  # what every _TS holds
_HAS_TS_RE = re.compile(rf"[\[(]{_TS}[\])]")
_BOLD_RE = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
# `[00:00:23] rest` (also `(00:00:23)`): the start leads the paragraph.
_LEADING_TS_RE = re.compile(rf"^[\[(](?P<ts>{_TS})[\])]\s*(?P<rest>.*)$", re.DOTALL)
# `[00:00:00.000 --> 00:00:04.200]` (whisper.cpp), `[00:00:15 - 00:01:30]`: the start and end.
_LEADING_RANGE_RE = re.compile(
    rf"^\[(?P<ts>{_TS})\s*(?:-->|->|-|–|—|to)\s*(?P<end>{_TS})\](?:\s+(?P<rest>.*))?$", re.DOTALL
)
# whisper.cpp's tinydiarize mark at the end of a segment: the next one is another speaker.
_SPEAKER_TURN_RE = re.compile(r"\s*\[SPEAKER_TURN\]\s*$")
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
# `0:00:14.3 **Maya Chen** Welcome back.`: a bare time (no brackets), the name in bold, no colon
# (orbit.fm's transcripts): the bold run is what makes it a label, so only bold counts here.
_BARE_TS_BOLD_NAME_RE = re.compile(
    rf"^(?P<ts>{_TS})\s+(\*\*|__)(?P<name>{_NAME})\2\s*[:：]?\s+(?P<rest>\S.*)$", re.DOTALL
)
_INLINE_TS_RE = re.compile(rf"\[(?P<ts>{_TS})\]")  # spaces around it are trimmed in code
# A time on a line of its own (`1:59`, `[01:59]`, Rev's unlabeled `(00:39:27):`): the start of
# the paragraph below it.
_BARE_TS_RE = re.compile(rf"^[\[(]?(?P<ts>{_TS})[\])]?[:：]?$")


# `00:00:07 Maya Chen: text`, `0:05 text`: a time with no brackets before the paragraph (YouTube's
# transcript panel copied, editors' plain exports). Seconds in two digits, so that `3:1` or a
# clock time in prose (`10:30 is when we met`) is not one; read only where the file is led by
# such times throughout (_bare_times_lead).
_BARE_LEADING_TS_RE = re.compile(
    r"^(?P<ts>\d{1,2}(?::\d{2}){1,2}(?:[.,]\d{1,3})?)\s+(?P<rest>\S.*)$", re.DOTALL
)


def _bare_times_lead(units: list[tuple[int, str]]) -> bool:
    """Whether the file's paragraphs open with unbracketed times (before the text, or on a line
    of their own above it): at least three, two in five of its lines (a time then its paragraph
    on the next line is one in two), and in order (a transcript's clock never goes back more
    than once in ten)."""
    starts = []
    for _, s in units[:2000]:
        m = _BARE_LEADING_TS_RE.match(s) or (None if s[0] in "[(" else _BARE_TS_RE.match(s))
        if m:
            starts.append(parse_time(m.group("ts")))
    if len(starts) < 3 or len(starts) < 0.4 * min(len(units), 2000):
        return False
    return _in_order(starts)


def _in_order(starts: list[float]) -> bool:
    """A transcript's clock: it never goes back more than once in ten times."""
    backwards = sum(1 for a, b in pairwise(starts) if b < a)
    return backwards <= 0.1 * (len(starts) - 1)


@dataclass
class _Para:
    line: int
    text: str
    label: str | None = None
    start: float | None = None
    header: bool = False  # a label line of its own: the text follows on the next lines
    # The label is a name after a time with no colon (`[00:00:05] Maya Chen`): it stands only
    # where the file confirms it (see _accept_labels).
    bare_name: bool = False
    times: list[tuple[int, float]] = field(default_factory=list)
    end: float | None = None  # a time range's end (`[00:00:00.000 --> 00:00:04.200]`)
    ranged: bool = False
    turn_after: bool = False  # `[SPEAKER_TURN]`: the speaker changes after this paragraph


def _name_ok(name: str) -> bool:
    name = name.strip()
    return looks_like_name(name) or is_role_label(name)


def _unbold_label(text: str) -> str:
    """`**[00:00:20] Maya Chen:** text` as `[00:00:20] Maya Chen: text`: bold around a label
    and its time is emphasis, never text."""
    m = _BOLD_PREFIX_RE.match(text)
    if not m:
        return text
    inner = m.group("inner").strip()
    if not (_HAS_TS_RE.search(inner) or _BARE_TS_RE.match(inner)):
        return text
    rest = m.group("rest")
    return f"{inner} {rest}".strip() if rest else inner


def _parse(line: int, text: str, bare: bool = False) -> _Para:
    if text.startswith(("**", "__")):
        text = _unbold_label(text)
    m = _BARE_TS_RE.match(text)
    if m:
        return _Para(line, "", None, parse_time(m.group("ts")), header=True)
    m = _HEADER_RE.match(text)
    if m and _name_ok(m.group("name")):
        return _Para(line, "", m.group("name").strip(), parse_time(m.group("ts")), header=True)
    m = _LABEL_THEN_TS_RE.match(text)
    if m and _name_ok(m.group("name")):
        return _Para(line, m.group("rest"), m.group("name").strip(), parse_time(m.group("ts")))
    m = _BARE_TS_BOLD_NAME_RE.match(text)
    if m and _name_ok(m.group("name")):
        return _Para(line, m.group("rest"), m.group("name").strip(), parse_time(m.group("ts")))
    if bare and (m := _BARE_LEADING_TS_RE.match(text)):
        return _parse(line, f"[{m.group('ts')}] {m.group('rest')}")
    m = _LEADING_RANGE_RE.match(text)
    if m:
        para = _parse(line, f"[{m.group('ts')}] {m.group('rest') or ''}".strip())
        para.end, para.ranged = parse_time(m.group("end")), True
        turn = _SPEAKER_TURN_RE.search(para.text)
        if turn:
            para.text, para.turn_after = para.text[: turn.start()], True
        if not para.text.strip() and para.label is None:
            para.header = False  # `[00:00:00.000 --> 00:00:00.320]` alone: a timed silence
        return para
    m = _LEADING_TS_RE.match(text)
    if m:
        start, rest = parse_time(m.group("ts")), m.group("rest")
        label = _LABEL_RE.match(rest)
        if label and _name_ok(label.group("name")):
            return _Para(line, label.group("rest"), label.group("name").strip(), start)
        named = _TS_NAME_RE.match(rest)
        if named and _name_ok(named.group("name")) and not ends_sentence(named.group("name")):
            name, said = named.group("name").strip(), named.group("text") or ""
            return _Para(line, said, name, start, header=not said, bare_name=True)
        return _Para(line, rest, None, start)
    return _Para(line, text)


def _units(text: str) -> list[tuple[int, str]]:
    return [(n, s) for n, ln in enumerate(text.split("\n"), start=1) if (s := ln.strip())]


def looks_like_timestamped(text: str) -> bool:
    """Most paragraphs open with a time or a timed label line, and at least three do.

    Interviews with the time inside the label (`Maya (00:00:05): text`) are the text reader's;
    a show-notes chapter list (`[00:00] Intro`) is a minority of a page's lines.
    """
    if not _ANY_TIME_RE.search(text):
        return False  # every time is digits, a colon, digits: one scan rules out untimed text
    units = _units(text)
    if len(units) < 2:
        return False
    bare = _bare_times_lead(units)
    parsed = [_parse(n, s, bare) for n, s in units[:2000]]
    headers = sum(1 for p in parsed if p.header)
    led = sum(1 for p in parsed if p.start is not None and not p.header)
    labelled = sum(1 for p in parsed if p.start is not None and p.label is not None)
    if headers >= 2 and headers >= 0.25 * len(parsed) and _header_followed(parsed):
        # Label lines (`Speaker 1 (00:00):`), or bare times each above its paragraph (at
        # least three: two times on their own lines can be anything).
        if any(p.label for p in parsed if p.header) or headers >= 3:
            return True
    ranged = sum(1 for p in parsed if p.ranged)
    # A time range before the text (whisper.cpp) says it is a timed transcript, labels or none.
    # Times in order before most paragraphs say so too, unbracketed (_bare_times_lead) or
    # bracketed with no label anywhere (`[00:01:10] text`, a transcript without speakers).
    starts = [p.start for p in parsed if p.start is not None and not p.header]
    timed = labelled >= 1 or ranged >= 2 or (led >= 3 and (bare or _in_order(starts)))
    return led >= 2 and led >= 0.6 * len(parsed) and timed


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
    units = _units(text)
    bare = _bare_times_lead(units)
    paras = [_parse(n, s, bare) for n, s in units]
    _accept_labels(paras, known)
    _name_lines_as_labels(paras, known)
    first = next((i for i, p in enumerate(paras) if p.start is not None or p.label), 0)
    prefixes = Counter(
        name_key(m.group("name")) for p in paras if not p.header and (m := _LABEL_RE.match(p.text))
    )
    _read_preamble(paras[:first], raw)
    # Labels on lines of their own (`Speaker 1 (00:00):`, `[00:00:05] Maya Chen`) are written
    # when the speaker changes; the timed paragraphs between them are the same speaker going
    # on. Where every paragraph carries its own label, one without is somebody unsure.
    header_style = sum(1 for p in paras if p.header and p.label) > sum(
        1 for p in paras if not p.header and p.label
    )
    current: RawTurn | None = None
    expecting_text = False  # after a label line, the following lines are that speaker's text
    turn_next = False  # the paragraph before ended in `[SPEAKER_TURN]`
    pending_start: float | None = None  # a time on its own line, for the paragraph below
    for p in paras[first:]:
        if p.header and p.label is None:
            raw.mark(p.line, "timing")
            pending_start = p.start
            continue
        if pending_start is not None and not p.header and p.start is None:
            p.start, pending_start = pending_start, None
            after_sentence = current is None or ends_sentence(current.text)
            p.label, p.text = _prefix_label(p.text, prefixes, known, after_sentence)
            expecting_text = False
        if is_marker_line(p.text) and not p.header and p.label is None:
            raw.mark(p.line, "non_speech")
            continue
        body, times = _clean(p.text)
        if not p.header and not body and p.text.strip() and not strip_markers(p.text):
            # `0:12:13.3 **Jen** (laughs)`: the speaker made a sound, said nothing.
            raw.mark(p.line, "non_speech")
            continue
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
        continues = (
            current is not None
            and not turn_next
            and (
                (expecting_text and not current.text)
                or p.start is None
                or not ends_sentence(current.text)
                or (header_style and current.label is not None)
            )
        )
        if p.label is None and current is not None and continues:
            _extend(current, p.line, body, times)
        else:
            current = _new_turn(raw, p, body, times)
        if p.end is not None:
            current.end = p.end if current.end is None else max(current.end, p.end)
        turn_next = p.turn_after
        expecting_text = False
    raw.turns = [t for t in raw.turns if t.text]
    return raw


def _prefix_label(
    text: str, prefixes: Counter[str], known: frozenset[str], after_sentence: bool = False
) -> tuple[str | None, str]:
    """`Name: text` under a time on its own line, when the file confirms the name: used twice,
    known, a role, or a full name after a finished sentence in a file that names speakers so."""
    m = _LABEL_RE.match(text)
    if not m or not _name_ok(m.group("name")):
        return None, text
    name = m.group("name").strip()
    key = name_key(name)
    labelled = after_sentence and len(name.split()) >= 2 and max(prefixes.values(), default=0) >= 2
    if prefixes[key] >= 2 or key in known or is_role_label(name) or labelled:
        return name, m.group("rest")
    return None, text


def _name_lines_as_labels(paras: list[_Para], known: frozenset[str]) -> None:
    """A name alone on its line next to a time on its own line (`<p>0:07</p><p><b>Tom
    Okafor</b></p><p>text</p>` pages, read block by block) is a label line, where the file
    confirms it: the name stands so twice, is known, or is a full name in a file that names
    speakers so."""

    def beside_time(i: int) -> bool:
        return any(
            0 <= j < len(paras) and paras[j].header and paras[j].label is None
            for j in (i - 1, i + 1)
        )

    candidates = [
        i
        for i, p in enumerate(paras)
        if p.label is None
        and p.start is None
        and not p.header
        and _name_ok(p.text)
        and not ends_sentence(p.text)
        and p.text.casefold() not in REPLIES
        and beside_time(i)
    ]
    counts = Counter(name_key(paras[i].text) for i in candidates)
    named = any(n >= 2 for n in counts.values())
    for i in candidates:
        p = paras[i]
        key = name_key(p.text)
        if counts[key] >= 2 or key in known or (named and len(p.text.split()) >= 2):
            p.label, p.text, p.header = p.text.strip(), "", True


def _clean(text: str) -> tuple[str, list[tuple[int, float]]]:
    """Text without time marks and non-speech markers; where each mark stood, with its time."""
    text = strip_markers(_BOLD_RE.sub(r"\2", text) if "**" in text or "__" in text else text)
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
    """Lines above the first timed paragraph: title lines (the first names the episode), and
    any sentences, which are said or read out before the first label (a prologue, an editor's
    note): one turn of an unknown speaker, never metadata."""
    prologue: RawTurn | None = None
    titles: list[str] = []
    for p in paras:
        if is_marker_line(p.text):
            raw.mark(p.line, "non_speech")
        elif not is_sentence(p.text):
            raw.mark(p.line, "metadata")
            titles.append(p.text.lstrip("#").strip())
        elif prologue is None:
            prologue = RawTurn(text=strip_markers(p.text), line=p.line, end_line=p.line)
            raw.turns.append(prologue)
        else:
            _extend(prologue, p.line, strip_markers(p.text), [])
    if titles and len(titles[0]) <= 200:
        raw.title = titles[0]


def is_sentence(text: str) -> bool:
    """A paragraph of speech rather than a title line: it ends a sentence, or runs long."""
    return len(text) > 120 or ends_sentence(text.rstrip("*_ "))


def _new_turn(raw: RawTranscript, p: _Para, body: str, times: list[tuple[int, float]]) -> RawTurn:
    turn = RawTurn(text=body, line=p.line, label=p.label, start=p.start, end_line=p.line)
    turn.times = _dedupe(times)
    raw.turns.append(turn)
    return turn


def _extend(turn: RawTurn, line: int, body: str, times: list[tuple[int, float]]) -> None:
    if not turn.text:
        turn.text = body
        turn.times = _dedupe([*turn.times, *times])
        if turn.start is None and turn.times and turn.times[0][0] == 0:
            turn.start = turn.times[0][1]  # the label's line had no time; its text's mark
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
    bare_named = any(p.bare_name and p.label and name_key(p.label) in strong for p in paras)
    previous_text = ""
    for p in paras:
        if p.bare_name and p.label is not None:
            # `[00:01:00] Right` is someone saying "Right": a name after a time is a label
            # only when the file names that speaker again (or it is a known or role name).
            key = name_key(p.label)
            # Once named, on a line of its own in a file that names speakers this way: a full
            # name (two words or more) is a label too; one word alone may be a reply.
            once = p.header and bare_named and len(p.label.split()) >= 2
            if not (key in strong or key in known or is_role_label(p.label) or once):
                p.text = f"{p.label} {p.text}".strip()
                p.label, p.header, p.bare_name = None, False, False
        elif p.label is not None and not p.header:
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
