"""Speaker labels at the start of a paragraph: `Name: text`, `Name [00:12:34]: text` and kin.

A colon inside a sentence is not a label. A candidate must look like a name (a few capitalised
words, a short run of CJK characters, or a role word), and the reader accepts it only if the
document uses it more than once, gives it a timestamp, or it is a name podkb already knows.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache

from ...text import has_cjk, is_cjk_char

_TIME = r"\d{1,2}(?::\d{1,2}){1,2}(?:[.,]\d{1,3})?"
_LABEL_RE = re.compile(
    r"^(?:\*\*|__)?\[?(?P<name>[^\s:：\[\]()（）*][^:：\[\]()（）*]{0,39}?)\]?(?:\*\*|__)?"
    # One \s* between the name and the colon (the timestamp group takes its own trailing space):
    # two adjacent \s* runs backtracked quadratically on a line of spaces (minutes per line);
    # possessive, since nothing after it starts with a space: a failed match never backtracks.
    # `Name (host):` / `Name (guest):`: the role the label states, not part of the name.
    # `Jane Zhou (JZ) (00:39:27):`: initials some editors write after the name are not part of it.
    r"\s*+(?:[(（]\s*[A-Z]{1,4}\s*[)）]\s*(?=[\[(（]\s*\d))?"
    r"(?:[(（]\s*(?P<role>(?i:co-?host|host|guest|interviewer|interviewee|moderator)|"
    r"主持人|主持|嘉宾|嘉賓|来宾|來賓)\s*[)）]\s*)?"
    # `**Name** [4:53](https://youtu.be/...&t=293s): text`: the time may be a Markdown link into
    # the recording (meeting notes); its text is the time, the URL is not part of the turn.
    rf"(?:[\[(（]\s*(?P<ts>{_TIME})\s*[\])）](?:\([^()\s]*\))?\s*)?(?:\*\*|__)?[:：](?:\*\*|__)?\s*(?P<rest>.*)$",
    re.DOTALL,
)
# `【名前】text`: the lenticular brackets of Japanese and Chinese scripts, no colon needed.
_BRACKET_LABEL_RE = re.compile(
    r"^【(?P<name>[^【】\n]{1,20})】\s*[:：]?\s*(?P<rest>.*)$", re.DOTALL
)
# `Shaun Apps（SA）：text`: a name with the initials later labels use (`SA：`), before the colon.
_INITIALS_LABEL_RE = re.compile(
    r"^(?P<name>[^\s:：\[\]()（）*][^:：\[\]()（）*\n]{0,39}?)\s*[(（]\s*"
    r"(?P<initials>[A-ZＡ-Ｚ]{1,4})\s*[)）]\s*[:：]\s*(?P<rest>.*)$",
    re.DOTALL,
)
# `STEVE INSKEEP, HOST:` / `WOLF BLITZER, CNN ANCHOR:`: the role after a comma is not the name.
_ROLE_SUFFIX_RE = re.compile(
    r"^(?P<name>[^,，]+?)\s*[,，]\s*(?:[A-Z]{2,5}\s+)?(?P<role>(?i:co-?host|host|anchor|"
    r"moderator|interviewer|guest|panelist|byline|correspondent|reporter|narrator|announcer|"
    r"commentator|analyst|caller))$"
)
_SUFFIX_ROLES = {
    "host": "host",
    "co-host": "host",
    "cohost": "host",
    "anchor": "host",
    "moderator": "host",
    "interviewer": "host",
    "guest": "guest",
    "panelist": "guest",
}
_LABEL_ROLES = {
    "host": "host",
    "co-host": "host",
    "cohost": "host",
    "interviewer": "host",
    "moderator": "host",
    "主持人": "host",
    "主持": "host",
    "guest": "guest",
    "interviewee": "guest",
    "嘉宾": "guest",
    "嘉賓": "guest",
    "来宾": "guest",
    "來賓": "guest",
}
_PARTICLES = {
    "de",
    "van",
    "von",
    "da",
    "di",
    "del",
    "della",
    "der",
    "den",
    "la",
    "le",
    "bin",
    "al",
    "el",
    "dos",
    "du",
    "ter",
}
_NOT_NAMES = {
    "note",
    "notes",
    "update",
    "disclaimer",
    "transcript",
    "source",
    "timestamps",
    "warning",
    "tip",
    "example",
    "summary",
    "edit",
    "editor's note",
    "ps",
    "p.s",
    "tl;dr",
    "tldr",
    "http",
    "https",
    "question",
    "answer",
    "quote",
    "link",
    "links",
    "episode",
    "chapter",
    "title",
    "date",
    "time",
    "so",
    "and",
    "but",
    "yes",
    "no",
    "well",
    "now",
    "here",
    "also",
    "why",
    "what",
    "how",
    "today",
    "first",
    "second",
    "third",
    "finally",
    "important",
    "result",
    "results",
    "problem",
    "solution",
    "goal",
    "step",
    "lesson",
    "fact",
    "rule",
    "reason",
    "idea",
    "point",
    "bonus",
    "spoiler",
    "注意",
    "注",
    "备注",
    "備註",
    "更新",
    "快速问答",
    "快速問答",
    "问题",
    "問題",
    "提示",
}
_ROLE_WORD_RE = re.compile(
    r"(?i)^(?:host|co-?host|guest|interviewer|interviewee|moderator|narrator|announcer|"
    r"speaker|spk|voice|person|unknown)(?:[ _-]?(?:\d{1,3}|[a-z]))?$|^SPEAKER_\d+$"
)
_CJK_ROLE_RE = re.compile(
    r"^(?:主持人|主持|嘉宾|嘉賓|来宾|來賓|访谈者|訪談者|受访者|受訪者|旁白|"
    r"話者|话者|说话人|說話人|发言人|發言人)[A-Za-z0-9甲乙丙一二三]?$"
)
# Replies that look like a one-word name on a paragraph of their own.
REPLIES = frozenset(
    "yeah yes yep no nope okay ok right sure thanks wow hmm mhm uh um exactly absolutely great "
    "cool nice true indeed well so agreed definitely totally amazing perfect".split()
)
# Words that stand before a surname in labels (`Senator Black`, `Mr. Smith`): a title, never
# a first name, so `Senator:` alone is not `Senator Black` shortened.
TITLE_WORDS = frozenset(
    "senator sen representative rep congressman congresswoman chairman chairwoman chair "
    "councilmember councilman councilwoman commissioner mayor governor secretary minister "
    "judge justice mr ms mrs dr professor prof president the".split()
)
_BULLET_RE = re.compile(r"^[•●◦▪\-*·]\s")
_WORD_RE = re.compile(r"^[A-Z\u00c0-\u024f][\w'’.\-\u00c0-\u024f]*$")


@dataclass(frozen=True)
class LabelCandidate:
    name: str
    timestamp: float | None
    rest: str
    role: str | None = None  # "host" or "guest" when the label says so: `Name (host):`
    initials: str | None = None  # `Shaun Apps（SA）：`: what later labels call this speaker
    # The label's own shape shows it is one (`NAME, BYLINE:`, `Name（SA）：`), even used once.
    confirmed: bool = False


def parse_time(value: str) -> float:
    """`1:02`, `01:02:03`, `00:00:01.500` or `00:00:01,500` as seconds."""
    value = value.replace(",", ".")
    seconds = 0.0
    for part in value.split(":"):
        seconds = seconds * 60 + float(part)
    return seconds


def split_label(paragraph: str, known: frozenset[str] = frozenset()) -> LabelCandidate | None:
    """The label a paragraph starts with, if it is shaped like one (or is a name in `known`)."""
    if _BULLET_RE.match(paragraph):
        return None
    m = (
        _LABEL_RE.match(paragraph)
        or _BRACKET_LABEL_RE.match(paragraph)
        or _INITIALS_LABEL_RE.match(paragraph)
    )
    if not m:
        return None
    # Full-width letters and digits (`Ａ：`, `Ｂ１：`) are the same label as their ASCII forms.
    name = unicodedata.normalize("NFKC", m.group("name")).strip()
    suffix = _ROLE_SUFFIX_RE.match(name)
    suffix_role = None
    if suffix:
        name, suffix_role = suffix.group("name").strip(), suffix.group("role").casefold()
    if not looks_like_name(name) and not (
        looks_like_lowercase_handle(name) and name.casefold() in known
    ):
        return None
    groups = m.groupdict()
    ts, role, initials = groups.get("ts"), groups.get("role"), groups.get("initials")
    return LabelCandidate(
        name=name,
        timestamp=parse_time(ts) if ts else None,
        rest=m.group("rest").strip(),
        role=(_LABEL_ROLES.get(role.casefold()) if role else None)
        or _SUFFIX_ROLES.get(suffix_role or ""),
        initials=unicodedata.normalize("NFKC", initials) if initials else None,
        confirmed=bool(suffix or initials),
    )


def expand_initials(labels: list[LabelCandidate | None]) -> list[LabelCandidate | None]:
    """Labels that are initials a speaker was introduced with (`Shaun Apps（SA）：` then `SA：`)
    as that speaker's name. Initials never introduced, or introduced for two names, stay."""
    named: dict[str, set[str]] = {}
    for label in labels:
        if label is not None and label.initials:
            named.setdefault(label.initials, set()).add(label.name)
    full = {k: next(iter(v)) for k, v in named.items() if len(v) == 1}
    if not full:
        return labels
    return [
        replace(label, name=full[label.name]) if label is not None and label.name in full else label
        for label in labels
    ]


