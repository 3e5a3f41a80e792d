"""No English left in the French interface (RGAA 8.7: a change of language is declared; an
English sentence in a page declared French is read with French phonetics by screen readers).

The pages are rendered by CKAN with the real plugins and looked through for the strings that
CKAN's French catalogue leaves empty or lacks and the strings of ckanext-harvest, ckanext-dcat and
ckanext-scheming (no French catalogue): in the visible text, in the accessible names (aria-label,
title, alt, placeholder) and in the texts of the confirmation windows. Our own catalogue
translates those the portal shows (``i18n_extra.py``). ``test_french_admin_ui.py`` does the same
on the administrators' and publishers' pages."""
from __future__ import annotations

import functools
import html
import json
import re
from pathlib import Path

import ckan
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup, Comment
from ckan.plugins import toolkit
from ckan.tests import factories

import ckanext.dcat
import ckanext.harvest
import ckanext.scheming

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("theme_db", "with_plugins")]

PLACEHOLDER = re.compile(r"\{\w*\}|%\(\w+\)s|%s|%d")
TAG = re.compile(r"<[^<>]+>")
TOKEN = re.compile(r"(<[^<>]+>|\{\w*\}|%\(\w+\)s|%s|%d)")
# names of attributes a screen reader reads out, or that show as text
READ_ATTRS = ("aria-label", "title", "alt", "placeholder", "data-bs-title",
              "data-module-content")


def _extension_ids(package, python: bool = True) -> set[str]:
    """The msgids of a package's templates (and Python code), extracted as ``make i18n`` does
    (ckanext-scheming ships no catalogue; ckanext-harvest's .pot and CKAN's French catalogue
    miss some of their strings: « Manage resource: {name} »)."""
    root = Path(package.__file__).parent
    methods = [("**/templates/**.html", "ckan")] + ([("**.py", "python")] if python else [])
    ids = set()
    for _file, _line, msg, _comments, _context in extract_from_dir(
            str(root), method_map=methods, options_map={"**/templates/**.html": {}}):
        ids.update([msg] if isinstance(msg, str) else msg)
    return ids


def _pattern(msgid: str) -> re.Pattern:
    """The rendered text of a msgid: its tags and placeholders may hold anything (or nothing),
    its spaces any white space, its entities their character."""
    parts = []
    for token in TOKEN.split(msgid.strip()):
        if TAG.fullmatch(token):
            parts.append(r"\s*")
        elif PLACEHOLDER.fullmatch(token):
            parts.append(r".{1,80}?")
        elif token.strip():
            words = html.unescape(token).split()
            lead = r"\s*" if token[:1].isspace() else ""
            tail = r"\s*" if token[-1:].isspace() else ""
            parts.append(lead + r"\s+".join(re.escape(w) for w in words) + tail)
    return re.compile(r"(?<![A-Za-z])" + "".join(parts) + r"(?![A-Za-z])")


@functools.cache
def _untranslated() -> tuple[tuple[str, re.Pattern], ...]:
    """(msgid, pattern) for the English strings with two words or more (one word is too often
    French too: « Format », « Type », « Social »): those CKAN's French catalogue leaves empty,
    those of CKAN's templates it does not have, those of ckanext-harvest, ckanext-dcat and
    ckanext-scheming (no French catalogue)."""
    with open(Path(ckan.__file__).parent / "i18n" / "fr" / "LC_MESSAGES" / "ckan.po", "rb") as f:
        french = read_po(f)
    ids = (_extension_ids(ckan, python=False) | _extension_ids(ckanext.harvest)
           | _extension_ids(ckanext.scheming))
    for m in french:
        if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string):
            ids.update([m.id] if isinstance(m.id, str) else m.id)
    ids = {i for i in ids if not (french.get(i) and french.get(i).string)}
    for path in [Path(ckanext.harvest.__file__).parent / "i18n" / "ckanext-harvest.pot",
                 Path(ckanext.dcat.__file__).parent / "i18n" / "ckanext-dcat.pot"]:
        with open(path, "rb") as f:
            for m in read_po(f):
                if m.id:
                    ids.update([m.id] if isinstance(m.id, str) else m.id)
    patterns = []
    for msgid in ids:
        words = re.findall(r"[A-Za-z]{2,}", PLACEHOLDER.sub("", TAG.sub(" ", msgid)))
        if len(words) < 2 and not (PLACEHOLDER.search(msgid) and words and len(words[0]) > 4):
            continue
        patterns.append((msgid, _pattern(msgid)))
    return tuple(patterns)


def _english(body: str, patterns) -> list[str]:
    soup = BeautifulSoup(body, "html.parser")
    for tag in soup(["script", "style", "template"]):
        tag.decompose()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    texts = [re.sub(r"\s+", " ", soup.get_text(" "))]
    texts += [el[a] for el in soup.find_all(True) for a in READ_ATTRS if el.get(a)]
    # the text of the confirmation windows CKAN's JavaScript opens (confirm-action)
    texts += [json.loads(el["data-module-i18n"]).get("content", "")
              for el in soup.find_all(attrs={"data-module-i18n": True})]
    blob = "\n".join(texts)
    return sorted(msgid for msgid, rx in patterns if rx.search(blob))


@pytest.fixture
def content(make_dataset):
    org = factories.Organization(name="grand-poitiers", title="Grand Poitiers")
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
    patterns = _untranslated()
    resource = content["dataset"]["resources"][0]["id"]
    pages = ["/", "/dataset/", "/dataset/?q=parkings", "/dataset/parkings",
             f"/dataset/parkings/resource/{resource}", "/dataset/groups/parkings",
             "/organization/", "/organization/grand-poitiers", "/group/", "/harvest/",
             "/harvest/?q=catalogue", "/harvest/moissonnage-exemple", "/user/login",
             "/dataset/absent", "/page-absente", "/ckan-admin", "/dataset/new"]
    status = {"/dataset/absent": 404, "/page-absente": 404, "/ckan-admin": 403,
              "/dataset/new": 403}
    found = {}
    for path in pages:
        res = app.get(path, status=status.get(path, 200))
        english = _english(res.get_data(as_text=True), patterns)
        if english:
            found[path] = english
    assert found == {}, json.dumps(found, indent=1, ensure_ascii=False)


def test_publisher_pages_speak_french_only(app, content):
    patterns = _untranslated()
    user = factories.SysadminWithToken()
    headers = {"Authorization": user["token"]}
    pages = ["/", "/dataset/new", "/dataset/edit/parkings", "/dataset/parkings/resource/new",
             "/dataset/resources/parkings", "/organization/edit/grand-poitiers",
             "/organization/bulk_process/grand-poitiers", "/harvest/new",
             "/harvest/admin/moissonnage-exemple", f"/user/{user['name']}",
             f"/user/edit/{user['name']}", "/dashboard/datasets", "/ckan-admin"]
    found = {}
    for path in pages:
        english = _english(app.get(path, headers=headers).get_data(as_text=True), patterns)
        if english:
            found[path] = english
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
