"""Analyse: tallies of fused events (ICM style), the perpetrator's claims against reports,
the other record kinds merged across documents, and the audit of quoted statistics.

Everything reads through :class:`~khorasan.store.Store`, so every filter of
``khorasan events`` works here too.
"""

from khorasan.analyse.claims import claims_vs_reported
from khorasan.analyse.records import audit_statistics, merge_records
from khorasan.analyse.scope import ISK_FAMILY, describe_scope, resolve_filters, scoped_filters
from khorasan.analyse.tallies import icm_sentence, tally, tally_groups

__all__ = [
    "ISK_FAMILY",
    "audit_statistics",
    "claims_vs_reported",
    "describe_scope",
    "icm_sentence",
    "merge_records",
    "resolve_filters",
    "scoped_filters",
    "tally",
    "tally_groups",
]
