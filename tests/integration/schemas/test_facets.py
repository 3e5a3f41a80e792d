"""Facets on the Poitiers fields in the real Solr: multi-valued fields count value by value."""
from __future__ import annotations

import html

import pytest
from ckan.tests import helpers

from ckanext.poitiers import indexing

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("with_plugins", "clean_db",
                                                                   "clean_index")]
EU = "http://publications.europa.eu/resource/authority/"


@pytest.fixture
def catalogue(call, complete):
    call("organization_patch", id=complete["owner_org"], org_type="commune", siren="218601946")
    call("package_create", **dict(complete, name="ds-a", communes=["86194", "86041"],
                                  theme=["GOVE"], poitiers_theme=["mobilite"]))
    call("package_create", **dict(complete, name="ds-b", communes=["86041"], theme=["ENVI"],
                                  poitiers_theme=[], frequency="daily", license_id="odc-odbl"))
    call("package_create", **dict(complete, name="ds-c", communes=["86070", "86194", "86041"],
                                  theme=["GOVE", "ECON"], data_schema="scdl/budget",
                                  data_schema_version=""))
    call("package_create", **dict(complete, name="prive", private=True, communes=["86297"]))


def _facets(**params):
    fields = [indexing.facet_field(f) for f in indexing.facet_titles(str)]
    result = helpers.call_action("package_search", rows=0, **{"facet.field": fields}, **params)
    return {indexing.facet_field(f): result["search_facets"].get(indexing.facet_field(f))
            for f in indexing.facet_titles(str)}, result


def _counts(facets, field):
    items = facets[indexing.facet_field(field)]["items"]
    return {i["name"]: i["count"] for i in items}


def test_multi_valued_fields_facet_value_by_value(catalogue):
    facets, result = _facets()
    assert result["count"] == 3  # the private dataset is not counted
    assert _counts(facets, "communes") == {"86041": 3, "86194": 2, "86070": 1}
    assert _counts(facets, "theme") == {EU + "data-theme/GOVE": 2, EU + "data-theme/ENVI": 1,
                                        EU + "data-theme/ECON": 1, EU + "data-theme/TRAN": 1}
    assert _counts(facets, "poitiers_theme") == {"mobilite": 1, "democratie-locale": 1}
    assert _counts(facets, "org_type") == {"commune": 3}
    assert _counts(facets, "license_id") == {"lov2": 2, "odc-odbl": 1}
    assert _counts(facets, "frequency") == {EU + "frequency/MONTHLY": 2,
                                            EU + "frequency/DAILY": 1}
    assert _counts(facets, "res_format") == {"CSV": 3, "JSON": 3}
    assert _counts(facets, "data_schema") == {"scdl/deliberations": 2, "scdl/budget": 1}


def test_facet_items_are_named_by_their_labels(catalogue):
    facets, _result = _facets()
    names = {i["name"]: i["display_name"]
             for i in facets[indexing.facet_field("communes")]["items"]}
    assert names["86041"] == "Buxerolles" and names["86070"] == "Chauvigny"
    themes = {i["name"]: i["display_name"]
              for i in facets[indexing.facet_field("theme")]["items"]}
    assert themes[EU + "data-theme/GOVE"] == "Gouvernement et secteur public"


def test_filtering_on_one_commune(catalogue):
    field = indexing.facet_field("communes")
    result = helpers.call_action("package_search", fq=f'{field}:"86070"')
    assert [d["name"] for d in result["results"]] == ["ds-c"]
    field = indexing.facet_field("theme")
    result = helpers.call_action("package_search", fq=f'{field}:"{EU}data-theme/ECON"')
    assert [d["name"] for d in result["results"]] == ["ds-c"]


def test_the_search_page_shows_french_facets_and_filters(app, catalogue):
    page = html.unescape(app.get("/dataset/").get_data(as_text=True))
    for title in ("Communes", "Type de producteur", "Fréquence de mise à jour",
                  "Schéma de données", "Buxerolles", "Gouvernement et secteur public"):
        assert title in page, title
    field = indexing.facet_field("communes")
    page = html.unescape(app.get("/dataset/", query_string={field: "86070"})
                         .get_data(as_text=True))
    assert "/dataset/ds-c" in page and "/dataset/ds-b" not in page


def test_changing_the_producer_type_reindexes_the_datasets(call, catalogue, complete):
    call("organization_patch", id=complete["owner_org"], org_type="epci")
    facets, _result = _facets()
    assert _counts(facets, "org_type") == {"epci": 3}


def test_changing_the_producer_type_reindexes_every_page_of_datasets(call, catalogue, complete,
                                                                      monkeypatch):
    from ckanext.poitiers.plugins import core

    monkeypatch.setattr(core, "REINDEX_PAGE", 2)  # three datasets: two pages
    call("organization_patch", id=complete["owner_org"], org_type="association")
    facets, _result = _facets()
    assert _counts(facets, "org_type") == {"association": 3}
