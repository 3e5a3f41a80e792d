"""Requests from the public, bad input: non-text fields and out-of-range limits are structured
French errors (not server errors), a private dataset answers like a missing one, and a refused
answer comes back in its field with the message next to it."""
from __future__ import annotations

import html

import pytest
import sqlalchemy as sa
from ckan import model
from ckan.tests import factories, helpers

from ckanext.poitiers.requests_model import request_table

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("theme_db", "with_plugins")]


def _count() -> int:
    return model.Session.execute(sa.select(sa.func.count()).select_from(request_table)).scalar()


@pytest.fixture
def sysadmin():
    return factories.SysadminWithToken()


@pytest.fixture
def open_request():
    return helpers.call_action("poitiers_request_create", context={"user": ""}, kind="dataset",
                               title="Bancs publics", message="Où s’asseoir ?")


@pytest.mark.parametrize("field,value,message", [
    ("website", ["http://spam"], "Laissez ce champ vide."),
    ("website", 42, "Laissez ce champ vide."),
    ("title", ["t"], "Doit être du texte."),
    ("message", {"texte": "m"}, "Doit être du texte."),
    ("email", 12, "Doit être du texte."),
    ("dataset_id", ["x"], "Doit être du texte."),
    ("kind", None, "Indiquez si"),
])
def test_non_text_fields_are_structured_errors(app, field, value, message):
    data = {"kind": "problem", "title": "t", "message": "m", field: value}
    res = app.post("/api/3/action/poitiers_request_create", json=data, status=409)
    assert res.json["error"]["__type"] == "Validation Error"
    assert message in res.json["error"][field][0]
    assert _count() == 0


@pytest.mark.parametrize("params,field", [
    ({"limit": -5}, "limit"), ({"limit": 0}, "limit"), ({"limit": 501}, "limit"),
    ({"limit": "abc"}, "limit"), ({"limit": "١٠"}, "limit"), ({"limit": True}, "limit"),
    ({"limit": 1.5}, "limit"), ({"offset": -1}, "offset"), ({"status": ["open"]}, "status"),
])
def test_list_parameters_are_checked_before_the_query(app, sysadmin, params, field):
    res = app.post("/api/3/action/poitiers_request_list", json=params, status=409,
                   headers={"Authorization": sysadmin["token"]})
    assert list(res.json["error"]) == ["__type", field] or set(res.json["error"]) == {
        "__type", field}
    if field in ("limit", "offset"):
        assert "nombre entier" in res.json["error"][field][0]


def test_list_accepts_limit_and_offset_as_text(app, sysadmin, open_request):
    res = app.get("/api/3/action/poitiers_request_list?limit=1&offset=0",
                  headers={"Authorization": sysadmin["token"]})
    assert [r["id"] for r in res.json["result"]] == [open_request["id"]]


def _create(n: int) -> list[str]:
    ids = [helpers.call_action("poitiers_request_create", context={"user": ""}, kind="dataset",
                               title=f"Demande {i}", message="Merci.")["id"] for i in range(n)]
    return ids[::-1]  # newest first


def test_list_gives_the_total_and_pages_through_it(app, sysadmin):
    ids = _create(5)
    helpers.call_action("poitiers_request_answer", context={"user": sysadmin["name"]},
                        id=ids[0], answer="Fait.")
    auth = {"Authorization": sysadmin["token"]}
    res = app.get("/api/3/action/poitiers_request_list",
                  query_string={"include_count": "true", "limit": 2, "offset": 2}, headers=auth)
    page = res.json["result"]
    assert page["count"] == 5 and (page["limit"], page["offset"]) == (2, 2)
    assert [r["id"] for r in page["results"]] == ids[2:4]
    # the total of one status, and an offset past the end: an empty page, the same total
    page = app.post("/api/3/action/poitiers_request_list", headers=auth, json={
        "include_count": True, "status": "open", "offset": 10}).json["result"]
    assert page == {"count": 4, "results": [], "limit": 100, "offset": 10}
    # callers that do not ask for the total keep the list they had
    res = app.get("/api/3/action/poitiers_request_list", query_string={"limit": 2},
                  headers=auth)
    assert [r["id"] for r in res.json["result"]] == ids[:2]
    assert helpers.call_action("poitiers_request_list", context={"user": sysadmin["name"]},
                               include_count=False, status="answered")[0]["id"] == ids[0]


