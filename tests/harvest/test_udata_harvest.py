"""udata harvester through the real path (CKAN, PostgreSQL, Solr, ckanext-harvest stages) against
a local udata portal paged with next_page."""
from __future__ import annotations

import json

import pytest
from ckan import model
from ckan.plugins import get_plugin, toolkit
from ckan.tests import factories
from werkzeug import Response

from ckanext.harvest.model import HarvestObjectError
from tests.harvest.conftest import shared_fixture
from tests.harvest.test_datafair_harvest import datasets, gather_errors, modified
from tests.harvest.udata_server import Portal, load_records

pytestmark = pytest.mark.integration
ORG = '{"organization": "5a0b1c2d3e4f5a6b7c8d9e0f", "page_size": 2}'


@pytest.fixture
def harvester():
    return get_plugin("poitiers_udata_harvester")


def test_organisation_datasets_are_harvested_across_pages(portal, make_runner, harvester):
    runner = make_runner(harvester, portal.url, ORG)
    job, results = runner.run()
    assert gather_errors(job) == []
    found = datasets(runner.source.id)
    # the archived dataset is not harvested
    assert sorted(found) == [
        "budget-primitif-ville-de-poitiers",
        "defibrillateurs-grand-poitiers",
        "lieux-de-stationnement-de-grand-poitiers",
    ]
    assert [p.get("page") for p in portal.seen_params] == ["1", "2"]
    parkings = found["lieux-de-stationnement-de-grand-poitiers"]
    assert parkings["license_id"] == "lov2"
    assert parkings["contact"][0]["email"] == "sig@grandpoitiers.fr"
    assert parkings["temporal_coverage"] == [{"start": "2021-01-01", "end": "2025-12-31"}]
    assert sorted(parkings["communes"]) == ["86041", "86194"]
    assert parkings["granularity"] == "commune"
    assert parkings["data_schema"] == "etalab/schema-stationnement"
    assert parkings["poitiers_theme"] == ["mobilite"]
    budget = found["budget-primitif-ville-de-poitiers"]
    assert budget["license_id"] == "odc-odbl" and budget["communes"] == ["200069854"]

    job, results = runner.run()
    assert results == {}  # unchanged: skipped at gather time


def test_vanished_dataset_withdrawn_only_after_complete_listing(portal, make_runner, harvester):
    runner = make_runner(harvester, portal.url, ORG)
    runner.run()
    before = modified(datasets(runner.source.id))
    # the second page fails: nothing withdrawn although page 1 no longer lists a dataset
    portal.records = portal.records[1:]
    portal.fail = lambda request: (
        Response("Bad gateway", status=502) if request.args.get("page") == "2" else None
    )
    job, _ = runner.run()
    assert "erreur HTTP 502" in gather_errors(job)[0]
    assert sorted(datasets(runner.source.id)) == sorted(before)
    # complete listing: now it is withdrawn
    portal.fail = None
    job, _ = runner.run()
    assert "lieux-de-stationnement-de-grand-poitiers" not in datasets(runner.source.id)
    assert "lieux-de-stationnement-de-grand-poitiers" in datasets(runner.source.id, "deleted")


def test_a_dataset_deleted_while_the_pages_are_read_withdraws_nothing(
        portal, make_runner, harvester):
    runner = make_runner(harvester, portal.url,
                         '{"organization": "5a0b1c2d3e4f5a6b7c8d9e0f", "page_size": 1}')
    runner.run()
    before = sorted(datasets(runner.source.id))
    records = list(portal.records)

    def deleted_after_page_one(request):
        # the first dataset is deleted on data.gouv.fr once page 1 is read: the second one
        # moves onto page 1, already read
        if request.args.get("page") == "2":
            portal.records = records[1:]
        return None

    portal.fail = deleted_after_page_one
    job, _ = runner.run()
    assert sorted(datasets(runner.source.id)) == before
    [error] = gather_errors(job)
    assert f"annonçait {len(records)} jeux de données mais en a listé" in error
    # read again whole: only the dataset really deleted is withdrawn
    portal.fail = None
    runner.run()
    assert len(datasets(runner.source.id)) == len(before) - 1


def test_next_page_off_the_source_is_refused(httpserver, make_runner, harvester):
    httpserver.expect_request("/api/1/datasets/").respond_with_json({
        "data": load_records()[:1], "page": 1, "page_size": 1, "total": 2,
        "next_page": "http://169.254.169.254/latest/meta-data/",
    })
    runner = make_runner(harvester, httpserver.url_for("/"), ORG)
    job, results = runner.run()
    errors = gather_errors(job)
    assert len(errors) == 1 and "hors de la source" in errors[0]
    assert len(results) == 1  # the dataset read before is imported, nothing else


def test_config_requires_an_organisation(organization, httpserver):
    sysadmin = factories.Sysadmin()
    with pytest.raises(toolkit.ValidationError) as e:
        toolkit.get_action("harvest_source_create")(
            {"user": sysadmin["name"]},
            {"name": "tout-data-gouv", "title": "Tout", "url": httpserver.url_for("/"),
             "source_type": "poitiers_udata", "config": "",
             "owner_org": organization["id"]},
        )
    assert "«\u00a0organization\u00a0»" in json.dumps(e.value.error_dict, ensure_ascii=False)


