"""The ground floor: plugins load with their neighbours, pages are French, search goes through
the real Solr, private datasets stay private, Redis answers."""
from __future__ import annotations

import configparser
import os
import pathlib

import ckan.plugins as p
import ckan.plugins.toolkit as tk
import pytest
import requests
from ckan.tests import factories, helpers

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("with_plugins")]


def _dataset(org, **kwargs):
    data = {
        "name": "parkings-temps-reel",
        "title": "Occupation des parkings en temps réel",
        "notes": "Nombre de places libres dans les parkings de Poitiers, mis à jour en continu.",
        "owner_org": org["id"],
        "license_id": "lov2",
        "tags": [{"name": "stationnement"}],
        # required to publish with the Poitiers schema (docs/schema-fields.md)
        "theme": ["TRAN"],
        "communes": ["86194"],
        "frequency": "continuous",
        "personal_data": "none",
    }
    data.update(kwargs)
    return data


def test_our_plugins_load_with_scheming_harvest_and_dcat():
    for name in ("poitiers", "poitiers_theme", "scheming_datasets", "harvest", "dcat",
                 "poitiers_dcat_harvester", "poitiers_datafair_harvester"):
        assert p.plugin_loaded(name), name
    # the stock harvesters download outside our SSRF guard: not in our configuration
    # (docs/harvesters.md); our DCAT harvester subclasses ckanext-dcat's without them
    for name in ("dcat_rdf_harvester", "ckan_harvester"):
        assert not p.plugin_loaded(name), name


@pytest.mark.usefixtures("clean_db")
def test_licence_ouverte_is_the_first_licence():
    licences = helpers.call_action("license_list")
    assert licences[0]["id"] == "lov2"
    assert "Licence Ouverte" in licences[0]["title"]
    assert {"odc-odbl", "cc-by"} <= {lic["id"] for lic in licences}


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_home_page_is_french(app):
    res = app.get("/")
    assert res.status_code == 200
    assert '<html lang="fr"' in res.body
    assert "Jeux de données" in res.body
    assert "Données ouvertes de Poitiers" in res.body


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_dataset_created_through_the_api_is_found_in_the_real_solr():
    admin = factories.Sysadmin()
    org = factories.Organization(name="ville-de-poitiers", title="Ville de Poitiers")
    helpers.call_action("package_create", context={"user": admin["name"]}, **_dataset(org))

    result = helpers.call_action("package_search", q="parkings")
    assert result["count"] == 1
    assert result["results"][0]["name"] == "parkings-temps-reel"
    assert helpers.call_action("package_search", q="inexistantissime")["count"] == 0

    # the document really is in Solr, under this site's id
    solr = tk.config["solr_url"].rstrip("/")
    doc = requests.get(f"{solr}/select", params={
        "q": "name:parkings-temps-reel", "fq": f"site_id:{tk.config['ckan.site_id']}",
        "wt": "json"}, timeout=10).json()
    assert doc["response"]["numFound"] == 1
    assert doc["response"]["docs"][0]["title"] == "Occupation des parkings en temps réel"


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_private_dataset_is_not_found_anonymously(app):
    owner = factories.User()
    org = factories.Organization(users=[{"name": owner["name"], "capacity": "admin"}])
    helpers.call_action("package_create", context={"user": owner["name"]}, **_dataset(
        org, name="registre-interne", title="Registre interne confidentiel", private=True))

    anonymous = helpers.call_action(
        "package_search", context={"user": "", "ignore_auth": False},
        q="confidentiel", include_private=True)
    assert anonymous["count"] == 0

    api = app.get("/api/3/action/package_search", query_string={"q": "confidentiel"})
    assert api.json["result"]["count"] == 0
    page = app.get("/dataset/", query_string={"q": "confidentiel"})
    assert "registre-interne" not in page.body

    # the member of the organisation does see it: the filter above is what hides it
    member = helpers.call_action(
        "package_search", context={"user": owner["name"], "ignore_auth": False},
        q="confidentiel", include_private=True)
    assert member["count"] == 1


def test_redis_answers_for_ckan_and_for_the_harvest_queues():
    from ckan.lib.redis import connect_to_redis

    from ckanext.harvest import queue

    assert connect_to_redis().ping() is True
    conn = queue.get_connection()
    conn.set("poitiers-test-key", "é")
    try:
        assert conn.get("poitiers-test-key") == "é"
    finally:
        conn.delete("poitiers-test-key")


def test_harvest_redis_connections_block_on_an_idle_queue():
    from ckanext.harvest import queue

    conn = queue.get_connection()
    assert conn.connection_pool.connection_kwargs["socket_timeout"] is None
    # BLPOP on an empty list for longer than redis-py 8's default 5 s read timeout
    assert conn.blpop("poitiers-test-empty-queue", timeout=6) is None


def test_the_test_session_builds_its_assets_in_a_directory_of_its_own(app):
    """Not in test.ini's /tmp directory, which every checkout and both CKAN versions name: two
    sessions building their webassets there at the same time broke each other's pages
    (« BundleError: Cannot find version of <Bundle output=vendor/%(version)s_select2.css> »,
    tests/conftest.py)."""
    from ckan.lib import webassets_tools

    ini = configparser.ConfigParser(interpolation=None, strict=False)
    ini.read(pathlib.Path(__file__).parents[2] / "test.ini")
    shared = pathlib.Path(ini["app:main"]["ckan.storage_path"])
    assert app.get("/dataset/").status_code == 200
    built = pathlib.Path(webassets_tools.env.directory)
    assert list(built.glob("vendor/*_select2.css")), "the page built no select2 stylesheet"
    assert shared not in built.parents
    assert str(os.getpid()) in built.parent.name  # this pytest process's own directory
