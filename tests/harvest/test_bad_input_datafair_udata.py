"""Bad input of the Data Fair and udata harvesters: fields of another JSON type than the
harvester reads (lists where texts are expected, texts where lists are, null items, objects
where texts are). Each is a French record error naming the field; the job goes on with the
other records and nothing is withdrawn for it. The SHAPEs accept every recorded payload (the
replays of ../shared/fixtures in test_udata_mapping.py and the fixtures below)."""
from __future__ import annotations

import copy
import json

import pytest
from ckan.plugins import get_plugin

from ckanext.poitiers.harvesters import datafair_mapping, udata_mapping
from ckanext.poitiers.harvesters.common_mapping import shape_errors
from tests.harvest.conftest import shared_fixture
from tests.harvest.datafair_server import Catalogue
from tests.harvest.datafair_server import load_records as datafair_records
from tests.harvest.test_datafair_harvest import (
    PARKINGS,
    VERRE,
    VITALIS,
    datasets,
    gather_errors,
    object_errors,
)
from tests.harvest.udata_server import Portal
from tests.harvest.udata_server import load_records as udata_records

API = "https://data.grandpoitiers.fr/data-fair/api/v1"
TEXT_LIST = "devrait être une liste ; la source donne un texte."


def datafair_record(slug=VERRE):
    return copy.deepcopy(next(r for r in datafair_records() if r["slug"] == slug))


def udata_record(slug="lieux-de-stationnement-de-grand-poitiers"):
    return copy.deepcopy(next(r for r in udata_records() if r["slug"] == slug))


# -- the shape of a record, in French (pure) ----------------------------------------------------
@pytest.mark.parametrize("change,message", [
    ({"keywords": 5}, "« keywords » devrait être une liste ; la source donne un nombre."),
    ({"keywords": "verre, déchets"}, "« keywords » " + TEXT_LIST),
    ({"keywords": ["verre", None]}, "« keywords[1] » devrait être un texte ; la source donne "
                                    "null (vide)."),
    ({"keywords": [{"title": "verre"}]}, "« keywords[0] » devrait être un texte ; la source "
                                         "donne un objet."),
    ({"title": ["Bornes", "à verre"]}, "« title » devrait être un texte ; la source donne une "
                                       "liste."),
    ({"description": {"fr": "Bornes"}}, "« description » devrait être un texte ; la source "
                                        "donne un objet."),
    ({"topics": "Environnement"}, "« topics » " + TEXT_LIST),
    ({"topics": [None]}, "« topics[0] » devrait être un objet ; la source donne null (vide)."),
    ({"topics": [{"title": ["Environnement"]}]}, "« topics[0].title » devrait être un texte"),
    ({"license": "lov2"}, "« license » devrait être un objet ; la source donne un texte."),
    ({"license": {"title": "LO", "href": ["https://x"]}}, "« license.href » devrait être un "
                                                          "texte ; la source donne une liste."),
    ({"owner": "Grand Poitiers"}, "« owner » devrait être un objet ; la source donne un texte."),
    ({"temporal": {"start": 2020}}, "« temporal.start » devrait être un texte ; la source donne "
                                    "un nombre."),
    ({"attachments": {"name": "gtfs.zip"}}, "« attachments » devrait être une liste ; la source "
                                            "donne un objet."),
    ({"attachments": [None]}, "« attachments[0] » devrait être un objet ; la source donne "
                              "null (vide)."),
    ({"attachments": [{"url": {"href": "https://x"}}]},
     "« attachments[0].url » devrait être un texte ; la source donne un objet."),
    ({"file": {"name": ["a.csv"]}}, "« file.name » devrait être un texte"),
    ({"isMetaOnly": "non"}, "« isMetaOnly » devrait être true ou false ou un nombre ; la source "
                            "donne un texte."),
    ({"id": {"id": "x"}}, "« id » devrait être un texte ou un nombre ; la source donne un objet."),
])
def test_a_datafair_record_of_another_shape_is_a_french_mapping_error(change, message):
    record = dict(datafair_record(), **change)
    with pytest.raises(datafair_mapping.DataFairMappingError) as e:
        datafair_mapping.map_dataset(record, API)
    assert message in str(e.value)


