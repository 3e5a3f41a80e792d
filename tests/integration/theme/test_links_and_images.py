"""Images and links of the producer blocks and the sharing links (RGAA 1.2, 1.3, 6.1, 13.2)."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from ckan.tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("theme_db", "with_plugins")]


@pytest.fixture
def org_and_dataset(make_dataset):
    org = factories.Organization(name="grand-poitiers", title="Grand Poitiers")
    make_dataset(owner_org=org["id"], name="parkings", title="Parkings en temps réel")
    return org


def test_producer_logo_link_is_named_by_the_producer(app, org_and_dataset):
    for path in ("/dataset/parkings", "/organization/grand-poitiers"):
        soup = BeautifulSoup(app.get(path).body, "html.parser")
        link = soup.select_one("#organization-info .image a")
        assert link.find("img")["alt"] == "Grand Poitiers", path


def test_producer_list_logos_are_decorative(app, org_and_dataset):
    soup = BeautifulSoup(app.get("/organization/").body, "html.parser")
    images = soup.select(".media-item img")
    assert images and all(img["alt"] == "" for img in images)
    assert "grand-poitiers" not in [img["alt"] for img in soup.find_all("img")]


def test_sharing_links_say_they_open_a_new_window(app, org_and_dataset):
    soup = BeautifulSoup(app.get("/dataset/parkings").body, "html.parser")
    links = soup.select(".social a[target=_blank]")
    assert len(links) == 2
    for link in links:
        assert "partager cette page (nouvelle fenêtre)" in link.get_text(" ", strip=True)
        assert link.find("i")["aria-hidden"] == "true"
        assert "noopener" in link["rel"]
    assert links[0]["href"].startswith("https://x.com/share?url=http")


def test_resource_page_headings_follow_each_other(app, make_dataset):
    """RGAA 9.1: under the resource's h1, the dataset description (shown when the resource has
    none) is an h2, not an h3; its « Source » paragraph is closed."""
    dataset = make_dataset(name="parkings", title="Parkings", notes="Places libres.",
                           resources=[{"name": "Parkings (CSV)", "url": "https://e.org/p.csv"}])
    res = dataset["resources"][0]["id"]
    soup = BeautifulSoup(app.get(f"/dataset/parkings/resource/{res}").body, "html.parser")
    notes = soup.select_one(".prose.notes")
    levels = [int(h.name[1]) for h in notes.find_all(["h2", "h3", "h4"])]
    assert levels == [2]
    assert notes.find(["h2"]).get_text(strip=True) == "Description du jeu de données\u00a0:"
    assert [p.get_text(" ", strip=True) for p in notes.find_all("p", recursive=False)
            if p.get_text(strip=True)] == ["Source\u00a0: Parkings"]


def test_resource_page_additional_information_is_in_the_main_landmark(app, make_dataset):
    """RGAA 12.6: the resource's title, download and « Informations additionnelles » table are
    the page's main content, in its one main landmark (the table was outside it)."""
    dataset = make_dataset(name="parkings", title="Parkings", notes="Places libres.",
                           resources=[{"name": "Parkings (CSV)", "url": "https://e.org/p.csv",
                                       "format": "CSV"}])
    res = dataset["resources"][0]["id"]
    body = app.get(f"/dataset/parkings/resource/{res}").body
    soup = BeautifulSoup(body, "html.parser")
    mains = soup.select('main, [role="main"]')
    assert len(mains) == 1, [m.name for m in mains]
    main = mains[0]
    heading = main.find("h1")
    assert heading and heading.get_text(strip=True) == "Parkings (CSV)"
    tables = soup.find_all("table")
    assert tables, "no additional information table"
    titles = [h.get_text(strip=True) for h in soup.find_all("h2")]
    assert "Informations additionnelles" in titles, titles
    info = next(h for h in soup.find_all("h2") if h.get_text(strip=True) ==
                "Informations additionnelles")
    for element in tables + [info]:
        assert main in element.parents, element.name
    assert res in main.get_text()  # its last row: the identifier for the API
    # the list of the dataset's other resources stays beside it, not in it
    assert not main.select(".resources, aside")
