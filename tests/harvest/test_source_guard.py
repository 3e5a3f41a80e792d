"""The SSRF guard on the sources of harvesters that are not ours (ckanext-harvest's
``ckan_harvester``, ckanext-dcat's ``dcat_rdf_harvester``), loaded here as a portal's
administrator could load them: the source URL is checked when the source is saved (API and
``/harvest/new`` form) and when a job is sent to the gather queue."""
from __future__ import annotations

import json

import pytest
from ckan import model
from ckan.plugins import toolkit
from ckan.tests import factories

from ckanext.harvest import queue
from ckanext.harvest.model import HarvestJob, HarvestSource
from ckanext.poitiers import doctor
from tests.conftest import plugins_of_test_ini
from tests.harvest.test_datafair_harvest import gather_errors

pytestmark = [
    pytest.mark.integration,
    pytest.mark.ckan_config(
        "ckan.plugins", " ".join([*plugins_of_test_ini(), "ckan_harvester", "dcat_rdf_harvester"])),
    pytest.mark.ckan_config("ckanext.poitiers.harvest.allow_private_addresses", "false"),
    pytest.mark.usefixtures("harvest_env"),
]

METADATA = "http://169.254.169.254/latest/meta-data/"
PRIVATE = "adresse de réseau privé ou local"
NOT_HTTP = "Seule une adresse http ou https peut être moissonnée"


@pytest.fixture
def editor_of(organization):
    """An editor (not an administrator) of the organisation that owns the sources."""
    user = factories.User()
    toolkit.get_action("organization_member_create")(
        {"ignore_auth": True},
        {"id": organization["id"], "username": user["name"], "role": "editor"})
    return user


@pytest.fixture
def gather_queue():
    """The job ids waiting in ckanext-harvest's gather queue (Redis); emptied afterwards."""
    connection = queue.get_connection()

    def queued() -> list[str]:
        return [json.loads(v)["harvest_job_id"]
                for v in connection.lrange(queue.get_gather_routing_key(), 0, -1)]

    yield queued
    queue.purge_queues()


def _create(user, organization, url, source_type="dcat_rdf", name="source-externe"):
    return toolkit.get_action("harvest_source_create")(
        {"user": user["name"]},
        {"name": name, "title": "Source externe", "url": url, "source_type": source_type,
         "owner_org": organization["id"], "frequency": "MANUAL"})


def _sources() -> int:
    return model.Session.query(HarvestSource).count()


@pytest.mark.parametrize("source_type", ["dcat_rdf", "ckan"])
@pytest.mark.parametrize("url,message", [
    (METADATA, PRIVATE + " (169.254.169.254)"),
    ("http://100.100.100.200/latest/meta-data/", PRIVATE + " (100.100.100.200)"),
    ("http://[::ffff:169.254.169.254]/latest/", PRIVATE),
    ("http://localhost:5000/api/3/action/status_show", PRIVATE),
    ("/etc/ckan/ckan.ini", NOT_HTTP),
    ("file:///etc/ckan/ckan.ini", NOT_HTTP),
])
def test_an_editor_cannot_point_a_stock_harvester_at_the_inside(editor_of, organization,
                                                                source_type, url, message):
    with pytest.raises(toolkit.ValidationError) as raised:
        _create(editor_of, organization, url, source_type)
    assert list(raised.value.error_dict) == ["url"]
    assert message in raised.value.error_dict["url"][0]
    assert _sources() == 0


def test_the_form_names_the_refused_address_in_french(app, editor_of, organization):
    before = _sources()
    response = app.post(
        "/harvest/new",
        data={"url": METADATA, "title": "Métadonnées", "name": "metadonnees",
              "source_type": "dcat_rdf", "owner_org": organization["id"], "frequency": "MANUAL",
              "config": "", "save": ""},
        headers={"Authorization": factories.APIToken(user=editor_of["name"])["token"]})
    assert response.status_code == 200
    assert PRIVATE in response.body
    assert "169.254.169.254" in response.body
    assert _sources() == before


