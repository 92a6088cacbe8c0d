"""A cheap necessary test in front of a costly regex: the literal words any match must contain.

A case-insensitive alternation of cue phrases ("(?<!\\w)(?:plot(?:s|ted)?\\b|foiled|...)") is
tried at every position of the text, alternative by alternative: Python's ``re`` has no fast
skip for it. Each phrase, though, contains some literal word ("plot", "foiled") that every
match of it contains. :func:`prefiltered` reads those words off the parsed pattern and answers
``search`` with a case-sensitive scan of the lowercased text for them first (one fast pass);
the costly pattern runs only where one occurs, so the results are exactly the pattern's own.

The parse tree comes from ``re._parser`` (the module ``re.compile`` itself uses). Anything the
walk does not know (lookarounds, back references, an unknown op) proves nothing and is skipped,
so a pattern with no provable literal runs unfiltered: the filter may only ever be too lenient.
"""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]
import re
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from functools import reduce
from operator import itemgetter, or_
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

import ahocorasick

from khorasan.annotate._scan import finditer_at

__all__ = [
    "TROUBLE",
    "CharFiltered",
    "Prefiltered",
    "folded",
    "may_match",
    "prefiltered",
    "required_characters",
    "required_literals",
]

# Shorter literals than this filter too little to pay for the scan.
MIN_LITERAL = 3
# Up to this many literals, one substring search each beats the automaton's pass, whose setup
# and per-character cost is several times a substring search's on a sentence-sized text.
FEW_LITERALS = 16

# The characters other than ASCII that ``re.IGNORECASE`` matches to an ASCII letter although
# their ``str.lower()`` is another character (dotted capital I, dotless i, long s, the Kelvin
# sign; tests/test_prefilter.py checks the list against every code point): a text holding one
# is searched without the filter.
TROUBLE = "\u0130\u0131\u017f\u212a"
_TROUBLE = re.compile(f"[{TROUBLE}]")

_FOLD_CACHE: OrderedDict[int, tuple[str, str | None]] = OrderedDict()
_FOLD_CACHE_SIZE = 16
_SHORT_TEXT = 400  # characters: a sentence or a window of one
_SPARSE = 4  # a long text is tried at its possible match starts when under 1 in this many


def folded(text: str) -> str | None:
    """``text.lower()`` when it matches position for position what ``re.IGNORECASE`` matches,
    else None. Long texts are remembered by identity (a document's text is searched for many
    windows in turn); a short one costs less to lower again than to look up."""
    if len(text) > _SHORT_TEXT:
        hit = _FOLD_CACHE.get(id(text))
        if hit is not None and hit[0] is text:
            try:
                _FOLD_CACHE.move_to_end(id(text))
            except KeyError:  # another thread dropped it meanwhile
                pass
            return hit[1]
    lowered = text.lower()
    low: str | None = lowered
    if not text.isascii() and (_TROUBLE.search(text) or len(lowered) != len(text)):
        low = None
    if len(text) > _SHORT_TEXT:
        _FOLD_CACHE[id(text)] = (text, low)
        if len(_FOLD_CACHE) > _FOLD_CACHE_SIZE:
            try:
                _FOLD_CACHE.popitem(last=False)
            except KeyError:
                pass
    return low


def _literal_ok(c: int, ignorecase: bool) -> bool:
    """Whether literal ``c`` may stand in the probe: any character of a case-sensitive
    pattern, only ASCII in a case-insensitive one (lowercased, see :func:`folded`)."""
    return c < 128 or not ignorecase


