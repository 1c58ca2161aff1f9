"""The reader for text transcripts: copied web pages, `Name: text` interviews, timestamped logs.

A page is read paragraph by paragraph (one source line each). The reader finds where the
transcript starts and ends, keeps the page's title, description and chapter list as metadata,
and turns the body into speaker turns exactly as far as the text shows who speaks.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...text import fold
from ..raw import RawChapter, RawTranscript, RawTurn
from ..shared.chrome import (
    MD_LINK_RE,
    furniture_class,
    is_chrome,
    is_end_marker,
    is_show_notes_heading,
    is_transcript_marker,
    strip_markup_residue,
    template_comment_lines,
    template_time,
    trailing_furniture,
)
from ..shared.cues import ends_sentence
from ..shared.labels import (
    REPLIES,
    LabelCandidate,
    expand_initials,
    is_role_label,
    looks_like_name,
    parse_time,
    split_label,
)
from ..shared.nonspeech import is_marker_line, strip_markers, strip_pauses

if TYPE_CHECKING:
    from ..context import ReadContext

_TERMINAL_PUNCT = tuple('.!?。！？…"”」』)）')
_CHAPTER_LINE_RE = re.compile(
    r"^(?:[•●▪\-*·]\s*)?[\[(]?(?P<ts>\d{1,2}(?::\d{2}){1,2})[\])]?\s*(?:[-–—|:]\s*)?(?P<title>\S.{0,150})$"
)
_NOTE_RE = re.compile(
    r"^(?:\*?(?:note|editor'?s note|disclaimer|注意|注|編按|编按|備註|备注)\s*[:：])", re.I
)
_QUESTION_END_RE = re.compile(r"[?？][!！]?[\"”」』)）]*$")
_TAG_QUESTION_RE = re.compile(
    r"(?:\b(?:right|ok|okay|yeah|no|huh|eh|you know|isn't it|is it|don't you think)\s*\?|"
    r"(?:對吧|对吧|是吧|好嗎|好吗|對不對|对不对)\s*[?？])\s*[\"”」』)）]*$",
    re.I,
)
_SIGNOFF_RE = re.compile(
    r"(?i)\bthanks?(?: you)?(?: so much)?(?: all)? for (?:listening|watching|tuning in)\b|"
    r"感謝您?收聽|感谢您?收听|謝謝收聽|谢谢收听|ご清聴"
)
_SELF_INTRO_RES = [
    re.compile(
        r"我是(?:你們的|你们的|您的)?主持人\s*(?P<name>[A-Z][\w'’\-]+(?: [A-Z][\w'’\-]+){0,2}|[\u4e00-\u9fff]{2,4})"
    ),
    re.compile(r"I(?:'|’)m your host,?\s+(?P<name>[A-Z][\w'’\-]+(?: [A-Z][\w'’\-]+){0,2})"),
    re.compile(
        r"(?:this is|I(?:'|’)m) your host,?\s+(?P<name>[A-Z][\w'’\-]+(?: [A-Z][\w'’\-]+){0,2})"
    ),
]
_SHOW_FROM_WELCOME_RE = re.compile(
    r"(?i:welcome to)\s+(?:the\s+)?(?P<show>[A-Z][\w'’&.\-]*(?:\s+[A-Z0-9][\w'’&.\-]*){0,4})(?:\s+(?i:podcast))?[.,!]"
)
# Glued splice: scraped text ends in a word and the answer starts right after it, no space.
_SPLICE_RE = re.compile(
    r"[a-z]{2}(?=(?:We|I|The|So|And|But|It|This|That|What|Yes|Yeah|Well|Sure|In|There|Our|My)\b)"
)
# What every splice holds, found at C speed: most answers have no lower-case letter glued to a
# capital, and _SPLICE_RE's lookahead at every pair of letters costs ~13 us a turn.
_GLUED_RE = re.compile(r"[a-z][A-Z]")
_BIO_CUES_RE = re.compile(
    r"(?i)\bI(?:'|’)m an? [\w -]{0,60}?\b(?:engineer|scientist|researcher|manager|developer|founder)|"
    r"\bpreviously,? I (?:was|worked)\b|\byears of experience\b|\bI have expertise\b|\bpassionate (?:about|toward)"
)


@dataclass
class _Unit:
    line: int
    text: str
    label: LabelCandidate | None = None
    after_break: bool = False  # a heading the caller took out stands above it
    time: float | None = None  # a time mark on the line above it (a template's time link)
    joined: bool = False  # the line right above it is text too: the same paragraph


def read_web_text(
    text: str, known_names: frozenset[str] = frozenset(), breaks: frozenset[int] = frozenset()
) -> RawTranscript:
    """`breaks`: lines a caller took out that part the text (a Markdown heading): no turn runs
    across one."""
    raw = RawTranscript(format="text")
    units = _drop_repeated_runs(_paragraphs(text, raw), raw)
    for unit in units:
        unit.label = split_label(unit.text, known_names)
    _handle_labels(units, known_names)
    _mark_breaks(units, breaks)
    for unit, label in zip(units, expand_initials([u.label for u in units]), strict=True):
        unit.label = label
    _name_lines_as_labels(units, known_names)
    _hearing_labels(units, text.split("\n"))
    _accept_labels(units, known_names)
    tail = trailing_furniture([u.text for u in units], lambda i: units[i].label is not None)
    for u in units[tail:]:
        raw.mark(u.line, furniture_class(u.text))  # type: ignore[arg-type]
    units = units[:tail]

    raw.hosts = list(
        dict.fromkeys(u.label.name for u in units if u.label and u.label.role == "host")
    )
    raw.guests = list(
        dict.fromkeys(u.label.name for u in units if u.label and u.label.role == "guest")
    )
    crumbs = _breadcrumbs(units)
    body_start, body_end = _body_bounds(units)
    one_sided = _one_sided_labels(units[body_start:body_end])
    marked = any(is_transcript_marker(u.text) for u in units[:body_start])
    prologue_headings: list[_Unit] = []
    if one_sided and not marked:
        body_start = _first_spoken_before(units, body_start)
        front = units[:body_start]
    elif not marked and body_start < len(units) and units[body_start].label:
        prologue_start = _prologue_start(units, body_start, crumbs)
        front = units[:prologue_start]
        prologue = units[prologue_start:body_start]
        said = _spoken_units(prologue)
        prologue_headings = [u for u in prologue if u.line not in said]
        spoken = [u for u in prologue if u.line in said]
        units = [*front, *spoken, *units[body_start:]]
        body_end -= len(prologue_headings)
        body_start = len(front)
    else:
        front = units[:body_start]

    _read_front_matter([*front, *prologue_headings], raw, crumbs)
    raw.chapters = raw.chapters or []
    body = units[body_start:body_end]
    raw.turns = _turns_from_body(body, raw, one_sided)
    _mark_after_body(units[body_end:], raw)
    raw.implied_names = _self_introductions(raw.turns)
    raw.show = _show_from_welcome(raw.turns)
    return raw


# --- paragraphs ------------------------------------------------------------------------------


def _paragraphs(text: str, raw: RawTranscript) -> list[_Unit]:
    """Non-blank lines, without template tags and inline HTML (a line of nothing else is
    chrome)."""
    units: list[_Unit] = []
    lines = text.split("\n")
    comments = template_comment_lines(lines) if "{%" in text else set()
    pending_time: float | None = None
    for n, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if n - 1 in comments:
            raw.mark(n, "chrome")
            continue
        time = template_time(stripped)
        if time is not None:  # `{% include timecode.html time="0:05" %}`: the next one's start
            raw.mark(n, "timing")
            pending_time = time
            continue
        cleaned = strip_markup_residue(stripped)
        if not cleaned:
            raw.mark(n, "chrome")
            continue
        cleaned = strip_pauses(cleaned)
        if not cleaned or is_marker_line(cleaned):  # `[ SPACE 3 secs ]`, `[Music]`: nothing said
            raw.mark(n, "non_speech")
            continue
        joined = bool(units) and units[-1].line == n - 1
        text = strip_markers(cleaned) or cleaned
        units.append(_Unit(line=n, text=text, time=pending_time, joined=joined))
        pending_time = None
    return units


def _drop_repeated_runs(
    units: list[_Unit], raw: RawTranscript, min_run: int = 3, min_chars: int = 200
) -> list[_Unit]:
    """A page whose content appears twice is read once: later copies of long runs are dropped
    (and their lines marked duplicate).

    A run is a sequence of paragraphs equal, in order, to an earlier one. Single repeated
    paragraphs ("Yeah.") are kept: people do say the same thing twice.
    """
    keys = [u.text for u in units]  # a copied page repeats itself verbatim
    first_seen: dict[str, list[int]] = {}
    drop = [False] * len(units)
    i = 0
    while i < len(units):
        best = 0
        for j in first_seen.get(keys[i], []):
            k = 0
            while i + k < len(units) and j + k < i and keys[j + k] == keys[i + k]:
                k += 1
            best = max(best, k)
        if best >= min_run and sum(len(keys[i + k]) for k in range(best)) >= min_chars:
            for k in range(best):
                drop[i + k] = True
            i += best
            continue
        first_seen.setdefault(keys[i], []).append(i)
        i += 1
    for u, d in zip(units, drop, strict=True):
        if d:
            raw.mark(u.line, "duplicate")
    return [u for u, d in zip(units, drop, strict=True) if not d]


# --- labels ----------------------------------------------------------------------------------


# `darosior：` / `sipa:`: a lower-case handle opening a paragraph, as transcripts of developer
# talks label a voice from the audience.
_HANDLE_LABEL_RE = re.compile(r"^(?P<name>[a-z][a-z0-9_.\-]{1,30})\s*[:：]\s*\S")


def _handle_labels(units: list[_Unit], known: frozenset[str]) -> None:
    """A lower-case handle is a label where it opens two paragraphs or more in a dialogue whose
    other labels the file confirms (one used twice): a word that starts prose stays text."""
    counts = Counter(_key(u.label.name) for u in units if u.label)
    if not any(n >= 2 for n in counts.values()):
        return
    handles = Counter(
        m.group("name") for u in units if u.label is None and (m := _HANDLE_LABEL_RE.match(u.text))
    )
    confirmed = frozenset(h for h, n in handles.items() if n >= 2 and looks_like_name(h.title()))
    if not confirmed:
        return
    for unit in units:
        if unit.label is None and _HANDLE_LABEL_RE.match(unit.text):
            unit.label = split_label(unit.text, known | confirmed)


def _mark_breaks(units: list[_Unit], breaks: frozenset[int]) -> None:
    if not breaks:
        return
    previous = 0
    for unit in units:
        unit.after_break = any(previous < line < unit.line for line in breaks)
        previous = unit.line


# A title alone or before a surname (`Senator:`, `Senator Black:`, `Mr. Smith:`): how hearings
# and council meetings label members, each perhaps only once.
_TITLE_LABEL_RE = re.compile(
    r"^(?:Senator|Sen\.|Representative|Rep\.|Congressman|Congresswoman|Chairman|Chairwoman|"
    r"Chair|Vice Chair|Councilmember|Councilman|Councilwoman|Commissioner|Mayor|Governor|"
    r"Secretary|Minister|Judge|Justice|Mr\.|Ms\.|Mrs\.|Dr\.)(?:\s+[A-Z][\w'’.\-]*){0,2}$"
)


def _accept_labels(units: list[_Unit], known: frozenset[str]) -> None:
    """Keep label candidates that the document confirms: used twice (a full name and its first
    name alone count as one: `Dan Ott:` then `Dan:`), timestamped, known, given a role
    (`Name (host):`), or a role label (`SPEAKER_01`, `嘉賓`) that a sentence never starts with."""
    counts = Counter(_key(u.label.name) for u in units if u.label)
    for full in [k for k in counts if len(k.split()) > 1]:
        first = full.split()[0]
        if first in counts:
            counts[full] += counts[first]
            counts[first] += 1
    # Caps labels (news and court transcripts) shorten to the surname: `MAYA CHEN:`, `CHEN:`.
    caps = {_key(u.label.name) for u in units if u.label and u.label.name.isupper()}
    for full in [k for k in caps if len(k.split()) > 1]:
        last = full.split()[-1]
        if last in caps and last in counts:
            counts[full] += counts[last]
            counts[last] += 1
    caps_document = _labels_in_capitals(units, counts)
    dialogue = any(n >= 2 for n in counts.values())
    for u in units:
        if u.label is None:
            continue
        key = _key(u.label.name)
        if (
            counts[key] >= 2
            or (caps_document and _is_caps_full_name(u.label.name))
            or (dialogue and _TITLE_LABEL_RE.match(u.label.name) is not None)
            or u.label.timestamp is not None
            or u.label.role is not None
            or u.label.confirmed
            or key in known
            or is_role_label(u.label.name)
        ):
            continue
        u.label = None


def _name_lines_as_labels(units: list[_Unit], known: frozenset[str]) -> None:
    """`Nic` (or `**Nic**`, `<p><strong>Nic</strong></p>`) on a line of its own, what Nic said
    on the lines below: a label line, where the file confirms it. The name stands so at least
    twice (or is known), and at least two speakers are named so: a dialogue, not a stray word."""
    candidates: list[tuple[int, str]] = []
    for i, unit in enumerate(units[:-1]):
        name = _bare_name(unit) if unit.label is None else None
        if name is not None and units[i + 1].label is None and _bare_name(units[i + 1]) is None:
            candidates.append((i, name))
    counts = Counter(_key(name) for _, name in candidates)
    confirmed = {k for k, n in counts.items() if n >= 2 or k in known}
    if len(confirmed) < 2:
        return
    for i, name in candidates:
        if _key(name) in confirmed:
            units[i].label = LabelCandidate(name=name, timestamp=None, rest="", confirmed=True)


# Congressional hearing records as GPO prints them: an indented paragraph that opens with a
# title, a name and a period (`    Senator Hale. Thank you, Madam Chair.`, `    The Chairman.`,
# `    Mr. Garcia of Illinois.`, `    Mr. LEVIN.`), then what was said.
_HEARING_LABEL_RE = re.compile(
    r"^(?P<name>The (?:Chairman|Chairwoman|Chair|CHAIRMAN|CHAIRWOMAN|CHAIR)|"
    r"(?:Senator|Representative|Chairman|Chairwoman|Mr\.|Ms\.|Mrs\.|Dr\.|Secretary|General|"
    r"Admiral|Judge|Commissioner|Governor|Ambassador)\s[A-Z][\w'’-]+(?: of [A-Z][a-z]+)?)"
    r"\.\s+(?P<rest>[A-Z\[(“\"].*)$"
)
# Enough such paragraphs, and speakers, for the file to be a hearing record.
_MIN_HEARING_LABELS = 3


def _hearing_labels(units: list[_Unit], lines: list[str]) -> None:
    """GPO's hearing labels (`Senator Hale. text`), where at least three indented paragraphs of
    two speakers or more open so: a period, not a colon, ends these labels."""
    found: list[tuple[_Unit, str, str]] = []
    for unit in units:
        raw = lines[unit.line - 1]
        if unit.label is not None or not raw.startswith(("  ", "\t")):
            continue
        m = _HEARING_LABEL_RE.match(unit.text)
        if m:
            found.append((unit, " ".join(m.group("name").split()), m.group("rest")))
    if len(found) < _MIN_HEARING_LABELS or len({_key(n) for _, n, _ in found}) < 2:
        return
    for unit, name, rest in found:
        unit.label = LabelCandidate(name=name, timestamp=None, rest=rest, confirmed=True)


def _bare_name(unit: _Unit) -> str | None:
    text = unit.text.strip()
    if text[:2] in ("**", "__") and text[-2:] == text[:2]:
        text = text[2:-2].strip()
    if (
        len(text.split()) > 3
        or text.casefold() in REPLIES
        or ends_sentence(text)
        or not looks_like_name(text)
    ):
        return None
    return text


def _labels_in_capitals(units: list[_Unit], counts: Counter[str]) -> bool:
    """News and hearing transcripts label every speaker in capitals (`STEVE INSKEEP, HOST:`,
    `UNIDENTIFIED REPORTER:`), many of them only once: where at least two capital labels are
    confirmed and capitals are nearly all the labels, a capital full name once is a label too."""
    names = [u.label.name for u in units if u.label]
    caps = [n for n in names if n.isupper()]
    confirmed = {_key(n) for n in caps if counts[_key(n)] >= 2}
    return len(confirmed) >= 2 and len(caps) >= 0.9 * len(names)


def _is_caps_full_name(name: str) -> bool:
    return name.isupper() and len(name.split()) >= 2


def _key(name: str) -> str:
    return " ".join(fold(name).split())


def _one_sided_labels(body: list[_Unit]) -> bool:
    """True when labels mark only one side of the conversation (the other speaks unlabeled).

    Then the labeled speaker is labeled again and again with unlabeled paragraphs between,
    where a two-sided transcript alternates labels.
    """
    labeled = [(i, _key(u.label.name)) for i, u in enumerate(body) if u.label]
    if len(labeled) < 4:
        return False
    counts = Counter(k for _, k in labeled)
    dominant, n = counts.most_common(1)[0]
    if n < 0.8 * len(labeled):
        return False
    pairs = list(zip(labeled, labeled[1:], strict=False))
    same_with_gap = sum(1 for (i, a), (j, b) in pairs if a == b == dominant and j - i > 1)
    return same_with_gap >= 0.5 * len(pairs)


# --- regions ---------------------------------------------------------------------------------


def _body_bounds(units: list[_Unit]) -> tuple[int, int]:
    """Where the transcript starts (after a "Transcript" heading, else at the first label, else
    at the first spoken paragraph) and ends (at the first page chrome after it)."""
    start = None
    for i, u in enumerate(units):
        if is_transcript_marker(u.text):
            start = i + 1
            break
    if start is None:
        start = next((i for i, u in enumerate(units) if u.label), None)
    if start is None:
        start = next(
            (i for i, u in enumerate(units) if _is_prose(u.text) and not is_chrome(u.text)),
            len(units),
        )
    end = len(units)
    for i in range(start, len(units)):
        text = units[i].text
        if (is_chrome(text) and not _is_rule(text)) or is_transcript_marker(text):
            end = i
            break
        if is_end_marker(text):  # `Fin de la entrevista`: what follows is not the interview
            end = i
            break
    return start, end


def _first_spoken_before(units: list[_Unit], first_label: int) -> int:
    """With one-sided labels and no "Transcript" heading, the prose before the first label is
    the unlabeled side speaking (an interviewer's introduction); titles and notes are not."""
    start = first_label
    for i in range(first_label - 1, -1, -1):
        text = units[i].text
        if is_chrome(text):
            break
        if _is_prose(text) or _NOTE_RE.match(text):
            start = i
        else:
            break
    return start


def _prologue_start(units: list[_Unit], first_label: int, crumbs: set[int]) -> int:
    """Where the speech before the first label starts: a talk before the `Q:` section, a
    prepared statement before the first `Senator X:`, an editor's note. Nobody is named for
    it, but it is said (or read out), so it is text of an unknown speaker, not page furniture.

    It starts at the first spoken paragraph after the page's furniture (chrome, a show-notes
    heading and what follows it, a chapter list); the title lines above it stay metadata.
    """
    after_furniture = 0
    for i in range(first_label):
        text = units[i].text
        if (
            is_chrome(text)
            or units[i].line in crumbs
            or is_show_notes_heading(text)
            or _chapter_line(text) is not None
        ):
            after_furniture = i + 1
    for i in range(after_furniture, first_label):
        if _is_spoken(units[i].text):
            return i
    return first_label


_BARE_URL_RE = re.compile(r"^<?https?://\S+?>?$")
# `Slides: https://...`, `幻灯片：https://...`: a page's link to its materials, not said.
_LINK_LINE_RE = re.compile(r"^[^:：\s][^:：]{0,40}[:：]\s*<?https?://\S+$")


def _spoken_units(units: list[_Unit]) -> set[int]:
    """Lines of the units that are said: spoken paragraphs, a paragraph a time mark opens, and
    the hard-wrapped lines that go on with either."""
    said: set[int] = set()
    previous = False
    for unit in units:
        previous = _is_spoken(unit.text) or unit.time is not None or (previous and unit.joined)
        if previous:
            said.add(unit.line)
    return said


def _is_spoken(text: str) -> bool:
    """A paragraph of sentences (or a note), not a title, a heading, a bulleted list or a
    link to the talk's materials."""
    if text.startswith(("#", "•", "●", "▪", "- ", "* ")) or _LINK_LINE_RE.match(text):
        return False
    return _is_prose(text) or bool(_NOTE_RE.match(text))


# A horizontal rule (`---`, `***`, `___`) separates parts of a page; inside a conversation it
# does not end the transcript the way other page furniture does.
_RULE_RE = re.compile(r"(?:-{3,}|\*{3,}|_{3,}|={3,}|—{2,})")


def _is_rule(text: str) -> bool:
    return bool(_RULE_RE.fullmatch(text.replace(" ", "")))


def _is_prose(text: str) -> bool:
    return text.endswith(_TERMINAL_PUNCT) or len(text) > 120


def _is_title_like(text: str) -> bool:
    return not _is_prose(text) and not text.endswith((":", "：")) and len(text) <= 200


# --- front matter ----------------------------------------------------------------------------


def _read_front_matter(units: list[_Unit], raw: RawTranscript, crumbs: set[int]) -> None:
    """Title, description and chapter list from the part of the page before the transcript."""
    titles: list[str] = []
    description: list[str] = []
    chapters: list[RawChapter] = []
    for u in units:
        text = u.text
        chrome = is_chrome(text) or u.line in crumbs
        raw.mark(u.line, "chrome" if chrome else "metadata")
        if chrome or is_transcript_marker(text) or is_show_notes_heading(text):
            continue
        chapter = _chapter_line(text)
        if chapter is not None:
            chapters.append(chapter)
            continue
        if _is_title_like(text) and not text.lstrip().startswith(("•", "-", "*")):
            titles.append(text)
        else:
            description.append(text.lstrip("•●▪-* \t"))
    if len(chapters) >= 2:
        raw.chapters = chapters
    else:
        description.extend(c.title for c in chapters)
    raw.title = _pick_title(titles)
    raw.description = "\n\n".join(description) or None


# A breadcrumb trail names the page in a few words of navigation (`Site Homepage Podcasts`)
# before the page's own title, which the page also shows on a line of its own.
_MAX_CRUMB_WORDS = 4
_MIN_TITLE_WORDS = 3


def _breadcrumbs(units: list[_Unit]) -> set[int]:
    """Source lines near the top of the page that are another of its title lines with a few
    words of navigation before it: the trail to the page, not its title."""
    head = [u for u in units[:_MAX_TITLE_CANDIDATES] if not u.label and _is_title_like(u.text)]
    titles = {fold(u.text).strip() for u in head}
    titles = {t for t in titles if len(t.split()) >= _MIN_TITLE_WORDS}
    crumbs: set[int] = set()
    for u in head:
        key = fold(u.text).strip()
        for title in titles:
            if key != title and key.endswith(" " + title):
                if _is_crumb_trail(key[: -len(title)].split()):
                    crumbs.add(u.line)
                    break
    return crumbs


def _is_crumb_trail(words: list[str]) -> bool:
    """Navigation words (`InfoQ Homepage Podcasts`), not a number or a time (`#16.`, `0:00`)
    that a numbered title or a chapter line puts before a title."""
    return 0 < len(words) <= _MAX_CRUMB_WORDS and all(
        w.isalpha() or w in _CRUMB_SEPARATORS for w in words
    )


_CRUMB_SEPARATORS = frozenset({">", "/", "»", "›", "|", "·", "•", "-"})


def _chapter_line(text: str) -> RawChapter | None:
    m = _CHAPTER_LINE_RE.match(text)
    if not m:
        return None
    return RawChapter(title=m.group("title").strip(), start=parse_time(m.group("ts")))


# The page title is among the first title-like lines of a page; only these are candidates, so
# that a page of thousands of short lines costs a pass per candidate, not one per line.
_MAX_TITLE_CANDIDATES = 50


def _pick_title(titles: list[str]) -> str | None:
    """The page title: the title-like line that other lines repeat (page headers restate it)."""
    if not titles:
        return None
    folded = [fold(t) for t in titles]

    def support(i: int) -> int:
        key = folded[i]
        return sum(1 for j, other in enumerate(folded) if j != i and key in other)

    candidates = range(min(len(titles), _MAX_TITLE_CANDIDATES))
    best = max(candidates, key=lambda i: (support(i), -i))
    return (titles[best] if support(best) else titles[0]).lstrip("#").strip()


# --- body ------------------------------------------------------------------------------------


def _turns_from_body(body: list[_Unit], raw: RawTranscript, one_sided: bool) -> list[RawTurn]:
    chapter_titles = {_key(c.title): c for c in raw.chapters}
    has_labels = any(u.label for u in body)
    dominant = None
    if one_sided:
        dominant = Counter(_key(u.label.name) for u in body if u.label).most_common(1)[0][0]

    turns: list[RawTurn] = []
    current: RawTurn | None = None
    current_key: str | None = None  # label key, "<implied>", or None for unattributed
    chapter: str | None = None
    chapter_start_pending: float | None = None
    seen_label = False

    def start_turn(
        unit: _Unit, text: str, key: str | None, label: str | None, ts: float | None
    ) -> RawTurn:
        nonlocal chapter_start_pending
        turn = RawTurn(
            text=text, line=unit.line, label=label, start=ts, chapter=chapter, end_line=unit.line
        )
        if key == "<implied>":
            turn.implied_role = "other"
        if turn.start is None and chapter_start_pending is not None:
            turn.start = chapter_start_pending
        chapter_start_pending = None
        turns.append(turn)
        return turn

    # Where labels mark one side only, the implied side speaks those questions (below).
    asides = set() if one_sided else _questions_between_one_speaker(body)
    # Time marks open the paragraphs; where they far outnumber the labels, the labels mark
    # interjections (a talk's audience) and the speaker between them is not given.
    timed = sum(1 for u in body if u.time is not None)
    labeled = sum(1 for u in body if u.label)
    sparse_labels = timed >= 5 and labeled * 5 <= timed
    notes: list[str] = []
    for idx, unit in enumerate(body):
        if unit.after_break:  # a heading above it: what follows is not the turn before
            current, current_key = None, None
        if _is_rule(unit.text):
            raw.mark(unit.line, "chrome")  # a separator inside the conversation
            continue
        if unit.label is None and (
            _BARE_URL_RE.match(unit.text) or MD_LINK_RE.fullmatch(unit.text.strip())
        ):
            raw.mark(unit.line, "metadata")  # a link to what the talk discusses: not said
            continue
        if not seen_label and has_labels and _NOTE_RE.match(unit.text):
            if turns:  # an editor's aside inside the opening speech: not that speaker's words
                notes.append(unit.text)
                raw.mark(unit.line, "metadata")
            else:  # the page opens with it: text of no one in particular, never dropped
                start_turn(unit, unit.text, None, None, None)
                current, current_key = None, None
            continue
        heading = _heading_chapter(unit.text, chapter_titles) if not unit.label else None
        if heading is not None:
            chapter = heading.title
            chapter_start_pending = heading.start if not has_labels else None
            current, current_key = None, None
            raw.mark(unit.line, "metadata")
            continue
        if unit.label:
            seen_label = True
            key = _key(unit.label.name)
            text = unit.label.rest
            if not text.strip():
                raw.mark(unit.line, "label")
            if current is not None and key == current_key and unit.label.timestamp is None:
                _append(current, text, unit.line)  # the same speaker labelled twice in a row
                continue
            ts = unit.label.timestamp if unit.label.timestamp is not None else unit.time
            current = start_turn(unit, text, key, unit.label.name, ts)
            current_key = key
            continue
        if timed and unit.time is None and current is not None and unit.joined:
            _append(current, unit.text, unit.line, sep=" ")  # the timed paragraph goes on
            continue
        if sparse_labels and unit.time is not None and not unit.label:
            current = start_turn(unit, unit.text, None, None, unit.time)
            current_key = None
            continue
        if not has_labels:
            if current is not None and unit.time is None and _continues_sentence(current.text):
                _append(current, unit.text, unit.line, sep=" ")
            else:  # a new paragraph, or one its own time mark opens
                current = start_turn(unit, unit.text, None, None, unit.time)
            current_key = None
            continue
        if idx in asides:  # X, a question, X again: the question is someone else's
            current = start_turn(unit, unit.text, None, None, None)
            current_key = None
            continue
        if one_sided:
            implied = (
                not seen_label
                or current_key == "<implied>"
                or _next_is_label(body, idx, dominant)
                or _is_question(unit.text)
                or _introduces_question(body, idx)
                or _opens_with_reaction(unit.text)
                or bool(_SIGNOFF_RE.search(unit.text))
            )
            if implied and current_key != "<implied>":
                current = start_turn(unit, unit.text, "<implied>", None, None)
                current_key = "<implied>"
                continue
        if current is None:
            current = start_turn(unit, unit.text, None, None, unit.time)
            current_key = None
        elif unit.time is not None:  # the speaker goes on; this paragraph keeps its own time
            if not current.times and current.start is not None:
                current.times.append((0, current.start))
            current.times.append((len(current.text) + 2, unit.time))
            _append(current, unit.text, unit.line)
        elif current.label is not None and _continues_sentence(current.text):
            # A hard-wrapped paragraph (hearing records, plain-text exports): the same sentence.
            _append(current, unit.text, unit.line, sep=" ")
        else:
            _append(current, unit.text, unit.line)
    _remove_spliced_bios(turns, body, raw)
    if notes:
        raw.description = "\n\n".join([*([raw.description] if raw.description else []), *notes])
    return [t for t in turns if t.text.strip()]


def _questions_between_one_speaker(body: list[_Unit]) -> set[int]:
    """Unlabeled questions between two paragraphs labelled with the same speaker: a writer
    labels a speaker again only after someone else spoke, so the question is not theirs (an
    editor left the asker's label out)."""
    found: set[int] = set()
    for i in range(1, len(body) - 1):
        before, unit, after = body[i - 1], body[i], body[i + 1]
        if (
            unit.label is None
            and before.label is not None
            and after.label is not None
            and _key(before.label.name) == _key(after.label.name)
            and after.label.timestamp is None
            and _is_question(unit.text)
        ):
            found.add(i)
    return found


def _append(turn: RawTurn, text: str, line: int, sep: str = "\n\n") -> None:
    turn.text = f"{turn.text}{sep}{text}" if turn.text else text
    turn.end_line = line


def _continues_sentence(text: str) -> bool:
    """A paragraph cut mid-sentence ("like", "I said"): the next paragraph finishes it."""
    return not text.rstrip().endswith(_TERMINAL_PUNCT + (":", "：", ";", "；"))


def _heading_chapter(text: str, chapters: dict[str, RawChapter]) -> RawChapter | None:
    """A heading in the body: a chapter-list title restated, or a Markdown heading."""
    key = _key(text.lstrip("#").strip())
    if key in chapters:
        return chapters[key]
    if text.startswith("#") and not text.startswith("#" * 7):
        # `## [ethereum/EIPs#8590](https://...)`: a heading that links to what it is about.
        title = MD_LINK_RE.sub(r"\1", text.lstrip("#")).strip()
        if title and not _is_prose(title):
            return RawChapter(title=title)
    return None


def _next_is_label(body: list[_Unit], idx: int, dominant: str | None) -> bool:
    nxt = body[idx + 1] if idx + 1 < len(body) else None
    return bool(nxt and nxt.label and _key(nxt.label.name) == dominant)


def _introduces_question(body: list[_Unit], idx: int) -> bool:
    """A short lead-in ending in a colon ("Rapid fire questions:") belongs to the question after it."""
    text = body[idx].text
    nxt = body[idx + 1] if idx + 1 < len(body) else None
    return (
        text.endswith((":", "："))
        and len(text) <= 40
        and nxt is not None
        and not nxt.label
        and _is_question(nxt.text)
    )


_REACTION_RE = re.compile(r"^(?:[^。！？!?，,\s]{1,4}[。！!]|(?:[\w'’]+\s?){1,3}[.!]\s)")


def _opens_with_reaction(text: str) -> bool:
    """A paragraph that opens with a short reaction ("沒錯。", "Absolutely.") is the other side
    answering: an answer's continuation does not start by applauding itself."""
    return bool(_REACTION_RE.match(text))


def _is_question(text: str) -> bool:
    return bool(_QUESTION_END_RE.search(text)) and not _TAG_QUESTION_RE.search(text)


def _remove_spliced_bios(turns: list[RawTurn], body: list[_Unit], raw: RawTranscript) -> None:
    """Drop a scraped speaker bio glued to the start of an answer ("...Machine LearningWe have").

    Pages that show a bio pop-up beside a speaker's name copy it into the text; it is not
    speech. It is recognised by a glued word boundary after résumé-like sentences.
    """
    lines = {u.line: u for u in body}
    for turn in turns:
        m = _SPLICE_RE.search(turn.text) if _GLUED_RE.search(turn.text) else None
        if not m:
            continue
        prefix = turn.text[: m.end()]
        if not _BIO_CUES_RE.search(prefix):
            continue
        turn.text = turn.text[m.end() :]
        # Provenance moves to the source line where the kept text starts.
        kept_start = turn.text[:40]
        for line_no in sorted(n for n in lines if n >= turn.line):
            if kept_start and kept_start in lines[line_no].text:
                raw.mark_lines(turn.line, line_no - 1, "chrome")  # the bio's own lines
                turn.line = line_no
                break


def _mark_after_body(units: list[_Unit], raw: RawTranscript) -> None:
    """After the transcript: the page's footer. Its chrome is chrome; anything else is left
    unmarked, so that a body cut short by a wrong guess is reported as text lost."""
    menus = _navigation_runs(units)
    for u in units:
        if is_chrome(u.text) or u.line in menus:
            raw.mark(u.line, "chrome")
        elif is_transcript_marker(u.text) or is_show_notes_heading(u.text) or is_end_marker(u.text):
            raw.mark(u.line, "metadata")


# A menu copied from a page: link texts of a word or two, one per line with no blank line
# between them (paragraphs of a page are set apart by blank lines).
_MAX_MENU_ITEM_WORDS = 3
_MAX_MENU_ITEM_CHARS = 30


def _navigation_runs(units: list[_Unit]) -> set[int]:
    """Source lines of runs of two or more adjacent menu items (`Adoption` / `Style`)."""
    found: set[int] = set()
    run: list[_Unit] = []
    for u in [*units, None]:
        if u is not None and _is_menu_item(u) and (not run or u.line == run[-1].line + 1):
            run.append(u)
            continue
        if len(run) >= 2:
            found.update(m.line for m in run)
        run = [u] if u is not None and _is_menu_item(u) else []
    return found


def _is_menu_item(unit: _Unit) -> bool:
    text = unit.text
    return (
        unit.label is None
        and len(text) <= _MAX_MENU_ITEM_CHARS
        and len(text.split()) <= _MAX_MENU_ITEM_WORDS
        and _is_title_like(text)
        and text[:1].isupper()
    )


# --- metadata the conversation states ----------------------------------------------------------


def _self_introductions(turns: list[RawTurn]) -> dict[str, str]:
    """Names the unlabeled side gives itself ("I'm your host, Britney Muller")."""
    found: dict[str, str] = {}
    for turn in turns[:5]:
        if turn.implied_role is None:
            continue
        for pattern in _SELF_INTRO_RES:
            m = pattern.search(turn.text)
            if m:
                found.setdefault("host", m.group("name").strip())
    return found


def _show_from_welcome(turns: list[RawTurn]) -> str | None:
    for turn in turns[:3]:
        m = _SHOW_FROM_WELCOME_RE.search(turn.text)
        if m:
            return m.group("show").strip()
    return None


def read(text: str, ctx: ReadContext) -> RawTranscript:
    return read_web_text(text, ctx.known_names)
