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

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("with_plugins", "clean_db",
                                                                   "clean_index")]
HERE = os.path.dirname(os.path.abspath(__file__))
OURS = os.path.join(HERE, "poitiers-dcat-shapes.ttl")
OFFICIAL = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "shared", "fixtures",
                                         "shacl", "dcat-ap-3.0.1-SHACL.ttl"))
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