def _req_seq(items: Any, ignorecase: bool, caseless: bool = False) -> set[str] | None:
    """The best set of literals one of which every match of the sequence ``items`` contains;
    ``caseless``: literals of characters no case folds, as written (see :func:`_char_ok`)."""
    options: list[set[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            options.append({"".join(run)})
            run.clear()

    for op, av in items:
        if caseless and op is sre.LITERAL and _char_ok(av, ignorecase):
            run.append(chr(av))
            continue
        if not caseless and op is sre.LITERAL and _literal_ok(av, ignorecase):
            run.append(chr(av).lower() if ignorecase else chr(av))
            continue
        flush()
        sub: set[str] | None = None
        if op is sre.SUBPATTERN:
            _group, add_flags, del_flags, p = av
            if (add_flags | del_flags) & sre.SRE_FLAG_IGNORECASE:
                return None  # a case change inside: not worth the trouble
            sub = _req_seq(p, ignorecase, caseless)
        elif op is sre.BRANCH:
            alts = [_req_seq(p, ignorecase, caseless) for p in av[1]]
            if alts and all(a for a in alts):
                sub = set().union(*alts)  # type: ignore[arg-type]
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and av[0] >= 1:
            sub = _req_seq(av[2], ignorecase, caseless)
        elif op is sre.ATOMIC_GROUP:
            sub = _req_seq(av, ignorecase, caseless)
        if sub:
            options.append(sub)
    flush()
    if not options:
        return None
    # the set whose shortest literal is longest filters best
    return max(options, key=lambda o: (min(len(x) for x in o), -len(o)))


def _char_ok(c: int, ignorecase: bool) -> bool:
    """Whether literal ``c`` matches itself alone: any character of a case-sensitive pattern;
    in a case-insensitive one a character no case folds (":", "\u2014"), which ``re``
    compiles as a plain literal."""
    return not ignorecase or not _sre.unicode_iscased(c)


def _parse(pattern: re.Pattern[str]) -> Any:
    """The parse tree of ``pattern``, or None where the walk cannot trust it."""
    if not isinstance(pattern.pattern, str) or pattern.flags & (re.LOCALE | re.ASCII):
        return None
    try:
        tree = _parser.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - an unknown parser: go unfiltered
        return None
    if tree.state.flags & (re.LOCALE | re.ASCII):
        return None
    return tree


def required_characters(pattern: re.Pattern[str]) -> set[str] | None:
    """Literals of characters no case folds, one of which every match of ``pattern`` contains
    as written (a dateline's ":" or dash), or None."""
    return _characters_of(_parse(pattern))


def _characters_of(tree: Any) -> set[str] | None:
    if tree is None:
        return None
    return _req_seq(list(tree), bool(tree.state.flags & re.IGNORECASE), caseless=True)


def required_literals(pattern: re.Pattern[str]) -> set[str] | None:
    """Literals one of which every match of ``pattern`` contains (lowercased if the pattern is
    case-insensitive), or None when no such set of useful length can be proven."""
    return _literals_of(_parse(pattern))


def _literals_of(tree: Any) -> set[str] | None:
    if tree is None:
        return None
    found = _req_seq(list(tree), bool(tree.state.flags & re.IGNORECASE))
    if not found or min(len(x) for x in found) < MIN_LITERAL:
        return None
    return found


class _Union:
    """One automaton over the literals of every case-insensitive :class:`Prefiltered` made so
    far, each literal mapped to a bit mask of the patterns that require it, and the masks of
    the texts scanned lately. A document's sentences are each tried against dozens of cue
    patterns in turn: one pass per text answers all of them ("which literals occur"), where
    each pattern's own probe would lower and scan the text again."""

    __slots__ = ("automaton", "covered", "older", "recent")

    def __init__(self, patterns: list[Prefiltered]) -> None:
        masks: dict[str, int] = {}
        for pattern in patterns:
            for literal in pattern._literals:
                masks[literal] = masks.get(literal, 0) | pattern._bit
        self.automaton = ahocorasick.Automaton()
        for literal, mask in masks.items():
            self.automaton.add_word(literal, mask)
        if masks:
            self.automaton.make_automaton()
        self.covered = len(patterns)
        # two generations of remembered texts (by value: a sentence is often cut anew from
        # the document for each extractor): the recent ones, and the ones before them
        self.recent: dict[str, tuple[int, str | None]] = {}
        self.older: dict[str, tuple[int, str | None]] = {}

    def scan(self, text: str) -> tuple[int, str | None]:
        """The mask of the patterns whose literals ``text`` holds (every bit where the
        lowercased text cannot stand in for it, see :func:`folded`) and that lowercased text."""
        entry = self.older.get(text)
        if entry is None:
            low = folded(text)
            if low is None:
                entry = (-1, None)
            elif self.covered:
                entry = (reduce(or_, map(_SECOND, self.automaton.iter(low)), 0), low)
            else:
                entry = (0, low)
        recent = self.recent
        if len(recent) >= _UNION_TEXTS:
            self.older = recent
            self.recent = recent = {}
        recent[text] = entry
        return entry


_SECOND = itemgetter(1)
# texts per generation: a document's sentences, clauses and windows, some 200-500 texts (a
# smaller generation forgets a sentence before its last rule asks of it: 15% scanned again)
_UNION_TEXTS = 1024
_PATTERNS: list[Prefiltered] = []
_REGISTER = threading.Lock()
_UNION = _Union([])


_MISSES_PER_BUILD = 32  # uses of patterns made since the last build before the next one
_misses = 0


def _union_missed() -> None:
    """A pattern made since the union was built was used: rebuild it after a few such uses
    (patterns are made at import and at the first use of each cached cue pattern, so a
    build per new pattern would be a hundred builds while the first documents are read)."""
    global _UNION, _misses
    with _REGISTER:
        _misses += 1
        if _misses >= _MISSES_PER_BUILD:
            _misses = 0
            _UNION = _Union(list(_PATTERNS))


class _Filtered:
    """A compiled pattern that answers "no match" without running where ``_absent`` says no
    match can exist; ``fullmatch`` goes straight to the pattern."""

    __slots__ = ("flags", "fullmatch", "pattern", "regex")

    def __init__(self, regex: re.Pattern[str]) -> None:
        self.regex = regex
        self.pattern = regex.pattern
        self.flags = regex.flags
        self.fullmatch = regex.fullmatch

    def _absent(self, text: str, pos: int, endpos: int) -> bool:
        """True only if no match can exist in ``text[pos:endpos]``."""
        raise NotImplementedError

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        if self._absent(string, pos, endpos):
            return None
        return self.regex.match(string, pos, endpos)

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        if self._absent(string, pos, endpos):
            return None
        return self.regex.search(string, pos, endpos)

    def finditer(
        self, string: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> Iterator[re.Match[str]]:
        if self._absent(string, pos, endpos):
            return iter(())
        return self.regex.finditer(string, pos, endpos)

    def sub(self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0) -> str:
        if self._absent(string, 0, sys.maxsize):
            return string
        return self.regex.sub(repl, string, count)


class Prefiltered(_Filtered):
    """A compiled pattern whose ``search``, ``finditer`` and ``sub`` first look for its
    required literals; ``match`` asks only the text's mask, ``fullmatch`` goes straight to it."""

    __slots__ = ("_bit", "_few", "_index", "_literals", "_width", "_probe", "_lower")

    def __init__(self, regex: re.Pattern[str], literals: set[str], tree: Any = None) -> None:
        """``tree``: the parse tree of ``regex`` where the caller has it (a parse costs about
        as much as the compile; patterns are made while the first documents are read)."""
        super().__init__(regex)
        self._lower = bool(regex.flags & re.IGNORECASE)
        self._literals = tuple(sorted(literals))
        # an Aho-Corasick automaton finds the first of many literals in one pass over the text
        self._probe = ahocorasick.Automaton()
        for literal in literals:
            self._probe.add_word(literal, None)
        self._probe.make_automaton()
        self._few = self._literals if len(literals) <= FEW_LITERALS else None
        # the longest match, where it is bounded: a match holds one of the literals, so it
        # starts at most this far before the end of one (see :meth:`_finditer_near`)
        if tree is None:
            tree = _parser.parse(regex.pattern, regex.flags)
        width = tree.getwidth()[1]
        self._width = width if width < sre.MAXREPEAT else None
        self._index = -1
        self._bit = 0
        if self._lower:
            with _REGISTER:
                self._index = len(_PATTERNS)
                self._bit = 1 << self._index
                _PATTERNS.append(self)

    def _absent(self, text: str, pos: int, endpos: int) -> bool:
        """True only if no match can exist in ``text[pos:endpos]``."""
        if not self._lower:
            return self._absent_in(text, text, pos, endpos)
        union = _UNION
        if union.covered <= self._index:
            _union_missed()
            return self._absent_in(text, folded(text), pos, endpos)
        entry = union.recent.get(text)
        if entry is None:
            entry = union.scan(text)
        if not entry[0] & self._bit:
            return True  # none of its literals anywhere in the text
        if pos <= 0 and endpos >= len(text):
            return False
        return self._absent_in(text, entry[1], pos, endpos)

    def _absent_in(self, text: str, probe_text: str | None, pos: int, endpos: int) -> bool:
        """True only if none of the literals lies in ``probe_text[pos:endpos]`` (never where
        there is no probe text, see :func:`folded`)."""
        if probe_text is None:
            return False
        start = pos if pos > 0 else 0
        end = endpos if endpos < len(text) else len(text)
        if end - start < MIN_LITERAL:
            return True  # too short to hold a literal the match must contain
        few = self._few
        if few is None:
            return next(self._probe.iter(probe_text, start, end), None) is None
        if start == 0 and end == len(probe_text):
            for literal in few:
                if literal in probe_text:
                    return False
            return True
        for literal in few:
            if probe_text.find(literal, start, end) >= 0:
                return False
        return True

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        # the rules try a dozen patterns at the start of one short window ("the 60 characters
        # after the actor"): one scan of it answers them all; only the text's mask is asked,
        # a probe of the window would cost more than the anchored match it spares
        if self._lower:
            union = _UNION
            if union.covered > self._index:
                entry = union.recent.get(string)
                if entry is None:
                    entry = union.scan(string)
                if not entry[0] & self._bit:
                    return None
        return self.regex.match(string, pos, endpos)

    def finditer(
        self, string: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> Iterator[re.Match[str]]:
        if self._absent(string, pos, endpos):
            return iter(())
        if (
            self._width is not None
            and self._few is not None
            and pos <= 0
            and endpos >= len(string) > _SHORT_TEXT
        ):
            probe = folded(string) if self._lower else string
            starts = self._starts(probe) if probe is not None else None
            # a match call per position costs several positions of the scan: only where few
            if starts is not None and len(starts) * _SPARSE < len(string):
                return iter(finditer_at(self.regex, string, starts))
        return self.regex.finditer(string, pos, endpos)

    def _starts(self, probe: str) -> list[int]:
        """Every position of a long text where a match can start: a match holds a literal
        and spans at most ``_width`` characters, so it starts at most that far before the end
        of one (``re`` tries an alternation at every position of a document otherwise)."""
        width = self._width or 0
        starts: set[int] = set()
        for literal in self._literals:
            at = probe.find(literal)
            while at >= 0:
                starts.update(range(max(0, at + len(literal) - width), at + 1))
                at = probe.find(literal, at + 1)
        return sorted(starts)


class CharFiltered(_Filtered):
    """A compiled pattern none of whose literals is long enough for :class:`Prefiltered`,
    whose every match holds one of a few characters no case folds ("Kabul (Reuters) -": a
    dateline's colon or dash): ``in`` tests on the text as written answer before the pattern
    runs (a dateline's pattern backtracks through 30-character runs at each sentence start)."""

    __slots__ = ("_chars",)

    def __init__(self, regex: re.Pattern[str], chars: set[str]) -> None:
        super().__init__(regex)
        self._chars = tuple(sorted(chars))

    def _absent(self, text: str, pos: int, endpos: int) -> bool:
        """True only if no match can exist in ``text[pos:endpos]``."""
        if pos <= 0 and endpos >= len(text):
            return not any(c in text for c in self._chars)
        start, end = max(pos, 0), max(min(endpos, len(text)), 0)
        return all(text.find(c, start, end) < 0 for c in self._chars)


# Up to this many characters, the ``in`` tests of :class:`CharFiltered` cost less than the
# pattern; a pattern that needs a space or a comma (in every sentence) is left as it is.
FEW_CHARS = 6
_COMMON_CHARS = frozenset(" ,.\n")


def prefiltered(regex: re.Pattern[str]) -> re.Pattern[str]:
    """``regex`` behind the literal filter, or ``regex`` itself where none can be proven."""
    tree = _parse(regex)  # one parse for the literals, the characters and the width
    literals = _literals_of(tree)
    if literals is not None:
        return Prefiltered(regex, literals, tree)  # type: ignore[return-value]
    chars = _characters_of(tree)
    if chars and len(chars) <= FEW_CHARS and not any(c in _COMMON_CHARS for c in chars):
        return CharFiltered(regex, chars)  # type: ignore[return-value]
    return regex


def may_match(pattern: re.Pattern[str], text: str) -> bool:
    """False only where no part of ``text`` (no window cut from it) can hold a match of
    ``pattern``: none of its required literals occurs in ``text``. Always True for a pattern
    without the filter."""
    if isinstance(pattern, Prefiltered):
        return not pattern._absent(text, 0, sys.maxsize)
    return True
