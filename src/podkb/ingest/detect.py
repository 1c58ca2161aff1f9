"""Format detection from content (never from the file name): the registered readers are
offered the text in order (`readers.text_readers`), and the first whose `sniff` accepts it
reads it.
"""

from __future__ import annotations

from ..errors import InputError
from .context import ReadContext
from .raw import RawTranscript
from .readers import text_readers


def read_transcript(
    text: str,
    *,
    known_names: frozenset[str] = frozenset(),
    path: str = "",
    chapter_starts: tuple[float, ...] = (),
) -> RawTranscript:
    ctx = ReadContext(path=path, known_names=known_names, chapter_starts=chapter_starts)
    for reader in text_readers():
        if reader.sniff(text):
            if reader.name in _READ_WHOLE:
                _refuse_unclaimed(text, ctx)
            raw = reader.read(text, ctx)
            if reader.name == _LAST_RESORT and _guess_loses_text(raw, text):
                raw = paragraphs_reader(text, ctx)
            return _tabs_as_spaces(raw)
    raise AssertionError("the text reader accepts any text")  # pragma: no cover


# The reader that takes any text guesses at its shape (labels, page chrome, where the body
# starts). When its guess would lose text, the whole body is read as paragraphs instead.
_LAST_RESORT = "text"


# Readers that take whatever no other reader recognised (markup as paragraphs, any text).
_READ_WHOLE = frozenset({"paragraphs", "text"})


def _refuse_unclaimed(text: str, ctx: ReadContext) -> None:
    """A timed or structured format no reader claims is refused, never read as plain text."""
    from .readers.unclaimed import refusal, unclaimed_format

    kind = unclaimed_format(text)
    if kind is not None:
        raise InputError(refusal(kind), path=ctx.path)


# A file with no turns and fewer words than a sentence is refused as "no transcript turns",
# not read as a one-paragraph transcript (control characters, a stray heading).
_MIN_WORDS_TO_READ = 8


def _guess_loses_text(raw: RawTranscript, text: str) -> bool:
    from .account import account

    accounting = raw.accounting = account(raw, text)
    if not raw.turns:
        return accounting.words_source >= _MIN_WORDS_TO_READ
    return accounting.loss() is not None


def paragraphs_reader(text: str, ctx: ReadContext) -> RawTranscript:
    from .readers.paragraphs import read

    return read(text, ctx)


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
