"""The widgets CKAN's JavaScript builds on the dataset form speak French: select2's cross on
each chosen keyword and its search field were named « Remove item » and « Search » (select2's
own English), whatever the page's language."""
from __future__ import annotations

import pytest
from ckan.plugins import toolkit

from tests.browser.conftest import EDITOR

pytestmark = [pytest.mark.browser, pytest.mark.skipif(
    toolkit.check_ckan_version(max_version="2.11.99"),
    reason="CKAN 2.11 ships select2 3, whose messages come from CKAN's module")]


def test_keyword_widget_names_in_french(portal, page_factory):
    page = page_factory(EDITOR)
    page.goto(portal.url + "/dataset/new")
    page.wait_for_selector(".select2-container")
    search = page.locator("#field-tag_string + .select2-container .select2-search__field")
    assert search.get_attribute("aria-label") == "Rechercher"
    search.click()
    search.type("stationnement,")
    cross = page.locator(".select2-selection__choice__remove").first
    cross.wait_for()
    names = {cross.get_attribute("title"), cross.get_attribute("aria-label")}
    assert names == {"Retirer"}, names
    html = page.content()
    assert "Remove item" not in html and 'aria-label="Search"' not in html