@pytest.mark.parametrize("change,message", [
    ({"tags": "parking"}, "« tags » " + TEXT_LIST),
    ({"tags": ["parking", None]}, "« tags[1] » devrait être un texte ; la source donne null "
                                  "(vide)."),
    ({"tags": [["parking"]]}, "« tags[0] » devrait être un texte ; la source donne une liste."),
    ({"title": {"fr": "Parkings"}}, "« title » devrait être un texte ; la source donne un "
                                    "objet."),
    ({"license": ["lov2"]}, "« license » devrait être un texte ; la source donne une liste."),
    ({"frequency": {"id": "daily"}}, "« frequency » devrait être un texte"),
    ({"resources": "stationnement.csv"}, "« resources » " + TEXT_LIST),
    ({"resources": [None]}, "« resources[0] » devrait être un objet ; la source donne null "
                            "(vide)."),
    ({"resources": [{"url": ["https://x/a.csv"]}]},
     "« resources[0].url » devrait être un texte ; la source donne une liste."),
    ({"resources": [{"url": "https://x/a.csv", "title": {"fr": "A"}}]},
     "« resources[0].title » devrait être un texte ; la source donne un objet."),
    ({"resources": [{"url": "https://x/a.csv", "schema": "etalab/schema-stationnement"}]},
     "« resources[0].schema » devrait être un objet ; la source donne un texte."),
    ({"organization": ["Grand Poitiers"]}, "« organization » devrait être un objet ; la source "
                                           "donne une liste."),
    ({"contact_points": {"name": "SIG"}}, "« contact_points » devrait être une liste"),
    ({"contact_points": [None]}, "« contact_points[0] » devrait être un objet ; la source donne "
                                 "null (vide)."),
    ({"contact_points": [{"email": ["sig@grandpoitiers.fr"]}]},
     "« contact_points[0].email » devrait être un texte"),
    ({"spatial": {"zones": "fr:commune:86194"}}, "« spatial.zones » " + TEXT_LIST),
    ({"spatial": {"zones": [{"id": "fr:commune:86194"}]}},
     "« spatial.zones[0] » devrait être un texte ; la source donne un objet."),
    ({"temporal_coverage": ["2021-01-01", "2025-12-31"]},
     "« temporal_coverage » devrait être un objet ; la source donne une liste."),
    ({"schema": {"name": ["etalab/schema-stationnement"]}}, "« schema.name » devrait être un "
                                                            "texte"),
])
def test_a_udata_record_of_another_shape_is_a_french_mapping_error(change, message):
    record = dict(udata_record(), **change)
    with pytest.raises(udata_mapping.UdataMappingError) as e:
        udata_mapping.map_dataset(record)
    assert message in str(e.value)


def test_null_fields_are_read_as_absent():
    record = dict(udata_record(), tags=None, resources=None, spatial=None, organization=None,
                  contact_points=None, schema=None, temporal_coverage=None, frequency=None)
    mapped = udata_mapping.map_dataset(record)
    assert "resources" not in mapped and "tags" not in mapped
    record = dict(datafair_record(), keywords=None, topics=None, attachments=None, owner=None,
                  license=None, temporal=None, file=None, originalFile=None)
    assert datafair_mapping.map_dataset(record, API)["title"]


