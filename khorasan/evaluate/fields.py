"""Per-field comparison of a matched gold/predicted incident pair."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "FIELDS",
    "REPORTED_FIELDS",
    "date_compatible",
    "field_correct",
    "figure_value",
    "norm_str",
    "same_value",
]

# Fields scored over matched pairs, in report order.
FIELDS: tuple[str, ...] = (
    "date",
    "country",
    "admin1",
    "perpetrator",
    "attribution",
    "attack_type",
    "suicide",
    "target_type",
    "killed",
    "wounded",
    "claimed_killed",
)
# Derived comparisons reported beside FIELDS.
REPORTED_FIELDS: tuple[str, ...] = (*FIELDS, "date_compatible", "killed_qualifier")
_FIGURE_FIELDS = frozenset({"killed", "wounded", "claimed_killed", "claimed_wounded"})


def norm_str(value: Any) -> Any:
    """Casefold and strip strings; other values pass through."""
    if isinstance(value, str):
        return value.strip().casefold()
    return value


def same_value(gold: Any, pred: Any) -> bool:
    """Equality after string normalisation; null == null is agreement."""
    if gold is None or pred is None:
        return gold is None and pred is None
    if isinstance(gold, bool) or isinstance(pred, bool):
        # bool is an int subclass: keep True from equalling 1
        return isinstance(gold, bool) and isinstance(pred, bool) and gold == pred
    return bool(norm_str(gold) == norm_str(pred))


def figure_value(figure: Any) -> int | float | None:
    """The point value of a figure dict; a bare number is accepted as its own value.

    A dict without ``value`` but with ``parts`` counts as the sum of the parts, so an
    extractor that only emits parts is scored on the total it implies.
    """
    if figure is None:
        return None
    if isinstance(figure, bool):
        return None
    if isinstance(figure, int | float):
        return figure
    if isinstance(figure, Mapping):
        value = figure.get("value")
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
        parts = figure.get("parts") or []
        nums: list[int | float] = []
        for part in parts:
            value = part.get("value") if isinstance(part, Mapping) else None
            if not isinstance(value, int | float) or isinstance(value, bool):
                return None  # an unreadable part makes the implied total unknown
            nums.append(value)
        if nums:
            return sum(nums)
    return None


def _figure_present(figure: Any) -> bool:
    return figure is not None


def date_compatible(gold: Any, pred: Any) -> bool:
    """Same date at the coarser precision of the two (one is a prefix of the other)."""
    if gold is None or pred is None:
        return gold is None and pred is None
    g, p = str(gold).strip(), str(pred).strip()
    return g.startswith(p) or p.startswith(g)


def field_correct(field: str, gold: Mapping[str, Any], pred: Mapping[str, Any]) -> bool | None:
    """Whether ``field`` agrees; None when the comparison does not apply to this pair."""
    if field == "date":
        g, p = gold.get("date"), pred.get("date")
        return (g is None and p is None) or (g is not None and p is not None and str(g) == str(p))
    if field == "date_compatible":
        return date_compatible(gold.get("date"), pred.get("date"))
    if field == "killed_qualifier":
        g, p = gold.get("killed"), pred.get("killed")
        if not (isinstance(g, Mapping) and isinstance(p, Mapping)):
            return None  # only meaningful when both report a figure
        return same_value(g.get("qualifier"), p.get("qualifier"))
    if field in _FIGURE_FIELDS:
        g, p = gold.get(field), pred.get(field)
        if not _figure_present(g) or not _figure_present(p):
            return not _figure_present(g) and not _figure_present(p)
        gv, pv = figure_value(g), figure_value(p)
        return gv is not None and gv == pv
    return same_value(gold.get(field), pred.get(field))
