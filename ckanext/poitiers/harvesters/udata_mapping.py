"""udata (data.gouv.fr API v1) dataset → Poitiers dataset dict. Pure functions.

Input: one element of ``GET /api/1/datasets/?organization=…`` (``data[]``): ``id, slug, title,
description (Markdown), page, uri, tags, license, frequency, temporal_coverage{start,end},
spatial{zones, granularity}, organization{name, page}, contact_points[{name, email}],
schema{name, version}, resources[{id, title, description, url, format, mime, filesize, type}]``.
"""
from __future__ import annotations

from ckanext.poitiers.harvesters.common_mapping import (
    IDENTIFIER,
    TEXT,
    dated,
    drop_empty,
    finish_resource,
    required_title,
    shape_errors,
    tags,
    temporal,
    utc_timestamp,
)
from ckanext.poitiers.harvesters.sanitize import clean_html, plain_text
from ckanext.poitiers.vocabularies import remote

API_PATH = "/api/1"
RESOURCE_KINDS = {"main": "file", "api": "api", "documentation": "documentation",
                  "update": "file", "code": "documentation", "other": "file"}


# the JSON types of the fields this module reads (data.gouv.fr API v1): another type is a
# French error naming the field (common_mapping.shape_errors); the fields it reads only when
# they have the right type (filesize) are left out
DATA_SCHEMA = {"name": TEXT, "version": TEXT}
SHAPE = {
    "id": IDENTIFIER, "slug": TEXT, "title": TEXT, "description": TEXT, "page": TEXT,
    "tags": [TEXT], "license": TEXT, "frequency": TEXT, "last_update": TEXT,
    "temporal_coverage": {"start": TEXT, "end": TEXT},
    "spatial": {"zones": [TEXT], "granularity": TEXT},
    "organization": {"name": TEXT, "page": TEXT},
    "contact_points": [{"name": TEXT, "email": TEXT}],
    "schema": DATA_SCHEMA,
    "resources": [{"url": TEXT, "latest": TEXT, "filetype": TEXT, "format": TEXT, "mime": TEXT,
                   "title": TEXT, "description": TEXT, "type": TEXT, "schema": DATA_SCHEMA,
                   "last_modified": TEXT}],
}


class UdataMappingError(ValueError):
    pass


def api_base(source_url: str) -> str:
    url = source_url.strip().rstrip("/")
    if API_PATH in url:
        return url[: url.index(API_PATH) + len(API_PATH)]
    return url + API_PATH


def guid(record: dict, api: str) -> str | None:
    return f"{api}/datasets/{record['id']}/" if record.get("id") else None


def _resource(res: dict, schema_name: str | None = None, updated=None) -> dict | None:
    file_url = res.get("url") or res.get("latest")
    if not file_url:
        return None
    # a file hosted by data.gouv.fr gets a new dated address at each upload (…/20250407-054928/
    # export.csv); « latest » is its permanent link, which always leads to the current file: the
    # address reusers keep, and the resource keeps its id from one harvest to the next
    url = res.get("latest") if res.get("filetype") == "file" and res.get("latest") else file_url
    fmt = remote.resource_format(res.get("format"), res.get("mime"), file_url) or (
        plain_text(res.get("format")).upper()[:20]
    )
    resource = {
        "name": plain_text(res.get("title")) or file_url.rsplit("/", 1)[-1],
        "description": clean_html(res.get("description")),
        "url": url,
        "format": fmt,
        "resource_kind": RESOURCE_KINDS.get(res.get("type"), "file"),
    }
    if schema_name and isinstance(res.get("schema"), dict) and (
            res["schema"].get("name") == schema_name):
        resource["conforms_to_schema"] = True
    # a resource without its own date: the dataset's ``last_update`` (when its data last changed,
    # for udata)
    return dated(finish_resource(resource, res), utc_timestamp(updated))


def data_schema(record: dict) -> tuple[str | None, str | None]:
    """(schema id, version) of a record: the dataset's schema, else the schema its resources
    declare (data.gouv.fr mostly declares schemas on resources), among the schemas of our
    vocabulary and their versions: the dataset schema refuses a schema or a version it does not
    know, and the record would be lost for it."""
    from ckanext.poitiers import vocabularies

    candidates = [record.get("schema")] + [
        res.get("schema") for res in record.get("resources") or [] if isinstance(res, dict)]
    for schema in candidates:
        entry = vocabularies.entry("data_schemas", schema.get("name")) if isinstance(
            schema, dict) else None
        if entry:
            # a version we do not know is left out too (the dataset then follows the latest)
            version = schema.get("version")
            return schema["name"], version if version in (entry.get("versions") or []) else None
    return None, None


def communes(zones) -> list[str]:
    """Our communes of udata zones: Grand Poitiers as a whole when a zone contains it all (a
    dataset of the Vienne, of Nouvelle-Aquitaine or of France covers each of its communes),
    else the zones that are communes of Grand Poitiers or Grand Poitiers itself; zones outside
    it (a neighbouring commune, another département) are left out."""
    if remote.zones_containing_grand_poitiers(zones):
        return [remote.GRAND_POITIERS_SIREN]
    return remote.zone_codes(zones)


def map_dataset(record: dict) -> dict:
    errors = shape_errors(record, SHAPE)
    if errors:
        raise UdataMappingError(" ".join(errors))
    title = required_title(record, UdataMappingError)
    spatial = record.get("spatial") or {}
    temporal_ = record.get("temporal_coverage") or {}
    organization = record.get("organization") or {}
    schema_name, schema_version = data_schema(record)
    contacts = [
        drop_empty({"name": plain_text(c.get("name")), "email": (c.get("email") or "").strip()})
        for c in record.get("contact_points") or []
        if isinstance(c, dict) and (c.get("name") or c.get("email"))
    ]
    resources = [r for r in (_resource(res, schema_name, record.get("last_update"))
                             for res in record.get("resources") or []) if r]
    eu_themes, local_themes = remote.themes(record.get("tags"))
    package = {
        "title": title,
        "name": record.get("slug") or record.get("id"),
        "notes": clean_html(record.get("description")),
        "url": record.get("page"),
        "tags": tags(record.get("tags")),
        "theme": eu_themes,
        "poitiers_theme": local_themes,
        "license_id": remote.licence_id(record.get("license")) or "notspecified",
        "frequency": remote.frequency_uri(record.get("frequency")),
        "temporal_coverage": temporal(temporal_.get("start"), temporal_.get("end")),
        "communes": communes(spatial.get("zones")),
        "spatial_coverage": [{"text": name} for name in
                             remote.zones_containing_grand_poitiers(spatial.get("zones"))],
        "granularity": remote.granularity(spatial.get("granularity")),
        "publisher": [drop_empty({"name": plain_text(organization.get("name")),
                                  "url": organization.get("page")})]
        if organization.get("name") else [],
        "contact": contacts,
        "data_schema": schema_name,
        "data_schema_version": schema_version,
        "resources": resources,
    }
    return drop_empty(package)
