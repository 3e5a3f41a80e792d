"""Pure helpers shared by the mapping modules (no CKAN, no I/O)."""
from __future__ import annotations

import datetime as dt
import re

from ckanext.poitiers.harvesters.i18n import _
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


def required_title(record: dict, error: type[ValueError]) -> str:
    """The plain-text title of a remote record; ``error`` (French message) when it has none."""
    title = plain_text(record.get("title"))
    if not title:
        raise error(_("the record has no title."))
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
