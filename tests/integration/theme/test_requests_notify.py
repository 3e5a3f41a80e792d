"""The requester is told by email when a request is answered: one French plain-text message
through CKAN's mailer to a real local SMTP server (aiosmtpd), never at the cost of the answer
(no server, server down or silent, recipient refused: the answer is stored and the result says
so), not again for the same answer, not when the administrator says not to."""
from __future__ import annotations

import datetime as dt
import html
import logging
import socket
import time
import uuid

import pytest
import sqlalchemy as sa
from ckan import model
from ckan.tests import factories, helpers

from ckanext.poitiers import doctor
from ckanext.poitiers.requests_model import request_table
from tests.smtp import silent_smtp_server, smtp_server

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("theme_db", "with_plugins")]

SITE = "Données ouvertes de Poitiers et Grand Poitiers"


@pytest.fixture
def inbox(ckan_config, monkeypatch):
    """A real SMTP server on loopback, and CKAN's smtp.server pointed at it."""
    with smtp_server() as box:
        monkeypatch.setitem(ckan_config, "smtp.server", f"127.0.0.1:{box.port}")
        yield box


@pytest.fixture
def sysadmin():
    return factories.SysadminWithToken()


def _request(**kw) -> dict:
    data = {"kind": "dataset", "title": "Horaires des piscines",
            "message": "Pour un agenda de quartier.", "email": "lea@example.org",
            "name": "Léa Martin"}
    data.update(kw)
    return helpers.call_action("poitiers_request_create", context={"user": ""}, **data)


def _answer(sysadmin, req_id, **kw) -> dict:
    return helpers.call_action(
        "poitiers_request_answer", context={"user": sysadmin["name"], "ignore_auth": False},
        id=req_id, **kw)


def _stored(req_id):
    return model.Session.execute(
        sa.select(request_table).where(request_table.c.id == req_id)).first()


def test_the_requester_gets_one_french_email_with_the_answer_and_the_dataset(
        inbox, sysadmin, make_dataset):
    ds = make_dataset(title="Piscines municipales")
    req = _request(kind="problem", title="Lien cassé", message="Le CSV renvoie 404.",
                   dataset_id=ds["name"])
    result = _answer(sysadmin, req["id"], answer="Le fichier est corrigé.\nMerci !")
    assert result["notification"] == "sent" and result["requester_notified"] is True
    assert result["notified"] and result["notified"] >= result["answered"]
    assert _stored(req["id"]).notified is not None
    [(sender, rcpt, msg)] = inbox.messages
    assert sender == "portail@poitiers.example" and rcpt == ["lea@example.org"]
    assert msg["To"] == "Léa Martin <lea@example.org>"
    assert msg["Subject"] == f"{SITE}\u00a0: réponse à votre demande «\u00a0Lien cassé\u00a0»"
    assert msg.get_content_type() == "text/plain"
    text = msg.get_content()
    assert text.startswith("Bonjour Léa Martin,\n")
    assert "Le fichier est corrigé.\nMerci !" in text
    assert "Statut de votre demande\u00a0: répondue" in text
    assert f"Jeu de données concerné\u00a0: http://test.ckan.net/dataset/{ds['name']}" in text
    assert "Le CSV renvoie 404." in text  # their own words, to recall what they asked
    assert text.rstrip().endswith(f"{SITE}\nhttp://test.ckan.net")


def test_the_same_answer_saved_again_sends_nothing_a_new_status_or_text_does(inbox, sysadmin):
    req = _request()
    _answer(sysadmin, req["id"], answer="Prévu pour juin.")
    first = _stored(req["id"])
    again = _answer(sysadmin, req["id"], answer="Prévu pour juin.")
    assert again["notification"] == "unchanged" and again["requester_notified"] is False
    assert len(inbox.messages) == 1
    assert _stored(req["id"]).answered == first.answered  # nothing changed, nothing re-dated
    closed = _answer(sysadmin, req["id"], answer="Prévu pour juin.", status="closed")
    assert closed["notification"] == "sent" and len(inbox.messages) == 2
    assert "Statut de votre demande\u00a0: close" in inbox.messages[1][2].get_content()
    edited = _answer(sysadmin, req["id"], answer="Publié.", status="closed")
    assert edited["notification"] == "sent" and len(inbox.messages) == 3
    assert "Publié." in inbox.messages[2][2].get_content()


