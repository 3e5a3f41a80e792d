"""Data Fair (data.grandpoitiers.fr) dataset metadata → Poitiers dataset dict. Pure functions.

Input: one element of ``GET {api}/datasets`` (Data Fair API v1, ``api/types/dataset/schema.js``):
``id, slug, href, page, title, summary, description, keywords, topics[{title}], license{title,
href}, frequency, temporal{start,end}, spatial, bbox, owner, attachments[], file,
originalFile, isMetaOnly, isRest, dataUpdatedAt…``. Output: the fields of docs/schema-fields.md.
"""
from __future__ import annotations

from urllib.parse import quote, urlsplit

from ckanext.poitiers.harvesters.common_mapping import (
    FLAG,
    IDENTIFIER,
    TEXT,
    drop_empty,
    shape_errors,
    tags,
    temporal,
    utc_timestamp,
)
from ckanext.poitiers.harvesters.i18n import _
from ckanext.poitiers.harvesters.sanitize import clean_html, plain_text
from ckanext.poitiers.vocabularies import remote

API_PATH = "/data-fair/api/v1"


# the JSON types of the fields this module reads (Data Fair's api/types/dataset/schema.js):
# another type is a French error naming the field (common_mapping.shape_errors); the fields it
# reads only when they have the right type (spatial, bbox, sizes) are left out
FILE = {"name": TEXT, "mimetype": TEXT}
SHAPE = {
    "id": IDENTIFIER, "slug": TEXT, "href": TEXT, "page": TEXT, "title": TEXT, "summary": TEXT,
    "description": TEXT, "keywords": [TEXT], "topics": [{"title": TEXT}],
    "license": {"title": TEXT, "href": TEXT}, "frequency": TEXT,
    "temporal": {"start": TEXT, "end": TEXT}, "owner": {"name": TEXT},
    "file": FILE, "originalFile": FILE, "isMetaOnly": FLAG, "isRest": FLAG,
    "dataUpdatedAt": TEXT,
    "attachments": [{"name": TEXT, "url": TEXT, "title": TEXT, "description": TEXT,
                     "mimetype": TEXT, "type": TEXT, "updatedAt": TEXT}],
}


class DataFairMappingError(ValueError):
    pass


def api_base(source_url: str) -> str:
    """The API root of a Data Fair portal from what a publisher types as the source URL."""
    url = source_url.strip().rstrip("/")
    for marker in ("/data-fair/api/v1", "/api/v1"):
        if marker in url:
            return url[: url.index(marker) + len(marker)]
    return url + API_PATH


def portal_root(api: str) -> str:
    parts = urlsplit(api)
    return f"{parts.scheme}://{parts.netloc}"


def dataset_href(record: dict, api: str) -> str:
    return record.get("href") or f"{api}/datasets/{record['id']}"


def guid(record: dict, api: str) -> str | None:
    if not record.get("id"):
        return None
    return f"{api}/datasets/{record['id']}"


def _attachment_resource(att: dict, href: str) -> dict | None:
    name = att.get("name") or ""
    # the file name as one path segment (a space, a « # » or markup in a name stays in the URL)
    url = att.get("url") or (f"{href}/metadata-attachments/{quote(name)}" if name else "")
    if not url:
        return None
    fmt = remote.resource_format(att.get("mimetype"), name, url)
    lowered = (name + " " + (att.get("title") or "")).lower()
    kind = "file"
    if fmt == "ZIP" and "gtfs" in lowered:
        fmt = "GTFS"
    if fmt == "GTFS-RT":
        kind = "realtime"
    if att.get("type") == "url" and fmt is None:
        kind = "documentation"
    resource = {
        "name": plain_text(att.get("title")) or plain_text(name)
        or plain_text(url.rsplit("/", 1)[-1]),
        "description": clean_html(att.get("description")),
        "url": url,
        "format": fmt or "",
        "resource_kind": kind,
        # when the attached file was last replaced (a weekly GTFS), not the harvest date
        "last_modified": utc_timestamp(att.get("updatedAt")),
    }
    if isinstance(att.get("size"), int):
        resource["size"] = att["size"]
    return drop_empty(resource)


