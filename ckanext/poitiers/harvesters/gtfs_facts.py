"""Facts of a GTFS feed (agencies, routes and stops counts, validity period) read with
partridge, the GTFS reader built on pandas. No CKAN, no network: bytes in, a dict out.

A small archive can expand to gigabytes (a zip bomb) in pandas or on disk: before anything is
decompressed, the sizes the archive declares are checked (each member and their sum under
``max_uncompressed``, no member of more than a megabyte compressed more than ``max_ratio``
times), and only the files the facts need are extracted (Python's zipfile never writes more
than the size a member declares)."""
from __future__ import annotations

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
        with archive.open(info) as src, open(os.path.join(folder, base), "wb") as dst:
            shutil.copyfileobj(src, dst, 1024 * 1024)
        done.add(base)


def facts(data: bytes, max_uncompressed: int = MAX_UNCOMPRESSED,
          max_ratio: float = MAX_RATIO) -> dict:
    """``{gtfs_agencies, gtfs_routes_count, gtfs_stops_count, gtfs_start_date, gtfs_end_date}``."""
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
            dates = partridge.read_service_ids_by_date(folder)
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
    if dates:
        result["gtfs_start_date"] = min(dates).isoformat()
        result["gtfs_end_date"] = max(dates).isoformat()
    return result
