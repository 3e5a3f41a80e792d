"""The extension on a CKAN whose Solr runs CKAN's stock schema: plainer search, nothing breaks.

A second real Solr is started with the schema.xml of the installed CKAN (conftest.py)."""
from __future__ import annotations

import pytest
from ckan.tests import factories, helpers

from ckanext.poitiers import doctor
from tests.search.conftest import REQUIRED, point_ckan_at, solr_docs

pytestmark = [pytest.mark.integration,
              pytest.mark.usefixtures("with_plugins", "clean_db", "stock_solr")]

THEME = "http://publications.europa.eu/resource/authority/data-theme/"


@pytest.fixture
def datasets(clean_db, stock_solr):
    admin = factories.Sysadmin()
    org = factories.Organization(name="grand-poitiers", title="Grand Poitiers")

    def make(name, title, notes, tags, **extra):
        return helpers.call_action(
            "package_create", context={"user": admin["name"]}, name=name, title=title,
            notes=notes, owner_org=org["id"], license_id="lov2",
            tags=[{"name": t} for t in tags], **{**REQUIRED, **extra})

    make("parkings", "Parkings en ouvrage", "Capacité des parkings.", ["stationnement"],
         theme=[THEME + "TRAN", THEME + "REGI"])
    make("budget", "Budget primitif", "Budget de la ville.", ["finances"])
    return admin


def test_the_stock_schema_is_recognised(ckan_config):
    from ckanext.poitiers.plugins.search import live_schema_kind

    assert live_schema_kind() == "stock"
    solr = next(c for c in doctor.check_solr(ckan_config, 5) if c.name == "Solr")
    assert "stock CKAN schema" in solr.message
    assert not solr.failed


@pytest.mark.usefixtures("datasets")
def test_indexing_and_plain_search_work(stock_solr):
    names = [d["name"] for d in helpers.call_action("package_search", q="parkings")["results"]]
    assert names == ["parkings"]
    # a multi-valued field is indexed as one string: the stock catch-all field is single-valued
    doc = solr_docs(stock_solr, "name:parkings")[0]
    assert doc["data_dict"]
    # plain search: no French analysis, no synonyms, no suggestion
    result = helpers.call_action("package_search", q="bugdet")
    assert result["count"] == 0
    assert "poitiers_suggestion" not in result


@pytest.mark.usefixtures("datasets")
def test_ckan_fielded_queries_facets_and_sorting_work():
    result = helpers.call_action("package_search", q="tags:finances")
    assert [d["name"] for d in result["results"]] == ["budget"]
    result = helpers.call_action("package_search", q="*:*",
                                 **{"facet.field": '["tags", "organization", "license_id"]'})
    assert result["facets"]["tags"] == {"stationnement": 1, "finances": 1}
    assert result["facets"]["organization"] == {"grand-poitiers": 2}
    result = helpers.call_action("package_search", q="", sort="title_string desc")
    assert [d["name"] for d in result["results"]] == ["parkings", "budget"]


@pytest.mark.usefixtures("datasets")
def test_autocomplete_still_answers():
    result = helpers.call_action("poitiers_autocomplete", q="park")
    assert result["datasets"] == [{"name": "parkings", "title": "Parkings en ouvrage"}]
    assert helpers.call_action("poitiers_autocomplete", q="fin")["keywords"] == ["finances"]


@pytest.mark.usefixtures("datasets")
def test_search_page_renders_without_suggestion(app, ckan_config, stock_solr_url, monkeypatch):
    # building the app reloads the configuration: point it at the stock Solr again
    point_ckan_at(stock_solr_url, ckan_config, monkeypatch)
    page = app.get("/dataset/", query_string={"q": "parkigns"})
    assert page.status_code == 200
    assert "Vouliez-vous dire" not in page.body
    page = app.get("/dataset/", query_string={"q": "parkings"})
    assert "Parkings en ouvrage" in page.body



def test_doctor_names_a_forced_poitiers_schema_on_a_stock_solr(ckan_config, monkeypatch):
    # forced, the search plugin asks this Solr for fields it lacks: every search found nothing,
    # and doctor said nothing
    monkeypatch.setitem(ckan_config, "ckanext.poitiers.search.schema", "poitiers")
    checks = [c for c in doctor.check_solr(ckan_config, 5) if c.failed]
    assert len(checks) == 1
    assert "searches find nothing" in checks[0].message or (
        "les recherches ne trouvent rien" in checks[0].message)
    assert "ckanext.poitiers.search.schema = auto" in checks[0].fix
    monkeypatch.setitem(ckan_config, "ckanext.poitiers.search.schema", "auto")
    assert not [c for c in doctor.check_solr(ckan_config, 5) if c.failed]
