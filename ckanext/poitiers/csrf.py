"""The CSRF check of our POST views, done by the view itself.

CKAN exempts a view from its global CSRF check for the life of the process once a request
authenticated by an API token (or an anonymous visitor) has posted to it
(``ckan/config/middleware/flask_app.py``): from then on a forged form would pass. Our views, and
the ckanext-harvest buttons we guard (``harvest_confirm``), validate the form's token here."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from flask_wtf.csrf import validate_csrf
from wtforms.validators import ValidationError as CSRFInvalid


def check_csrf() -> None:
    """Abort with a French 400 when the form's CSRF token is missing or wrong (nothing to do
    when the portal turned CSRF protection off)."""
    if not tk.config.get("WTF_CSRF_ENABLED"):
        return
    field = tk.config.get("WTF_CSRF_FIELD_NAME") or "_csrf_token"
    try:
        validate_csrf(tk.request.form.get(field))
    except CSRFInvalid:
        tk.abort(400, tk._("This form has expired or does not come from this site: reload the "
                           "page and send it again."))
