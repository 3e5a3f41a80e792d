"""Public actions: the portal's vocabularies, for reusers (``/api/3/action/poitiers_vocabulary_*``).

``poitiers_vocabulary_list`` names every vocabulary with the field it serves and its size;
``poitiers_vocabulary_show`` returns the entries of one (stored value, labels in French and English,
and the vocabulary's extra keys: EU code, URI, udata id, schema versions…).

``package_list`` (CKAN's, chained) lists datasets only, not the harvest sources: see
:func:`package_list`.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from ckanext.poitiers import vocabularies as voc

_ = tk._


def _titles() -> dict[str, str]:
    return {
        "eu_themes": _("EU data themes"),
        "poitiers_themes": _("Poitiers themes"),
        "communes": _("Communes of Grand Poitiers"),
        "granularities": _("Spatial granularities"),
        "frequencies": _("Update frequencies"),
        "licences": _("Licences"),
        "data_schemas": _("Data schemas (schema.data.gouv.fr)"),
        "personal_data": _("Personal data statements"),
        "coproduction": _("Co-production"),
        "resource_kinds": _("Resource types"),
        "org_types": _("Producer types"),
        "conformity": _("Conformity to the data schema"),
        "formats": _("Resource formats"),
    }


def _lang(data_dict) -> str:
    lang = data_dict.get("lang")
    if lang in (None, ""):
        try:
            lang = tk.h.lang()
        except (RuntimeError, AttributeError, TypeError):
            lang = voc.DEFAULT_LANGUAGE
    if lang not in ("fr", "en"):
        raise tk.ValidationError({"lang": [_("Choose fr or en")]})
    return lang


@tk.side_effect_free
def poitiers_vocabulary_list(context, data_dict):
    """The vocabularies: ``[{"id", "title", "field", "count"}]``."""
    tk.check_access("poitiers_vocabulary_list", context, data_dict)
    titles = _titles()
    return [{"id": name, "title": titles.get(name, name), "field": voc.FIELDS.get(name),
             "count": len(voc.vocabulary(name))} for name in voc.names()]


@tk.side_effect_free
def poitiers_vocabulary_show(context, data_dict):
    """One vocabulary.

    :param id: the vocabulary (see ``poitiers_vocabulary_list``)
    :param lang: ``fr`` or ``en`` for ``display_name`` (default: the request's language)
    """
    tk.check_access("poitiers_vocabulary_show", context, data_dict)
    name = data_dict.get("id")
    if not name or not isinstance(name, str):
        raise tk.ValidationError({"id": [_("Missing value")]})
    if name not in voc.names():
        raise tk.ObjectNotFound(_("Unknown vocabulary “{name}”; known: {names}").format(
            name=name, names=", ".join(voc.names())))
    lang = _lang(data_dict)
    entries = []
    for entry in voc.vocabulary(name):
        out = {k: v for k, v in entry.items() if k != "aliases"}
        out["display_name"] = voc.text(entry["label"], lang)
        entries.append(out)
    return {"id": name, "title": _titles().get(name, name), "field": voc.FIELDS.get(name),
            "count": len(entries), "entries": entries}


@tk.auth_allow_anonymous_access
def vocabulary_auth(context, data_dict):
    """Vocabularies are public reference data."""
    return {"success": True}


#: ckanext-harvest's dataset type of a harvest source
HARVEST_SOURCE_TYPE = "harvest"


@tk.chained_action
@tk.side_effect_free
def package_list(original_action, context, data_dict):
    """CKAN's ``package_list`` without the harvest sources, which ckanext-harvest stores as
    datasets of type ``harvest``: the search and the DCAT catalogue leave them out, and their
    ``package_show`` refuses anonymous callers, so a client that read ``package_list`` then
    ``package_show`` for each name met a « Not found » per source. ``limit`` and ``offset``
    (checked by CKAN's pagination schema) count datasets only, so no page is short."""
    from ckan import model
    from ckan.logic.schema import default_pagination_schema

    data, errors = tk.navl_validate(dict(data_dict), default_pagination_schema(), context)
    if errors:
        raise tk.ValidationError(errors)
    hidden = {key for row in model.Session.query(model.Package.id, model.Package.name).filter(
        model.Package.type == HARVEST_SOURCE_TYPE) for key in row}
    if not hidden:
        return original_action(context, data_dict)
    names = [n for n in original_action(context, {}) if n not in hidden]
    offset, limit = data.get("offset") or 0, data.get("limit")
    return names[offset:offset + limit] if limit else names[offset:]


def all_actions() -> dict:
    return {"poitiers_vocabulary_list": poitiers_vocabulary_list,
            "poitiers_vocabulary_show": poitiers_vocabulary_show,
            "package_list": package_list}


def all_auth_functions() -> dict:
    return {"poitiers_vocabulary_list": vocabulary_auth,
            "poitiers_vocabulary_show": vocabulary_auth}
