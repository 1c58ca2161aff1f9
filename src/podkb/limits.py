"""Limits podkb holds every input to, so that any file or query costs bounded time and memory.

Each limit is documented in the README ("Limits") with its reason; input beyond one is refused
with one line naming the file (or option) and the limit, never a traceback.
"""

from __future__ import annotations

import json
from typing import Any

from .errors import InputError

# Real transcripts, catalogs and batch files nest fewer than 12 levels (a Deepgram response is
# the deepest seen, at 9). Python's own parsers and any recursive walk fail near 1,000.
MAX_NESTING = 100
# A catalog of 20,000 episodes is about 6 MiB of YAML and loads in about a second; metadata is
# read on every ingest, so a larger file is almost surely a wrong file.
MAX_METADATA_BYTES = 8 * 1024 * 1024
# Words, phrases and operators in one query: a question in words is under 50; each term is a
# separate index lookup.
MAX_QUERY_TERMS = 256
# Characters in one query: the text of a long paragraph.
MAX_QUERY_CHARS = 10_000
# Characters of context turns (--context) in one search's hits: every hit carries its own
# copy of the turns around it, so -n 1000 -C 10000 over one long episode asked for a copy of the
# episode per hit (a MemoryError). 8 million characters is a few thousand pages of text.
MAX_CONTEXT_CHARS = 8_000_000
# A batch file: each entry is one search (about 10 ms each, and its hits held until all ran), so
# 10,000 entries are minutes of work; 2 MiB holds them with long queries. Larger is a wrong file.
MAX_BATCH_BYTES = 2 * 1024 * 1024
MAX_BATCH_ENTRIES = 10_000


def nesting_error(path: str | None, where: str = "") -> InputError:
    return InputError(
        f"{where}nested deeper than {MAX_NESTING} levels (podkb's limit for JSON, YAML and XML)",
        path=path,
    )


def check_nesting(
    data: Any, *, path: str | None, where: str = "", max_values: int | None = None
) -> None:
    """Refuse data nested deeper than MAX_NESTING lists and mappings (walked without recursion),
    or, given `max_values`, holding more values than that (see yaml_value_budget)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    values = 0
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > MAX_NESTING:
            raise nesting_error(path, where)
        values += len(children)
        if max_values is not None and values > max_values:
            raise InputError(
                f"{where}holds more than {max_values:,} values, more than its size can write out: "
                "YAML aliases (*name) repeat a part many times; write the values out instead",
                path=path,
            )
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))


def yaml_value_budget(text: str) -> int:
    """The most values a YAML text can hold without aliases multiplying them: each value costs
    at least two characters written out (one and a separator). Twice that, and a little, leaves
    room for the aliases people use (`hosts: *regulars`), not for an alias bomb, whose expansion
    makes every later loop (validation, the name index) pay for each copy."""
    return len(text) + 10_000


def json_loads(text: str, *, path: str | None, where: str = "") -> Any:
    """json.loads with the nesting limit. JSONDecodeError is left to the caller, which knows how
    to name the line."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise nesting_error(path, where) from None
    check_nesting(data, path=path, where=where)
    return data
