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

import ckan.plugins.toolkit as tk

from ckanext.poitiers import lists
from ckanext.poitiers import vocabularies as voc
from ckanext.poitiers.rules import (
    EMAIL,
    URL_MALFORMED,
    URL_MAX,
    URL_TOO_LONG,
    WEB_ADDRESS,
    email_address,
    email_fault,
    resource_url_fault,
    shown,
    url_schemes_of,
    web_address_fault,
)
from ckanext.scheming.validation import scheming_validator

missing = tk.missing
Invalid = tk.Invalid
StopOnError = tk.StopOnError
_ = tk._

# ASCII digits only (``\d`` would also take Arabic-Indic or Devanagari digits); the time offset
# is checked apart (RFC 3339: hours 00-23, minutes 00-59)
DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})"
                     r"(?:\.\d+)?)?(?:Z|[+-](\d{2}):?(\d{2}))?)?)?)?$", re.ASCII)
INT_RE = re.compile(r"^[+]?[0-9]+$")
#: what counts as blank in a text field: whitespace (non-breaking spaces included, which
#: str.strip() removes) and the invisible characters editors paste
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
TRUE_VALUES = {"true", "1", "yes", "oui", "on", "vrai"}
FALSE_VALUES = {"false", "0", "no", "non", "off", "faux"}


def _blank(text: str) -> bool:
    return all(c.isspace() or c in INVISIBLE for c in text)


def _empty(value) -> bool:
    """Missing, None, an empty list, or text made only of spaces (non-breaking ones too)."""
    if isinstance(value, str):
        return _blank(value)
    return value is missing or value is None or value == []


def _stop_if_empty(key, data):
    if _empty(data.get(key, missing)):
        data.pop(key, None)
        raise StopOnError


def poitiers_ignore_blank(key, data, errors, context):
    """An optional text left blank (``""``, spaces) is not stored: the form posts every field,
    and ``ignore_missing`` keeps the empty text. As an output validator, a blank stored before
    is not shown either."""
    _stop_if_empty(key, data)


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
    if _empty(value) or not shown(value).strip():
        return _("An empty value was sent: choose one of the proposed values")
    if not isinstance(value, str):
        return _("“{value}” is not one of the proposed values: send one text value").format(
            value=shown(value))
    if vocabulary == "communes":
        return _("“{value}” is not the INSEE code of a commune of Grand Poitiers").format(
            value=shown(value))
    if vocabulary == "licences":
        return _("“{value}” is not one of the portal's licences").format(value=shown(value))
    return _("“{value}” is not one of the proposed values").format(value=shown(value))


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
        if not isinstance(value, str) or not voc.is_valid(name, value):
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

    if not isinstance(value, str) or value not in model.Package.get_license_register():
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
    """An email address (a ``mailto:`` prefix removed); the rule is
    :func:`ckanext.poitiers.rules.email_fault`, which the harvesters apply too."""
    if _empty(value):
        return value
    value = email_address(str(value))
    if email_fault(value):
        raise Invalid(_("“{value}” is not a valid email address (e.g. name@example.org)")
                      .format(value=shown(value)))
    return value


def _too_long_message(value: str, limit: int) -> str:
    return _("This text is too long: {length} characters, at most {limit}").format(
        length=len(value), limit=limit)


def _too_long(value: str, limit: int) -> None:
    if len(value) > limit:
        raise Invalid(_too_long_message(value, limit))


def poitiers_max_length(limit: int):
    """At most ``limit`` characters (``poitiers_max_length(500)`` in a schema): a value the search
    index would refuse, or that is no longer a title or a name, gets a French message next to
    its field instead of a server error."""
    limit = int(limit)

    def validator(value, context):
        if isinstance(value, str):
            _too_long(value, limit)
        return value

    return validator


def poitiers_url(value, context):
    """A web address (http or https); the rule is
    :func:`ckanext.poitiers.rules.web_address_fault`, which the harvesters apply too."""
    if _empty(value):
        return value
    value = str(value).strip()
    fault = web_address_fault(value)
    if fault == URL_TOO_LONG:
        raise Invalid(_too_long_message(value, URL_MAX))
    if fault == URL_MALFORMED:
        # an unclosed IPv6 bracket ("http://[::1", "https://[www.exemple.fr"), a bad port
        raise Invalid(_("“{value}” is not a valid web address: check the brackets and the port "
                        "(e.g. https://www.poitiers.fr)").format(value=shown(value)))
    if fault:
        raise Invalid(_("Enter a web address starting with http:// or https://"))
    return value


#: the kind of address (``rules.WEB_ADDRESS``, ``rules.EMAIL``) each address validator checks:
#: the harvesters find the address fields of a schema by their validators
ADDRESS_VALIDATORS = {"poitiers_url": WEB_ADDRESS, "poitiers_email": EMAIL}


