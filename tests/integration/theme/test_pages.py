"""The theme's pages rendered by CKAN with the real plugins, Solr and PostgreSQL."""
from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from ckan.tests import factories

from ckanext.poitiers import indexing, theme_helpers

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("theme_db", "with_plugins")]


def _soup(res):
    return BeautifulSoup(res.body, "html.parser")


def test_home_page_search_first_latest_and_mediation(app, make_dataset):
    org = factories.Organization(title="Grand Poitiers")
    make_dataset(owner_org=org["id"], title="Parkings en temps réel",
                 poitiers_theme=["mobilite"])
    make_dataset(owner_org=org["id"], title="Brouillon", private=True,
                 poitiers_theme=["mobilite"])
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
    mobility = main.find("a", class_="theme-mobilite")
    field = indexing.facet_field("poitiers_theme")
    assert mobility["href"] == f"/dataset/?{field}=mobilite"
    assert "Mobilité et transports" in mobility.get_text()
    assert "1 jeu de données" in mobility.get_text()  # live count, the private one not counted
    assert "0 jeu de données" in main.find("a", class_="theme-energie").get_text()
    assert len(main.select(".poitiers-theme-card")) == 13
    # the theme link finds the public dataset
    found = _soup(app.get(mobility["href"])).select(".dataset-heading")
    assert [h.get_text(strip=True) for h in found] == ["Parkings en temps réel"]
    footer = soup.find("footer")
    assert footer.find("a", href="/accessibilite").get_text().startswith("Accessibilité\u00a0:")


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


def test_dataset_page_explains_the_data(app, make_dataset):
    org = factories.Organization(title="Ville de Poitiers")
    ds = make_dataset(
        owner_org=org["id"], license_id="lov2", purpose="Savoir où se garer.",
        communes=["86194", "86041"], frequency="daily",
        resources=[{"url": "https://example.org/a.csv", "format": "CSV", "size": 2500000,
                    "name": "Fichier A"},
                   {"url": "https://example.org/b", "name": "Sans format ni taille"}])
    soup = _soup(app.get(f"/dataset/{ds['name']}"))
    block = soup.find(class_="poitiers-understand")
    text = block.get_text(" ")
    assert "Comprendre ces données" in text
    assert "Ville de Poitiers" in text
    assert "y compris à des fins commerciales" in text
    assert "Savoir où se garer." in text
    assert "Poitiers" in text and "Buxerolles" in text  # commune labels, not INSEE codes
    assert "86041" not in text
    assert block.find(attrs={"data-freshness": "on_time"})  # just created: on time
    download = soup.find(class_="poitiers-downloads").get_text(" ")
    assert "CSV" in download and "2,5\u00a0Mo" in download
    assert "Sans format ni taille" in download
    api = soup.find(class_="poitiers-api").get_text(" ")
    assert f"package_show?id={ds['name']}" in api and "import requests" in api


# A Markdown title with ">" and a URL: CKAN 2.12's auto-linking writes a link inside the title
# attribute, and the rest of the URL becomes attributes of the image (an event handler included)
ATTRIBUTE_BREAKING_NOTES = (
    "Plan des arrêts.\n\n"
    '![plan](https://invalid.invalid/plan.png "> https://x/onerror=location=/javascript:'
    'alert%28document.domain%29/.source//")\n\n'
    "Voir https://data.grandpoitiers.fr et [le réseau](https://vitalis-poitiers.fr \"Vitalis\")."
)


def test_dataset_description_cannot_gain_attributes_through_auto_links(app, make_dataset):
    ds = make_dataset(notes=ATTRIBUTE_BREAKING_NOTES)
    soup = _soup(app.get(f"/dataset/{ds['name']}"))
    for element in soup.find_all(True):
        handlers = [name for name in element.attrs if name.lower().startswith("on")]
        assert not handlers, (element.name, element.attrs)
    notes = soup.find("img", alt="plan").find_parent(["div", "section"])
    image = notes.find("img", alt="plan")
    assert set(image.attrs) == {"alt", "src", "title"}
    # ordinary Markdown and auto-links come out as CKAN renders them
    auto = notes.find("a", href="https://data.grandpoitiers.fr")
    assert auto["target"] == "_blank" and auto["rel"] == ["nofollow"]
    link = notes.find("a", href="https://vitalis-poitiers.fr")
    assert link.get_text() == "le réseau" and link["title"] == "Vitalis"


def test_search_page_empty_state_and_sorts(app, make_dataset):
    make_dataset(title="Arbres")
    soup = _soup(app.get("/dataset/?q=zzzintrouvable&tags=rien"))
    empty = soup.find(class_="poitiers-empty-state")
    assert "Aucun jeu de données ne correspond" in empty.get_text()
    remove_all = empty.find("a", string="Retirez tous les filtres")
    assert remove_all["href"] == "/dataset/?q=zzzintrouvable"
    sorts = [o["value"] for o in soup.select("#field-order-by option")]
    assert "metadata_created desc" in sorts and "title_string asc" in sorts
    pill = soup.select_one(".poitiers-active-filters a")
    assert "rien" in pill.get_text() and "tags=rien" not in pill["href"]


