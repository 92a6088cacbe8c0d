"""Analyse: tallies of fused events (ICM style), the perpetrator's claims against reports,
the other record kinds merged across documents, the audit of quoted statistics, and records
over time: the actor network (relations by kind and date), strength series, leader tenures.

Everything reads through :class:`~khorasan.store.Store`, so every filter of
``khorasan events`` works here too.
"""

from khorasan.analyse.claims import claims_of_table, claims_vs_reported
from khorasan.analyse.network import RELATION_KINDS, relations_graph
from khorasan.analyse.records import audit_statistics, merge_records
from khorasan.analyse.scope import ISK_FAMILY, describe_scope, resolve_filters, scoped_filters
from khorasan.analyse.series import leader_timeline, strength_series
from khorasan.analyse.tallies import icm_sentence, tally, tally_groups, tally_sums

__all__ = [
    "ISK_FAMILY",
    "RELATION_KINDS",
    "audit_statistics",
    "claims_of_table",
    "claims_vs_reported",
    "describe_scope",
    "icm_sentence",
    "leader_timeline",
    "merge_records",
    "relations_graph",
    "resolve_filters",
    "scoped_filters",
    "strength_series",
    "tally",
    "tally_groups",
    "tally_sums",
]
