"""``package_list`` lists datasets, not the harvest sources (datasets of type ``harvest`` to
CKAN): the search and the DCAT catalogue leave them out and their ``package_show`` refuses an
anonymous caller, so a reuser reading ``package_list`` then ``package_show`` for each name met a
« Not found » per source. Paging counts datasets only; bad paging gets CKAN's structured
errors, in French."""
from __future__ import annotations

import pytest
from ckan.plugins import toolkit
from ckan.tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("harvest_env")]

EU = "http://publications.europa.eu/resource/authority/"


def _dataset(org_id: str, name: str, **kw) -> dict:
    return factories.Dataset(
        name=name, owner_org=org_id, theme=[EU + "data-theme/GOVE"], communes=["86194"],
        frequency=EU + "frequency/MONTHLY", personal_data="none", license_id="lov2",
        notes="Des données.", **kw)


@pytest.fixture
def portal():
    org = factories.Organization(name="grand-poitiers")
    site_user = toolkit.get_action("get_site_user")({"ignore_auth": True}, {})
    for name in ("a-source", "m-source", "z-source"):  # among the datasets, in name order
        toolkit.get_action("harvest_source_create")({"user": site_user["name"]}, {
            "name": name, "title": name, "url": f"http://127.0.0.1:9/{name}",
            "source_type": "poitiers_datafair", "owner_org": org["id"]})
    names = ["b-jeu", "c-jeu", "n-jeu", "y-jeu"]
    for name in names:
        _dataset(org["id"], name)
    _dataset(org["id"], "prive", private=True)
    return names


def _list(app, status=200, **params):
    res = app.get("/api/3/action/package_list", query_string=params, status=status)
    return res.json


def test_package_list_names_the_datasets_not_the_harvest_sources(app, portal):
    assert _list(app)["result"] == portal  # nor the private dataset
    for name in _list(app)["result"]:  # each one readable by the same anonymous caller
        assert app.get("/api/3/action/package_show", query_string={"id": name}).json["success"]
    # a sysadmin too gets datasets only (the sources have their own API: harvest_source_list)
    sysadmin = factories.SysadminWithToken()
    res = app.get("/api/3/action/package_list", headers={"Authorization": sysadmin["token"]})
    assert res.json["result"] == portal


def test_pages_count_datasets_only(app, portal):
    pages = [_list(app, limit=2, offset=offset)["result"] for offset in (0, 2, 4)]
    assert pages == [portal[:2], portal[2:], []]
    assert _list(app, offset=3)["result"] == portal[3:]
    assert _list(app, limit=0)["result"] == portal  # CKAN's: no limit


@pytest.mark.parametrize("params,field", [
    ({"limit": "deux"}, "limit"), ({"offset": "-1"}, "offset"), ({"limit": "-5"}, "limit")])
def test_bad_paging_is_a_structured_error(app, portal, params, field):
    body = _list(app, status=409, **params)
    assert body["success"] is False
    assert body["error"]["__type"] == "Validation Error"
    assert set(body["error"]) == {"__type", field}
    message = body["error"][field][0]
    assert message and "Invalid" not in message and "Must be" not in message, message


def test_without_harvest_source_the_list_is_ckans(app):
    org = factories.Organization()
    _dataset(org["id"], "seul-jeu")
    assert _list(app)["result"] == ["seul-jeu"]