def url_schemes() -> list[str]:
    """The schemes a resource address may have: CKAN's ``ckan.valid_url_schemes`` (http, https,
    ftp by default), the ones its pages turn into links."""
    return url_schemes_of(tk.config.get("ckan.valid_url_schemes"))


def poitiers_resource_url(key, data, errors, context):
    """A resource's address: a web address with one of :func:`url_schemes` (``javascript:``,
    ``file:``, ``data:`` or an address without scheme are refused in French); an uploaded file's
    name (``url_type`` upload) and an empty address are left to CKAN. The rule is
    :func:`ckanext.poitiers.rules.resource_url_fault`, which the harvesters apply too."""
    value = data.get(key)
    if _empty(value) or not isinstance(value, str):
        return
    if data.get(key[:-1] + ("url_type",)) == "upload":
        return
    value = value.strip()
    schemes = url_schemes()
    fault = resource_url_fault(value, schemes)
    if fault == URL_TOO_LONG:
        errors[key].append(_too_long_message(value, URL_MAX))
        raise StopOnError
    if fault == URL_MALFORMED:
        errors[key].append(_("“{value}” is not a valid web address: check the brackets and the "
                             "port (e.g. https://www.poitiers.fr)").format(value=shown(value)))
        raise StopOnError
    if fault:
        example = ", ".join(f"{s}://" for s in schemes)
        errors[key].append(_("“{value}” is not an address the portal links to: enter an address "
                             "starting with {schemes} or upload the file").format(
            value=shown(value), schemes=example))
        raise StopOnError
    data[key] = value


def parse_date(value, last: bool = False) -> datetime.date | None:
    """YYYY, YYYY-MM, YYYY-MM-DD or an ISO date-time → the first day it designates (with
    ``last``, the last one: ``2024`` → 2024-12-31, ``2024-02`` → 2024-02-29, as the end of a
    period); None if the text is not such a date or not a real calendar date (pure function)."""
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
        if match.group(7) and (int(match.group(7)) > 23 or int(match.group(8)) > 59):
            return None
    except ValueError:
        return None
    if last and not match.group(3):
        if match.group(2):
            following = datetime.date(year + (month == 12), month % 12 + 1, 1)
            return following - datetime.timedelta(days=1)
        return datetime.date(year, 12, 31)
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
                        "check the digits").format(value=shown(value)))
    return cleaned


def poitiers_positive_int(value, context):
    if _empty(value):
        return value
    text = str(value).strip()
    if isinstance(value, bool) or not INT_RE.match(text):
        raise Invalid(_("Enter a whole number of seconds, e.g. 300"))
    number = int(text)
    if number <= 0:
        raise Invalid(_("Enter a whole number of seconds, e.g. 300"))
    return number


# --------------------------------------------------------------------------- whole dataset


REPEATING = ("contact", "publisher", "temporal_coverage", "spatial_coverage")


def _empty_subfield(value) -> bool:
    """An empty subfield, or the ``__extras`` of a group of blank unknown subfields: the hidden
    template of a repeating field (``contact-REPEATING-INDEX0-name``…), which a browser posts
    when scripts do not run."""
    if isinstance(value, dict):
        return all(_empty(v) for v in value.values())
    return _empty(value)


def poitiers_drop_empty_groups(key, data, errors, context):
    """Forget the blank groups a web form posts for repeating fields (an empty contact…)."""
    groups: dict = {}
    for flat in data:
        if len(flat) == 3 and flat[0] in REPEATING:
            groups.setdefault(flat[:2], []).append(flat)
    for flats in groups.values():
        if all(_empty_subfield(data[f]) for f in flats) \
                and not any(errors.get(f) for f in flats):
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
        # a partial end designates its last day: 2024-05 → 2024 is a period of 2024
        start = parse_date(data.get(("temporal_coverage", index, "start")))
        end = parse_date(data.get(("temporal_coverage", index, "end")), last=True)
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
                      "{versions}").format(version=shown(version),
                                           versions=", ".join(found["versions"])))


def poitiers_resource_type_from_kind(key, data, errors, context):
    """CKAN's core ``resource_type`` follows our ``resource_kind`` (file, api, documentation)."""
    kind = data.get(key)
    type_key = key[:-1] + ("resource_type",)
    if kind and voc.is_valid("resource_kinds", kind):
        data[type_key] = voc.resource_type_for_kind(kind)


#: extras that package_show adds for data.gouv.fr's CKAN harvester (see udata.py): output only
OUTPUT_EXTRAS = ("frequency", "temporal_start", "temporal_end", "spatial-text", "spatial-uri")


