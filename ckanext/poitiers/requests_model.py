"""Requests from the public: a dataset to publish, or a problem with a published one.

The table is created by the alembic migration of the ``poitiers_theme`` plugin
(``ckan db upgrade -p poitiers_theme``). Sysadmins list and answer requests in the portal
(``/ckan-admin/demandes``); the actions below are also reachable through the action API.
"""
from __future__ import annotations

import datetime as dt
import re
import uuid

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model

from ckanext.poitiers import l10n, requests_mail, rules

KINDS = ("dataset", "problem")
STATUSES = ("open", "answered", "closed")
MAX_TITLE = 200
MAX_MESSAGE = 5000
MAX_ANSWER = 5000
MAX_NAME = 200


metadata = sa.MetaData()
request_table = sa.Table(
    "poitiers_request", metadata,
    sa.Column("id", sa.UnicodeText, primary_key=True),
    sa.Column("kind", sa.UnicodeText, nullable=False),
    sa.Column("title", sa.UnicodeText, nullable=False),
    sa.Column("message", sa.UnicodeText, nullable=False),
    sa.Column("dataset_id", sa.UnicodeText),
    sa.Column("name", sa.UnicodeText),
    sa.Column("email", sa.UnicodeText),
    sa.Column("user_id", sa.UnicodeText),
    sa.Column("status", sa.UnicodeText, nullable=False),
    sa.Column("answer", sa.UnicodeText),
    sa.Column("answered_by", sa.UnicodeText),
    sa.Column("created", sa.DateTime, nullable=False),
    sa.Column("answered", sa.DateTime),
    # when the requester was last told of the answer by email (migration b7e2d9c4f1a3)
    sa.Column("notified", sa.DateTime),
)

#: what ``poitiers_request_answer`` did about telling the requester (its ``notification`` key)
NOTIFICATIONS = ("sent", "failed", "no_email", "not_requested", "unchanged", "open")


def _row(row) -> dict:
    d = dict(row._mapping)
    for key in ("created", "answered", "notified"):
        if d.get(key):
            d[key] = d[key].isoformat()
    return d


MAX_LIMIT = 500


def _text(data: dict, key: str, errors: dict) -> str:
    """A text field of the form or the API, stripped, line ends as a browser counts them
    (``\r\n`` → ``\n``, as the ``maxlength`` of a textarea does); a list, a number or an object
    is an error on the field (not a server error)."""
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[key] = [tk._("Must be text.")]
        return ""
    return value.replace("\r\n", "\n").strip()


