"""ckanext-harvest's buttons that change data act on a POST with CKAN's CSRF token only.

ckanext-harvest clears a source (every dataset it harvested deleted), deletes it, starts or stops
a job on a plain GET: an image on another site, opened by a logged-in administrator, did it in
their name. A GET now shows a French confirmation page whose form posts to the same address;
the POST acts, with the token, as the user's permissions allow."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from ckan.plugins import toolkit
from ckan.tests import factories

from ckanext.harvest.model import HarvestJob, HarvestSource

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("clean_db", "with_plugins")]

SITE = {"ignore_auth": True}


@pytest.fixture
def admin():
    user = factories.SysadminWithToken()
    return {"Authorization": user["token"]}


@pytest.fixture
def source():
    org = factories.Organization()
    context = dict(SITE, user=factories.Sysadmin()["name"])
    src = toolkit.get_action("harvest_source_create")(context, {
        "name": "catalogue-grand-poitiers", "title": "Catalogue",
        "url": "https://data.grandpoitiers.fr/data-fair/api/v1/datasets",
        "source_type": "poitiers_datafair", "owner_org": org["id"], "frequency": "MANUAL",
        "config": ""})
    return src


def _state(source_id: str) -> tuple[bool, int]:
    src = HarvestSource.get(source_id)
    jobs = HarvestJob.filter(source_id=source_id).count()
    return bool(src and src.active), jobs


def _job(source: dict) -> dict:
    return toolkit.get_action("harvest_job_create")(dict(SITE, user=factories.Sysadmin()["name"]),
                                                     {"source_id": source["id"]})


@pytest.mark.parametrize(("path", "words"), [
    ("/harvest/clear/{id}", "tous les jeux de données qu’elle a moissonnés"),
    ("/harvest/delete/{name}?clear=True", "Supprimer cette source de moissonnage et tous"),
    ("/harvest/delete/{name}", "Désactiver cette source de moissonnage"),
    ("/harvest/refresh/{id}", "Lancer maintenant un nouveau moissonnage"),
])
def test_a_get_only_asks(app, admin, source, path, words):
    _job(source)
    before = _state(source["id"])
    url = path.format(**source)
    res = app.get(url, headers=admin)
    assert res.status_code == 200
    soup = BeautifulSoup(res.body, "html.parser")
    assert words in soup.get_text(" ")
    form = soup.find("form", method="post", action=url)
    assert form is not None
    assert form.find("button", type="submit").get_text(strip=True) == "Confirmer"
    # nothing was done: the source is active and keeps its job, no new job
    assert _state(source["id"]) == before == (True, 1)


def test_a_get_does_not_stop_a_job(app, admin, source):
    job = _job(source)
    status = HarvestJob.get(job["id"]).status
    res = app.get(f"/harvest/{source['name']}/job/{job['id']}/abort", headers=admin)
    assert res.status_code == 200 and "Arrêter le moissonnage" in res.body
    assert HarvestJob.get(job["id"]).status == status != "Finished"


def test_the_post_acts(app, admin, source):
    res = app.post(f"/harvest/refresh/{source['id']}", headers=admin, follow_redirects=False)
    assert res.status_code == 302
    assert _state(source["id"]) == (True, 1)  # the job is created
    # ckanext-harvest routes « delete » on GET only: the confirmation's POST reaches its view
    res = app.post(f"/harvest/delete/{source['name']}", headers=admin, follow_redirects=False)
    assert res.status_code == 302
    assert _state(source["id"])[0] is False  # deactivated


def test_the_post_stops_a_job(app, admin, source):
    job = _job(source)
    res = app.post(f"/harvest/{source['name']}/job/{job['id']}/abort", headers=admin,
                   follow_redirects=False)
    assert res.status_code == 302
    assert HarvestJob.get(job["id"]).status == "Finished"


def test_the_post_still_needs_the_permission(app, source):
    user = factories.UserWithToken()
    for headers in ({}, {"Authorization": user["token"]}):
        res = app.post(f"/harvest/delete/{source['name']}?clear=True", headers=headers)
        assert res.status_code == 403
        res = app.post(f"/harvest/clear/{source['id']}", headers=headers)
        assert res.status_code == 403
    assert _state(source["id"]) == (True, 0)
