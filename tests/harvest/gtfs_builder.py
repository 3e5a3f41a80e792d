"""Tiny GTFS feeds built in memory for the tests."""
from __future__ import annotations

import io
import zipfile


def gtfs_zip(agencies=("Vitalis",), routes=3, stops=5, start="20250901", end="20260705",
             stations=0, drop=()) -> bytes:
    files = {
        "agency.txt": "agency_id,agency_name,agency_url,agency_timezone\n" + "".join(
            f"A{i},{name},https://www.vitalis-poitiers.fr,Europe/Paris\n"
            for i, name in enumerate(agencies)
        ),
        "routes.txt": "route_id,agency_id,route_short_name,route_long_name,route_type\n" + "".join(
            f"R{i},A0,{i},Ligne {i},3\n" for i in range(routes)
        ),
        "stops.txt": "stop_id,stop_name,stop_lat,stop_lon,location_type\n" + "".join(
            f"S{i},Arrêt {i},46.58,0.34,0\n" for i in range(stops)
        ) + "".join(f"ST{i},Gare {i},46.58,0.34,1\n" for i in range(stations)),
        "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,"
        f"start_date,end_date\nWEEK,1,1,1,1,1,0,0,{start},{end}\n",
        "trips.txt": "route_id,service_id,trip_id\nR0,WEEK,T1\n",
        "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
        "T1,08:00:00,08:00:00,S0,1\nT1,08:10:00,08:10:00,S1,2\n",
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in files.items():
            if name not in drop:
                z.writestr(name, text)
    return buf.getvalue()


def with_member(feed: bytes, name: str, size: int, compression=zipfile.ZIP_DEFLATED,
                byte: bytes = b"0") -> bytes:
    """``feed`` with one more member of ``size`` identical bytes: deflated, about 1,000 times
    smaller than it expands (the shape of a zip bomb), written without holding it in memory."""
    buf = io.BytesIO(feed)
    with zipfile.ZipFile(buf, "a", compression) as z, z.open(name, "w", force_zip64=True) as f:
        chunk = byte * (1024 * 1024)
        for _ in range(size // len(chunk)):
            f.write(chunk)
        f.write(byte * (size % len(chunk)))
    return buf.getvalue()


def nested(feed: bytes, folder: str) -> bytes:
    """``feed`` with its files in ``folder/``, as some producers publish them."""
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(feed)) as src, zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            dst.writestr(f"{folder}/{info.filename}", src.read(info))
    return buf.getvalue()
