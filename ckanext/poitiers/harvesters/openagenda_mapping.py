"""OpenAgenda agenda → Poitiers dataset dict (events are not datasets: an agenda is one dataset
whose resources are its exports and its API). Pure functions.

Input: ``GET /v2/agendas/{uid}`` (or an element of ``GET /v2/agendas``): ``uid, title, slug,
description, url, image, official, updatedAt, summary{…}``; the harvest adds
``_events_updated``, the ``updatedAt`` of the agenda's latest changed event (the agenda's own
``updatedAt`` is the one of its settings, not of its events).
"""
from __future__ import annotations

import re
from urllib.parse import quote

from ckanext.poitiers.harvesters.common_mapping import (
    FLAG,
    IDENTIFIER,
    TEXT,
    drop_empty,
    required_title,
    shape_errors,
    utc_timestamp,
)
from ckanext.poitiers.harvesters.i18n import _
from ckanext.poitiers.harvesters.sanitize import clean_html
from ckanext.poitiers.vocabularies import remote

SITE = "https://openagenda.com"
# key the harvest adds to an agenda: when its events last changed (``updatedAt`` of the latest
# changed event), the date its exports and its API last changed
EVENTS_UPDATED = "_events_updated"
CONTINUOUS = "http://publications.europa.eu/resource/authority/frequency/UPDATE_CONT"
# exports of an agenda's public page, all its events (the "v2" exports that openagenda.com's
# export dialog links to: /agendas/{uid}/events.v2.csv, .xlsx and .ics; its JSON is the API,
# a resource of its own): path, format
EXPORTS = (
    ("events.v2.csv", "CSV"),
    ("events.v2.ics", "ICS"),
    ("events.v2.xlsx", "XLSX"),
)


# an agenda uid: a number, as in openagenda.com/agendas/41648
UID = re.compile(r"[0-9]{1,20}")  # used with fullmatch: "41648\n" is not a uid
# the JSON types of the fields read
SHAPE = {"uid": IDENTIFIER, "title": TEXT, "slug": TEXT, "description": TEXT, "url": TEXT,
         "private": FLAG}


class OpenAgendaMappingError(ValueError):
    pass


def uid_of(record: dict) -> str | None:
    """The agenda's uid as text, or None when it is not an agenda uid (a number)."""
    uid = record.get("uid")
    if isinstance(uid, bool) or not isinstance(uid, (str, int)) or not UID.fullmatch(str(uid)):
        return None
    return str(uid)


def segment(value) -> str:
    """``value`` (a slug or a uid given by OpenAgenda) as one segment of an address's path:
    everything but letters, digits and ``-._~`` percent-encoded, so that a space, a ``/``, a
    ``?`` or a ``#`` in it never makes another path, a query or a fragment."""
    return quote(str(value), safe="")


def guid(record: dict) -> str | None:
    uid = uid_of(record)
    return f"{SITE}/agendas/{segment(uid)}" if uid else None


def export_names() -> dict[str, str]:
    return {
        "events.v2.csv": _("Events (CSV)"),
        "events.v2.ics": _("Events (iCalendar)"),
        "events.v2.xlsx": _("Events (spreadsheet)"),
    }


def map_agenda(record: dict, api: str, licence_id: str) -> dict:
    errors = shape_errors(record, SHAPE)
    if errors:
        raise OpenAgendaMappingError(" ".join(errors))
    uid = uid_of(record)
    if uid is None:
        raise OpenAgendaMappingError(_("the record has no agenda uid (a number)."))
    title = required_title(record, OpenAgendaMappingError)
    if record.get("private"):
        raise OpenAgendaMappingError(_("the agenda is private: it is not published."))
    slug = record.get("slug") or uid
    uid_path = segment(uid)
    eu, local = remote.themes(["culture"])
    names = export_names()
    # the exports and the API give the events: they changed when the latest event did (no date
    # when the agenda has no event, or none could be read)
    events_updated = utc_timestamp(record.get(EVENTS_UPDATED))
    resources = [
        {"name": names[path], "url": f"{SITE}/agendas/{uid_path}/{path}", "format": fmt,
         "resource_kind": "file", "last_modified": events_updated}
        for path, fmt in EXPORTS
    ]
    resources.append({
        "name": _("OpenAgenda API: events of the agenda"),
        "description": _(
            "OpenAgenda API v2 (a free public key is needed, header « key »): events filtered by "
            "date, place, keyword, updated since…"
        ),
        "url": f"{api}/agendas/{uid_path}/events",
        "format": "JSON",
        "resource_kind": "api",
        "last_modified": events_updated,
    })
    if record.get("url"):
        resources.append({"name": _("Website of the agenda"), "url": record["url"],
                          "format": "HTML", "resource_kind": "documentation"})
    resources = [drop_empty(resource) for resource in resources]
    notes = clean_html(record.get("description"))
    package = {
        "title": title,
        "name": f"agenda-{slug}",
        "notes": notes or _("Events of the OpenAgenda agenda « {title} ».").format(title=title),
        "url": f"{SITE}/{segment(slug)}",
        "theme": eu,
        "poitiers_theme": local,
        "frequency": CONTINUOUS,
        "license_id": licence_id,
        "resources": resources,
    }
    return drop_empty(package)
