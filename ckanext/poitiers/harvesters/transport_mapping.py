"""transport.data.gouv.fr dataset → Poitiers dataset dict. Pure functions.

Input: one element of ``GET /api/datasets`` (etalab/transport-site ``DatasetController``):
``datagouv_id, id, title, slug, page_url, type, licence, publisher{name}, tags, covered_area,
legal_owners[{siren}], resources[{title, url, original_url, format, type, is_available, updated,
filesize}]``, plus ``_gtfs`` (facts added by the harvester's fetch stage).
"""
from __future__ import annotations

import re

from ckanext.poitiers.harvesters.common_mapping import (
    FLAG,
    IDENTIFIER,
    NUMBER,
    TEXT,
    drop_empty,
    finish_resource,
    iso_date,
    required_title,
    shape_errors,
    tags,
    temporal,
)
from ckanext.poitiers.harvesters.i18n import _
from ckanext.poitiers.harvesters.sanitize import clean_html, plain_text
from ckanext.poitiers.vocabularies import remote

# transport.data.gouv.fr resource formats → (our format, resource kind)
FORMATS = {
    "gtfs": ("GTFS", "file"),
    "netex": ("NeTEx", "file"),
    "gtfs-rt": ("GTFS-RT", "realtime"),
    "gbfs": ("GBFS", "realtime"),
    "siri": ("SIRI", "realtime"),
    # SIRI Lite (JSON over plain HTTP) is not read by a SIRI (XML) client
    "siri lite": ("SIRI Lite", "realtime"),
    "geojson": ("GeoJSON", "file"),
    "csv": ("CSV", "file"),
    "json": ("JSON", "api"),
}
# data.gouv.fr resource types (transport.data.gouv.fr passes them on) whose kind is not "file"
RESOURCE_KINDS = {"api": "api", "documentation": "documentation", "code": "documentation"}
# dataset types of transport.data.gouv.fr (etalab/transport-site, DB.Dataset.type_to_str_map)
TYPES = (
    "public-transit", "bike-scooter-sharing", "car-motorbike-sharing", "carpooling-areas",
    "carpooling-lines", "carpooling-offers", "charging-stations", "air-transport", "road-data",
    "locations", "informations", "private-parking", "bike-way", "bike-parking",
    "low-emission-zones", "transport-traffic", "mobility-counting",
)
# what the ``covered`` filter accepts: a SIREN (AOM, EPCI, company) or the INSEE code of a
# commune; the two-digit codes of departments and regions look alike (75: Paris, or
# Nouvelle-Aquitaine) and are refused
COVERED_CODE = re.compile(r"^(?:[0-9]{9}|[0-9]{5}|2[AB][0-9]{3})$")
GTFS_FACT_FIELDS = ("gtfs_agencies", "gtfs_routes_count", "gtfs_stops_count",
                    "gtfs_start_date", "gtfs_end_date")


# the JSON types of the fields read (covered_area and legal_owners are searched whatever
# their shape)
SHAPE = {
    "datagouv_id": IDENTIFIER, "id": IDENTIFIER, "title": TEXT, "slug": TEXT,
    "description": TEXT, "page_url": TEXT, "type": TEXT, "licence": TEXT,
    "publisher": {"name": TEXT}, "tags": [TEXT],
    "resources": [{"url": TEXT, "original_url": TEXT, "title": TEXT, "format": TEXT,
                   "type": TEXT, "is_available": FLAG, "updated": TEXT, "last_modified": TEXT,
                   "start_calendar_validity": TEXT, "end_calendar_validity": TEXT,
                   "filesize": NUMBER}],
}


class TransportMappingError(ValueError):
    pass


def check_shape(record: dict) -> None:
    """TransportMappingError (French, naming the fields) for a record whose fields are not of
    the JSON types this module reads."""
    errors = shape_errors(record, SHAPE)
    if errors:
        raise TransportMappingError(" ".join(errors))


def guid(record: dict) -> str | None:
    ident = record.get("datagouv_id") or record.get("id")
    if isinstance(ident, bool) or not isinstance(ident, (str, int)):
        return None
    return f"https://transport.data.gouv.fr/datasets/{ident}"


def identifiers(value) -> set[str]:
    """Every SIREN / INSEE code found in a covered_area or legal_owners structure."""
    found = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("siren", "insee", "code") and isinstance(item, (str, int)):
                found.add(str(item))
            else:
                found |= identifiers(item)
    elif isinstance(value, list):
        for item in value:
            found |= identifiers(item)
    return found


def covers(record: dict, wanted: set[str]) -> bool:
    """The dataset covers, or is owned by, one of the wanted SIREN / INSEE codes."""
    found = identifiers(record.get("covered_area")) | identifiers(record.get("legal_owners"))
    return bool(found & wanted)


def first_gtfs(record: dict) -> dict | None:
    for res in record.get("resources") or []:
        available = res.get("is_available", True) is not False
        if str(res.get("format", "")).lower() == "gtfs" and available and res.get("url"):
            return res
    return None


def _resource(res: dict) -> dict | None:
    url = res.get("url") or res.get("original_url")
    if not url:
        return None
    fmt, kind = FORMATS.get(str(res.get("format", "")).lower(), (None, "file"))
    kind = RESOURCE_KINDS.get(res.get("type"), kind)
    resource = {
        "name": plain_text(res.get("title")) or url.rsplit("/", 1)[-1],
        "url": url,
        "format": fmt or remote.resource_format(res.get("format"), url) or "",
        "resource_kind": kind,
    }
    return finish_resource(resource, res)


def validity(record: dict) -> list[dict]:
    """The period of validity of the timetables, as ``temporal_coverage``: the one the GTFS
    facts read, else the one transport.data.gouv.fr gives for its first GTFS resource."""
    facts = record.get("_gtfs") or {}
    if facts.get("gtfs_start_date") and facts.get("gtfs_end_date"):
        return temporal(facts["gtfs_start_date"], facts["gtfs_end_date"])
    for res in record.get("resources") or []:
        start, end = (iso_date(res.get("start_calendar_validity")),
                      iso_date(res.get("end_calendar_validity")))
        if str(res.get("format", "")).lower() == "gtfs" and start and end and start <= end:
            return temporal(start, end)
    return []


def map_dataset(record: dict) -> dict:
    check_shape(record)
    title = required_title(record, TransportMappingError)
    publisher = (record.get("publisher") or {}).get("name")
    eu, local = remote.themes(["mobilite"])
    notes = clean_html(record.get("description")) or _(
        "Transport data published on transport.data.gouv.fr, the national access point for "
        "mobility data."
    )
    codes = sorted(c for c in identifiers(record.get("covered_area"))
                   if remote.commune_label_known(c))
    package = {
        "title": title,
        "name": record.get("slug"),
        "notes": notes,
        "url": record.get("page_url"),
        "tags": tags(record.get("tags")),
        "theme": eu,
        "poitiers_theme": local,
        # a licence we do not recognise is still a licence (open unless it says otherwise);
        # none at all is not an open one
        "license_id": remote.licence_id(record.get("licence"))
        or (remote.unrecognised_licence(record.get("licence")) if record.get("licence")
            else "notspecified"),
        "communes": codes,
        "temporal_coverage": validity(record),
        "publisher": [{"name": plain_text(publisher)}] if publisher else [],
        "resources": [r for r in (_resource(res) for res in record.get("resources") or []) if r],
    }
    facts = record.get("_gtfs") or {}
    for field in GTFS_FACT_FIELDS:
        if field in facts:
            package[field] = facts[field]
    return drop_empty(package)
