"""A publisher edits a dataset whose period is a partial date (2024, 2024-03) or a
ckanext-dcat date-time, in a real Chromium: the dates are in the form as stored and saving the
form keeps them (a browser blanks an <input type=date> holding such a value)."""
from __future__ import annotations

import pytest

from tests.browser.conftest import EDITOR, EU_THEME

pytestmark = pytest.mark.browser

NAME = "periode-partielle"
PERIODS = [{"start": "2024"}, {"start": "2019-01-01T00:00:00", "end": "2020-06"}]


@pytest.fixture
def dataset(portal):
    portal.action(
        "package_create", name=NAME, title="Période partielle", owner_org="ville-de-poitiers",
        notes="Un jeu dont la période est connue à l’année.", theme=[EU_THEME + "GOVE"],
        communes=["86194"], frequency="annual", personal_data="none", license_id="lov2",
        temporal_coverage=PERIODS)
    yield NAME
    portal.action("dataset_purge", id=NAME)


def test_editing_a_dataset_keeps_its_partial_dates(portal, page_factory, dataset):
    page = page_factory(EDITOR)
    page.goto(f"{portal.url}/dataset/edit/{dataset}")
    start = page.locator("#field-temporal_coverage-0-start")
    start.wait_for()
    assert start.input_value() == "2024"
    assert page.locator("#field-temporal_coverage-1-start").input_value() == "2019-01-01T00:00:00"
    assert page.locator("#field-temporal_coverage-1-end").input_value() == "2020-06"
    # the format is announced with the field
    hint = start.get_attribute("aria-describedby")
    assert "AAAA-MM-JJ" in page.locator(f"#{hint}").inner_text()

    page.locator("#field-title").fill("Période partielle (revue)")
    page.locator(".form-actions button.btn-primary[name=save]").click()
    page.wait_for_url(f"**/dataset/{dataset}")
    shown = portal.action("package_show", id=dataset)
    assert shown["title"] == "Période partielle (revue)"
    assert shown["temporal_coverage"] == PERIODS


def test_the_browser_flags_a_date_typed_the_french_way(portal, page_factory, dataset):
    page = page_factory(EDITOR)
    page.goto(f"{portal.url}/dataset/edit/{dataset}")
    start = page.locator("#field-temporal_coverage-0-start")
    start.wait_for()
    for typed, wrong in (("31/12/2024", True), ("2024-03", False), ("2024-03-31", False),
                         ("2024-03-31T08:00:00+01:00", False), ("mars 2024", True)):
        start.fill(typed)
        assert start.evaluate("e => e.validity.patternMismatch") is wrong, typed


def test_saving_the_form_stores_no_empty_text_for_the_fields_left_blank(
        portal, page_factory, dataset):
    # the form posts every field; the optional ones left blank (purpose, legal basis, schema
    # version, version…) are not stored as "" and do not come out of the API
    page = page_factory(EDITOR)
    page.goto(f"{portal.url}/dataset/edit/{dataset}")
    page.locator("#field-purpose").wait_for()
    assert page.locator("#field-purpose").input_value() == ""
    page.locator("#field-title").fill("Période partielle (revue)")
    page.locator(".form-actions button.btn-primary[name=save]").click()
    page.wait_for_url(f"**/dataset/{dataset}")
    shown = portal.action("package_show", id=dataset)
    assert shown["title"] == "Période partielle (revue)"
    assert [key for key, value in shown.items() if value == ""] == []
    for field in ("purpose", "personal_data_basis", "data_schema_version", "version"):
        assert shown.get(field) is None, field