def test_search_facets_show_labels_not_codes(app, make_dataset):
    make_dataset(title="Parkings", poitiers_theme=["mobilite"])
    field = indexing.facet_field("poitiers_theme")
    soup = _soup(app.get(f"/dataset/?{field}=mobilite"))
    pill = soup.select_one(".poitiers-active-filters a").get_text(" ")
    assert "Mobilité et transports" in pill and "mobilite" not in pill
    labels = [s.get_text() for s in soup.select(".nav-facet .item-label")]
    assert "Mobilité et transports" in labels and "mobilite" not in labels
    labeller = theme_helpers.facet_labeller("poitiers_theme")
    assert labeller({"name": "mobilite", "display_name": "mobilite"}) == "Mobilité et transports"
    assert theme_helpers.facet_labeller("communes")({"name": "86041"}) == "Buxerolles"
    assert theme_helpers.facet_labeller("tags")({"name": "x", "display_name": "x"}) == "x"


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
    assert (u["period"]["start"], u["period"]["end"]) == ("1er janvier 2015", "31 décembre 2024")
    assert u["schema_url"] == "https://schema.data.gouv.fr/scdl/deliberations/2.1.5/"
    assert u["producer"] == "Ville de Poitiers" and u["contact"]["email"] == "s@example.org"
    assert u["original_url"] == "https://example.org/page"


@pytest.mark.parametrize("size, text", [(None, ""), ("abc", ""), (0, ""), (512, "512\u00a0o"),
                                        (48213, "48,2\u00a0Ko"), (3400000, "3,4\u00a0Mo")])
def test_human_size(app, size, text):
    with app.flask_app.test_request_context():
        assert theme_helpers.human_size(size) == text


@pytest.mark.parametrize("value, text", [(1234, "1\u202f234"), (7, "7"), (0, "0"), (None, ""),
                                         ("12", "12"), (2.5, "2,5")])
def test_counts_are_written_in_french(app, value, text):
    with app.flask_app.test_request_context():
        assert theme_helpers.number(value) == text


def test_ckan_about_page_is_the_portals_french_page(app):
    """CKAN's /about showed CKAN's English presentation (« CKAN is the world’s leading
    open-source data portal platform… ») while no administrator had written the site's
    « About » text: it shows the portal's own page, in French, with one h1."""
    soup = _soup(app.get("/about"))
    main = soup.find(id="content") or soup
    text = main.get_text(" ")
    assert "CKAN is the world" not in text and "Features overview" not in text
    assert [h.get_text(strip=True) for h in soup.find_all("h1")] == ["Comprendre l’open data"]
    assert "Qu’est-ce que l’open data\u00a0?" in text
    assert soup.find("a", href="/contribuer")
    # the same words as /a-propos (one page, two addresses)
    own = _soup(app.get("/a-propos")).find("h1").find_parent().get_text(" ")
    assert "Qui anime ce portail\u00a0?" in own and "Qui anime ce portail\u00a0?" in text


@pytest.mark.ckan_config("ckan.site_about", "Le portail de **l’Agglo** de test.")
def test_ckan_about_page_keeps_the_administrators_text(app):
    soup = _soup(app.get("/about"))
    text = soup.get_text(" ")
    assert "Agglo" in text and soup.find("strong", string="l’Agglo")
    assert "Comprendre l’open data" not in text


def test_recently_updated_is_when_the_data_changed_not_the_record(app, make_dataset):
    """« Mis à jour récemment » (home and search sort) follows the data's date: a dataset
    whose description was just corrected does not pass before one whose data changed since."""
    from ckan.plugins import toolkit

    old = make_dataset(title="Budget 2020",
                       resources=[{"url": "http://example.org/budget.csv", "format": "CSV",
                                   "last_modified": "2020-06-30T12:00:00"}])
    make_dataset(title="Comptages vélo",
                 resources=[{"url": "http://example.org/velo.csv", "format": "CSV",
                             "last_modified": "2024-01-01T08:00:00"},
                            {"url": "http://example.org/velo-2025.csv", "format": "CSV",
                             "last_modified": "2025-10-01T08:00:00"}])
    make_dataset(title="Sans date")  # its record's date: now
    # the oldest data's record is written last (a corrected description)
    admin = factories.Sysadmin()
    toolkit.get_action("package_patch")({"user": admin["name"]},
                                        {"id": old["id"], "notes": "Description corrigée."})
    titles = ["Sans date", "Comptages vélo", "Budget 2020"]

    section = _soup(app.get("/")).find("section", attrs={"aria-labelledby": "updated-title"})
    items = section.select("li")
    assert [li.find("a").get_text(strip=True) for li in items] == titles
    assert "1er octobre 2025" in items[1].get_text(" ")  # the data's date, not today
    assert "30 juin 2020" in items[2].get_text(" ")

    soup = _soup(app.get("/dataset/", params={"sort": indexing.DATA_UPDATED_SORT}))
    assert [h.get_text(strip=True) for h in soup.select(".dataset-heading a")] == titles
    selected = soup.select_one("#field-order-by option[selected]")
    assert selected["value"] == indexing.DATA_UPDATED_SORT
    assert selected.get_text(strip=True) == "Mis à jour récemment"
    # by the record's date, the corrected one would come first
    by_record = toolkit.get_action("package_search")(
        {"ignore_auth": True}, {"sort": "metadata_modified desc"})
    assert by_record["results"][0]["title"] == "Budget 2020"
