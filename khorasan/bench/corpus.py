"""A corpus shaped like real reporting: the dev and seed pages' paragraphs (or the bundled
examples when ../shared is absent) recombined into distinct documents of about 630 words,
with places, person names, dates and figures re-drawn per document, so neither a cache nor
the duplicate and wire-copy checks can shortcut the work.

Each source paragraph is parsed once into a template (literal text and slots); a document is
runs of consecutive paragraphs from random pages, its slots filled from the project's own
gazetteer and person list, random dates in 2014-2025 and random figures. Document ``i`` of a
seed is the same whatever the corpus size. Written as ``docNNNNNN.txt`` with a
``.meta.json`` sidecar (published date, outlet).
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from khorasan.bench.report import ROOT, SHARED

KB_DATA = ROOT / "khorasan" / "kb" / "data"
MEAN_WORDS = 630
MIN_YEAR, MAX_YEAR = 2014, 2025
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]  # fmt: skip
OUTLETS = ["Frontier Wire", "Valley Herald", "Dawn Daily", "Kabul Courier", "Border Post",
           "Gandhara News", "Central Asia Monitor", "Wire Service", "Evening Ledger",
           "Regional Times", "Daily Observer", "Capital Bulletin"]  # fmt: skip
_LONG_PARAGRAPH = 160  # words: a page without paragraph breaks is cut at sentence ends
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’']))\s+(?=[A-Z“\"])")
_MONTH = "|".join(MONTHS)
_WORD = r"(?:[\w-]|['’](?!s\b))+"  # a name's word; a possessive 's stays outside
# the slots, in priority order of one alternation: ISO dates, day-month, month-day, month
# names, years, figures (plain or with thousands separators), capitalised runs (names)
_SLOTS = re.compile(
    rf"(?P<iso>\b(?:19|20)\d\d-\d\d-\d\d\b)"
    rf"|(?P<daymonth>\b[0-3]?\d(?:st|nd|rd|th)?\s+(?:{_MONTH})\b)"
    rf"|(?P<monthday>\b(?:{_MONTH})\s+[0-3]?\d(?:st|nd|rd|th)?\b(?!,?\d))"
    rf"|(?P<month>\b(?:{_MONTH})\b)"
    rf"|(?P<year>\b(?:19[89]\d|20[0-3]\d)\b)"
    rf"|(?P<figure>\b\d{{1,3}}(?:,\d{{3}})+\b|\b\d{{1,4}}\b)"
    rf"|(?P<name>\b[A-Z]{_WORD}(?:\s+(?:al-|bin\s+|ul-)?[A-Z]{_WORD}){{0,3}})"
)

_KINDS = ("iso", "daymonth", "monthday", "month", "year", "figure", "name")
# one slot of a template: ("text", literal) or (kind, original)
Piece = tuple[str, str]


@dataclass(slots=True)
class Vocabulary:
    """What slots are re-drawn from: gazetteer names by kind, person names; and the source
    names (lower-cased) that make a capitalised run a place or a person."""

    places: dict[str, list[str]] = field(default_factory=dict)  # kind -> names
    place_kind: dict[str, str] = field(default_factory=dict)  # lower name/alias -> kind
    persons: list[str] = field(default_factory=list)
    person_names: set[str] = field(default_factory=set)  # lower name/alias


def load_vocabulary(kb: Path = KB_DATA) -> Vocabulary:
    """Places (cities, provinces, districts, countries, neighbourhoods, sites) and persons
    from the knowledge base's data files."""
    vocab = Vocabulary()
    with (kb / "places.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    # a country is drawn only where the gazetteer knows its provinces and towns (the region
    # reported on), so a re-drawn report is still set where such reports are
    covered = Counter(r["country"] for r in rows if r["kind"] != "country")
    for row in rows:
        kind = row["kind"]
        if kind in ("demonym", "region") or not row["name"]:
            continue
        if kind != "country" or covered[row["name"]] >= 5:
            vocab.places.setdefault(kind, []).append(row["name"])
        for name in [row["name"], *(row.get("aliases") or "").split("|")]:
            if len(name) >= 4:
                vocab.place_kind.setdefault(name.lower(), kind)
    with (kb / "persons.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            vocab.persons.append(row["name"])
            for name in [row["name"], *(row.get("aliases") or "").split("|")]:
                if len(name) >= 4:
                    vocab.person_names.add(name.lower())
    for names in vocab.places.values():
        names.sort()
    vocab.persons.sort()
    return vocab


def source_dirs() -> list[Path]:
    """The shared dev and seed pages, or the bundled examples when ../shared is absent."""
    dirs = [SHARED / "eval" / "dev", SHARED / "seeds"]
    if all(d.is_dir() for d in dirs):
        return dirs
    return [ROOT / "examples"]


def _paragraphs(text: str) -> list[str]:
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        block = " ".join(block.split())
        if not block:
            continue
        if len(block.split()) <= _LONG_PARAGRAPH:
            out.append(block)
            continue
        chunk: list[str] = []
        words = 0
        for sentence in _SENTENCE_END.split(block):
            chunk.append(sentence)
            words += len(sentence.split())
            if words >= _LONG_PARAGRAPH // 2:
                out.append(" ".join(chunk))
                chunk, words = [], 0
        if chunk:
            out.append(" ".join(chunk))
    return out


def _name_pieces(run: str, vocab: Vocabulary) -> list[Piece]:
    """A capitalised run split into known places and persons (longest first) and text."""
    words = run.split()
    pieces: list[Piece] = []
    i = 0
    while i < len(words):
        for j in range(len(words), i, -1):
            candidate = " ".join(words[i:j])
            kind = vocab.place_kind.get(candidate.lower())
            if kind is not None:
                pieces.append((f"place:{kind}", candidate))
                break
            if candidate.lower() in vocab.person_names:
                pieces.append(("person", candidate))
                break
        else:
            pieces.append(("text", words[i]))
            j = i + 1
        i = j
        if i < len(words):
            pieces.append(("text", " "))
    return pieces


def template(paragraph: str, vocab: Vocabulary) -> list[Piece]:
    """A paragraph as literal text and slots (dates, figures, places, persons)."""
    pieces: list[Piece] = []
    at = 0
    for m in _SLOTS.finditer(paragraph):
        if m.start() > at:
            pieces.append(("text", paragraph[at : m.start()]))
        kind = next(k for k in _KINDS if m.group(k))
        if kind == "name":
            pieces.extend(_name_pieces(m.group(), vocab))
        else:
            pieces.append((str(kind), m.group()))
        at = m.end()
    if at < len(paragraph):
        pieces.append(("text", paragraph[at:]))
    return pieces


@dataclass(slots=True)
class Source:
    """The paragraph templates of the source pages, and their outlets."""

    pages: list[list[list[Piece]]]  # page -> paragraph -> pieces
    words: list[list[int]]  # page -> paragraph -> words
    outlets: list[str]
    vocab: Vocabulary


def load_source(dirs: Sequence[Path] | None = None) -> Source:
    vocab = load_vocabulary()
    pages: list[list[list[Piece]]] = []
    words: list[list[int]] = []
    outlets = set(OUTLETS)
    for d in dirs if dirs is not None else source_dirs():
        for path in sorted(d.glob("*.txt")):
            paragraphs = _paragraphs(path.read_text(encoding="utf-8", errors="replace"))
            if not paragraphs:
                continue
            pages.append([template(p, vocab) for p in paragraphs])
            words.append([len(p.split()) for p in paragraphs])
            meta = path.with_suffix(".meta.json")
            if meta.is_file():
                outlet = json.loads(meta.read_text(encoding="utf-8")).get("outlet")
                if isinstance(outlet, str) and outlet:
                    outlets.add(outlet)
    if not pages:
        raise FileNotFoundError(f"no .txt pages under {', '.join(map(str, dirs or []))}")
    return Source(pages, words, sorted(outlets), vocab)


def _figure(original: str, rng: random.Random) -> str:
    value = int(original.replace(",", ""))
    new = max(1, round(value * rng.uniform(0.5, 2.0)))
    if new == value:
        new += rng.randint(1, 3)
    return f"{new:,}" if "," in original else str(new)


class _Draw:
    """One document's re-drawn values: the same source name or year maps to the same new one
    throughout the document, so it stays coherent."""

    def __init__(self, rng: random.Random, source: Source) -> None:
        self.rng = rng
        self.source = source
        self.year = rng.randint(MIN_YEAR, MAX_YEAR)
        self.names: dict[str, str] = {}
        self.years: dict[str, str] = {}
        self.months = MONTHS[:]
        rng.shuffle(self.months)

    def month(self, original: str) -> str:
        return self.months[MONTHS.index(original)]

    def year_of(self, original: str) -> str:
        if original not in self.years:
            shift = len(self.years)
            self.years[original] = str(max(MIN_YEAR, min(MAX_YEAR, self.year - shift)))
        return self.years[original]

    def fill(self, kind: str, original: str) -> str:
        rng = self.rng
        if kind == "text":
            return original
        if kind == "figure":
            return _figure(original, rng)
        if kind == "year":
            return self.year_of(original)
        if kind == "month":
            return self.month(original)
        if kind == "iso":
            return f"{self.year_of(original[:4])}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        if kind == "daymonth":
            day, month = original.split()[0], original.split()[-1]
            return f"{self._day(day)} {self.month(month)}"
        if kind == "monthday":
            month, day = original.split()[0], original.split()[-1]
            return f"{self.month(month)} {self._day(day)}"
        if original not in self.names:
            if kind == "person":
                pool = self.source.vocab.persons
            else:
                pool = self.source.vocab.places.get(kind.split(":", 1)[1], [original])
            choice = rng.choice(pool)
            if choice == original and len(pool) > 1:
                choice = pool[(pool.index(choice) + 1) % len(pool)]
            self.names[original] = choice
        return self.names[original]

    def _day(self, original: str) -> str:
        digits = "".join(ch for ch in original if ch.isdigit())
        day = self.rng.randint(1, 28)
        if str(day) == digits:
            day = day % 28 + 1
        return str(day)


@dataclass(frozen=True, slots=True)
class GeneratedDoc:
    name: str
    text: str
    published: str
    outlet: str
    words: int
    parts: tuple[tuple[int, int], ...]  # (page, paragraph) of each paragraph used


def generate(n: int, seed: int = 13, source: Source | None = None) -> Iterator[GeneratedDoc]:
    """``n`` distinct documents (no two with the same text), deterministic in ``seed``."""
    source = source or load_source()
    seen: set[str] = set()
    i = attempt = 0
    while i < n:
        rng = random.Random(f"{seed}:{i}:{attempt}")
        doc = _document(i, rng, source)
        digest = hashlib.sha256(doc.text.encode()).hexdigest()
        if digest in seen:  # vanishingly rare: redraw this one
            attempt += 1
            continue
        seen.add(digest)
        yield doc
        i, attempt = i + 1, 0


def _document(i: int, rng: random.Random, source: Source) -> GeneratedDoc:
    # targets spread evenly around the mean; the last run overshoots by ~half a run
    target = rng.randint(MEAN_WORDS // 2 - 45, MEAN_WORDS * 3 // 2 - 85)
    draw = _Draw(rng, source)
    parts: list[tuple[int, int]] = []
    paragraphs: list[str] = []
    words = 0
    while words < target:
        page = rng.randrange(len(source.pages))
        start = rng.randrange(len(source.pages[page]))
        for k in range(start, min(start + rng.randint(1, 3), len(source.pages[page]))):
            paragraphs.append("".join(draw.fill(kind, text)
                                      for kind, text in source.pages[page][k]))  # fmt: skip
            parts.append((page, k))
            words += source.words[page][k]
    text = "\n\n".join(paragraphs) + "\n"
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    published = f"{draw.year:04d}-{month:02d}-{day:02d}"
    return GeneratedDoc(f"doc{i:06d}.txt", text, published, rng.choice(source.outlets),
                        len(text.split()), tuple(parts))  # fmt: skip


def write_corpus(n: int, out: Path, seed: int = 13, source: Source | None = None) -> dict[str, int]:
    """Write ``n`` documents with their sidecars into the folder ``out``; returns (and writes
    next to the folder, as ``<out>.json``, so that ingesting the folder reads only documents)
    ``{"documents", "words", "seed"}``."""
    out.mkdir(parents=True, exist_ok=True)
    words = count = 0
    for doc in generate(n, seed, source):
        (out / doc.name).write_text(doc.text, encoding="utf-8")
        meta = {"published": doc.published, "outlet": doc.outlet}
        (out / doc.name).with_suffix(".meta.json").write_text(json.dumps(meta), encoding="utf-8")
        words += doc.words
        count += 1
    summary = {"documents": count, "words": words, "seed": seed}
    out.with_name(out.name + ".json").write_text(json.dumps(summary), encoding="utf-8")
    return summary
