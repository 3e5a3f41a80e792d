"""DCAT-AP 3 output of the poitiers profile, validated with pyshacl.

Two sets of shapes: our own hand-written ones (poitiers-dcat-shapes.ttl, always) and the official
DCAT-AP 3.0.1 SHACL file from the shared fixtures (all constraints; skipped when absent).
"""
from __future__ import annotations

import os

import pytest
import rdflib
from ckan.tests import helpers
from pyshacl import validate
from rdflib.namespace import RDF, SKOS

from ckanext.poitiers import demo
from tests.shared import SHARED_FIXTURES

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("with_plugins", "clean_db",
                                                                   "clean_index")]
HERE = os.path.dirname(os.path.abspath(__file__))
OURS = os.path.join(HERE, "poitiers-dcat-shapes.ttl")
OFFICIAL = os.path.join(SHARED_FIXTURES, "shacl", "dcat-ap-3.0.1-SHACL.ttl")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
FOAF = rdflib.Namespace("http://xmlns.com/foaf/0.1/")
EU = "http://publications.europa.eu/resource/authority/"
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


def _violations(graph: rdflib.Graph, shapes: str) -> list[str]:
    conforms, results, _text = validate(graph, shacl_graph=rdflib.Graph().parse(shapes),
                                        inference="none", allow_warnings=False)
    out = []
    for r in results.subjects(RDF.type, SH.ValidationResult):
        out.append(f"{results.value(r, SH.focusNode)} {results.value(r, SH.resultPath)}: "
                   f"{results.value(r, SH.resultMessage)}")
    assert conforms == (not out)
    return out


def _official():
    if not os.path.exists(OFFICIAL):
        pytest.skip(f"official DCAT-AP 3.0.1 shapes absent ({OFFICIAL}); "
                    "the hand-written shapes still run")
    return OFFICIAL


def _dataset_graph(name) -> rdflib.Graph:
    ttl = helpers.call_action("dcat_dataset_show", id=name, format="ttl")
    return rdflib.Graph().parse(data=ttl, format="turtle")


@pytest.fixture
def dataset(call, complete):
    call("organization_patch", id=complete["owner_org"], org_type="commune", siren="218601946",
         commune="86194")
    complete = dict(complete, communes=["86194", "200069854"], theme=["GOVE", "ECON"])
    call("package_create", **complete)
    return complete["name"]


def test_a_complete_dataset_has_typed_values(dataset):
    g = _dataset_graph(dataset)
    ds = next(g.subjects(RDF.type, DCAT.Dataset))
    themes = set(g.objects(ds, DCAT.theme))
    assert rdflib.URIRef(EU + "data-theme/GOVE") in themes
    assert (rdflib.URIRef(EU + "data-theme/GOVE"), SKOS.prefLabel,
            rdflib.Literal("Gouvernement et secteur public", lang="fr")) in g
    assert g.value(ds, DCT.accrualPeriodicity) == rdflib.URIRef(EU + "frequency/MONTHLY")
    spatial = {str(s) for s in g.objects(ds, DCT.spatial)}
    assert spatial == {"https://geo.api.gouv.fr/communes/86194",
                       "https://geo.api.gouv.fr/epcis/200069854"}
    publisher = g.value(ds, DCT.publisher)
    assert str(publisher).endswith("/218601946")
    assert str(g.value(publisher, DCT.identifier)) == "218601946"
    keywords = {str(k) for k in g.objects(ds, DCAT.keyword)}
    assert "Démocratie locale (conseil municipal, délibérations, budgets participatifs)" in keywords
    standard = g.value(ds, DCT.conformsTo)
    assert (standard, RDF.type, DCT.Standard) in g
    for dist in g.objects(ds, DCAT.distribution):
        assert str(g.value(dist, DCT["format"])).startswith(EU + "file-type/")
        assert (g.value(dist, DCT.license), RDF.type, DCT.LicenseDocument) in g
    csv = next(d for d in g.objects(ds, DCAT.distribution)
               if str(g.value(d, DCT["format"])).endswith("/CSV"))
    assert g.value(csv, DCT.conformsTo) == standard
    assert str(g.value(csv, DCAT.mediaType)).endswith("/text/csv")


def test_a_complete_dataset_passes_our_shapes(dataset):
    assert _violations(_dataset_graph(dataset), OURS) == []


def test_a_complete_dataset_passes_the_official_dcat_ap_3_shapes(dataset):
    assert _violations(_dataset_graph(dataset), _official()) == []