def _whole(data: dict, key: str, default: int, low: int, high: int, errors: dict) -> int:
    """A whole number between ``low`` and ``high`` (ASCII digits; a bool is not a number)."""
    value = data.get(key, default)
    if isinstance(value, str) and re.fullmatch(r"\s*[0-9]+\s*", value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        errors[key] = [tk._("Must be a whole number between {low} and {high}.").format(
            low=l10n.number(low), high=l10n.number(high))]
        return default
    return value


def _visible_dataset(id_or_name: str, context: dict):
    """The active dataset the caller may read, or None: a private dataset the caller cannot
    see answers the same as a missing one (its id is never given away)."""
    pkg = model.Package.get(id_or_name)
    if pkg is None or pkg.state != "active" or pkg.type != "dataset":
        return None
    try:
        tk.check_access("package_show", {"user": context.get("user") or ""}, {"id": pkg.id})
    except tk.NotAuthorized:
        return None
    return pkg


def validate_request(data: dict, context: dict | None = None) -> tuple[dict, dict]:
    """Clean a request from the form or the API: ``(clean, errors)``, errors in French."""
    errors: dict[str, list[str]] = {}
    clean = {k: _text(data, k, errors)
             for k in ("kind", "title", "message", "dataset_id", "name", "email")}
    if clean["kind"] not in KINDS and "kind" not in errors:
        errors["kind"] = [tk._("Choose whether you propose a dataset or report a problem.")]
    if not clean["title"] and "title" not in errors:
        errors["title"] = [tk._("Give your request a short title.")]
    elif len(clean["title"]) > MAX_TITLE:
        errors["title"] = [tk._("The title is too long (at most {n} characters).").format(
            n=l10n.number(MAX_TITLE))]
    if not clean["message"] and "message" not in errors:
        errors["message"] = [tk._("Describe your request.")]
    elif len(clean["message"]) > MAX_MESSAGE:
        errors["message"] = [tk._("The message is too long (at most {n} characters).").format(
            n=l10n.number(MAX_MESSAGE))]
    if clean["email"]:  # the portal's one rule (also the datasets' and the harvesters')
        clean["email"] = rules.email_address(clean["email"])
        if rules.email_fault(clean["email"]):
            errors["email"] = [tk._("This email address is not valid (example: nom@exemple.fr).")]
    if len(clean["name"]) > MAX_NAME:
        errors["name"] = [tk._("The name is too long (at most {n} characters).").format(
            n=l10n.number(MAX_NAME))]
    if clean["kind"] == "problem" and clean["dataset_id"]:
        pkg = _visible_dataset(clean["dataset_id"], context or {})
        if pkg is None:
            errors["dataset_id"] = [tk._("This dataset does not exist.")]
        else:
            clean["dataset_id"] = pkg.id
    elif clean["kind"] != "problem":
        clean["dataset_id"] = ""
    return clean, errors


# ------------------------------------------------------------------------------ auth functions
@tk.auth_allow_anonymous_access
def request_create_auth(context, data_dict):
    return {"success": True}


def request_list_auth(context, data_dict):
    # sysadmins pass every auth function before it is called
    return {"success": False, "msg": tk._("Only portal administrators can read requests.")}


def request_answer_auth(context, data_dict):
    return {"success": False, "msg": tk._("Only portal administrators can answer requests.")}


# ------------------------------------------------------------------------------ actions
def request_create(context, data_dict):
    """Store a request. Anyone may call it; the honeypot field ``website`` must stay empty."""
    tk.check_access("poitiers_request_create", context, data_dict)
    website = data_dict.get("website")
    if website is not None and (not isinstance(website, str) or website.strip()):
        raise tk.ValidationError({"website": [tk._("Leave this field empty.")]})
    clean, errors = validate_request(data_dict, context)
    if errors:
        raise tk.ValidationError(errors)
    user = model.User.get(context.get("user")) if context.get("user") else None
    row = {
        "id": str(uuid.uuid4()), "kind": clean["kind"], "title": clean["title"],
        "message": clean["message"], "dataset_id": clean["dataset_id"] or None,
        "name": clean["name"] or (user.display_name if user else None),
        "email": clean["email"] or (user.email if user else None),
        "user_id": user.id if user else None, "status": "open",
        "created": dt.datetime.utcnow(),
    }
    model.Session.execute(request_table.insert().values(**row))
    model.Session.commit()
    return _public(row)


def _public(row: dict) -> dict:
    out = dict(row)
    for key in ("created", "answered", "notified"):
        if isinstance(out.get(key), dt.datetime):
            out[key] = out[key].isoformat()
    return out


def _flag(data: dict, key: str, errors: dict, default: bool = False,
          empty: bool = True) -> bool:
    """A yes / no parameter: a JSON boolean, or true / false, 1 / 0 as text (query string);
    absent: ``default``; an empty text means false when ``empty``, else is an error (so is
    null, a number or a list)."""
    if key not in data:
        return default
    value = data[key]
    words = ("true", "false", "1", "0", "") if empty else ("true", "false", "1", "0")
    if isinstance(value, str) and value.strip().lower() in words:
        return value.strip().lower() in ("true", "1")
    if isinstance(value, bool):
        return value
    errors[key] = [tk._("Must be true or false.")]
    return False


@tk.side_effect_free
def request_list(context, data_dict):
    """Requests, newest first; ``status`` filters (open, answered, closed).

    :param limit: how many (1 to 500, default 100); :param offset: how many to skip (0 or more)
    :param include_count: when true, the answer is ``{"count", "results", "limit", "offset"}``
        (``count``: how many requests of that status in all); else the list of requests alone
    """
    tk.check_access("poitiers_request_list", context, data_dict)
    q = sa.select(request_table).order_by(request_table.c.created.desc())
    status = data_dict.get("status")
    errors: dict = {}
    if status:
        if not isinstance(status, str) or status not in STATUSES:
            errors["status"] = [tk._("Unknown status.")]
        else:
            q = q.where(request_table.c.status == status)
    limit = _whole(data_dict, "limit", 100, 1, MAX_LIMIT, errors)
    offset = _whole(data_dict, "offset", 0, 0, 10**9, errors)
    include_count = _flag(data_dict, "include_count", errors)
    if errors:
        raise tk.ValidationError(errors)
    rows = [_row(r) for r in model.Session.execute(q.limit(limit).offset(offset)).fetchall()]
    if not include_count:
        return rows
    return {"count": count(status or None), "results": rows,
            "limit": limit, "offset": offset}


def request_answer(context, data_dict):
    """Answer a request (``id``, ``answer``) and set its ``status`` (answered by default); tell
    the requester by email.

    :param notify: email the requester (true by default; true / false, also as text)

    The answer is stored (and committed) first; then, when the status is answered or closed,
    ``notify`` is true and the request has an address, the requester is sent one email. Saving
    the same answer and status again sends nothing, unless the requester was not told of them
    yet (no mail server then, or ``notify`` false): the request's ``notified`` time is earlier
    than its ``answered`` time exactly when the requester has not been told of the current
    answer. The result is the request, plus ``notification`` (one of ``NOTIFICATIONS``) and
    ``requester_notified`` (true when an email was sent by this call).
    """
    tk.check_access("poitiers_request_answer", context, data_dict)
    errors: dict = {}
    req_id = _text(data_dict, "id", errors)
    answer = _text(data_dict, "answer", errors)
    status = data_dict.get("status") or "answered"
    notify = _flag(data_dict, "notify", errors, default=True, empty=False)
    if not answer and "answer" not in errors:
        errors["answer"] = [tk._("Write an answer.")]
    elif len(answer) > MAX_ANSWER:
        errors["answer"] = [tk._("The answer is too long (at most {n} characters).").format(
            n=l10n.number(MAX_ANSWER))]
    if not isinstance(status, str) or status not in STATUSES:
        errors["status"] = [tk._("Unknown status.")]
    if errors:
        raise tk.ValidationError(errors)
    existing = _get(req_id)
    if existing is None:
        raise tk.ObjectNotFound(tk._("Request not found."))
    row = existing
    if existing.answer != answer or existing.status != status:
        # the same answer saved again keeps who answered it and when
        user = model.User.get(context.get("user")) if context.get("user") else None
        row = _update(req_id, answer=answer, status=status,
                      answered_by=user.name if user else None, answered=dt.datetime.utcnow())
    notification = _notify(row, notify)  # the answer is committed before the email is sent
    if notification == "sent":
        row = _update(req_id, notified=dt.datetime.utcnow())
    return {**_row(row), "notification": notification,
            "requester_notified": notification == "sent"}


def _get(req_id: str):
    return model.Session.execute(
        sa.select(request_table).where(request_table.c.id == req_id)).first()


def _update(req_id: str, **values):
    """Write ``values`` into the request and commit; the request as stored (one statement:
    ``UPDATE … RETURNING``)."""
    row = model.Session.execute(
        request_table.update().where(request_table.c.id == req_id).values(**values)
        .returning(*request_table.c)).first()
    model.Session.commit()
    return row


def _notify(row, notify: bool) -> str:
    """Tell the requester of the stored answer ``row`` if it is due; what happened. A changed
    answer or status has a new ``answered`` time, later than any ``notified`` one."""
    if row.status not in requests_mail.NOTIFIED_STATUSES:
        return "open"
    if not notify:
        return "not_requested"
    email = requests_mail.recipient(row)
    if not email:
        return "no_email"
    if row.notified is not None and row.answered is not None and row.notified >= row.answered:
        return "unchanged"  # already told of this answer and status
    return "sent" if requests_mail.send(row, email) else "failed"


def count_open() -> int:
    return count("open")


def count(status: str | None = None) -> int:
    """How many requests (of one status)."""
    q = sa.select(sa.func.count()).select_from(request_table)
    if status:
        q = q.where(request_table.c.status == status)
    return model.Session.execute(q).scalar() or 0


def actions() -> dict:
    return {"poitiers_request_create": request_create, "poitiers_request_list": request_list,
            "poitiers_request_answer": request_answer}


def auth_functions() -> dict:
    return {"poitiers_request_create": request_create_auth,
            "poitiers_request_list": request_list_auth,
            "poitiers_request_answer": request_answer_auth}
