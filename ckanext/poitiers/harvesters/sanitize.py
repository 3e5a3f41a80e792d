"""Sanitising what remote sources send: HTML in descriptions, markup in plain-text fields.

nh3 (the Python binding of the Rust ``ammonia`` sanitiser) keeps a small set of formatting tags
and drops scripts, styles, event handlers and ``javascript:`` links. Plain-text fields (titles,
keywords, names) lose every tag.
"""
from __future__ import annotations

import html
import re

import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "li", "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
URL_SCHEMES = {"http", "https", "mailto"}
_SPACES = re.compile(r"[ \t\r\f\v]+")
# Markdown autolinks (« <https://…> », « <nom@domaine.fr> »), which an HTML sanitiser takes for
# unknown tags and deletes with their address
_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^\s<>\"]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)>")


def _autolink(match: re.Match) -> str:
    target = match.group(1)
    if "://" in target:
        return f"[{target}]({target})"
    address = target.removeprefix("mailto:")
    return f"[{address}](mailto:{address})"


def clean_html(value: str | None) -> str:
    """Remote HTML or Markdown → the same text with only harmless formatting tags left."""
    if not value:
        return ""
    cleaned = nh3.clean(
        _AUTOLINK.sub(_autolink, str(value)),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    # nh3 escapes the characters it leaves as text; Markdown wants '>' quotes and '&' back
    return cleaned.replace("&gt;", ">").replace("&amp;", "&").strip()


def plain_text(value: str | None) -> str:
    """Any remote string → plain text on one line (tags and their scripts removed)."""
    if value is None:
        return ""
    text = nh3.clean(str(value), tags=set())
    text = html.unescape(text)
    return _SPACES.sub(" ", text.replace("\n", " ")).strip()
