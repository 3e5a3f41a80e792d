"""DCAT harvester (subclass of ckanext-dcat's DCATRDFHarvester) through the real path, on a
hand-written OpenDataSoft-shaped catalogue with Hydra paging and on recorded catalogues."""
from __future__ import annotations

import json

import pytest
from ckan import model
from ckan.plugins import get_plugin
from werkzeug import Response

from ckanext.harvest.model import HarvestObject
from ckanext.poitiers.harvesters import dcat_mapping
from tests.harvest.conftest import shared_fixture
from tests.harvest.test_datafair_harvest import (
    datasets,
    gather_errors,
    job_stats,
    modified,
    object_errors,
    stats,
)

EU = "http://publications.europa.eu/resource/authority/"


def serve_recorded_rdf(httpserver, path: str, *fixture: str) -> None:
    """Serve a recorded RDF/XML catalogue of ../shared/fixtures at ``path``."""
    with open(shared_fixture(*fixture), encoding="utf-8") as f:
        httpserver.expect_request(path).respond_with_data(
            f.read(), content_type="application/rdf+xml")


def test_theme_label_of_portal_local_themes():
    assert dcat_mapping.theme_label("https://x/explore/?refine.theme=Sant%C3%A9") == "Santé"
    assert dcat_mapping.theme_label("Economie") == "Economie"


@pytest.mark.parametrize("text,remote", [
    ('{"@context": {"dcat": "http://www.w3.org/ns/dcat#"}, "@id": "x"}', []),
    ('[{"@id": "x", "http://purl.org/dc/terms/title": [{"@value": "t"}]}]', []),  # expanded
    ('{"@context": null}', []),
    ('not JSON at all', []),  # the parser reports it, without downloading anything
    ('{"@context": "https://schema.org/"}', ["https://schema.org/"]),
    ('{"@context": [{"a": "http://a/"}, "file:///etc/hostname"]}', ["file:///etc/hostname"]),
    ('{"@graph": [{"@context": {"@import": "http://c/ctx"}}]}', ["http://c/ctx"]),
    ('{"@context": {"t": {"@id": "http://t/", "@context": ["http://s/"]}}}', ["http://s/"]),
])
def test_remote_jsonld_references(text, remote):
    from ckanext.poitiers.harvesters.dcat import remote_jsonld_references

    assert remote_jsonld_references(text) == remote


def test_json_ld_formats_are_recognised():
    from ckanext.poitiers.harvesters.dcat import is_json_ld

    assert [is_json_ld(f) for f in ("json-ld", "jsonld", "application/ld+json")] == [True] * 3
    assert [is_json_ld(f) for f in ("xml", "turtle", "nt", None, "unknown")] == [False] * 5


@pytest.fixture
def harvester():
    return get_plugin("poitiers_dcat_harvester")


@pytest.mark.integration
def test_hydra_paged_catalogue_mapped_into_our_vocabularies(rdf_catalogue, make_runner,
                                                            harvester):
    runner = make_runner(harvester, rdf_catalogue.url)
    job, results = runner.run()
    assert gather_errors(job) == []
    assert [r["errors"] for r in results.values()] == [[], [], []]
    found = {d["title"]: d for d in datasets(runner.source.id).values()}
    assert sorted(found) == ["Bornes à verre", "Défibrillateurs", "Horodateurs"]
    verre = found["Bornes à verre"]
    assert "<img" not in verre["notes"] and "<strong>à verre</strong>" in verre["notes"]
    assert verre["license_id"] == "lov2"
    assert verre["theme"] == [EU + "data-theme/ENVI"]
    assert verre["organization"]["name"] == "grand-poitiers"
    assert found["Horodateurs"]["license_id"] == "odc-odbl"
    assert found["Horodateurs"]["theme"] == [EU + "data-theme/TRAN"]
    assert found["Défibrillateurs"]["theme"] == [EU + "data-theme/HEAL"]

    before = modified(datasets(runner.source.id))
    job, results = runner.run()
    # unchanged records are dropped at gather time: nothing to fetch, import or write; the job
    # report counts them « not modified » (small objects without content nor dataset)
    assert results == {}
    assert job_stats(job) == stats(not_modified=3)
    markers = model.Session.query(HarvestObject).filter_by(harvest_job_id=job.id)
    assert [(o.report_status, o.content, o.package_id, o.current) for o in markers] == [
        ("not modified", None, None, False)] * 3
    assert gather_errors(job) == []
    assert modified(datasets(runner.source.id)) == before
    assert len(datasets(runner.source.id)) == 3