def test_an_update_to_a_private_address_is_refused(monkeypatch, ckan_config, editor_of,
                                                   organization, httpserver):
    # saved while the portal allowed private addresses (a closed network), then closed again
    monkeypatch.setitem(ckan_config, "ckanext.poitiers.harvest.allow_private_addresses", "true")
    source = _create(editor_of, organization, httpserver.url_for("/catalog.ttl"))
    monkeypatch.setitem(ckan_config, "ckanext.poitiers.harvest.allow_private_addresses", "false")
    with pytest.raises(toolkit.ValidationError) as raised:
        toolkit.get_action("harvest_source_update")(
            {"user": editor_of["name"]},
            {**source, "url": METADATA, "source_type": "dcat_rdf"})
    assert PRIVATE in raised.value.error_dict["url"][0]
    with pytest.raises(toolkit.ValidationError):
        toolkit.get_action("harvest_source_patch")(
            {"user": editor_of["name"]}, {"id": source["id"], "url": "/etc/passwd"})
    assert HarvestSource.get(source["id"]).url == httpserver.url_for("/catalog.ttl")


def test_a_job_of_a_source_that_became_private_is_not_queued(monkeypatch, ckan_config,
                                                             editor_of, organization, httpserver,
                                                             gather_queue):
    monkeypatch.setitem(ckan_config, "ckanext.poitiers.harvest.allow_private_addresses", "true")
    source = _create(editor_of, organization, httpserver.url_for("/catalog.ttl"))
    monkeypatch.setitem(ckan_config, "ckanext.poitiers.harvest.allow_private_addresses", "false")

    job_dict = toolkit.get_action("harvest_job_create")(
        {"user": editor_of["name"]}, {"source_id": source["id"], "run": True})

    job = HarvestJob.get(job_dict["id"])
    assert job.status == "Finished"
    errors = gather_errors(job)
    assert len(errors) == 1
    assert errors[0].startswith("Ce moissonnage n’a pas été lancé\u00a0: ")
    assert PRIVATE in errors[0]
    assert job.id not in gather_queue()
    assert httpserver.log == []
    # the source is not blocked: a later job can be created
    assert toolkit.get_action("harvest_job_create")(
        {"user": editor_of["name"]}, {"source_id": source["id"], "run": False})


def test_a_closed_network_portal_keeps_its_stock_sources(monkeypatch, ckan_config, editor_of,
                                                         organization, httpserver, gather_queue):
    monkeypatch.setitem(ckan_config, "ckanext.poitiers.harvest.allow_private_addresses", "true")
    source = _create(editor_of, organization, httpserver.url_for("/catalog.ttl"))
    job = toolkit.get_action("harvest_job_create")(
        {"user": editor_of["name"]}, {"source_id": source["id"], "run": True})
    assert job["status"] == "Running"
    assert job["id"] in gather_queue()
    # even there, only http(s)
    with pytest.raises(toolkit.ValidationError) as raised:
        _create(editor_of, organization, "/etc/ckan/ckan.ini", name="fichier-local")
    assert NOT_HTTP in raised.value.error_dict["url"][0]


def test_our_harvesters_keep_their_own_guard_at_every_request(editor_of, organization):
    # our client checks every request, redirect and page at harvest time (test_http_guard.py,
    # test_dcat_harvest.py): saving such a source asks no DNS question
    source = _create(editor_of, organization, "http://127.0.0.1:9/catalogue", "poitiers_dcat")
    assert source["url"] == "http://127.0.0.1:9/catalogue"


def test_doctor_warns_about_unguarded_harvesters(ckan_config):
    (check,) = doctor.check_harvesters(ckan_config, 1)
    assert check.status == doctor.WARNING
    assert "ckan_harvester (ckan)" in check.message
    assert "dcat_rdf_harvester (dcat_rdf)" in check.message
    assert "poitiers" not in check.message