def test_the_organization_is_the_publisher_when_none_is_given(call, complete):
    call("organization_patch", id=complete["owner_org"], org_type="association",
         siren="218601946")
    data = dict(complete)
    del data["publisher"]
    call("package_create", **data)
    g = _dataset_graph(complete["name"])
    ds = next(g.subjects(RDF.type, DCAT.Dataset))
    publisher = g.value(ds, DCT.publisher)
    assert str(g.value(publisher, FOAF.name)) == "Ville de Poitiers"
    assert str(g.value(publisher, DCT.type)) == (
        "http://purl.org/adms/publishertype/NonProfitOrganisation")
    assert _violations(g, OURS) == []
    # a change of the organization shows in the next output (no stale cache)
    call("organization_patch", id=complete["owner_org"], org_type="commune")
    g = _dataset_graph(complete["name"])
    publisher = g.value(next(g.subjects(RDF.type, DCAT.Dataset)), DCT.publisher)
    assert str(g.value(publisher, DCT.type)) == "http://purl.org/adms/publishertype/LocalAuthority"


def _catalogue(app, page=1) -> rdflib.Graph:
    response = app.get("/catalog.ttl", query_string={"page": page})
    assert response.status_code == 200
    return rdflib.Graph().parse(data=response.get_data(as_text=True), format="turtle")


def test_the_demo_catalogue_passes_both_sets_of_shapes(app):
    demo.load(echo=lambda _line: None)
    g = _catalogue(app)
    assert len(set(g.subjects(RDF.type, DCAT.Dataset))) == len(demo.read()["datasets"])
    assert _violations(g, OURS) == []
    assert _violations(g, _official()) == []


@pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", "12")
def test_the_catalogue_is_paged_and_hides_private_datasets(app, call, complete):
    demo.load(echo=lambda _line: None)
    call("package_create", **dict(complete, name="registre-prive", private=True))
    seen = set()
    for page in (1, 2, 3):
        g = _catalogue(app, page)
        names = {str(o) for o in g.objects(None, DCT.identifier)}
        seen |= set(g.subjects(RDF.type, DCAT.Dataset))
        assert not any("registre-prive" in n for n in names)
    assert len(seen) == len(demo.read()["datasets"])
    hydra = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")
    first = _catalogue(app, 1)
    assert str(next(first.objects(None, hydra.totalItems))) == str(len(demo.read()["datasets"]))
    assert any(str(o).endswith("page=2") for o in first.objects(None, hydra.next))
    assert app.get("/catalog.ttl", query_string={"page": 0}).status_code in (400, 409)


@pytest.mark.parametrize("licence, title", [
    ("other-nc", "Autre licence (pas d’utilisation commerciale)"),
    ("other-closed", "Autre licence (non ouverte)"),
])
def test_a_licence_without_a_document_is_still_stated(call, complete, licence, title):
    # a reuser harvesting the catalogue learns that commercial reuse is not allowed
    call("package_create", **dict(complete, license_id=licence))
    g = _dataset_graph(complete["name"])
    ds = next(g.subjects(RDF.type, DCAT.Dataset))
    for dist in g.objects(ds, DCAT.distribution):
        doc = g.value(dist, DCT.license)
        assert (doc, RDF.type, DCT.LicenseDocument) in g
        assert g.value(doc, DCT.title) == rdflib.Literal(title, lang="fr")
    assert _violations(g, OURS) == []
    if os.path.exists(OFFICIAL):
        assert _violations(g, OFFICIAL) == []


def test_licence_mobilites_is_stated_with_its_document(call, complete):
    # transport.data.gouv.fr's « mobility-licence »: its own entry, its document, its title
    call("package_create", **dict(complete, license_id="mobility-licence"))
    shown = call("package_show", id=complete["name"])
    assert shown["license_title"] == "Licence Mobilités"
    assert shown["license_url"] == (
        "https://wiki.lafabriquedesmobilites.fr/wiki/Licence_Mobilit%C3%A9s")
    g = _dataset_graph(complete["name"])
    ds = next(g.subjects(RDF.type, DCAT.Dataset))
    docs = {g.value(dist, DCT.license) for dist in g.objects(ds, DCAT.distribution)}
    assert docs == {rdflib.URIRef(shown["license_url"])}
    [doc] = docs
    assert (doc, RDF.type, DCT.LicenseDocument) in g
    assert str(g.value(doc, DCT.title)) == "Licence Mobilités"
    assert _violations(g, OURS) == []


def test_no_licence_statement_for_a_licence_not_given(call, complete):
    call("package_create", **dict(complete, license_id="notspecified"))
    g = _dataset_graph(complete["name"])
    ds = next(g.subjects(RDF.type, DCAT.Dataset))
    assert all(g.value(dist, DCT.license) is None for dist in g.objects(ds, DCAT.distribution))


# --------------------------------------------------------------------- round trip


XSD = rdflib.Namespace("http://www.w3.org/2001/XMLSchema#")
ROUND_TRIP = ("title", "notes", "purpose", "theme", "poitiers_theme", "communes", "frequency",
              "license_id", "temporal_coverage", "spatial_coverage", "data_schema",
              "data_schema_version", "version", "url")


