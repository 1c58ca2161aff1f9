"""Query parsing: what a person types, as a query tree. Pure: no store, no I/O, no engine syntax.

Supported: words (all must match), "exact phrases", OR between terms, -exclusions, prefix*.
A single English word also matches its other forms (evaluation finds evaluated: `Term.stemmed`,
which the backend matches against its stems of the text, ranking the form as written higher);
a "quoted" word or phrase is exact.
Any input parses: `AND`, a lone `"`, `-x` or `NEAR(` are words or operators here, never
syntax for the engine (each backend compiles the tree to its own safe form, e.g.
`store.sqlite.fts_term`). Words are folded exactly as the index folds them (case, width,
accents, Traditional/Simplified Chinese); CJK runs stay whole, for the backend to index as
bigrams.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from .text import is_cjk, stem, tokens

_LEX_RE = re.compile(r'(-?)"([^"]*)"?|(\S+)')


class Term(NamedTuple):
    """One thing to match: a word, a phrase of words, or a CJK run."""

    words: tuple[str, ...]  # folded tokens; CJK runs kept whole
    prefix: bool = False
    raw: str = ""
    exact: bool = False  # written in quotes: no other word forms

    @property
    def stemmed(self) -> str | None:
        """The stem this term also matches: a single unquoted spaced-script word, not a prefix."""
        if self.exact or self.prefix or len(self.words) != 1 or is_cjk(self.words[0]):
            return None
        return stem(self.words[0])

    def joined_form(self) -> str | None:
        """The words joined, where a hyphen joined them: "pre-training" also finds "pretraining"."""
        if len(self.words) > 1 and "-" in self.raw and all(not is_cjk(w) for w in self.words):
            return "".join(self.words)
        return None


@dataclass
class Clause:
    """Terms joined by OR; a query matches when every positive clause matches."""

    terms: list[Term] = field(default_factory=list)
    negate: bool = False


@dataclass
class Query:
    clauses: list[Clause] = field(default_factory=list)
    text: str = ""

    @property
    def positive(self) -> list[Clause]:
        return [c for c in self.clauses if not c.negate]

    @property
    def negative(self) -> list[Clause]:
        return [c for c in self.clauses if c.negate]

    @property
    def is_empty(self) -> bool:
        return not self.clauses

    def terms(self) -> list[Term]:
        return [t for c in self.positive for t in c.terms]


def parse_query(text: str) -> Query:
    query = Query(text=text)
    pending_or = False
    for m in _LEX_RE.finditer(text or ""):
        neg, quoted, bare = m.group(1), m.group(2), m.group(3)
        if bare is not None:
            if bare in ("OR", "|") and query.clauses and not query.clauses[-1].negate:
                pending_or = True
                continue
            if bare in ("AND", "&&", "+"):
                continue
            neg = "-" if bare.startswith("-") and len(bare) > 1 else ""
            word = bare[1:] if neg else bare
            if bare == "NOT":
                continue
            prefix = word.endswith("*")
            term = _make_term(word.rstrip("*"), prefix=prefix)
        else:
            term = _make_term(quoted, prefix=False, exact=True)
        if term is None:
            pending_or = False
            continue
        if pending_or and not neg:
            query.clauses[-1].terms.append(term)
        else:
            query.clauses.append(Clause(terms=[term], negate=bool(neg)))
        pending_or = False
    _apply_not(text, query)
    return query


def _apply_not(text: str, query: Query) -> None:
    """`NOT word` excludes the word that follows, like -word."""
    for m in re.finditer(r"(?:^|\s)NOT\s+(\"[^\"]*\"?|\S+)", text or ""):
        target = m.group(1).strip('"').rstrip("*")
        term = _make_term(target, prefix=False)
        if term is None:
            continue
        for clause in query.clauses:
            # Compared by words: `NOT "a phrase"` names the quoted clause it follows.
            if not clause.negate and [t.words for t in clause.terms] == [term.words]:
                clause.negate = True


def make_term(text: str) -> Term | None:
    """A single term from a keyword as written in the topic taxonomy (`evaluat*`, `open source`)."""
    return _make_term(text.rstrip("*"), prefix=text.endswith("*"))


def _make_term(text: str, *, prefix: bool, exact: bool = False) -> Term | None:
    words = tuple(tokens(text))
    if not words:
        return None
    return Term(words=words, prefix=prefix and not is_cjk(words[-1]), raw=text, exact=exact)
