"""A harvested resource whose address the dataset schema refuses (``file:``, ``javascript:``,
``data:``, a share, no scheme…) is left out, not the whole record: the dataset is imported with
its other resources and a French note naming the resource and its address is an error of the
record on the job report. Pure tests of the rule, then each harvester through the real path
(local HTTP server, ckanext-harvest, PostgreSQL, Solr)."""
from __future__ import annotations

import copy

import pytest
from ckan.plugins import get_plugin, toolkit

from ckanext.poitiers import rules
from ckanext.poitiers.harvesters.common_mapping import MAX_DROPPED_NAMED, usable_resources
from tests.harvest.conftest import AGENDA_SEARCH, first_harvest, serve_agenda, serve_transport
from tests.harvest.datafair_server import Catalogue
from tests.harvest.datafair_server import load_records as datafair_records
from tests.harvest.test_datafair_harvest import VERRE, datasets, modified, object_errors
from tests.harvest.test_openagenda import load as load_agenda
from tests.harvest.test_transport import records as transport_records

SCHEMES = rules.url_schemes_of(None)  # CKAN's default: http, https, ftp
REFUSED = [
    "file:///etc/passwd", "FILE:///C:/SIG/bornes.qgz", "javascript:alert(1)",
    "JavaScript:alert(document.cookie)", "data:text/csv;base64,YSxiCjEsMgo=",
    "smb://serveur/partage/bancs.csv", "\\\\serveur\\partage\\bancs.csv",
    "www.poitiers.fr/bancs.csv", "/datasets/bancs.csv", "https://", "http://exemple.fr/a b.csv",
    "http://[::1/x", "http://exemple.fr:99999/x", "https://exemple.fr/" + "x" * 8000,
]
ACCEPTED = ["https://www.poitiers.fr/bancs.csv", "HTTP://exemple.fr/A.csv",
            "ftp://ftp.exemple.fr/bancs.csv", "  https://exemple.fr/espaces-autour.csv  "]


# -- the rule (pure) ----------------------------------------------------------------------------
@pytest.mark.parametrize("url", REFUSED)
def test_the_rule_refuses_what_the_portal_does_not_link_to(url):
    assert rules.resource_url_fault(url, SCHEMES)


@pytest.mark.parametrize("url", ACCEPTED)
def test_the_rule_accepts_web_and_ftp_addresses(url):
    assert rules.resource_url_fault(url, SCHEMES) is None


def test_the_schemes_are_ckans_setting():
    assert rules.url_schemes_of("HTTP https") == ["http", "https"]
    assert rules.resource_url_fault("ftp://x/y", rules.url_schemes_of("http https")) == \
        rules.URL_NOT_LINKED


def test_unusable_resources_are_left_out_with_a_french_note():
    good = {"name": "Bornes (CSV)", "url": "https://exemple.fr/bornes.csv"}
    kept, notes = usable_resources(
        [good, {"name": "Plan <local>", "url": "file:///C:/SIG/plan.qgz"},
         {"name": "", "url": "www.poitiers.fr/plan.pdf"},
         {"name": "Long", "url": "https://exemple.fr/" + "x" * 9000}], SCHEMES)
    assert kept == [good]
    assert notes[0] == (
        "la ressource «\u00a0Plan <local>\u00a0» n’est pas importée\u00a0: son adresse "
        "«\u00a0file:///C:/SIG/plan.qgz\u00a0» n’est pas une adresse vers laquelle le portail peut "
        "faire un lien (adresses commençant par http://, https://, ftp://)\u00a0; le jeu de "
        "données est importé sans elle.")
    # no name: the address names it
    assert notes[1].startswith("la ressource «\u00a0www.poitiers.fr/plan.pdf\u00a0»")
    assert "son adresse dépasse 8" in notes[2] and "xxxxx" not in notes[2]
    assert len(notes) == 3


def test_a_long_refused_address_is_cut_in_the_note():
    [note] = usable_resources([{"name": "Données", "url": "data:text/csv," + "a" * 5000}],
                              SCHEMES)[1][:1]
    assert "«\u00a0data:text/csv,aaaa" in note and "…\u00a0»" in note and len(note) < 400


def test_many_unusable_resources_are_counted_and_none_left_is_said():
    bad = [{"name": f"Fichier {n}", "url": f"file:///srv/{n}.csv"} for n in range(8)]
    kept, notes = usable_resources(bad, SCHEMES)
    assert kept == []
    assert len(notes) == MAX_DROPPED_NAMED + 2
    assert notes[MAX_DROPPED_NAMED] == (
        "3 autres ressources ne sont pas importées\u00a0: leurs adresses ne sont pas des adresses "
        "vers lesquelles le portail peut faire un lien.")
    assert notes[-1] == (
        "aucune ressource de l’enregistrement n’a une adresse vers laquelle le portail peut faire "
        "un lien\u00a0: le jeu de données est importé sans ressource.")


