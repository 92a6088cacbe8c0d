"""HTML to main text with trafilatura, plus the page's own title, date and site name."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from khorasan.errors import UnreadableInput

__all__ = ["HtmlText", "html_to_text", "looks_like_html", "strip_fragment_markup"]

_HTML_START = re.compile(
    r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)


# A text with at least this many tags, paragraph tags among them, is an HTML fragment (a page's
# paragraphs with their tags, but no <html> around them): its tags are page residue, not words
# of the article. Inline tags alone in running prose may be quoted, and are kept as written
# (every page escapes them).
FRAGMENT_MIN_TAGS = 3
_BLOCK_TAGS = (
    "p|div|br|li|ul|ol|h[1-6]|blockquote|figure|figcaption|section|article|header|footer"
    "|table|tr|td|th"
)
_INLINE_TAGS = "a|span|strong|em|b|i|u|img|sup|sub|small|abbr|time|mark|font|label|cite|q"
_TAG = re.compile(rf"</?(?:{_BLOCK_TAGS}|{_INLINE_TAGS})\b[^<>]{{0,500}}>", re.I)
_BLOCK = re.compile(rf"\s*</?(?:{_BLOCK_TAGS})\b[^<>]{{0,500}}>\s*", re.I)
_CODE = re.compile(
    r"<(script|style|noscript|iframe)\b[^<>]{0,500}>.*?</\1\s*>|<!--.*?-->", re.I | re.S
)
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});", re.I)


# trafilatura drops every non-printable character, the zero-width non-joiner and joiner among
# them, which Persian spells words with (مقام‌ها): they cross it as rare printable letters.
_JOINERS = {"\u200c": "\U00010380", "\u200d": "\U00010381"}  # Ugaritic letters
_JOINER_ENTITIES = re.compile(r"&(?:(zwnj|#8204|#x200c)|zwj|#8205|#x200d);", re.I)


def _hide_joiners(html: str) -> tuple[str, dict[str, str]]:
    kept = {j: p for j, p in _JOINERS.items() if p not in html}
    if "&" in html:
        html = _JOINER_ENTITIES.sub(lambda m: "\u200c" if m.group(1) else "\u200d", html)
    for joiner, placeholder in kept.items():
        html = html.replace(joiner, placeholder)
    return html, kept


def _restore_joiners(text: str | None, kept: dict[str, str]) -> str | None:
    if text:
        for joiner, placeholder in kept.items():
            text = text.replace(placeholder, joiner)
    return text


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
    # imported here, not at the top: trafilatura (lxml, its date and charset libraries) takes
    # longer to import than plain text takes to extract, and most inputs are plain text
    import trafilatura

    html, kept = _hide_joiners(html)
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
        text=_restore_joiners(text, kept) or text,
        title=_restore_joiners(getattr(result, "title", None), kept) or None,
        published=getattr(result, "date", None) or None,
        sitename=getattr(result, "sitename", None) or None,
    )


def strip_fragment_markup(text: str) -> str:
    """An HTML fragment's words without its tags, scripts and comments (a block tag ends a
    line, an inline tag goes, an entity becomes its character); any other text unchanged."""
    if len(_TAG.findall(text, 0, 20_000)) < FRAGMENT_MIN_TAGS or not _BLOCK.search(text, 0, 20_000):
        return text
    text = _CODE.sub("", text)

    def block(m: re.Match[str]) -> str:
        return "\n" if "\n" in m.group() or "<" in m.group() else m.group()

    text = _BLOCK.sub(block, text)
    text = _TAG.sub("", text)
    return _ENTITY.sub(_unescape, text)


def _unescape(m: re.Match[str]) -> str:
    """An entity's character; "&lt;" and "&gt;" stay, so no tag is made of an escaped one."""
    char = html.unescape(m.group())
    return m.group() if char in "<>" else char
