"""udata mapping on hand-written payloads in the real shape, and on the recorded payload."""
from __future__ import annotations

import json

import pytest

from ckanext.poitiers.harvesters import udata_mapping as m
from tests.harvest.conftest import shared_fixture
from tests.harvest.udata_server import load_records

EU = "http://publications.europa.eu/resource/authority/"


def test_full_record():
    d = m.map_dataset(load_records()[0])
    assert d["title"] == "Lieux de stationnement de Grand Poitiers"
    assert d["name"] == "lieux-de-stationnement-de-grand-poitiers"
    assert "<iframe" not in d["notes"] and "**Grand Poitiers**" in d["notes"]
    assert d["license_id"] == "lov2"
    assert d["frequency"] == EU + "frequency/MONTHLY"
    assert d["temporal_coverage"] == [{"start": "2021-01-01", "end": "2025-12-31"}]
    assert d["communes"] == ["86194", "86041"]
    assert d["granularity"] == "commune"
    assert d["data_schema"] == "etalab/schema-stationnement"
    assert d["data_schema_version"] == "0.1.5"
    assert d["contact"] == [{"name": "Service SIG", "email": "sig@grandpoitiers.fr"}]
    assert d["publisher"][0]["name"] == "Grand Poitiers Open Data"
    assert [(r["format"], r["resource_kind"]) for r in d["resources"]] == [
        ("CSV", "file"), ("HTML", "documentation")]
    assert d["resources"][0]["size"] == 18234
    assert d["url"].startswith("https://www.data.gouv.fr/fr/datasets/")


def test_epci_point_and_legacy_frequency():
    d = m.map_dataset(load_records()[3])
    assert d["communes"] == ["200069854"]
    assert d["granularity"] == "point"
    assert d["frequency"] == EU + "frequency/UPDATE_CONT"
    assert d["license_id"] == "fr-lo"
    assert d["resources"][0]["format"] == "GeoJSON"


def test_missing_title_is_a_french_error():
    with pytest.raises(m.UdataMappingError, match="n’a pas de titre"):
        m.map_dataset({"id": "x", "title": "  <b></b> "})


def test_guid_and_api_base():
    assert m.api_base("https://www.data.gouv.fr/") == "https://www.data.gouv.fr/api/1"
    assert m.api_base("https://demo.data.gouv.fr/api/1/datasets/") == (
        "https://demo.data.gouv.fr/api/1")
    assert m.guid({"id": "abc"}, "https://www.data.gouv.fr/api/1") == (
        "https://www.data.gouv.fr/api/1/datasets/abc/")


def test_recorded_datagouv_dataset():
    path = shared_fixture("datagouv_udata", "datagouv_client__dataset_metadata.json")
    with open(path, encoding="utf-8") as f:
        record = json.load(f)
    d = m.map_dataset(record)
    assert d["title"] == "Catalogue des données de data.gouv.fr"
    assert d["license_id"] == "lov2"
    assert d["frequency"] == EU + "frequency/WEEKLY"
    assert len(d["resources"]) == len(record["resources"])
    assert all(r["url"].startswith("https://") for r in d["resources"])
    assert {r["format"] for r in d["resources"]} <= {"CSV", "JSON", "ZIP", "XLSX", "PARQUET",
                                                       "Parquet", "XML", "HTML", "JSONL"}


def test_hosted_files_keep_their_permanent_link_and_date_in_utc():
    record = load_records()[0]
    main, documentation = m.map_dataset(record)["resources"]
    # the hosted file: data.gouv.fr's permanent link, not the dated address of this upload
    assert main["url"] == "https://www.data.gouv.fr/fr/datasets/r/b1c2d3e4-0000-4000-8000-000000000001"
    assert main["format"] == "CSV"
    assert main["last_modified"] == "2025-09-01T08:00:00"
    # a remote page keeps its own address
    assert documentation["url"] == "https://schema.data.gouv.fr/etalab/schema-stationnement/"
    record["resources"][0]["last_modified"] = "2025-09-01T10:00:00+02:00"
    assert m.map_dataset(record)["resources"][0]["last_modified"] == "2025-09-01T08:00:00"


def test_a_file_without_its_own_date_takes_the_date_the_dataset_last_changed():
    record = load_records()[0]
    record["last_update"] = "2025-10-01T10:00:00+02:00"
    del record["resources"][0]["last_modified"]
    main, documentation = m.map_dataset(record)["resources"]
    assert main["last_modified"] == "2025-10-01T08:00:00"  # not the harvest's date later on
    assert "last_modified" not in documentation  # a page about the data is not the data
    # its own date not a date: the dataset's date, as for the other harvesters (DCAT)
    record["resources"][0]["last_modified"] = "hier"
    assert m.map_dataset(record)["resources"][0]["last_modified"] == "2025-10-01T08:00:00"
    record["last_update"] = "pas une date"
    assert "last_modified" not in m.map_dataset(record)["resources"][0]


