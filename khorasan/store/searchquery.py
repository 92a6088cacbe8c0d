"""A search box's words, read into a small query and written out for the database's own
full-text syntax: an SQLite FTS5 ``MATCH`` expression or a PostgreSQL ``to_tsquery`` string.

What a user may type: words (all must occur, in any order), ``"quoted phrases"``, ``OR``
between two words or phrases (either will do), ``-word`` or ``NOT word`` (must not occur) and
``word*`` (a prefix). Everything else is a literal word: every word and phrase is written out as
a quoted FTS5 string, so ``NEAR(``, ``title:``, ``^``, ``(`` and unbalanced quotes are text to
look for, never syntax. A query with nothing to look for raises :class:`FilterError` naming
``query``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from khorasan.errors import FilterError

__all__ = ["MAX_QUERY_CHARS", "MAX_TERMS", "SearchQuery", "Term", "parse_query"]

MAX_QUERY_CHARS = 500  # a search box, not a document: longer is a mistake or an attack
MAX_TERMS = 32  # each term is one more index lookup
MIN_PREFIX = 2  # "a*" would read most of the index
_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')  # a phrase (its closing quote optional), or a word


@dataclass(frozen=True, slots=True)
class Term:
    """One word or phrase; ``prefix``: its last word may go on (``bomb*``)."""

    text: str
    phrase: bool = False
    prefix: bool = False

    def fts5(self) -> str:
        quoted = '"' + self.text.replace('"', '""') + '"'
        return quoted + ("*" if self.prefix else "")

    def tsquery(self) -> str:
        # A quoted lexeme is text, never operators; to_tsquery still stems it, and several
        # words in one (a phrase) must follow each other
        quoted = "'" + self.text.replace("\\", "\\\\").replace("'", "''") + "'"
        return quoted + (":*" if self.prefix else "")


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """``clauses`` must all match (each a list of alternatives, any of which will do);
    ``excluded`` terms must not."""

    text: str
    clauses: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)

    def fts5(self) -> str:
        """The FTS5 MATCH expression: AND of the clauses (OR within), NOT the excluded."""
        parts = [_group([t.fts5() for t in clause]) for clause in self.clauses]
        out = " AND ".join(parts)
        if self.excluded:
            out = f"({out}) NOT {_group([t.fts5() for t in self.excluded])}"
        return out

    def tsquery(self) -> str:
        """The same query for PostgreSQL's ``to_tsquery``: AND of the clauses (OR within),
        AND NOT each excluded term."""
        parts = ["(" + " | ".join(t.tsquery() for t in clause) + ")" for clause in self.clauses]
        parts += ["!(" + t.tsquery() + ")" for t in self.excluded]
        return " & ".join(parts)

    def words(self) -> list[str]:
        """Every word looked for, lower case (for highlighting where the database does not)."""
        return [w.lower() for clause in self.clauses for t in clause for w in _words(t.text)]


def _group(items: list[str]) -> str:
    return items[0] if len(items) == 1 else "(" + " OR ".join(items) + ")"


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def _has_word(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def parse_query(text: str) -> SearchQuery:
    """Read what a user typed; a query with nothing to look for, or too long, raises
    :class:`FilterError` naming ``query``."""
    text = (text or "").replace("\x00", " ")
    if len(text) > MAX_QUERY_CHARS:
        raise FilterError("query", f"too long ({len(text)} characters; at most "
                          f"{MAX_QUERY_CHARS})")  # fmt: skip
    clauses: list[list[Term]] = []
    excluded: list[Term] = []
    negate = joined = False  # the next term is excluded / joins the last clause by OR
    for match in _TOKEN.finditer(text):
        phrase, word = match.group(1), match.group(2)
        if word is not None and phrase is None:
            if word == "OR" and clauses and not negate:
                joined = True
                continue
            if word == "AND":
                continue
            if word == "NOT":
                negate = True
                continue
        term, minus = _term(phrase, word)
        if term is None:
            continue
        if negate or minus:
            excluded.append(term)
        elif joined and clauses:
            clauses[-1].append(term)
        else:
            clauses.append([term])
        negate = joined = False
    if len(excluded) + sum(len(c) for c in clauses) > MAX_TERMS:
        raise FilterError("query", f"too many words (at most {MAX_TERMS})")
    if not clauses:
        raise FilterError("query", "no word to look for" + (" (only excluded ones)"
                                                             if excluded else ""))  # fmt: skip
    return SearchQuery(text, clauses, excluded)


def _term(phrase: str | None, word: str | None) -> tuple[Term | None, bool]:
    """A term from one phrase or word, and whether a ``-`` excludes it; None when it holds no
    letter or digit (punctuation alone finds nothing)."""
    if phrase is not None:
        return (Term(phrase.strip(), phrase=True) if _has_word(phrase) else None), False
    assert word is not None
    minus = word.startswith("-") and len(word) > 1
    if minus:
        word = word[1:]
    prefix = word.endswith("*")
    core = word.rstrip("*")
    if not _has_word(core):
        return None, minus
    if prefix and sum(ch.isalnum() for ch in core) < MIN_PREFIX:
        prefix = False
    return Term(core, prefix=prefix), minus
