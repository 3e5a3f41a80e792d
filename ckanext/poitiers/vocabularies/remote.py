"""Lookups from the values remote sources send to our canonical vocabulary values.

The alias tables live in ``harvest_aliases.yaml``; the canonical values are those of
docs/schema-fields.md (EU theme and frequency URIs, CKAN licence ids, INSEE codes).
"""
from __future__ import annotations

import functools
import os
import re
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


def _licence_key(value) -> str:
    """A licence id, title or URL compared without case, scheme, « www. » or final slash."""
    key = str(value).strip().lower()
    for prefix in ("https://", "http://"):
        if key.startswith(prefix):
            key = key[len(prefix):]
    return key.removeprefix("www.").rstrip("/")


@functools.cache
def _licences() -> dict[str, str]:
    """Every spelling we recognise → CKAN licence id: the id, SPDX id, URL and title of each
    licence of the register (``licences.json``), then the other spellings of
    ``harvest_aliases.yaml``."""
    from ckanext.poitiers import vocabularies

    table = {}
    for lic in vocabularies.licences():
        for value in (lic["id"], lic.get("spdx"), lic.get("url"), lic.get("title")):
            if value:
                table.setdefault(_licence_key(value), lic["id"])
    table.update({_licence_key(k): v for k, v in _aliases()["licences"].items()})
    return table


# Creative Commons licences by their URL, whatever the version or the country port
# (creativecommons.org/licenses/by-nc/4.0/deed.fr, …/by/3.0/fr/)
_CREATIVE_COMMONS = re.compile(r"creativecommons\.org/(?:licenses|publicdomain)/([a-z-]+)(?:/|$)")
_CREATIVE_COMMONS_IDS = {
    "by": "cc-by", "by-sa": "cc-by-sa", "zero": "cc-zero", "mark": "other-pd",
    "by-nc": "cc-nc", "by-nc-sa": "other-nc", "by-nc-nd": "other-nc", "by-nd": "other-closed",
}
# what a licence we do not recognise says of itself (its id, title or URL), checked in this
# order: no commercial reuse, or not open at all (no derivatives, all rights reserved)
_NOT_OPEN = (
    ("other-nc", re.compile(
        r"\b(?:cc[- ]?)?by[- ]nc\b|\bnc[- ](?:sa|nd)\b|non[- ]?commercial|"
        r"pas d.?utilisation commerciale|"
        r"(?:usage|utilisation|reutilisation) commerciale interdite")),
    ("other-closed", re.compile(
        r"\b(?:cc[- ]?)?by[- ]nd\b|no[- ]?derivatives?|pas de modification|"
        r"tous droits reserves|all rights reserved|proprietaire|proprietary")),
)


def licence_id(*candidates: str | None) -> str | None:
    """The CKAN licence id of the first candidate (id, title, SPDX id or URL) we recognise."""
    table = _licences()
    for value in candidates:
        if not value:
            continue
        key = _licence_key(value)
        if key in table:
            return table[key]
        cc = _CREATIVE_COMMONS.search(key)
        if cc and cc.group(1) in _CREATIVE_COMMONS_IDS:
            return _CREATIVE_COMMONS_IDS[cc.group(1)]
    return None


def unrecognised_licence(*candidates: str | None) -> str:
    """The licence id for a licence the source names but we do not recognise: « pas
    d'utilisation commerciale » or « non ouverte » when its id, title or URL says so (CC BY-NC,
    CC BY-ND, « tous droits réservés »…), else « Autre licence ouverte » (the source publishes
    open data). A reuser is never told that a licence forbidding commercial reuse is open."""
    texts = [_key(value) for value in candidates if value]
    for licence, pattern in _NOT_OPEN:
        if any(pattern.search(text) for text in texts):
            return licence
    return "other-open"


def frequency_uri(value: str | None) -> str | None:
    """EU frequency URI for a Dublin Core / Data Fair / udata frequency id or URI."""
    from ckanext.poitiers import vocabularies

    return vocabularies.frequency_uri(str(value).strip()) if value else None


def theme_uri_known(value) -> bool:
    """Whether ``value`` is a theme URI of another vocabulary that we map (``theme_uris``)."""
    return str(value).strip().rstrip("/") in _aliases()["theme_uris"]


def themes(labels) -> tuple[list[str], list[str]]:
    """(EU theme URIs, Poitiers sub-theme slugs) for topic labels of a source (or theme URIs of
    ``theme_uris``), in order."""
    table = _aliases()["topics"]
    eu, local = [], []
    for label in labels or []:
        key = _key(label)
        hit = _aliases()["theme_uris"].get(str(label).strip().rstrip("/")) or table.get(
            key) or next(
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


IANA_MEDIA_TYPES = "www.iana.org/assignments/media-types/"
EU_FILE_TYPES = "publications.europa.eu/resource/authority/file-type/"


def media_type(value: str | None) -> str | None:
    """The media type of an IANA media type URI (as DCAT catalogues write ``dct:format`` and
    ``dcat:mediaType``: ``https://www.iana.org/assignments/media-types/text/csv``), or the value
    itself."""
    if not value:
        return value
    text = str(value).strip()
    bare = text.split("://", 1)[-1]
    return bare[len(IANA_MEDIA_TYPES):] if bare.lower().startswith(IANA_MEDIA_TYPES) else text


@functools.cache
def _file_types() -> dict[str, str]:
    """EU file type code (``CSV``, ``RDF_TURTLE``…) → our format, from the formats vocabulary."""
    from ckanext.poitiers import vocabularies

    table: dict[str, str] = {}
    for e in vocabularies.vocabulary("formats"):
        table.setdefault(str(e.get("file_type", "")).upper(), e["value"])
    return table


def resource_format(*hints: str | None) -> str | None:
    """A format label from media types (or their IANA or EU file type URIs), file names or URLs
    (first recognised wins)."""
    table = _aliases()["formats"]
    for hint in hints:
        if not hint:
            continue
        value = str(media_type(hint)).split(";")[0].strip().lower()
        if value in table:
            return table[value]
        bare = value.split("://", 1)[-1]
        if bare.startswith(EU_FILE_TYPES):
            found = _file_types().get(bare[len(EU_FILE_TYPES):].upper())
            if found:
                return found
            continue
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
    """INSEE codes / EPCI SIREN of udata zone ids (``fr:commune:86194``, ``fr:epci:200069854``)
    among our communes vocabulary: a zone outside Grand Poitiers (a neighbouring commune of a
    dataset covering the Vienne) is left out, not given to the schema that would refuse the
    whole dataset for it."""
    codes = []
    for zone in zones or []:
        parts = str(zone).split("@")[0].split(":")
        if (
            len(parts) == 3
            and parts[0] == "fr"
            and parts[1] in ("commune", "epci")
            and parts[2] not in codes
            and commune_label_known(parts[2])
        ):
            codes.append(parts[2])
    return codes


def zones_containing_grand_poitiers(zones) -> list[str]:
    """Names of the udata zones of ``zones`` that contain the whole of Grand Poitiers (the
    Vienne, its région, France: ``zones_containing_grand_poitiers`` of harvest_aliases.yaml),
    in the record's order, each once. Other départements and régions are not among them."""
    known = _aliases()["zones_containing_grand_poitiers"]
    names = []
    for zone in zones or []:
        name = known.get(str(zone).split("@")[0].strip().lower())
        if name and name not in names:
            names.append(name)
    return names


def commune_label_known(code: str) -> bool:
    """True for the 40 communes of Grand Poitiers and its SIREN (the communes vocabulary)."""
    from ckanext.poitiers import vocabularies

    return vocabularies.is_valid("communes", str(code))
