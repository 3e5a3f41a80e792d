"""The header search box completes titles and keywords from the real autocomplete action and
Solr, as an accessible combobox driven with the keyboard, in a real Chromium."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

BOX = "#field-sitewide-search"


def open_suggestions(page, portal, typed):
    page.goto(portal.url + "/a-propos")
    box = page.locator(BOX)
    assert box.get_attribute("role") == "combobox"
    assert box.get_attribute("aria-expanded") == "false"
    box.click()
    box.press_sequentially(typed, delay=40)
    page.wait_for_selector(f"#{box.get_attribute('aria-controls')}:not([hidden])")
    return box, page.locator("#" + box.get_attribute("aria-controls"))


def test_header_box_suggests_from_solr_and_the_keyboard_opens_the_dataset(portal, page_factory,
                                                                         axe):
    page = page_factory()
    box, listbox = open_suggestions(page, portal, "stat")
    assert box.get_attribute("aria-expanded") == "true"
    assert listbox.get_attribute("role") == "listbox"
    assert listbox.get_attribute("aria-label") == "Suggestions de recherche"
    options = listbox.locator("[role=option]")
    texts = options.all_inner_texts()
    assert any("Stationnement – occupation des parkings en temps réel" in t for t in texts), texts
    assert any("Jeu de données" in t for t in texts)
    # the private dataset never shows, nor datasets without the typed beginning
    assert not any("privé" in t for t in texts) and not any("Budget" in t for t in texts)
    assert page.locator(".poitiers-ac ~ [role=status], .poitiers-ac [role=status]").first \
        .inner_text().startswith(f"{len(texts)} suggestion")

    violations = axe(page)
    assert violations == [], violations

    # Down: the first option is active (focus stays in the box)
    box.press("ArrowDown")
    first = options.nth(0)
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    assert first.get_attribute("aria-selected") == "true"
    assert page.evaluate("() => document.activeElement.id") == BOX[1:]
    # Up from the first wraps to the last, Down comes back
    box.press("ArrowUp")
    assert box.get_attribute("aria-activedescendant") == \
        options.nth(len(texts) - 1).get_attribute("id")
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    # Escape closes the list and keeps what was typed; Down opens it again
    box.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    assert box.get_attribute("aria-activedescendant") is None
    assert box.input_value() == "stat"
    box.press("ArrowDown")
    assert box.get_attribute("aria-expanded") == "true"
    # move to the parking dataset and follow it with Enter
    index = next(i for i, t in enumerate(texts) if "Stationnement – occupation" in t)
    for _ in range(index):
        box.press("ArrowDown")
    with page.expect_navigation():
        box.press("Enter")
    assert page.url == portal.url + "/dataset/stationnement-parkings-temps-reel"
    title = page.get_by_role("heading", level=1,
                             name="Stationnement – occupation des parkings en temps réel")
    assert title.count() >= 1


def test_a_keyword_suggestion_searches_it_and_enter_without_choice_submits(portal, page_factory):
    page = page_factory()
    box, listbox = open_suggestions(page, portal, "délib")
    texts = listbox.locator("[role=option]").all_inner_texts()
    keyword = next(i for i, t in enumerate(texts) if "Mot-clé" in t)
    assert "délibérations" in texts[keyword]
    for _ in range(keyword + 1):
        box.press("ArrowDown")
    with page.expect_navigation():
        box.press("Enter")
    assert "/dataset/?q=d%C3%A9lib%C3%A9rations" in page.url
    assert page.locator("a[href='/dataset/deliberations-conseil-municipal']").count() >= 1

    # no option chosen: Enter submits what was typed, as a plain search box
    box, _ = open_suggestions(page, portal, "arbres")
    with page.expect_navigation():
        box.press("Enter")
    assert page.url.endswith("/dataset/?q=arbres")


def test_no_list_under_two_characters_nor_for_nothing_found(portal, page_factory):
    page = page_factory()
    page.goto(portal.url + "/")
    box = page.locator(BOX)
    box.click()
    box.press_sequentially("s", delay=40)
    page.wait_for_timeout(600)
    assert box.get_attribute("aria-expanded") == "false"
    box.press_sequentially("zzqx", delay=40)
    page.wait_for_timeout(800)
    assert box.get_attribute("aria-expanded") == "false"
    assert page.locator(".poitiers-ac [role=status]").first.inner_text() == "Aucune suggestion"


def test_the_status_line_agrees_with_the_number_of_suggestions(portal, page_factory):
    page = page_factory()
    seen = set()
    for typed in ("stat", "finances", "alignement"):
        box, listbox = open_suggestions(page, portal, typed)
        n = listbox.locator("[role=option]").count()
        status = page.locator(".poitiers-ac [role=status]").first.inner_text()
        if n == 1:
            assert status == ("1 suggestion\u00a0: flèches haut et bas pour choisir, puis "
                              "Entrée."), status
        else:
            assert status.startswith(f"{n} suggestions\u00a0: "), status
        seen.add(n == 1)
    assert seen == {True, False}, "the queries should give one and several suggestions"


def test_when_the_action_refuses_what_is_typed_the_old_suggestions_go(portal, page_factory):
    page = page_factory()
    box, listbox = open_suggestions(page, portal, "stat")
    assert listbox.locator("[role=option]").count() > 0
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant")
    # more than 100 characters: the action answers a validation error (409)
    with page.expect_response(lambda r: "poitiers_autocomplete" in r.url and r.status == 409):
        box.fill("stat" + "x" * 100)  # one input event
    page.wait_for_timeout(300)
    assert box.get_attribute("aria-expanded") == "false"
    assert box.get_attribute("aria-activedescendant") is None
    assert listbox.locator("[role=option]").count() == 0
    assert page.locator(".poitiers-ac [role=status]").first.inner_text() == ""
    # Enter then searches what was typed, not the dataset chosen before
    with page.expect_navigation():
        box.press("Enter")
    assert "/dataset/stationnement" not in page.url and "q=stat" in page.url


def test_the_status_line_is_cleared_under_two_characters(portal, page_factory):
    # the live status said « N suggestions : … » after the box went back to one character
    page = page_factory()
    box, listbox = open_suggestions(page, portal, "stat")
    status = page.locator(".poitiers-ac [role=status]").first
    assert status.inner_text().endswith("puis Entrée.")
    box.press("Backspace")
    box.press("Backspace")
    box.press("Backspace")  # « s »: under two characters
    page.wait_for_timeout(600)
    assert box.input_value() == "s"
    assert box.get_attribute("aria-expanded") == "false"
    assert listbox.locator("[role=option]").count() == 0
    assert status.inner_text() == ""
    box.press("Backspace")  # empty
    page.wait_for_timeout(300)
    assert status.inner_text() == ""
