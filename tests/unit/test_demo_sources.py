"""The demo's harvest payloads: generated from demo.yaml, in the shape the harvesters read, and
served by the local demo server like the real APIs."""
from __future__ import annotations

import json
import os
import urllib.request

import pytest
import yaml

from ckanext.poitiers import demo_sources
from ckanext.poitiers.harvesters import datafair_mapping, udata_mapping


def _demo():
    with open(demo_sources.DEMO_FILE, encoding="utf-8") as f:
        return yaml.safe_load(f)


def test_shipped_payloads_are_those_generated_from_demo_yaml():
    built = demo_sources.build(_demo(), demo_sources.read_sources())
    for name, records in built.items():
        with open(os.path.join(demo_sources.SOURCES_DIR, name), encoding="utf-8") as f:
            assert json.load(f) == records, (
                f"{name} is stale: run python -m ckanext.poitiers.demo_sources")


def test_each_source_brings_the_datasets_of_its_organisation_and_no_other():
    demo = _demo()
    covered = demo_sources.covered_names()
    for source in demo_sources.read_sources():
        names = {e["name"] for e in demo["datasets"] if e["owner_org"] == source["owner_org"]}
        assert names and names <= covered
    others = {e["name"] for e in demo["datasets"]
              if e["owner_org"] not in {s["owner_org"] for s in demo_sources.read_sources()}}
    assert others and not others & covered


def test_datafair_payload_maps_to_the_poitiers_fields():
    api = "http://127.0.0.1:1/data-fair/api/v1"
    source = demo_sources.read_sources()[0]
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
    source = demo_sources.read_sources()[1]
    entry = next(e for e in _demo()["datasets"]
                 if e["name"] == "deliberations-conseil-municipal-poitiers")
    mapped = udata_mapping.map_dataset(demo_sources.udata_record(entry, source))
    assert mapped["communes"] == ["86194"]
    assert mapped["granularity"] == "commune"
    assert mapped["poitiers_theme"] == ["democratie-locale"]
    assert mapped["contact"][0]["email"] == entry["contact_email"]
    assert len(mapped["resources"]) == len(entry["resources"])


def _get(url):
    with urllib.request.urlopen(url, timeout=5) as resp:
        return json.load(resp)


def test_server_pages_datafair_and_udata_like_the_real_apis(demo_server_url):
    server = demo_server_url
    first = _get(f"{server}/data-fair/api/v1/datasets?size=5&page=1"
                 "&owner=organization:grandpoitiers")
    assert first["count"] == 11 and len(first["results"]) == 5
    last = _get(f"{server}/data-fair/api/v1/datasets?size=5&page=3")
    assert len(last["results"]) == 1
    assert _get(f"{server}/data-fair/api/v1/datasets?owner=organization:autre")["count"] == 0
    org = demo_sources.read_sources()[1]["udata_organization"]["id"]
    page = _get(f"{server}/api/1/datasets/?organization={org}&page_size=5")
    assert page["total"] == 12 and len(page["data"]) == 5
    assert page["next_page"].startswith(f"{server}/api/1/datasets/?")
    seen = len(page["data"])
    while page["next_page"]:
        page = _get(page["next_page"])
        seen += len(page["data"])
    assert seen == 12
    with pytest.raises(urllib.error.HTTPError) as err:
        _get(f"{server}/etc/passwd")
    assert err.value.code == 404
