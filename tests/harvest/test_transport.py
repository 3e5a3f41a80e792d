"""transport.data.gouv.fr: GTFS facts (partridge) on tiny feeds built here and on recorded
feeds, the pure mapping, and the harvester through the real path."""
from __future__ import annotations

import io
import json
import os
import zipfile

import pytest
from ckan.plugins import get_plugin

from ckanext.poitiers.harvesters import gtfs_facts
from ckanext.poitiers.harvesters import transport_mapping as m
from tests.harvest.conftest import shared_fixture
from tests.harvest.gtfs_builder import gtfs_zip, nested, with_member

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")


def records(gtfs_url="https://example.org/gtfs.zip"):
    with open(os.path.join(FIXTURES, "transport", "datasets.json"), encoding="utf-8") as f:
        return json.loads(f.read().replace("GTFS_URL", gtfs_url))


def test_facts_of_a_tiny_feed():
    facts = gtfs_facts.facts(gtfs_zip(agencies=("Vitalis", "RTP"), routes=4, stops=7, stations=2))
    assert facts == {
        "gtfs_agencies": "Vitalis, RTP",
        "gtfs_routes_count": 4,
        "gtfs_stops_count": 7,
        "gtfs_start_date": "2025-09-01",
        "gtfs_end_date": "2026-07-03",  # the last weekday served (07-05 is a Sunday)
    }


@pytest.mark.parametrize(
    "data,message",
    [
        (b"PK\x03\x04 not really a zip", "n’est pas une archive zip valide"),
        (b"<html>404</html>", "n’est pas une archive zip valide"),
        (gtfs_zip(drop=("stops.txt",)), "il manque stops.txt"),
        # an empty feed (files present, no row) is not a network of zero lines
        (gtfs_zip(agencies=(), routes=0, stops=0), "n’a ni ligne ni arrêt\u00a0: il est vide"),
    ],
)
def test_damaged_feeds_are_french_errors(data, message):
    with pytest.raises(gtfs_facts.GtfsError, match=message):
        gtfs_facts.facts(data)


MIB = 1024 * 1024


def test_a_zip_bomb_is_refused_before_anything_is_decompressed(tmp_path, monkeypatch):
    # 32 MiB of one byte in stop_times.txt, about 32 KiB compressed: a member the facts do not
    # even need, which the GTFS library would still have written to disk
    bomb = with_member(gtfs_zip(), "stop_times_extra.txt", 32 * MIB)
    assert len(bomb) < MIB
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    with pytest.raises(gtfs_facts.GtfsError,
                       match=r"stop_times_extra\.txt est [\d\u202f\xa0 ]+ fois plus gros "
                             r"décompressé que compressé .* plus que les 100 fois .*bombe"):
        gtfs_facts.facts(bomb)
    assert list(tmp_path.iterdir()) == []  # nothing extracted


def test_the_uncompressed_size_is_capped_per_member_and_in_sum():
    # ratio 1 (stored): not a bomb by its ratio, only by its size
    feed = with_member(gtfs_zip(), "shapes.txt", 3_000_000, compression=zipfile.ZIP_STORED)
    with pytest.raises(gtfs_facts.GtfsError,
                       match=r"shapes\.txt occupe 3\sMo une fois décompressé dans le fichier "
                             r"GTFS, plus que la limite de 2\sMo"):
        gtfs_facts.facts(feed, max_uncompressed=2_000_000)
    feed = with_member(feed, "trips_extra.txt", 2_000_000, compression=zipfile.ZIP_STORED)
    with pytest.raises(gtfs_facts.GtfsError,
                       match=r"le fichier GTFS occupe 5\sMo une fois décompressé, plus que la "
                             r"limite de 4\sMo"):
        gtfs_facts.facts(feed, max_uncompressed=4_000_000)
    # within the limits, the same archive gives its facts
    assert gtfs_facts.facts(feed, max_uncompressed=6_000_000)["gtfs_routes_count"] == 3


def test_small_members_may_compress_well_and_large_feeds_stay_readable():
    # a 512 KiB calendar_dates-like member compressed 1,000 times is under the ratio floor
    feed = with_member(gtfs_zip(routes=4), "feed_info.txt", 512 * 1024)
    assert gtfs_facts.facts(feed)["gtfs_routes_count"] == 4
    # a realistic 3 MiB stop_times, about 4 times smaller compressed
    rows = io.StringIO()
    rows.write("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n")
    i = 0
    while rows.tell() < 3 * MIB:
        rows.write(f"T{i % 977},{8 + i % 12:02d}:{i % 60:02d}:00,{8 + i % 12:02d}:{i % 60:02d}:30,"
                   f"S{(i * 7919) % 4099},{i % 53}\n")
        i += 1
    buf = io.BytesIO(gtfs_zip(routes=5))
    with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("stop_times_full.txt", rows.getvalue())
    assert gtfs_facts.facts(buf.getvalue())["gtfs_routes_count"] == 5


