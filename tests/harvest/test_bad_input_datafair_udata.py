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
TEXT_LIST = "devrait être une liste\u00a0; la source donne un texte."


def datafair_record(slug=VERRE):
    return copy.deepcopy(next(r for r in datafair_records() if r["slug"] == slug))


def udata_record(slug="lieux-de-stationnement-de-grand-poitiers"):
    return copy.deepcopy(next(r for r in udata_records() if r["slug"] == slug))


# -- the shape of a record, in French (pure) ----------------------------------------------------
@pytest.mark.parametrize("change,message", [
    ({"keywords": 5}, "«\u00a0keywords\u00a0» devrait être une liste\u00a0; la source donne un "
                      "nombre."),
    ({"keywords": "verre, déchets"}, "«\u00a0keywords\u00a0» " + TEXT_LIST),
    ({"keywords": ["verre", None]}, "«\u00a0keywords[1]\u00a0» devrait être un texte\u00a0; la "
                                    "source donne null (vide)."),
    ({"keywords": [{"title": "verre"}]}, "«\u00a0keywords[0]\u00a0» devrait être un texte\u00a0; "
                                         "la source donne un objet."),
    ({"title": ["Bornes", "à verre"]}, "«\u00a0title\u00a0» devrait être un texte\u00a0; la source "
                                       "donne une liste."),
    ({"description": {"fr": "Bornes"}}, "«\u00a0description\u00a0» devrait être un texte\u00a0; la "
                                        "source donne un objet."),
    ({"topics": "Environnement"}, "«\u00a0topics\u00a0» " + TEXT_LIST),
    ({"topics": [None]}, "«\u00a0topics[0]\u00a0» devrait être un objet\u00a0; la source donne "
                         "null (vide)."),
    ({"topics": [{"title": ["Environnement"]}]}, "«\u00a0topics[0].title\u00a0» devrait être un "
                                                 "texte"),
    ({"license": "lov2"}, "«\u00a0license\u00a0» devrait être un objet\u00a0; la source donne un "
                          "texte."),
    ({"license": {"title": "LO", "href": ["https://x"]}}, "«\u00a0license.href\u00a0» devrait être "
                                                          "un texte\u00a0; la source donne une "
                                                          "liste."),
    ({"owner": "Grand Poitiers"}, "«\u00a0owner\u00a0» devrait être un objet\u00a0; la source "
                                  "donne un texte."),
    ({"temporal": {"start": 2020}}, "«\u00a0temporal.start\u00a0» devrait être un texte\u00a0; la "
                                    "source donne un nombre."),
    ({"attachments": {"name": "gtfs.zip"}}, "«\u00a0attachments\u00a0» devrait être une "
                                            "liste\u00a0; la source donne un objet."),
    ({"attachments": [None]}, "«\u00a0attachments[0]\u00a0» devrait être un objet\u00a0; la source "
                              "donne null (vide)."),
    ({"attachments": [{"url": {"href": "https://x"}}]},
     "«\u00a0attachments[0].url\u00a0» devrait être un texte\u00a0; la source donne un objet."),
    ({"file": {"name": ["a.csv"]}}, "«\u00a0file.name\u00a0» devrait être un texte"),
    ({"isMetaOnly": "non"}, "«\u00a0isMetaOnly\u00a0» devrait être true ou false ou un "
                            "nombre\u00a0; la source donne un texte."),
    ({"id": {"id": "x"}}, "«\u00a0id\u00a0» devrait être un texte ou un nombre\u00a0; la source "
                          "donne un objet."),
])
def test_a_datafair_record_of_another_shape_is_a_french_mapping_error(change, message):
    record = dict(datafair_record(), **change)
    with pytest.raises(datafair_mapping.DataFairMappingError) as e:
        datafair_mapping.map_dataset(record, API)
    assert message in str(e.value)


