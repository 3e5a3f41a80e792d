"""OpenAgenda agenda → Poitiers dataset dict (events are not datasets: an agenda is one dataset
whose resources are its exports and its API). Pure functions.

Input: ``GET /v2/agendas/{uid}`` (or an element of ``GET /v2/agendas``): ``uid, title, slug,
description, url, image, official, updatedAt, summary{…}``.
"""
from __future__ import annotations

from ckanext.poitiers.harvesters.common_mapping import drop_empty
from ckanext.poitiers.harvesters.i18n import _
from ckanext.poitiers.harvesters.sanitize import clean_html, plain_text
from ckanext.poitiers.vocabularies import remote

SITE = "https://openagenda.com"
CONTINUOUS = "http://publications.europa.eu/resource/authority/frequency/UPDATE_CONT"
# exports of an agenda's public page, all its events (the "v2" exports that openagenda.com's
# export dialog links to: /agendas/{uid}/events.v2.csv, .xlsx and .ics; its JSON is the API,
# a resource of its own): path, format
EXPORTS = (
    ("events.v2.csv", "CSV"),
    ("events.v2.ics", "ICS"),
    ("events.v2.xlsx", "XLSX"),
)


class OpenAgendaMappingError(ValueError):
    pass


def guid(record: dict) -> str | None:
    return f"{SITE}/agendas/{record['uid']}" if record.get("uid") not in (None, "") else None


def export_names() -> dict[str, str]:
    return {
        "events.v2.csv": _("Events (CSV)"),
        "events.v2.ics": _("Events (iCalendar)"),
        "events.v2.xlsx": _("Events (spreadsheet)"),
    }


def map_agenda(record: dict, api: str, licence_id: str) -> dict:
    title = plain_text(record.get("title"))
    if not title:
        raise OpenAgendaMappingError(_("the record has no title."))
    if record.get("private"):
        raise OpenAgendaMappingError(_("the agenda is private: it is not published."))
    uid = record["uid"]
    slug = record.get("slug") or str(uid)
    eu, local = remote.themes(["culture"])
    names = export_names()
    resources = [
        {"name": names[path], "url": f"{SITE}/agendas/{uid}/{path}", "format": fmt,
         "resource_kind": "file"}
        for path, fmt in EXPORTS
    ]
    resources.append({
        "name": _("OpenAgenda API: events of the agenda"),
        "description": _(
            "OpenAgenda API v2 (a free public key is needed, header « key »): events filtered by "
            "date, place, keyword, updated since…"
        ),
        "url": f"{api}/agendas/{uid}/events",
        "format": "JSON",
        "resource_kind": "api",
    })
    if record.get("url"):
        resources.append({"name": _("Website of the agenda"), "url": record["url"],
                          "format": "HTML", "resource_kind": "documentation"})
    notes = clean_html(record.get("description"))
    package = {
        "title": title,
        "name": f"agenda-{slug}",
        "notes": notes or _("Events of the OpenAgenda agenda « {title} ».").format(title=title),
        "url": f"{SITE}/{slug}",
        "theme": eu,
        "poitiers_theme": local,
        "frequency": CONTINUOUS,
        "license_id": licence_id,
        "resources": resources,
    }
    return drop_empty(package)
