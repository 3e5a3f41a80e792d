"""A Data Fair catalogue served by pytest-httpserver: ``GET /data-fair/api/v1/datasets`` paged
like Data Fair (size, page, count) from a list of dataset records."""
from __future__ import annotations

import json
import os

from werkzeug import Response

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")
API = "/data-fair/api/v1"


def load_records(name: str = "datasets.json") -> list[dict]:
    with open(os.path.join(FIXTURES, "datafair", name), encoding="utf-8") as f:
        return json.load(f)


class Catalogue:
    """Mutable between runs: ``records`` can change, ``fail_page`` makes a page fail."""

    def __init__(self, records: list[dict]):
        self.records = records
        self.fail = None  # callable(request, page) -> Response | None
        self.requests = 0

    def handler(self, request):
        self.requests += 1
        size = int(request.args.get("size", 12))
        page = int(request.args.get("page", 1))
        if self.fail is not None:
            response = self.fail(request, page)
            if response is not None:
                return response
        start = (page - 1) * size
        body = {"count": len(self.records), "results": self.records[start:start + size]}
        return Response(json.dumps(body), content_type="application/json")

    def install(self, httpserver):
        httpserver.expect_request(f"{API}/datasets").respond_with_handler(self.handler)
        return httpserver.url_for(API)