def resources(record: dict, api: str) -> list[dict]:
    href = dataset_href(record, api)
    # when the data last changed (not the metadata): the date reusers read as the last update
    # and that freshness is judged on; the harvest date otherwise
    updated = utc_timestamp(record.get("dataUpdatedAt"))
    result = []
    if not record.get("isMetaOnly"):
        result.append(drop_empty({
            "name": _("Records API (JSON)"),
            "description": _(
                "Data Fair API: the records of the dataset, filtered and paged (size, page, q, "
                "select…)."
            ),
            "url": f"{href}/lines",
            "format": "JSON",
            "resource_kind": "realtime" if record.get("isRest") else "api",
            "last_modified": updated,
        }))
        original = record.get("originalFile") or {}
        converted = record.get("file") or {}
        if original.get("name"):
            res = {
                "name": plain_text(original["name"]),
                "description": _("The file as published by its producer."),
                "url": f"{href}/raw",
                "format": remote.resource_format(original.get("mimetype"), original["name"]) or "",
                "resource_kind": "file",
                "last_modified": updated,
            }
            if isinstance(original.get("size"), int):
                res["size"] = original["size"]
            result.append(drop_empty(res))
        if converted.get("name") and converted.get("name") != original.get("name"):
            res = {
                "name": plain_text(converted["name"]),
                "description": _("The file converted by Data Fair into an open format."),
                "url": f"{href}/convert",
                "format": remote.resource_format(converted.get("mimetype"), converted["name"])
                or "",
                "resource_kind": "file",
                "last_modified": updated,
            }
            if isinstance(converted.get("size"), int):
                res["size"] = converted["size"]
            result.append(drop_empty(res))
    for att in record.get("attachments") or []:
        res = _attachment_resource(att, href)
        if res and res["url"] not in {r["url"] for r in result}:
            result.append(res)
    return result


def continuously_updated(record: dict) -> bool:
    """Whether the source flags the dataset as updated continuously: a Data Fair REST dataset
    (``isRest``: its lines are written through its API at any moment, as the occupancy of the
    car parks every five minutes) or the frequency ``continuous``."""
    return bool(record.get("isRest")) or record.get("frequency") == "continuous"


def content_view(package: dict, record: dict) -> dict:
    """What the content hash reads of the dataset mapped from ``record``: all of it, except,
    for a dataset updated continuously (:func:`continuously_updated`), the date its data last
    changed (``dataUpdatedAt``, the ``last_modified`` of its records API and files), read to the
    day. That date moves at each write of a line: the dataset is not written again for a date
    that moved within the same day (UTC); a new day, or any other change, writes it with the
    exact date the source gives. The portal shows and judges that date by the day."""
    updated = utc_timestamp(record.get("dataUpdatedAt"))
    if not updated or not continuously_updated(record) or not package.get("resources"):
        return package
    day = updated[:10]
    return dict(package, resources=[
        dict(res, last_modified=day) if isinstance(res, dict)
        and res.get("last_modified") == updated else res
        for res in package["resources"]])


def bbox_polygon(bbox) -> str | None:
    """GeoJSON Polygon text of a Data Fair bbox [west, south, east, north]."""
    if not (isinstance(bbox, list) and len(bbox) == 4):
        return None
    try:
        w, s, e, n = (float(v) for v in bbox)
    except (TypeError, ValueError):
        return None
    if not (-180 <= w <= e <= 180 and -90 <= s <= n <= 90):
        return None
    ring = [[w, s], [e, s], [e, n], [w, n], [w, s]]
    return '{"type": "Polygon", "coordinates": [%s]}' % (
        "[" + ", ".join(f"[{x}, {y}]" for x, y in ring) + "]"
    )


def map_dataset(record: dict, api: str) -> dict:
    errors = shape_errors(record, SHAPE)
    if errors:
        raise DataFairMappingError(" ".join(errors))
    title = plain_text(record.get("title"))
    if not title:
        raise DataFairMappingError(_("the record has no title."))
    # plain text first: a label with markup around it is still the portal's topic
    topic_labels = [plain_text(t.get("title")) for t in record.get("topics") or []
                    if isinstance(t, dict)]
    eu_themes, local_themes = remote.themes(topic_labels)
    licence = record.get("license") or {}
    owner = record.get("owner") or {}
    temporal_ = record.get("temporal") or {}
    spatial = plain_text(record.get("spatial")) if isinstance(record.get("spatial"), str) else ""
    notes = clean_html(record.get("description")) or clean_html(record.get("summary"))
    root = portal_root(api)
    bbox = bbox_polygon(record.get("bbox"))
    package = {
        "title": title,
        "name": record.get("slug") or record.get("id"),
        "notes": notes,
        "url": record.get("page") or f"{root}/datasets/{record.get('slug') or record['id']}",
        "tags": tags(record.get("keywords")),
        "theme": eu_themes,
        "poitiers_theme": local_themes,
        "license_id": remote.licence_id(licence.get("href"), licence.get("title"))
        or (remote.unrecognised_licence(licence.get("href"), licence.get("title"))
            if licence else "notspecified"),
        "frequency": remote.frequency_uri(record.get("frequency")),
        "temporal_coverage": temporal(temporal_.get("start"), temporal_.get("end")),
        "communes": remote.commune_codes(spatial),
        "publisher": [drop_empty({"name": plain_text(owner.get("name"))})]
        if owner.get("name")
        else [],
        "spatial_coverage": [drop_empty({"text": spatial, "bbox": bbox})]
        if spatial or bbox
        else [],
        "resources": resources(record, api),
    }
    return drop_empty(package)
