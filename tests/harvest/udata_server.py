"""A udata portal served by pytest-httpserver: ``GET /api/1/datasets/`` paged with page,
page_size and an absolute ``next_page``, like data.gouv.fr."""
from __future__ import annotations

import json
import os

from werkzeug import Response

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")


def load_records() -> list[dict]:
    with open(os.path.join(FIXTURES, "udata", "datasets.json"), encoding="utf-8") as f:
        return json.load(f)


class Portal:
    def __init__(self, records: list[dict], organization="5a0b1c2d3e4f5a6b7c8d9e0f"):
        self.records = records
        self.organization = organization
        self.seen_params = []
        self.fail = None  # callable(request) -> Response | None

    def handler(self, request):
        self.seen_params.append(dict(request.args))
        if self.fail is not None and (response := self.fail(request)) is not None:
            return response
        if request.args.get("organization") != self.organization:
            return Response(json.dumps({"data": [], "page": 1, "page_size": 20, "total": 0,
                                        "next_page": None, "previous_page": None}),
                            content_type="application/json")
        size = int(request.args.get("page_size", 20))
        page = int(request.args.get("page", 1))
        start = (page - 1) * size
        data = self.records[start:start + size]
        more = start + size < len(self.records)
        base = request.base_url
        nxt = (f"{base}?organization={self.organization}&page={page + 1}&page_size={size}"
               if more else None)
        return Response(json.dumps({"data": data, "page": page, "page_size": size,
                                    "total": len(self.records), "next_page": nxt,
                                    "previous_page": None}),
                        content_type="application/json")

    def install(self, httpserver):
        httpserver.expect_request("/api/1/datasets/").respond_with_handler(self.handler)
        return httpserver.url_for("/")
