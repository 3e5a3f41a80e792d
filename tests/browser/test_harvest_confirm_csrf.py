"""On the real server (CSRF protection on, as in production), logged in through the login form
in Chromium: the confirmation page of a ckanext-harvest button carries CKAN's CSRF token, a POST
without it is refused and changes nothing, the page's button acts (see
ckanext/poitiers/harvest_confirm.py)."""
from __future__ import annotations

import pytest
import requests

from tests.browser.conftest import ADMIN

pytestmark = pytest.mark.browser


def _active(portal, source_id: str) -> bool:
    r = requests.post(f"{portal.url}/api/3/action/harvest_source_show", json={"id": source_id},
                      headers={"Authorization": portal.token}, timeout=60).json()
    return bool(r.get("success") and r["result"].get("active")
                and r["result"].get("state") != "deleted")


def test_the_post_needs_the_csrf_token(portal, page_factory):
    org = portal.action("organization_list")[0]
    source = portal.action("harvest_source_create", name="csrf-catalogue", title="Catalogue",
                           url="https://data.grandpoitiers.fr/data-fair/api/v1/datasets",
                           source_type="poitiers_datafair", owner_org=org, frequency="MANUAL")
    page = page_factory(ADMIN)
    path = f"/harvest/delete/{source['name']}?clear=True"
    page.goto(portal.url + path)
    confirm = page.locator(f"form[method=post][action='{path}']")
    assert confirm.count() == 1, "the GET shows a confirmation form"
    assert confirm.locator("input[type=hidden]").first.get_attribute("value")
    assert _active(portal, source["id"])

    # CKAN exempts a view from its CSRF check for good once a request with an API token
    # posted to it: the guard checks the token itself
    for exempting in (path, f"/harvest/clear/{source['id']}x"):
        requests.post(portal.url + exempting.replace(source["name"], "no-such-source"),
                      headers={"Authorization": portal.token}, timeout=60)
    assert _active(portal, source["id"])
    # the administrator's own session, without the token: refused, nothing done
    for target in (path, f"/harvest/clear/{source['id']}", f"/harvest/refresh/{source['id']}"):
        refused = page.request.post(portal.url + target, max_redirects=0)
        assert refused.status == 400, (target, refused.status)
        assert "ne provient pas de ce site" in refused.text()
    assert _active(portal, source["id"])
    jobs = portal.action("harvest_job_list", source_id=source["id"])
    assert jobs == []

    # the page's button posts the token: done
    confirm.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert not _active(portal, source["id"])