@lru_cache(maxsize=4096)  # a transcript repeats its few labels on every turn
def looks_like_name(name: str) -> bool:
    """A person's name or a role label, not the start of a sentence or a heading."""
    if not name or len(name) > 40 or name.casefold() in _NOT_NAMES:
        return False
    if _ROLE_WORD_RE.match(name):
        return True
    if has_cjk(name):
        compact = name.replace("·", "").replace("・", "").replace(" ", "")
        if _CJK_ROLE_RE.match(compact):
            return True
        return 1 <= len(compact) <= 5 and all(map(is_cjk_char, compact))
    words = name.split()
    if len(words) > 1 and name.isupper() and re.fullmatch(r"#\d{1,2}", words[-1]):
        words = words[:-1]  # `UNIDENTIFIED PERSON #1`: news transcripts number the unnamed
    if not 1 <= len(words) <= 4:
        return False
    if any(ch.isdigit() for w in words for ch in w):
        return False
    capitalised = 0
    for word in words:
        if word.casefold() in _PARTICLES:
            continue
        if not _WORD_RE.match(word):
            return False
        capitalised += 1
    return capitalised >= 1


def is_role_label(name: str) -> bool:
    """`SPEAKER_00`, `Host`, `Speaker 2`, `主持人`, `嘉賓`: written only as labels, never as prose."""
    compact = name.replace("·", "").replace("・", "").replace(" ", "")
    return bool(_ROLE_WORD_RE.match(name.strip()) or _CJK_ROLE_RE.match(compact))


def looks_like_lowercase_handle(name: str) -> bool:
    """`swyx`-style one-word lower-case names: accepted only when podkb already knows them."""
    return bool(re.fullmatch(r"[a-z][a-z0-9_.\-]{1,30}", name))
