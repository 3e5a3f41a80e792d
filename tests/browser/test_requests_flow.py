"""The request form end to end on the real server (CSRF on): a visitor proposes a dataset, a
sysadmin reads and answers it in the portal and the visitor gets the answer by email (a real
local SMTP server); forged posts and other users are refused."""
from __future__ import annotations

import pytest
import requests

from tests.browser.conftest import ADMIN, EDITOR

pytestmark = pytest.mark.browser


def _requests(portal, status="open"):
    return portal.action("poitiers_request_list", status=status)


def test_visitor_proposes_and_sysadmin_answers(portal, page_factory):
    before = len(_requests(portal))
    page = page_factory()
    page.goto(portal.url + "/contribuer")
    page.fill("#field-title", "Horaires des piscines")
    page.fill("#field-message", "Pour afficher les créneaux dans une application de quartier.")
    page.fill("#field-email", "lea@example.org")
    page.click("form.poitiers-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "Merci, votre demande est enregistrée" in page.content()
    items = _requests(portal)
    assert len(items) == before + 1
    req = next(i for i in items if i["title"] == "Horaires des piscines")
    assert req["email"] == "lea@example.org" and req["kind"] == "dataset"

    admin = page_factory(ADMIN)
    admin.goto(portal.url + "/ckan-admin/demandes")
    article = admin.locator("article.poitiers-request", has_text="Horaires des piscines")
    article.locator("textarea").fill("Publication prévue le mois prochain.")
    assert article.get_by_label("Prévenir le demandeur par courriel").is_checked()
    sent_before = len(portal.inbox.messages)
    article.locator("button[type=submit]").click()
    admin.wait_for_load_state("networkidle")
    # (the page's HTML as the browser serialises it: the no-break space as &nbsp;)
    assert "Réponse enregistrée&nbsp;; le demandeur a été prévenu par courriel." in admin.content()
    [(_sender, rcpt, mail)] = portal.inbox.messages[sent_before:]
    assert rcpt == ["lea@example.org"]
    assert "réponse à votre demande «\u00a0Horaires des piscines\u00a0»" in mail["Subject"]
    assert "Publication prévue le mois prochain." in mail.get_content()
    answered = {i["id"]: i for i in _requests(portal, "answered")}
    assert answered[req["id"]]["answer"] == "Publication prévue le mois prochain."
    assert answered[req["id"]]["answered_by"] == ADMIN


def test_problem_report_from_a_dataset_page(portal, page_factory):
    page = page_factory()
    assert page.goto(portal.url + "/dataset/arbres-d-alignement").status == 200
    page.click("text=Signaler un problème sur ces données")
    page.wait_for_load_state("networkidle")
    assert page.locator("#field-kind-problem").is_checked()
    page.fill("#field-title", "Essence erronée")
    page.fill("#field-message", "Le platane de la rue Carnot est un tilleul.")
    page.click("form.poitiers-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    ds = portal.data["datasets"]["arbres-d-alignement"]
    found = [i for i in _requests(portal) if i["title"] == "Essence erronée"]
    assert found and found[0]["dataset_id"] == ds["id"] and found[0]["kind"] == "problem"


def test_forged_post_without_csrf_token_is_refused(portal):
    before = len(_requests(portal))
    r = requests.post(portal.url + "/contribuer", timeout=30, data={
        "kind": "dataset", "title": "Forgé", "message": "Sans jeton CSRF"})
    assert r.status_code in (400, 403)
    assert len(_requests(portal)) == before


def test_sysadmin_answer_needs_the_csrf_token_even_after_an_anonymous_post(portal,
                                                                         page_factory):
    """CKAN exempts a view from its CSRF check once an anonymous visitor posted to it: ours
    check the token themselves."""
    req = portal.action("poitiers_request_create", kind="dataset", title="Cible",
                        message="Réponse forgée ?")
    url = f"{portal.url}/ckan-admin/demandes/{req['id']}/repondre"
    assert requests.post(url, data={"answer": "x"}, timeout=30).status_code in (400, 403)
    admin = page_factory(ADMIN)
    forged = admin.request.post(url, form={"answer": "Réponse forgée", "status": "closed"})
    assert forged.status == 400
    assert [i for i in _requests(portal) if i["id"] == req["id"]][0]["answer"] is None


def test_requests_page_is_for_sysadmins_only(portal, page_factory):
    anonymous = page_factory()
    assert anonymous.goto(portal.url + "/ckan-admin/demandes").status == 403
    editor = page_factory(EDITOR)
    assert editor.goto(portal.url + "/ckan-admin/demandes").status == 403
    r = requests.post(portal.url + "/api/3/action/poitiers_request_list", json={},
                      headers={"Authorization": portal.editor_token}, timeout=30)
    assert r.status_code == 403 and r.json()["success"] is False


def test_the_sysadmin_reads_the_request_and_answer_with_their_line_breaks(portal, page_factory):
    # the message was shown as one run-on paragraph: a list typed line by line became one line
    page = page_factory()
    page.goto(portal.url + "/contribuer")
    page.fill("#field-title", "Bornes de recharge")
    page.fill("#field-message", "Ce qui serait utile :\n- l’adresse\n- la puissance")
    page.click("form.poitiers-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    admin = page_factory(ADMIN)
    admin.goto(portal.url + "/ckan-admin/demandes")
    article = admin.locator("article.poitiers-request", has_text="Bornes de recharge")
    assert article.locator(".poitiers-request-message").inner_text().splitlines() == [
        "Ce qui serait utile :", "- l’adresse", "- la puissance"]
    article.locator("textarea").fill("Oui.\nPublication en mars.")
    article.locator("select").select_option("closed")
    article.locator("button[type=submit]").click()
    admin.wait_for_load_state("networkidle")
    admin.goto(portal.url + "/ckan-admin/demandes?status=closed")
    article = admin.locator("article.poitiers-request", has_text="Bornes de recharge")
    assert article.locator(".poitiers-request-answer").inner_text().splitlines() == [
        "Oui.", "Publication en mars."]
