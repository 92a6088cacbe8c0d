"""One text to one :class:`Document`: main text, noise removal, metadata, fingerprints."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from khorasan.errors import UnreadableInput
from khorasan.ingest.clean import clean_text
from khorasan.ingest.dates import iso_or_none
from khorasan.ingest.fingerprint import content_hash, simhash
from khorasan.ingest.html import html_to_text
from khorasan.ingest.metadata import (
    outlet_from_url,
    publication_date,
    split_date_marker,
    storable,
    title_from_text,
    validate_meta,
)
from khorasan.kb.dates import date_from_url
from khorasan.model import Document

__all__ = ["build_document", "document_from_text"]


def _first(*candidates: tuple[str, str | None]) -> tuple[str | None, str | None]:
    """The first (origin, value) pair with a value, as (value, origin)."""
    for origin, value in candidates:
        if value:
            return value, origin
    return None, None


def build_document(
    text: str,
    *,
    name: str,
    source: str,
    meta: Mapping[str, Any] | None = None,
    is_html: bool = False,
    fallback: Mapping[str, Any] | None = None,
) -> Document:
    """Like :func:`document_from_text`; ``fallback`` metadata (a feed entry's) is used last."""
    text = storable(text)
    given = validate_meta(meta or {}, source)
    spare = validate_meta(fallback or {}, source)
    page_title = page_date = sitename = None
    if is_html:
        page = html_to_text(text, source, url=given["url"] or spare["url"])
        text, page_title, sitename = page.text, page.title, page.sitename
        page_date = iso_or_none(page.published) if page.published else None
    text, marker_date = split_date_marker(text)
    text_date = publication_date(text)  # before cleaning: "Published: ..." lines are furniture
    cleaned = clean_text(text)
    if not cleaned.strip():
        raise UnreadableInput(source, "no text left after removing page furniture", kind="empty")
    url = given["url"] or spare["url"]
    # The date a URL files the page under is the last resort, and not where the metadata says
    # "published": null: that is the curator's word that the date is unknown (the dev gold
    # leaves such pages undated), while the text, being the document, may still tell.
    url_date = None if meta is not None and "published" in meta else date_from_url(url)
    published, published_from = _first(
        ("metadata", given["published"]),
        ("marker", marker_date),
        ("html", page_date),
        ("text", text_date),
        ("feed", spare["published"]),
        ("url", url_date),
    )
    # A feed's entry title beats a guess from the text's first line.
    title, _ = _first(
        ("metadata", given["title"]),
        ("html", page_title),
        ("feed", spare["title"]),
        ("text", title_from_text(cleaned)),
    )
    outlet = given["outlet"] or spare["outlet"] or outlet_from_url(url)
    digest = content_hash(cleaned)
    extra: dict[str, Any] = {"published_from": published_from}
    if sitename:
        extra["sitename"] = sitename
    return Document(
        text=cleaned,
        name=name,
        source=source,
        title=title,
        published=published,
        outlet=outlet,
        url=url,
        id=digest[:16],
        content_hash=digest,
        simhash=simhash(cleaned),
        extra=extra,
    )


def document_from_text(
    text: str,
    *,
    name: str,
    source: str,
    meta: Mapping[str, Any] | None = None,
    is_html: bool = False,
) -> Document:
    """Clean ``text`` (HTML main text first when ``is_html``), read metadata, fingerprint it.

    ``meta`` (a sidecar, a JSONL record) wins over what the text shows; its nulls mean unknown.
    """
    return build_document(text, name=name, source=source, meta=meta, is_html=is_html)
