"""ckanext-harvest's buttons that change data, behind a POST with CKAN's CSRF token.

ckanext-harvest acts on a plain GET for « Vider » (``/harvest/clear/<id>``: every dataset of the
source deleted), « Supprimer » (``/harvest/delete/<name>?clear=True``), « Moissonner à nouveau »
(``/harvest/refresh/<id>``) and « Arrêter » (``/harvest/<source>/job/<id>/abort``): an image or a
link on any other site, opened by a logged-in administrator, did it in their name (cross-site
request forgery; source names are public on ``/harvest``). Here a GET (or HEAD) of these
addresses only shows a French confirmation page whose form posts to the same address with the
CSRF token; ckanext-harvest's own views then act on the POST (CKAN checks the token and the
actions check the permissions). Its JavaScript confirmation windows already post, and now reach a
view for « Supprimer » and « Arrêter » too (ckanext-harvest routes those on GET only).
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from flask import Blueprint, request

from ckanext.poitiers.csrf import check_csrf
from ckanext.poitiers.l10n_default import N_

# ckanext-harvest's endpoints that change data, and what their confirmation page asks
ASK = {
    "harvester.refresh": N_("Start a new harvest of this source now?"),
    "harvester.clear": N_("Clear this source: every dataset it harvested and every job report "
                          "will be deleted. This cannot be undone."),
    "harvester.delete": N_("Deactivate this harvest source? Its datasets stay published."),
    "harvester.job_abort": N_("Stop the harvest job running for this source?"),
}
ASK_DELETE_AND_CLEAR = N_("Delete this harvest source and every dataset it harvested? This "
                          "cannot be undone.")

blueprint = Blueprint("poitiers_harvest_confirm", __name__)


def _question(endpoint: str) -> str:
    if endpoint == "harvester.delete" and \
            request.args.get("clear", "").lower() in ("true", "1"):
        return tk._(ASK_DELETE_AND_CLEAR)
    return tk._(ASK[endpoint])


# the POST views of these buttons: ckanext-harvest's, and ours below
POSTED = frozenset(ASK) | {"poitiers_harvest_confirm.delete", "poitiers_harvest_confirm.job_abort"}


@blueprint.before_app_request
def confirm_before_acting():
    """A GET or HEAD of an address of ``ASK``: the confirmation page, nothing done. A POST from
    a browser session: its CSRF token checked here too (CKAN may have exempted the view)."""
    if request.endpoint in POSTED and request.method == "POST":
        if not tk.g.get("login_via_auth_header"):  # an API token is no forgeable session
            check_csrf()
        return None
    if request.method not in ("GET", "HEAD") or request.endpoint not in ASK:
        return None
    args = request.view_args or {}
    source = args.get("id") if request.endpoint != "harvester.job_abort" else args.get("source")
    back = tk.h.url_for("harvester.admin", id=source) if source else tk.h.url_for("home.index")
    return tk.render("poitiers/harvest_confirm.html", extra_vars={
        "question": _question(request.endpoint), "action": request.full_path.rstrip("?"),
        "back": back,
    })


def _delete(id):
    from ckanext.harvest import views

    return views.delete(id)


def _job_abort(source, id):
    from ckanext.harvest import views

    return views.job_abort(source, id)


# ckanext-harvest routes these two on GET only: their POST, with the token, to its own views
blueprint.add_url_rule("/harvest/delete/<id>", view_func=_delete, methods=["POST"],
                       endpoint="delete")
blueprint.add_url_rule("/harvest/<source>/job/<id>/abort", view_func=_job_abort,
                       methods=["POST"], endpoint="job_abort")
