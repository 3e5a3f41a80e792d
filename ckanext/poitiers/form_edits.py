"""What CKAN's web edit forms do not send is kept.

The dataset edit form shows neither the fields written by the harvesters (``form_snippet: null``
in the schema: the GTFS facts) nor the free extras (identifiers of harvested records, the
``ancien_*`` values of a migration); the resource edit form does not show a resource's extras
(a harvested distribution's URI, dates…). CKAN's ``package_update`` and ``resource_update``
replace what they are sent, so a publisher correcting a typo would erase them. On those two
forms only, what is stored and not sent is added back before validation; an API client still
replaces the dataset or the resource as it asks. A refused dataset edit shows again what was
typed in the repeating fields (periods, contacts, publisher), see expand_repeating_fields.
"""
from __future__ import annotations

import contextlib

import ckan.plugins.toolkit as tk

from ckanext.poitiers.validators import OUTPUT_EXTRAS

#: what the resource form sends besides the schema's resource fields, and what CKAN computes
RESOURCE_FORM_KEYS = frozenset({"id", "package_id", "url_type", "upload", "clear_upload"})
RESOURCE_COMPUTED = frozenset({"datastore_active", "tracking_summary", "has_views", "position",
                               "state"})


def web_form_edit(kind: str) -> bool:
    """Whether the current request is the POST of CKAN's web edit form of a dataset (``kind``
    "dataset") or of a resource ("resource")."""
    with contextlib.suppress(RuntimeError, AttributeError, TypeError):
        request = tk.request
        if request.method != "POST":
            return False
        blueprint, _sep, view = (request.endpoint or "").rpartition(".")
        return (view == "edit" and bool(blueprint)
                and blueprint.endswith("_resource") == (kind == "resource"))
    return False


def _schema(dataset_type: str | None) -> dict:
    from ckanext.scheming.helpers import scheming_get_dataset_schema

    return scheming_get_dataset_schema(dataset_type) or {} if dataset_type else {}


def keep_unshown_dataset_fields(data_dict: dict, stored_extras: dict, schema: dict) -> None:
    """Add to ``data_dict`` (what the form sent) the stored values of the fields the form does
    not show: ``stored_extras`` are the dataset's extras as stored (schema fields included)."""
    fields = schema.get("dataset_fields", [])
    for field in fields:
        name = field["field_name"]
        if ("form_snippet" in field and field["form_snippet"] is None
                and name not in data_dict and stored_extras.get(name) not in (None, "")):
            data_dict[name] = stored_extras[name]
    if "extras" in data_dict:
        return
    names = {f["field_name"] for f in fields}
    free = [{"key": k, "value": v} for k, v in sorted(stored_extras.items())
            if k not in names and k not in OUTPUT_EXTRAS]
    if free:
        data_dict["extras"] = free


def keep_unshown_resource_fields(resource: dict, current: dict, schema: dict) -> None:
    """Add to ``resource`` (what the form sent) the extras of ``current`` (the stored resource)
    that the form does not show."""
    from ckan import model

    shown = {f["field_name"] for f in schema.get("resource_fields", [])} | RESOURCE_FORM_KEYS
    columns = set(model.Resource.get_columns(extra_columns=False)) | RESOURCE_COMPUTED
    for key, value in current.items():
        if key not in resource and key not in shown and key not in columns:
            resource[key] = value


def expand_repeating_fields(data_dict: dict, schema: dict) -> None:
    """The form's ``contact-0-email`` keys → ``contact: [{"email": …}]``, in ``data_dict`` itself
    (what ckanext-scheming does on a copy when it validates). When the edit is refused, CKAN
    shows the form again with the stored dataset updated by ``data_dict``: with the flat keys
    only, ckanext-scheming's form showed the stored periods, contacts and publisher instead of
    what the publisher had typed, and saving again lost those corrections."""
    from ckanext.scheming.plugins import expand_form_composite

    repeating = {f["field_name"] for f in schema.get("dataset_fields", [])
                 if "repeating_subfields" in f}
    expand_form_composite(data_dict, repeating)


@tk.chained_action
def package_update(original_action, context, data_dict):
    if web_form_edit("dataset"):
        from ckan import model

        package = model.Package.get(data_dict.get("id") or data_dict.get("name") or "")
        schema = _schema(package.type) if package is not None else {}
        if schema.get("dataset_fields"):  # our schemas' types (not a harvest source)
            keep_unshown_dataset_fields(data_dict, dict(package.extras or {}), schema)
            expand_repeating_fields(data_dict, schema)
    return original_action(context, data_dict)


def before_resource_update(context, current: dict, resource: dict) -> None:
    if web_form_edit("resource"):
        from ckan import model

        package = model.Package.get(current.get("package_id") or "")
        schema = _schema(package.type) if package is not None else {}
        if schema.get("resource_fields"):
            keep_unshown_resource_fields(resource, current, schema)


def chained_actions() -> dict:
    return {"package_update": package_update}
