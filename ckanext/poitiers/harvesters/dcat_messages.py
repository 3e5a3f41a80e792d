"""The messages ckanext-dcat's harvester stores (English, some with a Python traceback), as our
French messages: a publisher reads them on the harvest source page.

Pure mapping of the messages of ckanext-dcat 2.4 (``harvesters/rdf.py``); a message it does not
know is kept as it is.
"""
from __future__ import annotations

import ast
import re
from collections.abc import Callable

from ckanext.poitiers.harvesters.base import format_validation_error, schema_labels
from ckanext.poitiers.harvesters.i18n import _


def _summary(text: str) -> str:
    """CKAN's ``error_summary`` as ckanext-dcat prints it (a dict's repr), as our other
    harvesters write validation errors (« field : message | … »), with the labels of our schema:
    the summary names a field by CKAN's prettified name (« Temporal coverage », translated when
    CKAN's catalogue has it) and its subfields by their names (« end »)."""
    try:
        summary = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return text
    if not isinstance(summary, dict):
        return text
    labels = schema_labels("dataset")
    fields = _summary_keys(labels)
    return format_validation_error({fields.get(k, k): v for k, v in summary.items()}, labels)


def _summary_keys(labels: dict) -> dict[str, str]:
    """The keys of CKAN's ``error_summary`` (``ValidationError.error_summary``: the field name,
    spaces for underscores, capitalised, « URL » written so, then translated) → field names."""
    try:
        from ckan.plugins import toolkit

        translate = toolkit._
        translate("Title")
    except Exception:  # noqa: BLE001 - no CKAN (pure tests): untranslated names only
        def translate(text):
            return text
    keys = {}
    for field in labels:
        pretty = re.sub(r"(?<!\w)[Uu]rl(?!\w)", "URL", field.replace("_", " ").capitalize())
        keys[pretty] = field
        keys.setdefault(translate(pretty), field)
    return keys


def _exception(text: str) -> str:
    """The exception's class name from its repr (« IntegrityError('…') » → IntegrityError)."""
    return re.split(r"[(:\s]", text.strip(), maxsplit=1)[0] or text


GATHER: list[tuple[re.Pattern, Callable[[re.Match], str]]] = [
    (re.compile(r"^Error parsing the RDF file: (?P<error>.*)\Z", re.S),
     lambda m: _("The catalogue is not valid RDF ({error}); no dataset is withdrawn after an "
                 "incomplete harvest.").format(error=m["error"].strip())),
    (re.compile(r"^Could not get a unique identifier for dataset: .*\Z", re.S),
     lambda m: _("A dataset of the catalogue has neither an identifier nor a URI; it is "
                 "ignored.")),
    (re.compile(r"^Error when processsing dataset: (?P<error>.*?) / .*\Z", re.S),
     lambda m: _("The catalogue could not be read: {error} No dataset is withdrawn after an "
                 "incomplete harvest.").format(error=_exception(m["error"]) + ".")),
]

OBJECT: list[tuple[re.Pattern, Callable[[re.Match, str], str]]] = [
    (re.compile(r"^Empty content for object .*\Z", re.S),
     lambda m, guid: _("Record {guid} is empty.").format(guid=guid)),
    (re.compile(r"^Could not parse content for object .*\Z", re.S),
     lambda m, guid: _("Record {guid} cannot be read.").format(guid=guid)),
    (re.compile(r"^(Create|Update) validation Error: (?P<summary>.*)\Z", re.S),
     lambda m, guid: _("The dataset of record {guid} was refused by the schema: {errors}").format(
         guid=guid, errors=_summary(m["summary"]))),
    (re.compile(r"^RDFHarvester plugin error: (?P<error>.*)\Z", re.S),
     lambda m, guid: _("Record {guid}: {error}").format(guid=guid, error=m["error"])),
    (re.compile(r"^Error importing dataset (?P<name>.*?): (?P<error>.*?) / .*\Z", re.S),
     lambda m, guid: _("The dataset of record {guid} could not be saved: {error}").format(
         guid=guid, error=_exception(m["error"]))),
]


def gather_message(message: str) -> str:
    for pattern, french in GATHER:
        found = pattern.match(message)
        if found:
            return french(found)
    return message


def object_message(message: str, guid: str) -> str:
    for pattern, french in OBJECT:
        found = pattern.match(message)
        if found:
            return french(found, guid)
    return message
