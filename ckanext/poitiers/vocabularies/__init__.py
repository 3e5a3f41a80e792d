"""Vocabularies of the portal, kept as data files next to this module.

Every consumer (schemas, mappings, templates, facets, DCAT profile, API, CLI) reads them from here
so that a licence, a theme or a commune is known in exactly one place. Pure Python: no CKAN import,
so mapping functions can be tested without a running CKAN.

Each vocabulary is a list of entries ``{"value": …, "label": {"fr": …, "en": …}, …}`` where
``value`` is what a dataset stores (a URI where DCAT has one, a code otherwise).
"""
from __future__ import annotations

import csv
import functools
import json
import os
import re

import yaml

from ckanext.poitiers import lists

HERE = os.path.dirname(os.path.abspath(__file__))
LICENCES_FILE = os.path.join(HERE, "licences.json")
DEFAULT_LICENCE = "lov2"

EU_THEME_BASE = "http://publications.europa.eu/resource/authority/data-theme/"
EU_FREQUENCY_BASE = "http://publications.europa.eu/resource/authority/frequency/"
INSEE_COMMUNE_BASE = "https://geo.api.gouv.fr/communes/"
SIREN_BASE = "https://annuaire-entreprises.data.gouv.fr/entreprise/"
GRAND_POITIERS_SIREN = "200069854"
DEFAULT_LANGUAGE = "fr"

#: vocabulary name → data file (YAML list of entries) in this folder
FILES = {
    "eu_themes": "eu_themes.yaml",
    "poitiers_themes": "poitiers_themes.yaml",
    "granularities": "granularities.yaml",
    "frequencies": "frequencies.yaml",
    "data_schemas": "data_schemas.yaml",
    "personal_data": "personal_data.yaml",
    "coproduction": "coproduction.yaml",
    "resource_kinds": "resource_kinds.yaml",
    "org_types": "org_types.yaml",
    "conformity": "conformity.yaml",
    "formats": "formats.yaml",
}
#: the dataset / resource / organization field each vocabulary serves
FIELDS = {
    "eu_themes": "theme",
    "poitiers_themes": "poitiers_theme",
    "communes": "communes",
    "granularities": "granularity",
    "frequencies": "frequency",
    "licences": "license_id",
    "data_schemas": "data_schema",
    "personal_data": "personal_data",
    "coproduction": "coproduction",
    "resource_kinds": "resource_kind",
    "org_types": "org_type",
    "conformity": "conforms_to_schema",
    "formats": "format",
}


def names() -> list[str]:
    """Names of every vocabulary (what the API lists)."""
    return sorted([*FILES, "communes", "licences"])


# --------------------------------------------------------------------------- loading


def _read_yaml(filename: str):
    with open(os.path.join(HERE, filename), encoding="utf-8") as f:
        return yaml.safe_load(f)


@functools.cache
def licences() -> tuple[dict, ...]:
    """The licences offered to publishers, in display order (Licence Ouverte 2.0 first)."""
    with open(LICENCES_FILE, encoding="utf-8") as f:
        return tuple(json.load(f))


@functools.cache
def _licences_by_id() -> dict[str, dict]:
    return {lic["id"]: lic for lic in licences()}


def licence(licence_id: str) -> dict | None:
    return _licences_by_id().get(licence_id)


@functools.cache
def legacy_licence_ids() -> frozenset[str]:
    """CKAN's default licences kept only so that older datasets keep theirs (``"legacy": true``
    in ``licences.json``): not offered to a dataset that has none of them."""
    return frozenset(lic["id"] for lic in licences() if lic.get("legacy"))


