"""No English left in the French interface (RGAA 8.7: a change of language is declared; an
English sentence in a page declared French is read with French phonetics by screen readers).

The pages are rendered by CKAN with the real plugins and looked through for the strings that
CKAN's French catalogue leaves empty or lacks and the strings of ckanext-harvest, ckanext-dcat and
ckanext-scheming (no French catalogue): in the visible text, in the accessible names (aria-label,
title, alt, placeholder) and in the texts of the confirmation windows. Our own catalogue
translates those the portal shows (``i18n_extra.py``). ``test_french_admin_ui.py`` does the same
on the administrators' and publishers' pages; the scan is ``english_scan.py``."""
from __future__ import annotations

import json
import re

import pytest
from bs4 import BeautifulSoup
from ckan.plugins import toolkit
from ckan.tests import factories

from tests.integration.theme.english_scan import english_on

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("theme_db", "with_plugins")]


@pytest.fixture
def content(make_dataset):
    # (the factories' random English texts are replaced: the scan would find a msgid in them)
    org = factories.Organization(name="grand-poitiers", title="Grand Poitiers",
                                 description="Les données de la communauté urbaine.")
    dataset = make_dataset(
        owner_org=org["id"], name="parkings", title="Parkings en temps réel",
        tags=[{"name": "stationnement"}],
        resources=[{"name": "Parkings (CSV)", "format": "CSV",
                    "url": "https://data.example.org/parkings.csv"}])
    site_user = toolkit.get_action("get_site_user")({"ignore_auth": True}, {})
    toolkit.get_action("harvest_source_create")({"user": site_user["name"]}, {
        "name": "moissonnage-exemple", "title": "Catalogue d’exemple",
        "url": "http://127.0.0.1:9/catalogue", "source_type": "poitiers_dcat",
        "owner_org": org["id"], "frequency": "MANUAL"})
    return {"org": org, "dataset": dataset}


def test_public_pages_speak_french_only(app, content):
    resource = content["dataset"]["resources"][0]["id"]
    pages = ["/", "/dataset/", "/dataset/?q=parkings", "/dataset/parkings",
             f"/dataset/parkings/resource/{resource}", "/dataset/groups/parkings",
             "/organization/", "/organization/grand-poitiers", "/group/", "/harvest/",
             "/harvest/?q=catalogue", "/harvest/moissonnage-exemple", "/user/login",
             "/dataset/absent", "/page-absente", "/ckan-admin", "/dataset/new"]
    status = {"/dataset/absent": 404, "/page-absente": 404, "/ckan-admin": 403,
              "/dataset/new": 403}
    found = english_on(app, pages, statuses=status)
    assert found == {}, json.dumps(found, indent=1, ensure_ascii=False)


def test_publisher_pages_speak_french_only(app, content):
    user = factories.SysadminWithToken(fullname="Administratrice", about="Administre le portail.")
    headers = {"Authorization": user["token"]}
    pages = ["/", "/dataset/new", "/dataset/edit/parkings", "/dataset/parkings/resource/new",
             "/dataset/resources/parkings", "/organization/edit/grand-poitiers",
             "/organization/bulk_process/grand-poitiers", "/harvest/new",
             "/harvest/admin/moissonnage-exemple", f"/user/{user['name']}",
             f"/user/edit/{user['name']}", "/dashboard/datasets", "/ckan-admin"]
    found = english_on(app, pages, headers=headers)
    assert found == {}, json.dumps(found, indent=1, ensure_ascii=False)
    # a sentence with a link inside (the help under the Markdown fields)
    form = BeautifulSoup(app.get("/dataset/new", headers=headers).body, "html.parser")
    help_text = form.find(class_="editor-info-block").get_text(" ", strip=True)
    assert help_text == "Vous pouvez utiliser ici la mise en forme Markdown"


def test_landmarks_and_counts_are_named_in_french(app, content):
    """One-word names the scan above leaves aside: the account menu, the breadcrumb, the menu
    button, the harvest facets and count, the number of members of an organisation."""
    soup = BeautifulSoup(app.get("/dataset/").body, "html.parser")
    assert soup.find("nav", class_="account")["aria-label"] == "Compte"
    assert soup.find(class_="toolbar")["aria-label"] == "Fil d’Ariane"
    assert soup.find(class_="navbar-toggler")["aria-label"] == "Afficher ou masquer le menu"
    harvest = BeautifulSoup(app.get("/harvest/").body, "html.parser")
    headings = [h.get_text(strip=True) for h in harvest.select("aside h2")]
    assert "Fréquence" in headings and "Frequency" not in headings
    assert "1 source de moissonnage trouvée" in harvest.get_text(" ")
    orgs = BeautifulSoup(app.get("/organization/").body, "html.parser").get_text(" ")
    assert re.search(r"\b\d+ membres?\b", orgs) and "Member" not in orgs


def test_french_metadata_declared_as_such_on_the_english_pages(app, content):
    """RGAA 8.7: on /en, the titles and descriptions the producers wrote in French carry
    lang="fr"; on the French pages no element repeats the page's language."""
    soup = BeautifulSoup(app.get("/en/dataset/").body, "html.parser")
    assert soup.find("html")["lang"] == "en"
    item = soup.select_one(".dataset-item")
    title = item.find(string=lambda s: s and "Parkings en temps réel" in s)
    assert title.find_parent(attrs={"lang": "fr"}) is not None
    assert item.find(string=lambda s: s and "Des données." in s).find_parent(
        attrs={"lang": "fr"}) is not None
    page = BeautifulSoup(app.get("/en/dataset/parkings").body, "html.parser")
    assert page.select_one("h1 [lang=fr]").get_text(strip=True) == "Parkings en temps réel"
    assert page.select_one(".notes").find_parent(attrs={"lang": "fr"}) is not None
    french = BeautifulSoup(app.get("/dataset/parkings").body, "html.parser")
    assert french.find("html")["lang"] == "fr"
    # (the language switcher names each language in itself: « English » is lang="en")
    redundant = [e for e in french.select("body [lang=fr]")
                 if not e.find_parent(class_="poitiers-lang")]
    assert redundant == []
