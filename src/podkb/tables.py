"""Tables for people that stay readable at any terminal width.

Ids and names are what a person types next, so they are never broken: an id column is as wide
as its longest id, and a text column at least as wide as its longest word (up to WORD_CAP).
Numbers are right-aligned. When the columns cannot all fit, the least needed ones are left out
(each column says how readily, `drop`), so a 60-column terminal gets fewer columns of folded
text instead of every column in fragments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from . import output

if TYPE_CHECKING:
    from rich.table import Table

# A text column is at least as wide as its longest word, up to this (a URL may still fold).
WORD_CAP = 24
# What a column costs beside its text: a space either side and the (blank) rule between columns.
_PER_COLUMN = 3


@dataclass(frozen=True)
class Col:
    header: str
    kind: Literal["id", "text", "number"] = "text"
    # 0: always shown; otherwise columns with the highest value are dropped first when narrow.
    drop: int = 0
    style: str | None = None


def build(
    columns: Sequence[Col],
    rows: Sequence[Sequence[str]],
    *,
    width: int,
    title: str | None = None,
) -> Table:
    """A rich Table of the columns that fit in width, cells as literal text (never markup)."""
    from rich import box
    from rich.table import Table

    needs = [_min_width(col, i, rows) for i, col in enumerate(columns)]
    keep = _fit(columns, needs, width)
    table = Table(
        title=title, box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False, show_edge=False
    )
    for i in keep:
        col = columns[i]
        table.add_column(
            col.header,
            justify="right" if col.kind == "number" else "left",
            no_wrap=col.kind != "text",
            overflow="fold",
            min_width=needs[i],
        )
    for row in rows:
        table.add_row(*(output.text(row[i], columns[i].style) for i in keep))
    return table


def _min_width(col: Col, index: int, rows: Sequence[Sequence[str]]) -> int:
    from rich.cells import cell_len  # terminal cells: a CJK character takes two

    cells = [row[index] for row in rows]
    if col.kind == "text":
        longest_word = max((cell_len(w) for c in cells for w in c.split()), default=0)
        return max(min(longest_word, WORD_CAP), min(len(col.header), WORD_CAP))
    return max([len(col.header), *(cell_len(c) for c in cells)])


def _fit(columns: Sequence[Col], needs: list[int], width: int) -> list[int]:
    keep = list(range(len(columns)))
    droppable = sorted((i for i, c in enumerate(columns) if c.drop), key=lambda i: -columns[i].drop)
    while droppable and sum(needs[i] + _PER_COLUMN for i in keep) > width:
        keep.remove(droppable.pop(0))
    return keep
