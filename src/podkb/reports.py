"""What ingest says about the files it read, as typed records: the ingest summary (per file,
and the store after) and the explanation of one file (each source line's class and turn).

The CLI writes these in every format (writers.py); their records are the JSON contract of
`podkb ingest --format json|jsonl|csv` and of `ingest --explain`. Nothing here prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .ingest.pipeline import FileResult, IngestReport
    from .ingest.sidecar import EpisodeInfo
    from .store import KnowledgeStore

# A CSV row per file: the report's flat fields (`lines` is in json and jsonl).
INGEST_CSV_FIELDS = [
    "path",
    "status",
    "episode_id",
    "episode_ids",
    "turns",
    "words_kept",
    "words_source",
    "warning",
    "error",
]


@dataclass(frozen=True)
class IngestSummary:
    """One ingest run: what happened to each file, and the store's counts after it."""

    report: IngestReport
    location: str  # the store, as it names itself (a URL without its password)
    counts: dict[str, int]  # episodes, turns, speakers, ... (store.counts())

    @property
    def turns(self) -> int:
        """Turns read into the store by this run (unchanged files add none)."""
        return sum(f.turns for f in self.report.ingested)

    def file_records(self) -> list[dict[str, object]]:
        return [f.record() for f in self.report.files]

    def record(self) -> dict[str, Any]:
        """The whole run as one JSON document (--format json)."""
        report = self.report
        return {
            "files": len(report.files),
            "ingested": len(report.ingested),
            "unchanged": len(report.unchanged),
            "failed": len(report.failed),
            "turns": self.turns,
            "episodes": [e for f in report.ok for e in f.every_episode_id],
            "store": {"path": self.location, **self.counts},
            "results": self.file_records(),
        }

    def problems(self) -> list[str]:
        """A line per file that failed or was kept with a warning (for stderr, in any format)."""
        lines = []
        for result in self.report.files:
            if result.error:
                lines.append(result.error)
            elif result.warning:
                lines.append(f"warning: {result.warning}")
        return lines

    def details(self) -> list[str]:
        """A line per file read (and the time unit it was read in): what -v adds."""
        lines = []
        for done in self.report.ok:
            lines.append(f"{done.path}: {done.episode_id}, {done.turns} turns")
            if done.time_unit:
                lines.append(f"{done.path}: times read as {done.time_unit}")
        return lines

    def summary_line(self) -> str:
        report, counts = self.report, self.counts
        unchanged = f", {len(report.unchanged)} unchanged" if report.unchanged else ""
        return (
            f"Ingested {len(report.ingested)} of {len(report.files)} file(s){unchanged}: "
            f"{self.turns} turns. Knowledge base {self.location}: {counts['episodes']} "
            f"episodes, {counts['turns']} turns, {counts['speakers']} speakers."
        )


def summarize_ingest(report: IngestReport, store: KnowledgeStore) -> IngestSummary:
    return IngestSummary(report=report, location=store.location, counts=store.counts())


def dropped_lines(result: FileResult) -> str:
    """The source lines a file kept out of its turns, by class ("3 metadata, 8 chrome")."""
    counts = (result.lines or {}).items()
    return ", ".join(f"{n} {cls}" for cls, n in counts if n and cls not in ("text",)) or "none"


# --- ingest --explain -------------------------------------------------------------------------

EXPLAIN_FIELDS = ["line", "class", "turn", "speaker", "text"]


@dataclass(frozen=True)
class ExplainedLine:
    """One source line: its class, and the stored turn it went into (None: in no turn)."""

    line: int
    cls: str
    turn: int | None
    speaker: str | None  # the turn's speaker, else its label
    text: str

    def record(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "class": self.cls,
            "turn": self.turn,
            "speaker": self.speaker,
            "text": self.text,
        }


@dataclass(frozen=True)
class Explanation:
    """What each line of one file is read as, and what the file as a whole comes to."""

    path: Path
    format: str
    turns: int
    lines: list[ExplainedLine]
    line_counts: dict[str, int]
    words_kept: int
    words_source: int
    time_unit: str | None
    loss: str | None  # why ingest would refuse the file; None: it would not

    def records(self) -> list[dict[str, Any]]:
        return [line.record() for line in self.lines]

    def summary(self) -> str:
        counts = ", ".join(f"{n} {cls}" for cls, n in self.line_counts.items() if n)
        return (
            f"{self.path}: {self.format}, {self.turns} turns; lines: {counts}; "
            f"words kept {self.words_kept} of {self.words_source}"
        )


def explain(
    data: bytes,
    *,
    path: Path,
    encoding: str | None = None,
    overrides: EpisodeInfo | None = None,
    siblings: frozenset[str] | None = None,
) -> Explanation:
    """Read a transcript's bytes as ingest would, keeping every line's use; nothing is stored.
    A file that would lose text is explained all the same (`loss` says why)."""
    from .ingest.pipeline import read_parsed

    parsed = read_parsed(
        data, path=path, encoding=encoding, overrides=overrides, explain=True, siblings=siblings
    )
    lines = []
    for use in parsed.accounting.lines:
        number = parsed.turn_number(use.turn)
        turn = parsed.turns[number] if number is not None else None
        speaker = (turn.speaker or turn.speaker_label) if turn else None
        lines.append(ExplainedLine(use.line, use.cls, number, speaker, use.text))
    acc = parsed.accounting
    return Explanation(
        path=path,
        format=parsed.format,
        turns=len(parsed.turns),
        lines=lines,
        line_counts=acc.counts(),
        words_kept=acc.words_kept,
        words_source=acc.words_source,
        time_unit=parsed.time_unit,
        loss=parsed.loss,
    )
