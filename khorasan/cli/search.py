"""`khorasan search QUERY`: full-text search over every stored document and every extracted
sentence (:meth:`khorasan.store.Store.search`), as a table or ``{"results": [...]}``."""

from __future__ import annotations

from typing import Any

import click

from khorasan.cli._common import (
    Col,
    OptionError,
    date_options,
    db_option,
    echo_json,
    open_db,
    print_table,
    safe,
)
from khorasan.errors import FilterError

__all__ = ["COMMANDS"]


@click.command()
@click.argument("query")
@db_option
@date_options
@click.option("--outlet", help="Only this outlet's documents (ignoring case).")
@click.option("--country", help="Only sentences placed in this country (a document: any of its "
              "records).")  # fmt: skip
@click.option("--kind", help="Only documents, sentences, incidents or one record kind "
              "(statistics, strength, plots, leaders, relations).")  # fmt: skip
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True,
              help="At most this many results.")  # fmt: skip
@click.option("--offset", type=click.IntRange(0, 100_000), default=0,
              help="Skip this many results (the next page).")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help='JSON: {"results": [...]}.')
def search(
    query: str, db: str | None, date_from: str | None, date_to: str | None,
    outlet: str | None, country: str | None, kind: str | None, limit: int, offset: int,
    as_json: bool,
) -> None:  # fmt: skip
    """Search every document and extracted sentence, best match first.

    QUERY: words (all must occur, any form: "bombers" finds "bomber"), "quoted phrases",
    OR between two words, -word to leave out, word* for a prefix. Each result shows the
    sentence, its document and the record it fed (kind, mention, event).
    """
    with open_db(db) as store:
        try:
            found = store.search(query, limit=limit, offset=offset, kind=kind,
                                 date_from=date_from, date_to=date_to, outlet=outlet,
                                 country=country)  # fmt: skip
        except FilterError as exc:
            if exc.field != "query":
                raise
            raise OptionError(f"QUERY: {safe(exc.reason)}") from exc
    results: list[dict[str, Any]] = found["results"]
    if as_json:
        echo_json({"results": results})
        return
    print_table(
        f"Results for {safe(query)!r} ({len(results)}"
        + (f"; next page: --offset {found['next_offset']})" if found["next_offset"] else ")"),
        [Col("#", "num"), Col("sentence", min_width=30), Col("kind", "key"),
         Col("document", min_width=16, max_width=40, drop=2), Col("date", "key", drop=3),
         Col("event", "key", drop=1), Col("mention", "key", drop=4)],
        [[offset + i + 1, r["sentence"], r["kind"], _document(r["document"]),
          r["date"] or r["document"]["published"], r["event_id"] or "", _mention(r)]
         for i, r in enumerate(results)],
    )  # fmt: skip


def _document(doc: dict[str, Any]) -> str:
    parts = [doc["id"], doc.get("outlet"), doc.get("title")]
    return " · ".join(str(p) for p in parts if p)


def _mention(result: dict[str, Any]) -> str:
    if result["mention_id"] is None:
        return ""
    prefix = "m" if result["kind"] == "incidents" else "r"
    return f"{prefix}-{result['mention_id']}"


COMMANDS = [search]
