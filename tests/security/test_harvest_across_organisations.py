"""An organisation's harvest source never writes to another organisation's datasets.

ckanext-dcat's RDF harvester looks a record's dataset up by its guid (the dataset URI of the
remote catalogue) across the whole portal; the editor of one organisation could publish a
catalogue naming the URI of another organisation's harvested dataset, and the harvest (run as
the site user) would rewrite that dataset and move it into their organisation."""
from __future__ import annotations

import pytest
from ckan import model
from ckan.plugins import get_plugin, toolkit
from ckan.tests import factories
from werkzeug import Response

from ckanext.harvest.model import HarvestJob, HarvestObject, HarvestSource
from ckanext.harvest.tests import lib
from tests.harvest.conftest import LOOPBACK_ALLOWED

pytestmark = pytest.mark.integration

VICTIM = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
<https://data.example.org/dataset/budget/> a dcat:Dataset ;
    dct:title "Budget primitif"@fr ;
    dct:description "Le budget de la commune."@fr ;
    dcat:keyword "budget"@fr ;
    dcat:theme <http://publications.europa.eu/resource/authority/data-theme/ECON> ;
    dct:license <https://www.etalab.gouv.fr/licence-ouverte-open-licence> ;
    dcat:distribution <https://data.example.org/budget.csv> .
<https://data.example.org/budget.csv> a dcat:Distribution ;
    dct:title "budget.csv" ;
    dcat:downloadURL <https://data.example.org/budget.csv> ;
    dct:format "CSV" .
"""
# the same dataset URI, published by the other organisation's editor
FORGED = VICTIM.replace("Budget primitif", "Budget falsifié").replace(
    "Le budget de la commune.", "Réécrit par une autre organisation.")
# a catalogue with no dataset left
EMPTY = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
<https://data.example.org/> a dcat:Catalog .
"""


@pytest.fixture
def env(clean_db, clean_index, ckan_config, monkeypatch):
    for key, value in LOOPBACK_ALLOWED.items():
        monkeypatch.setitem(ckan_config, key, value)


def _source(user: dict, org: dict, name: str, url: str) -> HarvestSource:
    source = toolkit.get_action("harvest_source_create")({"user": user["name"]}, {
        "name": name, "title": name, "url": url, "source_type": "poitiers_dcat",
        "owner_org": org["id"], "frequency": "MANUAL", "config": ""})
    return HarvestSource.get(source["id"])


def _run(source: HarvestSource):
    job = HarvestJob(source=source)
    job.save()
    return job, lib.run_harvest_job(job, get_plugin("poitiers_dcat_harvester"))


def _package_of(source: HarvestSource):
    ids = {pid for (pid,) in model.Session.query(HarvestObject.package_id)
           .filter(HarvestObject.harvest_source_id == source.id,
                   HarvestObject.package_id.isnot(None))}
    return [model.Package.get(pid) for pid in ids]


def test_a_catalogue_naming_another_organisations_dataset_does_not_take_it(env, httpserver):
    victim_catalogue = [VICTIM]
    httpserver.expect_request("/victim.ttl").respond_with_handler(
        lambda request: Response(victim_catalogue[0], content_type="text/turtle"))
    forged_catalogue = [FORGED]
    httpserver.expect_request("/forged.ttl").respond_with_handler(
        lambda request: Response(forged_catalogue[0], content_type="text/turtle"))
    victim_editor, attacker = factories.User(), factories.User()
    victim_org = factories.Organization(
        name="ville-de-poitiers", users=[{"name": victim_editor["name"], "capacity": "editor"}])
    attacker_org = factories.Organization(
        name="autre-organisation", users=[{"name": attacker["name"], "capacity": "editor"}])

    victim_source = _source(victim_editor, victim_org, "source-ville",
                            httpserver.url_for("/victim.ttl"))
    job, results = _run(victim_source)
    assert [[e.message for e in r["errors"]] for r in results.values()] == [[]]
    [budget] = _package_of(victim_source)
    assert budget.owner_org == victim_org["id"] and budget.title == "Budget primitif"

    attacker_source = _source(attacker, attacker_org, "source-autre",
                              httpserver.url_for("/forged.ttl"))
    job, results = _run(attacker_source)

    model.Session.expire_all()
    budget = model.Package.get(budget.id)
    assert budget.title == "Budget primitif"
    assert budget.owner_org == victim_org["id"]
    # the other organisation gets its own copy, in its own organisation
    copies = _package_of(attacker_source)
    assert [(p.title, p.owner_org) for p in copies] == [("Budget falsifié", attacker_org["id"])]
    assert budget.id not in {p.id for p in copies}

    # and the first organisation's source still knows its dataset: a change of its own
    # catalogue updates it, its withdrawal withdraws it
    current = model.Session.query(HarvestObject).filter_by(
        harvest_source_id=victim_source.id, current=True).all()
    assert [o.package_id for o in current] == [budget.id]
    victim_catalogue[0] = VICTIM.replace("Budget primitif", "Budget primitif 2025")
    _run(victim_source)
    model.Session.expire_all()
    assert model.Package.get(budget.id).title == "Budget primitif 2025"
    assert model.Package.get(copies[0].id).title == "Budget falsifié"

    # the other catalogue drops the URI: its own copy is withdrawn, not the first one's...
    forged_catalogue[0] = EMPTY
    _run(attacker_source)
    model.Session.expire_all()
    assert model.Package.get(copies[0].id).state == "deleted"
    assert model.Package.get(budget.id).state == "active"
    # ...which its own source still withdraws when its catalogue drops it
    victim_catalogue[0] = EMPTY
    _run(victim_source)
    model.Session.expire_all()
    assert model.Package.get(budget.id).state == "deleted"


def test_a_dataset_made_private_stays_private_when_its_record_changes(env, httpserver):
    catalogue = [VICTIM]
    httpserver.expect_request("/victim.ttl").respond_with_handler(
        lambda request: Response(catalogue[0], content_type="text/turtle"))
    editor = factories.User()
    org = factories.Organization(users=[{"name": editor["name"], "capacity": "editor"}])
    source = _source(editor, org, "source-ville", httpserver.url_for("/victim.ttl"))
    _run(source)
    [budget] = _package_of(source)
    toolkit.get_action("package_patch")({"user": editor["name"]},
                                        {"id": budget.id, "private": True})
    catalogue[0] = VICTIM.replace("Budget primitif", "Budget primitif révisé")
    job, results = _run(source)
    assert [[e.message for e in r["errors"]] for r in results.values()] == [[]]
    model.Session.expire_all()
    budget = model.Package.get(budget.id)
    assert budget.title == "Budget primitif révisé" and budget.private is True
    found = toolkit.get_action("package_search")({"user": ""}, {"q": "budget"})
    assert found["count"] == 0