def publication_fields(dataset_type: str = "dataset") -> list[dict]:
    """The fields of the dataset schema that ``poitiers_required`` guards."""
    from ckanext.scheming.helpers import scheming_get_dataset_schema

    schema = scheming_get_dataset_schema(dataset_type) or {}
    return [f for f in schema.get("dataset_fields", [])
            if "poitiers_required" in str(f.get("validators", "")).split()]


def _missing_to_publish(data, context, fields: list[dict]) -> list[dict]:
    """The fields among ``fields`` a draft still misses, after what the field validators will
    fill in themselves (a Poitiers sub-theme brings its EU theme)."""
    themes = {("theme",): data.get(("theme",), missing),
              ("poitiers_theme",): data.get(("poitiers_theme",), missing)}
    poitiers_themes_from_subthemes(("theme",), themes, {}, context)
    completed = {("theme",): themes[("theme",)]}
    return [f for f in fields
            if _empty(completed.get((f["field_name"],), data.get((f["field_name"],), missing)))]


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
    dataset_type = data.get(("type",)) or getattr(package, "type", None) or "dataset"
    absent = _missing_to_publish(data, context, publication_fields(dataset_type))
    if not absent:
        return
    data[("state",)] = "draft"
    with contextlib.suppress(RuntimeError):  # no request (API, CLI): nothing to flash
        from ckanext.scheming.helpers import scheming_language_text

        labels = [_("“{label}”").format(
            label=scheming_language_text(f.get("label")) or f["field_name"]) for f in absent]
        tk.h.flash_error(_("The dataset stays a draft: fill in {fields} to publish it").format(
            fields=", ".join(labels)))


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


# --------------------------------------------------------------------------- configuration
# Validators of config_declaration.yaml: CKAN runs them when it starts (and in
# `ckan config validate`), so a wrong value stops the start with the option's name instead of
# failing later (at harvest time, on a page).

SECONDS_RE = re.compile(r"^[0-9]+(?:\.[0-9]+)?$")


def _seconds(value, positive: bool) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str) and SECONDS_RE.match(value.strip()):
        number = float(value.strip())
    else:
        number = -1.0
    if not (number > 0 if positive else number >= 0) or number == float("inf"):
        raise Invalid(_("Expecting a number of seconds greater than 0, e.g. 30") if positive
                      else _("Expecting a number of seconds, 0 or more, e.g. 1.5"))
    return number


def poitiers_config_seconds(value, context=None):
    """A number of seconds, 0 or more (``1``, ``0.5``)."""
    return _seconds(value, positive=False)


def poitiers_config_positive_seconds(value, context=None):
    """A number of seconds greater than 0."""
    return _seconds(value, positive=True)


def poitiers_config_date(value, context=None):
    """Empty, or a calendar date written YYYY-MM-DD."""
    if _empty(value):
        return ""
    text = str(value).strip()
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text) or parse_date(text) is None:
        raise Invalid(_("Expecting a date written YYYY-MM-DD, e.g. 2026-11-25"))
    return text


def poitiers_config_siren(value, context=None):
    """A SIREN (9 digits) with a valid key; spaces and dots are removed."""
    text = voc.normalise_siren(str(value or "").strip())
    if not (len(text) == 9 and voc.siren_or_siret_ok(text)):
        raise Invalid(_("Expecting a SIREN of 9 digits with a valid key, e.g. 200069854"))
    return text


def all_validators() -> dict:
    return {
        "poitiers_required": poitiers_required,
        "poitiers_ignore_blank": poitiers_ignore_blank,
        "poitiers_multiple_choice": poitiers_multiple_choice,
        "poitiers_choice": poitiers_choice,
        "poitiers_themes_from_subthemes": poitiers_themes_from_subthemes,
        "poitiers_frequency": poitiers_frequency,
        "poitiers_licence": poitiers_licence,
        "poitiers_boolean_choice": poitiers_boolean_choice,
        "poitiers_email": poitiers_email,
        "poitiers_url": poitiers_url,
        "poitiers_resource_url": poitiers_resource_url,
        "poitiers_max_length": poitiers_max_length,
        "poitiers_date": poitiers_date,
        "poitiers_siren": poitiers_siren,
        "poitiers_positive_int": poitiers_positive_int,
        "poitiers_dataset_consistency": poitiers_dataset_consistency,
        "poitiers_drop_empty_groups": poitiers_drop_empty_groups,
        "poitiers_resource_type_from_kind": poitiers_resource_type_from_kind,
        "poitiers_strip_output_extras": poitiers_strip_output_extras,
        "poitiers_publication_gate": poitiers_publication_gate,
        "poitiers_drop_output_extras": poitiers_drop_output_extras,
        "poitiers_config_seconds": poitiers_config_seconds,
        "poitiers_config_positive_seconds": poitiers_config_positive_seconds,
        "poitiers_config_date": poitiers_config_date,
        "poitiers_config_siren": poitiers_config_siren,
    }
