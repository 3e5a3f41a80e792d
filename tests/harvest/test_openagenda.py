"""OpenAgenda: agendas by uid and by search (``after`` cursor) → datasets whose resources are
the exports and the API; mapping unit tests and the harvester through the real path."""
from __future__ import annotations

import json
import os

import pytest
from ckan.plugins import get_plugin, toolkit
from ckan.tests import factories
from werkzeug import Response

from ckanext.poitiers.harvesters import openagenda_mapping as m
from tests.harvest.conftest import shared_fixture
from tests.harvest.test_datafair_harvest import datasets, gather_errors

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")
API = "https://api.openagenda.com/v2"


def load(name):
    with open(os.path.join(FIXTURES, "openagenda", name), encoding="utf-8") as f:
        return json.load(f)


def test_agenda_mapping():
    d = m.map_agenda(load("agenda.json"), API, "lov2")
    assert d["name"] == "agenda-sortir-a-poitiers"
    assert d["url"] == "https://openagenda.com/sortir-a-poitiers"
    assert "<script" not in d["notes"]
    assert d["poitiers_theme"] == ["culture-agenda"]
    assert d["frequency"].endswith("/UPDATE_CONT")
    assert [(r["format"], r["resource_kind"]) for r in d["resources"]] == [
        ("CSV", "file"), ("JSON", "file"), ("ICS", "file"), ("XLSX", "file"),
        ("JSON", "api"), ("HTML", "documentation")]
    assert d["resources"][4]["url"] == f"{API}/agendas/88120345/events"


def test_recorded_agenda():
    with open(shared_fixture("openagenda", "Erwane_openagenda-api__agendas_agenda.json"),
              encoding="utf-8") as f:
        d = m.map_agenda(json.load(f), API, "notspecified")
    assert d["title"] == "La Semaine Nationale de la Petite Enfance"
    assert [r["url"] for r in d["resources"][:4]] == [
        f"https://openagenda.com/agendas/41648/events.v2.{ext}"
        for ext in ("csv", "json", "ics", "xlsx")]


@pytest.fixture
def harvester():
    return get_plugin("poitiers_openagenda_harvester")


@pytest.mark.integration
def test_agendas_by_uid_and_by_search(httpserver, make_runner, harvester):
    seen = []

    def agendas(request):
        seen.append(request.args.to_dict(flat=False))
        if request.args.get("key") != "oa_pk_test":
            return Response('{"error": "invalid key"}', status=403)
        page = "agendas_page2.json" if request.args.getlist("after[]") else "agendas_page1.json"
        return Response(json.dumps(load(page)), content_type="application/json")

    httpserver.expect_request("/v2/agendas/88120345").respond_with_json(load("agenda.json"))
    httpserver.expect_request("/v2/agendas").respond_with_handler(agendas)
    config = json.dumps({"key": "oa_pk_test", "agendas": ["88120345"], "search": "Poitiers",
                         "license_id": "lov2"})
    runner = make_runner(harvester, httpserver.url_for("/v2"), config)
    job, results = runner.run()
    assert gather_errors(job) == []
    found = datasets(runner.source.id)
    assert sorted(found) == ["agenda-fete-de-la-science-poitiers",
                             "agenda-mediatheques-grand-poitiers", "agenda-sortir-a-poitiers"]
    assert seen[1]["after[]"] == ["1", "55501234"]
    assert found["agenda-sortir-a-poitiers"]["license_id"] == "lov2"
    job, results = runner.run()
    assert results == {}  # unchanged: skipped at gather time


@pytest.mark.integration
def test_config_needs_a_key_and_agendas(organization, httpserver):
    sysadmin = factories.Sysadmin()
    with pytest.raises(toolkit.ValidationError) as e:
        toolkit.get_action("harvest_source_create")(
            {"user": sysadmin["name"]},
            {"name": "agenda", "title": "Agenda", "url": httpserver.url_for("/v2"),
             "source_type": "poitiers_openagenda", "config": "{}",
             "owner_org": organization["id"]},
        )
    text = json.dumps(e.value.error_dict, ensure_ascii=False)
    assert "« key »" in text and "« agendas »" in text


@pytest.mark.integration
def test_original_url_of_a_harvested_agenda(httpserver, make_runner, harvester):
    httpserver.expect_request("/v2/agendas/88120345").respond_with_json(load("agenda.json"))
    config = json.dumps({"key": "oa_pk_test", "agendas": ["88120345"]})
    runner = make_runner(harvester, httpserver.url_for("/v2"), config)
    _job, results = runner.run()
    [result] = results.values()
    assert harvester.get_original_url(result["obj_id"]) == (
        "https://openagenda.com/sortir-a-poitiers")
