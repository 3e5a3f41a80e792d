"""Search index documents and facets for the Poitiers fields.

Multi-valued scheming fields (``theme``, ``poitiers_theme``, ``communes``) are stored by CKAN as
JSON strings (``'["86194", "86041"]'``). For them to facet value by value, the index document
must carry real lists, in a multi-valued Solr field:

* with the project's Solr schema (``config/solr``), ``theme``, ``poitiers_theme``, ``communes``
  and ``data_schema`` are declared multi-valued: the lists go there;
* with CKAN's stock schema, the catch-all ``*`` dynamic field is single-valued (a list would make
  Solr refuse the document); the lists go to ``vocab_<field>`` (CKAN's multi-valued ``vocab_*``
  dynamic field) and ``<field>`` keeps the values joined by spaces.

:func:`facet_field` gives the Solr field to facet on in either case. The live schema is asked once
per process and Solr URL (``/schema/fields/<name>``).
"""
from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict

from ckanext.poitiers import freshness, search
from ckanext.poitiers import vocabularies as voc

log = logging.getLogger(__name__)

MULTI_VALUED = ("theme", "poitiers_theme", "communes")
#: facet field → vocabulary whose labels name its values
FACET_VOCABULARIES = {
    "theme": "eu_themes",
    "poitiers_theme": "poitiers_themes",
    "communes": "communes",
    "org_type": "org_types",
    "frequency": "frequencies",
    "data_schema": "data_schemas",
}

#: when the data last changed (:func:`ckanext.poitiers.freshness.last_update`), a Solr date
#: (CKAN's ``*_date`` dynamic field, in both schemas)
DATA_UPDATED_FIELD = "data_modified_date"
#: « Mis à jour récemment »: by the data's date; records indexed before the field (no value) last
DATA_UPDATED_SORT = f"{DATA_UPDATED_FIELD} desc, metadata_modified desc"

_multivalued_cache: dict[tuple[str, str], bool] = {}
_lock = threading.Lock()


def forget_schema() -> None:
    with _lock:
        _multivalued_cache.clear()


def solr_field_is_multivalued(solr_url: str, field: str, timeout: float = 5) -> bool:
    """Whether the live Solr schema declares ``field`` itself as multi-valued (cached)."""
    import ckan.plugins.toolkit as tk

    key = (solr_url.rstrip("/"), field)
    with _lock:
        if key in _multivalued_cache:
            return _multivalued_cache[key]
    try:  # the search plugin's connections and CKAN's Solr credentials
        resp = search.solr_get(f"{key[0]}/schema/fields/{field}", params={"wt": "json"},
                               timeout=timeout, auth=search.configured_auth(tk.config))
        if resp.status_code == 200:
            answer = bool(resp.json().get("field", {}).get("multiValued"))
        elif resp.status_code == 404:
            answer = False
        else:
            return False
    except (search.SolrError, ValueError) as exc:
        log.warning("Solr schema check for %s failed: %s", field, exc)
        return False
    with _lock:
        _multivalued_cache[key] = answer
    return answer


def _solr_url() -> str:
    import ckan.plugins.toolkit as tk

    return tk.config.get("solr_url") or ""


def facet_field(field: str) -> str:
    """The Solr field to facet on for a Poitiers multi-valued field (see module doc)."""
    if field not in MULTI_VALUED:
        return field
    url = _solr_url()
    if url and solr_field_is_multivalued(url, field):
        return field
    return "vocab_" + field


def index_document(pkg_dict: dict, multivalued: dict[str, bool],
                   org_type: str | None = None) -> dict:
    """The fields to add to / change in CKAN's index document (pure function).

    ``multivalued``: for each of :data:`MULTI_VALUED`, whether the live schema has it multi-valued.
    """
    updates: dict = {}
    for field in MULTI_VALUED:
        if field not in pkg_dict:
            continue
        values = [str(v) for v in voc.as_list(pkg_dict[field]) if v not in (None, "")]
        if multivalued.get(field):
            updates[field] = values
        else:
            updates["vocab_" + field] = values
            updates[field] = " ".join(values)
    if org_type:
        updates["org_type"] = org_type
    updated = data_updated(pkg_dict)
    if updated:
        updates[DATA_UPDATED_FIELD] = updated
    return updates


def data_updated(pkg_dict: dict) -> str | None:
    """When the data last changed, as Solr wants a date (``2025-10-01T00:00:00Z``).

    Read from the validated dataset CKAN puts in the document (``validated_data_dict``: the
    resources are no longer in the document itself), as the dataset page reads it.
    """
    try:
        validated = json.loads(pkg_dict.get("validated_data_dict") or "{}")
    except (TypeError, ValueError):
        validated = {}
    if not isinstance(validated, dict):
        validated = {}
    validated.setdefault("metadata_modified", pkg_dict.get("metadata_modified"))
    when = freshness.parse_date(freshness.last_update(validated))
    return when.strftime("%Y-%m-%dT%H:%M:%SZ") if when else None


def facet_titles(translate) -> OrderedDict[str, str]:
    """Our facets, in display order, with their (translated) titles."""
    _ = translate
    return OrderedDict([
        ("theme", _("Themes")),
        ("poitiers_theme", _("Poitiers themes")),
        ("communes", _("Municipalities")),
        ("org_type", _("Producer type")),
        ("license_id", _("Licences")),
        ("frequency", _("Update frequency")),
        ("res_format", _("Formats")),
        ("data_schema", _("Data schema")),
    ])


def label_facet_items(search_facets: dict, lang: str | None) -> dict:
    """Give vocabulary facet items their label instead of their code (pure function)."""
    for solr_field, facet in (search_facets or {}).items():
        field = solr_field[len("vocab_"):] if solr_field.startswith("vocab_") else solr_field
        name = FACET_VOCABULARIES.get(field)
        if not name or not isinstance(facet, dict):
            continue
        for item in facet.get("items", []):
            if voc.is_valid(name, item.get("name")):
                item["display_name"] = voc.label(name, item["name"], lang)
    return search_facets