def test_the_shapes_accept_every_recorded_payload():
    with open(shared_fixture("datagouv_udata", "datagouv_client__dataset_metadata.json"),
              encoding="utf-8") as f:
        recorded = json.load(f)
    for name in ("api1", "api2"):
        with open(shared_fixture("datagouv_udata",
                                 f"datagouv_client__resource_metadata_{name}.json"),
                  encoding="utf-8") as f:
            resource = json.load(f)
        recorded["resources"].append(resource.get("resource", resource))
    assert shape_errors(recorded, udata_mapping.SHAPE) == []
    assert udata_mapping.map_dataset(recorded)["title"]
    for record in udata_records():
        assert shape_errors(record, udata_mapping.SHAPE) == []
    for record in datafair_records():
        assert shape_errors(record, datafair_mapping.SHAPE) == []


# -- through the real path ----------------------------------------------------------------------
@pytest.mark.integration
def test_datafair_records_of_another_shape_do_not_stop_the_job(httpserver, make_runner):
    records = datafair_records()
    catalogue = Catalogue(records)
    runner = make_runner(get_plugin("poitiers_datafair_harvester"),
                         catalogue.install(httpserver))
    runner.run()
    before = datasets(runner.source.id)
    assert sorted(before) == sorted([VITALIS, PARKINGS, VERRE])
    by_slug = {r["slug"]: r for r in records}
    by_slug[VITALIS]["keywords"] = 42
    by_slug[VITALIS]["attachments"] = [None]
    by_slug[PARKINGS]["title"] = ["Parkings", "temps réel"]
    by_slug[VERRE]["title"] = "Bornes à verre (mis à jour)"
    job, _results = runner.run()
    errors = object_errors(job)
    assert any("« keywords » devrait être une liste ; la source donne un nombre." in e
               and "« attachments[0] » devrait être un objet ; la source donne null (vide)." in e
               for e in errors), errors
    assert any("« title » devrait être un texte ; la source donne une liste." in e
               for e in errors), errors
    assert all("Traceback" not in e and "TypeError" not in e for e in errors)
    assert len(errors) == 2 and gather_errors(job) == []
    found = datasets(runner.source.id)
    # the good record is updated, the refused ones keep their datasets as they were
    assert found[VERRE]["title"] == "Bornes à verre (mis à jour)"
    assert found[PARKINGS]["title"] == before[PARKINGS]["title"]
    assert found[VITALIS]["metadata_modified"] == before[VITALIS]["metadata_modified"]
    assert datasets(runner.source.id, state="deleted") == {}
    assert job.status == "Finished"


@pytest.mark.integration
def test_udata_records_of_another_shape_do_not_stop_the_job(httpserver, make_runner):
    records = udata_records()
    portal = Portal(records)
    runner = make_runner(get_plugin("poitiers_udata_harvester"), portal.install(httpserver),
                         '{"organization": "5a0b1c2d3e4f5a6b7c8d9e0f"}')
    runner.run()
    before = datasets(runner.source.id)
    assert len(before) == 3
    by_slug = {r["slug"]: r for r in records}
    by_slug["lieux-de-stationnement-de-grand-poitiers"]["resources"] = "indisponible"
    by_slug["defibrillateurs-grand-poitiers"]["tags"] = ["dae", None]
    by_slug["defibrillateurs-grand-poitiers"]["organization"] = "Grand Poitiers"
    by_slug["budget-primitif-ville-de-poitiers"]["title"] = "Budget primitif 2026"
    job, _results = runner.run()
    errors = object_errors(job)
    assert any("« resources » " + TEXT_LIST in e for e in errors), errors
    assert any("« tags[1] » devrait être un texte ; la source donne null (vide)." in e
               and "« organization » devrait être un objet ; la source donne un texte." in e
               for e in errors), errors
    assert len(errors) == 2 and gather_errors(job) == []
    found = datasets(runner.source.id)
    assert found["budget-primitif-ville-de-poitiers"]["title"] == "Budget primitif 2026"
    for name in ("lieux-de-stationnement-de-grand-poitiers", "defibrillateurs-grand-poitiers"):
        assert found[name]["metadata_modified"] == before[name]["metadata_modified"]
        assert found[name]["resources"] == before[name]["resources"]
    assert datasets(runner.source.id, state="deleted") == {}
    assert job.status == "Finished"
