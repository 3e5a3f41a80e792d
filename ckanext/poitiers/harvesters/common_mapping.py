"""Pure helpers shared by the mapping modules (no CKAN, no I/O)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re

from ckanext.poitiers import rules
from ckanext.poitiers.harvesters.i18n import _, ngettext, number
from ckanext.poitiers.harvesters.sanitize import plain_text

_TAG_BAD = re.compile(r"[^\w \-.]+", re.UNICODE)
_ELISION = re.compile(r"\b[cdjlmnst]['’]", re.IGNORECASE)
TAG_MAX = 100


def tags(keywords) -> list[dict]:
    """CKAN tag dicts from remote keywords: plain text, valid characters, no duplicates."""
    seen, result = set(), []
    for keyword in keywords or []:
        text = _TAG_BAD.sub(" ", _ELISION.sub("", plain_text(keyword)))
        name = " ".join(text.split())[:TAG_MAX].strip()
        if len(name) < 2 or name.lower() in seen:
            continue
        seen.add(name.lower())
        result.append({"name": name})
    return result


def iso_date(value) -> str | None:
    """The date part (YYYY-MM-DD) of an ISO 8601 date or date-time, or None."""
    if not value:
        return None
    match = re.match(r"^\d{4}-\d{2}-\d{2}", str(value).strip())
    return match.group(0) if match else None


def utc_timestamp(value) -> str | None:
    """An ISO 8601 date-time as CKAN stores timestamps: in UTC, without offset
    (``2025-04-07T09:49:37+02:00`` → ``2025-04-07T07:49:37``); a date-time without offset is
    kept as it is; None when the value is not a date-time."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return moment.isoformat()


def temporal(start, end) -> list[dict]:
    start, end = iso_date(start), iso_date(end)
    if not start and not end:
        return []
    period = {}
    if start:
        period["start"] = start
    if end:
        period["end"] = end
    return [period]


def drop_empty(package: dict) -> dict:
    """Remove keys whose value is None, '' or an empty list (the schema applies its defaults)."""
    return {k: v for k, v in package.items() if v not in (None, "", [], {})}


TITLE_MAX = 1000


def required_title(record: dict, error: type[ValueError]) -> str:
    """The plain-text title of a remote record; ``error`` (French message) when it has none,
    or one longer than ``TITLE_MAX`` characters (not a title: Solr would refuse to index it)."""
    title = plain_text(record.get("title"))
    if not title:
        raise error(_("the record has no title."))
    if len(title) > TITLE_MAX:
        raise error(_("the title is longer than {maximum} characters.").format(
            maximum=TITLE_MAX))
    return title


def finish_resource(resource: dict, remote: dict) -> dict:
    """A mapped resource with the remote ``filesize`` as ``size`` (when an integer) and the
    date its file last changed (udata ``last_modified``, transport.data.gouv.fr ``updated``) as
    ``last_modified`` in UTC, without empty values."""
    if isinstance(remote.get("filesize"), int):
        resource["size"] = remote["filesize"]
    modified = utc_timestamp(remote.get("last_modified") or remote.get("updated"))
    if modified:
        resource["last_modified"] = modified
    return drop_empty(resource)


def dated(resource: dict, dataset_updated: str | None) -> dict:
    """A mapped resource without a valid date of its own takes ``dataset_updated`` (when the
    dataset's data last changed, in UTC) as ``last_modified``: the pages show it rather than the
    harvest's date as the data's last change. A documentation link (a website, a guide) is not
    the data: it gets none."""
    if (resource.get("last_modified") or not dataset_updated
            or resource.get("resource_kind") == "documentation"):
        return resource
    return dict(resource, last_modified=dataset_updated)


#: dropped resources named one by one in the notes of a record; the others are counted
MAX_DROPPED_NAMED = 5
#: characters of a refused address quoted in a note
DROPPED_URL_SHOWN = 80


