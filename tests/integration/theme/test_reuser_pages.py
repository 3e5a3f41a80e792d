"""What a reuser (a journalist, a developer, a harvester) reads on the dataset and resource pages,
rendered by CKAN with the real plugins, Solr and PostgreSQL: dates in words and how long ago,
the harvest source of a harvested dataset, only the fields that carry a value, the DCAT links."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from bs4 import BeautifulSoup
from ckan.plugins import get_plugin
from ckan.tests import factories

from ckanext.poitiers import helpers, l10n, theme_helpers
from tests.harvest.conftest import LOOPBACK_ALLOWED, Runner
from tests.harvest.datafair_server import Catalogue, load_records

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("theme_db", "with_plugins")]


def _soup(res):
    return BeautifulSoup(res.body, "html.parser")


def _understand(app, path):
    return _soup(app.get(path)).find(class_="poitiers-understand")


def _dd(block, title):
    for dt_ in block.find_all("dt"):
        if dt_.get_text(strip=True) == title:
            # white space collapsed, no-break spaces kept
            return re.sub(r"[ \t\r\n]+", " ", dt_.find_next_sibling("dd").get_text(" ")).strip()
    raise AssertionError(f"{title!r} not in {[d.get_text() for d in block.find_all('dt')]}")


def test_last_update_in_words_and_how_long_ago(app, make_dataset):
    three_days_ago = dt.datetime.utcnow() - dt.timedelta(days=3)
    ds = make_dataset(temporal_coverage=[{"start": "2016-11-15"}], resources=[
        {"url": "https://example.org/a.csv", "format": "CSV",
         "last_modified": three_days_ago.isoformat()}])
    day = l10n.long_date(three_days_ago, "fr")
    block = _understand(app, f"/dataset/{ds['name']}")
    assert f"Dernière mise à jour\u00a0: {day} (il y a 3 jours)." in _dd(block, "Mises à jour")
    assert "/" not in _dd(block, "Mises à jour")  # no « 26/11/2026 »
    assert _dd(block, "Période couverte") == "depuis le 15 novembre 2016"
    english = _understand(app, f"/en/dataset/{ds['name']}")
    assert "(3 days ago)." in _dd(english, "Updates")
    assert _dd(english, "Period covered") == "since November 15, 2016"


@pytest.mark.parametrize("coverage, fr, en", [
    ({"start": "2024-03"}, "depuis mars 2024", "starting March 2024"),
    ({"start": "2015", "end": "2024"}, "de 2015 à 2024", "from 2015 until 2024"),
    ({"start": "2015-01-01", "end": "2024-12-31"}, "du 1er janvier 2015 au 31 décembre 2024",
     "from January 1, 2015 to December 31, 2024"),
    ({"start": "2015-01-01", "end": "2024"}, "du 1er janvier 2015 à 2024",
     "from January 1, 2015 through 2024"),
    ({"start": "2015-04", "end": "2024-03-31"}, "d’avril 2015 au 31 mars 2024",
     "from April 2015 up to March 31, 2024"),
    ({"start": "2015-10", "end": "2024-08"}, "d’octobre 2015 à août 2024",
     "from October 2015 until August 2024"),
    ({"end": "2020"}, "jusqu’en 2020", "up to 2020"),
    ({"end": "2020-06-30"}, "jusqu’au 30 juin 2020", "until June 30, 2020"),
])
def test_period_covered_reads_as_a_sentence(app, make_dataset, coverage, fr, en):
    ds = make_dataset(temporal_coverage=[coverage])
    assert _dd(_understand(app, f"/dataset/{ds['name']}"), "Période couverte") == fr
    assert _dd(_understand(app, f"/en/dataset/{ds['name']}"), "Period covered") == en


@pytest.mark.parametrize("days, text", [(0, "aujourd’hui"), (1, "hier"), (3, "il y a 3 jours"),
                                        (21, "il y a 3 semaines"), (70, "il y a 2 mois"),
                                        (800, "il y a 2 ans"), (-2, "")])
def test_how_long_ago_in_french(days, text):
    assert l10n.ago(days, "fr", lambda s: {"today": "aujourd’hui", "yesterday": "hier"}[s]) == text


@pytest.mark.ckan_config("ckanext.poitiers.harvest.allow_private_addresses", "true")
def test_a_harvested_dataset_names_its_harvest_source(app, httpserver, ckan_config, monkeypatch):
    for key, value in LOOPBACK_ALLOWED.items():
        monkeypatch.setitem(ckan_config, key, value)
    catalogue = Catalogue(load_records())
    url = catalogue.install(httpserver)
    org = factories.Organization(name="grand-poitiers", title="Grand Poitiers")
    runner = Runner(get_plugin("poitiers_datafair_harvester"), url, owner_org=org["id"])
    runner.run()
    block = _understand(app, "/dataset/proprete-bornes-a-verre")
    source = _dd(block, "Source")
    assert "Collecté automatiquement depuis Source de test" in source
    link = block.find("a", string="Source de test")
    assert link["href"] == f"/harvest/{runner.source.id}"
    assert app.get(link["href"]).status_code == 200
    assert block.find("a", string="Voir la page d’origine")["href"].endswith(
        "/datasets/proprete-bornes-a-verre")
    # the date the data changed at the source (Data Fair's dataUpdatedAt), not the harvest's:
    # an annual dataset last changed on 1 February 2025 is late
    updates = _dd(block, "Mises à jour")
    assert "Dernière mise à jour\u00a0: 1er février 2025 (il y a " in updates
    assert block.find(attrs={"data-freshness": "late"})


def _rows(table):
    return {th.get_text(" ", strip=True): th.find_next_sibling("td").get_text(" ", strip=True)
            for th in table.find_all("th", scope="row")}


def test_additional_information_lists_the_fields_that_have_a_value(app, make_dataset):
    ds = make_dataset(publisher=[{"name": "Ville de Poitiers"}],
                      resources=[{"url": "https://example.org/a.csv", "format": "CSV",
                                  "name": "Fichier", "size": 2500000}])
    soup = _soup(app.get(f"/dataset/{ds['name']}"))
    table = soup.find("section", class_="additional-info").find("table")
    rows = _rows(table)
    assert rows["Fréquence de mise à jour"] == "Mensuelle"
    assert all(value for value in rows.values()), rows  # no label without its value
    for empty in ("Version", "Exploitants (GTFS)", "Schéma de données", "Emprise géographique",
                  "Point de contact"):
        assert empty not in rows
    publisher = " ".join(table.find("th", string="Éditeur").find_next_sibling("td")
                         .get_text(" ").split())
    # no « URI », « SIREN ou SIRET »; no « Éditeur 1 » under the row « Éditeur »
    assert publisher == "Nom Ville de Poitiers"

    res_soup = _soup(app.get(f"/dataset/{ds['name']}/resource/{ds['resources'][0]['id']}"))
    res_rows = _rows(res_soup.find("section", class_="additional-info")
                     if res_soup.find("section", class_="additional-info")
                     else res_soup.find("table"))
    assert res_rows["Identifiant (API)"] == ds["resources"][0]["id"]
    assert res_rows["Taille"] == "2,5\u00a0Mo"  # French number format, not « 2.4 MiB »
    assert all(value for value in res_rows.values()), res_rows
    for internal in ("Has views", "State", "Package id", "Position", "Resource type"):
        assert internal not in res_rows


def _row(table, label):
    return " ".join(table.find("th", string=label).find_next_sibling("td").get_text(" ").split())


def test_additional_information_says_periods_and_dates_in_words(app, make_dataset):
    ds = make_dataset(
        temporal_coverage=[{"start": "2025-09-01", "end": "2026-07-04"}],
        gtfs_start_date="2025-09-01", gtfs_end_date="2026-07-04",
        contact=[{"name": "Service SIG", "email": "sig@example.org"},
                 {"name": "Mobilités", "email": "mobilite@example.org"}])
    table = _soup(app.get(f"/dataset/{ds['name']}")).find(
        "section", class_="additional-info").find("table")
    # as the « Comprendre ces données » block says it, not « Période 1 Début … Fin … »
    assert _row(table, "Couverture temporelle") == "du 1er septembre 2025 au 4 juillet 2026"
    # the dates of the GTFS feed in words, not 2025-09-01
    assert _row(table, "Début de validité (GTFS)") == "1er septembre 2025"
    assert _row(table, "Fin de validité (GTFS)") == "4 juillet 2026"
    # two contacts: numbered, each with its own subfields
    contacts = _row(table, "Point de contact")
    assert contacts.startswith("Contact 1 Nom ou service Service SIG"), contacts
    assert "Contact 2 Nom ou service Mobilités" in contacts


def test_several_periods_are_listed_each_as_a_sentence(app, make_dataset):
    ds = make_dataset(temporal_coverage=[{"start": "2015", "end": "2019"},
                                         {"start": "2024-03"}])
    table = _soup(app.get(f"/dataset/{ds['name']}")).find(
        "section", class_="additional-info").find("table")
    cell = table.find("th", string="Couverture temporelle").find_next_sibling("td")
    assert [li.get_text(strip=True) for li in cell.find_all("li")] == [
        "de 2015 à 2019", "depuis mars 2024"]


def test_periods(app):
    with app.flask_app.test_request_context(environ_overrides={"CKAN_LANG": "fr"}):
        assert helpers.poitiers_periods([{"start": "2016-11-15"}, {"end": "2024"}, {}, "x"]) == [
            "depuis le 15 novembre 2016", "jusqu’en 2024"]
        assert helpers.poitiers_periods(None) == [] and helpers.poitiers_periods("2024") == []
        assert helpers.poitiers_periods({"start": "2024-04"}) == ["depuis avril 2024"]


def test_entries_with_value():
    contact = {"field_name": "contact", "repeating_subfields": [
        {"field_name": "name"}, {"field_name": "email"}]}
    entries = [{"name": " "}, {"name": "SIG"}, "x", {"email": "a@b.fr"}]
    assert theme_helpers.entries_with_value(entries, contact) == [
        {"name": "SIG"}, {"email": "a@b.fr"}]
    assert theme_helpers.entries_with_value(None, contact) == []


def test_the_api_block_links_the_dcat_descriptions(app, make_dataset):
    ds = make_dataset()
    api = _soup(app.get(f"/dataset/{ds['name']}")).find(class_="poitiers-api")
    links = {a.find(string=True, recursive=False).strip(): a["href"]
             for a in api.find_all("a", class_="poitiers-dcat-link")}
    for a in api.find_all("a", class_="poitiers-dcat-link"):  # makes sense read alone
        assert a.get_text(" ", strip=True).endswith("description DCAT de ce jeu de données")
    assert list(links) == ["Turtle", "RDF/XML", "JSON-LD"]
    types = {"Turtle": "text/turtle", "RDF/XML": "application/rdf+xml",
             "JSON-LD": "application/ld+json"}
    for label, href in links.items():
        assert href.startswith("http") and ds["name"] in href  # absolute: copied into a program
        res = app.get(href.split("://", 1)[1].split("/", 1)[1].join(["/", ""]))
        assert res.status_code == 200 and res.headers["Content-Type"].startswith(types[label])
        assert ds["id"] in res.get_data(as_text=True)
    catalogue = api.find("a", string="Le catalogue entier (Turtle)")["href"]
    assert catalogue.endswith("/catalog.ttl")
    assert "data.europa.eu" in api.get_text()


def test_has_value():
    contact = {"field_name": "contact", "repeating_subfields": [
        {"field_name": "name"}, {"field_name": "email"}]}
    assert not theme_helpers.has_value([{"name": "", "email": None}], contact)
    assert theme_helpers.has_value([{"name": "", "email": "a@b.fr"}], contact)
    assert theme_helpers.has_value(0) and not theme_helpers.has_value("  ")
    assert not theme_helpers.has_value([]) and not theme_helpers.has_value({"a": ""})


@pytest.mark.ckan_config("ckanext.poitiers.harvest.allow_private_addresses", "true")
def test_the_harvest_sources_list_names_its_filters(app, httpserver):
    org = factories.Organization()
    runner = Runner(get_plugin("poitiers_datafair_harvester"), httpserver.url_for("/"),
                    owner_org=org["id"])
    assert runner.source.type == "poitiers_datafair"
    soup = _soup(app.get("/harvest/"))
    facets = {nav["aria-label"]: [" ".join(a.get_text(" ").split()) for a in nav.find_all("a")]
              for nav in soup.select("nav[aria-label^='Filtrer']")}
    labels = [label for links in facets.values() for label in links]
    assert "Manuelle 1 source de moissonnage" in labels, facets
    assert "Data Fair (data.grandpoitiers.fr) 1 source de moissonnage" in labels, facets
    assert not [label for label in labels if "MANUAL" in label or "poitiers_" in label]
    # a filter followed from the list still finds the source
    found = _soup(app.get("/harvest/?source_type=poitiers_datafair"))
    assert found.find("a", string=lambda s: s and "Source de test" in s)


def test_the_activity_filter_speaks_the_page_language(app, make_dataset):
    ds = make_dataset()
    org_id = ds["owner_org"]
    for path, fr in ((f"/dataset/activity/{ds['name']}", "Jeu de données créé"),
                     (f"/organization/activity/{org_id}", "Organisation modifiée")):
        select = _soup(app.get(path)).find("select", id="activity_types_filter_select")
        options = [" ".join(o.get_text().split()) for o in select.find_all("option")]
        assert options[0] == "Tous les types d’activité" and fr in options, options
        assert not [o for o in options if o.istitle() and "Package" in o]  # « New Package »
        english = _soup(app.get("/en" + path)).find("select", id="activity_types_filter_select")
        assert "Dataset created" in [" ".join(o.get_text().split())
                                     for o in english.find_all("option")]
    # the options still filter the stream
    option = select.find("option", string=lambda s: s and "Organisation modifiée" in s)
    url = option.get("hx-get") or option.get("data-url")
    assert url.replace("%20", "+").endswith("activity_type=changed+organization")
    assert app.get(url).status_code == 200


def test_the_producers_cards_count_datasets_in_lower_case(app, make_dataset):
    """CKAN's French wrote « 2 Jeux de données », « 0 Jeu de données »."""
    busy = factories.Organization(name="producteur-actif", title="Producteur actif")
    factories.Organization(name="producteur-nouveau", title="Producteur nouveau")
    make_dataset(owner_org=busy["id"])
    make_dataset(owner_org=busy["id"])
    soup = _soup(app.get("/organization/"))
    counts = {" ".join(card.find(["h2", "h3"]).get_text().split()):
              " ".join(card.find(class_="count").get_text().split())
              for card in soup.select(".media-item")}
    assert counts == {"Producteur actif": "2 jeux de données",
                      "Producteur nouveau": "0 jeu de données"}
    # the sidebar tells a reader who publishes (CKAN's spoke of « Organisations CKAN » and roles)
    aside = soup.find("aside") or soup.find(class_="secondary")
    assert aside.find("h2").get_text(" ", strip=True) == "Qui publie ces données\u00a0?"
    assert "Chaque producteur tient ses jeux de données à jour" in aside.get_text()
    assert "CKAN" not in aside.get_text()


def test_the_api_line_under_the_search_results_reads_french(app, make_dataset):
    """CKAN's French: « en utilisant l'API (cf. Documentation de l'API). », straight
    apostrophes, and no word that the guide is in English."""
    make_dataset()
    soup = _soup(app.get("/dataset/"))
    line = next(s for s in soup.find_all("small") if "accéder à ce catalogue" in s.get_text())
    assert " ".join(line.get_text().split()) == (
        "Vous pouvez également accéder à ce catalogue en utilisant l’API (voir la "
        "documentation de l’API, en anglais).")
    assert "'" not in line.get_text()
