"""Data Fair mapping on hand-written payloads in the real shape (no CKAN)."""
from __future__ import annotations

import json

import pytest

from ckanext.poitiers.harvesters import datafair_mapping as m
from tests.harvest.conftest import shared_fixture
from tests.harvest.datafair_server import load_records

API = "https://data.grandpoitiers.fr/data-fair/api/v1"
EU = "http://publications.europa.eu/resource/authority/"


@pytest.mark.parametrize(
    "url",
    [
        "https://data.grandpoitiers.fr",
        "https://data.grandpoitiers.fr/",
        "https://data.grandpoitiers.fr/data-fair/api/v1/datasets",
        "https://data.grandpoitiers.fr/data-fair/api/v1",
    ],
)
def test_api_base(url):
    assert m.api_base(url) == API


def test_vitalis_attachments_become_gtfs_and_gtfs_rt_resources():
    d = m.map_dataset(load_records()[0], API)
    assert d["name"] == "offre-de-transport-du-reseau-vitalis"
    assert d["url"] == "https://data.grandpoitiers.fr/datasets/offre-de-transport-du-reseau-vitalis"
    assert d["theme"] == [EU + "data-theme/TRAN"]
    assert d["poitiers_theme"] == ["mobilite"]
    assert d["frequency"] == EU + "frequency/WEEKLY"
    assert d["communes"] == ["200069854"]
    assert d["publisher"] == [{"name": "Grand Poitiers"}]
    assert d["resources"] == [
        {"name": "GTFS Vitalis", "url": f"{API}/datasets/2gwvlq16siyb7d9m3rqt1pb1/"
         "metadata-attachments/gtfs.zip", "format": "GTFS", "resource_kind": "file",
         "size": 2154321, "last_modified": "2025-10-20T06:00:00"},
        {"name": "GTFS-RT Vitalis (positions des véhicules)",
         "url": f"{API}/datasets/2gwvlq16siyb7d9m3rqt1pb1/metadata-attachments/poitiers.pbf",
         "format": "GTFS-RT", "resource_kind": "realtime", "size": 10234},
    ]


def test_rest_dataset_has_a_realtime_lines_api_and_bbox():
    d = m.map_dataset(load_records()[1], API)
    assert [(r["url"].rsplit("/", 1)[-1], r["format"], r["resource_kind"])
            for r in d["resources"]] == [("lines", "JSON", "realtime")]
    assert d["frequency"] == EU + "frequency/UPDATE_CONT"
    assert d["communes"] == ["86194"]
    bbox = json.loads(d["spatial_coverage"][0]["bbox"])
    assert bbox["type"] == "Polygon" and bbox["coordinates"][0][0] == [0.3348, 46.575]


def test_file_dataset_raw_convert_and_sanitising():
    d = m.map_dataset(load_records()[2], API)
    assert d["title"] == "Propreté - Bornes à verre Grand Poitiers"
    assert d["license_id"] == "odc-odbl"
    assert d["theme"] == [EU + "data-theme/ENVI"]
    assert d["communes"] == ["86194", "86041"]
    assert d["temporal_coverage"] == [{"start": "2023-01-01", "end": "2025-12-31"}]
    assert [t["name"] for t in d["tags"]] == ["verre", "déchets", "environnement"]
    assert "javascript:" not in d["notes"]
    assert [(r["url"].rsplit("/", 1)[-1], r["format"]) for r in d["resources"]] == [
        ("lines", "JSON"), ("raw", "XLSX"), ("convert", "CSV")]


def test_the_data_files_carry_the_date_the_data_last_changed():
    d = m.map_dataset(load_records()[2], API)  # dataUpdatedAt 2025-02-01T10:00:00.000Z
    assert [r.get("last_modified") for r in d["resources"]] == ["2025-02-01T10:00:00"] * 3
    # an attachment carries the date it was replaced (its own updatedAt), not the data's
    attachments_only = m.map_dataset(load_records()[0], API)
    assert [r.get("last_modified") for r in attachments_only["resources"]] == [
        "2025-10-20T06:00:00", None]
    no_date = dict(load_records()[2], dataUpdatedAt="pas une date")
    assert all("last_modified" not in r for r in m.map_dataset(no_date, API)["resources"])


def test_the_data_date_of_a_continuously_updated_dataset_is_hashed_to_the_day():
    parkings = load_records()[1]  # isRest, continuous, dataUpdatedAt 2025-10-23T08:35:10.134Z
    assert m.continuously_updated(parkings)
    mapped = m.map_dataset(parkings, API)
    view = m.content_view(mapped, parkings)
    assert [r.get("last_modified") for r in view["resources"]] == ["2025-10-23"]
    assert mapped["resources"][0]["last_modified"] == "2025-10-23T08:35:10.134000"
    later = dict(parkings, dataUpdatedAt="2025-10-23T17:05:00Z")
    assert m.content_view(m.map_dataset(later, API), later) == view
    next_day = dict(parkings, dataUpdatedAt="2025-10-24T00:05:00Z")
    assert m.content_view(m.map_dataset(next_day, API), next_day) != view
    # flagged by either sign; the others are hashed as they are mapped
    assert m.continuously_updated(dict(parkings, isRest=False))
    assert m.continuously_updated(dict(parkings, frequency="daily"))
    annual = load_records()[2]
    assert not m.continuously_updated(annual)
    mapped = m.map_dataset(annual, API)
    assert m.content_view(mapped, annual) is mapped
    # an attachment keeps its own date: only the data date is read to the day
    with_attachment = dict(parkings, attachments=[
        {"type": "url", "title": "Notice", "url": "https://exemple.fr/notice.pdf",
         "updatedAt": "2025-10-23T09:00:00Z"}])
    view = m.content_view(m.map_dataset(with_attachment, API), with_attachment)
    assert [r.get("last_modified") for r in view["resources"]] == [
        "2025-10-23", "2025-10-23T09:00:00"]


def test_unknown_licence_and_no_licence():
    record = dict(load_records()[2], license={"title": "Licence maison", "href": "https://x"})
    assert m.map_dataset(record, API)["license_id"] == "other-open"
    record = dict(load_records()[2], license=None)
    assert m.map_dataset(record, API)["license_id"] == "notspecified"


def test_bad_bbox_is_ignored():
    assert m.bbox_polygon([200, 0, 1, 1]) is None
    assert m.bbox_polygon(["a", 0, 1, 1]) is None
    assert m.bbox_polygon([1, 2]) is None


def test_no_title_is_an_error():
    with pytest.raises(m.DataFairMappingError, match="n’a pas de titre"):
        m.map_dataset({"id": "x", "title": "<script>x</script>"}, API)


def test_recorded_lines_payload_matches_the_lines_resource_shape():
    """The shared recording is a real `/lines` answer of data.grandpoitiers.fr (no catalogue
    was recorded): the resource we publish for a REST dataset points at that endpoint."""
    path = shared_fixture("datafair_grandpoitiers", "parkings_temps_reel_lines.json")
    with open(path, encoding="utf-8") as f:
        lines = json.load(f)
    assert lines["total"] == len(lines["results"]) == 8
    d = m.map_dataset(load_records()[1], API)
    assert d["resources"][0]["url"] == (
        f"{API}/datasets/mobilites-stationnement-des-parkings-en-temps-reel/lines")