@pytest.mark.parametrize(("resource", "expected"), [
    ({"url": "u", "resource_kind": "file"}, "2025-10-01T08:00:00"),
    ({"url": "u", "resource_kind": "api"}, "2025-10-01T08:00:00"),
    ({"url": "u"}, "2025-10-01T08:00:00"),
    ({"url": "u", "resource_kind": "file", "last_modified": "2025-09-01T08:00:00"},
     "2025-09-01T08:00:00"),
    ({"url": "u", "resource_kind": "documentation"}, None),
])
def test_a_resource_without_a_date_takes_the_datasets_documentation_excepted(resource,
                                                                            expected):
    from ckanext.poitiers.harvesters.common_mapping import dated

    assert dated(resource, "2025-10-01T08:00:00").get("last_modified") == expected
    assert dated(resource, None) == resource


def test_recorded_licences_of_data_gouv_fr_map_to_the_same_licence():
    path = shared_fixture("datagouv_udata", "datagouv_licenses_frequencies_granularities.json")
    with open(path, encoding="utf-8") as f:
        recorded = json.load(f)
    from ckanext.poitiers.vocabularies import remote

    wrong = {}
    for lic in recorded["licenses"]:
        spellings = [lic["id"], lic["title"], lic["url"], *lic["alternate_titles"],
                     *lic["alternate_urls"]]
        for spelling in spellings:
            # « Licence Ouverte (Etalab) » is Licence Ouverte 1.0 on OpenDataSoft portals
            if (spelling and spelling != "Licence Ouverte (Etalab)"
                    and remote.licence_id(spelling) != lic["id"]):
                wrong[spelling] = remote.licence_id(spelling)
    assert wrong == {}
    # every frequency data.gouv.fr has sent is one of ours
    assert all(remote.frequency_uri(f["id"]) for f in recorded["frequencies_legacy_snapshot"])


def test_recorded_datagouv_resources_permanent_links_and_dates():
    path = shared_fixture("datagouv_udata", "datagouv_client__dataset_metadata.json")
    with open(path, encoding="utf-8") as f:
        record = json.load(f)
    resources = m.map_dataset(record)["resources"]
    assert [r["url"] for r in resources] == [r["latest"] for r in record["resources"]]
    assert resources[0]["last_modified"] == "2025-04-07T07:49:37.212000"
    assert resources[0]["size"] == 176653507


def test_public_domain_and_attribution_licences_are_not_flattened():
    record = dict(load_records()[0])
    for udata_id in ("other-pd", "other-at", "odc-pddl"):
        record["license"] = udata_id
        assert m.map_dataset(record)["license_id"] == udata_id


def test_schema_declared_on_resources_and_unknown_schemas():
    record = json.loads(json.dumps(load_records()[3]))  # no schema on the dataset
    record["resources"][0]["schema"] = {"name": "atlasante/schema-dae", "version": "1.0.7"}
    d = m.map_dataset(record)
    # data.gouv.fr mostly declares a schema on the resources that follow it
    assert (d["data_schema"], d["data_schema_version"]) == ("atlasante/schema-dae", "1.0.7")
    assert d["resources"][0]["conforms_to_schema"] is True
    # a version we do not know is left out, not the schema
    record["resources"][0]["schema"]["version"] = "9.9.9"
    d = m.map_dataset(record)
    assert d["data_schema"] == "atlasante/schema-dae" and "data_schema_version" not in d
    # a schema outside our vocabulary is left out (the dataset schema would refuse the record)
    record["resources"][0]["schema"] = {"name": "etalab/schema-inconnu", "version": "1.0"}
    d = m.map_dataset(record)
    assert "data_schema" not in d and "conforms_to_schema" not in d["resources"][0]
    first = load_records()[0]
    assert m.map_dataset(first)["resources"][0]["conforms_to_schema"] is True
    assert "conforms_to_schema" not in m.map_dataset(first)["resources"][1]


def test_recorded_datagouv_resource_schemas_without_name():
    path = shared_fixture("datagouv_udata", "datagouv_client__dataset_metadata.json")
    with open(path, encoding="utf-8") as f:
        record = json.load(f)
    # two resources carry {"name": null, "url": null, "version": null}: no schema
    assert any(r.get("schema") == {"name": None, "url": None, "version": None}
               for r in record["resources"])
    d = m.map_dataset(record)
    assert "data_schema" not in d
    assert not any("conforms_to_schema" in r for r in d["resources"])


@pytest.mark.parametrize("zones,communes,places", [
    (["fr:departement:86"], ["200069854"], ["Vienne"]),
    (["fr:departement:86@1860-07-01", "fr:commune:86194"], ["200069854"], ["Vienne"]),
    (["fr:region:75", "fr:departement:86"], ["200069854"], ["Nouvelle-Aquitaine", "Vienne"]),
    (["fr:region:54@1970-01-09"], ["200069854"], ["Poitou-Charentes"]),
    (["country:fr"], ["200069854"], ["France"]),
    # other départements and régions say nothing of Grand Poitiers
    (["fr:departement:79", "fr:commune:86194"], ["86194"], None),
    (["fr:region:11"], None, None),
])
def test_zones_containing_grand_poitiers(zones, communes, places):
    record = dict(load_records()[0], spatial={"zones": zones, "granularity": "fr:departement"})
    d = m.map_dataset(record)
    assert d.get("communes") == communes
    if places:
        assert [c["text"] for c in d["spatial_coverage"]] == places
    else:
        assert "spatial_coverage" not in d
    assert "granularity" not in d  # no département or région granularity in our vocabulary
