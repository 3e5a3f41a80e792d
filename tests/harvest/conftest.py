"""Fixtures of the harvest tests: a harvest source on a real local HTTP server, and a runner
that goes through ckanext-harvest's gather → fetch → import stages."""
from __future__ import annotations

import json
import os
import re

import pytest
from ckan.plugins import get_plugin
from ckan.tests import factories
from werkzeug import Response

from ckanext.harvest.model import HarvestJob, HarvestSource
from ckanext.harvest.tests import lib
from tests.harvest.datafair_server import Catalogue as DatafairCatalogue
from tests.harvest.datafair_server import load_records as datafair_records
from tests.harvest.dcat_server import Catalogue as RdfCatalogue
from tests.harvest.udata_server import Portal
from tests.harvest.udata_server import load_records as udata_records
from tests.shared import SHARED_FIXTURES

# the local test server listens on loopback, which the SSRF guard refuses by default
LOOPBACK_ALLOWED = {
    "ckanext.poitiers.harvest.allow_private_addresses": "true",
    "ckanext.poitiers.harvest.retries": "2",
    "ckanext.poitiers.harvest.backoff": "0.05",
    "ckanext.poitiers.harvest.timeout": "2",
}


def shared_fixture(*parts: str) -> str:
    path = os.path.join(SHARED_FIXTURES, *parts)
    if not os.path.exists(path):
        pytest.skip(f"recorded payloads absent: {os.path.normpath(path)} "
                    "(../shared/fixtures or POITIERS_SHARED_DIR)")
    return path


@pytest.fixture
def harvest_env(clean_db, clean_index, ckan_config, monkeypatch, request):
    marked = {
        m.args[0] for m in request.node.iter_markers("ckan_config") if m.args
    }
    for key, value in LOOPBACK_ALLOWED.items():
        if key not in marked:
            monkeypatch.setitem(ckan_config, key, value)


@pytest.fixture
def silent_server():
    """A TCP server that accepts connections and never answers (a hung remote server)."""
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted = []
    stop = threading.Event()

    def serve():
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _addr = listener.accept()
            except OSError:
                continue
            accepted.append(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    port = listener.getsockname()[1]
    yield f"http://127.0.0.1:{port}/data-fair/api/v1", accepted
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


@pytest.fixture
def organization(harvest_env):
    return factories.Organization(name="grand-poitiers", title="Grand Poitiers")


class Runner:
    sysadmin = None

    """Creates one harvest source (with ``harvest_source_create``) and runs jobs on it."""

    def __init__(self, harvester, url, config="", owner_org=None):
        from ckan.plugins import toolkit

        self.harvester = harvester
        sysadmin = factories.Sysadmin()
        self.sysadmin = sysadmin
        data = {
            "name": "source-test",
            "title": "Source de test",
            "url": url,
            "source_type": harvester.info()["name"],
            "config": config,
            "frequency": "MANUAL",
        }
        if owner_org:
            data["owner_org"] = owner_org
        self.source_dict = toolkit.get_action("harvest_source_create")(
            {"user": sysadmin["name"]}, data
        )
        self.source = HarvestSource.get(self.source_dict["id"])

    def run(self):
        job = HarvestJob(source=self.source)
        job.save()
        results = lib.run_harvest_job(job, self.harvester)
        return job, results


@pytest.fixture
def make_runner(organization):
    def make(harvester, url, config=""):
        return Runner(harvester, url, config, owner_org=organization["id"])

    return make


def first_harvest(make_runner, harvester_name: str, url: str, config: str = ""):
    """A source of the harvester ``harvester_name`` (its plugin name) on ``url``, and its first
    job: (runner, job)."""
    runner = make_runner(get_plugin(harvester_name), url, config)
    job, _results = runner.run()
    return runner, job


# -- remote sources on the local test server ---------------------------------------------------
@pytest.fixture
def catalogue(httpserver):
    """The recorded Data Fair catalogue (``datafair_server.Catalogue``), at ``catalogue.url``;
    its ``records`` may change before and between runs."""
    cat = DatafairCatalogue(datafair_records())
    cat.url = cat.install(httpserver)
    return cat


@pytest.fixture
def portal(httpserver):
    """The recorded udata portal (``udata_server.Portal``), at ``portal.url``; its ``records``
    may change before and between runs."""
    p = Portal(udata_records())
    p.url = p.install(httpserver)
    return p


@pytest.fixture
def rdf_catalogue(httpserver):
    """The hand-written DCAT catalogue (``dcat_server.Catalogue``), at ``rdf_catalogue.url``;
    its ``pages`` may change before and between runs."""
    return RdfCatalogue.served(httpserver)


# what an agenda's events answer in every test (``GET /v2/agendas/<uid>/events``, which the
# OpenAgenda harvester reads for the date of the latest change): no event, unless a test puts
# events or a status in the state this fixture returns
AGENDA_EVENTS = re.compile(r"/v2/agendas/[0-9]+/events")


@pytest.fixture(autouse=True)
def agenda_events(httpserver):
    state = {"events": [], "status": 200, "body": None, "seen": []}

    def events(request):
        state["seen"].append(request.args.to_dict(flat=False))
        if state["status"] != 200:
            return Response('{"error": "events unavailable"}', status=state["status"],
                            content_type="application/json")
        body = state["body"] if state["body"] is not None else {
            "total": len(state["events"]), "events": state["events"][:1], "after": None}
        return Response(json.dumps(body), content_type="application/json")

    httpserver.expect_request(AGENDA_EVENTS).respond_with_handler(events)
    return state


# an OpenAgenda source that finds its agendas by a search
AGENDA_SEARCH = json.dumps({"key": "oa_pk_test", "search": "Poitiers"})


def serve_agenda(httpserver, agenda: dict) -> str:
    """OpenAgenda's API with one agenda, found by a search (:data:`AGENDA_SEARCH`) and read
    by its uid (the address of the API returned)."""
    httpserver.expect_request("/v2/agendas").respond_with_json(
        {"total": 1, "after": None, "agendas": [agenda]})
    httpserver.expect_request(f"/v2/agendas/{agenda['uid']}").respond_with_json(agenda)
    return httpserver.url_for("/v2")


def serve_transport(httpserver, records: list[dict]) -> str:
    """transport.data.gouv.fr's API listing ``records`` (read at each request, so they may
    change between runs), its GTFS file absent (404); the address of the API returned."""
    httpserver.expect_request("/gtfs/vitalis.zip").respond_with_data(b"absent", status=404)
    httpserver.expect_request("/api/datasets").respond_with_handler(
        lambda request: Response(json.dumps(records), content_type="application/json"))
    return httpserver.url_for("/")