def _dropped_note(resource: dict, fault: str, schemes) -> str:
    url = resource["url"]
    name = rules.shown(resource.get("name") or url)
    if fault == rules.URL_TOO_LONG:
        return _("the resource « {name} » is not imported: its address is longer than "
                 "{maximum} characters; the dataset is imported without it.").format(
            name=name, maximum=number(rules.URL_MAX))
    if fault == rules.URL_MALFORMED:
        return _("the resource « {name} » is not imported: its address « {url} » is not a "
                 "valid web address (brackets or port); the dataset is imported without "
                 "it.").format(name=name, url=rules.shown(url, DROPPED_URL_SHOWN))
    return _("the resource « {name} » is not imported: its address « {url} » is not one the "
             "portal links to (addresses starting with {schemes}); the dataset is imported "
             "without it.").format(name=name, url=rules.shown(url, DROPPED_URL_SHOWN),
                                   schemes=", ".join(f"{s}://" for s in schemes))


def usable_resources(resources, schemes) -> tuple[list[dict], list[str]]:
    """(the resources whose address the dataset schema accepts, French notes on the others).

    The rule is the schema's (:func:`ckanext.poitiers.rules.resource_url_fault`, ``schemes``
    being CKAN's ``ckan.valid_url_schemes``): a ``file:``, ``javascript:``, ``data:`` or
    ``smb:`` address, one without scheme or host, would have the schema refuse the whole
    record; the resource is left out instead, and the dataset keeps its other resources. A
    resource without a text address is left to the schema. The notes name each resource left
    out (at most ``MAX_DROPPED_NAMED``, the others counted) with its address, cut, and say so
    when no resource is left."""
    kept, dropped = [], []
    for resource in resources or []:
        url = resource.get("url") if isinstance(resource, dict) else None
        fault = rules.resource_url_fault(url, schemes) if isinstance(url, str) and url.strip() \
            else None
        if fault:
            dropped.append((resource, fault))
        else:
            kept.append(resource)
    notes = [_dropped_note(res, fault, schemes) for res, fault in dropped[:MAX_DROPPED_NAMED]]
    others = len(dropped) - MAX_DROPPED_NAMED
    if others > 0:
        notes.append(ngettext(
            "{count} other resource is not imported: its address is not one the portal links "
            "to.",
            "{count} other resources are not imported: their addresses are not ones the portal "
            "links to.",
            others).format(count=number(others)))
    if dropped and not kept:
        notes.append(_("no resource of the record has an address the portal links to: the "
                       "dataset is imported without resources."))
    return kept, notes


@dataclasses.dataclass(frozen=True)
class AddressField:
    """A field (``subfield`` of a repeating ``field``, or ``field`` itself) of the dataset
    schema holding an address: ``kind`` is ``rules.WEB_ADDRESS`` or ``rules.EMAIL``, ``label``
    the words that name it in a note (« Éditeur › Site web »), ``required`` whether the schema
    requires it (then never left out: the schema refuses the record, in French)."""

    field: str
    subfield: str | None
    kind: str
    label: str
    required: bool = False


def _address_note(label: str, value, fault: str) -> str:
    if fault == rules.URL_TOO_LONG:
        return _("the field « {field} » is not imported: its address is longer than {maximum} "
                 "characters; the dataset is imported without it.").format(
            field=label, maximum=number(rules.URL_MAX))
    shown_value = rules.shown(value, DROPPED_URL_SHOWN)
    if fault == rules.EMAIL_INVALID:
        return _("the field « {field} » is not imported: « {value} » is not a valid email "
                 "address; the dataset is imported without it.").format(
            field=label, value=shown_value)
    if fault == rules.URL_MALFORMED:
        return _("the field « {field} » is not imported: « {value} » is not a valid web address "
                 "(brackets or port); the dataset is imported without it.").format(
            field=label, value=shown_value)
    return _("the field « {field} » is not imported: « {value} » is not a web address starting "
             "with http:// or https://; the dataset is imported without it.").format(
        field=label, value=shown_value)


