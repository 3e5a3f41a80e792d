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


class DemoFileError(ValueError):
    """A demo file that cannot be loaded; the message is in the portal's language."""


def read(path: str | None = None) -> dict:
    """The demo file, parsed and checked before anything is stored (DemoFileError)."""
    path = path or DEFAULT_FILE
    try:
        with open(path, encoding="utf-8") as f:
            content = yaml.safe_load(f)
    except OSError as exc:
        raise DemoFileError(tk._("Cannot read the demo file {path}: {error}").format(
            path=path, error=exc.strerror or exc)) from exc
    except UnicodeDecodeError as exc:
        raise DemoFileError(tk._("The demo file {path} is not UTF-8 text.").format(
            path=path)) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            message = tk._("The demo file {path} is not valid YAML (line {line}, column "
                           "{column}): {problem}").format(
                path=path, line=mark.line + 1, column=mark.column + 1,
                problem=getattr(exc, "problem", None) or exc)
        else:
            message = tk._("The demo file {path} is not valid YAML: {problem}").format(
                path=path, problem=exc)
        raise DemoFileError(message) from exc
    check(content, path)
    return content


def check(content, path: str = "") -> None:
    """The shape :func:`load` needs, with a French message naming the faulty entry."""
    from ckanext.poitiers.validators import shown

    if not isinstance(content, dict) or not isinstance(content.get("datasets"), list):
        raise DemoFileError(tk._("The demo file needs a “datasets” list: {path}").format(
            path=path))
    organizations = content.get("organizations") or []
    if not isinstance(organizations, list):
        raise DemoFileError(tk._("“organizations” must be a list in the demo file {path}")
                            .format(path=path))
    for key, entries in (("organizations", organizations), ("datasets", content["datasets"])):
        for number, entry in enumerate(entries, start=1):
            if not isinstance(entry, dict):
                raise DemoFileError(tk._(
                    "Entry {number} of “{key}” is not a set of fields (name: …, title: …): "
                    "“{value}”").format(number=number, key=key, value=shown(entry)))
            name = entry.get("name")
            if not isinstance(name, str) or not name.strip():
                raise DemoFileError(tk._("Entry {number} of “{key}” has no “name”").format(
                    number=number, key=key))
            for field, kind in (("tags", list), ("resources", list)):
                if key == "datasets" and not isinstance(entry.get(field, []), kind):
                    raise DemoFileError(tk._("“{field}” of dataset “{name}” must be a list")
                                        .format(field=field, name=name))
            for resource in entry.get("resources", []) if key == "datasets" else []:
                if not isinstance(resource, dict):
                    raise DemoFileError(tk._(
                        "A resource of dataset “{name}” is not a set of fields (url: …, "
                        "format: …): “{value}”").format(name=name, value=shown(resource)))


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


def _keep_resource_ids(resources: list[dict], existing: dict) -> list[dict]:
    """The demo's resources with the id of the stored one at the same address (a resource
    without id is a new one: its page address would change at every reload), and its media
    type when the demo gives none (``package_update`` guesses one where ``package_create`` did
    not: every reload would otherwise rewrite the dataset)."""
    stored = {}
    for res in existing.get("resources", []):
        stored.setdefault(res.get("url"), res)
    out = []
    for res in resources:
        match = stored.get(res.get("url"))
        if match:
            res = dict(res, id=match["id"])
            res.setdefault("mimetype", match.get("mimetype"))
        out.append(res)
    return out


# what an update sets whatever it changes
_VOLATILE = {"metadata_modified"}
_VOLATILE_RESOURCE = {"metadata_modified", "last_modified", "created"}


def _comparable(pkg: dict) -> dict:
    out = {k: v for k, v in pkg.items() if k not in _VOLATILE}
    out["resources"] = [{k: v for k, v in res.items() if k not in _VOLATILE_RESOURCE}
                        for res in pkg.get("resources", [])]
    return out


def _update_changes_nothing(context: dict, data: dict, existing: dict) -> bool:
    """Whether ``package_update`` with ``data`` would leave the dataset as it is: it runs
    without its commit, the dataset it returns is compared with ``existing``, then rolled
    back (nothing is written, indexed or recorded as an activity). A refused update counts as a
    change: the real one then reports the error."""
    from ckan import model

    try:
        after = tk.get_action("package_update")(dict(context, defer_commit=True), dict(data))
    except tk.ValidationError:
        return False
    finally:
        model.Session.rollback()
    return _comparable(after) == _comparable(existing)


def load(path: str | None = None, echo=print, skip: Iterable[str] = ()) -> dict:
    """Create or update the demo organisations and datasets. Returns counts.

    Datasets named in ``skip`` (those a demo harvest source brings) are left out."""
    content = read(path)
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"user": site_user["name"], "ignore_auth": True}
    counts = {"organizations": 0, "created": 0, "updated": 0, "unchanged": 0, "skipped": 0}
    skip = set(skip)
    org_fields = _organization_fields(dict(context))
    for entry in content.get("organizations", []):
        org = organization_dict(entry, org_fields)
        try:
            existing = tk.get_action("organization_show")(dict(context), {"id": org["name"]})
            if any(existing.get(key) != value for key, value in org.items()):
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
        try:
            if existing:
                data = dict(data, id=existing["id"],
                            resources=_keep_resource_ids(data["resources"], existing))
                if _update_changes_nothing(context, data, existing):
                    counts["unchanged"] += 1
                    continue
                tk.get_action("package_update")(dict(context), data)
                counts["updated"] += 1
            else:
                tk.get_action("package_create")(dict(context), data)
                counts["created"] += 1
        except tk.ValidationError as exc:
            exc.demo_name = data["name"]  # for the command's message
            raise
        echo(f"  {data['name']}")
    return counts