def test_an_answer_reads_the_request_once_each_write_returns_it(inbox, sysadmin):
    """One SELECT of the request, then an UPDATE … RETURNING for the answer and one for the
    time the requester was told; the answer is committed before the email is sent."""
    req = _request()
    statements: list[str] = []
    sent_after: list[bool] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "poitiers_request" in statement:
            statements.append(statement.split()[0])

    def committed(conn):
        statements.append("COMMIT")

    engine = model.Session.get_bind()
    sa.event.listen(engine, "before_cursor_execute", record)
    sa.event.listen(engine, "commit", committed)
    handle_data = inbox.handle_DATA

    async def data_then_note(server, session, envelope):
        # what the database was told when the mail arrives
        sent_after.append(statements[:3] == ["SELECT", "UPDATE", "COMMIT"])
        return await handle_data(server, session, envelope)

    inbox.handle_DATA = data_then_note
    try:
        result = _answer(sysadmin, req["id"], answer="Prévu pour juin.")
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
        sa.event.remove(engine, "commit", committed)
    assert result["notification"] == "sent"
    assert [s for s in statements if s != "COMMIT"] == ["SELECT", "UPDATE", "UPDATE"]
    assert sent_after == [True]
    assert result["answer"] == "Prévu pour juin." and result["notified"] >= result["answered"]
    assert result["answered_by"] == sysadmin["name"]


def test_no_email_nothing_sent_and_the_answer_stored(inbox, sysadmin):
    req = _request(email="")
    result = _answer(sysadmin, req["id"], answer="Merci, c’est noté.")
    assert result["notification"] == "no_email" and result["requester_notified"] is False
    assert inbox.messages == []
    row = _stored(req["id"])
    assert row.status == "answered" and row.answer == "Merci, c’est noté." and not row.notified


def test_a_request_made_logged_in_without_address_goes_to_the_account_address(
        inbox, sysadmin):
    user = factories.User(email="compte@example.org")
    req_id = str(uuid.uuid4())
    model.Session.execute(request_table.insert().values(
        id=req_id, kind="dataset", title="Bancs", message="Où ?", user_id=user["id"],
        status="open", created=dt.datetime.utcnow()))
    model.Session.commit()
    assert _answer(sysadmin, req_id, answer="Ici.")["notification"] == "sent"
    assert inbox.messages[0][1] == ["compte@example.org"]


def test_an_answer_put_back_to_open_is_not_sent(inbox, sysadmin):
    req = _request()
    result = _answer(sysadmin, req["id"], answer="Brouillon de réponse.", status="open")
    assert result["notification"] == "open" and inbox.messages == []


def test_smtp_down_the_answer_is_stored_and_the_result_says_not_notified(
        sysadmin, ckan_config, monkeypatch, closed_port):
    monkeypatch.setitem(ckan_config, "smtp.server", f"127.0.0.1:{closed_port}")
    req = _request()
    result = _answer(sysadmin, req["id"], answer="Prévu pour juin.")
    assert result["notification"] == "failed" and result["requester_notified"] is False
    row = _stored(req["id"])
    assert row.answer == "Prévu pour juin." and row.status == "answered"
    assert row.notified is None and result["notified"] is None


@pytest.mark.ckan_config("ckanext.poitiers.requests.smtp_timeout", "1")
def test_a_silent_mail_server_holds_the_answer_for_the_timeout_only(
        sysadmin, ckan_config, monkeypatch):
    # the server accepts the connection and never greets; it lets go after 15 s, which is how
    # long CKAN's mailer, without a timeout of its own, kept the administrator waiting
    with silent_smtp_server(hold=15) as port:
        monkeypatch.setitem(ckan_config, "smtp.server", f"127.0.0.1:{port}")
        req = _request()
        started = time.monotonic()
        result = _answer(sysadmin, req["id"], answer="Prévu pour juin.")
        waited = time.monotonic() - started
    assert result["notification"] == "failed" and result["requester_notified"] is False
    assert waited < 8
    assert _stored(req["id"]).answer == "Prévu pour juin."
    assert socket.getdefaulttimeout() is None  # the process's default is back


def test_no_smtp_server_configured_the_answer_is_stored(sysadmin):
    # test.ini sets an empty smtp.server: CKAN 2.12's mailer then sends nothing, silently
    req = _request()
    result = _answer(sysadmin, req["id"], answer="Prévu pour juin.")
    assert result["notification"] == "failed"
    assert _stored(req["id"]).answer == "Prévu pour juin."


def test_a_refused_recipient_the_answer_is_stored(inbox, sysadmin):
    inbox.refuse.add("lea@example.org")
    req = _request()
    result = _answer(sysadmin, req["id"], answer="Prévu pour juin.")
    assert result["notification"] == "failed" and inbox.messages == []
    assert _stored(req["id"]).answer == "Prévu pour juin."


