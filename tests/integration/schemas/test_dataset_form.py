"""The French dataset form through CKAN's test app: errors next to the fields, nothing lost."""
from __future__ import annotations

import html
import re

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

from tests.conftest import plugins_of_test_ini

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("with_plugins", "clean_db",
                                                                   "clean_index")]


@pytest.fixture
def publisher(org):
    user = factories.SysadminWithToken()
    return {"Authorization": user["token"]}


def _form(org, **overrides):
    form = {
        "_ckan_phase": "dataset_new_1", "save": "continue", "pkg_name": "",
        "title": "Bancs et fontaines", "name": "bancs-et-fontaines",
        "notes": "Les bancs publics de Poitiers.", "purpose": "Trouver où se reposer.",
        "tag_string": "bancs,fontaines", "owner_org": org["id"],
        "theme": ["http://publications.europa.eu/resource/authority/data-theme/REGI"],
        "poitiers_theme": ["urbanisme-cadastre"], "communes": ["86194", "86041"],
        "granularity": "point", "frequency":
            "http://publications.europa.eu/resource/authority/frequency/ANNUAL",
        "license_id": "lov2", "personal_data": "none", "coproduction": "residents",
        "contact-0-name": "Collectif Bancs & Fontaines",
        "contact-0-email": "collectif@bancs.invalid",
        "temporal_coverage-0-start": "2023-05-01", "temporal_coverage-0-end": "",
        "publisher-0-name": "Collectif", "publisher-0-identifier": "",
    }
    form.update(overrides)
    return form


def test_the_new_dataset_form_is_in_french(app, publisher):
    page = app.get("/dataset/new", headers=publisher).get_data(as_text=True)
    for label in ("À quoi servent ces données\u00a0?", "Couverture territoriale",
                  "Fréquence de mise à jour", "Données personnelles", "Schéma de données",
                  "Gouvernement et secteur public", "Buxerolles", "Mobilité et transports",
                  "Licence Ouverte / Open Licence version 2.0"):
        assert html.escape(label, quote=False) in page or label in page, label


def test_wrong_values_come_back_in_french_next_to_the_fields_and_nothing_typed_is_lost(
        app, publisher, org):
    form = _form(org, **{"contact-0-email": "collectif-at-bancs",
                         "temporal_coverage-0-start": "01/05/2023",
                         "publisher-0-identifier": "21860194600014",
                         "communes": ["86041", "99999"]})
    response = app.post("/dataset/new", data=form, headers=publisher)
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert "n’est pas une adresse électronique valide" in page
    assert "AAAA-MM-JJ" in page
    assert "n’est pas un numéro SIREN (9 chiffres) ou SIRET (14 chiffres) valide" in page
    assert "«\u00a099999\u00a0» n’est pas le code Insee d’une commune de Grand Poitiers" in page
    # what the publisher typed is still in the form
    for typed in ("collectif-at-bancs", "01/05/2023", "21860194600014", "Bancs et fontaines",
                  "Trouver où se reposer.", "Les bancs publics de Poitiers."):
        assert typed in page, typed
    assert re.search(r'value="86041"\s+selected', page)
    assert re.search(r'value="none" selected', page)
    assert re.search(r'value="[^"]*data-theme/REGI"\s+checked', page)
    assert helpers.call_action("package_search", rows=0, include_drafts=True)["count"] == 0


def test_a_first_step_with_few_fields_saves_a_draft(app, publisher, org):
    form = {"_ckan_phase": "dataset_new_1", "save": "continue", "pkg_name": "",
            "title": "Esquisse", "name": "esquisse", "owner_org": org["id"]}
    response = app.post("/dataset/new", data=form, headers=publisher, follow_redirects=False)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    shown = helpers.call_action("package_show", id="esquisse")
    assert shown["state"] == "draft"


def test_publishing_from_the_resource_step_needs_the_complete_set(app, publisher, org, call):
    form = {"_ckan_phase": "dataset_new_1", "save": "continue", "pkg_name": "",
            "title": "Esquisse", "name": "esquisse", "owner_org": org["id"]}
    app.post("/dataset/new", data=form, headers=publisher, follow_redirects=False)
    resource = {"url": "https://example.invalid/esquisse.csv", "name": "Fichier",
                "format": "CSV", "resource_kind": "file", "save": "go-metadata", "id": ""}
    response = app.post("/dataset/esquisse/resource/new", data=resource, headers=publisher)
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    if tk.check_ckan_version(min_version="2.12"):
        # CKAN 2.12 shows the errors on the resource form
        assert "Obligatoire pour publier le jeu de données" in page
    else:
        # CKAN 2.11 does not catch them: our gate keeps the draft and says what is missing
        assert "reste un brouillon" in page and "«\u00a0Couverture territoriale\u00a0»" in page
    shown = helpers.call_action("package_show", id="esquisse")
    assert shown["state"] == "draft" and len(shown["resources"]) == 1
    # completing the dataset then publishing works
    call("package_patch", id="esquisse", notes="Un fichier.", theme=["GOVE"],
         communes=["86194"], frequency="punctual", personal_data="none")
    response = app.post("/dataset/esquisse/resource/new", data={"save": "go-metadata", "id": ""},
                        headers=publisher, follow_redirects=False)
    assert response.status_code == 302
    assert helpers.call_action("package_show", id="esquisse")["state"] == "active"


