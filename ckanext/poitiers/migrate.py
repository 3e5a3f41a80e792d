"""Map datasets made before the Poitiers schema (CKAN's default schema, free extras) to its fields.

:func:`plan` is a pure function: it reads a ``package_show`` dict and says which Poitiers fields
can be filled from what the dataset already carries (free extras such as ``frequency``,
``theme``, ``spatial-text``, ``temporal_start``; CKAN's ``maintainer``/``author``), which free
extras those values came from, and which fields required to publish are still missing.
``ckan poitiers migrate --dry-run`` prints the plans; ``--apply`` writes them through
``package_patch`` (validated like any edit; free extras that were not mapped are kept, those
whose name the schema reserves under a new name, see :data:`LEGACY_PREFIX`). The dry run also
runs that ``package_patch`` and rolls it back, so it reports what ``--apply`` would refuse.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ckanext.poitiers import rules
from ckanext.poitiers import vocabularies as voc
from ckanext.poitiers.validators import OUTPUT_EXTRAS, parse_date
from ckanext.poitiers.vocabularies import remote

#: fields required to publish a dataset (see schemas/dataset.yaml, ``poitiers_required``)
REQUIRED = ("notes", "theme", "communes", "frequency", "license_id", "personal_data")

#: every field a plan may write: the live dataset schema must have them all, or package_patch
#: would drop the new values while the free extras they came from are removed
FIELDS = ("frequency", "theme", "poitiers_theme", "communes", "granularity", "temporal_coverage",
          "personal_data", "data_schema", "contact", "license_id")

SOURCES = {
    "frequency": ("frequency", "accrual_periodicity", "accrualperiodicity", "update_frequency",
                  "frequence", "frequence_de_mise_a_jour", "periodicite"),
    "theme": ("theme", "themes", "category", "categories", "categorie", "thematique",
              "thematiques"),
    "communes": ("communes", "commune", "insee", "code_insee", "spatial-text", "spatial_text",
                 "territoire", "couverture_territoriale"),
    "granularity": ("granularity", "granularite", "spatial_granularity"),
    "temporal_start": ("temporal_start", "temporal-start", "date_debut", "debut"),
    "temporal_end": ("temporal_end", "temporal-end", "date_fin", "fin"),
    "personal_data": ("personal_data", "donnees_personnelles"),
    "data_schema": ("data_schema", "schema", "schema_id", "conforms_to"),
}
PERSONAL = {"non": "none", "no": "none", "none": "none", "aucune": "none", "false": "none",
            "anonymisees": "anonymised", "anonymised": "anonymised", "anonymized": "anonymised",
            "oui": "personal", "yes": "personal", "true": "personal", "personal": "personal"}
SCHEMA_URL_RE = re.compile(r"schema\.data\.gouv\.fr/(?:schemas/)?([\w-]+/[\w-]+)")
#: dates as French spreadsheets write them: 31/12/2019, 31-12-2019, 31.12.2019
FRENCH_DATE_RE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
#: free extras whose name the Poitiers schema reserves (it writes them for data.gouv.fr's
#: harvester and drops them on input: ``validators.OUTPUT_EXTRAS``) keep their value under this
#: prefix when it could not be mapped: « ancien_temporal_start »
LEGACY_PREFIX = "ancien_"


@dataclass
class Plan:
    name: str
    changes: dict = field(default_factory=dict)
    #: free extra → the field its value went to
    used_extras: dict = field(default_factory=dict)
    #: (field, original text) that could not be mapped
    unmapped: list = field(default_factory=list)
    #: free extra the schema reserves → the name its unmapped value is kept under
    renamed_extras: dict = field(default_factory=dict)
    missing: list = field(default_factory=list)

    @property
    def needed(self) -> bool:
        return bool(self.changes or self.used_extras or self.renamed_extras)


def _extras(pkg: dict) -> dict[str, str]:
    out = {}
    for extra in pkg.get("extras") or []:
        if isinstance(extra, dict) and "key" in extra:
            out[extra["key"]] = extra.get("value")
    return out


def _tokens(value) -> list[str]:
    out = []
    for item in voc.as_list(value):
        if isinstance(item, str):
            out.extend(t.strip() for t in re.split(r"[,;|\n]", item) if t.strip())
    return out


def _source(pkg: dict, extras: dict, target: str, valid) -> tuple[str | None, object]:
    """The first free extra (or invalid top-level value) holding something for ``target``."""
    top = pkg.get(target)
    if top not in (None, "", []) and not valid(top):
        return None, top
    folded = {k.lower(): k for k in extras}
    for key in SOURCES.get(target, ()):
        if key in folded and extras[folded[key]] not in (None, ""):
            return folded[key], extras[folded[key]]
    return None, None


def legacy_date(value) -> str | None:
    """An ISO date (or its date part: ``2019-01-01T00:00:00``), a year, a year-month, or a French
    ``31/12/2019`` → the ISO text the schema stores; None when it is not a date."""
    text = str(value).strip()
    match = FRENCH_DATE_RE.match(text)
    if match:
        day, month, year = match.groups()
        text = f"{year}-{int(month):02d}-{int(day):02d}"
    text = text[:10]
    return text if parse_date(text) else None


def portal_licence(text) -> str | None:
    """The id of the portal's licence that ``text`` names (its id, title, SPDX id or URL, or a
    spelling the harvesters recognise: « Licence Ouverte v2.0 »), None for any other text."""
    if not isinstance(text, str) or not text.strip():
        return None
    if voc.is_valid("licences", text.strip()):
        return text.strip()
    found = remote.licence_id(text)
    return found if found and voc.is_valid("licences", found) else None


def _licence_ok(value) -> bool:
    return isinstance(value, str) and voc.is_valid("licences", value)


def _is_valid_list(name):
    return lambda v: bool(voc.as_list(v)) and all(voc.is_valid(name, x) for x in voc.as_list(v))


def plan(pkg: dict, defaults: dict | None = None) -> Plan:
    """What migrating ``pkg`` (a package_show dict) to the Poitiers fields would change."""
    defaults = defaults or {}
    extras = _extras(pkg)
    result = Plan(name=pkg.get("name", ""))

    def take(target, key):
        if key:
            result.used_extras[key] = target

    def single(target, vocabulary):
        """A one-valued field whose text (label, code or URI) is looked up in ``vocabulary``."""
        key, raw = _source(pkg, extras, target, lambda v: voc.is_valid(vocabulary, v))
        if raw is None:
            return
        found = voc.lookup(vocabulary, str(raw))
        if found:
            result.changes[target] = found
            take(target, key)
        else:
            result.unmapped.append((target, raw))

    single("frequency", "frequencies")

    # themes: EU themes, else Poitiers sub-themes (which bring their EU theme)
    key, raw = _source(pkg, extras, "theme", _is_valid_list("eu_themes"))
    if raw is not None:
        themes, subthemes = [], []
        for token in _tokens(raw):
            eu = voc.lookup("eu_themes", token)
            sub = None if eu else voc.lookup("poitiers_themes", token)
            # else the topic words the harvesters map (« Culture », « Transports »)
            topic_eu, topic_sub = ([], []) if eu or sub else remote.themes([token])
            if eu:
                themes.append(eu)
            elif sub:
                subthemes.append(sub)
                themes.append(voc.eu_theme_of(sub))
            elif topic_eu:
                themes.extend(topic_eu)
                subthemes.extend(topic_sub)
            else:
                result.unmapped.append(("theme", token))
        if themes:
            result.changes["theme"] = list(dict.fromkeys(themes))
            take("theme", key)
        if subthemes and not pkg.get("poitiers_theme"):
            result.changes["poitiers_theme"] = list(dict.fromkeys(subthemes))

    # communes, by INSEE code or name
    key, raw = _source(pkg, extras, "communes", _is_valid_list("communes"))
    if raw is not None:
        codes = []
        for token in _tokens(raw):
            token = re.sub(r"^fr:commune:", "", token)
            code = voc.lookup("communes", token)
            if code:
                codes.append(code)
            else:
                result.unmapped.append(("communes", token))
        if codes:
            result.changes["communes"] = list(dict.fromkeys(codes))
            take("communes", key)

    single("granularity", "granularities")

    # temporal coverage
    if not pkg.get("temporal_coverage"):
        key_start, start = _source(pkg, extras, "temporal_start", lambda v: False)
        key_end, end = _source(pkg, extras, "temporal_end", lambda v: False)
        period = {}
        for bound, raw in (("start", start), ("end", end)):
            if raw in (None, ""):
                continue
            found = legacy_date(raw)
            if found:
                period[bound] = found
            else:
                result.unmapped.append(("temporal_coverage", raw))
        if period:
            result.changes["temporal_coverage"] = [period]
            take("temporal_coverage", key_start if "start" in period else None)
            take("temporal_coverage", key_end if "end" in period else None)

    key, raw = _source(pkg, extras, "personal_data", lambda v: voc.is_valid("personal_data", v))
    if raw is not None:
        found = PERSONAL.get(voc._fold(str(raw)))
        if found:
            result.changes["personal_data"] = found
            take("personal_data", key)
        else:
            result.unmapped.append(("personal_data", raw))

    key, raw = _source(pkg, extras, "data_schema", lambda v: voc.is_valid("data_schemas", v))
    if raw is not None:
        match = SCHEMA_URL_RE.search(str(raw))
        schema_id = match.group(1) if match else str(raw).strip()
        if voc.is_valid("data_schemas", schema_id):
            result.changes["data_schema"] = schema_id
            take("data_schema", key)

    # licence: CKAN's default schema took any text as license_id
    licence = pkg.get("license_id")
    if licence not in (None, "") and not _licence_ok(licence):
        found = portal_licence(str(licence)) or remote.licence_id(
            pkg.get("license_title"), pkg.get("license_url"))
        if found and _licence_ok(found):
            result.changes["license_id"] = found
        else:
            result.unmapped.append(("license_id", licence))

    # contact point from CKAN's maintainer / author
    if not pkg.get("contact"):
        for who, mail in (("maintainer", "maintainer_email"), ("author", "author_email")):
            email = (pkg.get(mail) or "").strip()
            if email and not rules.email_fault(email):
                result.changes["contact"] = [{"name": (pkg.get(who) or "").strip(),
                                              "email": email}]
                break

    # defaults chosen by the administrator for what is still missing
    for target, value in defaults.items():
        current = pkg.get(target)
        if target == "license_id" and not _licence_ok(current):
            current = None  # a licence the portal does not offer is replaced too
        if value and current in (None, "", []) and target not in result.changes:
            if target == "personal_data" and pkg.get(target):
                continue
            result.changes[target] = value

    for key, value in extras.items():
        if key in OUTPUT_EXTRAS and key not in result.used_extras and value not in (None, ""):
            result.renamed_extras[key] = LEGACY_PREFIX + key

    merged = dict(pkg, **result.changes)
    result.missing = [f for f in REQUIRED if merged.get(f) in (None, "", [])
                      or (f in ("theme", "communes") and not _is_valid_list(
                          "eu_themes" if f == "theme" else "communes")(merged.get(f)))
                      or (f == "frequency" and not voc.is_valid("frequencies", merged.get(f)))
                      or (f == "license_id" and not _licence_ok(merged.get(f)))
                      or (f == "personal_data"
                          and not voc.is_valid("personal_data", merged.get(f)))]
    return result


def patch(pkg: dict, migration: Plan) -> dict:
    """The ``package_patch`` data dict applying a plan (free extras that were used are removed,
    reserved ones that were not are renamed)."""
    data = {"id": pkg["id"], **migration.changes}
    if migration.used_extras or migration.renamed_extras:
        data["extras"] = [
            {"key": migration.renamed_extras.get(e.get("key"), e.get("key")),
             "value": e.get("value")}
            for e in pkg.get("extras") or [] if e.get("key") not in migration.used_extras]
    return data


def fields_missing_from(schema_fields) -> list[str]:
    """The fields a plan may write that a dataset schema (its field names) lacks."""
    known = set(schema_fields or ())
    return [f for f in FIELDS if f not in known]
