"""0 axe-core violations (WCAG 2.1 A and AA) on the portal's pages, logged out and logged in,
in a real Chromium; screenshots at 375 px and 1280 px."""
from __future__ import annotations

import json

import pytest

from tests.browser.conftest import ADMIN, EDITOR

pytestmark = pytest.mark.browser

PUBLIC_PAGES = {
    "home": "/",
    "search": "/dataset/?q=parking",
    "search-filtered": "/dataset/?poitiers_theme=mobilite&res_format=CSV",
    "search-empty": "/dataset/?q=zzzintrouvable",
    "dataset": "/dataset/stationnement-parkings-temps-reel",
    "dataset-schema": "/dataset/deliberations-conseil-municipal",
    "resource": None,  # filled from the portal's data
    "organization-list": "/organization/",
    "organization": "/organization/grand-poitiers",
    "harvest-list": "/harvest/",
    "harvest-source": "/harvest/moissonnage-ckan-exemple",
    "accessibility": "/accessibilite",
    "legal": "/mentions-legales",
    "about": "/a-propos",
    "contribute": "/contribuer",
    "login": "/user/login",
}
PUBLISHER_PAGES = {
    "dataset-form": "/dataset/new",
    "dataset-edit": "/dataset/edit/stationnement-parkings-temps-reel",
    "resource-form": "/dataset/stationnement-parkings-temps-reel/resource/new",
    "organization-form": "/organization/edit/grand-poitiers",
    "harvest-source-form": "/harvest/new",
    "harvest-source-edit": "/harvest/edit/moissonnage-ckan-exemple",
    "harvest-source-admin": "/harvest/admin/moissonnage-ckan-exemple",
    "requests-admin": "/ckan-admin/demandes",
    "dashboard": "/dashboard/datasets",
}


# on a phone-sized screen, the pages whose layout changes most
NARROW = {"home", "search", "search-empty", "dataset", "organization", "harvest-source",
          "contribute", "dataset-form", "harvest-source-form", "requests-admin"}


def _pages(portal, logged_in: bool, width: int) -> dict:
    pages = dict(PUBLIC_PAGES)
    res = portal.data["datasets"]["stationnement-parkings-temps-reel"]["resources"][0]
    pages["resource"] = f"/dataset/stationnement-parkings-temps-reel/resource/{res['id']}"
    if logged_in:
        pages.update(PUBLISHER_PAGES)
    if width < 600:
        pages = {k: v for k, v in pages.items() if k in NARROW}
    return pages


def _check(page, portal, path, axe, name, screenshots_dir, width):
    response = page.goto(portal.url + path)
    assert response is not None and response.status < 400, f"{path}: HTTP {response.status}"
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.screenshot(path=str(screenshots_dir / f"{name}-{width}.png"), full_page=True)
    return axe(page)


@pytest.mark.parametrize("user", [None, ADMIN], ids=["anonymous", "sysadmin"])
@pytest.mark.parametrize("width", [1280, 375])
def test_no_axe_violations(portal, page_factory, axe, screenshots_dir, user, width):
    page = page_factory(user, width=width)
    failures = {}
    for name, path in _pages(portal, user is not None, width).items():
        tag = f"{name}-{'admin' if user else 'public'}"
        violations = _check(page, portal, path, axe, tag, screenshots_dir, width)
        if violations:
            failures[path] = violations
    assert not failures, json.dumps(failures, indent=1, ensure_ascii=False)


def test_no_axe_violations_for_an_editor(portal, page_factory, axe, screenshots_dir):
    page = page_factory(EDITOR)
    failures = {}
    for name in ("dataset-form", "dataset-edit", "dashboard"):
        path = PUBLISHER_PAGES[name].replace("stationnement-parkings-temps-reel",
                                             "deliberations-conseil-municipal")
        violations = _check(page, portal, path, axe, f"{name}-editor", screenshots_dir, 1280)
        if violations:
            failures[path] = violations
    assert not failures, json.dumps(failures, indent=1, ensure_ascii=False)


def test_form_errors_are_accessible(portal, page_factory, axe):
    """The request form, sent empty, shows its errors in French, linked to the fields."""
    page = page_factory()
    page.goto(portal.url + "/contribuer")
    page.click("form.poitiers-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    summary = page.locator("#form-errors")
    assert summary.is_visible()
    assert "Donnez un titre" in summary.inner_text()
    assert page.locator("#field-title").get_attribute("aria-invalid") == "true"
    assert "error-title" in page.locator("#field-title").get_attribute("aria-describedby")
    assert axe(page) == []
