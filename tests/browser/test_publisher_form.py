"""A publisher (editor of an organisation) creates a complete dataset in French through the web
form of the real server (CSRF on), in a real browser: wrong input first, French errors next to
the fields with what was typed kept, then the corrected dataset, its resource, and publication."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import EDITOR, EU_THEME

pytestmark = pytest.mark.browser

EU_FREQ = "http://publications.europa.eu/resource/authority/frequency/"
TITLE = "Bancs publics et fontaines à boire"


def _field_block(page, field_id):
    """The form group holding a field (where CKAN writes its error)."""
    return page.locator(f".form-group:has(#{field_id}), .control-group:has(#{field_id})").first


def _pick_options(page, select_id, values):
    """Choose options of a multiple select list as a person does: click, then Ctrl+click."""
    for i, value in enumerate(values):
        option = page.locator(f'#{select_id} option[value="{value}"]')
        option.scroll_into_view_if_needed()
        option.click(modifiers=["Control"] if i else [])


def test_publisher_creates_a_complete_dataset_in_french(portal, page_factory):
    page = page_factory(EDITOR)
    page.goto(portal.url + "/dataset/new")
    page.wait_for_selector("#field-title")
    # CKAN's slug-preview module fills the URL slug from the title as it is typed: a title
    # typed before the module has started (a slow machine) would leave the slug empty
    page.wait_for_selector(".slug-preview", state="attached")

    page.locator("#field-title").fill(TITLE)
    page.locator("#field-notes").fill("Les bancs publics et les fontaines de Poitiers.")
    page.locator("#field-purpose").fill("Trouver où s’asseoir et où boire en ville.")
    page.get_by_label("Régions et villes", exact=False).first.check()
    page.get_by_label("Environnement", exact=False).first.check()
    _pick_options(page, "field-communes", ["86194", "86041"])
    assert page.locator('#field-communes option[value="86041"]').inner_text().startswith(
        "Buxerolles")
    page.locator("#field-frequency").select_option(value=EU_FREQ + "ANNUAL")
    # the licence is Licence Ouverte 2.0 unless the publisher changes it
    assert page.locator("#field-license_id").input_value() == "lov2"
    page.locator("#field-personal_data").select_option(value="none")
    # CKAN proposes a private dataset: this one is published for everyone
    page.locator("#field-private").select_option(value="False")
    page.locator("#field-contact-0-name").fill("Service Espaces publics")
    page.locator("#field-contact-0-email").fill("espaces-publics-at-poitiers")
    page.locator("#field-temporal_coverage-0-start").fill("2024-06-01")
    page.locator("#field-temporal_coverage-0-end").fill("2023-01-31")
    page.locator(".form-actions button.btn-primary[name=save]").click()
    page.wait_for_load_state("networkidle")

    # French errors, next to the wrong fields
    email_block = _field_block(page, "field-contact-0-email")
    assert "n’est pas une adresse électronique valide" in email_block.inner_text()
    end_block = _field_block(page, "field-temporal_coverage-0-end")
    assert "La fin de la période précède son début" in end_block.inner_text()
    assert page.locator(".error-explanation, .alert-error, .alert-danger").count() >= 1
    # and nothing typed is lost
    assert page.locator("#field-title").input_value() == TITLE
    assert page.locator("#field-purpose").input_value() == "Trouver où s’asseoir et où boire " \
                                                          "en ville."
    assert page.locator("#field-contact-0-email").input_value() == "espaces-publics-at-poitiers"
    assert page.locator("#field-temporal_coverage-0-start").input_value() == "2024-06-01"
    assert page.locator("#field-temporal_coverage-0-end").input_value() == "2023-01-31"
    selected = page.eval_on_selector(
        "#field-communes", "s => Array.from(s.selectedOptions).map(o => o.value)")
    assert sorted(selected) == ["86041", "86194"]
    assert page.locator("#field-frequency").input_value() == EU_FREQ + "ANNUAL"
    assert page.get_by_label("Régions et villes", exact=False).first.is_checked()
    assert not portal.action("package_search", q=f'title:"{TITLE}"',
                             include_drafts=True, include_private=True)["count"]

    # corrected
    page.locator("#field-contact-0-email").fill("espaces-publics@poitiers.fr")
    page.locator("#field-temporal_coverage-0-end").fill("2025-12-31")
    name = page.locator("#field-name").input_value()
    assert name
    page.locator(".form-actions button.btn-primary[name=save]").click()
    page.wait_for_url("**/resource/new")

    # the resource step
    url_field = page.locator("#field-resource-url")
    if not url_field.is_visible():
        # CKAN's upload widget: choose "Link" first, as a person does
        page.get_by_role("button", name=re.compile("Lien|Link")).first.click()
    url_field.fill("https://data.example.org/bancs.geojson")
    page.locator("#field-name").fill("Bancs et fontaines (GeoJSON)")
    format_field = page.locator("#field-format")
    if format_field.is_visible():
        format_field.fill("GeoJSON")
    else:
        # CKAN 2.11 wraps the format in a select2 autocomplete: type it and pick the match
        page.locator("#s2id_field-format").click()
        page.keyboard.type("GeoJSON")
        page.locator(".select2-result-label", has_text="GeoJSON").first.click()
    page.locator("button[name=save][value=go-metadata]").click()
    page.wait_for_url(f"**/dataset/{name}")
    assert page.locator("h1", has_text=TITLE).count() >= 1

    shown = portal.action("package_show", id=name)
    assert shown["state"] == "active"
    assert shown["owner_org"] == portal.action("organization_show", id="ville-de-poitiers")["id"]
    assert sorted(shown["theme"]) == [EU_THEME + "ENVI", EU_THEME + "REGI"]
    assert sorted(shown["communes"]) == ["86041", "86194"]
    assert shown["frequency"] == EU_FREQ + "ANNUAL"
    assert shown["license_id"] == "lov2"
    assert shown["personal_data"] == "none"
    assert shown["contact"][0]["email"] == "espaces-publics@poitiers.fr"
    assert shown["temporal_coverage"] == [{"start": "2024-06-01", "end": "2025-12-31"}]
    [resource] = shown["resources"]
    assert resource["url"] == "https://data.example.org/bancs.geojson"
    assert resource["name"] == "Bancs et fontaines (GeoJSON)"
    assert resource["format"] == "GeoJSON"
    assert shown["private"] is False
    found = portal.action("package_search", q="fontaines")["results"]
    assert name in [d["name"] for d in found]
