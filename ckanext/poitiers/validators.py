"""Validators of the Poitiers schemas (registered by the core plugin through IValidators).

Messages are English msgids translated by our catalogue: a publisher reads them in French next to
the field, an API client gets them in the structured ``error`` dict of the action API.

``poitiers_required`` makes a field required to *publish*: a dataset in state ``draft`` saves
without it. Validators taking the scheming field (``@scheming_validator``) read the vocabulary
name from the field's ``vocabulary`` key (see schemas/dataset.yaml).
"""
from __future__ import annotations

import contextlib
import datetime
import json
import re
from urllib.parse import urlparse

import ckan.plugins.toolkit as tk

from ckanext.poitiers import lists
from ckanext.poitiers import vocabularies as voc
from ckanext.scheming.validation import scheming_validator

missing = tk.missing
Invalid = tk.Invalid
StopOnError = tk.StopOnError
_ = tk._

EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})"
                     r"(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?)?)?$")
TRUE_VALUES = {"true", "1", "yes", "oui", "on", "vrai"}
FALSE_VALUES = {"false", "0", "no", "non", "off", "faux"}


def _empty(value) -> bool:
    return value is missing or value is None or value == "" or value == []


def _stop_if_empty(key, data):
    if _empty(data.get(key, missing)):
        data.pop(key, None)
        raise StopOnError


def is_draft(data, context) -> bool:
    """Whether the dataset being validated is (or stays) a draft."""
    state = data.get(("state",), missing)
    if state is missing or state is None or state == "":
        package = context.get("package")
        state = getattr(package, "state", None)
    return state == "draft"


# --------------------------------------------------------------------------- required


@scheming_validator
def poitiers_required(field, schema):
    """Required to publish; optional while the dataset is a draft."""

    def validator(key, data, errors, context):
        if not _empty(data.get(key, missing)):
            return
        if is_draft(data, context):
            data.pop(key, None)
            raise StopOnError
        errors[key].append(_("Required to publish the dataset"))
        raise StopOnError

    return validator


# --------------------------------------------------------------------------- vocabularies


def _unknown_message(vocabulary: str, value) -> str:
    if vocabulary == "communes":
        return _("“{value}” is not the INSEE code of a commune of Grand Poitiers").format(
            value=value)
    if vocabulary == "licences":
        return _("“{value}” is not one of the portal's licences").format(value=value)
    return _("“{value}” is not one of the proposed values").format(value=value)


def _as_list(value) -> list | None:
    """Form (one string), API (list) or stored (JSON list string) value → list; None if invalid."""
    return [] if _empty(value) else lists.strict(value)


@scheming_validator
def poitiers_multiple_choice(field, schema):
    """Zero or more values of the field's vocabulary → JSON list in vocabulary order."""
    name = field["vocabulary"]

    def validator(key, data, errors, context):
        if errors.get(key):
            return
        values = _as_list(data.get(key, missing))
        if values is None:
            errors[key].append(_("Expecting a list of values"))
            return
        wanted = set()
        for value in values:
            if not isinstance(value, str) or not voc.is_valid(name, value.strip()):
                errors[key].append(_unknown_message(name, value))
                continue
            wanted.add(value.strip())
        if errors[key]:
            return
        data[key] = json.dumps([v for v in voc.values(name) if v in wanted])

    return validator


@scheming_validator
def poitiers_choice(field, schema):
    """One value of the field's vocabulary; an empty value removes the field."""
    name = field["vocabulary"]

    def validator(key, data, errors, context):
        if errors.get(key):
            return
        _stop_if_empty(key, data)
        value = data[key]
        if isinstance(value, str):
            value = value.strip()
        if not voc.is_valid(name, value):
            errors[key].append(_unknown_message(name, value))
            raise StopOnError
        data[key] = value

    return validator


def poitiers_themes_from_subthemes(key, data, errors, context):
    """EU theme codes → URIs, and each Poitiers sub-theme adds its EU theme when missing."""
    themes = _as_list(data.get(key, missing))
    if themes is None:
        return
    normalised = [voc.eu_theme_uri(t) or t if isinstance(t, str) else t for t in themes]
    subthemes = _as_list(data.get(("poitiers_theme",), missing)) or []
    for sub in subthemes:
        uri = voc.eu_theme_of(sub) if isinstance(sub, str) else None
        if uri and uri not in normalised:
            normalised.append(uri)
    if normalised or themes:
        data[key] = normalised