def usable_addresses(package: dict, fields) -> tuple[dict, list[str]]:
    """(``package`` without the addresses the dataset schema refuses, French notes on them).

    ``fields`` (:class:`AddressField`) are the address fields of the schema; the rule is the
    schema's (:func:`ckanext.poitiers.rules.address_fault`): a source page without scheme, a
    publisher's website in ``javascript:``, a contact email that is not one would have the
    schema refuse the whole record; the field is left empty instead (``""`` for a field of its
    own, so that an update empties it too; the subfield taken out of its group, a group left
    empty taken out of its list), and the dataset is imported with everything else. A required
    field is left as it is, for the schema to refuse. The notes name each field left empty (at
    most ``MAX_DROPPED_NAMED``, the others counted) with its value, cut."""
    package = dict(package)
    dropped: list[tuple[str, object, str]] = []
    for spec in fields:
        if spec.required:
            continue
        if spec.subfield is None:
            fault = rules.address_fault(spec.kind, package.get(spec.field))
            if fault:
                dropped.append((spec.label, package[spec.field], fault))
                package[spec.field] = ""
            continue
        groups = package.get(spec.field)
        if not isinstance(groups, list):
            continue
        kept = []
        for index, group in enumerate(groups):
            fault = rules.address_fault(spec.kind, group.get(spec.subfield)) \
                if isinstance(group, dict) else None
            if fault:
                label = spec.label if len(groups) == 1 else _(
                    "{field} (no. {number})").format(field=spec.label, number=index + 1)
                dropped.append((label, group[spec.subfield], fault))
                group = {k: v for k, v in group.items() if k != spec.subfield}
                if not any(v not in (None, "", [], {}) for v in group.values()):
                    continue
            kept.append(group)
        if kept != groups:
            package[spec.field] = kept
    notes = [_address_note(label, value, fault)
             for label, value, fault in dropped[:MAX_DROPPED_NAMED]]
    others = len(dropped) - MAX_DROPPED_NAMED
    if others > 0:
        notes.append(ngettext(
            "{count} other field is not imported: its address is not one the schema accepts.",
            "{count} other fields are not imported: their addresses are not ones the schema "
            "accepts.",
            others).format(count=number(others)))
    return package, notes


# the JSON types of a record's fields, for shape_errors: a type (or tuple of types), a dict
# (an object whose fields have these shapes) or a one-item list (a list of items of that shape)
TEXT = str
IDENTIFIER = (str, int)
NUMBER = (int, float)
FLAG = (bool, int)
MAX_SHAPE_ERRORS = 3


def _json_type(value) -> str:
    if isinstance(value, bool):
        return _("true or false")
    if isinstance(value, str):
        return _("a text")
    if isinstance(value, (int, float)):
        return _("a number")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("an object")
    return _("null")


def _expected(shape) -> str:
    if isinstance(shape, dict):
        return _("an object")
    if isinstance(shape, list):
        return _("a list")
    kinds = shape if isinstance(shape, tuple) else (shape,)
    sample = {str: "", int: 0, float: 0.0, bool: True}
    names = list(dict.fromkeys(_json_type(sample[k]) for k in kinds))
    text = names[0]
    for name in names[1:]:
        text = _("{first} or {second}").format(first=text, second=name)
    return text


def _matches(value, shape) -> bool:
    if isinstance(shape, dict):
        return isinstance(value, dict)
    if isinstance(shape, list):
        return isinstance(value, list)
    kinds = shape if isinstance(shape, tuple) else (shape,)
    if isinstance(value, bool):
        return bool in kinds
    return isinstance(value, kinds)


def shape_errors(record: dict, shape: dict, path: str = "") -> list[str]:
    """French messages naming the fields of ``record`` whose value is not of the JSON type
    ``shape`` gives (null is accepted for a field, not for an item of a list): a record whose
    ``resources`` is a text, or whose publisher is a list, is refused with these messages
    rather than stopping the harvest with a Python error. At most ``MAX_SHAPE_ERRORS``."""
    errors: list[str] = []

    def check(value, expected, where, nullable=True):
        if len(errors) >= MAX_SHAPE_ERRORS or (value is None and nullable):
            return
        if not _matches(value, expected):
            errors.append(_("« {field} » should be {expected}; the source gives {given}.").format(
                field=where, expected=_expected(expected), given=_json_type(value)))
            return
        if isinstance(expected, dict):
            for key, sub in expected.items():
                check(value.get(key), sub, f"{where}.{key}" if where else key)
        elif isinstance(expected, list):
            for i, item in enumerate(value):
                check(item, expected[0], f"{where}[{i}]", nullable=False)

    check(record, shape, path, nullable=False)
    return errors
