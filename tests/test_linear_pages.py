"""Time grows linearly with a page's size (issue 14 item 2): a page of repeated figures,
names and dates (generated here, a line each) of 250 kB and of 1 MB, read and extracted. The
check is a ratio of two measured times with a generous factor (4x the text: linear is ~4x,
quadratic 16x), never a wall-clock limit."""

from __future__ import annotations

import time

import pytest

from khorasan.extract import extract_document
from khorasan.ingest import document_from_text

NAMES = ("Ahmad Zia", "Mohammad Karim", "Abdul Rahman", "Gul Agha", "Nasir Ahmad")
PLACES = ("Jalalabad", "Kabul", "Kunduz", "Herat", "Kandahar")
MONTHS = ("January", "March", "May", "July", "October")
MAX_RATIO = 12.0  # for 4x the text


def page(size: int) -> str:
    lines: list[str] = []
    total = i = 0
    while total < size:
        line = (
            f"Gunmen killed {i % 97 + 2} people and wounded {i % 89 + 3} others in "
            f"{PLACES[i % 5]} on {i % 28 + 1} {MONTHS[i % 5]} {2000 + i % 25}, spokesman "
            f"{NAMES[i % 5]} said on {MONTHS[(i + 2) % 5]} {i % 27 + 1} (report {i})."
        )
        lines.append(line)
        total += len(line) + 2
        i += 1
    return "\n\n".join(lines)


def _seconds(text: str) -> float:
    best = float("inf")
    for _ in range(2):  # the lesser of two: other processes only ever add time
        t0 = time.perf_counter()
        extract_document(document_from_text(text, name="x", source="x"))
        best = min(best, time.perf_counter() - t0)
    return best


@pytest.mark.slow
def test_a_page_of_figures_names_and_dates_is_linear() -> None:
    small, large = _seconds(page(250_000)), _seconds(page(1_000_000))
    assert large < small * MAX_RATIO, f"250 kB: {small:.1f} s, 1 MB: {large:.1f} s"
