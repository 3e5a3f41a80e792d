"""Pages of the theme: accessibility statement, legal notice, about/mediation, and the request
form ("Proposer un jeu de données ou signaler un problème") with its sysadmin side."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.lib.pagination import Page  # CKAN's pager (its own views use it; not in toolkit)
from flask import Blueprint

from ckanext.poitiers import requests_model, sitemap
from ckanext.poitiers.csrf import check_csrf as _check_csrf

pages = Blueprint("poitiers_pages", __name__)


def _context() -> dict:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}


def accessibility():
    return tk.render("poitiers/accessibility.html")


def legal():
    return tk.render("poitiers/legal.html")


def about():
    return tk.render("poitiers/about.html")


def contribute():
    data = {"kind": tk.request.args.get("kind") or "dataset",
            "dataset_id": tk.request.args.get("dataset") or ""}
    errors: dict = {}
    if tk.request.method == "POST":
        _check_csrf()
        form = tk.request.form
        data = {k: form.get(k, "") for k in (
            "kind", "title", "message", "dataset_id", "name", "email", "website")}
        try:
            tk.get_action("poitiers_request_create")(_context(), data)
        except tk.ValidationError as e:
            errors = e.error_dict
        else:
            tk.h.flash_success(tk._(
                "Thank you, your request has been recorded. The portal team will answer it."))
            return tk.redirect_to("poitiers_pages.contribute")
    dataset = None
    # the dataset the request may be about: the one the submission accepts (published, and
    # readable by the visitor), never a draft or a private dataset they may not read
    pkg = requests_model._visible_dataset(data["dataset_id"], _context()) \
        if data.get("dataset_id") and isinstance(data["dataset_id"], str) else None
    if pkg is not None:
        dataset = tk.get_action("package_show")(_context(), {"id": pkg.id})
    return tk.render("poitiers/contribute.html", extra_vars={
        "data": data, "errors": errors, "dataset": dataset,
        "error_summary": {k: v[0] if isinstance(v, list) else v for k, v in errors.items()}})


#: requests shown on one page of /ckan-admin/demandes
PER_PAGE = 20
MAX_PAGE = 100_000


def _valid_page(value) -> int | None:
    """``value`` as a page number from 1 to MAX_PAGE (ASCII digits only), else None."""
    if isinstance(value, str) and value.isascii() and value.isdigit() \
            and 1 <= int(value) <= MAX_PAGE:
        return int(value)
    return None


def _page_number(value) -> int:
    """The ``page`` parameter: 1 when absent, a 400 in French when it is not a page number."""
    if value in (None, ""):
        return 1
    return _valid_page(value) or tk.abort(400, tk._("This page number is not valid."))


def requests_admin(status: str | None = None, answering: dict | None = None,
                   page: int | None = None):
    """The requests of one status, PER_PAGE a page (the oldest were out of reach past the
    first hundred); ``answering`` (id, answer, status, errors) re-shows an answer the server
    refused, with what the administrator typed."""
    status = status or tk.request.args.get("status") or "open"
    page = page or _page_number(tk.request.args.get("page"))
    try:
        found = tk.get_action("poitiers_request_list")(_context(), {
            "status": status, "limit": PER_PAGE, "offset": (page - 1) * PER_PAGE,
            "include_count": True})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only portal administrators can read requests."))
    except tk.ValidationError:
        return tk.abort(400, tk._("Unknown status."))
    items = found["results"]
    pager = Page(
        collection=items, page=page, items_per_page=PER_PAGE, presliced_list=True,
        item_count=found["count"],
        url=lambda page=1, **_: tk.h.url_for("poitiers_pages.requests_admin", status=status,
                                      page=page))
    return tk.render("poitiers/requests_admin.html", extra_vars={
        "items": items, "status": status, "answering": answering or {}, "page": pager,
        "page_number": page, "max_answer": requests_model.MAX_ANSWER})


def _answer_saved(notification: str) -> None:
    """The message after an answer was saved: what was done about telling the requester."""
    if notification == "sent":
        tk.h.flash_success(tk._("Answer saved; the requester has been told by email."))
    elif notification == "failed":
        tk.h.flash_error(tk._("Answer saved; the requester could not be told by email "
                              "(the reason is in the server log)."))
    else:
        tk.h.flash_notice({
            "no_email": tk._("Answer saved; the requester left no email address and was "
                             "not told."),
            "not_requested": tk._("Answer saved, without telling the requester."),
            "unchanged": tk._("Answer saved; nothing changed, the requester was not told "
                              "again."),
        }.get(notification) or tk._("Answer saved; the request awaits an answer, the "
                                    "requester was not told."))


def request_answer(id):
    _check_csrf()
    form = tk.request.form
    answer = form.get("answer", "")
    new_status = form.get("status", "answered")
    # the checkbox sends "true", nothing when unticked; a value the action does not take (a
    # forged form) comes back as an error next to the box
    notify = form.get("notify", "false")
    try:
        result = tk.get_action("poitiers_request_answer")(_context(), {
            "id": id, "answer": answer, "status": new_status, "notify": notify})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only portal administrators can answer requests."))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Request not found."))
    except tk.ValidationError as e:
        # the page again, the typed answer in its field and the messages next to it
        tab = form.get("tab")
        return requests_admin(
            status=tab if tab in requests_model.STATUSES else "open",
            page=_valid_page(form.get("page")) or 1,
            answering={"id": id, "answer": answer, "status": new_status,
                       "notify": notify == "true",
                       "errors": {k: v if isinstance(v, list) else [v]
                                  for k, v in e.error_dict.items()}})
    _answer_saved(result["notification"])
    return tk.redirect_to("poitiers_pages.requests_admin")


pages.add_url_rule("/accessibilite", view_func=accessibility, endpoint="accessibility")
pages.add_url_rule("/mentions-legales", view_func=legal, endpoint="legal")
pages.add_url_rule("/a-propos", view_func=about, endpoint="about")
pages.add_url_rule("/contribuer", view_func=contribute, endpoint="contribute",
                   methods=["GET", "POST"])
pages.add_url_rule("/sitemap.xml", view_func=sitemap.sitemap, endpoint="sitemap")
pages.add_url_rule("/sitemap-<int:number>.xml", view_func=sitemap.sitemap_part,
                   endpoint="sitemap_part")
pages.add_url_rule("/ckan-admin/demandes", view_func=requests_admin, endpoint="requests_admin")
pages.add_url_rule("/ckan-admin/demandes/<id>/repondre", view_func=request_answer,
                   endpoint="request_answer", methods=["POST"])


def blueprints() -> list:
    return [pages]


__all__ = ["blueprints", "requests_model"]
