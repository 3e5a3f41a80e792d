"""The theme's pages rendered by CKAN with the real plugins, Solr and PostgreSQL."""
from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from ckan.tests import factories

from ckanext.poitiers import theme_helpers

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("theme_db", "with_plugins")]


def _soup(res):
    return BeautifulSoup(res.body, "html.parser")


def test_home_page_search_first_latest_and_mediation(app):
    org = factories.Organization(title="Grand Poitiers")
    factories.Dataset(owner_org=org["id"], title="Parkings en temps réel")
    factories.Dataset(owner_org=org["id"], title="Brouillon", private=True)
    soup = _soup(app.get("/"))
    main = soup.find("main", id="content")
    first_form = main.find("form")
    assert first_form["action"].endswith("/dataset/") and first_form.find("input", {"name": "q"})
    assert soup.find("html")["lang"] == "fr"
    text = main.get_text(" ")
    assert "Parkings en temps réel" in text
    assert "Brouillon" not in text  # private datasets never leak
    assert "1 jeu de données à consulter" in text
    assert "Qu’est-ce que l’open data" in text
    footer = soup.find("footer")
    assert footer.find("a", href="/accessibilite").get_text().startswith("Accessibilité :")


@pytest.mark.parametrize("path", ["/accessibilite", "/mentions-legales", "/a-propos",
                                  "/contribuer"])
def test_pages_exist_and_link_the_accessibility_statement(app, path):
    soup = _soup(app.get(path))
    assert soup.find("h1")
    assert soup.find("footer").find("a", href="/accessibilite")


def test_accessibility_statement_shows_its_compliance_state(app):
    soup = _soup(app.get("/accessibilite"))
    state = soup.find(class_="poitiers-a11y-state")
    assert state["data-state"] == "partial"
    assert "partiellement conforme" in state.get_text()


def test_dataset_page_explains_the_data(app):
    org = factories.Organization(title="Ville de Poitiers")
    ds = factories.Dataset(
        owner_org=org["id"], license_id="lov2", notes="Des données.",
        resources=[{"url": "https://example.org/a.csv", "format": "CSV", "size": 2500000,
                    "name": "Fichier A"}])
    soup = _soup(app.get(f"/dataset/{ds['name']}"))
    block = soup.find(class_="poitiers-understand")
    text = block.get_text(" ")
    assert "Comprendre ces données" in text
    assert "Ville de Poitiers" in text
    assert "y compris à des fins commerciales" in text
    download = soup.find(class_="poitiers-downloads").get_text(" ")
    assert "CSV" in download and "2,5\u00a0Mo" in download
    api = soup.find(class_="poitiers-api").get_text(" ")
    assert f"package_show?id={ds['name']}" in api and "import requests" in api


def test_search_page_empty_state_and_sorts(app):
    factories.Dataset(title="Arbres")
    soup = _soup(app.get("/dataset/?q=zzzintrouvable&tags=rien"))
    empty = soup.find(class_="poitiers-empty-state")
    assert "Aucun jeu de données ne correspond" in empty.get_text()
    remove_all = empty.find("a", string="Retirez tous les filtres")
    assert remove_all["href"] == "/dataset/?q=zzzintrouvable"
    sorts = [o["value"] for o in soup.select("#field-order-by option")]
    assert "metadata_created desc" in sorts and "title_string asc" in sorts
    pill = soup.select_one(".poitiers-active-filters a")
    assert "rien" in pill.get_text() and "tags=rien" not in pill["href"]


def test_understand_degrades_without_schema_fields():
    u = theme_helpers.understand({"name": "x", "resources": []})
    assert u["purpose"] == "" and u["territory"] == [] and u["schema"] == ""
    assert u["freshness"]["state"] == "unknown"
    assert "licence n’est pas précisée" in u["licence_sentence"] or u["licence_sentence"]


def test_understand_with_the_schema_fields():
    recent = (dt.datetime.utcnow() - dt.timedelta(days=3)).isoformat()
    u = theme_helpers.understand({
        "name": "delib", "purpose": "Suivre les décisions.", "license_id": "odc-odbl",
        "frequency": "http://publications.europa.eu/resource/authority/frequency/MONTHLY",
        "modified": recent, "data_schema": "scdl/deliberations", "data_schema_version": "2.1.5",
        "temporal_coverage": [{"start": "2015-01-01", "end": "2024-12-31"}],
        "contact": [{"name": "Service", "email": "s@example.org"}],
        "publisher": [{"name": "Ville de Poitiers"}], "url": "https://example.org/page",
        "resources": []})
    assert u["freshness"]["state"] == "on_time"
    assert u["period"] == {"start": "01/01/2015", "end": "31/12/2024"}
    assert u["schema_url"] == "https://schema.data.gouv.fr/scdl/deliberations/2.1.5/"
    assert u["producer"] == "Ville de Poitiers" and u["contact"]["email"] == "s@example.org"
    assert u["original_url"] == "https://example.org/page"


@pytest.mark.parametrize("size, text", [(None, ""), ("abc", ""), (0, ""), (512, "512\u00a0o"),
                                        (48213, "48,2\u00a0Ko"), (3400000, "3,4\u00a0Mo")])
def test_human_size(app, size, text):
    with app.flask_app.test_request_context():
        assert theme_helpers.human_size(size) == text
