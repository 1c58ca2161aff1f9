"""Query parsing: what a person types, as a safe FTS5 expression. Pure: no store, no I/O.

Supported: words (all must match), "exact phrases", OR between terms, -exclusions, prefix*.
Any input is safe: every term reaches FTS5 as a quoted string literal, so `AND`, a lone `"`,
`-x` or `NEAR(` never raise a syntax error. Words are folded exactly as the index folds them
(case, width, accents, Traditional/Simplified Chinese); CJK runs become bigram phrases, a
single CJK character searches the unigram column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import cjk_bigrams, is_cjk, tokens

_LEX_RE = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass(frozen=True)
class Term:
    """One thing to match: a word, a phrase of words, or a CJK run."""

    words: tuple[str, ...]  # folded tokens; CJK runs kept whole
    prefix: bool = False
    raw: str = ""

    def fts(self, column: str = "body") -> str:
        """This term as an FTS5 expression over the body (or another text) column and uni."""
        cjk_singles: list[str] = []
        phrase: list[str] = []
        for w in self.words:
            if is_cjk(w):
                if len(w) == 1 and len(self.words) == 1:
                    cjk_singles.append(w)
                else:
                    phrase.extend(cjk_bigrams(w))
            else:
                phrase.append(w)
        if cjk_singles:
            return (
                f"uni : {_literal(cjk_singles[0])}"
                if column == "body"
                else f"{column} : {_literal(cjk_singles[0])}"
            )
        expr = _literal(" ".join(phrase))
        if self.prefix and not is_cjk(phrase[-1]):
            expr += " *"
        alternatives = [f"{column} : {expr}"]
        # "pre-training" also finds "pretraining": the joined form, where the words were joined.
        if len(self.words) > 1 and "-" in self.raw and all(not is_cjk(w) for w in self.words):
            alternatives.append(f"{column} : {_literal(''.join(self.words))}")
        return alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")"


@dataclass
class Clause:
    """Terms joined by OR; a query matches when every positive clause matches."""

    terms: list[Term] = field(default_factory=list)
    negate: bool = False

    def fts(self) -> str:
        inner = " OR ".join(t.fts() for t in self.terms)
        return f"({inner})" if len(self.terms) > 1 else inner


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

    def match_expression(self) -> str | None:
        """The FTS5 MATCH text for the positive clauses (None when there are none)."""
        if not self.positive:
            return None
        return " AND ".join(c.fts() for c in self.positive)

    def exclusion_expression(self) -> str | None:
        if not self.negative:
            return None
        return " OR ".join(c.fts() for c in self.negative)


def _literal(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


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
            term = _make_term(quoted, prefix=False)
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
            if not clause.negate and clause.terms == [term]:
                clause.negate = True


def make_term(text: str) -> Term | None:
    """A single term from a keyword as written in the topic taxonomy (`evaluat*`, `open source`)."""
    return _make_term(text.rstrip("*"), prefix=text.endswith("*"))


def _make_term(text: str, *, prefix: bool) -> Term | None:
    words = tuple(tokens(text))
    if not words:
        return None
    return Term(words=words, prefix=prefix and not is_cjk(words[-1]), raw=text)