def poitiers_frequency(value, context):
    """A udata frequency id, EU code or EU/Dublin Core URI → the EU frequency URI."""
    if isinstance(value, str) and value.strip():
        return voc.frequency_uri(value) or value.strip()
    return value


def poitiers_licence(value, context):
    """A licence id known to the portal's licence register."""
    if _empty(value):
        return value
    from ckan import model

    if value not in model.Package.get_license_register():
        raise Invalid(_unknown_message("licences", value))
    return value


def poitiers_boolean_choice(value, context):
    """true/false, oui/non, 1/0, booleans → the strings "true" / "false"."""
    if _empty(value):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value).strip().lower()
    if text in TRUE_VALUES:
        return "true"
    if text in FALSE_VALUES:
        return "false"
    raise Invalid(_("Answer yes or no"))


# --------------------------------------------------------------------------- formats


def poitiers_email(value, context):
    if _empty(value):
        return value
    value = str(value).strip()
    if value.lower().startswith("mailto:"):
        value = value[len("mailto:"):]
    if len(value) > 254 or not EMAIL_RE.match(value):
        raise Invalid(_("“{value}” is not a valid email address (e.g. name@example.org)")
                      .format(value=value))
    return value


def poitiers_url(value, context):
    if _empty(value):
        return value
    value = str(value).strip()
    parts = urlparse(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
        raise Invalid(_("Enter a web address starting with http:// or https://"))
    return value


def parse_date(value) -> datetime.date | None:
    """YYYY, YYYY-MM, YYYY-MM-DD or an ISO date-time → the (first) day it designates; None if
    the text is not such a date or not a real calendar date (pure function)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str):
        return None
    match = DATE_RE.match(value.strip())
    if not match:
        return None
    year, month, day = (int(match.group(i) or 1) for i in (1, 2, 3))
    try:
        parsed = datetime.date(year, month, day)
        if match.group(4):
            datetime.time(int(match.group(4)), int(match.group(5)), int(match.group(6) or 0))
    except ValueError:
        return None
    return parsed


def poitiers_date(value, context):
    if _empty(value):
        return value
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value
    if parse_date(value) is None or int(str(value).strip()[:4]) < 1000:
        raise Invalid(_("Enter a date as YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2024-03-31)"))
    return str(value).strip()


def poitiers_siren(value, context):
    if _empty(value):
        return value
    cleaned = voc.normalise_siren(str(value))
    if not voc.siren_or_siret_ok(cleaned):
        raise Invalid(_("“{value}” is not a valid SIREN (9 digits) or SIRET (14 digits) number: "
                        "check the digits").format(value=value))
    return cleaned


def poitiers_positive_int(value, context):
    if _empty(value):
        return value
    try:
        number = int(str(value).strip())
    except ValueError:
        raise Invalid(_("Enter a whole number of seconds, e.g. 300")) from None
    if number <= 0:
        raise Invalid(_("Enter a whole number of seconds, e.g. 300"))
    return number


# --------------------------------------------------------------------------- whole dataset


REPEATING = ("contact", "publisher", "temporal_coverage")


def poitiers_drop_empty_groups(key, data, errors, context):
    """Forget the blank groups a web form posts for repeating fields (an empty contact…)."""
    groups: dict = {}
    for flat in data:
        if len(flat) == 3 and flat[0] in REPEATING:
            groups.setdefault(flat[:2], []).append(flat)
    for flats in groups.values():
        if all(_empty(data[f]) for f in flats) and not any(errors.get(f) for f in flats):
            for flat in flats:
                del data[flat]


def poitiers_dataset_consistency(key, data, errors, context):
    """Checks spanning several fields (schema-level after validator)."""
    def add(field_key, message):
        errors.setdefault(field_key, []).append(message)

    if data.get(("personal_data",)) == "personal" and _empty(
            data.get(("personal_data_basis",), missing)):
        add(("personal_data_basis",),
            _("A dataset containing personal data needs the legal basis of its publication"))

    periods = {k[1] for k in data if len(k) == 3 and k[0] == "temporal_coverage"}
    for index in periods:
        start = parse_date(data.get(("temporal_coverage", index, "start")))
        end = parse_date(data.get(("temporal_coverage", index, "end")))
        if start and end and end < start:
            add(("temporal_coverage", index, "end"),
                _("The end of the period comes before its start"))

    schema_id = data.get(("data_schema",))
    version = data.get(("data_schema_version",))
    if not _empty(version) and isinstance(version, str):
        if _empty(schema_id):
            add(("data_schema_version",), _("Choose the data schema this version belongs to"))
        else:
            found = voc.entry("data_schemas", schema_id)
            if found and version.strip() not in found.get("versions", []):
                add(("data_schema_version",),
                    _("Version {version} of this schema does not exist; known versions: "
                      "{versions}").format(version=version,
                                           versions=", ".join(found["versions"])))


def poitiers_resource_type_from_kind(key, data, errors, context):
    """CKAN's core ``resource_type`` follows our ``resource_kind`` (file, api, documentation)."""
    kind = data.get(key)
    type_key = key[:-1] + ("resource_type",)
    if kind and voc.is_valid("resource_kinds", kind):
        data[type_key] = voc.resource_type_for_kind(kind)


#: extras that package_show adds for data.gouv.fr's CKAN harvester (see udata.py): output only
OUTPUT_EXTRAS = ("frequency", "temporal_start", "temporal_end", "spatial-text", "spatial-uri")


#: fields poitiers_required guards in schemas/dataset.yaml
PUBLICATION_FIELDS = ("notes", "theme", "communes", "frequency", "personal_data")


def poitiers_publication_gate(key, data, errors, context):
    """CKAN 2.11's resource step publishes a draft without catching validation errors (a server
    error for the publisher). There, an incomplete draft stays a draft and the publisher is told,
    in French, what is missing; CKAN 2.12 shows the errors on the resource form itself."""
    if tk.check_ckan_version(min_version="2.12"):
        return
    if not context.get("allow_state_change") or data.get(("state",)) != "active":
        return
    package = context.get("package")
    if getattr(package, "state", None) != "draft":
        return
    absent = [f for f in PUBLICATION_FIELDS if _empty(data.get((f,), missing))]
    if not absent:
        return
    data[("state",)] = "draft"
    with contextlib.suppress(RuntimeError):  # no request (API, CLI): nothing to flash
        tk.h.flash_error(_("The dataset stays a draft: fill in {fields} to publish it").format(
            fields=", ".join(absent)))


DROP_PREFIX = "__poitiers_output__"


def poitiers_strip_output_extras(key, data, errors, context):
    """Before validation: mark the extras package_show mirrors for data.gouv.fr, when a client
    sends them back, so that they pass the extras validators (see poitiers_drop_output_extras)."""
    for flat in list(data):
        if (len(flat) == 3 and flat[0] == "extras" and flat[2] == "key"
                and data[flat] in OUTPUT_EXTRAS):
            data[flat] = DROP_PREFIX + data[flat]


def poitiers_drop_output_extras(key, data, errors, context):
    """After validation: forget the extras marked by poitiers_strip_output_extras."""
    marked = {flat[:2] for flat in data
              if len(flat) == 3 and flat[0] == "extras" and flat[2] == "key"
              and isinstance(data[flat], str) and data[flat].startswith(DROP_PREFIX)}
    for flat in [k for k in data if k[:2] in marked]:
        del data[flat]


def all_validators() -> dict:
    return {
        "poitiers_required": poitiers_required,
        "poitiers_multiple_choice": poitiers_multiple_choice,
        "poitiers_choice": poitiers_choice,
        "poitiers_themes_from_subthemes": poitiers_themes_from_subthemes,
        "poitiers_frequency": poitiers_frequency,
        "poitiers_licence": poitiers_licence,
        "poitiers_boolean_choice": poitiers_boolean_choice,
        "poitiers_email": poitiers_email,
        "poitiers_url": poitiers_url,
        "poitiers_date": poitiers_date,
        "poitiers_siren": poitiers_siren,
        "poitiers_positive_int": poitiers_positive_int,
        "poitiers_dataset_consistency": poitiers_dataset_consistency,
        "poitiers_drop_empty_groups": poitiers_drop_empty_groups,
        "poitiers_resource_type_from_kind": poitiers_resource_type_from_kind,
        "poitiers_strip_output_extras": poitiers_strip_output_extras,
        "poitiers_publication_gate": poitiers_publication_gate,
        "poitiers_drop_output_extras": poitiers_drop_output_extras,
    }
