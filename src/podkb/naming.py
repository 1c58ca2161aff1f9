"""Anonymous speakers: `SPEAKER_00`, `A`, `Speaker 1` stay labels until a person says who.

A diarization id stays the turn's speaker until a user names it (podkb never guesses): a
sidecar or catalog entry names labels with `speakers: {SPEAKER_00: Name}`, and
`podkb speakers name` (`name_speakers`) names them in the store. Names given with the command
are kept per source file and given again whenever the file is ingested again; they win over a
sidecar's or catalog's name for the same label, because the command is the user's latest word.
`suggest_names` lists candidates with the line that shows them, and applies nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .catalog import Metadata, load_metadata, name_key
from .errors import UsageError
from .ingest.resolve import as_role
from .ingest.shared.labels import is_role_label
from .models import Episode, Turn
from .store import KnowledgeStore
from .text import is_visible

# --- naming ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NamedLabel:
    label: str
    name: str
    role: str
    turns: int


def parse_assignments(items: Sequence[str]) -> dict[str, str]:
    """`LABEL=Name` arguments as {label: name}; a malformed one is a usage error, and so is one
    label (in any case) given two different names: which one was meant cannot be guessed."""
    out: dict[str, str] = {}
    given: dict[str, tuple[str, str]] = {}  # name_key(label) -> (label as written, name)
    for item in items:
        label, sep, name = item.partition("=")
        if not sep or not label.strip() or not is_visible(name):
            raise UsageError(f'{item!r}: give LABEL=Name, e.g. "SPEAKER_00=Lex Fridman"')
        label, name = label.strip(), " ".join(name.split())
        earlier = given.get(name_key(label))
        if earlier is not None and name_key(earlier[1]) != name_key(name):
            raise UsageError(
                f"label {earlier[0]!r} is given two names ({earlier[1]!r} and {name!r}): "
                "name each label once"
            )
        given[name_key(label)] = (label, name)
        out[label] = name
    return out


def source_key(store: KnowledgeStore, episode: Episode) -> str:
    """What remembered names are kept under: the file's real path, else the source's name."""
    return store.episode_source(episode.episode_id).source_path or episode.source


def name_speakers(
    store: KnowledgeStore,
    episode_id: str,
    assignments: dict[str, str],
    *,
    role: str | None = None,
    metadata: Metadata | None = None,
) -> list[NamedLabel]:
    """Name the speakers behind labels of one episode: its turns, its search index and the
    names remembered for its source change in one transaction. Names resolve through the
    speaker register; the role is `role`, else the episode's hosts and guests say it."""
    if role is not None and role not in ("host", "guest"):
        raise UsageError(f"unknown role {role!r}; choose host or guest")
    episode = store.episode(episode_id)
    if episode is None:
        raise UsageError(f"no episode {episode_id!r}")
    turns = store.turns(episode_id=episode_id)
    labels = {name_key(t.speaker_label): t.speaker_label for t in turns if t.speaker_label}
    for label in assignments:
        if name_key(label) not in labels:
            shown = ", ".join(sorted(set(labels.values()))) or "none"
            raise UsageError(f"{episode_id} has no speaker label {label!r} (its labels: {shown})")
    metadata = metadata or load_metadata()
    names: dict[str, tuple[str, str]] = {}
    for label, name in assignments.items():
        canonical = metadata.canonical(name) or name
        names[labels[name_key(label)]] = (canonical, _role_of(canonical, role, episode))
    source = store.episode_source(episode_id)
    episode = apply_names(episode, turns, names)
    with store.transaction():
        store.remember_speaker_names(source.source_path or episode.source, names)
        store.put_episode(
            episode,
            turns,
            source_path=source.source_path,
            source_sha256=source.source_sha256,
            fmt=source.format,
        )
        store.refresh_summaries()
    return [
        NamedLabel(label, name, r, sum(1 for t in turns if t.speaker_label == label))
        for label, (name, r) in names.items()
    ]


def _role_of(name: str, given: str | None, episode: Episode) -> str:
    if given is not None:
        return given
    if name in episode.hosts:
        return "host"
    if name in episode.guests:
        return "guest"
    return "unknown"


