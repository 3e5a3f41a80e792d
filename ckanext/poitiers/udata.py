"""What data.gouv.fr's CKAN harvester (udata ``ckan`` backend) reads from ``package_show``.

udata validates each ``package_show`` result against a fixed key list (docs/schemas.md) and
reads a few *extras* (``frequency``, ``temporal_start``, ``temporal_end``, ``spatial-text``); it
ignores top-level scheming fields. :func:`mirrored_extras` gives those extras from the Poitiers
fields; the core plugin adds them to ``package_show`` answers of the HTTP API only, and the
dataset schema drops them when a client sends them back (``poitiers_strip_output_extras``), so
that a read-modify-write through the API still works.
"""
from __future__ import annotations

from ckanext.poitiers import vocabularies as voc

#: dataset keys udata's voluptuous schema requires (``required=True``)
DATASET_KEYS = ("id", "name", "title", "notes", "license_id", "license_title", "tags",
                "metadata_created", "metadata_modified", "organization", "resources", "private",
                "type", "author", "author_email", "maintainer", "maintainer_email", "state")
#: keys required in each resource
RESOURCE_KEYS = ("id", "position", "name", "description", "format", "mimetype", "size", "hash",
                 "created", "last_modified", "url", "resource_type")
RESOURCE_TYPES = ("file", "file.upload", "api", "documentation", "image", "visualization")


def mirrored_extras(pkg: dict) -> list[dict]:
    """``[{"key", "value"}]`` for the extras udata maps (pure function)."""
    out = []
    frequency = pkg.get("frequency")
    if voc.is_valid("frequencies", frequency):
        out.append({"key": "frequency", "value": frequency})
    periods = [p for p in pkg.get("temporal_coverage") or [] if isinstance(p, dict)]
    starts = sorted(str(p["start"]) for p in periods if p.get("start"))
    ends = sorted(str(p["end"]) for p in periods if p.get("end"))
    if starts:
        out.append({"key": "temporal_start", "value": starts[0]})
    if ends and len(ends) == len(periods):
        out.append({"key": "temporal_end", "value": ends[-1]})
    communes = [c for c in voc.as_list(pkg.get("communes")) if voc.is_valid("communes", c)]
    if communes:
        out.append({"key": "spatial-text",
                    "value": ", ".join(voc.label("communes", c) for c in communes)})
    return out


def add_extras(pkg: dict) -> dict:
    extras = [e for e in pkg.get("extras") or [] if e.get("key") not in
              {m["key"] for m in mirrored_extras(pkg)}]
    pkg["extras"] = extras + mirrored_extras(pkg)
    return pkg
