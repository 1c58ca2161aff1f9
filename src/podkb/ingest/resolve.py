"""From what the source shows to typed records: speakers, roles, languages, chapters, times."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from ..catalog import CatalogEntry, EpisodeFields, Metadata, name_key
from ..lang import turn_languages
from ..models import Chapter, Episode, Role, Turn
from ..text import fold
from .raw import RawChapter, RawTranscript, RawTurn
from .shared.labels import TITLE_WORDS, is_role_label
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
    given = entry or _NOTHING_GIVEN
    resolver = SpeakerResolver(catalog_names(metadata, given, raw), full_text)
    resolver.first_names = first_name_labels([t.label for t in raw.turns if t.label])
    hosts, guests = resolver.hosts, resolver.guests
    implied = _implied_side(raw, resolver)
    if implied.role == "host" and implied.speaker and implied.speaker not in hosts and not entry:
        hosts.append(implied.speaker)  # a host from here on: their labeled turns too
    chapters, _offset = align_chapters(
        raw.chapters, [t.start for t in raw.turns if t.start is not None]
    )
    langs, episode_lang = _languages(raw, given)
    episode_id = _episode_id(raw, given, source)
    turns, turn_of_raw = _turns(
        raw,
        _TurnContext(
            episode_id=episode_id,
            source=source,
            resolver=resolver,
            implied=implied,
            episode_lang=episode_lang,
            chapters=chapters,
        ),
        langs,
    )
    if not hosts and not guests:
        hosts, guests = _participants_by_role(turns)
    # A role label (`Interviewer:`, `Host (host):`, `主持人：`) names a side, not a person: its
    # turns keep it as their speaker, but it is no one's name in the episode's people.
    hosts = [h for h in hosts if not is_role_label(h)]
    guests = [g for g in guests if not is_role_label(g)]
    episode = Episode(
        episode_id=episode_id,
        show=given.show or raw.show,
        title=given.title or raw.title,
        date=given.date or raw.date,
        lang=episode_lang,
        hosts=hosts,
        guests=guests,
        description=given.description or raw.description,
        source=source,
        turns=len(turns),
        chapters=[Chapter(title=c.title, start=c.start) for c in chapters],
        audio_url=given.audio or None,
    )
    return episode, turns, turn_of_raw


# What a file has when the catalog, a sidecar and the command line give it nothing.
_NOTHING_GIVEN = EpisodeFields()


@dataclass(frozen=True)
class CatalogNames:
    """What the catalog and speaker register say about one episode's people, taken from them
    in one step: after it, resolving a speaker reads only this."""

    hosts: list[str]  # canonical names: the catalog entry's, else the source's
    guests: list[str]
    # Folded alias or first name of a participant -> the participant.
    participant_keys: dict[str, str]
    # Folded label -> the name a person gave it (`speakers: {SPEAKER_00: Name}`).
    given_names: dict[str, str]
    # Folded name -> the register's canonical name, for every name this transcript uses.
    register: dict[str, str]

    def canonical(self, name: str) -> str | None:
        return self.register.get(name_key(name))


def catalog_names(metadata: Metadata, given: EpisodeFields, raw: RawTranscript) -> CatalogNames:
    """The register's names for the participants, the labels and the names the text gives."""
    used = {
        *given.hosts,
        *raw.hosts,
        *given.guests,
        *raw.guests,
        *given.speakers.values(),
        *raw.implied_names.values(),
        *(t.label for t in raw.turns if t.label),
    }
    register = {
        name_key(name): found for name in used if (found := metadata.canonical(name)) is not None
    }
    # A given name the register knows is resolved again as that canonical name.
    for found in list(register.values()):
        again = metadata.canonical(found)
        if again is not None:
            register.setdefault(name_key(found), again)
    hosts = [register.get(name_key(h)) or h for h in (given.hosts or raw.hosts)]
    guests = [register.get(name_key(g)) or g for g in (given.guests or raw.guests)]
    participant_keys: dict[str, str] = {}
    for person in [*hosts, *guests]:
        for alias in metadata.aliases_of(person):
            participant_keys.setdefault(name_key(alias), person)
        first = person.split()[0] if person.split() else person
        participant_keys.setdefault(name_key(first), person)
    # A name a person gave resolves through the register directly (an alias is their word).
    given_names = {name_key(k): register.get(name_key(v)) or v for k, v in given.speakers.items()}
    return CatalogNames(hosts, guests, participant_keys, given_names, register)


def _episode_id(raw: RawTranscript, given: EpisodeFields, source: str) -> str:
    return (
        given.episode_id
        or raw.episode_id
        or slugify(given.title or raw.title or source.rsplit(".", 1)[0])
    )


def _languages(raw: RawTranscript, given: EpisodeFields) -> tuple[list[str], str | None]:
    """Each turn's language (the source's, else identified) and the episode's."""
    stated = given.lang or raw.lang  # by a person, else by the source (front matter)
    identified = turn_languages(
        [t.text for t in raw.turns],
        [name_key(t.label) if t.label else t.speaker for t in raw.turns],
        fallback=stated,
    )
    langs = [t.lang or found for t, found in zip(raw.turns, identified, strict=True)]
    return langs, stated or _dominant_lang(raw.turns, langs)


@dataclass(frozen=True)
class _ImpliedSide:
    """Who speaks the turns the source leaves unlabeled but shows as the other side's."""

    speaker: str | None
    role: str


