"""Lookups from the values remote sources send to our canonical vocabulary values.

The alias tables live in ``harvest_aliases.yaml``; the canonical values are those of
docs/schema-fields.md (EU theme and frequency URIs, CKAN licence ids, INSEE codes).
"""
from __future__ import annotations

import functools
import os
import unicodedata

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
EU_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
EU_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
GRAND_POITIERS_SIREN = "200069854"


@functools.cache
def _aliases() -> dict:
    with open(os.path.join(HERE, "harvest_aliases.yaml"), encoding="utf-8") as f:
        return yaml.safe_load(f)


def _key(value: str) -> str:
    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode()
    return " ".join(text.lower().replace("_", " ").split())


def licence_id(*candidates: str | None) -> str | None:
    """The CKAN licence id of the first candidate (id, title, SPDX id or URL) we recognise."""
    table = _aliases()["licences"]
    for value in candidates:
        if not value:
            continue
        key = str(value).strip().lower()
        for prefix in ("https://", "http://"):
            if key.startswith(prefix):
                key = key[len(prefix):]
        key = key.rstrip("/")
        if key in table:
            return table[key]
    return None


def frequency_uri(value: str | None) -> str | None:
    """EU frequency URI for a Dublin Core / Data Fair / udata frequency id or URI."""
    from ckanext.poitiers import vocabularies

    return vocabularies.frequency_uri(str(value).strip()) if value else None


def themes(labels) -> tuple[list[str], list[str]]:
    """(EU theme URIs, Poitiers sub-theme slugs) for topic labels of a source, in order."""
    table = _aliases()["topics"]
    eu, local = [], []
    for label in labels or []:
        key = _key(label)
        hit = table.get(key) or next(
            (v for k, v in table.items() if key.startswith(k + " ") or (" " + k) in key), None
        )
        if not hit:
            continue
        uri = EU_THEME + hit[0]
        if uri not in eu:
            eu.append(uri)
        if hit[1] not in local:
            local.append(hit[1])
    return eu, local


@functools.cache
def _places() -> dict[str, str]:
    """Place name (lower case, no accents) → INSEE code, from the communes vocabulary."""
    from ckanext.poitiers import vocabularies

    table = {_key(e["label"]["fr"]): e["value"] for e in vocabularies.communes()
             if e.get("kind") == "commune"}
    table.update(_aliases()["places"])
    return table


def commune_codes(*places: str | None) -> list[str]:
    """INSEE codes (or the SIREN of Grand Poitiers) of place names we recognise."""
    table = _places()
    codes = []
    for place in places:
        if not place:
            continue
        for part in str(place).replace(";", ",").split(","):
            code = table.get(_key(part))
            if code and code not in codes:
                codes.append(code)
    return codes


def resource_format(*hints: str | None) -> str | None:
    """A format label from media types, file names or URLs (first recognised wins)."""
    table = _aliases()["formats"]
    for hint in hints:
        if not hint:
            continue
        value = str(hint).split(";")[0].strip().lower()
        if value in table:
            return table[value]
        path = value.split("?")[0].split("#")[0]
        if "." in path.rsplit("/", 1)[-1]:
            ext = path.rsplit(".", 1)[-1]
            if ext in table:
                return table[ext]
    return None


def granularity(value: str | None) -> str | None:
    """Our spatial granularity for a udata granularity id (``fr:commune``…)."""
    if not value:
        return None
    return _aliases()["granularities"].get(str(value).strip().lower())


def zone_codes(zones) -> list[str]:
    """INSEE codes / EPCI SIREN of udata zone ids (``fr:commune:86194``, ``fr:epci:200069854``)."""
    codes = []
    for zone in zones or []:
        parts = str(zone).split("@")[0].split(":")
        if (
            len(parts) == 3
            and parts[0] == "fr"
            and parts[1] in ("commune", "epci")
            and parts[2] not in codes
        ):
            codes.append(parts[2])
    return codes


def commune_label_known(code: str) -> bool:
    """True for the 40 communes of Grand Poitiers and its SIREN (the communes vocabulary)."""
    from ckanext.poitiers import vocabularies

    return vocabularies.is_valid("communes", str(code))