@pytest.mark.parametrize("params,field,message", [
    ({"include_count": "peut-être"}, "include_count", "Doit valoir true ou false."),
    ({"include_count": 2}, "include_count", "Doit valoir true ou false."),
    ({"include_count": True, "limit": 0}, "limit", "nombre entier"),
    ({"include_count": True, "offset": "dix"}, "offset", "nombre entier"),
])
def test_list_bad_count_or_paging_is_a_structured_french_error(app, sysadmin, params, field,
                                                               message):
    res = app.post("/api/3/action/poitiers_request_list", json=params, status=409,
                   headers={"Authorization": sysadmin["token"]})
    assert res.json["success"] is False
    error = res.json["error"]
    assert error["__type"] == "Validation Error" and set(error) == {"__type", field}
    assert message in error[field][0]


@pytest.mark.parametrize("data,field", [
    ({"answer": ["Oui"]}, "answer"), ({"answer": 12}, "answer"), ({"id": ["x"]}, "id"),
    ({"status": ["closed"]}, "status"),
])
def test_answer_fields_must_be_text(app, sysadmin, open_request, data, field):
    body = {"id": open_request["id"], "answer": "Oui.", **data}
    res = app.post("/api/3/action/poitiers_request_answer", json=body, status=409,
                   headers={"Authorization": sysadmin["token"]})
    assert field in res.json["error"]


def test_a_private_dataset_answers_like_a_missing_one(app, make_dataset):
    org = factories.Organization()
    private = make_dataset(name="budget-confidentiel", private=True, owner_org=org["id"])
    answers = []
    for guess in ("budget-confidentiel", private["id"], "absent-du-portail"):
        res = app.post("/api/3/action/poitiers_request_create", status=409, json={
            "kind": "problem", "title": "Erreur", "message": "Une erreur.", "dataset_id": guess})
        answers.append(res.json["error"])
        assert private["id"] not in res.body
    assert answers[0] == answers[1] == answers[2]
    assert answers[0]["dataset_id"] == ["Ce jeu de données n’existe pas."]
    assert _count() == 0
    # a member of the organisation can report a problem on it
    member = factories.UserWithToken()
    helpers.call_action("organization_member_create", id=org["id"], username=member["name"],
                        role="member")
    res = app.post("/api/3/action/poitiers_request_create",
                   headers={"Authorization": member["token"]}, json={
                       "kind": "problem", "title": "Erreur", "message": "Une erreur.",
                       "dataset_id": "budget-confidentiel"})
    assert res.json["result"]["dataset_id"] == private["id"]


def test_the_answer_field_has_the_server_limit(app, sysadmin, open_request):
    page = app.get("/ckan-admin/demandes", headers={"Authorization": sysadmin["token"]}).body
    assert f'id="answer-{open_request["id"]}"' in page
    assert 'maxlength="5000"' in page


def test_a_refused_answer_comes_back_with_the_text_typed(app, sysadmin, open_request):
    typed = "Réponse détaillée.\r\n" + "x" * 5000
    url = f"/ckan-admin/demandes/{open_request['id']}/repondre"
    res = app.post(url, headers={"Authorization": sysadmin["token"]},
                   data={"answer": typed, "status": "closed", "tab": "open"})
    assert res.status_code == 200
    page = html.unescape(res.get_data(as_text=True))
    assert "La réponse est trop longue" in page
    assert "Réponse détaillée.\r\n" + "x" * 5000 in page or "Réponse détaillée.\n" + "x" * 5000 \
        in page
    assert 'aria-invalid="true"' in page
    assert '<option value="closed" selected>' in page
    stored = helpers.call_action("poitiers_request_list", context={"user": sysadmin["name"]})
    assert stored[0]["answer"] is None and stored[0]["status"] == "open"


def test_an_answer_of_exactly_the_limit_with_line_breaks_is_saved(app, sysadmin, open_request):
    # a browser counts a line break as one character for maxlength and sends it as \r\n
    typed = ("x" * 99 + "\r\n") * 50
    url = f"/ckan-admin/demandes/{open_request['id']}/repondre"
    res = app.post(url, headers={"Authorization": sysadmin["token"]},
                   data={"answer": typed, "status": "answered", "tab": "open"},
                   follow_redirects=False)
    assert res.status_code == 302
    stored = helpers.call_action("poitiers_request_list", context={"user": sysadmin["name"]})
    assert len(stored[0]["answer"]) == 4999
