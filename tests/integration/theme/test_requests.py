"""Requests from the public: stored through the action API and the form, read and answered by
sysadmins only, bad input refused with French messages and nothing stored."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from ckan import model
from ckan.tests import factories, helpers

from ckanext.poitiers.requests_model import request_table

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("theme_db", "with_plugins")]


def _count() -> int:
    return model.Session.execute(sa.select(sa.func.count()).select_from(request_table)).scalar()


def test_migration_creates_the_table():
    assert sa.inspect(model.Session.get_bind()).has_table("poitiers_request")


def test_anonymous_visitor_creates_a_request():
    result = helpers.call_action(
        "poitiers_request_create", context={"user": "", "ignore_auth": False},
        kind="dataset", title="Horaires des piscines", message="Pour un agenda de quartier.",
        email="lea@example.org")
    assert result["status"] == "open" and result["user_id"] is None
    assert _count() == 1


@pytest.mark.parametrize("data, field, message", [
    ({"kind": "dataset", "title": "", "message": "x"}, "title", "Donnez un titre"),
    ({"kind": "dataset", "title": "t", "message": ""}, "message", "Décrivez"),
    ({"kind": "autre", "title": "t", "message": "m"}, "kind", "Indiquez si"),
    ({"kind": "dataset", "title": "t" * 201, "message": "m"}, "title", "trop long"),
    ({"kind": "dataset", "title": "t", "message": "m" * 5001}, "message",
     "Le message est trop long (5\u202f000 caractères au plus)."),
    ({"kind": "dataset", "title": "t", "message": "m", "email": "pas-une-adresse"}, "email",
     "pas valide"),
    ({"kind": "problem", "title": "t", "message": "m", "dataset_id": "inexistant"}, "dataset_id",
     "n’existe pas"),
    ({"kind": "dataset", "title": "t", "message": "m", "website": "http://spam"}, "website",
     "vide"),
])
def test_bad_input_is_refused_in_french_and_nothing_is_stored(app, data, field, message):
    res = app.post("/api/3/action/poitiers_request_create", json=data, status=409)
    assert message in res.json["error"][field][0]
    assert _count() == 0


# addresses the portal's rule (rules.email_fault: datasets, harvesters) refuses, which the
# requests once accepted with a looser rule of their own
@pytest.mark.parametrize("email", ["a@b..fr", "nom@-exemple.fr", "nom@exemple.fr,",
                                   "jean(dupont)@exemple.fr", "nom@exemple.fr."])
def test_an_address_the_portal_refuses_elsewhere_is_refused_here(app, email):
    data = {"kind": "dataset", "title": "t", "message": "m", "email": email}
    res = app.post("/api/3/action/poitiers_request_create", json=data, status=409)
    assert res.json["error"]["__type"] == "Validation Error"
    assert res.json["error"]["email"] == [
        "Cette adresse électronique n’est pas valide (exemple\u00a0: nom@exemple.fr)."]
    res = app.post("/contribuer", data=data)
    assert "Le formulaire contient des erreurs" in res.body
    assert "Cette adresse électronique n’est pas valide" in res.body
    assert _count() == 0


def test_a_mailto_address_is_kept_without_its_prefix():
    r = helpers.call_action("poitiers_request_create", context={"user": ""}, kind="dataset",
                            title="t", message="m", email=" mailto:lea@example.org ")
    assert r["email"] == "lea@example.org"


def test_problem_report_is_linked_to_the_dataset(make_dataset):
    ds = make_dataset()
    r = helpers.call_action("poitiers_request_create", context={"user": ""}, kind="problem",
                            title="Lien cassé", message="Le CSV renvoie 404.",
                            dataset_id=ds["name"])
    assert r["dataset_id"] == ds["id"]


def test_only_sysadmins_list_and_answer():
    user = factories.User()
    helpers.call_action("poitiers_request_create", context={"user": ""}, kind="dataset",
                        title="Bancs publics", message="Où s’asseoir ?")
    for name in ("", user["name"]):
        with pytest.raises(helpers.logic.NotAuthorized):
            helpers.call_action("poitiers_request_list",
                                context={"user": name, "ignore_auth": False})
    sysadmin = factories.Sysadmin()
    items = helpers.call_action("poitiers_request_list",
                                context={"user": sysadmin["name"], "ignore_auth": False})
    assert [i["title"] for i in items] == ["Bancs publics"]
    with pytest.raises(helpers.logic.NotAuthorized):
        helpers.call_action("poitiers_request_answer",
                            context={"user": user["name"], "ignore_auth": False},
                            id=items[0]["id"], answer="Non.")
    answered = helpers.call_action("poitiers_request_answer",
                                   context={"user": sysadmin["name"], "ignore_auth": False},
                                   id=items[0]["id"], answer="Publié le mois prochain.")
    assert answered["status"] == "answered"
    assert answered["answered_by"] == sysadmin["name"]
    assert helpers.call_action("poitiers_request_list", context={"user": sysadmin["name"]},
                               status="open") == []


def test_answer_errors():
    sysadmin = factories.Sysadmin()
    ctx = {"user": sysadmin["name"], "ignore_auth": False}
    with pytest.raises(helpers.logic.NotFound):
        helpers.call_action("poitiers_request_answer", context=ctx, id="nope", answer="x")
    with pytest.raises(helpers.logic.ValidationError) as e:
        helpers.call_action("poitiers_request_answer", context=ctx, id="nope", answer="",
                            status="bizarre")
    assert set(e.value.error_dict) == {"answer", "status"}


def test_api_gives_structured_errors(app):
    res = app.post("/api/3/action/poitiers_request_create",
                   json={"kind": "dataset", "title": "", "message": ""}, status=409)
    body = res.json
    assert body["success"] is False
    assert body["error"]["__type"] == "Validation Error"
    assert "title" in body["error"] and "message" in body["error"]
    res = app.get("/api/3/action/poitiers_request_list", status=403)
    assert res.json["error"]["__type"] == "Authorization Error"


def test_form_page_and_admin_page(app):
    res = app.get("/contribuer")
    assert "Proposer un jeu de données ou signaler un problème" in res.body
    res = app.post("/contribuer", data={"kind": "dataset", "title": "Défibrillateurs",
                                        "message": "La liste des DAE.", "email": "x@y.fr"})
    assert "Merci, votre demande est enregistrée" in res.body
    assert _count() == 1
    res = app.post("/contribuer", data={"kind": "dataset", "title": "", "message": ""})
    assert "Le formulaire contient des erreurs" in res.body
    assert _count() == 1
    app.get("/ckan-admin/demandes", status=403)
    sysadmin = factories.SysadminWithToken()
    res = app.get("/ckan-admin/demandes", headers={"Authorization": sysadmin["token"]})
    assert "Défibrillateurs" in res.body
