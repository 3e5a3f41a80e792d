"""A dataset dict parsed by ckanext-dcat (euro_dcat_ap_3 profile) → Poitiers dataset dict.
Pure functions.

ckanext-dcat reads DCAT-AP into its own field names, which ours follow (theme, frequency,
temporal_coverage, publisher, contact, spatial_coverage); what differs between catalogues is
the vocabulary: licences given as URLs or titles, Dublin Core frequencies, portal-local themes
(OpenDataSoft's ``…/explore/?refine.theme=Transports``), place names. This module brings them to
our canonical values and sanitises the texts.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

from ckanext.poitiers.harvesters.common_mapping import dated, drop_empty, tags, utc_timestamp
from ckanext.poitiers.harvesters.sanitize import clean_html, plain_text
from ckanext.poitiers.vocabularies import as_list, remote

EU_THEME = remote.EU_THEME
# the identifier rdflib gives a blank node, new at each parse
BLANK_NODE = re.compile(r"\bN[0-9a-f]{32}\b")
MAPPED_EXTRAS = {"frequency", "license_url", "theme", "spatial_text", "spatial_uri",
                 "dcat_frequency"}
# repeating fields whose subfields are plain text (names, labels, addresses), geometries aside
PLAIN_SUBFIELDS = ("publisher", "contact", "spatial_coverage")
GEOMETRY_KEYS = frozenset({"geom", "bbox", "centroid"})


def _plain_subfields(items) -> list:
    return [
        {k: plain_text(v) if isinstance(v, str) and k not in GEOMETRY_KEYS else v
         for k, v in item.items()} if isinstance(item, dict) else item
        for item in items or []
    ]


def _extras(dataset: dict) -> dict:
    return {e.get("key"): e.get("value") for e in dataset.get("extras") or [] if e.get("key")}


def theme_label(value: str) -> str:
    """The label of a portal-local theme URI (``?refine.theme=Economie``) or the value itself."""
    parts = urlsplit(value)
    for key, values in parse_qs(parts.query).items():
        if key.endswith("theme") and values:
            return unquote(values[0])
    if parts.scheme in ("http", "https"):
        return unquote(parts.path.rstrip("/").rsplit("/", 1)[-1])
    return value


def _resource(res: dict) -> dict:
    res = dict(res)
    res["name"] = plain_text(res.get("name"))
    res["description"] = clean_html(res.get("description"))
    if res.get("mimetype"):
        res["mimetype"] = remote.media_type(res["mimetype"])
    fmt = str(res.get("format") or "").strip()
    if not fmt or "/" in fmt:
        # no format, or a media type / its URI (OpenDataSoft: dct:format
        # <https://www.iana.org/assignments/media-types/text/csv>): our label, the file name's
        # extension first (« …/exports/jsonl », named « x.jsonl », is application/json)
        res["format"] = remote.resource_format(
            res["name"], fmt, res.get("mimetype"), res.get("url")) or ""
    return res


def _own_date(res: dict) -> dict:
    """The distribution's dct:modified (ckanext-dcat's ``modified``) as ``last_modified``."""
    own = None if res.get("last_modified") else utc_timestamp(res.get("modified"))
    return dict(res, last_modified=own) if own else res


def map_dataset(dataset: dict) -> dict:
    extras = _extras(dataset)
    package = {k: v for k, v in dataset.items() if k not in ("extras",)}
    package["title"] = plain_text(dataset.get("title"))
    package["notes"] = clean_html(dataset.get("notes"))
    for field in PLAIN_SUBFIELDS:
        if isinstance(dataset.get(field), list):
            package[field] = _plain_subfields(dataset[field])
    for field in ("version", "purpose"):
        if isinstance(dataset.get(field), str):
            package[field] = plain_text(dataset[field])

    themes = as_list(dataset.get("theme") or extras.get("theme"))
    eu = [t for t in themes if str(t).startswith(EU_THEME)]
    mapped_eu, local = remote.themes([str(t) if remote.theme_uri_known(t) else theme_label(str(t))
                                      for t in themes if not str(t).startswith(EU_THEME)])
    package["theme"] = list(dict.fromkeys(eu + mapped_eu))
    # sub-themes the poitiers profile read from their labels, then those mapped
    parsed = [str(t) for t in as_list(dataset.get("poitiers_theme"))]
    subthemes = list(dict.fromkeys(parsed + local))
    if subthemes:
        package["poitiers_theme"] = subthemes

    # ckanext-dcat reads dct:license on the distributions (as OpenDataSoft writes it)
    resource_licences = [r.get("license") for r in dataset.get("resources") or []
                         if isinstance(r, dict) and r.get("license")]
    named = [dataset.get("license_id"), extras.get("license_url"), dataset.get("license_url"),
             dataset.get("license_title"), *resource_licences]
    package["license_id"] = remote.licence_id(*named) or (
        remote.unrecognised_licence(*named)
        if dataset.get("license_id") or extras.get("license_url") or resource_licences
        else "notspecified")
    package["frequency"] = remote.frequency_uri(
        dataset.get("frequency") or extras.get("frequency") or extras.get("dcat_frequency")
    )
    places = [c.get("text") for c in package.get("spatial_coverage") or [] if isinstance(c, dict)]
    places.append(plain_text(extras.get("spatial_text")))
    # the communes the poitiers profile read from their URIs, then those named
    package["communes"] = list(dict.fromkeys(
        [str(c) for c in as_list(dataset.get("communes"))] + remote.commune_codes(*places)))

    package["tags"] = tags(t.get("name") for t in dataset.get("tags") or [] if isinstance(t, dict))
    # a distribution without any URL (none given, or its node not found) is not a resource;
    # when a file last changed, as CKAN shows it (``last_modified``): its distribution's
    # dct:modified, else the dataset's (when its data last changed) for a file without a date
    # of its own, rather than the harvest's date shown as the last update
    updated = utc_timestamp(dataset.get("modified") or extras.get("modified"))
    package["resources"] = [dated(_own_date(_resource(res)), updated)
                            for res in package.get("resources") or []
                            if isinstance(res, dict) and res.get("url")]
    # an extra whose value is only a blank node's identifier (a provenance statement without
    # label…) says nothing
    kept_extras = [
        {"key": k, "value": plain_text(v) if isinstance(v, str) else v}
        for k, v in extras.items()
        if k not in MAPPED_EXTRAS and not BLANK_NODE.fullmatch(str(v))
    ]
    package = drop_empty(package)
    # kept even empty: ckanext-dcat's update reads it, and a record whose files are all gone
    # must take them off the dataset
    package["resources"] = package.get("resources") or []
    if kept_extras:
        package["extras"] = kept_extras
    return package
