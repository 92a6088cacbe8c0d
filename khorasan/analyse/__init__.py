"""Analyse: tallies of fused events (ICM style) and the perpetrator's claims against reports.

Both read the ``events`` table through :func:`khorasan.fuse.query_events`, so every filter of
``khorasan events`` works here too.
"""

from khorasan.analyse.claims import claims_vs_reported
from khorasan.analyse.tallies import icm_sentence, tally

__all__ = ["claims_vs_reported", "icm_sentence", "tally"]