@pytest.mark.integration
def test_a_changed_record_is_imported_again_the_others_skipped(rdf_catalogue, make_runner,
                                                               harvester, monkeypatch):
    runner = make_runner(harvester, rdf_catalogue.url)
    runner.run()
    before = {d["title"]: d["metadata_modified"] for d in datasets(runner.source.id).values()}
    rdf_catalogue.pages["1"] = rdf_catalogue.pages["1"].replace("Horodateurs",
                                                                "Horodateurs du centre")
    mapped = []
    real_map = dcat_mapping.map_dataset
    monkeypatch.setattr(dcat_mapping, "map_dataset",
                        lambda dataset, *a, **kw: mapped.append(dataset.get("title")) or
                        real_map(dataset, *a, **kw))
    job, results = runner.run()
    assert len(results) == 1
    # mapped once: compared with the previous record, then created from the same mapping
    assert mapped == ["Horodateurs du centre"]
    after = {d["title"]: d["metadata_modified"] for d in datasets(runner.source.id).values()}
    assert sorted(after) == ["Bornes à verre", "Défibrillateurs", "Horodateurs du centre"]
    assert after["Bornes à verre"] == before["Bornes à verre"]
    assert after["Horodateurs du centre"] != before["Horodateurs"]
    # and a third run finds nothing to do
    job, results = runner.run()
    assert results == {}


@pytest.mark.integration
def test_failed_second_page_withdraws_nothing(rdf_catalogue, make_runner, harvester):
    runner = make_runner(harvester, rdf_catalogue.url)
    runner.run()
    rdf_catalogue.fail_page = "2"
    rdf_catalogue.pages["1"] = rdf_catalogue.pages["1"].replace("Horodateurs",
                                                                "Horodateurs du centre")
    job, results = runner.run()
    errors = gather_errors(job)
    assert len(errors) == 1 and "erreur HTTP 503" in errors[0]
    # the records of the page read are harvested (the one changed is updated), nothing is
    # withdrawn, and the job is finished
    assert len(results) == 1 and object_errors(job) == []
    assert sorted(d["title"] for d in datasets(runner.source.id).values()) == [
        "Bornes à verre", "Défibrillateurs", "Horodateurs du centre"]
    assert_finished(job)
    rdf_catalogue.fail_page = None
    job, _ = runner.run()
    assert gather_errors(job) == []
    assert_finished(job)


@pytest.mark.integration
def test_a_first_harvest_whose_second_page_fails_imports_the_first_and_finishes(
        rdf_catalogue, make_runner, harvester):
    from ckan.plugins import toolkit

    rdf_catalogue.fail_page = "2"
    runner = make_runner(harvester, rdf_catalogue.url)
    job, results = runner.run()
    [error] = gather_errors(job)
    assert "erreur HTTP 503" in error and "aucun jeu de données n’est retiré" in error.lower()
    page1 = {d["title"] for d in datasets(runner.source.id).values()}
    assert page1 and len(results) == len(page1) and object_errors(job) == []
    # ckanext-harvest finishes a job once none of its objects waits: with the objects of page 1
    # left waiting, the source stayed « running » and no new job could be created for it
    assert_finished(job)
    # (ckanext-harvest refuses a job while one of the source is still running)
    new_job = toolkit.get_action("harvest_job_create")(
        {"user": runner.sysadmin["name"]}, {"source_id": runner.source.id})
    assert new_job["source_id"] == runner.source.id and new_job["id"] != job.id


def assert_finished(job) -> None:
    model.Session.refresh(job)
    assert job.status == "Finished"
    waiting = model.Session.query(HarvestObject).filter(
        HarvestObject.harvest_job_id == job.id, HarvestObject.state == "WAITING").count()
    assert waiting == 0


@pytest.mark.integration
@pytest.mark.ckan_config("ckanext.poitiers.harvest.allow_private_addresses", "false")
def test_local_files_and_private_addresses_are_refused(make_runner, harvester, rdf_catalogue):
    runner = make_runner(harvester, rdf_catalogue.url)
    job, results = runner.run()
    assert results == {}
    assert "adresse de réseau privé ou local" in gather_errors(job)[0]


@pytest.mark.integration
def test_recorded_opendatasoft_export(httpserver, make_runner, harvester):
    serve_recorded_rdf(httpserver, "/api/explore/v2.1/catalog/exports/dcat",
                       "dcat", "ods-export_rennesmetropole_3datasets.rdf")
    runner = make_runner(harvester, httpserver.url_for("/api/explore/v2.1/catalog/exports/dcat"))
    job, results = runner.run()
    assert gather_errors(job) == []
    found = list(datasets(runner.source.id).values())
    assert len(found) == 3, object_errors(job)
    assert {d["license_id"] for d in found} == {"odc-odbl"}
    subventions = next(d for d in found if d["title"].startswith("Subventions versées en 2017"))
    assert subventions["theme"] == [EU + "data-theme/ECON"]
    assert len(subventions["resources"]) >= 2
    # the date the export gives, not the harvest's
    assert {r["last_modified"][:10] for r in subventions["resources"]} == {"2018-01-16"}


@pytest.mark.integration
def test_recorded_udata_hydra_pages(httpserver, make_runner, harvester):
    pages = {}
    for n in (1, 2):
        with open(shared_fixture("datagouv_udata", f"udata__dcat__paged-collection-{n}.jsonld"),
                  encoding="utf-8") as f:
            pages[str(n)] = f.read().replace("http://data.test.org/catalog.jsonld",
                                             httpserver.url_for("/catalog.jsonld"))
    httpserver.expect_request("/catalog.jsonld").respond_with_handler(
        lambda request: Response(pages[request.args.get("page", "1")],
                                 content_type="application/ld+json"))
    # the recorded catalogue gives no theme: the source names one
    runner = make_runner(harvester, httpserver.url_for("/catalog.jsonld?page=1"),
                         '{"default_themes": ["territoire-reference"]}')
    job, results = runner.run()
    assert gather_errors(job) == []
    assert len(datasets(runner.source.id)) == 4