def test_a_source_without_organisation_saved_before_the_check_withdraws_nothing(
        portal, make_runner, harvester):
    runner = make_runner(harvester, portal.url, ORG)
    runner.run()
    before = sorted(datasets(runner.source.id))
    asked = len(portal.seen_params)
    # written to the database directly, as by an older version or a script: the whole
    # national portal would be listed, and the organisation's datasets withdrawn
    runner.source.config = json.dumps({"page_size": 50})
    model.Session.commit()
    job, results = runner.run()
    [error] = gather_errors(job)
    assert error.startswith("Configuration de la source invalide")
    assert "«\u00a0organization\u00a0»" in error
    assert results == {}
    assert len(portal.seen_params) == asked  # the portal was not asked
    assert sorted(datasets(runner.source.id)) == before


def test_recorded_datagouv_dataset_through_the_real_path(httpserver, make_runner, harvester):
    with open(shared_fixture("datagouv_udata", "datagouv_client__dataset_metadata.json"),
              encoding="utf-8") as f:
        record = json.load(f)
    httpserver.expect_request("/api/1/datasets/").respond_with_json({
        "data": [record], "page": 1, "page_size": 100, "total": 1, "next_page": None})
    # the recorded dataset has no tag: the source names the theme of what it harvests
    config = json.dumps({"organization": record["organization"]["id"],
                         "default_themes": ["numerique-tiers-lieux"]})
    runner = make_runner(harvester, httpserver.url_for("/"), config)
    job, results = runner.run()
    assert gather_errors(job) == []
    [dataset] = datasets(runner.source.id).values()
    assert dataset["title"] == "Catalogue des données de data.gouv.fr"
    assert dataset["license_id"] == "lov2"
    assert dataset["poitiers_theme"] == ["numerique-tiers-lieux"]
    assert len(dataset["resources"]) == len(record["resources"])


def test_recorded_dataset_new_upload_keeps_resource_ids(httpserver, make_runner, harvester):
    with open(shared_fixture("datagouv_udata", "datagouv_client__dataset_metadata.json"),
              encoding="utf-8") as f:
        record = json.load(f)
    served = {"data": [record], "page": 1, "page_size": 100, "total": 1, "next_page": None}
    httpserver.expect_request("/api/1/datasets/").respond_with_handler(
        lambda request: Response(json.dumps(served), content_type="application/json"))
    config = json.dumps({"organization": record["organization"]["id"],
                         "default_themes": ["numerique-tiers-lieux"]})
    runner = make_runner(harvester, httpserver.url_for("/"), config)
    runner.run()
    [first] = datasets(runner.source.id).values()
    assert [r["url"] for r in first["resources"]] == [r["latest"] for r in record["resources"]]
    assert first["resources"][0]["last_modified"] == "2025-04-07T07:49:37.212000"
    # unchanged: nothing written
    job, results = runner.run()
    [same] = datasets(runner.source.id).values()
    assert same["metadata_modified"] == first["metadata_modified"]
    # the weekly export is uploaded again: a new dated address, a new date
    record["resources"][0]["url"] = record["resources"][0]["url"].replace("20250407", "20250414")
    record["resources"][0]["last_modified"] = "2025-04-14T09:15:00+02:00"
    runner.run()
    [after] = datasets(runner.source.id).values()
    assert [r["id"] for r in after["resources"]] == [r["id"] for r in first["resources"]]
    assert after["resources"][0]["last_modified"] == "2025-04-14T07:15:00"


@pytest.mark.parametrize("source_type,config,message", [
    ("poitiers_udata", {"default_communes": ["86000", "86194"]},
     "«\u00a0default_communes\u00a0»\u00a0: «\u00a086000\u00a0» n’est pas une valeur du "
     "vocabulaire «\u00a0communes\u00a0»."),
    ("poitiers_udata", {"default_frequency": "mensuel"},
     "«\u00a0default_frequency\u00a0»\u00a0: «\u00a0mensuel\u00a0» n’est pas une valeur du "
     "vocabulaire «\u00a0frequencies\u00a0»."),
    ("poitiers_openagenda", {"key": "oa_pk_x", "agendas": ["1"], "license_id": "etalab"},
     "«\u00a0license_id\u00a0»\u00a0: «\u00a0etalab\u00a0» n’est pas une valeur du vocabulaire "
     "«\u00a0licences\u00a0»."),
])
def test_config_values_outside_our_vocabularies_are_refused_in_french(
        organization, httpserver, source_type, config, message):
    # accepted before, such a source had every one of its records refused by the schema
    sysadmin = factories.Sysadmin()
    config = {"organization": "5a0b1c2d3e4f5a6b7c8d9e0f", **config}
    if source_type == "poitiers_openagenda":
        config.pop("organization")
    with pytest.raises(toolkit.ValidationError) as e:
        toolkit.get_action("harvest_source_create")(
            {"user": sysadmin["name"]},
            {"name": "source-mal-configuree", "title": "Source", "url": httpserver.url_for("/"),
             "source_type": source_type, "config": json.dumps(config),
             "owner_org": organization["id"]},
        )
    assert message in json.dumps(e.value.error_dict, ensure_ascii=False)


