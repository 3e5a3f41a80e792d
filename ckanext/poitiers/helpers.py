"""Template helpers (registered by the core plugin as ``h.poitiers_*``)."""
from __future__ import annotations

from ckanext.poitiers import vocabularies


def poitiers_licence(licence_id: str) -> dict | None:
    """The licence entry of our vocabulary (title, url, SPDX id), or None."""
    return vocabularies.licence(licence_id)


def all_helpers() -> dict:
    return {"poitiers_licence": poitiers_licence}
