"""Resolving a speaker name typed by a person to the speakers in the knowledge base."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import UsageError
from .store import KnowledgeStore

if TYPE_CHECKING:
    from .request import Resolved
    from .summaries import SpeakerSummary

# token_sort_ratio on folded names: "Lewis Tunstal" -> "Lewis Tunstall" (96), never "Lewis" -> "Louis
# Armstrong". Below this a name is not resolved, only suggested.
RESOLVE_CUTOFF = 88.0
SUGGEST_CUTOFF = 60.0


def speaker_aliases(store: KnowledgeStore) -> dict[str, str]:
    """Folded alias -> canonical name, for every speaker in the store (names, labels, register)."""
    return _with_register_aliases(_stored_aliases(store))


def _stored_aliases(store: KnowledgeStore) -> dict[str, str]:
    """Folded names and labels as the store holds them -> canonical name."""
    from .text import name_key

    table = {name_key(name): name for name in store.speaker_names()}
    for speaker, label in store.speaker_label_pairs():
        if label:
            table.setdefault(name_key(label), speaker)
    return table


def speaker_named(store: KnowledgeStore, text: str) -> str | None:
    """The speaker whose full name (or label as written) the text is, if any: no fuzzy match,
    no first names (`podkb search "Lewis Tunstall"` is then told about --speaker)."""
    from .text import name_key

    key = name_key(text.strip().strip('"'))
    return _stored_aliases(store).get(key) if " " in key.strip() else None


def _with_register_aliases(stored: dict[str, str]) -> dict[str, str]:
    """`stored` plus the speakers.yaml aliases of the speakers it names."""
    from .catalog import load_metadata
    from .text import name_key

    table = dict(stored)
    in_store = set(stored.values())
    for entry in load_metadata().speakers:
        if entry.name in in_store:
            for alias in entry.aliases:
                table.setdefault(name_key(alias), entry.name)
    return table


def resolve_speaker(store: KnowledgeStore, query: str) -> str:
    """The one canonical speaker a name means, or UsageError listing the closest speakers."""
    return match_speaker(store, query)[0]


def match_speaker(store: KnowledgeStore, query: str) -> tuple[str, bool]:
    """The one canonical speaker a name means, and whether only a close spelling matched it
    (a typo the caller should tell the person about); UsageError listing the closest speakers.

    Exact (folded) names and aliases win; then a fuzzy match that is clearly better than the
    next one. An ambiguous name (two speakers called "Chris") is never widened to both.
    """
    from .text import name_key

    key = name_key(query)
    # Names and labels in the store answer most lookups without reading the register (YAML).
    stored = _stored_aliases(store)
    if key in stored:
        return stored[key], False
    aliases = _with_register_aliases(stored)
    if key in aliases:
        return aliases[key], False
    from rapidfuzz import fuzz, process
    from rapidfuzz.utils import default_process

    # A first or last name that belongs to exactly one speaker.
    partial = {name for alias, name in aliases.items() if key and key in alias.split()}
    if len(partial) == 1:
        return partial.pop(), False
    choices = list(aliases)
    scored = process.extract(
        key, choices, scorer=fuzz.token_sort_ratio, processor=default_process, limit=5
    )
    best_by_name: dict[str, float] = {}
    for alias, score, _ in scored:
        name = aliases[alias]
        best_by_name[name] = max(best_by_name.get(name, 0.0), score)
    ranked = sorted(best_by_name.items(), key=lambda kv: -kv[1])
    if (
        ranked
        and ranked[0][1] >= RESOLVE_CUTOFF
        and (len(ranked) == 1 or ranked[0][1] - ranked[1][1] >= 5)
    ):
        return ranked[0][0], True
    raise UsageError(_unknown_speaker_message(query, partial, store, aliases))


def _unknown_speaker_message(
    query: str, ambiguous: set[str], store: KnowledgeStore, aliases: dict[str, str]
) -> str:
    if len(ambiguous) > 1:
        return (
            f"speaker {query!r} is ambiguous: "
            + ", ".join(sorted(ambiguous))
            + "; give the full name"
        )
    suggestions = suggest_speakers(store, query, aliases=aliases)
    if suggestions:
        return (
            f"no speaker {query!r}; did you mean " + " or ".join(repr(s) for s in suggestions) + "?"
        )
    return f"no speaker {query!r}; run `podkb speakers` to list them"


def suggest_speakers(
    store: KnowledgeStore, query: str, *, aliases: dict[str, str] | None = None, limit: int = 3
) -> list[str]:
    from rapidfuzz import fuzz, process
    from rapidfuzz.utils import default_process

    from .text import name_key

    aliases = aliases if aliases is not None else speaker_aliases(store)
    out: list[str] = []
    for alias, _score, _ in process.extract(
        name_key(query),
        list(aliases),
        scorer=fuzz.WRatio,
        processor=default_process,
        limit=10,
        score_cutoff=SUGGEST_CUTOFF,
    ):
        name = aliases[alias]
        if name not in out:
            out.append(name)
    return out[:limit]


def matched_note(typed: str, speaker: str) -> str:
    """What a person is told when only a close spelling of a name matched a speaker."""
    return f"(matched {typed!r} to {speaker!r})"


def featuring_filter(store: KnowledgeStore, query: str) -> Resolved:
    """--featuring: the episodes in which the speaker a name means has a turn (resolved as
    --speaker is; request.NameCondition)."""
    from .request import Resolved

    speaker, close = match_speaker(store, query)
    note = matched_note(query, speaker) if close else None
    return Resolved(episode_ids=tuple(store.speaker_episode_ids(speaker)), note=note)


def speaker_summary(store: KnowledgeStore) -> list[SpeakerSummary]:
    """Every named speaker: aliases, roles, episodes, turn and word counts (most turns first)."""
    from .catalog import load_metadata
    from .summaries import SpeakerSummary

    register = {e.name: e.aliases for e in load_metadata().speakers}
    labels: dict[str, set[str]] = {}
    for speaker, label in store.speaker_label_pairs():
        if label and label != speaker:
            labels.setdefault(speaker, set()).add(label)
    rows = []
    for facet in store.speaker_facets():
        if facet.name is None:
            aliases: list[str] = []
            roles = ["unknown"]
        else:
            aliases = sorted(set(register.get(facet.name, [])) | labels.get(facet.name, set()))
            roles = facet.roles
        rows.append(
            SpeakerSummary(
                name=facet.name,
                aliases=aliases,
                roles=roles,
                episodes=len(facet.episode_ids),
                episode_ids=facet.episode_ids,
                turns=facet.turns,
                words=facet.words,
            )
        )
    return rows


# A speaker's name is a few words: the longest run tried as a name before the query starts.
MAX_NAME_WORDS = 6


def _longest_stored_name(store: KnowledgeStore, words: list[str]) -> tuple[str, list[str]] | None:
    """The longest run of leading words that is a name or label in the store, as written.

    Tried before any close spelling: `Lewis Tunstall AI` is within the fuzzy cutoff of
    `Lewis Tunstall`, and would otherwise swallow the query word. It also spares the common
    case the register (YAML) and rapidfuzz imports.
    """
    from .text import name_key

    stored = _stored_aliases(store)
    for n in range(min(len(words), MAX_NAME_WORDS), 0, -1):
        name = stored.get(name_key(" ".join(words[:n])))
        if name is not None:
            return name, words[n:]
    return None


def split_speaker(store: KnowledgeStore, words: list[str]) -> tuple[str, list[str]]:
    """The speaker named by the longest run of leading words, and the words after it (the
    query): `Jeremy Howard hiring` is Jeremy Howard and `hiring`. When no run names a
    speaker, the error is the one for the first word (with its suggestions)."""
    if not words:
        raise UsageError("name a speaker: podkb quotes SPEAKER [QUERY]...")
    exact = _longest_stored_name(store, words)
    if exact is not None:
        return exact
    for n in range(min(len(words), MAX_NAME_WORDS), 1, -1):
        try:
            return resolve_speaker(store, " ".join(words[:n])), words[n:]
        except UsageError:
            continue
    return resolve_speaker(store, words[0]), words[1:]