def test_a_failed_email_is_sent_when_the_same_answer_is_saved_again(
        sysadmin, ckan_config, monkeypatch, closed_port, inbox):
    req = _request()
    server = ckan_config["smtp.server"]
    monkeypatch.setitem(ckan_config, "smtp.server", f"127.0.0.1:{closed_port}")
    assert _answer(sysadmin, req["id"], answer="Oui.")["notification"] == "failed"
    monkeypatch.setitem(ckan_config, "smtp.server", server)
    assert _answer(sysadmin, req["id"], answer="Oui.")["notification"] == "sent"
    assert len(inbox.messages) == 1


def test_notify_false_sends_nothing_and_a_later_save_can_still_tell(inbox, sysadmin):
    req = _request()
    result = _answer(sysadmin, req["id"], answer="Oui.", notify=False)
    assert result["notification"] == "not_requested" and inbox.messages == []
    assert _stored(req["id"]).answer == "Oui."
    assert _answer(sysadmin, req["id"], answer="Oui.", notify="false")["notification"] \
        == "not_requested"
    # the requester was never told of this answer: saving it with notify tells them
    assert _answer(sysadmin, req["id"], answer="Oui.", notify="true")["notification"] == "sent"
    assert len(inbox.messages) == 1


@pytest.mark.parametrize("value", ["peut-être", "", "oui", "2", 1, 0, None, ["true"], {}])
def test_a_bad_notify_is_a_french_validation_error_and_nothing_is_stored(
        app, inbox, sysadmin, value):
    req = _request()
    res = app.post("/api/3/action/poitiers_request_answer",
                   headers={"Authorization": sysadmin["token"]},
                   json={"id": req["id"], "answer": "Oui.", "notify": value}, status=409)
    assert res.json["error"] == {"__type": "Validation Error",
                                 "notify": ["Doit valoir true ou false."]}
    row = _stored(req["id"])
    assert row.status == "open" and row.answer is None and inbox.messages == []
    with pytest.raises(helpers.logic.ValidationError) as e:  # the action itself, in Python
        _answer(sysadmin, req["id"], answer="Oui.", notify=value)
    assert set(e.value.error_dict) == {"notify"}


def test_notify_through_the_api(app, inbox, sysadmin):
    req = _request()
    res = app.post("/api/3/action/poitiers_request_answer",
                   headers={"Authorization": sysadmin["token"]},
                   json={"id": req["id"], "answer": "Oui."})  # notify: true by default
    assert res.json["result"]["requester_notified"] is True and len(inbox.messages) == 1
    res = app.post("/api/3/action/poitiers_request_answer",
                   headers={"Authorization": sysadmin["token"]},
                   json={"id": req["id"], "answer": "Non.", "notify": False})
    assert res.json["result"]["notification"] == "not_requested" and len(inbox.messages) == 1


def test_html_in_the_texts_is_sent_as_text_and_no_header_can_be_added(inbox, sysadmin):
    req = _request(title="Ligne\nBcc: pirate@evil.example", name="Léa\r\nCc: x@evil.example")
    answer = "<b>Fermé</b> <script>alert(1)</script> & <a href=\"http://evil.example\">ici</a>"
    assert _answer(sysadmin, req["id"], answer=answer)["notification"] == "sent"
    [(_sender, rcpt, msg)] = inbox.messages
    assert rcpt == ["lea@example.org"]
    assert not msg.is_multipart() and msg.get_content_type() == "text/plain"
    assert answer in msg.get_content()  # as typed, not escaped, not interpreted
    assert msg["Bcc"] is None and msg["Cc"] is None
    assert msg["Subject"] == (
        f"{SITE}\u00a0: réponse à votre demande «\u00a0Ligne Bcc: pirate@evil.example\u00a0»")


def test_the_email_is_in_the_portal_language_whatever_the_admin_page_language(
        app, inbox, sysadmin):
    req = _request()
    res = app.post(f"/en/ckan-admin/demandes/{req['id']}/repondre",
                   headers={"Authorization": sysadmin["token"]},
                   data={"answer": "Oui.", "status": "answered", "notify": "true"})
    assert "the requester has been told by email" in res.body
    assert inbox.messages[0][2]["Subject"].startswith(f"{SITE}\u00a0: réponse à votre demande")


# ------------------------------------------------------------------------------ the admin page
def _post(app, sysadmin, req_id, **data):
    return app.post(f"/ckan-admin/demandes/{req_id}/repondre",
                    headers={"Authorization": sysadmin["token"]},
                    data={"status": "answered", **data})


