"""How alike two candidate mentions are: a sum of evidence weights, positive for agreement.

Each weight is a named constant with the reason for its size. The scale is roughly log-odds:
a pair joins one event when its score reaches :data:`LINK_THRESHOLD` (see ``cluster.py``).
Weights were set by hand, then checked against the gold ``event_key`` of ../shared/eval (dev
and seeds, pairwise F1 of the mentions that match gold incidents: see README).
"""

from __future__ import annotations

import functools

from khorasan.fuse.blocking import near_across_provinces
from khorasan.fuse.mention import Mention

__all__ = ["LINK_THRESHOLD", "pair_score"]

# A pair (and, on average, a cluster) must reach this to be one event. Same province and a
# compatible date with no disagreement is enough; an undated mention in the same province needs
# one more agreeing field. Tuned on ../shared/eval (seeds + dev, mentions matched to gold):
# pairwise F1 0.929 at 0.5, 0.934 at 0.75, 0.891 at 1.0-1.25, 0.872 at 1.5; precision stays
# 0.97 throughout, so the choice sits at the top of the plateau, not at its loosest edge (clusters
# are built best merge first, so an ambiguous mention still joins its best event).
LINK_THRESHOLD = 0.75

# -- date: only candidates are scored, so the dates already overlap within the window.
SAME_DAY = 1.5  # both give the same day: the strongest single sign in news reporting
NEAR_DAY = 0.8  # a day apart: reporting lag or time zones, common for night attacks
FAR_DAY = -0.5  # two or three days apart: possible, but usually a different attack
COARSE_DATE = 0.5  # one side gives only the month or year and it contains the other's date
UNDATED = -0.5  # no date on one side: the province then spans years of attacks

# -- place
SAME_ADMIN1 = 1.0  # same province, or neighbouring places across a provincial line
SAME_COUNTRY_ONLY = 0.2  # province unknown on one side
DIFFERENT_ADMIN2 = -1.0  # both name a district and they differ
SAME_ADMIN2 = 0.5
SAME_PLACE = 1.0  # same place name below the province (site, town): "Crocus City Hall"
PLACE_ONE_UNKNOWN = 0.0

# -- actors and type: extraction of these is noisy (perpetrator accuracy ~0.75 on dev), so a
# disagreement costs less than an agreement earns.
SAME_PERPETRATOR = 0.5
RELATED_PERPETRATOR = 0.3  # IS-K and "Islamic State": the branch and the core name
DIFFERENT_PERPETRATOR = -0.5
SAME_ATTACK_TYPE = 0.7
CLOSE_ATTACK_TYPE = 0.0  # a complex attack is reported as bombing by one and assault by another
DIFFERENT_ATTACK_TYPE = -0.7
SAME_TARGET_TYPE = 0.3
DIFFERENT_TARGET_TYPE = -0.1

# -- figures: tolls rise over days, so only a gross mismatch counts against
CLOSE_FIGURES = 0.6  # within 20% or 3
FAR_FIGURES = -0.4  # one is over three times the other (and they differ by more than 5)

# -- wording: Jaccard overlap of content words in evidence, place and target; reports of one
# event share names ("Crocus", "Karzai", "Qalandar") that reports of two rarely do (dev: true
# pairs 0.1-0.5 overlap, false pairs mostly under 0.1)
WORDS_WEIGHT = 4.0

# -- wire copies: same story from the wire, carried by several outlets
SAME_WIRE_STORY = 3.0

_IS = frozenset({"IS-K", "Islamic State"})
_UNKNOWN = frozenset({None, "", "unknown"})
_CLOSE_TYPES = {
    frozenset({"bombing", "armed_assault"}),
    frozenset({"bombing", "assassination"}),
    frozenset({"armed_assault", "assassination"}),
    frozenset({"armed_assault", "hostage_taking"}),
    frozenset({"armed_assault", "jailbreak"}),
    frozenset({"bombing", "jailbreak"}),
    frozenset({"raid", "airstrike"}),
}


def _date_score(a: Mention, b: Mention) -> float:
    if not a.dated or not b.dated:
        return UNDATED
    if a.date_precision == "day" and b.date_precision == "day":
        gap = abs(a.lo - b.lo)
        return SAME_DAY if gap == 0 else NEAR_DAY if gap == 1 else FAR_DAY
    return COARSE_DATE


@functools.lru_cache(maxsize=65536)
def _norm_place(value: str | None) -> str:
    return " ".join((value or "").lower().replace("-", " ").split())


def _place_score(a: Mention, b: Mention) -> float:
    same_area = a.admin1 and b.admin1 and (a.admin1 == b.admin1 or near_across_provinces(a, b))
    score = SAME_ADMIN1 if same_area else SAME_COUNTRY_ONLY
    if a.admin2 and b.admin2:
        score += SAME_ADMIN2 if a.admin2 == b.admin2 else DIFFERENT_ADMIN2
    pa, pb = _norm_place(a.place), _norm_place(b.place)
    # a "place" that only repeats a province or country name is no finer agreement (both
    # sides' names count, so the score is symmetric: pair_score(a, b) == pair_score(b, a))
    if pa and pa == pb and pa not in {_norm_place(x) for x in (a.admin1, a.country, b.admin1,
                                                                b.country)}:  # fmt: skip
        score += SAME_PLACE
    return score


def _actor_score(a: Mention, b: Mention) -> float:
    pa, pb = a.perpetrator, b.perpetrator
    if pa in _UNKNOWN or pb in _UNKNOWN:
        return 0.0
    if pa == pb:
        return SAME_PERPETRATOR
    if pa in _IS and pb in _IS:
        return RELATED_PERPETRATOR
    return DIFFERENT_PERPETRATOR


def _type_score(a: Mention, b: Mention) -> float:
    score = 0.0
    ta, tb = a.attack_type, b.attack_type
    if ta and tb and "other" not in (ta, tb):  # "other": the report does not say how
        if ta == tb:
            score += SAME_ATTACK_TYPE
        elif frozenset({ta, tb}) in _CLOSE_TYPES:
            score += CLOSE_ATTACK_TYPE
        else:
            score += DIFFERENT_ATTACK_TYPE
    if a.target_type and b.target_type:
        score += SAME_TARGET_TYPE if a.target_type == b.target_type else DIFFERENT_TARGET_TYPE
    return score


def _figure_score(a: Mention, b: Mention) -> float:
    ka, kb = a.killed, b.killed
    if ka is None or kb is None:
        return 0.0
    lo, hi = sorted((ka, kb))
    if hi - lo <= 3 or hi <= lo * 1.2:
        return CLOSE_FIGURES
    if hi > 3 * lo and hi - lo > 5:
        return FAR_FIGURES
    return 0.0


def _words_score(a: Mention, b: Mention) -> float:
    if not a.words or not b.words:
        return 0.0
    shared = len(a.words & b.words)
    return WORDS_WEIGHT * shared / (len(a.words) + len(b.words) - shared)  # Jaccard


def pair_score(a: Mention, b: Mention) -> float:
    """Evidence that ``a`` and ``b`` report one event; call only on candidate pairs."""
    score = (
        _date_score(a, b)
        + _place_score(a, b)
        + _actor_score(a, b)
        + _type_score(a, b)
        + _figure_score(a, b)
        + _words_score(a, b)
    )
    if a.wire_story_id == b.wire_story_id:
        score += SAME_WIRE_STORY
    return score
