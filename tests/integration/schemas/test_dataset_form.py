"""The French dataset form through CKAN's test app: errors next to the fields, nothing lost."""
from __future__ import annotations

import html
import re

import pytest
from ckan.tests import factories, helpers

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
    for label in ("À quoi servent ces données ?", "Couverture territoriale",
                  "Fréquence de mise à jour", "Données personnelles", "Schéma de données",
                  "Gouvernement et secteur public", "Buxerolles", "Mobilité et transports",
                  "Licence Ouverte / Open Licence version 2.0"):
        assert html.escape(label, quote=False) in page or label in page, label


def test_wrong_values_come_back_in_french_next_to_the_fields_and_nothing_typed_is_lost(
        app, publisher, org):
    form = _form(org, **{"contact-0-email": "collectif-at-bancs",
                         "temporal_coverage-0-start": "01/05/2023",
                         "publisher-0-identifier": "21860194600014"})
    response = app.post("/dataset/new", data=form, headers=publisher)
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert "n’est pas une adresse électronique valide" in page
    assert "AAAA-MM-JJ" in page
    assert "n’est pas un numéro SIREN (9 chiffres) ou SIRET (14 chiffres) valide" in page
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