def test_the_form_tells_the_requester_and_the_page_says_so(app, inbox, sysadmin):
    req = _request()
    page = app.get("/ckan-admin/demandes", headers={"Authorization": sysadmin["token"]}).body
    assert (f'<input class="form-check-input" type="checkbox" id="notify-{req["id"]}" '
            'name="notify" value="true" checked') in page  # ticked by default
    res = _post(app, sysadmin, req["id"], answer="Prévu pour juin.", notify="true")
    body = html.unescape(res.body)
    assert "Réponse enregistrée\u00a0; le demandeur a été prévenu par courriel." in body
    assert len(inbox.messages) == 1
    body = html.unescape(app.get("/ckan-admin/demandes?status=answered",
                                 headers={"Authorization": sysadmin["token"]}).body)
    assert "Demandeur prévenu par courriel le " in body


def test_the_form_unticked_tells_nobody(app, inbox, sysadmin):
    req = _request()
    res = _post(app, sysadmin, req["id"], answer="Prévu pour juin.")  # the box left unticked
    assert "Réponse enregistrée, sans prévenir le demandeur." in html.unescape(res.body)
    assert inbox.messages == [] and _stored(req["id"]).answer == "Prévu pour juin."
    body = html.unescape(app.get("/ckan-admin/demandes?status=answered",
                                 headers={"Authorization": sysadmin["token"]}).body)
    assert "Demandeur non prévenu par courriel." in body


def test_the_form_with_smtp_down_saves_and_says_the_requester_was_not_told(
        app, sysadmin, ckan_config, monkeypatch, closed_port):
    monkeypatch.setitem(ckan_config, "smtp.server", f"127.0.0.1:{closed_port}")
    req = _request()
    res = _post(app, sysadmin, req["id"], answer="Prévu pour juin.", notify="true")
    assert res.status_code == 200
    assert "Réponse enregistrée\u00a0; le demandeur n’a pas pu être prévenu par courriel" \
        in html.unescape(res.body)
    assert _stored(req["id"]).answer == "Prévu pour juin."


def test_the_form_with_a_bad_notify_value_shows_the_error_and_saves_nothing(
        app, inbox, sysadmin):
    req = _request()
    res = _post(app, sysadmin, req["id"], answer="Prévu pour juin.", notify="oui")
    body = html.unescape(res.body)
    assert f'id="notify-{req["id"]}-error">Doit valoir true ou false.' in body
    assert _stored(req["id"]).answer is None and inbox.messages == []


def test_the_form_keeps_a_closed_request_closed(app, sysadmin):
    # the status list showed "answered" first whatever the request's status: saving a closed
    # request again reopened it as answered (and would have told the requester again)
    req = _request()
    _answer(sysadmin, req["id"], answer="Fini.", status="closed", notify=False)
    body = app.get("/ckan-admin/demandes?status=closed",
                   headers={"Authorization": sysadmin["token"]}).body
    assert '<option value="closed" selected>' in body
    assert '<option value="answered" selected>' not in body


# ------------------------------------------------------------------------------ the migration
def test_the_notified_column_migration_goes_down_and_up(migrate_db_for, ckan_config):
    def columns():
        return {c["name"] for c in sa.inspect(model.Session.get_bind()).get_columns(
            "poitiers_request")}

    assert "notified" in columns()
    model.Session.remove()
    migrate_db_for("poitiers_theme", "a1c0f3e2b7d4", forward=False)
    try:
        assert "notified" not in columns() and "answered" in columns()
        [check] = [c for c in doctor.check_postgresql(ckan_config, 5) if c.failed]
        assert "lacks a column" in check.message  # in English outside a request
        assert "db upgrade -p poitiers_theme" in check.fix
    finally:
        model.Session.remove()
        migrate_db_for("poitiers_theme")
    assert "notified" in columns()


def test_the_migration_leaves_the_portals_logging_alone(migrate_db_for):
    # run inside CKAN's process (`ckan db upgrade`, here the tests), the migration's environment
    # configured logging from its alembic.ini, which disabled every logger of the process (as
    # the migrations of ckanext-harvest and of CKAN's activity plugin still do: the fixtures ran
    # them; CKAN's own migrations do not)
    logger = logging.getLogger("ckanext.poitiers.requests_mail")
    logger.disabled = False
    root_handlers = list(logging.getLogger().handlers)
    migrate_db_for("poitiers_theme")
    assert not logger.disabled
    assert logging.getLogger().handlers == root_handlers
