"""Analyse: tallies of fused events (ICM style), the perpetrator's claims against reports,
the other record kinds merged across documents, and the audit of quoted statistics.

Everything reads through :class:`~khorasan.store.Store`, so every filter of
``khorasan events`` works here too.
"""

from khorasan.analyse.claims import claims_vs_reported
from khorasan.analyse.records import audit_statistics, merge_records
from khorasan.analyse.tallies import icm_sentence, tally

__all__ = ["audit_statistics", "claims_vs_reported", "icm_sentence", "merge_records", "tally"]
