"""Fuzz inputs: real pages (the examples, and ``../shared`` pages when the checkout has them)
mutated, random Unicode, deeply nested HTML and JSON, huge numbers and long lines."""

from __future__ import annotations

import json
import random
from pathlib import Path

__all__ = ["generate", "seed_pages", "SIZE_SMALL", "SIZE_FULL"]

ROOT = Path(__file__).resolve().parents[2]
SIZE_SMALL = 2_000  # the short profile in `make test`: quick inputs
SIZE_FULL = 200_000  # `make fuzz`: up to a large page
LARGE_SHARE = 0.1  # inputs that may be that large (the rest are quick)
_MAX_SEEDS = 400
_SNIPPETS = (
    "killed", "wounded", " at least ", "Islamic State", "ISKP", "Kabul", "Nangarhar", "By ",
    " ; ", "\u200c", "\ufeff", "\u202e", "\x1b[2J", "\x00", "\ud800", "\r\n", "<script>",
    "&amp;", "&#0;", "&#xD800;", "1e400", "99999999999999999999", "-0", "NaN", "Infinity",
    "2021-02-30", "0000-00-00", "9999-12-31", "\u0661\u0662", "\u06f1\u06f2", "١٢ قتيلا",
    "убиты 12 человек", "http://[::1", "https://x.y/2021/13/45/", "…", "\t", ". ", "\n\n",
)  # fmt: skip


def seed_pages(limit: int = _MAX_SEEDS) -> list[bytes]:
    """Real pages to mutate: ``examples/`` always, ``../shared`` eval and seed pages when there."""
    folders = [ROOT / "examples", ROOT.parent / "shared" / "eval" / "dev",
               ROOT.parent / "shared" / "seeds"]  # fmt: skip
    pages: list[bytes] = []
    for folder in folders:
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.suffix in (".txt", ".html", ".json", ".jsonl") and path.is_file():
                    pages.append(path.read_bytes()[:SIZE_FULL])
                    if len(pages) >= limit:
                        return pages
    return pages or [b"A bomb killed 5 people in Kabul on Monday, police said."]


def _mutate(rng: random.Random, data: bytes, size: int) -> bytes:
    buf = bytearray(data[:size])
    for _ in range(rng.randint(1, 8)):
        op = rng.randrange(6)
        pos = rng.randrange(len(buf) + 1)
        if op == 0 and buf:  # flip a byte
            buf[min(pos, len(buf) - 1)] ^= 1 << rng.randrange(8)
        elif op == 1:  # insert a snippet
            buf[pos:pos] = rng.choice(_SNIPPETS).encode("utf-8", "surrogatepass")
        elif op == 2 and buf:  # delete a run
            del buf[pos : pos + rng.randint(1, 64)]
        elif op == 3:  # repeat a run
            run = bytes(buf[pos : pos + rng.randint(1, 40)])
            buf[pos:pos] = run * rng.randint(2, 50)
        elif op == 4:  # random bytes
            buf[pos:pos] = rng.randbytes(rng.randint(1, 16))
        else:  # a number with many digits
            buf[pos:pos] = (" " + "9" * rng.randint(15, 400) + " people killed ").encode()
    return bytes(buf[:size])


def _random_unicode(rng: random.Random, size: int) -> bytes:
    n = rng.randint(0, min(size, 4000))
    blocks = ((0x20, 0x7F), (0x80, 0x2FF), (0x600, 0x6FF), (0x400, 0x4FF), (0x200B, 0x206F),
              (0xD800, 0xDFFF), (0xE000, 0xF8FF), (0x1F300, 0x1FAFF), (0, 0x20))  # fmt: skip
    chars = []
    for _ in range(n):
        lo, hi = rng.choice(blocks)
        chars.append(chr(rng.randint(lo, hi)))
    return "".join(chars).encode("utf-8", "surrogatepass")


def _deep_html(rng: random.Random, size: int) -> bytes:
    depth = rng.randint(10, max(11, size // 12))
    tag = rng.choice(["div", "p", "span", "table><tr><td", "ul><li", "b"])
    close = "</" + tag.split("><")[-1] + ">"
    body = "<" + tag + ">"
    inner = "A car bomb killed 7 people in Herat on 3 May 2022."
    html = "<html><body>" + body * depth + inner + close * rng.randint(0, depth) + "</body></html>"
    return html.encode()[:size]


def _deep_json(rng: random.Random, size: int) -> bytes:
    depth = rng.randint(10, max(11, size // 4))
    kind = rng.randrange(3)
    if kind == 0:
        text = "[" * depth + "]" * depth
    elif kind == 1:
        text = '{"a":' * depth + "1" + "}" * depth
    else:  # a record whose metadata nests deep
        text = '{"text": "A bomb killed 5 in Kabul.", "title": ' + "[" * depth + "]" * depth + "}"
    return text.encode()[:size]


def _huge_numbers(rng: random.Random, size: int) -> bytes:
    parts = []
    for _ in range(rng.randint(1, 20)):
        number = rng.choice([
            "9" * rng.randint(19, 400), "1e" + str(rng.randint(300, 5000)), "18446744073709551616",
            "1" + ",000" * rng.randint(5, 100), "-" + "9" * 30, "0." + "0" * 400 + "1",
        ])  # fmt: skip
        parts.append(f"At least {number} people were killed in Kabul on 12 May 2022. ")
    return "".join(parts).encode()[:size]


def _long_line(rng: random.Random, size: int) -> bytes:
    unit = rng.choice(["12 ", "By 1234567 ", "Kabul, ", "killed ", "3 May 2022 ", "a" * 50,
                       "Islamic State ", "(", ")", "\u0627\u0644 ", "12 killed; "])  # fmt: skip
    return (unit * (size // len(unit) + 1)).encode()[: rng.randint(size // 4, size)]


def _json_wrapped(rng: random.Random, payload: bytes) -> bytes:
    try:
        text = payload.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        text = payload.decode("latin-1")
    record = {"text": text, "title": text[:200], "published": rng.choice(["2021-05-03", text[:30]])}
    return json.dumps(record).encode() + b"\n"


def generate(
    rng: random.Random, seeds: list[bytes], targets: list[str], size: int = SIZE_FULL
) -> tuple[str, bytes]:
    """One (target, input) pair; one in ten up to ``size`` bytes, the rest a few kB."""
    target = rng.choice(targets)
    if rng.random() >= LARGE_SHARE:
        size = min(size, SIZE_SMALL * 2)
    kind = rng.randrange(7)
    if kind == 0:
        data = _random_unicode(rng, size)
    elif kind == 1:
        data = _deep_html(rng, size)
    elif kind == 2:
        data = _deep_json(rng, size)
    elif kind == 3:
        data = _huge_numbers(rng, size)
    elif kind == 4:
        data = _long_line(rng, size)
    else:
        data = _mutate(rng, rng.choice(seeds), size)
    if target == "jsonl" and kind in (0, 3, 4, 5) and rng.random() < 0.7:
        data = _json_wrapped(rng, data)
    if target in ("decode", "file") and rng.random() < 0.3:
        codec = rng.choice(["cp1256", "cp1251", "koi8_r", "utf-16", "iso8859_6"])
        text = data[1:].decode("utf-8", "replace").replace("\ufffd", "?")
        data = data[:1] + text.encode(codec, "replace")
    return target, data
