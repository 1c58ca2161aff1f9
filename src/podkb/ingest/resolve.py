"""From what the source shows to typed records: speakers, roles, languages, chapters, times."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter

from ..catalog import CatalogEntry, Metadata, name_key
from ..lang import turn_languages
from ..models import Chapter, Episode, Role, Turn
from ..text import fold
from .raw import RawChapter, RawTranscript, RawTurn
from .shared.spacing import join_spaced_words


def build_records(
    raw: RawTranscript,
    *,
    source: str,
    metadata: Metadata,
    entry: CatalogEntry | None,
    full_text: str,
) -> tuple[Episode, list[Turn], list[int]]:
    """The episode, its turns, and for each raw turn the number of the turn it went into
    (unlabeled paragraphs of one speaker join the turn before them)."""
    for raw_turn in raw.turns:
        join_spaced_words(raw_turn)  # `今天 我们 聊聊`: a recogniser's spaces, not the text's
    hosts = list(entry.hosts) if entry and entry.hosts else list(raw.hosts)
    guests = list(entry.guests) if entry and entry.guests else list(raw.guests)
    hosts = [_canonical_participant(h, metadata) for h in hosts]
    guests = [_canonical_participant(g, metadata) for g in guests]
    resolver = SpeakerResolver(metadata, hosts, guests, full_text)
    resolver.first_names = first_name_labels([t.label for t in raw.turns if t.label])

    episode_id = (
        (entry.episode_id if entry and entry.episode_id else None)
        or raw.episode_id
        or slugify(
            (entry.title if entry and entry.title else None)
            or raw.title
            or source.rsplit(".", 1)[0]
        )
    )
    implied_speaker, implied_role = _implied_side(raw, resolver, hosts, guests, metadata)
    if implied_role == "host" and implied_speaker and implied_speaker not in hosts and not entry:
        hosts.append(implied_speaker)

    chapters, offset = align_chapters(
        raw.chapters, [t.start for t in raw.turns if t.start is not None]
    )
    stated = (entry.lang if entry and entry.lang else None) or raw.lang
    identified = turn_languages(
        [t.text for t in raw.turns],
        [name_key(t.label) if t.label else t.speaker for t in raw.turns],
        fallback=stated,
    )
    langs = [t.lang or found for t, found in zip(raw.turns, identified, strict=True)]
    episode_lang = (
        (entry.lang if entry and entry.lang else None)
        or raw.lang  # stated by the source (front matter)
        or _dominant_lang(raw.turns, langs)
    )

    turns: list[Turn] = []
    turn_of_raw: list[int] = []
    previous_chapter: str | None = None
    # A name a person gave resolves through the register directly (an alias is their word).
    label_names = {
        name_key(k): metadata.canonical(v) or v
        for k, v in (entry.speakers if entry else {}).items()
    }
    for rt, lang in zip(raw.turns, langs, strict=True):
        # A label the catalog or sidecar names (`speakers: {SPEAKER_00: Name}`) is that person.
        given = label_names.get(name_key(rt.label)) if rt.label else None
        speaker, role = resolver.resolve(given or rt.label)
        if rt.label is None and rt.implied_role:
            speaker, role = implied_speaker, implied_role if implied_speaker else "unknown"
        if rt.role is not None:  # the source states speaker and role (podkb's own records)
            speaker, role = rt.speaker, rt.role
        if lang == "zh" and episode_lang and episode_lang.startswith("zh"):
            lang = episode_lang  # characters common to both scripts: the episode's script decides
        chapter = (
            rt.chapter
            or _chapter_at(chapters, rt.start)
            or (previous_chapter if chapters else None)
        )
        previous_chapter = chapter
        last = turns[-1] if turns else None
        if (
            last is not None
            and speaker is not None
            and last.speaker == speaker
            and rt.label is None
            and rt.role is None
            and rt.start is None
            and last.chapter == chapter
        ):
            # An unlabeled paragraph that the text shows is the same person still talking.
            shift = len(last.text) + 2
            last.text = f"{last.text}\n\n{rt.text}"
            last.times.extend((at + shift, seconds) for at, seconds in rt.times)
            turn_of_raw.append(last.turn)
            continue
        turn_of_raw.append(len(turns))
        turns.append(
            Turn(
                episode_id=episode_id,
                turn=len(turns),
                speaker=speaker,
                speaker_label=rt.label,
                role=as_role(role),
                text=rt.text,
                lang=lang,
                start=rt.start,
                end=rt.end,
                chapter=chapter,
                source=source,
                line=rt.line,
                times=list(rt.times),
            )
        )
    if not hosts and not guests:
        hosts = sorted({t.speaker for t in turns if t.speaker and t.role == "host"})
        guests = sorted({t.speaker for t in turns if t.speaker and t.role == "guest"})
    episode = Episode(
        episode_id=episode_id,
        show=(entry.show if entry and entry.show else None) or raw.show,
        title=(entry.title if entry and entry.title else None) or raw.title,
        date=(entry.date if entry and entry.date else None) or raw.date,
        lang=episode_lang,
        hosts=hosts,
        guests=guests,
        description=(entry.description if entry and entry.description else None) or raw.description,
        source=source,
        turns=len(turns),
        chapters=[Chapter(title=c.title, start=c.start) for c in chapters],
        audio_url=entry.audio if entry and entry.audio else None,
    )
    return episode, turns, turn_of_raw


# A label that names a role, not a person ("Host:", "主持人："): the role is what the source says.
_ROLE_LABELS = {
    "host": "host",
    "co-host": "host",
    "cohost": "host",
    "interviewer": "host",
    "moderator": "host",
    "主持人": "host",
    "主持": "host",
    "访谈者": "host",
    "guest": "guest",
    "interviewee": "guest",
    "嘉宾": "guest",
    "来宾": "guest",
    "受访者": "guest",
}


_ROLE_SUFFIX_RE = re.compile(r"(?:[\s_-]+(?:\d{1,3}|[a-z])|\d{1,3}|[甲乙丙一二三abAB])$")


class SpeakerResolver:
    """Labels to canonical names, scoped to the episode so a bare first name never jumps shows.

    Order: the episode's participants (and their aliases), then the register's full names,
    then a register alias whose full name the transcript itself mentions, else the label.
    """

    def __init__(
        self, metadata: Metadata, hosts: list[str], guests: list[str], full_text: str
    ) -> None:
        self.metadata = metadata
        self.hosts = hosts
        self.guests = guests
        self.full_text = full_text
        self._text_key: str | None = None
        # A first name that stands for one full name the same transcript uses (`Dan:` after
        # `Dan Ott:`), folded first name -> full label.
        self.first_names: dict[str, str] = {}
        self.participant_keys: dict[str, str] = {}
        for person in [*hosts, *guests]:
            for alias in metadata.aliases_of(person):
                self.participant_keys.setdefault(name_key(alias), person)
            first = person.split()[0] if person.split() else person
            self.participant_keys.setdefault(name_key(first), person)

    @property
    def text_key(self) -> str:
        """The folded transcript, made only when a bare alias needs its full name looked up."""
        if self._text_key is None:
            self._text_key = fold(self.full_text)
        return self._text_key

    def resolve(self, label: str | None) -> tuple[str | None, str]:
        if label is None:
            return None, "unknown"
        name = self.canonical(label)
        role = self.role_of(name)
        if role == "unknown":
            role = _ROLE_LABELS.get(_ROLE_SUFFIX_RE.sub("", name_key(label)), "unknown")
        return name, role

    def canonical(self, label: str) -> str:
        key = name_key(label)
        if key in self.participant_keys:
            return self.participant_keys[key]
        if key in self.first_names:
            return self.canonical(self.first_names[key])
        canonical = self.metadata.canonical(label)
        if canonical:
            if name_key(canonical) == key or len(key.split()) > 1:
                return canonical
            if name_key(canonical) in self.text_key:
                return canonical
        return label.strip()

    def role_of(self, name: str | None) -> str:
        if name in self.hosts:
            return "host"
        if name in self.guests:
            return "guest"
        return "unknown"


def first_name_labels(labels: list[str]) -> dict[str, str]:
    """One-word labels that are the first name of exactly one multi-word label in the same
    transcript: `Dan Ott:` on first use and `Dan:` afterwards are one speaker. A first name
    shared by two full names (`Dan Ott`, `Dan Lee`) stays as written: nothing says which."""
    full: dict[str, set[str]] = {}
    for label in set(labels):
        words = label.split()
        if len(words) >= 2:
            full.setdefault(name_key(words[0]), set()).add(label.strip())
            if label.isupper():
                # Caps labels (news, court) shorten to the surname: `TOM OKAFOR:`, `OKAFOR:`.
                full.setdefault(name_key(words[-1]), set()).add(label.strip())
    return {
        name_key(label): next(iter(full[name_key(label)]))
        for label in set(labels)
        if len(label.split()) == 1 and len(full.get(name_key(label), ())) == 1
    }


def _canonical_participant(name: str, metadata: Metadata) -> str:
    return metadata.canonical(name) or name


def _implied_side(
    raw: RawTranscript,
    resolver: SpeakerResolver,
    hosts: list[str],
    guests: list[str],
    metadata: Metadata,
) -> tuple[str | None, str]:
    """Who speaks where the source leaves labels out but the text shows the other side talking."""
    if not any(t.implied_role for t in raw.turns):
        return None, "unknown"
    labeled = Counter(resolver.canonical(t.label) for t in raw.turns if t.label)
    dominant = labeled.most_common(1)[0][0] if labeled else None
    if dominant in guests and len(hosts) == 1:
        return hosts[0], "host"
    if dominant in hosts and len(guests) == 1:
        return guests[0], "guest"
    named = raw.implied_names.get("host")
    if named:
        return resolver.canonical(named), "host"
    return None, "unknown"


def align_chapters(
    chapters: list[RawChapter], turn_starts: list[float]
) -> tuple[list[RawChapter], float]:
    """Put a chapter list on the turns' clock.

    Show notes and transcripts are often cut from different edits (an intro added or removed),
    so their clocks can differ by a constant. The offset chosen is the one under which the most
    chapters start exactly at a turn; with no such agreement the clocks are taken as shared.
    """
    timed = [c for c in chapters if c.start is not None]
    if not timed or not turn_starts:
        return chapters, 0.0
    votes: Counter[int] = Counter()
    for c in timed:
        offsets = {round(c.start - t) for t in turn_starts if abs(c.start - t) < 3600}  # type: ignore[operator]
        votes.update(offsets)
    best, count = 0, 0
    for offset, _ in votes.most_common(20):
        hits = _hits(timed, turn_starts, offset)
        if hits > count or (hits == count and abs(offset) < abs(best)):
            best, count = offset, hits
    if count < 2 or count <= _hits(timed, turn_starts, 0):
        best = 0
    shifted = [
        RawChapter(title=c.title, start=None if c.start is None else max(0.0, c.start - best))
        for c in chapters
    ]
    return shifted, float(best)


def as_role(value: str | None) -> Role:
    """A role as stored: host or guest when the source says so, otherwise unknown."""
    if value == "host":
        return "host"
    return "guest" if value == "guest" else "unknown"


def _hits(chapters: list[RawChapter], turn_starts: list[float], offset: int) -> int:
    starts = [c.start for c in chapters if c.start is not None]
    return sum(1 for s in starts if any(abs(s - offset - t) <= 1.0 for t in turn_starts))


def _chapter_at(chapters: list[RawChapter], start: float | None) -> str | None:
    if start is None:
        return None
    current = None
    for c in chapters:
        if c.start is not None and c.start <= start + 0.5:
            current = c.title
    return current


def _dominant_lang(turns: list[RawTurn], langs: list[str]) -> str | None:
    weight: Counter[str] = Counter()
    for t, lang in zip(turns, langs, strict=True):
        weight[lang] += len(t.text)
    if not weight:
        return None
    lang = weight.most_common(1)[0][0]
    if lang == "zh":
        hant = weight.get("zh-Hant", 0)
        hans = weight.get("zh-Hans", 0)
        lang = "zh-Hant" if hant > hans else "zh-Hans" if hans else "zh"
    return lang


def slugify(text: str, max_len: int = 60) -> str:
    """A stable ASCII slug; text without ASCII letters gets a short hash so it stays unique."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = slug[:max_len].rstrip("-")
    if len(slug) < 3:
        digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
        slug = f"{slug}-{digest}" if slug else f"episode-{digest}"
    return slug