# ckanext-dcat's own messages, stored in French ------------------------------------------------
@pytest.mark.integration
def test_a_catalogue_that_is_not_rdf_is_named_in_french_and_withdraws_nothing(
        rdf_catalogue, make_runner, harvester):
    runner = make_runner(harvester, rdf_catalogue.url)
    runner.run()
    page = rdf_catalogue.pages["1"]
    rdf_catalogue.pages["1"] = page[: len(page) // 2]  # truncated
    job, results = runner.run()
    errors = gather_errors(job)
    assert len(errors) == 1
    assert errors[0].startswith("Le catalogue n’est pas du RDF valide (")
    assert "aucun jeu de données n’est retiré" in errors[0]
    assert "Traceback" not in errors[0]
    assert results == {}
    assert len(datasets(runner.source.id)) == 3


@pytest.mark.integration
def test_a_dataset_the_schema_refuses_is_a_french_record_error(rdf_catalogue, make_runner,
                                                               harvester):
    rdf_catalogue.pages["1"] = rdf_catalogue.pages["1"].replace(
        'dct:title "Horodateurs"@fr ;',
        'dct:title "Horodateurs"@fr ;\n    dct:temporal [ a dct:PeriodOfTime ; '
        'dcat:startDate "2024-01-01"^^xsd:date ; dcat:endDate "2020-12-31"^^xsd:date ] ;')
    runner = make_runner(harvester, rdf_catalogue.url)
    job, _results = runner.run()
    errors = object_errors(job)
    assert len(errors) == 1
    assert errors[0].startswith(
        "Le jeu de données de l’enregistrement "
        f"{rdf_catalogue.base}/explore/dataset/horodateurs/ "
        "a été refusé par le schéma\u00a0: ")
    assert "validation Error" not in errors[0] and "{" not in errors[0]
    assert sorted(d["title"] for d in datasets(runner.source.id).values()) == [
        "Bornes à verre", "Défibrillateurs"]


@pytest.mark.integration
def test_a_row_the_database_refuses_is_a_french_record_error(rdf_catalogue, make_runner,
                                                             harvester):
    from tests.harvest.test_datafair_harvest import database_rule

    runner = make_runner(harvester, rdf_catalogue.url)
    with database_rule("poitiers_test_refuse_horodateurs", "BEFORE INSERT", "package", """
            IF NEW.title = 'Horodateurs' THEN
              RAISE check_violation USING MESSAGE = 'refused by a local rule';
            END IF;"""):
        job, _results = runner.run()
    errors = object_errors(job)
    assert len(errors) == 1
    assert errors[0] == ("Le jeu de données de l’enregistrement "
                         f"{rdf_catalogue.base}/explore/dataset/horodateurs/ n’a pas pu être "
                         "enregistré\u00a0: IntegrityError")
    assert sorted(d["title"] for d in datasets(runner.source.id).values()) == [
        "Bornes à verre", "Défibrillateurs"]
    runner.run()  # the rule gone, the next run creates it
    assert len(datasets(runner.source.id)) == 3


# JSON-LD contexts: rdflib would download remote ones itself, outside our client ----------------
INLINE_CONTEXT = {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/"}


def jsonld_catalogue(base: str, context) -> str:
    import json

    dataset = f"{base}/jeux/parkings"
    return json.dumps({"@context": context, "@graph": [
        {"@id": f"{base}/catalogue", "@type": "dcat:Catalog", "dct:title": "Catalogue JSON-LD",
         "dcat:dataset": {"@id": dataset}},
        {"@id": dataset, "@type": "dcat:Dataset", "dct:identifier": dataset,
         "dct:title": {"@value": "Parkings", "@language": "fr"},
         "dct:description": {"@value": "Les parkings de Poitiers.", "@language": "fr"},
         "dcat:keyword": [{"@value": "stationnement", "@language": "fr"}],
         "dcat:theme": {"@id": EU + "data-theme/TRAN"},
         "dct:license": {"@id": "https://www.etalab.gouv.fr/licence-ouverte-open-licence"}},
    ]})


@pytest.fixture
def jsonld(httpserver):
    """A JSON-LD catalogue (application/ld+json) and, beside it, a context document that a
    remote @context or @import would make rdflib download."""
    state = {"base": httpserver.url_for("").rstrip("/"), "context": INLINE_CONTEXT}
    httpserver.expect_request("/catalog.jsonld").respond_with_handler(
        lambda request: Response(jsonld_catalogue(state["base"], state["context"]),
                                 content_type="application/ld+json"))
    httpserver.expect_request("/context.jsonld").respond_with_handler(
        lambda request: Response(json.dumps({"@context": INLINE_CONTEXT}),
                                 content_type="application/ld+json"))
    state["url"] = httpserver.url_for("/catalog.jsonld")
    state["context_url"] = httpserver.url_for("/context.jsonld")
    return state


def _paths(httpserver) -> list[str]:
    return [request.path for request, _response in httpserver.log]


@pytest.mark.integration
@pytest.mark.parametrize("remote", [
    "{context_url}",
    ["{context_url}"],
    [INLINE_CONTEXT, "{context_url}"],
    {**INLINE_CONTEXT, "@import": "{context_url}"},
    {**INLINE_CONTEXT, "dct:title": {"@id": "dct:title", "@context": "{context_url}"}},
    "file:///etc/hostname",
    "http://169.254.169.254/latest/meta-data/",
])
def test_a_remote_jsonld_context_is_refused_unfetched(jsonld, httpserver, make_runner, harvester,
                                                     remote):
    runner = make_runner(harvester, jsonld["url"])
    job, results = runner.run()
    assert gather_errors(job) == []
    assert [d["title"] for d in datasets(runner.source.id).values()] == ["Parkings"]

    jsonld["context"] = json.loads(json.dumps(remote).replace("{context_url}",
                                                              jsonld["context_url"]))
    httpserver.clear_log()
    job, results = runner.run()
    errors = gather_errors(job)
    assert len(errors) == 1
    assert errors[0].startswith(f"Le JSON-LD de {jsonld['url']} renvoie à un contexte extérieur")
    assert "Aucun jeu de données n’est retiré" in errors[0]
    assert results == {}
    assert _paths(httpserver) == ["/catalog.jsonld"]  # the context was never asked for
    assert [d["title"] for d in datasets(runner.source.id).values()] == ["Parkings"]


# fidelity: what the remote catalogue says, as a reuser of the portal reads it ---------------
IANA = "https://www.iana.org/assignments/media-types/"


def test_media_type_uris_become_format_labels():
    # OpenDataSoft's DCAT export: dct:format and dcat:mediaType are IANA URIs, the names carry
    # the export's extension (application/json for jsonl, octet-stream for FlatGeobuf)
    base = "https://data.example.org/api/explore/v2.1/catalog/datasets/parkings/exports/"
    parsed = {"title": "Parkings", "notes": "x", "resources": [
        {"name": f"parkings.{ext}", "url": base + export, "format": IANA + media,
         "mimetype": IANA + media}
        for ext, export, media in [("csv", "csv?use_labels=true", "text/csv"),
                                   ("jsonl", "jsonl", "application/json"),
                                   ("fgb", "fgb", "application/octet-stream"),
                                   ("ttl", "turtle", "text/turtle"),
                                   ("bin", "bin", "application/octet-stream")]
    ] + [
        {"name": "Plan", "url": "https://x.org/plan", "format": "text/csv"},
        {"name": "Carte", "url": "https://x.org/carte",
         "format": "http://publications.europa.eu/resource/authority/file-type/GEOJSON"},
        {"name": "Tableau", "url": "https://x.org/t", "format": "XLSX"},
    ]}
    resources = dcat_mapping.map_dataset(parsed)["resources"]
    assert [r["format"] for r in resources] == [
        "CSV", "JSONL", "FlatGeobuf", "Turtle", "", "CSV", "GeoJSON", "XLSX"]
    assert [r.get("mimetype") for r in resources[:3]] == [
        "text/csv", "application/json", "application/octet-stream"]


def test_high_value_dataset_categories_become_themes():
    parsed = {"title": "T", "notes": "x", "theme": [
        "http://data.europa.eu/bna/c_b79e35eb", "http://data.europa.eu/bna/c_e1da4e07"]}
    mapped = dcat_mapping.map_dataset(parsed)
    assert mapped["theme"] == [EU + "data-theme/TRAN"]
    assert mapped["poitiers_theme"] == ["mobilite"]


def test_files_without_a_date_take_the_datasets_dct_modified():
    # the « last update » a reuser reads is the data's, not the date of the harvest
    parsed = {"title": "T", "notes": "x",
              "extras": [{"key": "modified", "value": "2025-10-01T10:00:00+02:00"}],
              "resources": [{"name": "A", "url": "https://x.org/a.csv"},
                            {"name": "B", "url": "https://x.org/b.csv",
                             "modified": "2025-11-02T09:00:00"},
                            {"name": "Doc", "url": "https://x.org/doc",
                             "resource_kind": "documentation"}]}
    resources = dcat_mapping.map_dataset(parsed)["resources"]
    # a file's own date first (CKAN's resource page reads last_modified)
    assert [r.get("last_modified") for r in resources] == [
        "2025-10-01T08:00:00", "2025-11-02T09:00:00", None]
    parsed["extras"] = [{"key": "modified", "value": "pas une date"}]
    assert [r.get("last_modified") for r in dcat_mapping.map_dataset(parsed)["resources"]] == [
        None, "2025-11-02T09:00:00", None]


def test_distributions_without_url_are_not_resources():
    parsed = {"title": "T", "notes": "x", "resources": [
        {"name": "", "url": ""}, {"name": "A", "url": "https://x.org/a.csv"}, {}]}
    assert [r["url"] for r in dcat_mapping.map_dataset(parsed)["resources"]] == [
        "https://x.org/a.csv"]


@pytest.mark.integration
def test_recorded_opendatasoft_export_resources_as_a_reuser_reads_them(httpserver, make_runner,
                                                                      harvester):
    serve_recorded_rdf(httpserver, "/dcat", "dcat", "ods-export_rennesmetropole_3datasets.rdf")
    runner = make_runner(harvester, httpserver.url_for("/dcat"))
    runner.run()
    found = {d["name"]: d for d in datasets(runner.source.id).values()}
    ocsge = found["occupation-du-sol-a-grande-echelle-2020-sur-rennes-metropole"]
    by_export = {r["url"].rsplit("/", 1)[-1]: r for r in ocsge["resources"]}
    assert {k: r["format"] for k, r in by_export.items()} == {
        "csv?use_labels=true": "CSV", "json": "JSON", "fgb": "FlatGeobuf", "jsonl": "JSONL",
        "parquet": "Parquet", "rdfxml": "RDF", "jsonld": "JSON-LD", "turtle": "Turtle",
        "n3": "N3", "xlsx?use_labels=true": "XLSX"}
    assert by_export["csv?use_labels=true"]["mimetype"] == "text/csv"
    assert not any("iana.org" in r["format"] for d in found.values() for r in d["resources"])
    # the links of the description are kept (sanitised)
    assert ('<a href="https://public.sig.rennesmetropole.fr/ressources/donnees/ocsol_mode/'
            'ocsge2020.gpkg" rel="noopener noreferrer nofollow">') in ocsge["notes"]
    # a re-run of the unchanged export writes nothing
    before = modified(datasets(runner.source.id))
    job, results = runner.run()
    assert results == {}
    assert modified(datasets(runner.source.id)) == before


TURTLE_LOOSE = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<BASE/catalog> a dcat:Catalog ; dct:title "Catalogue" ;
  dcat:dataset <BASE/d/1>, <BASE/d/2>, <BASE/d/3> .
<BASE/d/1> a dcat:Dataset ; dct:title "Stationnement" ; dct:description "Places." ;
  dct:license "Licence Ouverte Version 2.0" ;
  dcat:distribution [ a dcat:Distribution ; dct:title "CSV" ;
    dcat:accessURL <https://x.org/1.csv> ] .
<BASE/d/2> a dcat:Dataset ; dct:title "Voirie" ; dct:abstract "Le <b>réseau</b> des rues." ;
  dct:rights <http://opendatacommons.org/licenses/odbl/summary/> ;
  dcat:distribution [ a dcat:Distribution ; dct:title "CSV" ;
    dcat:accessURL <https://x.org/2.csv> ] .
<BASE/d/3> a dcat:Dataset ; dct:title "Arbres" ; dct:description "Arbres." ;
  dct:license [ a dct:LicenseDocument ; rdfs:label "Open Data Commons Attribution License" ] ;
  dcat:distribution [ a dcat:Distribution ; dct:title "CSV" ;
    dcat:accessURL <https://x.org/3.csv> ] .
"""


@pytest.mark.integration
def test_licence_on_the_dataset_and_abstract_are_read(httpserver, make_runner, harvester):
    # udata and many GeoDCAT exports give the licence on the dataset, as a title or a URI,
    # and some only a dct:abstract: euro_dcat_ap_3 reads neither
    httpserver.expect_request("/catalog.ttl").respond_with_data(
        TURTLE_LOOSE.replace("BASE", httpserver.url_for("").rstrip("/")),
        content_type="text/turtle")
    runner = make_runner(harvester, httpserver.url_for("/catalog.ttl"),
                         '{"default_themes": ["mobilite"]}')
    job, _results = runner.run()
    assert object_errors(job) == []
    found = {d["title"]: d for d in datasets(runner.source.id).values()}
    assert {t: d["license_id"] for t, d in found.items()} == {
        "Stationnement": "lov2", "Voirie": "odc-odbl", "Arbres": "odc-by"}
    assert found["Voirie"]["notes"] == "Le <b>réseau</b> des rues."


@pytest.mark.integration
def test_recorded_udata_catalogue_licences_abstract_and_distributions(httpserver, make_runner,
                                                                       harvester):
    serve_recorded_rdf(httpserver, "/catalog.xml", "datagouv_udata", "udata__dcat__catalog.xml")
    runner = make_runner(harvester, httpserver.url_for("/catalog.xml"),
                         '{"default_themes": ["territoire-reference"]}')
    job, _results = runner.run()
    # dataset 1 has only a dct:abstract: it is imported, not refused for want of a description
    assert object_errors(job) == []
    found = {d["url"] + " " + d["title"]: d for d in datasets(runner.source.id).values()}
    d1 = found["http://data.test.org/datasets/1 Dataset 1"]
    assert d1["notes"] == "<h1>h1 title</h1><h2>h2 title</h2><b>and bold text</b>"
    # « Licence Ouverte Version 2.0 » given as dct:license or dct:rights on the dataset
    for key in ("http://data.test.org/datasets/3 Dataset 3",
                "http://data.test.org/datasets/2 Dataset 2",
                "http://data.test.org/datasets/2 Dataset 4"):
        assert found[key]["license_id"] == "lov2", key
    # dataset 1: « Licence Ouverte Version 1.0 » on its first distribution
    assert d1["license_id"] == "fr-lo"
    # dataset 3: the high-value dataset category « earth observation and environment »
    d3 = found["http://data.test.org/datasets/3 Dataset 3"]
    assert d3["theme"] == [EU + "data-theme/ENVI"]
    assert d3["poitiers_theme"] == ["environnement-proprete"]
    # dataset 4's distributions cannot be found (relative URIs): no empty resources
    assert found["http://data.test.org/datasets/2 Dataset 4"]["resources"] == []
    assert all(r["url"] for d in found.values() for r in d["resources"])
    before = modified(datasets(runner.source.id))
    job, results = runner.run()
    assert results == {}
    assert modified(datasets(runner.source.id)) == before


@pytest.mark.integration
def test_schema_refusal_names_the_fields_by_their_french_labels(app, rdf_catalogue, make_runner,
                                                                harvester):
    rdf_catalogue.pages["1"] = rdf_catalogue.pages["1"].replace(
        'dct:title "Horodateurs"@fr ;',
        'dct:title "Horodateurs"@fr ;\n    dct:temporal [ a dct:PeriodOfTime ; '
        'dcat:startDate "2024-01-01"^^xsd:date ; dcat:endDate "2020-12-31"^^xsd:date ] ;')
    runner = make_runner(harvester, rdf_catalogue.url)
    # the harvest consumers run in a request context of the portal (ckanext-harvest's CLI):
    # CKAN's validators then speak the default language
    with app.flask_app.test_request_context():
        job, _results = runner.run()
    [error] = object_errors(job)
    assert "\u00a0: Couverture temporelle\u00a0: Fin\u00a0: " in error, error
    assert "Temporal coverage" not in error and "End" not in error


TURTLE_NO_DISTRIBUTION = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
<BASE/catalog> a dcat:Catalog ; dct:title "Catalogue" ; dcat:dataset <BASE/d/1> .
<BASE/d/1> a dcat:Dataset ; dct:title "TITLE" ; dct:description "Bientôt des fichiers." ;
  dct:license "Licence Ouverte Version 2.0" DISTRIBUTION .
"""


@pytest.mark.integration
def test_a_record_without_distribution_can_change_and_lose_its_files(httpserver, make_runner,
                                                                     harvester):
    # ckanext-dcat's update reads the mapped dict's resources: a record without distribution
    # used to be created, then refused (TypeError) at each of its changes
    body = {"title": "Annonce", "distribution": ""}

    def handler(_request):
        text = (TURTLE_NO_DISTRIBUTION.replace("BASE", httpserver.url_for("").rstrip("/"))
                .replace("TITLE", body["title"]).replace("DISTRIBUTION", body["distribution"]))
        return Response(text, content_type="text/turtle")

    httpserver.expect_request("/catalog.ttl").respond_with_handler(handler)
    runner = make_runner(harvester, httpserver.url_for("/catalog.ttl"),
                         '{"default_themes": ["mobilite"]}')
    job, _results = runner.run()
    assert object_errors(job) == []
    assert [(d["title"], d["resources"]) for d in datasets(runner.source.id).values()] == [
        ("Annonce", [])]

    body.update(title="Annonce revue", distribution=(
        '; dcat:distribution [ a dcat:Distribution ; dct:title "CSV" ; '
        "dcat:accessURL <https://x.org/1.csv> ]"))
    job, _results = runner.run()
    assert object_errors(job) == []
    [dataset] = datasets(runner.source.id).values()
    assert dataset["title"] == "Annonce revue"
    assert [r["url"] for r in dataset["resources"]] == ["https://x.org/1.csv"]

    # the source then drops the file: the dataset loses it too
    body.update(title="Annonce sans fichier", distribution="")
    job, _results = runner.run()
    assert object_errors(job) == []
    [dataset] = datasets(runner.source.id).values()
    assert (dataset["title"], dataset["resources"]) == ("Annonce sans fichier", [])


TURTLE_MARKUP = """
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .

<BASE/catalog> a dcat:Catalog ; dcat:dataset <BASE/dataset/arbres> .

<BASE/dataset/arbres> a dcat:Dataset ;
    dct:identifier "arbres" ;
    dct:title "Arbres"@fr ;
    dct:description "Les arbres de la ville."@fr ;
    dcat:keyword "arbres"@fr ;
    dcat:theme <http://publications.europa.eu/resource/authority/data-theme/ENVI> ;
    dct:license <https://www.etalab.gouv.fr/licence-ouverte-open-licence> ;
    owl:versionInfo "2025<script>alert(1)</script>" ;
    dct:spatial [ a dct:Location ; skos:prefLabel "Poitiers<img src=x onerror=alert(2)>" ] ;
    dct:publisher [ a foaf:Agent ;
        foaf:name "Service <b>espaces verts</b><script>alert(3)</script>" ] ;
    dcat:contactPoint [ a vcard:Kind ;
        vcard:fn "Accueil<img src=x onerror=alert(4)>" ;
        vcard:hasEmail <mailto:arbres@grandpoitiers.fr> ] ;
    dcat:distribution <BASE/files/arbres.csv> .

<BASE/files/arbres.csv> a dcat:Distribution ;
    dct:title "arbres.csv" ;
    dcat:downloadURL <BASE/files/arbres.csv> ;
    dct:format "CSV" .
"""


@pytest.mark.integration
def test_markup_in_every_text_field_is_removed(httpserver, make_runner, harvester):
    httpserver.expect_request("/catalog.ttl").respond_with_data(
        TURTLE_MARKUP.replace("BASE", httpserver.url_for("").rstrip("/")),
        content_type="text/turtle")
    runner = make_runner(harvester, httpserver.url_for("/catalog.ttl"))
    job, _results = runner.run()
    assert object_errors(job) == []
    [arbres] = datasets(runner.source.id).values()
    texts = []

    def walk(value, path=""):
        if isinstance(value, str):
            texts.append((path, value))
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{path}.{k}")
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, f"{path}[{i}]")

    walk(arbres)
    for path, text in texts:
        assert "alert" not in text and "<" not in text, (path, text)
    assert arbres["publisher"][0]["name"] == "Service espaces verts"
    assert arbres["contact"][0]["name"] == "Accueil"
    assert arbres["version"] == "2025"
    assert arbres["communes"] == ["86194"]
    # unchanged: nothing written again
    before = modified(datasets(runner.source.id))
    job, results = runner.run()
    assert results == {} and modified(datasets(runner.source.id)) == before


@pytest.mark.integration
def test_local_edits_policy(rdf_catalogue, make_runner, harvester):
    from ckan.plugins import toolkit

    runner = make_runner(harvester, rdf_catalogue.url, '{"preserve_fields": ["notes"]}')
    runner.run()
    [horodateurs] = [d for d in datasets(runner.source.id).values()
                     if d["title"] == "Horodateurs"]
    horodateurs["notes"] = "Description réécrite par le service mobilité."
    horodateurs["purpose"] = "Connaître le stationnement payant."
    horodateurs["private"] = True
    toolkit.get_action("package_update")({"user": runner.sysadmin["name"]}, horodateurs)

    # a changed record: mapped fields follow the source, except preserved ones, fields the
    # mapping does not produce and the dataset's visibility
    rdf_catalogue.pages["1"] = rdf_catalogue.pages["1"].replace("Horodateurs",
                                                                "Horodateurs du centre")
    job, results = runner.run()
    assert object_errors(job) == []
    after = toolkit.get_action("package_show")({"ignore_auth": True},
                                                {"id": horodateurs["id"]})
    assert after["title"] == "Horodateurs du centre"
    assert after["notes"] == "Description réécrite par le service mobilité."
    assert after["purpose"] == "Connaître le stationnement payant."
    assert after["private"] is True
    assert after["name"] == horodateurs["name"]
    assert [r["id"] for r in after["resources"]] == [r["id"] for r in horodateurs["resources"]]


@pytest.mark.integration
def test_a_dataset_listed_on_two_pages_is_harvested_once_and_said(rdf_catalogue, make_runner,
                                                                  harvester):
    # the catalogue shifted while its pages were read (or repeats itself): page 2 lists again
    # a dataset of page 1
    page1 = rdf_catalogue.pages["1"]
    start = page1.index(f"<{rdf_catalogue.base}/explore/dataset/horodateurs/> a dcat:Dataset")
    end = page1.index(f"<{rdf_catalogue.base}/catalog.ttl?page=1>")
    rdf_catalogue.pages["2"] = (
        rdf_catalogue.pages["2"].replace(
            "dcat:dataset <",
            f"dcat:dataset <{rdf_catalogue.base}/explore/dataset/horodateurs/>, <")
        + "\n@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n" + page1[start:end])
    runner = make_runner(harvester, rdf_catalogue.url)
    job, results = runner.run()
    assert object_errors(job) == []
    [error] = gather_errors(job)
    assert "figure deux fois dans la source" in error and "horodateurs" in error
    assert len(results) == 3
    titles = sorted(d["title"] for d in datasets(runner.source.id).values())
    assert titles == ["Bornes à verre", "Défibrillateurs", "Horodateurs"]
    # a second run writes nothing
    before = modified(datasets(runner.source.id))
    job, results = runner.run()
    assert results == {} and modified(datasets(runner.source.id)) == before


@pytest.mark.integration
def test_an_update_reads_the_dataset_and_the_source_options_once(rdf_catalogue, make_runner,
                                                                   harvester, monkeypatch):
    """ckanext-dcat's import asks for the dataset it updates after modify_package_dict has
    read it for the local-edits policy: one package_show of it, not two; and the source's
    options are parsed once for the job, not at each record."""
    import sys

    import ckan.logic
    from ckan.plugins import toolkit

    from ckanext.poitiers.harvesters import config as source_config

    runner = make_runner(harvester, rdf_catalogue.url, '{"preserve_fields": ["notes"]}')
    parses = []
    real_parse = source_config.parse
    monkeypatch.setattr(source_config, "parse",
                        lambda *a, **kw: parses.append(a[0]) or real_parse(*a, **kw))
    runner.run()
    assert len(parses) <= 1  # three records, one configuration
    [horodateurs] = [d for d in datasets(runner.source.id).values()
                     if d["title"] == "Horodateurs"]
    horodateurs["notes"] = "Description réécrite par le service mobilité."
    horodateurs["purpose"] = "Connaître le stationnement payant."
    toolkit.get_action("package_update")({"user": runner.sysadmin["name"]}, horodateurs)

    rdf_catalogue.pages["1"] = rdf_catalogue.pages["1"].replace("Horodateurs",
                                                                "Horodateurs du centre")
    shows, parses[:] = [], []
    real_show = toolkit.get_action("package_show")

    def counting_show(context, data_dict):
        # the harvesters' reads (ours and ckanext-dcat's), not CKAN's own within the update
        caller = sys._getframe(1).f_code
        if data_dict.get("id") == horodateurs["id"] and any(
                part in caller.co_filename for part in ("ckanext/poitiers/harvesters",
                                                        "ckanext/dcat/harvesters")):
            shows.append(caller.co_name)
        return real_show(context, data_dict)

    monkeypatch.setitem(ckan.logic._actions, "package_show", counting_show)
    job, results = runner.run()
    monkeypatch.undo()
    assert object_errors(job) == [] and len(results) == 1
    assert shows == ["_get_existing_dataset"]
    assert parses == []  # parsed by the first run already
    # the behaviour is unchanged: the policy for local edits, the name and resources kept
    after = toolkit.get_action("package_show")({"ignore_auth": True},
                                                {"id": horodateurs["id"]})
    assert after["title"] == "Horodateurs du centre"
    assert after["notes"] == "Description réécrite par le service mobilité."
    assert after["purpose"] == "Connaître le stationnement payant."
    assert after["name"] == horodateurs["name"]
    assert [r["id"] for r in after["resources"]] == [r["id"] for r in horodateurs["resources"]]


@pytest.mark.integration
def test_hydra_pages_giving_fewer_datasets_than_announced_withdraw_nothing(rdf_catalogue,
                                                                          make_runner,
                                                                          harvester):
    runner = make_runner(harvester, rdf_catalogue.url)
    job, _ = runner.run()
    assert gather_errors(job) == []  # three datasets announced, three listed
    assert len(datasets(runner.source.id)) == 3
    # « Bornes à verre » is deleted on the portal after page 1 was read: « Défibrillateurs »
    # moves onto page 1, and page 2 has nothing left for this reader
    rdf_catalogue.pages["2"] = (
        "@prefix hydra: <http://www.w3.org/ns/hydra/core#> .\n"
        f"<{rdf_catalogue.base}/catalog.ttl?page=2> a hydra:PartialCollectionView ;\n"
        f"    hydra:first <{rdf_catalogue.base}/catalog.ttl?page=1> ;\n"
        "    hydra:totalItems 2 .\n")
    job, _ = runner.run()
    [error] = gather_errors(job)
    assert "annonçait 3 jeux de données mais en a listé 2" in error, error
    assert "n’est retiré après un moissonnage incomplet" in error
    # nothing withdrawn: « Défibrillateurs » was only missed
    assert sorted(d["title"] for d in datasets(runner.source.id).values()) == [
        "Bornes à verre", "Défibrillateurs", "Horodateurs"]
    assert datasets(runner.source.id, state="deleted") == {}


def test_announced_total_reads_whole_numbers_only():
    import rdflib

    from ckanext.poitiers.harvesters.dcat import announced_total

    graph = rdflib.Graph()
    graph.parse(data="""
        @prefix hydra: <http://www.w3.org/ns/hydra/core#> .
        <http://x/p1> hydra:totalItems 12 .
        <http://x/p2> hydra:totalItems "7" .
        <http://x/p3> hydra:totalItems "beaucoup" .
        <http://x/p4> hydra:totalItems -3 .
        <http://x/p5> hydra:totalItems 99999999999999999999999999 .
        <http://x/p6> hydra:totalItems <http://x/n> .
    """, format="turtle")
    assert sorted(announced_total(graph)) == [7, 12]


@pytest.mark.integration
def test_the_gather_reads_the_extras_of_its_objects_in_one_query(rdf_catalogue, make_runner,
                                                                  harvester):
    import sqlalchemy as sa

    from ckanext.harvest import queue
    from ckanext.harvest.model import HarvestJob

    runner = make_runner(harvester, rdf_catalogue.url)
    job = HarvestJob(source=runner.source)
    job.save()
    statements = []

    def record(conn, cursor, statement, *args):
        if "FROM harvest_object_extra" in statement:
            statements.append(statement)

    engine = model.Session.get_bind()
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        ids = queue.gather_stage(harvester, job)
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    assert len(ids) == 3
    assert len(statements) == 1, statements
