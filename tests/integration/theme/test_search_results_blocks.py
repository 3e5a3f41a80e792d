"""The dataset search blocks the theme changes (one body, poitiers/snippets/
search_results_blocks.html, used by CKAN 2.11's package/search.html and 2.12's
package/snippets/search_results.html): core's results list, our pager, the empty state."""
from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from ckan.plugins import toolkit
from ckan.tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("theme_db", "with_plugins")]


@pytest.mark.ckan_config("ckan.datasets_per_page", "2")
def test_results_list_and_pager(app, make_dataset):
    for title in ("Arbres d'alignement", "Arbres remarquables", "Arbres des parcs"):
        make_dataset(title=title)
    soup = BeautifulSoup(app.get("/dataset/?q=arbres").body, "html.parser")
    # core's list (the block's super(), through the macro's caller)
    items = soup.select(".dataset-list .dataset-item")
    assert len(items) == 2
    assert soup.find(class_="poitiers-empty-state") is None
    nav = soup.find("nav", attrs={"aria-label": "Pages de résultats"})
    assert nav is not None
    assert any("page=2" in a["href"] and "q=arbres" in a["href"] for a in nav.find_all("a"))
    assert len(soup.find_all("nav", attrs={"aria-label": "Pages de résultats"})) == 1
    page2 = BeautifulSoup(app.get("/dataset/?q=arbres&page=2").body, "html.parser")
    assert len(page2.select(".dataset-list .dataset-item")) == 1


def test_empty_state_replaces_the_list(app, make_dataset):
    make_dataset(title="Arbres")
    soup = BeautifulSoup(app.get("/dataset/?q=zzzintrouvable").body, "html.parser")
    assert soup.find(class_="poitiers-empty-state") is not None
    assert not soup.select(".dataset-list .dataset-item")


@pytest.mark.ckan_config("ckan.datasets_per_page", "1")
def test_pager_links_say_what_they_do(app, make_dataset):
    """RGAA 6.1: the next and previous links read « Page suivante » / « Page précédente » (their
    HTML was escaped and shown as text); the current page is marked with aria-current."""
    for title in ("Arbres d'alignement", "Arbres remarquables", "Arbres des parcs"):
        make_dataset(title=title)
    soup = BeautifulSoup(app.get("/dataset/?q=arbres&page=2").body, "html.parser")
    nav = soup.find("nav", attrs={"aria-label": "Pages de résultats"})
    assert "&lt;" not in str(nav) and "<i class" not in nav.get_text()
    texts = [a.get_text(" ", strip=True) for a in nav.find_all("a")]
    assert texts[0] == "Page précédente" and texts[-1] == "Page suivante"
    to_3 = [a.get_text(strip=True) for a in nav.find_all("a", href=re.compile("page=3"))]
    assert to_3 == ["3", "Page suivante"]
    for icon in nav.find_all("i"):
        assert icon["aria-hidden"] == "true"
    current = nav.find_all("a", attrs={"aria-current": "page"})
    assert [a.get_text(strip=True) for a in current] == ["2"]


@pytest.mark.ckan_config("ckan.datasets_per_page", "2")
def test_each_results_page_has_its_own_title(app, make_dataset):
    """RGAA 8.6: the title says what was searched, how many were found and which page (all the
    search pages were titled « Jeu de données »); the query is quoted the French way."""
    org = factories.Organization(title="Grand Poitiers")
    for title in ("Arbres d'alignement", "Arbres remarquables", "Arbres des parcs"):
        make_dataset(title=title, owner_org=org["id"])

    def title(path):
        soup = BeautifulSoup(app.get(path).body, "html.parser")
        return soup.title.get_text().split(" - ")[0], soup

    titles = {}
    for path in ("/dataset/", "/dataset/?q=arbres", "/dataset/?q=arbres&page=2",
                 f"/dataset/?organization={org['name']}", "/dataset/?q=zzzintrouvable"):
        titles[path], soup = title(path)
    assert titles["/dataset/"] == "Tous les jeux de données\u00a0: 3 jeux de données, page 1 sur 2"
    assert titles["/dataset/?q=arbres"] == \
        "Recherche «\u00a0arbres\u00a0»\u00a0: 3 jeux de données, page 1 sur 2"
    assert titles["/dataset/?q=arbres&page=2"].endswith(", page 2 sur 2")
    assert titles[f"/dataset/?organization={org['name']}"] == \
        "Jeux de données\u00a0: 3 jeux de données, 1 filtre, page 1 sur 2"
    assert titles["/dataset/?q=zzzintrouvable"] == \
        "Recherche «\u00a0zzzintrouvable\u00a0»\u00a0: aucun jeu de données"
    assert len(set(titles.values())) == len(titles)
    heading = title("/dataset/?q=arbres")[1].find("h1").get_text(" ", strip=True)
    assert heading == "3 jeux de données trouvés pour «\u00a0arbres\u00a0»"


@pytest.mark.ckan_config("ckan.datasets_per_page", "2")
def test_producer_pages_have_their_own_title(app, make_dataset):
    org = factories.Organization(name="grand-poitiers", title="Grand Poitiers")
    for title in ("Arbres d'alignement", "Arbres remarquables", "Arbres des parcs"):
        make_dataset(title=title, owner_org=org["id"])
    titles = [BeautifulSoup(app.get(path).body, "html.parser").title.get_text()
              for path in ("/organization/grand-poitiers", "/organization/grand-poitiers?page=2")]
    assert titles[0].startswith("Grand Poitiers - Organisations, page 1 sur 2")
    assert titles[1].startswith("Grand Poitiers - Organisations, page 2 sur 2")


def test_results_followed_by_htmx_carry_their_title(app, make_dataset):
    """CKAN 2.12 answers a filter followed by htmx with a fragment: it carries the new title,
    which htmx puts in the document (the page kept the first search's title)."""
    if toolkit.check_ckan_version(max_version="2.11.99"):
        pytest.skip("CKAN 2.11 does not follow the filters with htmx")
    org = factories.Organization(title="Grand Poitiers")
    make_dataset(title="Arbres", owner_org=org["id"])
    body = app.get(f"/dataset/?organization={org['name']}",
                   headers={"HX-Request": "true", "HX-Boosted": "true"}).body
    soup = BeautifulSoup(body, "html.parser")
    assert soup.find("title").get_text().startswith(
        "Jeux de données\u00a0: 1 jeu de données, 1 filtre - ")
