"""The 403/404/500 pages: French title and heading (RGAA 8.5, 8.6), a main landmark the skip
link reaches (RGAA 12.6, 12.7), no « Click here » link (RGAA 6.1), no empty landmark."""
from __future__ import annotations

import logging

import pytest
from bs4 import BeautifulSoup

from ckanext.poitiers import theme_helpers

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("theme_db", "with_plugins")]


def _soup(res):
    return BeautifulSoup(res.body, "html.parser")


@pytest.mark.parametrize("path, heading, message", [
    ("/page-absente", "Page introuvable", "Cette page n’existe pas ou n’existe plus."),
    ("/dataset/absent", "Page introuvable",
     "Ce jeu de données n’existe pas, ou vous n’avez pas le droit de le consulter."),
])
def test_not_found_page_in_french_with_a_main_landmark(app, path, heading, message):
    soup = _soup(app.get(path, status=404))
    assert soup.title.get_text().startswith(f"{heading} (erreur 404) - ")
    main = soup.find(attrs={"role": "main"}) or soup.find("main")
    assert main is not None, "no main landmark"
    assert main.find_parent(id="content") is not None, "the skip link's target holds it"
    assert [h.get_text(strip=True) for h in soup.find_all("h1")] == [heading]
    text = main.get_text(" ", strip=True)
    assert message in text
    assert "Not Found" not in text and "requested URL" not in text
    assert main.find("a", href="/dataset/").get_text(strip=True)
    # no empty breadcrumb navigation landmark
    for nav in soup.select("[role=navigation], nav"):
        assert nav.get_text(strip=True), f"empty landmark: {nav.get('aria-label')}"


def test_forbidden_page_offers_an_explicit_login_link(app):
    soup = _soup(app.get("/ckan-admin", status=403))
    assert [h.get_text(strip=True) for h in soup.find_all("h1")] == ["Accès refusé"]
    assert soup.title.get_text().startswith("Accès refusé (erreur 403)")
    login = soup.find("a", href="/user/login", string=True)
    links = [a.get_text(strip=True) for a in soup.find(attrs={"role": "main"}).find_all("a")]
    assert "Se connecter au portail" in links
    assert not any("Click" in t or "cliquez" in t.lower() for t in links), login


def test_server_error_text(app):
    with app.flask_app.test_request_context():
        error = theme_helpers.error_page([500], "Internal server error")
        kept = theme_helpers.error_page(404, "Ressource introuvable")
    assert error["heading"] == "Erreur du portail"
    assert error["title"] == "Erreur du portail (erreur 500)"
    assert error["message"].startswith("Une erreur s’est produite sur le portail.")
    assert kept["message"] == "Ressource introuvable"


# what ckanext-harvest's views pass to abort(500) when an action fails
HARVEST_500 = ("An error occurred: [(psycopg2.OperationalError) server closed the connection "
               "unexpectedly [SQL: SELECT harvest_source.id FROM harvest_source]]")


def test_a_server_error_shows_no_exception_text_and_logs_it(app, enabled_log):
    caplog = enabled_log(logging.getLogger(theme_helpers.__name__))
    with app.flask_app.test_request_context():
        error = theme_helpers.error_page(500, HARVEST_500, log_detail=True)
        again = theme_helpers.error_page(500, HARVEST_500)
        refused = theme_helpers.error_page(403, "Vous ne pouvez pas modifier cette source")
    assert error["message"].startswith("Une erreur s’est produite sur le portail.")
    assert again["message"] == error["message"]
    # logged for the administrator, once a page
    logged = [r.getMessage() for r in caplog.records if "psycopg2" in r.getMessage()]
    assert len(logged) == 1 and "harvest_source" in logged[0]
    # the messages of the other errors are the views' own (through gettext)
    assert refused["message"] == "Vous ne pouvez pas modifier cette source"


def test_search_with_solr_down_says_so_in_french_without_solr_in_it(app, solr_down,
                                                                    enabled_log):
    caplog = enabled_log(logging.getLogger(theme_helpers.__name__))
    res = app.get("/dataset/", status=500)
    soup = _soup(res)
    main = soup.find(attrs={"role": "main"})
    assert [h.get_text(strip=True) for h in main.find_all("h1")] == ["Erreur du portail"]
    assert "La recherche est momentanément indisponible\u00a0: réessayez dans quelques " \
           "minutes." in main.get_text()
    # CKAN's text (« Solr returned an error while searching. ») is in the log, not the page
    assert "Solr" not in res.body and "returned" not in res.body
    assert any("Solr returned an error" in r.getMessage() for r in caplog.records)
