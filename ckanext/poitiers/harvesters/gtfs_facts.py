"""Facts of a GTFS feed (agencies, routes and stops counts, validity period) read with
partridge, the GTFS reader built on pandas. No CKAN, no network: bytes in, a dict out."""
from __future__ import annotations

import io
import os
import tempfile
import zipfile

from ckanext.poitiers.harvesters.i18n import _

REQUIRED_FILES = ("agency.txt", "routes.txt", "stops.txt")


class GtfsError(ValueError):
    pass


def facts(data: bytes) -> dict:
    """``{gtfs_agencies, gtfs_routes_count, gtfs_stops_count, gtfs_start_date, gtfs_end_date}``."""
    import partridge

    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except zipfile.BadZipFile as e:
        raise GtfsError(_("the GTFS file is not a valid zip archive.")) from e
    flat = {n.rsplit("/", 1)[-1] for n in names}
    missing = [f for f in REQUIRED_FILES if f not in flat]
    if missing:
        raise GtfsError(
            _("the GTFS file lacks {files}.").format(files=", ".join(missing))
        )
    fd, path = tempfile.mkstemp(suffix=".zip")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        try:
            feed = partridge.load_raw_feed(path)
            agencies = [
                str(n).strip() for n in feed.agency.get("agency_name", []) if str(n).strip()
            ]
            routes = len(feed.routes)
            stops = feed.stops
            if "location_type" in stops.columns:
                # stops and platforms (0 or empty), not stations, entrances or nodes
                kinds = stops["location_type"].fillna(0).astype(str).str.strip()
                stops = stops[kinds.isin(["0", "0.0", "", "nan"])]
            dates = partridge.read_service_ids_by_date(path)
        except Exception as e:  # noqa: BLE001 - any damage inside the feed
            raise GtfsError(
                _("the GTFS file cannot be read ({error}).").format(error=type(e).__name__)
            ) from e
    finally:
        os.unlink(path)
    result = {
        "gtfs_agencies": ", ".join(dict.fromkeys(agencies)),
        "gtfs_routes_count": routes,
        "gtfs_stops_count": len(stops),
    }
    if dates:
        result["gtfs_start_date"] = min(dates).isoformat()
        result["gtfs_end_date"] = max(dates).isoformat()
    return result