def test_usable_resources_keep_everything_else_as_it_is():
    resources = [{"name": "A", "url": "https://exemple.fr/a"}, {"name": "Sans adresse"}]
    assert usable_resources(resources, SCHEMES) == (resources, [])
    assert usable_resources(None, SCHEMES) == ([], [])


# -- through the real path ----------------------------------------------------------------------
def job_notes(job):
    """The object errors of ``job`` as the job report (``harvest_job_report``) gives them."""
    report = toolkit.get_action("harvest_job_report")({"ignore_auth": True}, {"id": job.id})
    return [e["message"] for obj in report["object_errors"].values() for e in obj["errors"]]


def job_stats(job):
    return toolkit.get_action("harvest_job_show")({"ignore_auth": True}, {"id": job.id})["stats"]


def urls(dataset):
    return [r["url"] for r in dataset["resources"]]


# the organisation whose datasets the recorded udata portal lists (three of them)
UDATA_ORG = '{"organization": "5a0b1c2d3e4f5a6b7c8d9e0f"}'


def harvest_udata(make_runner, portal):
    """The first job of a udata source on ``portal`` (conftest's fixture): (runner, job, the
    datasets by name), every record imported."""
    runner, job = first_harvest(make_runner, "poitiers_udata_harvester", portal.url, UDATA_ORG)
    found = datasets(runner.source.id)
    assert sorted(found) == ["budget-primitif-ville-de-poitiers",
                             "defibrillateurs-grand-poitiers",
                             "lieux-de-stationnement-de-grand-poitiers"]
    return runner, job, found


def assert_reruns_write_nothing(runner, change, changed: int) -> None:
    """A re-run of the unchanged source writes nothing and adds no note; after ``change()``,
    a change of the source the datasets do not show, its ``changed`` records are mapped again
    and compared (the same content hash: the values left out the same way), nothing is written
    and no new note is on the report."""
    before = modified(datasets(runner.source.id))
    job, results = runner.run()
    assert results == {} and job_notes(job) == []
    change()
    job, results = runner.run()
    assert len(results) == changed and job_notes(job) == []
    assert modified(datasets(runner.source.id)) == before


@pytest.mark.integration
def test_datafair_attachments_the_portal_cannot_link_to_are_left_out(httpserver, make_runner):
    records = datafair_records()
    verre = next(r for r in records if r["slug"] == VERRE)
    verre["attachments"] = [
        {"type": "url", "title": "Plan des bornes", "url": "https://exemple.fr/plan.pdf"},
        {"type": "url", "title": "Projet QGIS", "url": "file:///C:/SIG/bornes.qgz"},
        {"type": "url", "title": "Notice", "url": "www.grandpoitiers.fr/notice.pdf"},
    ]
    catalogue = Catalogue(records)
    runner = make_runner(get_plugin("poitiers_datafair_harvester"),
                         catalogue.install(httpserver))
    job, _results = runner.run()
    found = datasets(runner.source.id)
    assert len(found) == len(records)
    dataset = found[VERRE]
    assert "https://exemple.fr/plan.pdf" in urls(dataset)
    assert not any("file:" in u or u.startswith("www.") for u in urls(dataset))
    assert dataset["resources"][0]["url"].endswith("/lines")  # the others are all there
    notes = job_notes(job)
    assert len(notes) == 2, notes
    assert ("«\u00a0Projet QGIS\u00a0»" in notes[0]
            and "«\u00a0file:///C:/SIG/bornes.qgz\u00a0»" in notes[0])
    assert ("«\u00a0Notice\u00a0»" in notes[1]
            and "«\u00a0www.grandpoitiers.fr/notice.pdf\u00a0»" in notes[1])
    assert all(n.startswith("Enregistrement ") and "est importé sans elle" in n for n in notes)
    # the record is imported (added) and counted among those with errors, as ckanext-harvest
    # counts an object imported with errors
    stats = job_stats(job)
    assert stats["added"] == len(records) and stats["errored"] == 1

    # a change the dataset does not show (an update date)
    assert_reruns_write_nothing(
        runner, lambda: verre.update(updatedAt="2030-01-01T00:00:00Z"), changed=1)


