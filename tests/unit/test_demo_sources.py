"""The demo's harvest payloads: generated from demo.yaml, in the shape the harvesters read, and
served by the local demo server like the real APIs."""
from __future__ import annotations

import json
import os
import urllib.request

import pytest
import yaml

from ckanext.poitiers import demo_sources
from ckanext.poitiers.harvesters import (
    datafair_mapping,
    gtfs_facts,
    openagenda_mapping,
    transport_mapping,
    udata_mapping,
)


def _demo():
    with open(demo_sources.DEMO_FILE, encoding="utf-8") as f:
        return yaml.safe_load(f)


def test_shipped_payloads_are_those_generated_from_demo_yaml():
    built = demo_sources.build(_demo(), demo_sources.read_sources())
    for name, records in built.items():
        with open(os.path.join(demo_sources.SOURCES_DIR, name), encoding="utf-8") as f:
            assert json.load(f) == records, (
                f"{name} is stale: run python -m ckanext.poitiers.demo_sources")


def test_each_source_brings_its_named_datasets_or_those_of_its_organisation():
    demo = _demo()
    sources = demo_sources.read_sources()
    covered = demo_sources.covered_names()
    named = {n for s in sources for n in s.get("datasets") or []}
    brought = {}
    for source in sources:
        names = {e["name"] for e in demo_sources.brought(demo, source, sources)}
        assert names and names <= covered
        if source.get("datasets"):
            assert names == set(source["datasets"])
        else:  # the rest of its organisation
            assert names == {e["name"] for e in demo["datasets"]
                             if e["owner_org"] == source["owner_org"]} - named
        for name in names:  # no dataset is brought by two sources
            assert name not in brought, (name, brought.get(name), source["name"])
            brought[name] = source["name"]
    assert set(brought) == covered
    others = {e["name"] for e in demo["datasets"]
              if e["owner_org"] not in {s["owner_org"] for s in sources}}
    assert others and not others & covered


def test_datafair_payload_maps_to_the_poitiers_fields():
    api = "http://127.0.0.1:1/data-fair/api/v1"
    source = _source("datafair")
    entry = next(e for e in _demo()["datasets"]
                 if e["name"] == "offre-de-transport-du-reseau-vitalis")
    mapped = datafair_mapping.map_dataset(demo_sources.datafair_record(entry, source), api)
    assert mapped["name"] == entry["name"]
    assert mapped["license_id"] == "odc-odbl"
    assert mapped["communes"] == ["200069854"]
    assert mapped["poitiers_theme"] == ["mobilite"]
    assert mapped["theme"][0].endswith("/TRAN")
    assert {r["format"] for r in mapped["resources"]} == {"GTFS", "GTFS-RT"}


def test_udata_payload_maps_to_the_poitiers_fields():
    source = _source("udata")
    entry = next(e for e in _demo()["datasets"]
                 if e["name"] == "deliberations-conseil-municipal-poitiers")
    mapped = udata_mapping.map_dataset(demo_sources.udata_record(entry, source))
    assert mapped["communes"] == ["86194"]
    assert mapped["granularity"] == "commune"
    assert mapped["poitiers_theme"] == ["democratie-locale"]
    assert mapped["contact"][0]["email"] == entry["contact_email"]
    assert len(mapped["resources"]) == len(entry["resources"])


def _source(api):
    return next(s for s in demo_sources.read_sources() if s["api"] == api)


def test_transport_payload_maps_to_the_poitiers_fields():
    entry = next(e for e in _demo()["datasets"]
                 if e["name"] == "offre-de-transport-du-reseau-vitalis")
    record = demo_sources.transport_record(entry, _source("transport"))
    assert transport_mapping.covers(record, {"200069854"})
    assert transport_mapping.first_gtfs(record)["url"] == (
        "{server}/transport/resources/offre-de-transport-du-reseau-vitalis.zip")
    mapped = transport_mapping.map_dataset(record)
    assert mapped["name"] == entry["name"]
    assert mapped["license_id"] == "odc-odbl"
    assert mapped["communes"] == ["200069854"]
    assert mapped["poitiers_theme"] == ["mobilite"]
    assert [r["format"] for r in mapped["resources"]] == ["GTFS", "GTFS-RT"]


def test_openagenda_payload_maps_to_the_dataset_of_the_same_name():
    source = _source("openagenda")
    entry = next(e for e in _demo()["datasets"] if e["name"] == "agenda-culturel-poitiers")
    record = demo_sources.openagenda_record(entry, source)
    assert str(record["uid"]) in source["config"]["agendas"]
    mapped = openagenda_mapping.map_agenda(record, "http://127.0.0.1:1/openagenda/v2", "lov2")
    assert mapped["name"] == entry["name"]
    assert mapped["title"] == entry["title"]
    assert mapped["poitiers_theme"] == ["culture-agenda"]
    with pytest.raises(ValueError, match="agenda-"):
        demo_sources.openagenda_record(dict(entry, name="culture"), source)