@dataclass(frozen=True)
class _TurnContext:
    """What every turn of one episode is resolved against."""

    episode_id: str
    source: str
    resolver: SpeakerResolver
    implied: _ImpliedSide
    episode_lang: str | None
    chapters: list[RawChapter]


def _turns(raw: RawTranscript, ctx: _TurnContext, langs: list[str]) -> tuple[list[Turn], list[int]]:
    """The stored turns, and for each raw turn the number of the turn it went into."""
    turns: list[Turn] = []
    turn_of_raw: list[int] = []
    previous_chapter: str | None = None
    for rt, lang in zip(raw.turns, langs, strict=True):
        speaker, role = _speaker_of(rt, ctx)
        chapter = (
            rt.chapter
            or _chapter_at(ctx.chapters, rt.start)
            or (previous_chapter if ctx.chapters else None)
        )
        previous_chapter = chapter
        last = turns[-1] if turns else None
        if last is not None and _same_speaker_goes_on(last, rt, speaker, chapter):
            _append_paragraph(last, rt)
            turn_of_raw.append(last.turn)
            continue
        turn_of_raw.append(len(turns))
        turns.append(
            Turn(
                episode_id=ctx.episode_id,
                turn=len(turns),
                speaker=speaker,
                speaker_label=rt.label,
                role=as_role(role),
                text=rt.text,
                lang=_turn_lang(lang, ctx.episode_lang),
                start=rt.start,
                end=rt.end,
                chapter=chapter,
                source=ctx.source,
                line=rt.line,
                times=list(rt.times),
            )
        )
    return turns, turn_of_raw


def _speaker_of(rt: RawTurn, ctx: _TurnContext) -> tuple[str | None, str]:
    if rt.role is not None:  # the source states speaker and role (podkb's own records)
        return rt.speaker, rt.role
    if rt.label is None and rt.implied_role:
        implied = ctx.implied
        return implied.speaker, implied.role if implied.speaker else "unknown"
    # A label the catalog or sidecar names (`speakers: {SPEAKER_00: Name}`) is that person.
    resolver = ctx.resolver
    given = resolver.names.given_names.get(name_key(rt.label)) if rt.label else None
    return resolver.resolve(given or rt.label)


def _turn_lang(lang: str, episode_lang: str | None) -> str:
    if lang == "zh" and episode_lang and episode_lang.startswith("zh"):
        return episode_lang  # characters common to both scripts: the episode's script decides
    return lang


def _same_speaker_goes_on(
    last: Turn, rt: RawTurn, speaker: str | None, chapter: str | None
) -> bool:
    """An unlabeled, untimed paragraph that the text shows is the same person still talking."""
    return (
        speaker is not None
        and last.speaker == speaker
        and rt.label is None
        and rt.role is None
        and rt.start is None
        and last.chapter == chapter
    )


def _append_paragraph(last: Turn, rt: RawTurn) -> None:
    shift = len(last.text) + 2
    last.text = f"{last.text}\n\n{rt.text}"
    last.times.extend((at + shift, seconds) for at, seconds in rt.times)


def _participants_by_role(turns: list[Turn]) -> tuple[list[str], list[str]]:
    """Hosts and guests as the turns' roles show them, when nothing names the participants."""
    hosts = sorted({t.speaker for t in turns if t.speaker and t.role == "host"})
    guests = sorted({t.speaker for t in turns if t.speaker and t.role == "guest"})
    return hosts, guests


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

    def __init__(self, names: CatalogNames, full_text: str) -> None:
        self.names = names
        self.hosts = list(names.hosts)
        self.guests = list(names.guests)
        self.full_text = full_text
        self._text_key: str | None = None
        # A first name that stands for one full name the same transcript uses (`Dan:` after
        # `Dan Ott:`), folded first name -> full label.
        self.first_names: dict[str, str] = {}

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
        if key in self.names.participant_keys:
            return self.names.participant_keys[key]
        if key in self.first_names:
            return self.canonical(self.first_names[key])
        canonical = self.names.canonical(label)
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
        # `Senator Black:` then `Senator:`: a title alone is an unnamed member, not Black.
        if len(words) >= 2 and name_key(words[0]).rstrip(".") not in TITLE_WORDS:
            full.setdefault(name_key(words[0]), set()).add(label.strip())
            if label.isupper():
                # Caps labels (news, court) shorten to the surname: `TOM OKAFOR:`, `OKAFOR:`.
                full.setdefault(name_key(words[-1]), set()).add(label.strip())
    return {
        name_key(label): next(iter(full[name_key(label)]))
        for label in set(labels)
        if len(label.split()) == 1 and len(full.get(name_key(label), ())) == 1
    }


def _implied_side(raw: RawTranscript, resolver: SpeakerResolver) -> _ImpliedSide:
    """Who speaks where the source leaves labels out but the text shows the other side talking."""
    if not any(t.implied_role for t in raw.turns):
        return _ImpliedSide(None, "unknown")
    hosts, guests = resolver.hosts, resolver.guests
    labeled = Counter(resolver.canonical(t.label) for t in raw.turns if t.label)
    dominant = labeled.most_common(1)[0][0] if labeled else None
    if dominant in guests and len(hosts) == 1:
        return _ImpliedSide(hosts[0], "host")
    if dominant in hosts and len(guests) == 1:
        return _ImpliedSide(guests[0], "guest")
    named = raw.implied_names.get("host")
    if named:
        return _ImpliedSide(resolver.canonical(named), "host")
    return _ImpliedSide(None, "unknown")


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