@pytest.fixture
def rich(call, complete):
    """A dataset with what the form can hold: several communes and sub-themes (labels with
    commas), partial dates, a date-time, a place that is not a commune."""
    call("organization_patch", id=complete["owner_org"], org_type="commune", siren="218601946")
    data = dict(complete, communes=["86194", "86041", "200069854"],
                poitiers_theme=["democratie-locale", "mobilite"], version="1.2",
                temporal_coverage=[{"start": "2015", "end": "2024-06"},
                                   {"start": "2019-01-01T10:00:00"}],
                spatial_coverage=[{"text": "Quartier des Couronneries",
                                   "uri": "https://www.poitiers.fr/quartiers/couronneries"}])
    call("package_create", **data)
    return helpers.call_action("package_show", id=complete["name"])


@pytest.mark.parametrize("extension, rdf_format", [("ttl", "turtle"), ("jsonld", "json-ld"),
                                                   ("rdf", "xml")])
def test_a_dataset_round_trips_through_each_serialisation(app, rich, extension, rdf_format):
    from ckanext.dcat.processors import RDFParser

    response = app.get(f"/dataset/{rich['name']}.{extension}")
    assert response.status_code == 200
    parser = RDFParser(profiles=["euro_dcat_ap_3", "poitiers"])
    parser.parse(response.get_data(as_text=True), _format=rdf_format)
    [parsed] = list(parser.datasets())
    for field in ROUND_TRIP:
        assert parsed.get(field) == rich.get(field), field
    # the sub-themes' labels (« Démocratie locale (conseil municipal, délibérations, … ») are
    # not cut into tags
    assert sorted(t["name"] for t in parsed["tags"]) == sorted(t["name"] for t in rich["tags"])
    assert [{k: v for k, v in c.items() if v} for c in parsed["contact"]] == rich["contact"]
    [publisher] = parsed["publisher"]
    assert {k: publisher.get(k) for k in rich["publisher"][0]} == rich["publisher"][0]
    assert [len(r.get("url") or "") > 0 for r in parsed["resources"]] == [True, True]


def test_dates_are_typed_by_their_precision(rich):
    g = _dataset_graph(rich["name"])
    ds = next(g.subjects(RDF.type, DCAT.Dataset))
    typed = {}
    for period in g.objects(ds, DCT.temporal):
        for predicate in (DCAT.startDate, DCAT.endDate):
            for value in g.objects(period, predicate):
                typed[str(value)] = value.datatype
    assert typed == {"2015": XSD.gYear, "2024-06": XSD.gYearMonth,
                     "2019-01-01T10:00:00": XSD.dateTime}
    for predicate in (DCT.issued, DCT.modified):
        assert g.value(ds, predicate).datatype == XSD.dateTime
    assert _violations(g, OURS) == []
    if os.path.exists(OFFICIAL):
        assert _violations(g, OFFICIAL) == []


def test_the_dcat_harvester_mapping_keeps_what_the_profile_reads_back(app, rich):
    """A Poitiers catalogue harvested by another Poitiers portal: communes, sub-themes, data
    schema and purpose come through."""
    from ckanext.dcat.processors import RDFParser
    from ckanext.poitiers.harvesters import dcat_mapping

    parser = RDFParser(profiles=["euro_dcat_ap_3", "poitiers"])
    parser.parse(app.get(f"/dataset/{rich['name']}.ttl").get_data(as_text=True),
                 _format="turtle")
    mapped = dcat_mapping.map_dataset(next(iter(parser.datasets())))
    assert mapped["communes"] == rich["communes"]
    assert mapped["poitiers_theme"] == rich["poitiers_theme"]
    assert (mapped["data_schema"], mapped["purpose"]) == (rich["data_schema"], rich["purpose"])


def test_no_catalogue_endpoint_shows_a_private_dataset_or_a_draft(app, call, complete):
    hidden = [call("package_create", **dict(complete, name="registre-prive", private=True)),
              call("package_create", **dict(complete, name="brouillon", state="draft"))]
    public = call("package_create", **dict(complete, name="public"))
    for dataset in hidden:
        for extension in ("rdf", "ttl", "jsonld", "xml"):
            assert app.get(f"/dataset/{dataset['name']}.{extension}").status_code in (403, 404)
            assert app.get(f"/dataset/{dataset['id']}.{extension}").status_code in (403, 404)
    for path in ("/catalog.ttl", "/catalog.jsonld", "/catalog.rdf", "/catalog.xml",
                 "/catalog.ttl?q=deliberations", "/catalog.ttl?fq=private:true",
                 "/catalog.ttl?fq=state:draft", "/catalog.ttl?page=1&modified_since=2000-01-01",
                 "/api/3/action/dcat_catalog_show?format=ttl",
                 "/api/3/action/dcat_catalog_search?format=ttl&fq=private:true",
                 "/api/3/action/dcat_catalog_search?format=ttl&include_private=true"
                 "&include_drafts=true"):
        body = app.get(path).get_data(as_text=True)
        for dataset in hidden:
            assert dataset["id"] not in body, path
    assert public["id"] in app.get("/catalog.ttl").get_data(as_text=True)
