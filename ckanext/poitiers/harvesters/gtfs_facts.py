"""Facts of a GTFS feed (agencies, routes and stops counts, validity period) read with
partridge, the GTFS reader built on pandas. No CKAN, no network: bytes in, a dict out.

The counts and the validity period are read separately: a feed whose calendars cannot be read
(no calendar.txt nor calendar_dates.txt, a date that is not YYYYMMDD, no trip) still gives its
agencies and counts, and the reason the period is missing is listed under ``WARNINGS`` (French).
GTFS files must be UTF-8; a file that is not is read as Windows-1252, as French producers write
them (partridge would guess another encoding on a short file: « RÈgie » for « Régie »).

A small archive can expand to gigabytes (a zip bomb) in pandas or on disk: before anything is
decompressed, the sizes the archive declares are checked (each member and their sum under
``max_uncompressed``, no member of more than a megabyte compressed more than ``max_ratio``
times), and only the files the facts need are extracted (Python's zipfile never writes more
than the size a member declares)."""
from __future__ import annotations

import codecs
import io
import os
import shutil
import tempfile
import zipfile

from ckanext.poitiers.harvesters.i18n import _, number, size

REQUIRED_FILES = ("agency.txt", "routes.txt", "stops.txt")
# what partridge reads for our facts (the service dates need calendars and trips)
READ_FILES = (*REQUIRED_FILES, "calendar.txt", "calendar_dates.txt", "trips.txt")
MAX_UNCOMPRESSED = 512 * 1024 * 1024
# deflate reaches about 1,000:1 on repeated bytes; timetables stay far below 100:1
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024  # smaller members may be as compressible as they like
# key of the result listing why a part of the facts (the validity period) is missing
WARNINGS = "warnings"
LEGACY_ENCODING = "cp1252"


class GtfsError(ValueError):
    pass


def check_sizes(members: list[zipfile.ZipInfo], max_uncompressed: int = MAX_UNCOMPRESSED,
                max_ratio: float = MAX_RATIO) -> None:
    """Refuse an archive whose declared sizes are those of a zip bomb, before reading it."""
    total = 0
    for info in members:
        name = info.filename
        if info.file_size > max_uncompressed:
            raise GtfsError(
                _("{name} in the GTFS file expands to {size}, more than the limit of "
                  "{limit}.").format(name=name, size=size(info.file_size),
                                     limit=size(max_uncompressed)))
        if info.file_size > RATIO_FLOOR and info.file_size > max_ratio * max(info.compress_size,
                                                                              1):
            raise GtfsError(
                _("{name} in the GTFS file is {ratio} times larger uncompressed than "
                  "compressed, more than the {limit} times a timetable reaches (a zip "
                  "bomb?).").format(
                    name=name, ratio=number(info.file_size // max(info.compress_size, 1)),
                    limit=number(max_ratio)))
        total += info.file_size
    if total > max_uncompressed:
        raise GtfsError(
            _("the GTFS file expands to {size} once uncompressed, more than the limit of "
              "{limit}.").format(size=size(total), limit=size(max_uncompressed)))


def _extract(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], folder: str) -> None:
    """The files the facts need, flat in ``folder`` (the first of each name, at any depth)."""
    done = set()
    for info in members:
        base = info.filename.rsplit("/", 1)[-1]
        if base not in READ_FILES or base in done or info.is_dir():
            continue
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise GtfsError(
                _("{name} in the GTFS file uses a compression method other than deflate.").format(
                    name=info.filename))
        path = os.path.join(folder, base)
        with archive.open(info) as src, open(path, "wb") as dst:
            shutil.copyfileobj(src, dst, 1024 * 1024)
        if not _is_utf8(path):
            _transcode(path)
        done.add(base)


def _is_utf8(path: str) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as f:
            while chunk := f.read(1024 * 1024):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _transcode(path: str) -> None:
    """Rewrite a file that is not UTF-8 as UTF-8, read as Windows-1252."""
    with open(path, encoding=LEGACY_ENCODING, errors="replace", newline="") as src, open(
        path + ".utf8", "w", encoding="utf-8", newline=""
    ) as dst:
        shutil.copyfileobj(src, dst, 1024 * 1024)
    os.replace(path + ".utf8", path)


def _period(folder: str, flat: set[str]) -> tuple[dict, str | None]:
    """``({gtfs_start_date, gtfs_end_date}, None)``, or ``({}, why)`` (French)."""
    import partridge

    if not {"calendar.txt", "calendar_dates.txt"} & flat:
        return {}, _("the GTFS file has neither calendar.txt nor calendar_dates.txt: its "
                     "period of validity is unknown.")
    if "trips.txt" not in flat:
        return {}, _("the GTFS file has no trips.txt: its period of validity is unknown.")
    try:
        dates = partridge.read_service_ids_by_date(folder)
    except Exception as e:  # noqa: BLE001 - partridge asserts, pandas and dates raise
        return {}, _("the period of validity of the GTFS file cannot be read from its "
                     "calendars ({error}): it is left out.").format(error=_reason(e))
    return {"gtfs_start_date": min(dates).isoformat(),
            "gtfs_end_date": max(dates).isoformat()}, None


def _reason(error: Exception) -> str:
    """A short French reason for a failure of partridge on the calendars."""
    if isinstance(error, AssertionError):
        return _("no day of service")
    if isinstance(error, ValueError):
        return _("a date is not written YYYYMMDD")
    return type(error).__name__


def facts(data: bytes, max_uncompressed: int = MAX_UNCOMPRESSED,
          max_ratio: float = MAX_RATIO) -> dict:
    """``{gtfs_agencies, gtfs_routes_count, gtfs_stops_count, gtfs_start_date, gtfs_end_date}``;
    without the two dates, and with ``WARNINGS`` saying why, when the calendars are unreadable."""
    import partridge

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as e:
        raise GtfsError(_("the GTFS file is not a valid zip archive.")) from e
    check_sizes(members, max_uncompressed, max_ratio)
    flat = {info.filename.rsplit("/", 1)[-1] for info in members}
    missing = [f for f in REQUIRED_FILES if f not in flat]
    if missing:
        raise GtfsError(
            _("the GTFS file lacks {files}.").format(files=", ".join(missing))
        )
    with tempfile.TemporaryDirectory(prefix="poitiers-gtfs-") as folder:
        try:
            _extract(archive, members, folder)
            feed = partridge.load_raw_feed(folder)
            agencies = [
                str(n).strip() for n in feed.agency.get("agency_name", []) if str(n).strip()
            ]
            routes = len(feed.routes)
            stops = feed.stops
            if "location_type" in stops.columns:
                # stops and platforms (0 or empty), not stations, entrances or nodes
                kinds = stops["location_type"].fillna(0).astype(str).str.strip()
                stops = stops[kinds.isin(["0", "0.0", "", "nan"])]
            if not routes and not len(stops):
                # a feed without a route nor a stop is broken, not a network of zero lines
                raise GtfsError(_("the GTFS file has no route and no stop: it is empty."))
            period, why = _period(folder, flat)
        except GtfsError:
            raise
        except Exception as e:  # noqa: BLE001 - any damage inside the feed
            raise GtfsError(
                _("the GTFS file cannot be read ({error}).").format(error=type(e).__name__)
            ) from e
    result = {
        "gtfs_agencies": ", ".join(dict.fromkeys(agencies)),
        "gtfs_routes_count": routes,
        "gtfs_stops_count": len(stops),
    }
    result.update(period)
    if why:
        result[WARNINGS] = [why]
    return result
