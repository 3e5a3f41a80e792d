"""``/sitemap.xml`` for search engines: the portal's pages, its organizations (and groups, when
the portal has any) and every public, published dataset (https://www.sitemaps.org/protocol.html).
The datasets come from ``package_search`` run as an anonymous visitor, so private, draft and
deleted datasets (and harvest sources) can never appear. ``robots.txt`` points to it
(templates/home/robots.txt).

Over the protocol's 50,000 URLs per file, ``/sitemap.xml`` becomes a sitemap index naming
``/sitemap-1.xml``, ``/sitemap-2.xml``… that list everything between them (nothing is dropped).
When Solr or the database cannot answer, the search engine gets a 503 with ``Retry-After`` (try
again later, keep what you know), never an error page nor an empty list."""
from __future__ import annotations

import logging
import math
from xml.sax.saxutils import escape as _escape

import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)

#: the protocol's limit for one sitemap file
MAX_URLS = 50_000
PAGE = 1000
#: the largest page of ``organization_list`` / ``group_list`` without ``all_fields``
LIST_PAGE = 1000
NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
#: the theme's own pages (endpoints of the poitiers_pages blueprint) and CKAN's lists
PAGES = ("home.index", "dataset.search", "organization.index", "poitiers_pages.about",
         "poitiers_pages.contribute", "poitiers_pages.accessibility", "poitiers_pages.legal")
#: "try again in" (seconds) when Solr or the database is down
RETRY_AFTER = 600


def _anonymous() -> dict:
    # ``user: ""`` and no ``ignore_auth``: what a visitor without an account may see
    return {"user": "", "ignore_auth": False}


def escape(text: str) -> str:
    """Entity-escaped as the protocol asks for every value (``& ' " > <``)."""
    return _escape(text, {"'": "&apos;", '"': "&quot;"})


def _search(start: int, rows: int) -> dict:
    return tk.get_action("package_search")(_anonymous(), {
        "q": "*:*", "fq": "+dataset_type:dataset", "include_private": False,
        "include_drafts": False, "sort": "metadata_modified desc, name asc",
        "rows": rows, "start": start, "fl": ["name", "metadata_modified"]})


def public_datasets(limit: int = MAX_URLS, start: int = 0):
    """(name, last modification date) of the public, active datasets, newest first, from the
    ``start``-th, at most ``limit``."""
    end = start + limit
    while start < end:
        result = _search(start, min(PAGE, end - start))
        rows = result["results"]
        for row in rows:
            yield row["name"], (row.get("metadata_modified") or "")[:10]
        start += len(rows)
        if not rows or start >= result["count"]:
            return


def dataset_count() -> int:
    return _search(0, 0)["count"]


def _names(action: str) -> list[str]:
    """Every name ``organization_list`` / ``group_list`` gives a visitor (CKAN answers at most
    1,000 a call)."""
    out: list[str] = []
    while True:
        batch = tk.get_action(action)(_anonymous(), {"limit": LIST_PAGE, "offset": len(out)})
        out.extend(batch)
        if len(batch) < LIST_PAGE:
            return out


def pages() -> list[tuple[str, str]]:
    """(absolute URL, "") of the pages, the organizations and the groups."""
    out = [(tk.url_for(endpoint, _external=True), "") for endpoint in PAGES]
    for name in _names("organization_list"):
        out.append((tk.url_for("organization.read", id=name, _external=True), ""))
    groups = _names("group_list")
    if groups:  # the Poitiers portal has none (themes are a vocabulary); a portal may
        out.append((tk.url_for("group.index", _external=True), ""))
    for name in groups:
        out.append((tk.url_for("group.read", id=name, _external=True), ""))
    return out


def _datasets(start: int, limit: int) -> list[tuple[str, str]]:
    return [(tk.url_for("dataset.read", id=name, _external=True), modified)
            for name, modified in public_datasets(limit, start)]


def chunk(number: int) -> list[tuple[str, str]] | None:
    """The ``number``-th file (from 1): MAX_URLS entries of the pages then the datasets, or
    None when there is no such file."""
    static = pages()
    start = (number - 1) * MAX_URLS
    if number < 1 or (number > 1 and start >= len(static) + dataset_count()):
        return None
    out = static[start:start + MAX_URLS]
    first = max(0, start - len(static))
    return out + _datasets(first, MAX_URLS - len(out))


def render(items: list[tuple[str, str]]) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{NS}">']
    for loc, lastmod in items:
        extra = f"<lastmod>{escape(lastmod)}</lastmod>" if lastmod else ""
        lines.append(f"<url><loc>{escape(loc)}</loc>{extra}</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def render_index(files: int) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sitemapindex xmlns="{NS}">']
    for number in range(1, files + 1):
        loc = tk.url_for("poitiers_pages.sitemap_part", number=number, _external=True)
        lines.append(f"<sitemap><loc>{escape(loc)}</loc></sitemap>")
    lines.append("</sitemapindex>")
    return "\n".join(lines) + "\n"


def _unavailable(error: Exception):
    from flask import Response

    log.warning("sitemap: search index or database unavailable: %r", error)
    try:
        from ckan import model

        model.Session.rollback()
    except Exception:  # noqa: BLE001 - the database may be the one that is down
        pass
    return Response(
        tk._("The portal is unavailable for a moment: try again in a few minutes.") + "\n",
        status=503, mimetype="text/plain",
        headers={"Retry-After": str(RETRY_AFTER), "Cache-Control": "no-store"})


def _failures() -> tuple[type[Exception], ...]:
    import sqlalchemy.exc
    from ckan.lib.search.common import SearchError, SolrConnectionError

    return (SearchError, SolrConnectionError, sqlalchemy.exc.OperationalError,
            sqlalchemy.exc.InterfaceError)


def _xml(body: str):
    from flask import Response

    return Response(body, mimetype="application/xml",
                    headers={"Cache-Control": "public, max-age=3600"})


def sitemap():
    """The sitemap, or the index of its files over MAX_URLS URLs."""
    try:
        static = pages()
        total = len(static) + dataset_count()
        if total <= MAX_URLS:
            return _xml(render(static + _datasets(0, MAX_URLS - len(static))))
        return _xml(render_index(math.ceil(total / MAX_URLS)))
    except _failures() as error:
        return _unavailable(error)


def sitemap_part(number: int):
    """``/sitemap-<number>.xml``, a file of the index."""
    try:
        items = chunk(number)
    except _failures() as error:
        return _unavailable(error)
    if items is None:
        return tk.abort(404, tk._("This sitemap file does not exist."))
    return _xml(render(items))
