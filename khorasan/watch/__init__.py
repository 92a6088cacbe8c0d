"""Watch: ingest on a schedule. Sources as configuration (:mod:`khorasan.watch.sources`),
polled politely with conditional requests (:mod:`khorasan.watch.polite`), new entries stored
and fused as ``ingest`` does, each source's state in the store (:mod:`khorasan.watch.poll`).
"""

from __future__ import annotations

from khorasan.watch.polite import WatchOptions
from khorasan.watch.poll import PollReport, poll, poll_source
from khorasan.watch.sources import (
    DEFAULT_SOURCES,
    KINDS,
    Source,
    check_sources,
    default_path,
    load_sources,
    parse_interval,
    read_entries,
    source_from_entry,
    write_sources,
)

__all__ = [
    "DEFAULT_SOURCES",
    "KINDS",
    "PollReport",
    "Source",
    "WatchOptions",
    "check_sources",
    "default_path",
    "load_sources",
    "parse_interval",
    "poll",
    "poll_source",
    "read_entries",
    "source_from_entry",
    "write_sources",
]