def apply_names(
    episode: Episode, turns: list[Turn], names: Mapping[str, tuple[str, str]]
) -> Episode:
    """Give the turns of each named label that name and role (in place); the episode, with a
    named host or guest added to its hosts or guests."""
    if not names:
        return episode
    by_key = {name_key(label): value for label, value in names.items()}
    for t in turns:
        if t.speaker_label and name_key(t.speaker_label) in by_key:
            name, role = by_key[name_key(t.speaker_label)]
            t.speaker, t.role = name, as_role(role)
    hosts, guests = list(episode.hosts), list(episode.guests)
    for name, role in names.values():
        if role == "host" and name not in hosts:
            hosts.append(name)
        if role == "guest" and name not in guests:
            guests.append(name)
    return episode.model_copy(update={"hosts": hosts, "guests": guests})


# --- suggestions -------------------------------------------------------------------------------

_NAME = r"(?P<name>[A-Z][\w'’\-]+(?: [A-Z][\w'’\-]+){0,2})"
_SELF_INTRO_RES = [
    re.compile(rf"\b(?i:my name is) {_NAME}"),
    re.compile(rf"\b(?:I'm|I’m|I am) {_NAME}"),
    re.compile(rf"\b(?i:this is) {_NAME}"),
    re.compile(r"我是(?P<name>[\u4e00-\u9fff]{2,4})"),
]
_WITH_RES = [
    re.compile(rf"\b(?i:here with|joined by|joining me (?:today )?is|welcome,?) {_NAME}"),
]
# Words a self-introduction regex would take for a name: "I'm Glad", "This Is".
_NOT_NAMES = {
    "glad",
    "so",
    "really",
    "very",
    "not",
    "just",
    "going",
    "here",
    "the",
    "a",
    "an",
    "sure",
    "sorry",
    "happy",
    "excited",
    "thrilled",
    "great",
    "good",
    "fine",
    "actually",
    "also",
    "curious",
}


@dataclass(frozen=True)
class Suggestion:
    label: str
    name: str
    evidence: str  # why: the words that say it, or where the catalog lists the name
    line: int | None  # the source line of the evidence, when it is in the transcript


# Labels that stand for a voice, not a person: a diarizer's letters and numbers (`A`, `S1`, `2`),
# besides the role words is_role_label knows (`SPEAKER_00`, `Speaker 2`, `Host`, `主持人`).
_VOICE_LABEL_RE = re.compile(r"[A-Z]{1,2}\d{0,2}|\d{1,3}|[甲乙丙丁]")


def _unnamed_labels(turns: Sequence[Turn]) -> set[str]:
    """The labels still waiting for a person's name: kept as the speaker, and written as a voice
    or role (`Omar Sanseviero` as a label is already a name, whatever the turns say)."""
    return {
        t.speaker_label
        for t in turns
        if t.speaker_label
        and t.speaker == t.speaker_label
        and (is_role_label(t.speaker_label) or _VOICE_LABEL_RE.fullmatch(t.speaker_label))
    }


def nothing_suggested(store: KnowledgeStore, episode_id: str) -> str:
    """Why suggest_names found nothing for the episode: what it looked for, and where."""
    episode = store.episode(episode_id)
    turns = store.turns(episode_id=episode_id)
    unnamed = sorted(_unnamed_labels(turns))
    if not unnamed:
        return (
            f"{episode_id} has no unnamed speaker labels (SPEAKER_00, A, Speaker 1, ...): "
            "nothing to suggest"
        )
    listed = ", ".join([*(episode.hosts if episode else []), *(episode.guests if episode else [])])
    return (
        f"no names found for {', '.join(unnamed)} of {episode_id}: looked in their turns for "
        '"I\'m X", "my name is X", "this is X" and "here with Y", and among the episode\'s '
        f"hosts and guests ({listed or 'none listed'}); name them with "
        f'`podkb speakers name {episode_id} "{unnamed[0]}=Name"`'
    )


