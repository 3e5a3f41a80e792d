"""``/sitemap.xml`` for search engines: the portal's pages, its organizations and every public,
published dataset (https://www.sitemaps.org/protocol.html). The datasets come from
``package_search`` run as an anonymous visitor, so private, draft and deleted datasets (and
harvest sources) can never appear. ``robots.txt`` points to it (templates/home/robots.txt)."""
from __future__ import annotations

from xml.sax.saxutils import escape

import ckan.plugins.toolkit as tk

#: the protocol's limit for one sitemap file
MAX_URLS = 50_000
PAGE = 1000
#: the theme's own pages (endpoints of the poitiers_pages blueprint) and CKAN's lists
PAGES = ("home.index", "dataset.search", "organization.index", "poitiers_pages.about",
         "poitiers_pages.contribute", "poitiers_pages.accessibility", "poitiers_pages.legal")


def _anonymous() -> dict:
    # ``user: ""`` and no ``ignore_auth``: what a visitor without an account may see
    return {"user": "", "ignore_auth": False}


def public_datasets(limit: int = MAX_URLS):
    """(name, last modification date) of the public, active datasets, newest first."""
    start = 0
    while start < limit:
        result = tk.get_action("package_search")(_anonymous(), {
            "q": "*:*", "fq": "+dataset_type:dataset", "include_private": False,
            "include_drafts": False, "sort": "metadata_modified desc",
            "rows": min(PAGE, limit - start), "start": start,
            "fl": ["name", "metadata_modified"]})
        rows = result["results"]
        for row in rows:
            yield row["name"], (row.get("metadata_modified") or "")[:10]
        start += len(rows)
        if not rows or start >= result["count"]:
            return


def entries() -> list[tuple[str, str]]:
    """(absolute URL, lastmod or "") of everything the sitemap lists, at most MAX_URLS."""
    out = [(tk.url_for(endpoint, _external=True), "") for endpoint in PAGES]
    for name in tk.get_action("organization_list")(_anonymous(), {}):
        out.append((tk.url_for("organization.read", id=name, _external=True), ""))
    for name, modified in public_datasets(MAX_URLS - len(out)):
        out.append((tk.url_for("dataset.read", id=name, _external=True), modified))
    return out[:MAX_URLS]


def render(items: list[tuple[str, str]]) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for loc, lastmod in items:
        extra = f"<lastmod>{escape(lastmod)}</lastmod>" if lastmod else ""
        lines.append(f"<url><loc>{escape(loc)}</loc>{extra}</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def sitemap():
    from flask import Response

    return Response(render(entries()), mimetype="application/xml",
                    headers={"Cache-Control": "public, max-age=3600"})
