"""Choosing the reader from the content (never from the file name), reading with it, and
accounting for every line once.

The registered readers (`readers.text_readers`) are offered the text in order and the first
whose `sniff` accepts it is chosen (`choose`). `read` reads with the choice and accounts for the
lines (`account.py`) once; only the last resort, which guesses at a text's shape, has a second
reader to fall back on when its guess would lose text.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InputError
from .account import Accounting, account
from .context import ReadContext
from .raw import RawTranscript
from .readers import TextReader, paragraphs_reader, text_readers


@dataclass(frozen=True)
class Choice:
    """The reader chosen for a text, and why."""

    reader: TextReader
    # The readers ahead of it in detection order: none of them recognised the text.
    passed_over: tuple[str, ...]
    # What to read with instead when this reader's guess would lose text (the last resort).
    fallback: TextReader | None = None
    # Set when the fallback was taken: the reader whose guess lost text, and the loss.
    instead_of: str | None = None
    because: str | None = None

    @property
    def reasons(self) -> tuple[str, ...]:
        """The choice in words, for a person reading a report or a test."""
        reasons = []
        if self.passed_over:
            reasons.append(f"not {', '.join(self.passed_over)}: their sniff declined the text")
        if self.instead_of is None:
            reasons.append(f"{self.reader.name}: its sniff accepted the text")
        else:
            reasons.append(f"{self.instead_of}: its sniff accepted the text, but {self.because}")
            reasons.append(f"{self.reader.name}: read instead, keeping the text")
        return tuple(reasons)


@dataclass(frozen=True)
class Reading:
    """A text read by the chosen reader, and what each of its lines was used for."""

    raw: RawTranscript
    accounting: Accounting
    choice: Choice


def choose(text: str, *, path: str = "") -> Choice:
    """The first registered reader that recognises the text. A timed or structured format that
    no reader claims is refused (InputError), never left to the readers that take any text."""
    passed: list[str] = []
    for reader in text_readers():
        if reader.sniff(text):
            if reader.name in _READ_WHOLE:
                _refuse_unclaimed(text, path)
            fallback = paragraphs_reader() if reader.name == _LAST_RESORT else None
            return Choice(reader=reader, passed_over=tuple(passed), fallback=fallback)
        passed.append(reader.name)
    raise AssertionError("the text reader accepts any text")  # pragma: no cover


def read(text: str, ctx: ReadContext) -> Reading:
    """The text read by the reader `choose` picks, every non-blank line accounted for."""
    choice = choose(text, path=ctx.path)
    raw = _tabs_as_spaces(choice.reader.read(text, ctx))
    accounting = account(raw, text)
    if choice.fallback is not None:
        lost = _guess_loses_text(raw, accounting)
        if lost is not None:
            choice = Choice(
                reader=choice.fallback,
                passed_over=choice.passed_over,
                instead_of=choice.reader.name,
                because=lost,
            )
            raw = _tabs_as_spaces(choice.reader.read(text, ctx))
            accounting = account(raw, text)
    return Reading(raw=raw, accounting=accounting, choice=choice)


def read_transcript(
    text: str,
    *,
    known_names: frozenset[str] = frozenset(),
    path: str = "",
    chapter_starts: tuple[float, ...] = (),
) -> RawTranscript:
    """What the source shows, as the chosen reader reads it (see `read` for its accounting)."""
    ctx = ReadContext(path=path, known_names=known_names, chapter_starts=chapter_starts)
    return read(text, ctx).raw


# The reader that takes any text guesses at its shape (labels, page chrome, where the body
# starts). When its guess would lose text, the whole body is read as paragraphs instead.
_LAST_RESORT = "text"


# Readers that take whatever no other reader recognised (markup as paragraphs, any text).
_READ_WHOLE = frozenset({"paragraphs", "text"})


def _refuse_unclaimed(text: str, path: str) -> None:
    from .readers.unclaimed import refusal, unclaimed_format

    kind = unclaimed_format(text)
    if kind is not None:
        raise InputError(refusal(kind), path=path)


# A file with no turns and fewer words than a sentence is refused as "no transcript turns",
# not read as a one-paragraph transcript (control characters, a stray heading).
_MIN_WORDS_TO_READ = 8


def _guess_loses_text(raw: RawTranscript, accounting: Accounting) -> str | None:
    """Why the last resort's guess would lose text, or None when it keeps it."""
    if not raw.turns:
        if accounting.words_source >= _MIN_WORDS_TO_READ:
            return f"it found no turns in {accounting.words_source} words"
        return None
    return accounting.loss()


def _tabs_as_spaces(raw: RawTranscript) -> RawTranscript:
    """Decoding keeps tabs, for the readers of tab-separated lists; in what was said, a label or
    a title a tab is a space."""
    for turn in raw.turns:
        turn.text = turn.text.replace("\t", " ")
        if turn.label is not None:
            turn.label = turn.label.replace("\t", " ")
    for chapter in raw.chapters:
        chapter.title = chapter.title.replace("\t", " ")
    if raw.title is not None:
        raw.title = raw.title.replace("\t", " ")
    if raw.description is not None:
        raw.description = raw.description.replace("\t", " ")
    return raw
