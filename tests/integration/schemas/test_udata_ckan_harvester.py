"""data.gouv.fr's CKAN harvester (udata ``ckan`` backend) accepts our datasets.

udata validates every ``package_show`` answer with a voluptuous schema whose keys are all
required (sources-research §4.3); the checks below are that key list and its types, applied to
the real HTTP API answer for a complete dataset and for the whole demo catalogue.
"""
from __future__ import annotations

from urllib.parse import urlparse

import pytest
from ckan.tests import helpers

from ckanext.poitiers import demo, udata

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("with_plugins", "clean_db",
                                                                   "clean_index")]


def _check(pkg: dict) -> list[str]:
    problems = [f"missing {k}" for k in udata.DATASET_KEYS if k not in pkg]
    if pkg.get("type") != "dataset":
        problems.append("type is not dataset")
    if not (pkg.get("organization") is None or isinstance(pkg.get("organization"), dict)):
        problems.append("organization is neither a dict nor null")
    for tag in pkg.get("tags", []):
        if not {"id", "name"} <= set(tag):
            problems.append(f"tag without id/name: {tag}")
    for extra in pkg.get("extras", []):
        if set(extra) != {"key", "value"}:
            problems.append(f"extra not a key/value pair: {extra}")
    for res in pkg.get("resources", []):
        problems += [f"resource {res.get('id')}: missing {k}" for k in udata.RESOURCE_KEYS
                     if k not in res]
        if not isinstance(res.get("created"), str):
            problems.append("resource created is not a string")
        if not isinstance(res.get("position"), int):
            problems.append("resource position is not an int")
        if res.get("resource_type") not in (None, *udata.RESOURCE_TYPES):
            problems.append(f"resource_type {res.get('resource_type')!r}")
        if not urlparse(res.get("url", "")).scheme.startswith("http"):
            problems.append(f"resource url not absolute: {res.get('url')}")
        if res.get("size") is not None and not isinstance(res["size"], int):
            problems.append("size is not an int")
    return problems


def _api_show(app, name):
    response = app.get("/api/3/action/package_show", query_string={"id": name})
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json
    assert body["success"] is True
    return body["result"]


def test_a_complete_dataset_carries_every_key_udata_requires(app, call, complete):
    call("package_create", **complete)
    pkg = _api_show(app, complete["name"])
    assert _check(pkg) == []
    extras = {e["key"]: e["value"] for e in pkg["extras"]}
    assert extras["frequency"].endswith("/frequency/MONTHLY")
    assert extras["temporal_start"] == "2015-01-01" and extras["temporal_end"] == "2024-12-31"
    assert extras["spatial-text"] == "Poitiers"
    kinds = {r["resource_kind"]: r["resource_type"] for r in pkg["resources"]}
    assert kinds == {"file": "file", "realtime": "api"}
    # the listing endpoints udata calls answer too
    assert complete["name"] in app.get("/api/3/action/package_list").json["result"]
    assert app.get("/api/3/action/status_show").json["success"] is True


def test_the_whole_demo_catalogue_passes_the_key_list(app):
    demo.load(echo=lambda _line: None)
    for name in app.get("/api/3/action/package_list").json["result"]:
        assert _check(_api_show(app, name)) == [], name


def test_a_client_can_send_package_show_back(app, call, complete):
    """Read-modify-write through the HTTP API: the mirrored extras do not get in the way."""
    from ckan.tests import factories

    call("package_create", **complete)
    pkg = _api_show(app, complete["name"])
    pkg["title"] = "Délibérations (mis à jour)"
    user = factories.SysadminWithToken()
    response = app.post("/api/3/action/package_update", json=pkg,
                        headers={"Authorization": user["token"]})
    assert response.json["success"] is True, response.json
    stored = helpers.call_action("package_show", id=complete["name"])
    assert stored["title"] == "Délibérations (mis à jour)"
    assert not [e for e in stored.get("extras", []) if e["key"] in udata_keys()]


def udata_keys():
    from ckanext.poitiers.validators import OUTPUT_EXTRAS

    return OUTPUT_EXTRAS


def test_extras_are_not_added_inside_ckan(call, complete):
    call("package_create", **complete)
    pkg = helpers.call_action("package_show", id=complete["name"])
    assert not [e for e in pkg.get("extras", []) if e["key"] in udata_keys()]
