"""The demo's remote sources, served on loopback with the Python standard library.

``python -m ckanext.poitiers.demo_server --port 6011`` answers, from the payload files of
``ckanext/poitiers/demo/sources/``, like the real APIs the harvesters read:

* Data Fair: ``GET /data-fair/api/v1/datasets?size=&page=&owner=`` → ``{"count", "results"}``;
* udata: ``GET /api/1/datasets/?organization=&page=&page_size=`` → ``{"data", "page",
  "page_size", "total", "next_page", "previous_page"}``;
* transport.data.gouv.fr: ``GET /transport/api/datasets`` → the list of datasets, and their GTFS
  files ``GET /transport/resources/<name>.zip``, zipped from ``gtfs/<name>/``;
* OpenAgenda: ``GET /openagenda/v2/agendas/<uid>?key=`` → the agenda, ``GET
  /openagenda/v2/agendas?key=&search=`` → ``{"agendas", "total", "after"}``, ``GET
  /openagenda/v2/agendas/<uid>/events?key=`` → ``{"total", "events", "after"}`` (one event
  standing for the agenda's events, changed when the agenda was); without a ``key``, 401 as
  OpenAgenda answers;
* OpenDataSoft: ``GET /opendatasoft/api/explore/v2.1/catalog/exports/dcat`` → the DCAT export
  of the catalogue (RDF/XML).

Anything else is a 404. It listens on 127.0.0.1 only.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import re
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import yaml

from ckanext.poitiers.demo_sources import SERVER, dcat_rdf

SOURCES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "demo", "sources")
GTFS_PATH = re.compile(r"/transport/resources/([a-z0-9-]+)\.zip")
AGENDA_PATH = re.compile(r"/openagenda/v2/agendas/([0-9]{1,20})(/events)?")


def _int(params: dict, key: str, default: int, high: int = 1000) -> int:
    try:
        value = int(params.get(key, [default])[0])
    except ValueError:
        return default
    return min(max(value, 1), high)


class Catalogues:
    """The records of every source of sources.yaml, read once."""

    def __init__(self, directory: str = SOURCES_DIR):
        self.directory = directory
        with open(os.path.join(directory, "sources.yaml"), encoding="utf-8") as f:
            self.sources = yaml.safe_load(f)["sources"]
        self.records = {}
        for source in self.sources:
            with open(os.path.join(directory, source["file"]), encoding="utf-8") as f:
                self.records[source["name"]] = json.load(f)

    def _of(self, api: str) -> list[dict]:
        return [r for s in self.sources if s["api"] == api for r in self.records[s["name"]]]

    def datafair(self, params: dict) -> dict:
        records = self._of("datafair")
        owner = params.get("owner", [""])[0]
        if owner:
            kind, _, ident = owner.partition(":")
            records = [r for r in records
                       if (r.get("owner") or {}).get("type") == kind
                       and (r.get("owner") or {}).get("id") == ident]
        size, page = _int(params, "size", 12), _int(params, "page", 1, 10000)
        return {"count": len(records), "results": records[(page - 1) * size:page * size]}

    def udata(self, params: dict, base_url: str) -> dict:
        organization = params.get("organization", [""])[0]
        records = [r for r in self._of("udata")
                   if not organization or r["organization"]["id"] == organization]
        size, page = _int(params, "page_size", 20), _int(params, "page", 1, 10000)
        more = page * size < len(records)
        query = {"page_size": size, **({"organization": organization} if organization else {})}
        return {
            "data": records[(page - 1) * size:page * size],
            "page": page,
            "page_size": size,
            "total": len(records),
            "next_page": f"{base_url}?{urlencode({**query, 'page': page + 1})}" if more else None,
            "previous_page": f"{base_url}?{urlencode({**query, 'page': page - 1})}"
            if page > 1 else None,
        }

    def transport(self) -> list[dict]:
        return self._of("transport")

    def gtfs(self, name: str) -> bytes | None:
        """The GTFS archive of dataset ``name``: the files of ``gtfs/<name>/`` zipped."""
        folder = os.path.join(self.directory, "gtfs", name)
        if not os.path.isdir(folder):
            return None
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for file_name in sorted(os.listdir(folder)):
                z.write(os.path.join(folder, file_name), file_name)
        return buf.getvalue()

    def dcat(self, path: str) -> bytes | None:
        """The DCAT export (RDF/XML) of the source whose path is ``path``."""
        for source in self.sources:
            if source["api"] == "dcat" and source["path"] == path:
                return dcat_rdf(
                    self.records[source["name"]],
                    source["dcat_portal"].rstrip("/") + "/explore/").encode("utf-8")
        return None

    def agenda(self, uid: str) -> dict | None:
        return next((r for r in self._of("openagenda") if str(r["uid"]) == uid), None)

    @staticmethod
    def events(agenda: dict) -> dict:
        """``GET /v2/agendas/<uid>/events``: the events are not part of the demo; one stands for
        them, changed when the agenda was (what the harvest reads: the latest change)."""
        event = {"uid": agenda["uid"] * 100 + 1, "updatedAt": agenda["updatedAt"]}
        return {"total": 1, "events": [event], "after": None}

    def agendas(self, params: dict) -> dict:
        words = params.get("search", [""])[0].casefold().split()
        found = [r for r in self._of("openagenda")
                 if all(w in (r["title"] + " " + r.get("description", "")).casefold()
                        for w in words)]
        if params.get("official", [""])[0] == "1":
            found = [r for r in found if r.get("official")]
        return {"total": len(found), "agendas": found, "after": None}


def make_handler(catalogues: Catalogues):
    class Handler(BaseHTTPRequestHandler):
        server_version = "PoitiersDemoSources/1"

        def do_GET(self):  # noqa: N802 (http.server's name)
            parts = urlsplit(self.path)
            params = parse_qs(parts.query)
            host = self.headers.get("Host") or "%s:%s" % self.server.server_address[:2]
            if parts.path.rstrip("/") == "/data-fair/api/v1/datasets":
                return self._json(catalogues.datafair(params))
            if parts.path.rstrip("/") == "/api/1/datasets":
                return self._json(catalogues.udata(params, f"http://{host}/api/1/datasets/"))
            if parts.path.rstrip("/") == "/transport/api/datasets":
                return self._json(catalogues.transport(), server=f"http://{host}")
            gtfs = GTFS_PATH.fullmatch(parts.path)
            if gtfs and (data := catalogues.gtfs(gtfs.group(1))) is not None:
                return self._send(data, "application/zip")
            if parts.path.startswith("/opendatasoft/") and (
                    rdf := catalogues.dcat(parts.path)) is not None:
                return self._send(rdf, "application/rdf+xml; charset=utf-8")
            agenda = AGENDA_PATH.fullmatch(parts.path.rstrip("/"))
            if agenda or parts.path.rstrip("/") == "/openagenda/v2/agendas":
                if not params.get("key", [""])[0]:
                    return self._json({"message": "Missing or invalid key"}, 401)
                if not agenda:
                    return self._json(catalogues.agendas(params))
                record = catalogues.agenda(agenda.group(1))
                if record is not None:
                    return self._json(catalogues.events(record) if agenda.group(2) else record)
            return self._json({"status": 404, "message": "Not Found"}, 404)

        def _json(self, body, status: int = 200, server: str = ""):
            text = json.dumps(body, ensure_ascii=False)
            if server:
                text = text.replace(json.dumps(SERVER)[1:-1], server)
            self._send(text.encode("utf-8"), "application/json; charset=utf-8", status)

        def _send(self, data: bytes, content_type: str, status: int = 200):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format, *args):  # noqa: A002 (http.server's signature)
            print("%s %s" % (self.log_date_time_string(), format % args), flush=True)

    return Handler


def make_server(port: int = 0, directory: str = SOURCES_DIR) -> ThreadingHTTPServer:
    """A server bound to 127.0.0.1 (``port`` 0: any free port); call ``serve_forever``."""
    return ThreadingHTTPServer(("127.0.0.1", port), make_handler(Catalogues(directory)))


def serve_in_thread(port: int = 0) -> tuple[ThreadingHTTPServer, threading.Thread]:
    server = make_server(port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    server = make_server(args.port)
    print(f"Demo sources on http://127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