def suggest_names(
    store: KnowledgeStore, episode_id: str, *, metadata: Metadata | None = None
) -> list[Suggestion]:
    """Candidate names for the episode's labels, each with its evidence; nothing is applied.

    A label whose turn says "I'm X" / "my name is X" / "this is X" may be X; the label of the
    turn after "I'm here with Y" / "joined by Y" may be Y; the episode's hosts and guests (from
    the catalog or sidecar) are candidates for every label still without one.
    """
    episode = store.episode(episode_id)
    if episode is None:
        raise UsageError(f"no episode {episode_id!r}")
    turns = store.turns(episode_id=episode_id)
    unnamed = _unnamed_labels(turns)
    found: list[Suggestion] = []
    seen: set[tuple[str, str]] = set()

    def add(label: str, name: str, evidence: str, line: int | None) -> None:
        if name.split()[0].casefold() in _NOT_NAMES or (label, name) in seen:
            return
        seen.add((label, name))
        found.append(Suggestion(label=label, name=name, evidence=evidence, line=line))

    for i, t in enumerate(turns):
        if t.speaker_label not in unnamed:
            continue
        for pattern in _SELF_INTRO_RES:
            for m in pattern.finditer(t.text):
                add(t.speaker_label, m.group("name"), _around(t.text, m), t.line)
        nxt = turns[i + 1] if i + 1 < len(turns) else None
        if (
            nxt is not None
            and nxt.speaker_label in unnamed
            and nxt.speaker_label != t.speaker_label
        ):
            for pattern in _WITH_RES:
                for m in pattern.finditer(t.text):
                    add(nxt.speaker_label, m.group("name"), _around(t.text, m), t.line)
    metadata = metadata or load_metadata()
    for role, names in (("host", episode.hosts), ("guest", episode.guests)):
        for name in names:
            for label in sorted(unnamed):
                add(
                    label,
                    metadata.canonical(name) or name,
                    f"listed as {role} of {episode_id}",
                    None,
                )
    return found


def _around(text: str, m: re.Match[str], width: int = 40) -> str:
    start, end = max(0, m.start() - width), min(len(text), m.end() + width)
    return (
        ("…" if start else "")
        + text[start:end].replace("\n", " ")
        + ("…" if end < len(text) else "")
    )


def unlabelled_appearances(
    store: KnowledgeStore, name: str, *, metadata: Metadata | None = None
) -> list[tuple[str, str]]:
    """Episodes that list `name` as host or guest but hold no turn of theirs (the transcript
    names no speakers, or not this one): (episode id, role) pairs."""
    metadata = metadata or load_metadata()
    wanted = {name_key(name), name_key(metadata.canonical(name) or name)}
    found = []
    for episode in store.episodes():
        for role, people in (("host", episode.hosts), ("guest", episode.guests)):
            person = next((p for p in people if name_key(p) in wanted), None)
            if person is None:
                continue
            spoken = {t.speaker for t in store.turns(episode_id=episode.episode_id)}
            if person not in spoken:
                found.append((episode.episode_id, role))
    return found


def unlabelled_speaker_hints(store: KnowledgeStore, words: list[str]) -> list[str]:
    """The name is the longest run of leading words (up to four) that some episode lists as a
    person its transcript has no labels for: for each such episode, where to look instead."""
    for n in range(min(len(words), 4), 0, -1):
        hints = _hints_for(store, " ".join(words[:n]))
        if hints:
            return hints
    return []


def _hints_for(store: KnowledgeStore, name: str) -> list[str]:
    """How to name the labels of each episode that lists `name` without a turn of theirs, or
    how to find what they said there."""
    hints = []
    for episode_id, role in unlabelled_appearances(store, name):
        labels = sorted(
            {t.speaker_label for t in store.turns(episode_id=episode_id) if t.speaker_label}
        )
        if labels:
            how = (
                f'name them with `podkb speakers name {episode_id} "{labels[0]}={name}"` '
                f"(its labels: {', '.join(labels[:5])}; `podkb speakers suggest {episode_id}` "
                "lists candidates)"
            )
        else:
            how = (
                "its turns have no speaker labels to name (`podkb speakers name` names "
                f"labels); find what they said with `podkb search --episode {episode_id}`"
            )
        hints.append(
            f"{name} is listed as a {role} of {episode_id}, whose transcript has no "
            f"speaker labels for them; {how}"
        )
    return hints
