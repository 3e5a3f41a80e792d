"""/ckan-admin/demandes in pages: every request can be reached and answered (the page showed
the newest hundred of a status and nothing older), a bad page number is a French 400, and a
refused answer comes back on the page it was typed on."""
from __future__ import annotations

import datetime as dt
import html
import re
import uuid

import pytest
from ckan import model
from ckan.tests import factories

from ckanext.poitiers import theme_views
from ckanext.poitiers.requests_model import request_table

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("theme_db", "with_plugins")]


@pytest.fixture
def sysadmin():
    return factories.SysadminWithToken()


def _store(n: int, status: str = "open") -> list[str]:
    """n requests, the first one the oldest; their ids."""
    now = dt.datetime(2026, 1, 1)
    ids = []
    for i in range(n):
        ids.append(str(uuid.uuid4()))
        model.Session.execute(request_table.insert().values(
            id=ids[-1], kind="dataset", title=f"Demande {i:03d}", message="Texte.",
            status=status, created=now + dt.timedelta(minutes=i)))
    model.Session.commit()
    return ids


def _ids(body: str) -> list[str]:
    return re.findall(r'<article class="poitiers-request" aria-labelledby="req-([0-9a-f-]+)"',
                      body)


def test_every_request_is_on_some_page(app, sysadmin):
    ids = _store(theme_views.PER_PAGE * 5 + 3)  # past the hundred the page used to stop at
    auth = {"Authorization": sysadmin["token"]}
    seen: list[str] = []
    first = app.get("/ckan-admin/demandes", headers=auth).body
    assert 'aria-label="Pages des demandes"' in first
    assert "/ckan-admin/demandes?status=open&amp;page=6" in first
    for number in range(1, 7):
        body = app.get(f"/ckan-admin/demandes?status=open&page={number}", headers=auth).body
        seen += _ids(body)
    assert seen == list(reversed(ids))  # newest first, each once
    assert "Demande 000" in body


def test_a_status_has_its_own_pages(app, sysadmin):
    _store(3, "closed")
    _store(theme_views.PER_PAGE + 1, "open")
    body = app.get("/ckan-admin/demandes?status=closed",
                   headers={"Authorization": sysadmin["token"]}).body
    assert len(_ids(body)) == 3 and "Pages des demandes" not in body


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "٣", "99999999999999999999"])
def test_a_bad_page_number_is_a_french_400(app, sysadmin, page):
    res = app.get(f"/ckan-admin/demandes?page={page}",
                  headers={"Authorization": sysadmin["token"]})
    assert res.status_code == 400
    assert "Ce numéro de page n’est pas valide." in html.unescape(res.body)


def test_past_the_last_page_says_there_is_nothing(app, sysadmin):
    _store(2)
    body = app.get("/ckan-admin/demandes?page=4", headers={"Authorization": sysadmin["token"]})
    assert body.status_code == 200 and "Aucune demande" in body.body


def test_a_refused_answer_comes_back_on_its_page(app, sysadmin):
    ids = _store(theme_views.PER_PAGE + 2)
    oldest = ids[0]  # on page 2
    res = app.post(f"/ckan-admin/demandes/{oldest}/repondre",
                   headers={"Authorization": sysadmin["token"]},
                   data={"answer": "", "status": "answered", "tab": "open", "page": "2"})
    assert res.status_code == 200
    assert oldest in _ids(res.body)
    assert f'id="answer-{oldest}-refused"' in res.body


def test_the_pages_are_for_sysadmins_only(app):
    _store(theme_views.PER_PAGE + 1)
    user = factories.UserWithToken()
    for headers in ({}, {"Authorization": user["token"]}):
        res = app.get("/ckan-admin/demandes?page=2", headers=headers)
        assert res.status_code == 403 and "Demande 0" not in res.body


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_an_organisation_editor_or_admin_is_not_a_portal_administrator(app, role):
    # the requests carry the public's email addresses: an organisation role gives no access
    [req_id] = _store(1)
    user = factories.UserWithToken()
    factories.Organization(users=[{"name": user["name"], "capacity": role}])
    auth = {"Authorization": user["token"]}
    assert app.get("/api/3/action/poitiers_request_list", headers=auth).status_code == 403
    res = app.post("/api/3/action/poitiers_request_answer", headers=auth,
                   json={"id": req_id, "answer": "Non."})
    assert res.status_code == 403 and res.json["error"]["__type"] == "Authorization Error"
    assert app.get("/ckan-admin/demandes", headers=auth).status_code == 403
    res = app.post(f"/ckan-admin/demandes/{req_id}/repondre", headers=auth,
                   data={"answer": "Non.", "status": "closed"})
    assert res.status_code == 403
    row = model.Session.execute(
        request_table.select().where(request_table.c.id == req_id)).first()
    assert row.status == "open" and row.answer is None
