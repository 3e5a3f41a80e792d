"""Freshness of a dataset against its declared update frequency (pure functions, no CKAN).

A dataset is *on time* when its last update is not older than its declared period plus a grace
margin, *late* otherwise. Frequencies without a period (irregular, unknown, never updated, as
needed) are not judged.
"""
from __future__ import annotations

import datetime as dt

FREQUENCY_PREFIX = "http://publications.europa.eu/resource/authority/frequency/"

# expected period in days of the EU frequency codes (and of the udata ids that map to them)
PERIOD_DAYS: dict[str, float] = {
    "CONT": 1, "UPDATE_CONT": 1, "1MIN": 1, "5MIN": 1, "10MIN": 1, "15MIN": 1, "30MIN": 1,
    "HOURLY": 1, "BIHOURLY": 1, "TRIHOURLY": 1, "12HRS": 1,
    "DAILY": 1, "DAILY_2": 1, "DAILY_3": 1, "WEEKLY_5": 2, "WEEKLY_3": 3, "WEEKLY_2": 4,
    "WEEKLY": 7, "BIWEEKLY": 14, "MONTHLY_3": 11, "MONTHLY_2": 16, "MONTHLY": 31,
    "BIMONTHLY": 62, "QUARTERLY": 92, "ANNUAL_3": 122, "ANNUAL_2": 183, "ANNUAL": 366,
    "BIENNIAL": 731, "TRIENNIAL": 1096, "QUADRENNIAL": 1461, "QUINQUENNIAL": 1827,
    "DECENNIAL": 3653,
}

# udata / data.gouv.fr frequency ids -> EU frequency codes
UDATA_IDS: dict[str, str] = {
    "continuous": "UPDATE_CONT", "hourly": "HOURLY", "fourTimesADay": "DAILY", "threeTimesADay":
    "DAILY_3", "semidaily": "DAILY_2", "daily": "DAILY", "fourTimesAWeek": "WEEKLY_3",
    "threeTimesAWeek": "WEEKLY_3", "semiweekly": "WEEKLY_2", "weekly": "WEEKLY", "biweekly":
    "BIWEEKLY", "threeTimesAMonth": "MONTHLY_3", "semimonthly": "MONTHLY_2", "monthly": "MONTHLY",
    "bimonthly": "BIMONTHLY", "quarterly": "QUARTERLY", "threeTimesAYear": "ANNUAL_3",
    "semiannual": "ANNUAL_2", "annual": "ANNUAL", "biennial": "BIENNIAL", "triennial":
    "TRIENNIAL", "quinquennial": "QUINQUENNIAL", "irregular": "IRREG", "punctual": "OTHER",
    "unknown": "UNKNOWN",
}


def frequency_code(value: str | None) -> str | None:
    """The EU frequency code (``MONTHLY``) of a URI, a code or a udata id; None when empty."""
    if not value or not isinstance(value, str):
        return None
    value = value.strip()
    if value.startswith(FREQUENCY_PREFIX):
        return value[len(FREQUENCY_PREFIX):].upper() or None
    if value in UDATA_IDS:
        return UDATA_IDS[value]
    return value.upper()


def grace_days(period: float) -> float:
    """Tolerance before a dataset is called late: half its period, at least one day."""
    return max(period * 0.5, 1.0)


def parse_date(value) -> dt.datetime | None:
    """A naive UTC datetime from an ISO string (or a datetime); None when unreadable."""
    if isinstance(value, dt.datetime):
        d = value
    elif isinstance(value, dt.date):
        d = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str) and value.strip():
        text = value.strip().replace("Z", "+00:00")
        try:
            d = dt.datetime.fromisoformat(text)
        except ValueError:
            try:
                d = dt.datetime.strptime(text[:10], "%Y-%m-%d")
            except ValueError:
                return None
    else:
        return None
    if d.tzinfo is not None:
        d = d.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return d


def freshness(frequency: str | None, last_update, now: dt.datetime | None = None) -> dict:
    """``{"state": "on_time" | "late" | "unknown", "code", "period_days", "age_days", "due"}``.

    ``state`` is ``unknown`` when the frequency has no period or the last update is unknown.
    """
    code = frequency_code(frequency)
    last = parse_date(last_update)
    now = now or dt.datetime.utcnow()
    result = {"state": "unknown", "code": code, "period_days": None, "age_days": None, "due": None}
    if last is not None:
        result["age_days"] = max((now - last).total_seconds() / 86400.0, 0.0)
    period = PERIOD_DAYS.get(code or "")
    if period is None or last is None:
        return result
    result["period_days"] = period
    due = last + dt.timedelta(days=period + grace_days(period))
    result["due"] = due
    result["state"] = "late" if now > due else "on_time"
    return result


def last_update(pkg: dict) -> str | None:
    """When the data last changed, as an ISO string: the latest of the dataset's ``modified``
    (DCAT) and its resources' ``last_modified`` / ``modified``; else when the portal's record
    changed (``metadata_modified``).

    A date later than the portal's record is brought back to it: the portal cannot know of a
    change after it last wrote the dataset (a typing error, « 2052 », would else stay first of
    the recently updated datasets for years).
    """
    candidates = [pkg.get("modified")]
    for res in pkg.get("resources") or []:
        if isinstance(res, dict):
            candidates += [res.get("last_modified"), res.get("modified")]
    dates = [d for d in (parse_date(c) for c in candidates) if d]
    if not dates:
        return pkg.get("metadata_modified")
    latest = max(dates)
    record = parse_date(pkg.get("metadata_modified"))
    if record is not None and latest > record:
        return pkg.get("metadata_modified")
    return latest.isoformat()