def rebuilt(feed: bytes, drop=(), add=None) -> bytes:
    """``feed`` without the members ``drop``, with the members ``add`` (name → bytes)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(feed)) as src, zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            if info.filename not in drop:
                dst.writestr(info.filename, src.read(info))
        for name, data in (add or {}).items():
            dst.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize(
    "drop,add,why",
    [
        (("calendar.txt",), {}, "ni calendar.txt ni calendar_dates.txt"),
        (("trips.txt",), {}, "pas de trips.txt"),
        (("calendar.txt",), {"calendar.txt": "service_id,monday,tuesday,wednesday,thursday,"
                             "friday,saturday,sunday,start_date,end_date\n"
                             "WEEK,1,1,1,1,1,0,0,2025-09-01,2026-07-05\n"},
         "une date n’est pas écrite AAAAMMJJ"),
        (("calendar.txt",), {"calendar.txt": "service_id,monday,tuesday,wednesday,thursday,"
                             "friday,saturday,sunday,start_date,end_date\n"
                             "WEEK,1,1,1,1,1,0,0,20260901,20250101\n"},
         "aucun jour de service"),
    ],
)
def test_unreadable_calendars_leave_out_only_the_period(drop, add, why):
    facts = gtfs_facts.facts(rebuilt(gtfs_zip(routes=4, stops=6), drop=drop, add=add))
    [warning] = facts.pop(gtfs_facts.WARNINGS)
    assert why in warning
    assert facts == {"gtfs_agencies": "Vitalis", "gtfs_routes_count": 4, "gtfs_stops_count": 6}


def test_only_calendar_dates_give_the_period():
    feed = rebuilt(gtfs_zip(), drop=("calendar.txt",), add={
        "calendar_dates.txt": "service_id,date,exception_type\nWEEK,20250902,1\n"
                              "WEEK,20251010,1\n"})
    facts = gtfs_facts.facts(feed)
    assert (facts["gtfs_start_date"], facts["gtfs_end_date"]) == ("2025-09-02", "2025-10-10")


def test_a_feed_not_in_utf8_is_read_as_windows_1252():
    # charset_normalizer (partridge's guess) takes this one for Mac Icelandic: « RÈgie »
    agency = ("agency_id,agency_name,agency_url,agency_timezone,agency_lang\n"
              "A0,RTP Poitiers Régie,https://www.vitalis-poitiers.fr,Europe/Paris,fr\n")
    feed = rebuilt(gtfs_zip(), drop=("agency.txt",), add={"agency.txt": agency.encode("cp1252")})
    assert gtfs_facts.facts(feed)["gtfs_agencies"] == "RTP Poitiers Régie"


def test_a_member_with_another_compression_is_refused():
    feed = with_member(gtfs_zip(drop=("trips.txt",)), "trips.txt", 1024,
                       compression=zipfile.ZIP_BZIP2)
    with pytest.raises(gtfs_facts.GtfsError,
                       match="trips.txt utilise dans le fichier GTFS une autre méthode de "
                             "compression que deflate"):
        gtfs_facts.facts(feed)


def test_a_feed_in_a_folder_of_the_archive():
    facts = gtfs_facts.facts(nested(gtfs_zip(routes=6, stops=4), "gtfs"))
    assert (facts["gtfs_routes_count"], facts["gtfs_stops_count"]) == (6, 4)
    assert facts["gtfs_start_date"] == "2025-09-01"


def test_facts_of_recorded_feeds():
    with open(shared_fixture("transport_data_gouv", "gtfs.zip"), "rb") as f:
        facts = gtfs_facts.facts(f.read())
    assert facts["gtfs_agencies"] == "Frioul If Express"
    assert facts["gtfs_routes_count"] == 1
    assert facts["gtfs_start_date"] <= facts["gtfs_end_date"]
    with open(shared_fixture("gtfs", "sample-feed-1.zip"), "rb") as f:
        sample = gtfs_facts.facts(f.read())
    assert sample["gtfs_agencies"] == "Demo Transit Authority"
    assert (sample["gtfs_routes_count"], sample["gtfs_stops_count"]) == (5, 9)
    assert (sample["gtfs_start_date"], sample["gtfs_end_date"]) == ("2007-01-01", "2010-12-31")


def test_filter_on_covered_area_and_owners():
    recs = records()
    wanted = {"200069854", "86194"}
    assert [m.covers(r, wanted) for r in recs] == [True, True, False]


def test_mapping_formats_kinds_and_facts():
    rec = dict(records()[0], _gtfs={"gtfs_routes_count": 3, "gtfs_agencies": "Vitalis"})
    d = m.map_dataset(rec)
    assert d["name"] == "reseau-urbain-vitalis"
    assert d["license_id"] == "odc-odbl"
    assert d["communes"] == ["200069854"]
    assert d["theme"] == ["http://publications.europa.eu/resource/authority/data-theme/TRAN"]
    assert [(r["format"], r["resource_kind"]) for r in d["resources"]] == [
        ("GTFS", "file"), ("GTFS-RT", "realtime"), ("NeTEx", "file")]
    assert d["gtfs_routes_count"] == 3 and d["gtfs_agencies"] == "Vitalis"
    assert d["notes"]  # a French sentence when the source has no description
    gbfs = m.map_dataset(records()[1])
    assert gbfs["resources"][0]["format"] == "GBFS"
    assert gbfs["communes"] == ["86194"]


def gtfs_of(runner, name):
    """The GTFS facts imported with the current version of a dataset."""
    from ckan import model

    from ckanext.harvest.model import HarvestObject

    pkg = model.Package.by_name(name)
    obj = (model.Session.query(HarvestObject)
           .filter_by(package_id=pkg.id, current=True, harvest_source_id=runner.source.id)
           .one())
    return json.loads(obj.content)["_gtfs"]


@pytest.mark.integration
def harvest_vitalis(served, make_runner):
    """One harvest of the served source: the runner, and the result of the Vitalis record."""
    runner = make_runner(get_plugin("poitiers_transport_harvester"), served["url"])
    _job, results = runner.run()
    return runner, next(
        r for r in results.values() if r["dataset"]["name"] == "reseau-urbain-vitalis")


class TestTransportHarvest:
    @pytest.fixture
    def served(self, httpserver):
        state = {"gtfs": gtfs_zip(routes=3, stops=5), "downloads": 0, "status": 200}

        def gtfs_handler(request):
            from werkzeug import Response

            state["downloads"] += 1
            if state["status"] != 200:
                return Response("<html>Service indisponible</html>", status=state["status"])
            return Response(state["gtfs"], content_type="application/zip")

        httpserver.expect_request("/gtfs/vitalis.zip").respond_with_handler(gtfs_handler)
        state["records"] = records(httpserver.url_for("/gtfs/vitalis.zip"))
        httpserver.expect_request("/api/datasets").respond_with_handler(
            lambda request: __import__("werkzeug").Response(
                json.dumps(state["records"]), content_type="application/json"))
        state["url"] = httpserver.url_for("/")
        return state

    def test_harvest_with_gtfs_facts(self, served, make_runner):
        from tests.harvest.test_datafair_harvest import datasets, gather_errors

        harvester = get_plugin("poitiers_transport_harvester")
        runner = make_runner(harvester, served["url"])
        job, results = runner.run()
        assert gather_errors(job) == []
        assert [r["errors"] for r in results.values()] == [[], []]
        found = datasets(runner.source.id)
        assert sorted(found) == ["reseau-urbain-vitalis", "velos-et-trottinettes-pony-poitiers"]
        vitalis = found["reseau-urbain-vitalis"]
        assert gtfs_of(runner, "reseau-urbain-vitalis")["gtfs_routes_count"] == 3
        assert (vitalis["gtfs_agencies"], int(vitalis["gtfs_routes_count"]),
                int(vitalis["gtfs_stops_count"])) == ("Vitalis", 3, 5)
        assert (vitalis["gtfs_start_date"], vitalis["gtfs_end_date"]) == (
            "2025-09-01", "2026-07-03")
        assert vitalis["resources"][0]["format"] == "GTFS"
        # the period the timetables are valid, for a search by date
        assert [(p["start"], p["end"]) for p in vitalis["temporal_coverage"]] == [
            ("2025-09-01", "2026-07-03")]
        assert served["downloads"] == 1

        # unchanged GTFS (same url and date): not downloaded again, nothing written
        job, results = runner.run()
        assert results == {}  # unchanged: skipped at gather time
        assert served["downloads"] == 1

        # a new GTFS file: its facts are read and the dataset updated
        served["gtfs"] = gtfs_zip(routes=8, stops=5)
        served["records"][0]["resources"][0]["updated"] = "2025-11-01T06:00:00Z"
        job, results = runner.run()
        assert gtfs_of(runner, "reseau-urbain-vitalis")["gtfs_routes_count"] == 8
        assert int(datasets(runner.source.id)["reseau-urbain-vitalis"]["gtfs_routes_count"]) == 8
        assert served["downloads"] == 2

    @pytest.mark.parametrize("config", [{"covered": []}, {"types": ["public_transit"]}])
    def test_a_filter_saved_before_the_checks_withdraws_nothing(self, served, make_runner,
                                                                config):
        from ckan import model

        from tests.harvest.test_datafair_harvest import datasets, gather_errors

        runner, _vitalis = harvest_vitalis(served, make_runner)
        # written to the database directly, as by an older version or a script
        runner.source.config = json.dumps(config)
        model.Session.commit()
        job, results = runner.run()
        [error] = gather_errors(job)
        assert error.startswith("Configuration de la source invalide")
        assert results == {}
        assert sorted(datasets(runner.source.id)) == [
            "reseau-urbain-vitalis", "velos-et-trottinettes-pony-poitiers"]

    def test_a_zip_bomb_imports_the_dataset_without_facts(self, served, make_runner):
        from tests.harvest.test_datafair_harvest import datasets

        served["gtfs"] = with_member(gtfs_zip(), "stop_times.txt", 32 * MIB)
        runner, vitalis = harvest_vitalis(served, make_runner)
        assert len(vitalis["errors"]) == 1
        message = vitalis["errors"][0].message
        assert "stop_times.txt est" in message
        assert "bombe de décompression" in message
        found = datasets(runner.source.id)["reseau-urbain-vitalis"]
        assert not found.get("gtfs_routes_count") and not found.get("gtfs_agencies")

    @pytest.mark.ckan_config("ckanext.poitiers.harvest.gtfs_max_uncompressed_bytes", "100")
    def test_the_uncompressed_limit_is_a_portal_option(self, served, make_runner):
        from tests.harvest.test_datafair_harvest import datasets

        runner, vitalis = harvest_vitalis(served, make_runner)
        assert "plus que la limite de 100" in vitalis["errors"][0].message
        assert "reseau-urbain-vitalis" in datasets(runner.source.id)

    def test_a_gtfs_server_down_is_tried_again_at_the_next_run(self, served, make_runner):
        from tests.harvest.test_datafair_harvest import datasets

        served["status"] = 503
        runner, vitalis = harvest_vitalis(served, make_runner)
        [error] = vitalis["errors"]
        assert "n’ont pas pu être lues" in error.message and "503" in error.message
        found = datasets(runner.source.id)["reseau-urbain-vitalis"]
        assert not found.get("gtfs_routes_count")
        # the listing did not change, but the file is back: its facts are read this time
        served["status"] = 200
        _job, results = runner.run()
        [result] = results.values()
        assert result["errors"] == []
        found = datasets(runner.source.id)["reseau-urbain-vitalis"]
        assert int(found["gtfs_routes_count"]) == 3
        # then an unchanged source writes nothing and downloads nothing
        downloads = served["downloads"]
        _job, results = runner.run()
        assert results == {} and served["downloads"] == downloads

    @pytest.mark.ckan_config("ckanext.poitiers.harvest.max_response_bytes", "20000")
    def test_a_gtfs_over_the_size_cap_is_not_downloaded_at_each_run(self, served, make_runner):
        from tests.harvest.test_datafair_harvest import datasets

        served["gtfs"] = with_member(gtfs_zip(), "shapes.txt", 50_000,
                                     compression=zipfile.ZIP_STORED)
        runner, vitalis = harvest_vitalis(served, make_runner)
        [error] = vitalis["errors"]
        assert "dépasse la limite de" in error.message
        assert "reseau-urbain-vitalis" in datasets(runner.source.id)
        downloads = served["downloads"]
        # the same file at the next run: not downloaded again, nothing written
        _job, results = runner.run()
        assert results == {} and served["downloads"] == downloads

    def test_a_gtfs_without_calendars_keeps_its_counts(self, served, make_runner):
        from tests.harvest.test_datafair_harvest import datasets

        served["gtfs"] = rebuilt(gtfs_zip(routes=4, stops=6), drop=("calendar.txt",))
        runner, vitalis = harvest_vitalis(served, make_runner)
        [error] = vitalis["errors"]
        assert "incomplètes" in error.message and "ni calendar.txt ni calendar_dates.txt" in (
            error.message)
        found = datasets(runner.source.id)["reseau-urbain-vitalis"]
        assert (found["gtfs_agencies"], int(found["gtfs_routes_count"]),
                int(found["gtfs_stops_count"])) == ("Vitalis", 4, 6)
        assert not found.get("gtfs_start_date") and not found.get("gtfs_end_date")

    def test_damaged_gtfs_still_imports_with_a_visible_error(self, served, make_runner):
        from tests.harvest.test_datafair_harvest import datasets

        served["gtfs"] = b"<html>Erreur</html>"
        runner, vitalis = harvest_vitalis(served, make_runner)
        assert len(vitalis["errors"]) == 1
        assert "n’est pas une archive zip valide" in vitalis["errors"][0].message
        assert "reseau-urbain-vitalis" in datasets(runner.source.id)


def test_resources_carry_their_update_date_in_utc():
    [vitalis, *_rest] = records()
    resources = m.map_dataset(vitalis)["resources"]
    assert [r.get("last_modified") for r in resources[:2]] == [
        "2025-10-20T06:00:00", "2025-10-23T08:00:00"]


def test_licence_and_validity_are_not_invented_nor_lost():
    vitalis, pony, _rtm = records()
    # no licence at all is not an open licence; one we do not know still is a licence
    assert m.map_dataset({k: v for k, v in pony.items() if k != "licence"})["license_id"] == (
        "notspecified")
    assert m.map_dataset(dict(pony, licence="mobility-licence"))["license_id"] == (
        "mobility-licence")
    assert m.map_dataset(dict(pony, licence="licence-maison"))["license_id"] == "other-open"
    # without GTFS facts (option off, file unreadable) the validity transport.data.gouv.fr gives
    assert m.map_dataset(vitalis)["temporal_coverage"] == [
        {"start": "2025-09-01", "end": "2026-07-05"}]
    # the facts read in the file come first
    facts = {"gtfs_start_date": "2025-09-01", "gtfs_end_date": "2026-07-03"}
    assert m.map_dataset(dict(vitalis, _gtfs=facts))["temporal_coverage"] == [
        {"start": "2025-09-01", "end": "2026-07-03"}]
    assert "temporal_coverage" not in m.map_dataset(pony)


def test_siri_lite_is_not_siri():
    vitalis = records()[0]
    feeds = [{"title": "SIRI", "format": "SIRI", "url": "https://example.org/siri"},
             {"title": "SIRI Lite", "format": "SIRI Lite", "url": "https://example.org/lite"}]
    mapped = m.map_dataset(dict(vitalis, resources=feeds))
    assert [(r["format"], r["resource_kind"]) for r in mapped["resources"]] == [
        ("SIRI", "realtime"), ("SIRI Lite", "realtime")]


def test_documentation_resources_are_documentation():
    vitalis = records()[0]
    doc = {"id": 81004, "title": "Notice du réseau", "type": "documentation", "format": "pdf",
           "url": "https://transport.data.gouv.fr/resources/81004/download"}
    mapped = m.map_dataset(dict(vitalis, resources=[*vitalis["resources"], doc]))
    assert (mapped["resources"][-1]["format"], mapped["resources"][-1]["resource_kind"]) == (
        "PDF", "documentation")


@pytest.mark.integration
@pytest.mark.parametrize(
    "config,message",
    [
        ({"covered": []}, "«\u00a0covered\u00a0» demande au moins un SIREN"),
        ({"covered": ["Poitiers"]}, "«\u00a0Poitiers\u00a0» n’en sont pas"),
        ({"covered": ["200069854", "86"]}, "«\u00a086\u00a0» n’en sont pas"),
        ({"covered": [" 86194"]}, "«\u00a0 86194\u00a0» n’en sont pas"),
        ({"types": ["public_transit"]}, "«\u00a0types\u00a0» n’accepte que"),
    ],
)
def test_a_filter_that_would_match_nothing_is_refused(organization, httpserver, config, message):
    from ckan.plugins import toolkit
    from ckan.tests import factories

    with pytest.raises(toolkit.ValidationError) as e:
        toolkit.get_action("harvest_source_create")(
            {"user": factories.Sysadmin()["name"]},
            {"name": "transport", "title": "Transport", "url": httpserver.url_for("/"),
             "source_type": "poitiers_transport", "config": json.dumps(config),
             "owner_org": organization["id"]},
        )
    assert message in json.dumps(e.value.error_dict, ensure_ascii=False)