def test_dcat_payload_is_an_opendatasoft_export_that_ckanext_dcat_reads():
    from ckanext.dcat.processors import RDFParser
    from ckanext.poitiers.harvesters import dcat_mapping

    source = _source("dcat")
    entry = next(e for e in _demo()["datasets"] if e["name"] == "toilettes-publiques-de-chauvigny")
    rdf = demo_sources.dcat_rdf([demo_sources.dcat_record(entry, source)],
                                "https://donnees.chauvigny.invalid/explore/")
    parser = RDFParser(profiles=["euro_dcat_ap_3", "poitiers"])
    parser.parse(rdf, _format="xml")
    [dataset] = list(parser.datasets())
    mapped = dcat_mapping.map_dataset(dataset)
    assert mapped["title"] == entry["title"]
    assert mapped["license_id"] == "lov2"
    assert mapped["communes"] == ["86070"]
    assert mapped["poitiers_theme"] == ["sante", "sport-loisirs"]
    assert mapped["frequency"].endswith("/ANNUAL_2")
    assert [r["format"] for r in mapped["resources"]] == ["CSV", "GeoJSON"]
    # ckanext-dcat names a harvested dataset after its title: a demo dataset named otherwise
    # would be loaded twice (by the API and by the harvest)
    with pytest.raises(ValueError, match="named after its title"):
        demo_sources.dcat_record(dict(entry, name="toilettes"), source)


def _get(url):
    with urllib.request.urlopen(url, timeout=5) as resp:
        return json.load(resp)


def test_server_pages_datafair_and_udata_like_the_real_apis(demo_server_url):
    server = demo_server_url
    first = _get(f"{server}/data-fair/api/v1/datasets?size=5&page=1"
                 "&owner=organization:grandpoitiers")
    assert first["count"] == 10 and len(first["results"]) == 5
    last = _get(f"{server}/data-fair/api/v1/datasets?size=4&page=3")
    assert len(last["results"]) == 2
    assert _get(f"{server}/data-fair/api/v1/datasets?owner=organization:autre")["count"] == 0
    org = _source("udata")["udata_organization"]["id"]
    page = _get(f"{server}/api/1/datasets/?organization={org}&page_size=5")
    assert page["total"] == 11 and len(page["data"]) == 5
    assert page["next_page"].startswith(f"{server}/api/1/datasets/?")
    seen = len(page["data"])
    while page["next_page"]:
        page = _get(page["next_page"])
        seen += len(page["data"])
    assert seen == 11
    with pytest.raises(urllib.error.HTTPError) as err:
        _get(f"{server}/etc/passwd")
    assert err.value.code == 404


def test_server_answers_like_transport_and_openagenda(demo_server_url):
    server = demo_server_url
    listed = _get(f"{server}/transport/api/datasets")
    assert [d["slug"] for d in listed] == ["offre-de-transport-du-reseau-vitalis"]
    gtfs_url = transport_mapping.first_gtfs(listed[0])["url"]
    assert gtfs_url == f"{server}/transport/resources/offre-de-transport-du-reseau-vitalis.zip"
    with urllib.request.urlopen(gtfs_url, timeout=5) as resp:
        assert resp.headers["Content-Type"] == "application/zip"
        facts = gtfs_facts.facts(resp.read(), gtfs_facts.MAX_UNCOMPRESSED, gtfs_facts.MAX_RATIO)
    assert facts["gtfs_routes_count"] == 4 and facts["gtfs_stops_count"] == 12
    # the days with a bus: the week calendar ends on Sunday 5 July, the last bus runs on Saturday
    assert (facts["gtfs_start_date"], facts["gtfs_end_date"]) == ("2025-09-01", "2026-07-04")
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(f"{server}/transport/resources/inconnu.zip", timeout=5)
    assert err.value.code == 404

    uid = _source("openagenda")["config"]["agendas"][0]
    agenda = _get(f"{server}/openagenda/v2/agendas/{uid}?key=oa_pk_x")
    assert str(agenda["uid"]) == uid and agenda["slug"] == "culturel-poitiers"
    # one event stands for the agenda's events: the harvest reads the latest change
    events = _get(f"{server}/openagenda/v2/agendas/{uid}/events?key=oa_pk_x")["events"]
    assert [e["updatedAt"] for e in events] == [agenda["updatedAt"]]
    found = _get(f"{server}/openagenda/v2/agendas?key=oa_pk_x&search=culturel")
    assert [str(a["uid"]) for a in found["agendas"]] == [uid] and found["after"] is None
    assert _get(f"{server}/openagenda/v2/agendas?key=oa_pk_x&search=piscine")["total"] == 0
    for path in (f"/openagenda/v2/agendas/{uid}", f"/openagenda/v2/agendas/{uid}/events",
                 "/openagenda/v2/agendas?search=x"):
        with pytest.raises(urllib.error.HTTPError) as err:
            _get(server + path)  # no key
        assert err.value.code == 401
    with pytest.raises(urllib.error.HTTPError) as err:
        _get(f"{server}/openagenda/v2/agendas/1?key=oa_pk_x")
    assert err.value.code == 404

    with urllib.request.urlopen(server + _source("dcat")["path"], timeout=5) as resp:
        assert resp.headers["Content-Type"].startswith("application/rdf+xml")
        assert b"toilettes-publiques-de-chauvigny" in resp.read()
