"""Markdown rendering that stays safe after CKAN's auto-linking (CKAN 2.12).

CKAN's ``h.render_markdown`` sanitises the HTML that Markdown produces (nh3), *then* turns the
bare URLs it finds into links with a regular expression that does not know HTML attributes. nh3
leaves ``>`` unescaped inside an attribute value, so an image or link title such as
``"> https://x/onerror=…"`` (typed by a publisher or sent by a harvested source) has a link
inserted inside the attribute: the quotes then end the title early and the rest of the URL becomes
attributes of the ``<img>``, an event handler included.

The chained helper below sanitises the result once more, with the same allowances as CKAN (its
Markdown tags and attributes, plus the ``target`` and ``rel`` of its auto-links): what a browser
would read as new attributes is dropped, ordinary Markdown and links come out unchanged. CKAN 2.11
(bleach escapes ``>`` in attributes) is not affected; the second pass changes nothing there.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import nh3
from markupsafe import Markup

TAGS = set(nh3.ALLOWED_TAGS)
ATTRIBUTES = {tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()}
ATTRIBUTES["img"] = ATTRIBUTES.get("img", set()) | {"title"}
# CKAN's auto-links: <a href="…" target="_blank" rel="nofollow">; Markdown links keep nh3's rel
ATTRIBUTES["a"] = ATTRIBUTES.get("a", set()) | {"title", "target", "rel"}


def clean_rendered(html: str) -> str:
    """Rendered Markdown → the same HTML with nothing a browser would read as an extra attribute."""
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, link_rel=None)


@tk.chained_helper
def render_markdown(next_helper, data, auto_link: bool = True, allow_html: bool = False):
    rendered = next_helper(data, auto_link=auto_link, allow_html=allow_html)
    if allow_html or not rendered:
        # allow_html is the caller's explicit choice (trusted text): CKAN's own rules apply
        return rendered
    return Markup(clean_rendered(str(rendered)))


# what a shortened text does not end with before its « … »: spaces (no-break ones too) and the
# punctuation that was cut from what followed it
TRAILING = " \u00a0\u202f.,;:…"


def ellipsis(extract):
    """A shortened text ending with CKAN's « ... » → the same text ending with the ellipsis
    character « … » (one character, as French typography writes it), without a space or a
    punctuation mark left before it (« tracés,... », « Champs :... »); any other text as it is.
    Keeps the type (``Markup`` or ``str``)."""
    if not isinstance(extract, str) or not extract.endswith("..."):
        return extract
    return extract[:-3].rstrip(TRAILING) + "…"


@tk.chained_helper
def markdown_extract(next_helper, text, extract_length: int = 190):
    """CKAN's plain-text extract (search results, organisation and group summaries), shortened
    with « … » rather than « ... »."""
    return ellipsis(next_helper(text, extract_length=extract_length))
