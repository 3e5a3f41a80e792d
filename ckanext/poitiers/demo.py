"""Demo content: French organisations and datasets loaded through CKAN's action API.

The demo file describes datasets with the Poitiers vocabulary (EU theme codes, INSEE codes, udata
frequencies…). :func:`dataset_dict` turns one entry into the dict the live dataset schema accepts:
keys the live schema does not know are left out, so the same file loads before and after the
Poitiers schema is installed. Loading is an upsert keyed on the dataset name: a second load
updates in place and never duplicates.
"""
from __future__ import annotations

import os
from collections.abc import Iterable

import ckan.plugins.toolkit as tk
import yaml

from ckanext.poitiers import vocabularies

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_FILE = os.path.join(HERE, "demo", "demo.yaml")
ORG_FIELDS = ("name", "title", "description", "image_url")


def read(path: str | None = None) -> dict:
    with open(path or DEFAULT_FILE, encoding="utf-8") as f:
        content = yaml.safe_load(f)
    if not isinstance(content, dict) or not isinstance(content.get("datasets"), list):
        raise ValueError(tk._("The demo file needs a “datasets” list: {path}").format(
            path=path or DEFAULT_FILE))
    return content


def organization_dict(entry: dict, known_fields: Iterable[str] | None = None) -> dict:
    keys = set(ORG_FIELDS) | set(known_fields or ())
    return {k: v for k, v in entry.items() if k in keys}


def dataset_dict(entry: dict, known_fields: Iterable[str]) -> dict:
    """One demo entry → a dataset dict for ``package_create`` (pure function)."""
    known = set(known_fields) | {"name", "owner_org", "resources", "private", "type"}
    data = dict(entry)
    data["tags"] = [{"name": t} for t in entry.get("tags", [])]
    data.pop("tag_string", None)
    known.add("tags")
    if "theme" in data and "theme" in known:
        data["theme"] = [vocabularies.eu_theme_uri(t) or t for t in data["theme"]]
    if "frequency" in data and "frequency" in known:
        data["frequency"] = vocabularies.frequency_uri(data["frequency"]) or data["frequency"]
    if "contact" in known and entry.get("contact_email"):
        data["contact"] = [{"name": entry.get("contact_name", ""), "email": entry["contact_email"]}]
    if "temporal_coverage" in known and entry.get("temporal_start"):
        period = {"start": str(entry["temporal_start"])}
        if entry.get("temporal_end"):
            period["end"] = str(entry["temporal_end"])
        data["temporal_coverage"] = [period]
    for key, value in list(data.items()):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            data[key] = str(value)
    data["resources"] = [
        {k: v for k, v in res.items() if v not in (None, "")} for res in entry.get("resources", [])
    ]
    return {k: v for k, v in data.items() if k in known and v not in (None, "", [])}


def _schema_fields(context: dict) -> list[str]:
    try:
        schema = tk.get_action("scheming_dataset_schema_show")(
            context, {"type": "dataset"})
    except (KeyError, tk.ObjectNotFound):
        return ["title", "notes", "license_id", "url", "version", "author", "author_email",
                "maintainer", "maintainer_email"]
    return [f["field_name"] for f in schema["dataset_fields"]]


def _organization_fields(context: dict) -> list[str]:
    try:
        schema = tk.get_action("scheming_organization_schema_show")(
            context, {"type": "organization"})
    except (KeyError, tk.ObjectNotFound):
        return []
    return [f["field_name"] for f in schema["fields"]]


def load(path: str | None = None, echo=print, skip: Iterable[str] = ()) -> dict:
    """Create or update the demo organisations and datasets. Returns counts.

    Datasets named in ``skip`` (those a demo harvest source brings) are left out."""
    content = read(path)
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"user": site_user["name"], "ignore_auth": True}
    counts = {"organizations": 0, "created": 0, "updated": 0, "skipped": 0}
    skip = set(skip)
    org_fields = _organization_fields(dict(context))
    for entry in content.get("organizations", []):
        org = organization_dict(entry, org_fields)
        try:
            existing = tk.get_action("organization_show")(dict(context), {"id": org["name"]})
            tk.get_action("organization_patch")(dict(context), dict(org, id=existing["id"]))
        except tk.ObjectNotFound:
            tk.get_action("organization_create")(dict(context), org)
        counts["organizations"] += 1
    fields = _schema_fields(dict(context))
    for entry in content["datasets"]:
        if entry.get("name") in skip:
            counts["skipped"] += 1
            continue
        data = dataset_dict(entry, fields)
        try:
            existing = tk.get_action("package_show")(dict(context), {"id": data["name"]})
        except tk.ObjectNotFound:
            existing = None
        if existing:
            tk.get_action("package_update")(dict(context), dict(data, id=existing["id"]))
            counts["updated"] += 1
        else:
            tk.get_action("package_create")(dict(context), data)
            counts["created"] += 1
        echo(f"  {data['name']}")
    return counts
