"""HTML to main text with trafilatura, plus the page's own title, date and site name."""

from __future__ import annotations

import re
from dataclasses import dataclass

import trafilatura

from khorasan.errors import UnreadableInput

__all__ = ["HtmlText", "html_to_text", "looks_like_html"]

_HTML_START = re.compile(
    r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)


@dataclass(frozen=True)
class HtmlText:
    text: str
    title: str | None
    published: str | None
    sitename: str | None


def looks_like_html(text: str) -> bool:
    """True when text opens like an HTML document."""
    return bool(_HTML_START.match(text[:2000]))


def html_to_text(html: str, subject: str, url: str | None = None) -> HtmlText:
    """Main text of an HTML page (no comments, no tables of links); raises when none is found."""
    result = trafilatura.bare_extraction(
        html,
        url=url,
        include_comments=False,
        include_tables=True,
        with_metadata=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = getattr(result, "text", None) if result is not None else None
    if not text or not text.strip():
        raise UnreadableInput(subject, "no main text found in HTML", kind="empty")
    return HtmlText(
        text=text,
        title=getattr(result, "title", None) or None,
        published=getattr(result, "date", None) or None,
        sitename=getattr(result, "sitename", None) or None,
    )
