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
    assert "Titre\u00a0: Valeur manquante" in page.locator(".error-explanation").inner_text()
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
    assert "\u00a0: " in text and "Le formulaire contient des entrées invalides" in text
    _check_errors(page, {"field-name"})


CONTRAST = """() => {
  const rgb = s => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92
                                       : Math.pow((v + 0.055) / 1.055, 2.4); };
                     return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const ratio = (a, b) => { const x = lum(a), y = lum(b);
                            return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  const white = [255, 255, 255];
  const out = {fields: [], errors: []};
  document.querySelectorAll('.form-control, .form-select, .select2-selection').forEach(e => {
    if (!e.offsetParent) return;
    out.fields.push([e.id || e.className, ratio(rgb(getComputedStyle(e).borderTopColor), white)]);
  });
  document.querySelectorAll('.error-block').forEach(e => {
    const s = getComputedStyle(e);
    out.errors.push([e.textContent.trim(), ratio(rgb(s.color), rgb(s.backgroundColor)),
                     parseFloat(s.fontSize)]);
  });
  return out;
}"""


def test_field_edges_and_error_messages_are_contrasted(portal, page_factory):
    """RGAA 3.3: a field's edge 3:1 against the page; RGAA 3.2: an error message 4.5:1 (CKAN's
    were 1.5:1 and 2.9:1)."""
    page = page_factory(ADMIN)
    page.goto(portal.url + "/dataset/new")
    _send(page, "form#dataset-edit button[type=submit][name=save]")
    measured = page.evaluate(CONTRAST)
    assert len(measured["fields"]) > 5 and measured["errors"]
    low = [f for f in measured["fields"] if f[1] < 3]
    assert low == [], low
    for text, ratio, size in measured["errors"]:
        assert ratio >= 4.5 and size >= 14, (text, ratio, size)
