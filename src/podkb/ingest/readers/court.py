"""Court and hearing transcripts as text extracted from their PDFs (pdftotext, copy and paste).

    1               CHIEF JUSTICE ROBERTS: We'll hear
    2   argument first this morning in Case 22-451,
    ...
                     Heritage Reporting Corporation
                                                            5
    1   MR. SMITH: Mr. Chief Justice, and may it

A reporter's page has numbered lines (1 to 25 down the margin) and a header and footer (the
reporter's name, "Official - Subject to Final Review", the page number): these are chrome, and a
sentence runs across them into the next page. Speakers are caps labels (`JUSTICE KAGAN:`,
`MR. SMITH:`, `CHIEF JUSTICE ROBERTS:`, `THE WITNESS:`) or a title in a hearing (`Senator
Durbin:`, a bare `Senator:` for a senator the reporter did not name); an examination is
`Q.` / `A.` blocks, the question asked by whoever `BY MR. SMITH:` named. Caps headings
(`ORAL ARGUMENT OF ...`, `DIRECT EXAMINATION`) are chapters; parentheticals (`(Laughter.)`,
`(Whereupon, ...)`) are not speech. The cover, appearances and contents before
`P R O C E E D I N G S` are metadata, and so are the word index and certificate after the
proceedings end. Without a `P R O C E E D I N G S` line, a hearing's cover pages, up to the last
page listing who was there (`PRESIDING:`, `SPEAKERS:`), are metadata; other text before the
first label is read as speech of an unknown speaker (a prepared statement, an opening).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..raw import RawChapter, RawTranscript, RawTurn
from ..shared.cues import join_text

if TYPE_CHECKING:
    from ..context import ReadContext

# A margin line number (1-25) and the line's text after it.
_MARGIN_RE = re.compile(r"^\s*(?P<n>[1-9]|1\d|2[0-5])(?:(?:\s+|(?=[A-Z(]))(?P<rest>\S.*?))?\s*$")
# Reporters keep a surname's lower-case prefix: `SENATOR LaVALLE:`, `McDONALD`, `DeFRANCISCO`.
_CAPS_WORD = r"(?:[A-Z][A-Z'’\-]*\.?|[A-Z]\.|MC[A-Z]+|O'[A-Z]+|(?:Mc|Mac|La|Le|De|Di|Du|Van|Von)[A-Z]{2}[A-Z'’\-]*)"
_CAPS_LABEL_RE = re.compile(
    rf"^(?P<name>{_CAPS_WORD}(?:\s+{_CAPS_WORD}){{0,4}})\s*:\s*(?P<rest>.*)$"
)
_TITLE_LABEL_RE = re.compile(
    r"^(?P<name>(?:Senator|Chairman|Chairwoman|Chair|Ranking Member|Representative|"
    r"Congressman|Congresswoman|Judge|Justice|Commissioner|Secretary|Mr\.|Ms\.|Mrs\.|Dr\.)"
    r"(?:\s+[A-Z][\w'’\-]+){0,2})\s*:\s*(?P<rest>.*)$"
)
_QA_RE = re.compile(r"^(?P<name>Q|A)(?:\.\s*|:\s*|\s{2,})(?P<rest>\S.*)?$")
_EXAMINER_RE = re.compile(r"^BY\s+(?P<name>(?:MR|MS|MRS|DR)\.?\s+[A-Z][A-Z'’\-]+)\s*:?\s*$")
# Caps words that a label never is: headings and captions end with a colon too.
_NOT_LABELS = {
    "APPEARANCES",
    "CONTENTS",
    "C O N T E N T S",
    "ORAL ARGUMENT OF",
    "PAGE",
    "PRESENT",
    "ALSO PRESENT",
    "NOTE",
    "SUBJECT",
    "RE",
    "WITNESS",
    "WITNESSES",
    "INDEX",
    "EXHIBITS",
    "ON BEHALF OF",
    "PRESIDING",
    "SPEAKERS",
    "MEMBERS PRESENT",
    "STAFF PRESENT",
    "PARTICIPANTS",
}
# The lists a hearing's cover pages hold: who presided, who was there, who spoke.
_ROSTER_RE = re.compile(
    r"^(?:PRESIDING|(?:ALSO |MEMBERS |STAFF )?PRESENT|SPEAKERS|WITNESSES|PARTICIPANTS|"
    r"APPEARANCES|INDEX|LIST OF SPEAKERS(?:,\s*Cont\.?)?)"
    r"(?:\s*\((?i:continued)\))?\s*:?(?:\s*\((?i:continued)\))?(?:\s+PAGE\b.*)?$"
)
_SPACE_RUN_RE = re.compile(r"[ \t]{2,}")
_PROCEEDINGS_RE = re.compile(r"^\s*(?:P\s?R\s?O\s?C\s?E\s?E\s?D\s?I\s?N\s?G\s?S)\s*$")
_END_RE = re.compile(
    r"(?i)\bwhereupon\b.*\b(?:submitted|adjourned|concluded|was closed)\b|"
    r"^\W*(?:the )?(?:hearing|proceedings|deposition) (?:was |were )?(?:adjourned|concluded)"
)
# The reporter's furniture on every page.
_PAGE_CHROME_RE = re.compile(
    r"(?i)^(?:official(?: - subject to final review)?|official transcript|"
    r"(?:page\s+)?\d{1,4}(?:\s+of\s+\d{1,4})?|[-–—]\s*\d{1,4}\s*[-–—]|"
    r".*\breporting (?:company|corporation|services?)\b.*|.*\bcourt reporters?\b.*|"
    r".*\b1-?800-for-depo\b.*|.*\(\d{3}\)\s*\d{3}-\d{4}.*|www\.\S+|"
    r"\d{3,5} [\w .]+ street,? n\.?w\.?.*|suite \d+|washington,? d\.?c\.? \d{5}.*|"
    r"(?:\d{1,2}\s+){4,}\d{1,2})$"
)
# Word-index entries: a word, an optional count, and page:line references.
_INDEX_RE = re.compile(r"^\S.{0,40}?(?:\[\d+\]\s*)?(?:\d{1,3}:\d{1,2}[\s,;]*){1,}$")
_PAREN_OPEN_RE = re.compile(r"^\s*[(\[]")
_CLOCK_RE = re.compile(r"^\(\s*\d{1,2}:\d{2}\s*[ap]\.?\s?m\.?\s*\)$", re.I)
_TERMINAL = tuple('.!?"”)')
# The case caption between two rules (`- - - - x`), its docket number and colons aside.
# `MARIA LOPEZ,` / `having been first duly sworn, ...`: the witness whose answers are `A.`
_WITNESS_RE = re.compile(r"^(?P<name>[A-Z][A-Z.'’\- ]{2,60}),?\s*$")
_SWORN_RE = re.compile(r"(?i)^(?:having been|called as a witness|who,? having been|was sworn)")
_BARE_TITLES = {"Senator", "Chairman", "Chairwoman", "Chair", "Representative", "Judge"}
_CAPTION_RULE_RE = re.compile(r"^(?:-\s*){5,}[xX]?\s*$")
_CAPTION_END_RE = re.compile(r"\s*:\s*(?:No\.\s*\S+)?\s*$")


_NUMBERED_LINE_RE = re.compile(r"(?m)^[ \t]*(?:[1-9]|1\d|2[0-5])(?=[ \t]|$)")


_MIN_EXTRACT_LINES = 8


def looks_like_court_transcript(text: str) -> bool:
    """Numbered lines (1-25 in runs, or a column of numbers) and speaker labels in the court
    forms, within the first pages."""
    if len(_NUMBERED_LINE_RE.findall(text, 0, 80_000)) < _MIN_EXTRACT_LINES:
        return False  # one scan in C: most files have no numbered lines at all
    head = text[:80_000].split("\n", 2000)[:2000]
    runs = labels = numbered = filled = 0
    previous = 0
    for line in head:
        m = _MARGIN_RE.match(line)
        rest = line.strip()
        filled += bool(rest)
        if m:
            numbered += 1
            n = int(m.group("n"))
            if n == previous + 1:
                runs += 1
            previous = n
            rest = m.group("rest") or ""
        if rest[:1].isupper() and (
            _CAPS_LABEL_RE.match(rest) or _TITLE_LABEL_RE.match(rest) or _QA_RE.match(rest)
        ):
            labels += 1
    # A page or more; or an extract shorter than a page (a quoted exchange) whose lines are
    # nearly all numbered in one run: prose never numbers its lines 1, 2, 3 ...
    whole_page = runs >= 20
    extract = runs >= _MIN_EXTRACT_LINES - 1 and numbered >= 0.8 * filled
    return (whole_page or extract) and labels >= 2


@dataclass
class _Line:
    n: int  # 1-based source line
    text: str  # without the margin number
    numbered: bool
    page: int = 0  # counted from the margin numbers: a new page where they start again at 1


def read_court(text: str) -> RawTranscript:
    raw = RawTranscript(format="court")
    lines = _strip_margins(text, raw)
    _mark_page_chrome(lines, raw)
    body = [ln for ln in lines if ln.n not in raw.line_classes]
    start = next((i for i, ln in enumerate(body) if _PROCEEDINGS_RE.match(ln.text)), None)
    if start is None:
        start = _cover_end(body)
    if start is not None:
        _front_matter(body[: start + 1], raw)
        body = body[start + 1 :]
    end = _body_end(body)
    for ln in body[end:]:
        raw.mark(ln.n, "metadata")  # the word index, the reporter's certificate
    raw.turns = _turns(body[:end], raw)
    return raw


def _strip_margins(text: str, raw: RawTranscript) -> list[_Line]:
    """Each non-blank line without its margin number; a number alone on a line is chrome."""
    out: list[_Line] = []
    page = 0
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        m = _MARGIN_RE.match(line)
        if m and m.group("n") == "1":
            page += 1
        if m and m.group("rest") is None:
            raw.mark(n, "chrome")
            continue
        if m:
            out.append(_Line(n, m.group("rest").strip(), True, page))
        else:
            out.append(_Line(n, line.strip(), False, page))
    return out


def _cover_end(body: list[_Line]) -> int | None:
    """Without a `P R O C E E D I N G S` line: the last line of a hearing's cover pages, which
    end with the last page listing who was there (`PRESIDING:`, `SPEAKERS:`) before the first
    label. Pages after it and before the first label (a prepared statement) stay speech."""
    first = next((i for i, ln in enumerate(body) if _label(ln.text) or _QA_RE.match(ln.text)), None)
    if first is None:
        return None
    rosters = [i for i in range(first) if _ROSTER_RE.match(body[i].text)]
    if not rosters:
        return None
    page = body[rosters[-1]].page
    return max(i for i in range(first) if body[i].page <= page)


def _mark_page_chrome(lines: list[_Line], raw: RawTranscript) -> None:
    """Headers and footers: the reporter's lines, page numbers, and any short unnumbered line
    repeated on page after page."""
    repeats = Counter(ln.text for ln in lines if not ln.numbered)
    for ln in lines:
        if ln.numbered:
            continue
        if _PAGE_CHROME_RE.match(ln.text) or (repeats[ln.text] >= 3 and len(ln.text) <= 80):
            raw.mark(ln.n, "chrome")


def _front_matter(lines: list[_Line], raw: RawTranscript) -> None:
    """Cover, caption, appearances and contents: metadata; the case caption is the title."""
    for ln in lines:
        raw.mark(ln.n, "metadata")
    rules = [i for i, ln in enumerate(lines) if _CAPTION_RULE_RE.match(ln.text)]
    if len(rules) >= 2 and rules[1] - rules[0] <= 12:
        parts = [_CAPTION_END_RE.sub("", ln.text) for ln in lines[rules[0] + 1 : rules[1]]]
    elif rules and 0 < rules[0] <= 3 and all(_is_caps_line(ln.text) for ln in lines[: rules[0]]):
        # A cover that opens with its title, one rule under it (`NEW YORK STATE 2013 ECONOMIC
        # AND REVENUE` / `CONSENSUS FORECASTING CONFERENCE` / `-----`), no `BEFORE THE ...`.
        parts = [ln.text for ln in lines[: rules[0]]]
    else:
        return
    raw.title = " ".join(" ".join(p.split()) for p in parts if p.strip())[:200] or None


def _is_caps_line(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 6 and all(ch.isupper() for ch in letters)


def _body_end(body: list[_Line]) -> int:
    """Where the proceedings end: after the closing parenthetical (`(Whereupon, ... the case
    was submitted.)`, over as many lines as it runs), or where a word index begins (three
    entries in a row)."""
    i = 0
    while i < len(body):
        if _PAREN_OPEN_RE.match(body[i].text):
            j = i
            while j + 1 < len(body) and not body[j].text.rstrip().endswith((")", "]")):
                j += 1
            if _END_RE.search(" ".join(b.text for b in body[i : j + 1])):
                return j + 1
            i = j + 1
            continue
        if all(k < len(body) and _INDEX_RE.match(body[k].text) for k in range(i, i + 3)):
            return i
        i += 1
    return len(body)


def _label(text: str) -> tuple[str, str] | None:
    """(speaker, rest) when the line opens with a court label."""
    for pattern in (_CAPS_LABEL_RE, _TITLE_LABEL_RE):
        m = pattern.match(text)
        if m and m.group("name").strip(" .") not in _NOT_LABELS:
            name = " ".join(m.group("name").split())
            if sum(ch.isalpha() for ch in name) >= 2 and not name.isdigit():
                return name, m.group("rest").strip()
    return None


def _is_heading(text: str) -> bool:
    """`ORAL ARGUMENT OF PAUL D. CLEMENT`, `DIRECT EXAMINATION`: caps words, no sentence (a
    witness's name before "having been first duly sworn" ends in a comma: it is one)."""
    letters = [ch for ch in text if ch.isalpha()]
    return (
        len(letters) >= 6
        and all(ch.isupper() for ch in letters)
        and not text.endswith((":", "?", ","))
        and len(text.split()) >= 2
    )


def _turns(body: list[_Line], raw: RawTranscript) -> list[RawTurn]:
    turns: list[RawTurn] = []
    current: RawTurn | None = None
    chapter: str | None = None
    heading: list[_Line] = []
    examiner: str | None = None
    witness: str | None = None
    in_paren = False

    def close_heading() -> None:
        nonlocal chapter, heading
        if heading:
            chapter = " ".join(h.text for h in heading)
            raw.chapters.append(RawChapter(title=chapter))
            heading = []

    for ln in body:
        text = ln.text
        if in_paren or _PAREN_OPEN_RE.match(text):
            # `(Laughter.)`, `(Whereupon, ...)`, `(10:04 a.m.)`: the reporter's notes.
            raw.mark(ln.n, "timing" if _CLOCK_RE.match(text) else "non_speech")
            in_paren = not text.rstrip().endswith((")", "]"))
            continue
        if current is not None and current.label is None and _SWORN_RE.match(text):
            m = _WITNESS_RE.match(current.text)  # named on the line before: `MARIA LOPEZ,`
            witness = " ".join(m.group("name").split()) if m else witness
        m = _EXAMINER_RE.match(text)
        if m:
            examiner = " ".join(m.group("name").split())
            raw.mark(ln.n, "label")
            current = None
            continue
        label = _label(text)
        qa = _QA_RE.match(text) if label is None else None
        if label is None and qa is None and _is_heading(text) and (current is None or heading):
            heading.append(ln)
            raw.mark(ln.n, "metadata")
            continue
        if label is None and qa is None and _is_heading(text) and _closed(current):
            heading.append(ln)
            raw.mark(ln.n, "metadata")
            current = None
            continue
        close_heading()
        if label is not None or qa is not None:
            if label is not None:
                name, rest = label
            else:
                assert qa is not None
                name = (examiner or "Q") if qa.group("name") == "Q" else "A"
                rest = (qa.group("rest") or "").strip()
            if name == "A" and witness:
                name = witness
            current = RawTurn(text=rest, line=ln.n, end_line=ln.n, label=name, chapter=chapter)
            if name in _BARE_TITLES:
                # `Senator:` names no one: kept as written, never merged with `Senator Hale`.
                current.speaker, current.role = name, "unknown"
            turns.append(current)
            if not rest:
                raw.mark(ln.n, "label")
            continue
        if current is None:
            # Speech before any label: its speaker is not given.
            current = RawTurn(text=text, line=ln.n, end_line=ln.n, chapter=chapter)
            turns.append(current)
            continue
        current.text = join_text(current.text, text)
        current.end_line = ln.n
    close_heading()
    for turn in turns:
        # A justified PDF line spreads its words (`Good morning.    I am`): one space is what
        # was said.
        turn.text = _SPACE_RUN_RE.sub(" ", turn.text)
    return [t for t in turns if t.text.strip()]


def _closed(turn: RawTurn | None) -> bool:
    """The turn's last sentence is finished (or it ends `as follows:`): a heading may follow."""
    return turn is None or turn.text.rstrip().endswith((*_TERMINAL, ":"))


def read(text: str, ctx: ReadContext) -> RawTranscript:
    return read_court(text)