def test_config_accepts_the_spellings_the_schema_accepts(organization, httpserver):
    sysadmin = factories.Sysadmin()
    source = toolkit.get_action("harvest_source_create")(
        {"user": sysadmin["name"]},
        {"name": "source-bien-configuree", "title": "Source", "url": httpserver.url_for("/"),
         "source_type": "poitiers_udata", "owner_org": organization["id"],
         "config": json.dumps({"organization": "5a0b1c2d3e4f5a6b7c8d9e0f",
                               "default_communes": ["86194", "200069854"],
                               "default_frequency": "monthly"})},
    )
    assert source["name"] == "source-bien-configuree"


def test_a_schema_outside_our_vocabulary_does_not_cost_the_dataset(httpserver, make_runner,
                                                                    harvester):
    records = load_records()
    records[0] = dict(records[0], schema={"name": "etalab/schema-inconnu", "version": "1.0"})
    records[0]["resources"] = [dict(r, schema=None) for r in records[0]["resources"]]
    records[3] = json.loads(json.dumps(records[3]))
    # a version we do not know (the vocabulary lists 1.0.7)
    records[3]["resources"][0]["schema"] = {"name": "atlasante/schema-dae", "version": "2.0.1"}
    portal = Portal(records)
    runner = make_runner(harvester, portal.install(httpserver),
                         json.dumps({"organization": portal.organization}))
    job, _results = runner.run()
    found = datasets(runner.source.id)
    assert "lieux-de-stationnement-de-grand-poitiers" in found, [
        e.message for e in model.Session.query(HarvestObjectError)]
    assert "data_schema" not in found["lieux-de-stationnement-de-grand-poitiers"]
    assert "defibrillateurs-grand-poitiers" in found, (list(found), [
        e.message for e in model.Session.query(HarvestObjectError)])
    dae = found["defibrillateurs-grand-poitiers"]
    assert dae["data_schema"] == "atlasante/schema-dae"
    assert "data_schema_version" not in dae or not dae["data_schema_version"]
    assert dae["resources"][0]["conforms_to_schema"] == "true"


def test_zones_outside_grand_poitiers_do_not_cost_the_dataset(portal, make_runner, harvester):
    # a dataset of the organisation covering Poitiers and Châtellerault (86066, outside Grand
    # Poitiers), another covering only another EPCI and the Deux-Sèvres
    portal.records[0]["spatial"]["zones"] = [
        "fr:commune:86194", "fr:commune:86066@1943-01-01", "fr:departement:79"]
    portal.records[1]["spatial"] = {"zones": ["fr:epci:200070035", "fr:departement:79"],
                                    "granularity": "fr:epci"}
    runner = make_runner(harvester, portal.url, ORG)
    job, results = runner.run()
    found = datasets(runner.source.id)
    assert sorted(found) == [
        "budget-primitif-ville-de-poitiers",
        "defibrillateurs-grand-poitiers",
        "lieux-de-stationnement-de-grand-poitiers",
    ]
    assert found["lieux-de-stationnement-de-grand-poitiers"]["communes"] == ["86194"]
    # no zone of ours: the source's default (Grand Poitiers)
    assert found["budget-primitif-ville-de-poitiers"]["communes"] == ["200069854"]


def test_a_dataset_of_the_vienne_or_its_region_covers_every_commune(portal, make_runner,
                                                                    harvester):
    """A zone containing the whole of Grand Poitiers (the Vienne, Nouvelle-Aquitaine…) is
    Grand Poitiers as a whole, not the source's default commune, and the spatial coverage
    names the wider place."""
    portal.records[0]["spatial"] = {"zones": ["fr:departement:86", "fr:commune:86066"],
                                    "granularity": "fr:commune"}
    portal.records[1]["spatial"] = {"zones": ["fr:region:75@2016-01-01"],
                                    "granularity": "fr:departement"}
    portal.records[3]["spatial"] = {"zones": ["fr:departement:79"]}
    config = json.loads(ORG) | {"default_communes": ["86194"]}
    runner = make_runner(harvester, portal.url, json.dumps(config))
    job, results = runner.run()
    assert all(r["errors"] == [] for r in results.values())
    found = datasets(runner.source.id)
    vienne = found["lieux-de-stationnement-de-grand-poitiers"]
    assert vienne["communes"] == ["200069854"]
    assert [c["text"] for c in vienne["spatial_coverage"]] == ["Vienne"]
    region = found["budget-primitif-ville-de-poitiers"]
    assert region["communes"] == ["200069854"]
    assert [c["text"] for c in region["spatial_coverage"]] == ["Nouvelle-Aquitaine"]
    assert "granularity" not in region or not region["granularity"]
    # another département says nothing of Grand Poitiers: the source's default
    assert found["defibrillateurs-grand-poitiers"]["communes"] == ["86194"]
    assert not found["defibrillateurs-grand-poitiers"].get("spatial_coverage")
