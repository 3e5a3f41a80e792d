"""A DCAT catalogue served by pytest-httpserver: the hand-written OpenDataSoft-shaped Turtle of
``tests/fixtures/dcat`` (two pages, Hydra paging) at ``/catalog.ttl``."""
from __future__ import annotations

import os

from werkzeug import Response

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")


class Catalogue:
    """Mutable between runs: ``pages`` (page number as text → Turtle) can change, ``fail_page``
    makes a page answer 503. ``base`` is the address of the server, ``url`` the catalogue's."""

    def __init__(self, base: str):
        self.base = base
        self.url = f"{base}/catalog.ttl"
        self.pages = {}
        for page in (1, 2):
            with open(os.path.join(FIXTURES, "dcat", f"catalog_page{page}.ttl"),
                      encoding="utf-8") as f:
                self.pages[str(page)] = f.read().replace("BASE", base)
        self.fail_page = None

    def handler(self, request):
        page = request.args.get("page", "1")
        if page == self.fail_page:
            return Response("Service Unavailable", status=503)
        return Response(self.pages[page], content_type="text/turtle")

    @classmethod
    def served(cls, httpserver) -> Catalogue:
        catalogue = cls(httpserver.url_for("").rstrip("/"))
        httpserver.expect_request("/catalog.ttl").respond_with_handler(catalogue.handler)
        return catalogue