@pytest.mark.integration
def test_udata_resources_without_a_web_address_are_left_out(portal, make_runner):
    by_slug = {r["slug"]: r for r in portal.records}
    parkings = by_slug["lieux-de-stationnement-de-grand-poitiers"]
    parkings["resources"][1]["url"] = "schema.data.gouv.fr/etalab/schema-stationnement/"
    by_slug["defibrillateurs-grand-poitiers"]["resources"][0]["url"] = (
        "file:///srv/partage/dae.geojson")
    _runner, job, found = harvest_udata(make_runner, portal)
    assert urls(found["lieux-de-stationnement-de-grand-poitiers"]) == [
        parkings["resources"][0]["latest"]]
    # its only resource left out: imported without resources (the schema does not require one)
    assert found["defibrillateurs-grand-poitiers"]["resources"] == []
    notes = job_notes(job)
    assert any("«\u00a0Documentation du schéma\u00a0»" in n
               and "«\u00a0schema.data.gouv.fr/etalab/schema-stationnement/\u00a0»" in n
               for n in notes)
    assert any("«\u00a0file:///srv/partage/dae.geojson\u00a0»" in n for n in notes), notes
    assert any("le jeu de données est importé sans ressource" in n for n in notes), notes
    assert len(notes) == 3


@pytest.mark.integration
def test_dcat_distributions_on_a_local_file_are_left_out_at_update(rdf_catalogue, make_runner):
    catalogue = rdf_catalogue
    runner, job = first_harvest(make_runner, "poitiers_dcat_harvester", catalogue.url)
    assert job_notes(job) == []
    geojson = "/api/explore/v2.1/catalog/datasets/horodateurs/exports/geojson"
    page = catalogue.pages["1"]
    page = page.replace(f"dcat:distribution <{catalogue.base}{geojson}> .",
                        f"dcat:distribution <{catalogue.base}{geojson}>, "
                        "<file:///srv/donnees/horodateurs.csv>, <smb://serveur/sig/h.csv> .")
    page += """
<file:///srv/donnees/horodateurs.csv> a dcat:Distribution ;
    dct:title "Horodateurs (copie locale)" ;
    dcat:downloadURL <file:///srv/donnees/horodateurs.csv> ;
    dct:format "CSV" .

<smb://serveur/sig/h.csv> a dcat:Distribution ;
    dct:title "Horodateurs (partage)" ;
    dcat:accessURL <smb://serveur/sig/h.csv> ;
    dct:format "CSV" .
"""
    catalogue.pages["1"] = page.replace('dct:title "Horodateurs"@fr', 'dct:title "Parcmètres"@fr')
    job, results = runner.run()
    found = {d["title"]: d for d in datasets(runner.source.id).values()}
    assert sorted(found) == ["Bornes à verre", "Défibrillateurs", "Parcmètres"]
    assert urls(found["Parcmètres"]) == [catalogue.base + geojson]
    notes = job_notes(job)
    assert len(notes) == 2, notes
    assert any("«\u00a0Horodateurs (copie locale)\u00a0»" in n
               and "«\u00a0file:///srv/donnees/horodateurs.csv\u00a0»" in n for n in notes), notes
    assert any("«\u00a0smb://serveur/sig/h.csv\u00a0»" in n for n in notes), notes
    assert job_stats(job)["updated"] == 1

    # unchanged catalogue: nothing queued, no note
    job, results = runner.run()
    assert results == {} and job_notes(job) == []


@pytest.mark.integration
def test_transport_resources_on_a_share_are_left_out(httpserver, make_runner):
    records = transport_records(httpserver.url_for("/gtfs/vitalis.zip"))
    pony = records[1]
    pony["resources"].append({"id": 1, "title": "Tarifs (réseau interne)", "format": "pdf",
                              "url": "smb://serveur/partage/tarifs.pdf"})
    runner, job = first_harvest(make_runner, "poitiers_transport_harvester",
                                serve_transport(httpserver, records))
    found = datasets(runner.source.id)
    assert urls(found["velos-et-trottinettes-pony-poitiers"]) == [
        pony["resources"][0]["url"]]
    notes = [n for n in job_notes(job) if "smb://" in n]
    assert len(notes) == 1 and "«\u00a0Tarifs (réseau interne)\u00a0»" in notes[0]


@pytest.mark.integration
def test_an_agenda_website_the_portal_cannot_link_to_is_left_out(httpserver, make_runner):
    agenda = dict(copy.deepcopy(load_agenda("agenda.json")), uid=55509999,
                  url="javascript:alert(document.cookie)")
    runner, job = first_harvest(make_runner, "poitiers_openagenda_harvester",
                                serve_agenda(httpserver, agenda), AGENDA_SEARCH)
    [dataset] = datasets(runner.source.id).values()
    assert len(dataset["resources"]) == 4  # the three exports and the events API
    assert not any("javascript" in u for u in urls(dataset))
    [note] = job_notes(job)
    assert "«\u00a0javascript:alert(document.cookie)\u00a0»" in note
    assert object_errors(job) == [note]