@pytest.mark.parametrize("change,message", [
    ({"tags": "parking"}, "«\u00a0tags\u00a0» " + TEXT_LIST),
    ({"tags": ["parking", None]}, "«\u00a0tags[1]\u00a0» devrait être un texte\u00a0; la source "
                                  "donne null (vide)."),
    ({"tags": [["parking"]]}, "«\u00a0tags[0]\u00a0» devrait être un texte\u00a0; la source donne "
                              "une liste."),
    ({"title": {"fr": "Parkings"}}, "«\u00a0title\u00a0» devrait être un texte\u00a0; la source "
                                    "donne un objet."),
    ({"license": ["lov2"]}, "«\u00a0license\u00a0» devrait être un texte\u00a0; la source donne "
                            "une liste."),
    ({"frequency": {"id": "daily"}}, "«\u00a0frequency\u00a0» devrait être un texte"),
    ({"resources": "stationnement.csv"}, "«\u00a0resources\u00a0» " + TEXT_LIST),
    ({"resources": [None]}, "«\u00a0resources[0]\u00a0» devrait être un objet\u00a0; la source "
                            "donne null (vide)."),
    ({"resources": [{"url": ["https://x/a.csv"]}]},
     "«\u00a0resources[0].url\u00a0» devrait être un texte\u00a0; la source donne une liste."),
    ({"resources": [{"url": "https://x/a.csv", "title": {"fr": "A"}}]},
     "«\u00a0resources[0].title\u00a0» devrait être un texte\u00a0; la source donne un objet."),
    ({"resources": [{"url": "https://x/a.csv", "schema": "etalab/schema-stationnement"}]},
     "«\u00a0resources[0].schema\u00a0» devrait être un objet\u00a0; la source donne un texte."),
    ({"organization": ["Grand Poitiers"]}, "«\u00a0organization\u00a0» devrait être un "
                                           "objet\u00a0; la source donne une liste."),
    ({"contact_points": {"name": "SIG"}}, "«\u00a0contact_points\u00a0» devrait être une liste"),
    ({"contact_points": [None]}, "«\u00a0contact_points[0]\u00a0» devrait être un objet\u00a0; la "
                                 "source donne null (vide)."),
    ({"contact_points": [{"email": ["sig@grandpoitiers.fr"]}]},
     "«\u00a0contact_points[0].email\u00a0» devrait être un texte"),
    ({"spatial": {"zones": "fr:commune:86194"}}, "«\u00a0spatial.zones\u00a0» " + TEXT_LIST),
    ({"spatial": {"zones": [{"id": "fr:commune:86194"}]}},
     "«\u00a0spatial.zones[0]\u00a0» devrait être un texte\u00a0; la source donne un objet."),
    ({"temporal_coverage": ["2021-01-01", "2025-12-31"]},
     "«\u00a0temporal_coverage\u00a0» devrait être un objet\u00a0; la source donne une liste."),
    ({"schema": {"name": ["etalab/schema-stationnement"]}}, "«\u00a0schema.name\u00a0» devrait "
                                                            "être un texte"),
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
    assert any("«\u00a0keywords\u00a0» devrait être une liste\u00a0; la source donne un "
               "nombre." in e
               and "«\u00a0attachments[0]\u00a0» devrait être un objet\u00a0; la source donne null "
                   "(vide)." in e
               for e in errors), errors
    assert any("«\u00a0title\u00a0» devrait être un texte\u00a0; la source donne une liste." in e
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
    assert any("«\u00a0resources\u00a0» " + TEXT_LIST in e for e in errors), errors
    assert any("«\u00a0tags[1]\u00a0» devrait être un texte\u00a0; la source donne null "
               "(vide)." in e
               and "«\u00a0organization\u00a0» devrait être un objet\u00a0; la source donne un "
                   "texte." in e
               for e in errors), errors
    assert len(errors) == 2 and gather_errors(job) == []
    found = datasets(runner.source.id)
    assert found["budget-primitif-ville-de-poitiers"]["title"] == "Budget primitif 2026"
    for name in ("lieux-de-stationnement-de-grand-poitiers", "defibrillateurs-grand-poitiers"):
        assert found[name]["metadata_modified"] == before[name]["metadata_modified"]
        assert found[name]["resources"] == before[name]["resources"]
    assert datasets(runner.source.id, state="deleted") == {}
    assert job.status == "Finished"