def test_the_dataset_page_shows_labels_not_codes(app, publisher, org, call):
    call("package_create", name="page-jeu", title="Page", owner_org=org["id"], notes="Texte",
         theme=["TRAN"], communes=["86041", "86070"], frequency="weekly", personal_data="none",
         granularity="quartier", data_schema="scdl/budget", coproduction="association")
    page = html.unescape(app.get("/dataset/page-jeu").get_data(as_text=True))
    for text in ("Buxerolles", "Chauvigny", "Hebdomadaire", "Transports", "Quartier",
                 "Budget des collectivités", "Contribuées par une association",
                 "Aucune donnée personnelle"):
        assert text in page, text


def test_a_publisher_creates_a_complete_dataset_through_the_two_steps(app, publisher, org):
    form = _form(org, **{"contact-1-name": "", "contact-1-email": "", "contact-1-url": ""})
    response = app.post("/dataset/new", data=form, headers=publisher, follow_redirects=False)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert "/resource/new" in response.headers["Location"]
    resource = {"id": "", "url": "https://example.invalid/bancs.geojson", "name": "Bancs",
                "description": "Un point par banc.", "format": "GeoJSON",
                "resource_kind": "file", "conforms_to_schema": "", "refresh_seconds": "",
                "save": "go-metadata"}
    response = app.post("/dataset/bancs-et-fontaines/resource/new", data=resource,
                        headers=publisher, follow_redirects=False)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    shown = helpers.call_action("package_show", id="bancs-et-fontaines")
    assert shown["state"] == "active"
    assert shown["communes"] == ["86041", "86194"]
    assert shown["contact"] == [{"name": "Collectif Bancs & Fontaines",
                                 "email": "collectif@bancs.invalid"}]
    assert shown["temporal_coverage"] == [{"start": "2023-05-01"}]
    assert shown["resources"][0]["format"] == "GeoJSON"
    assert helpers.call_action("package_search", q="bancs")["count"] == 1


def _licence_options(page: str) -> dict[str, bool]:
    """The licence select's options: id → selected."""
    select = re.search(r'<select[^>]*name="license_id".*?</select>', page, re.S).group(0)
    return {m.group(1): bool(m.group(2)) for m in
            re.finditer(r'<option value="([^"]*)"(\s+selected)?', select)}


def test_a_dataset_with_one_of_ckans_default_licences_keeps_it_through_the_form(
        app, publisher, org, call):
    # a portal that used CKAN's default licence list before installing the extension
    call("package_create", name="ancien-jeu", title="Ancien jeu", owner_org=org["id"],
         notes="Texte", license_id="other-closed", theme=["TRAN"], communes=["86194"],
         frequency="weekly", personal_data="none")
    shown = helpers.call_action("package_show", id="ancien-jeu")
    assert shown["license_title"] == "Autre licence (non ouverte)"
    edit = _licence_options(app.get("/dataset/edit/ancien-jeu", headers=publisher)
                            .get_data(as_text=True))
    assert edit["other-closed"] is True  # selected: saving the form keeps it
    assert "cc-nc" not in edit  # other legacy licences are not offered
    new = _licence_options(app.get("/dataset/new", headers=publisher).get_data(as_text=True))
    assert "other-closed" not in new and "gfdl" not in new
    assert {"lov2", "odc-odbl", "cc-by", "notspecified"} <= set(new)
    # and an edit that leaves it validates
    call("package_patch", id="ancien-jeu", title="Ancien jeu (revu)")
    assert helpers.call_action("package_show", id="ancien-jeu")["license_id"] == "other-closed"


@pytest.mark.ckan_config(
    "ckan.plugins", " ".join(p for p in plugins_of_test_ini() if p != "poitiers_theme"))
def test_the_schemas_work_without_the_theme_plugin(app, publisher, org, call):
    # the form and display snippets the schemas name come with the core plugin
    call("package_create", name="sans-theme", title="Sans thème", owner_org=org["id"],
         notes="Texte", license_id="other-closed", theme=["TRAN"], communes=["86194"],
         frequency="weekly", personal_data="none", temporal_coverage=[{"start": "2024"}])
    page = app.get("/dataset/sans-theme")
    assert page.status_code == 200
    assert "2024" in page.get_data(as_text=True)
    edit = app.get("/dataset/edit/sans-theme", headers=publisher)
    assert edit.status_code == 200
    assert _licence_options(edit.get_data(as_text=True))["other-closed"] is True
    assert app.get("/dataset/new", headers=publisher).status_code == 200