@functools.cache
def communes() -> tuple[dict, ...]:
    """The 40 communes of Grand Poitiers, then Grand Poitiers as a whole (its SIREN)."""
    with open(os.path.join(HERE, "communes.csv"), encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    entries = [
        {"value": r["insee"], "label": {"fr": r["name"], "en": r["name"]}, "siren": r["siren"],
         "population": int(r["population"]), "kind": "commune",
         "uri": INSEE_COMMUNE_BASE + r["insee"]}
        for r in sorted(rows, key=lambda r: _sort_key(r["name"]))
    ]
    whole = {"value": GRAND_POITIERS_SIREN,
             "label": {"fr": "Grand Poitiers (les 40 communes)",
                       "en": "Grand Poitiers (all 40 municipalities)"},
             "siren": GRAND_POITIERS_SIREN, "kind": "epci",
             "aliases": ["Grand Poitiers", "CU du Grand Poitiers",
                         "Grand Poitiers Communauté urbaine",
                         "Communauté urbaine de Grand Poitiers"],
             "population": sum(e["population"] for e in entries),
             "uri": "https://geo.api.gouv.fr/epcis/" + GRAND_POITIERS_SIREN}
    return (whole, *entries)


def _sort_key(name: str) -> str:
    """French alphabetical order, accents ignored (« Béruges » before « Biard »)."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", name)
    return "".join(c for c in plain if not unicodedata.combining(c)).lower()


@functools.cache
def vocabulary(name: str) -> tuple[dict, ...]:
    """All entries of a vocabulary, in display order. KeyError for an unknown name."""
    if name == "communes":
        return communes()
    if name == "licences":
        return tuple({"value": lic["id"], "label": {"fr": lic["title"], "en": lic["title"]},
                      "url": lic["url"], "spdx": lic["spdx"]} for lic in licences())
    return tuple(_read_yaml(FILES[name]))


@functools.cache
def _index(name: str) -> dict[str, dict]:
    return {e["value"]: e for e in vocabulary(name)}


def entry(name: str, value) -> dict | None:
    """The entry whose stored value is ``value``, or None."""
    if not isinstance(value, str):
        return None
    return _index(name).get(value)


def values(name: str) -> list[str]:
    return [e["value"] for e in vocabulary(name)]


def is_valid(name: str, value) -> bool:
    return entry(name, value) is not None


def label(name: str, value, lang: str | None = None) -> str:
    """Display label of a stored value in ``lang`` (French by default); the value if unknown."""
    found = entry(name, value)
    if not found:
        return "" if value is None else str(value)
    return text(found["label"], lang)


def text(labels: dict | str, lang: str | None = None) -> str:
    if isinstance(labels, str):
        return labels
    lang = (lang or DEFAULT_LANGUAGE).split("_")[0].split("-")[0]
    return labels.get(lang) or labels.get(DEFAULT_LANGUAGE) or next(iter(labels.values()), "")


def choices(name: str, with_empty: bool = False) -> list[dict]:
    """Scheming choices ``[{"value", "label": {"fr", "en"}}]`` (labels translated by scheming)."""
    out = [{"value": e["value"], "label": dict(e["label"])} for e in vocabulary(name)]
    if with_empty:
        out.insert(0, {"value": "", "label": {"fr": "—", "en": "—"}})
    return out


# --------------------------------------------------------------------------- mappings


def eu_theme_uri(code_or_uri: str) -> str | None:
    """``TRAN`` or the full URI (any case) → the EU data-theme URI, None if not an EU theme."""
    if not code_or_uri:
        return None
    code = code_or_uri.strip().rstrip("/").rsplit("/", 1)[-1].upper()
    uri = EU_THEME_BASE + code
    return uri if is_valid("eu_themes", uri) else None


def eu_theme_code(uri: str) -> str | None:
    found = entry("eu_themes", uri)
    return found["code"] if found else None


def eu_theme_of(poitiers_theme: str) -> str | None:
    """The EU data-theme URI a Poitiers sub-theme is attached to."""
    found = entry("poitiers_themes", poitiers_theme)
    return EU_THEME_BASE + found["eu_theme"] if found else None


@functools.cache
def _frequency_by_udata() -> dict[str, str]:
    return {e["udata"].lower(): e["value"] for e in vocabulary("frequencies")}


@functools.cache
def _frequency_aliases() -> dict[str, str]:
    return {k.lower(): v for k, v in _read_yaml("frequency_aliases.yaml").items()}


def frequency_uri(value: str | None) -> str | None:
    """A frequency as found anywhere → the EU frequency URI, or None when unknown.

    Accepts data.gouv.fr ids (``daily``, ``continuous``, legacy ``realtime``…), EU codes
    (``DAILY``), EU URIs (http or https) and Dublin Core ``purl.org/cld/freq`` URIs.
    """
    if not value or not isinstance(value, str):
        return None
    raw = value.strip()
    key = raw.lower()
    key = _frequency_aliases().get(key, key).lower()
    if key in _frequency_by_udata():
        return _frequency_by_udata()[key]
    code = raw.rstrip("/").rsplit("/", 1)[-1].upper()
    if "://" in raw and "publications.europa.eu" not in raw:
        return None
    uri = EU_FREQUENCY_BASE + code
    return uri if is_valid("frequencies", uri) else None


def frequency_udata_id(uri: str) -> str | None:
    """EU frequency URI → data.gouv.fr's frequency id (for extras read by udata)."""
    found = entry("frequencies", uri)
    return found["udata"] if found else None


def commune_uri(code: str) -> str | None:
    found = entry("communes", code)
    return found["uri"] if found else None


def resource_type_for_kind(kind: str | None) -> str:
    """Our resource kind → CKAN's core ``resource_type`` (file, api, documentation)."""
    found = entry("resource_kinds", kind)
    return found["ckan"] if found else "file"


EU_FILE_TYPE_BASE = "http://publications.europa.eu/resource/authority/file-type/"
IANA_MEDIA_TYPE_BASE = "https://www.iana.org/assignments/media-types/"


@functools.cache
def _formats_by_name() -> dict[str, dict]:
    index: dict[str, dict] = {}
    for e in vocabulary("formats"):
        for name in (e["value"], *e.get("aliases", [])):
            index[name.lower()] = e
    return index


def format_entry(fmt: str | None) -> dict | None:
    """A resource format as written (``csv``, ``.geojson``, ``text/csv``) → our format entry."""
    if not fmt or not isinstance(fmt, str):
        return None
    key = fmt.strip().lower().lstrip(".")
    found = _formats_by_name().get(key)
    if found:
        return found
    return next((e for e in vocabulary("formats") if e["media_type"] == key), None)


def format_uri(fmt: str | None) -> str | None:
    found = format_entry(fmt)
    return EU_FILE_TYPE_BASE + found["file_type"] if found else None


def media_type_uri(fmt: str | None, mimetype: str | None = None) -> str | None:
    """IANA media type URI from an explicit mimetype, else from the format."""
    if mimetype and re.match(r"^[a-z]+/[\w.+-]+$", mimetype.strip().lower()):
        return IANA_MEDIA_TYPE_BASE + mimetype.strip().lower()
    found = format_entry(fmt)
    return IANA_MEDIA_TYPE_BASE + found["media_type"] if found else None


def latest_schema_version(schema_id: str) -> str | None:
    found = entry("data_schemas", schema_id)
    return found["versions"][-1] if found and found.get("versions") else None


# --------------------------------------------------------------------------- identifiers

SIREN_RE = re.compile(r"^[0-9]{9}$")  # ASCII digits (\d takes any script's digits)
SIRET_RE = re.compile(r"^[0-9]{14}$")


def luhn_ok(digits: str) -> bool:
    """Luhn checksum (the key of SIREN and SIRET numbers)."""
    total = 0
    for i, char in enumerate(reversed(digits)):
        n = int(char)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def normalise_siren(value: str) -> str:
    """Remove spaces, dots and non-breaking spaces people type in SIREN/SIRET numbers."""
    return re.sub(r"[\s.\u00a0\u202f-]", "", value or "")


def siren_or_siret_ok(value: str) -> bool:
    """A 9-digit SIREN or a 14-digit SIRET with a valid checksum.

    La Poste's SIRETs (SIREN 356000000) use a different key: the digits sum to a multiple of 5.
    """
    value = normalise_siren(value)
    if SIREN_RE.match(value):
        return luhn_ok(value)
    if SIRET_RE.match(value):
        if value.startswith("356000000") and value != "35600000000048":
            return sum(int(c) for c in value) % 5 == 0
        return luhn_ok(value) and luhn_ok(value[:9])
    return False


as_list = lists.stored  # a multi-valued field as stored → a list (see lists.py)


def _fold(text: str) -> str:
    import unicodedata

    plain = unicodedata.normalize("NFKD", str(text))
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", " ", plain).strip()


@functools.cache
def _lookup_index(name: str) -> dict[str, str]:
    index: dict[str, str] = {}
    for e in vocabulary(name):
        keys = [e["value"], e.get("code"), e.get("udata"), *e["label"].values(),
                *e.get("aliases", [])]
        if name == "communes":
            keys.append(e["label"]["fr"].replace("-", " "))
        for key in keys:
            if key:
                index.setdefault(_fold(key), e["value"])
    return index


def lookup(name: str, text) -> str | None:
    """Free text (a value, a code, a udata id or a label in any case, with or without accents)
    → the stored value of the vocabulary entry, or None. Used to migrate free extras."""
    if not isinstance(text, str) or not text.strip():
        return None
    if is_valid(name, text.strip()):
        return text.strip()
    if name == "eu_themes":
        found = eu_theme_uri(text) if len(text.strip()) <= 4 or "://" in text else None
        if found:
            return found
    if name == "frequencies":
        found = frequency_uri(text)
        if found:
            return found
    return _lookup_index(name).get(_fold(text))
