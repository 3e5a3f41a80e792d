"""RGAA 11.10: after a refused form, each error message is tied to its field (aria-invalid,
aria-describedby), the summary is focused first and each of its lines leads to its field; the
summary is written the French way (« Titre : Valeur manquante »). On CKAN's form macros
(dataset stages, resource, organisation) and ckanext-scheming's summary."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import ADMIN

pytestmark = pytest.mark.browser

TIED = """() => [...document.querySelectorAll('.form-group.error')].map(g => {
  const label = g.querySelector('label[for]');
  const field = label && document.getElementById(label.htmlFor);
  const msg = g.querySelector('.error-block');
  const ids = ((field && field.getAttribute('aria-describedby')) || '').split(/\\s+/);
  return {field: field && field.id, invalid: field && field.getAttribute('aria-invalid'),
          tied: !!(msg && msg.id && ids.includes(msg.id)),
          message: msg && msg.textContent.trim()};
})"""


def _send(page, button):
    page.locator(button).first.click()
    page.wait_for_load_state("networkidle")


def _check_errors(page, expected_fields):
    groups = page.evaluate(TIED)
    fields = {g["field"] for g in groups}
    assert set(expected_fields) <= fields, groups
    for g in groups:
        assert g["invalid"] == "true" and g["tied"], g
    focused = page.evaluate("() => document.activeElement.classList.contains("
                            "'error-explanation')")
    assert focused, "the error summary is focused after sending"
    # the summary's first line leads to its field
    link = page.locator(".error-explanation li a").first
    target = link.get_attribute("href")
    assert target.lstrip("#") in fields
    link.click()
    assert page.evaluate("() => document.activeElement.id") == target.lstrip("#")
    return groups


def test_dataset_form_errors_are_tied_to_their_fields(portal, page_factory):
    page = page_factory(ADMIN)
    page.goto(portal.url + "/dataset/new")
    _send(page, "form#dataset-edit button[type=submit][name=save]")
    groups = _check_errors(page, {"field-title", "field-name"})
    assert any(g["message"] == "Valeur manquante" for g in groups)
    assert "Titre : Valeur manquante" in page.locator(".error-explanation").inner_text()
    # the described-by text a screen reader reads with the field
    described = page.evaluate("""() => { const f = document.getElementById('field-title');
      return f.getAttribute('aria-describedby').split(' ').map(
        id => document.getElementById(id).textContent.trim()); }""")
    assert "Valeur manquante" in described


def test_resource_form_errors_are_tied_to_their_fields(portal, page_factory):
    page = page_factory(ADMIN)
    page.goto(portal.url + "/dataset/stationnement-parkings-temps-reel/resource/new")
    url_field = page.locator("#field-resource-url")
    if not url_field.is_visible():
        page.get_by_role("button", name=re.compile("Lien|Link")).first.click()
    url_field.fill("https://data.example.org/parkings-2.csv")
    page.locator("#field-name").fill("Parkings, période négative")
    page.locator("#field-refresh_seconds").fill("-5")
    _send(page, "form#resource-edit button[type=submit][name=save]")
    _check_errors(page, {"field-refresh_seconds"})
    # the help text is read with its field too
    described = page.evaluate("""() => document.getElementById('field-refresh_seconds')
      .getAttribute('aria-describedby').split(' ').map(
        id => document.getElementById(id).textContent.trim())""")
    assert any(t.startswith("Pour les flux temps réel") for t in described), described


def test_organisation_form_summary_in_french(portal, page_factory):
    """CKAN's own summary macro: French colon, each line a link, focused."""
    page = page_factory(ADMIN)
    page.goto(portal.url + "/organization/new")
    page.locator("#field-title").fill("Grand Poitiers")  # its address is already taken
    _send(page, "form#group-form button[type=submit], form button[name=save]")
    summary = page.locator(".error-explanation")
    assert summary.is_visible()
    text = summary.inner_text()
    assert " : " in text and "Le formulaire contient des entrées invalides" in text
    _check_errors(page, {"field-name"})
