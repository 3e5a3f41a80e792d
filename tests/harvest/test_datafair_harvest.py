"""Data Fair harvester through the real path: CKAN, PostgreSQL, Solr, ckanext-harvest's stages
(``run_harvest_job``), and a real local HTTP server serving a Data Fair catalogue.

Covers the fault matrix of the harvesters: timeout, 429 with Retry-After, 500, truncated JSON,
invalid UTF-8, HTML/JS in fields, a 50 MB body, duplicate ids, a record that vanishes, a source
down between two runs — nothing stored is lost, nothing duplicated, the error is visible.
"""
from __future__ import annotations

import contextlib
import copy
import html
import json
import re
import time

import pytest
import sqlalchemy as sa
from ckan import model
from ckan.plugins import get_plugin, toolkit
from ckan.tests import factories
from werkzeug import Response

from ckanext.harvest import queue
from ckanext.harvest.model import (
    HarvestGatherError,
    HarvestJob,
    HarvestObject,
    HarvestObjectError,
)
from tests.harvest.datafair_server import load_records

pytestmark = pytest.mark.integration

VITALIS = "offre-de-transport-du-reseau-vitalis"
PARKINGS = "mobilites-stationnement-des-parkings-en-temps-reel"
VERRE = "proprete-bornes-a-verre"


@pytest.fixture
def harvester():
    return get_plugin("poitiers_datafair_harvester")


def datasets(source_id, state="active"):
    """Harvested datasets by name, straight from PostgreSQL (package_show of each)."""
    ids = [
        pid for (pid,) in model.Session.query(HarvestObject.package_id)
        .filter(HarvestObject.harvest_source_id == source_id)
        .filter(HarvestObject.package_id.isnot(None))
        .distinct()
    ]
    result = {}
    for pid in ids:
        pkg = model.Package.get(pid)
        if pkg is not None and pkg.state == state:
            result[pkg.name] = toolkit.get_action("package_show")(
                {"ignore_auth": True}, {"id": pid}
            )
    return result


def gather_errors(job):
    query = model.Session.query(HarvestGatherError).filter_by(harvest_job_id=job.id)
    return [e.message for e in query]


def object_errors(job):
    return [
        e.message
        for e in model.Session.query(HarvestObjectError)
        .join(HarvestObject)
        .filter(HarvestObject.harvest_job_id == job.id)
    ]


def modified(found):
    return {name: d["metadata_modified"] for name, d in found.items()}


def job_stats(job):
    """The job's figures as its report shows them (``harvest_job_show``)."""
    return toolkit.get_action("harvest_job_show")({"ignore_auth": True}, {"id": job.id})["stats"]


def stats(**counts):
    """Job figures: the ones given, the others 0 (``not_modified`` for « not modified »)."""
    found = {"added": 0, "updated": 0, "not modified": 0, "errored": 0, "deleted": 0}
    found.update({key.replace("_", " "): value for key, value in counts.items()})
    return found


def not_modified_objects(job):
    """The job's « not modified » report objects of records skipped at gather time, as
    (guid, state, current, package_id, content, extras)."""
    return sorted(
        (o.guid, o.state, o.current, o.package_id, o.content, len(o.extras))
        for o in model.Session.query(HarvestObject).filter_by(
            harvest_job_id=job.id, report_status="not modified")
    )


@contextlib.contextmanager
def database_rule(name: str, when: str, table: str, body: str):
    """A PostgreSQL trigger ``name`` (``when``: BEFORE INSERT, AFTER UPDATE…) on ``table``
    running ``body`` (PL/pgSQL) for each row, for the time of the block: the database itself
    refusing what the harvester writes."""
    model.Session.execute(sa.text(f"""
        CREATE FUNCTION {name}() RETURNS trigger AS $$
        BEGIN
          {body}
          RETURN NEW;
        END $$ LANGUAGE plpgsql;
        CREATE TRIGGER {name} {when} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}();
    """))
    model.Session.commit()
    try:
        yield
    finally:
        model.Session.rollback()
        model.Session.execute(sa.text(f"DROP TRIGGER {name} ON {table}; DROP FUNCTION {name}();"))
        model.Session.commit()


def test_first_harvest_creates_valid_datasets_in_solr(catalogue, make_runner, harvester):
    runner = make_runner(harvester, catalogue.url, '{"page_size": 2}')
    job, results = runner.run()

    assert [r["errors"] for r in results.values()] == [[], [], []]
    assert gather_errors(job) == []
    found = datasets(runner.source.id)
    assert sorted(found) == sorted([VITALIS, PARKINGS, VERRE])

    vitalis = found[VITALIS]
    assert vitalis["organization"]["name"] == "grand-poitiers"
    assert vitalis["license_id"] == "lov2"
    assert vitalis["theme"] == ["http://publications.europa.eu/resource/authority/data-theme/TRAN"]
    assert vitalis["url"].endswith("/datasets/" + VITALIS)
    # the Poitiers schema fields, validated by the schema on the way in
    assert vitalis["poitiers_theme"] == ["mobilite"]
    assert vitalis["communes"] == ["200069854"]
    assert vitalis["frequency"] == "http://publications.europa.eu/resource/authority/frequency/WEEKLY"
    assert vitalis["personal_data"] == "none"  # the source option's default
    assert {r["url"].rsplit("/", 1)[-1]: (r["format"], r["resource_kind"])
            for r in vitalis["resources"]} == {
        "gtfs.zip": ("GTFS", "file"),
        "poitiers.pbf": ("GTFS-RT", "realtime"),
    }
    # HTML/JS in fields: sanitised, formatting kept
    assert "<script" not in vitalis["notes"] and "onclick" not in vitalis["notes"]
    assert "**Vitalis**" in vitalis["notes"]
    assert "<p>Mis à jour chaque semaine.</p>" in vitalis["notes"]
    verre = found[VERRE]
    assert verre["title"] == "Propreté - Bornes à verre Grand Poitiers"
    assert "javascript:" not in verre["notes"]
    assert sorted(t["name"] for t in verre["tags"]) == ["déchets", "environnement", "verre"]
    assert verre["license_id"] == "odc-odbl"
    assert verre["temporal_coverage"] == [{"start": "2023-01-01", "end": "2025-12-31"}]
    assert [(r["url"].rsplit("/", 1)[-1], r["format"]) for r in verre["resources"]] == [
        ("lines", "JSON"), ("raw", "XLSX"), ("convert", "CSV"),
    ]
    parkings = found[PARKINGS]
    assert parkings["resources"][0]["resource_kind"] == "realtime"
    assert parkings["communes"] == ["86194"]
    assert sorted(found[VERRE]["communes"]) == ["86041", "86194"]

    # indexed in Solr, searchable by the French words of the source
    hits = toolkit.get_action("package_search")({"ignore_auth": True}, {"q": "Vitalis"})
    assert [d["name"] for d in hits["results"]] == [VITALIS]


def test_unchanged_source_writes_nothing_and_a_change_updates_one(
    catalogue, make_runner, harvester
):
    from ckanext.activity.model import Activity

    runner = make_runner(harvester, catalogue.url)
    runner.run()
    before = modified(datasets(runner.source.id))
    activities = model.Session.query(Activity).count()
    objects = model.Session.query(HarvestObject).count()

    # unchanged source: every record is recognised at gather time, nothing is fetched nor
    # written; the job report counts them « not modified » (one small object each, no content)
    job, results = runner.run()
    assert results == {}
    assert gather_errors(job) == []
    assert job_stats(job) == stats(not_modified=3)
    assert modified(datasets(runner.source.id)) == before
    assert model.Session.query(Activity).count() == activities
    assert model.Session.query(HarvestObject).count() == objects + 3
    assert model.Session.query(HarvestObject).filter(
        HarvestObject.harvest_job_id == job.id,
        sa.or_(HarvestObject.content.isnot(None), HarvestObject.package_id.isnot(None),
               HarvestObject.current == True),  # noqa: E712
    ).count() == 0

    # one record changes: only its dataset is written
    catalogue.records[2]["title"] = "Propreté - Bornes à verre (2025)"
    job, results = runner.run()
    assert [r["report_status"] for r in results.values()] == ["updated"]
    assert job_stats(job) == stats(updated=1, not_modified=2)
    after = datasets(runner.source.id)
    assert after[VERRE]["title"] == "Propreté - Bornes à verre (2025)"
    assert modified(after)[VITALIS] == before[VITALIS]
    assert len(after) == 3

    # a record changes in a way the dataset does not show (its update date): not modified,
    # and the next run skips it again
    catalogue.records[0]["updatedAt"] = "2026-01-01T00:00:00.000Z"
    job, results = runner.run()
    assert [r["report_status"] for r in results.values()] == ["not modified"]
    assert modified(datasets(runner.source.id))[VITALIS] == before[VITALIS]
    job, results = runner.run()
    assert results == {}
    assert job_stats(job) == stats(not_modified=3)


def test_a_continuously_updated_dataset_is_written_once_a_day_for_its_data_date(
    catalogue, make_runner, harvester
):
    """The occupancy of the car parks (a Data Fair REST dataset, frequency continuous) moves its
    dataUpdatedAt every few minutes: within a day, that alone writes nothing; any other change
    writes the dataset with the exact date, and so does the next day."""
    from ckanext.activity.model import Activity

    def lines_date():
        return datasets(runner.source.id)[PARKINGS]["resources"][0]["last_modified"]

    parkings = next(r for r in catalogue.records if r["slug"] == PARKINGS)
    parkings["dataUpdatedAt"] = "2025-10-23T08:35:10Z"
    runner = make_runner(harvester, catalogue.url)
    runner.run()
    before = modified(datasets(runner.source.id))
    activities = model.Session.query(Activity).count()
    assert lines_date() == "2025-10-23T08:35:10"

    # the data date moves within the same day: read, not written
    parkings["dataUpdatedAt"] = "2025-10-23T08:40:10Z"
    job, results = runner.run()
    assert [r["report_status"] for r in results.values()] == ["not modified"]
    assert modified(datasets(runner.source.id)) == before
    assert model.Session.query(Activity).count() == activities
    job, results = runner.run()
    assert results == {}  # the record as read is remembered: skipped at gather

    # another change the same day: written, with the exact date the source gives now
    parkings["dataUpdatedAt"] = "2025-10-23T17:05:00Z"
    parkings["title"] = "Stationnement des parkings en temps réel"
    job, results = runner.run()
    assert [r["report_status"] for r in results.values()] == ["updated"]
    assert lines_date() == "2025-10-23T17:05:00"

    # the next day: written for the date alone
    parkings["dataUpdatedAt"] = "2025-10-24T00:05:00Z"
    job, results = runner.run()
    assert [r["report_status"] for r in results.values()] == ["updated"]
    assert lines_date() == "2025-10-24T00:05:00"

    # a dataset that is not updated continuously: its data date is written as it moves
    verre = next(r for r in catalogue.records if r["slug"] == VERRE)
    verre["dataUpdatedAt"] = "2025-02-01T10:05:00Z"
    job, results = runner.run()
    assert [r["report_status"] for r in results.values()] == ["updated"]
    assert datasets(runner.source.id)[VERRE]["resources"][0]["last_modified"] == \
        "2025-02-01T10:05:00"


def test_vanished_record_is_withdrawn_after_a_complete_gather(catalogue, make_runner, harvester):
    runner = make_runner(harvester, catalogue.url)
    runner.run()
    catalogue.records = [r for r in catalogue.records if r["slug"] != PARKINGS]
    job, results = runner.run()
    assert gather_errors(job) == []
    assert sorted(datasets(runner.source.id)) == [VITALIS, VERRE]
    assert sorted(datasets(runner.source.id, state="deleted")) == [PARKINGS]
    # it comes back (same dataset, not a duplicate) when the source publishes it again
    catalogue.records = load_records()
    runner.run()
    assert sorted(datasets(runner.source.id)) == sorted([VITALIS, PARKINGS, VERRE])
    same = model.Session.query(model.Package).filter(model.Package.name.like(PARKINGS + "%"))
    assert same.count() == 1


def test_a_record_deleted_while_the_pages_are_read_withdraws_nothing(
    catalogue, make_runner, harvester
):
    runner = make_runner(harvester, catalogue.url, '{"page_size": 1}')
    runner.run()
    assert len(datasets(runner.source.id)) == 3
    records = list(catalogue.records)

    def deleted_after_page_one(request, page):
        # the first dataset is deleted on the portal once page 1 is read: the pages shift by
        # one and the second dataset, now on page 1, is never listed
        if page == 2:
            catalogue.records = records[1:]
        return None

    catalogue.fail = deleted_after_page_one
    job, results = runner.run()
    assert sorted(datasets(runner.source.id)) == sorted([VITALIS, PARKINGS, VERRE])
    [error] = gather_errors(job)
    assert "annonçait 3 jeux de données mais en a listé 2" in error
    assert "Aucun jeu de données n’est retiré" in error
    # read again whole: the one really deleted is withdrawn, the others stay
    catalogue.fail = None
    job, results = runner.run()
    assert gather_errors(job) == []
    gone = records[0]["slug"]
    assert sorted(datasets(runner.source.id, state="deleted")) == [gone]
    assert sorted(datasets(runner.source.id)) == sorted(
        {VITALIS, PARKINGS, VERRE} - {gone})


def _strings(value, path=""):
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, f"{path}[{i}]")


def test_markup_in_every_text_field_and_attachment_dates(catalogue, make_runner, harvester):
    vitalis, _parkings, verre = catalogue.records
    evil = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    vitalis["attachments"][1].pop("title")
    vitalis["attachments"][1]["name"] = f"poitiers{evil}.pbf"
    vitalis["attachments"][0]["description"] = f"Fichier {evil}<b>hebdomadaire</b>"
    vitalis["owner"]["name"] = f"Grand Poitiers{evil}"
    vitalis["topics"][0]["title"] = f"Mobilité{evil}"
    verre["originalFile"]["name"] = f"<b>bornes_verre</b>{evil}.xlsx"
    verre["file"]["name"] = f"bornes_verre{evil}.csv"
    verre["license"]["title"] = f"Licence maison {evil}"
    verre["spatial"] = f"Poitiers, Buxerolles{evil}"
    runner = make_runner(harvester, catalogue.url)
    job, results = runner.run()
    assert object_errors(job) == []
    found = datasets(runner.source.id)
    assert sorted(found) == sorted([VITALIS, PARKINGS, VERRE])
    for name in (VITALIS, VERRE):
        for path, text in _strings(found[name]):
            if not path.endswith(".url"):
                assert "alert" not in text and "onerror" not in text, (name, path, text)
            if not path.endswith(("notes", "description")):
                assert "<" not in text, (name, path, text)
    by_name = {r["name"]: r for r in found[VERRE]["resources"]}
    assert {"bornes_verre.xlsx", "bornes_verre.csv"} <= set(by_name)
    attachments = {r["url"].rsplit("/", 1)[-1]: r for r in found[VITALIS]["resources"]}
    # the date the attached GTFS was replaced, in UTC as CKAN keeps it (not the harvest date)
    assert attachments["gtfs.zip"]["last_modified"] == "2025-10-20T06:00:00"
    assert attachments["gtfs.zip"]["format"] == "GTFS"
    # a second run of the unchanged source writes nothing
    before = modified(found)
    job, results = runner.run()
    assert results == {} and modified(datasets(runner.source.id)) == before


def test_withdrawals_are_written_all_or_none(catalogue, make_runner, harvester):
    runner = make_runner(harvester, catalogue.url)
    runner.run()
    # PostgreSQL itself refuses the second withdrawal object of a job (after the first one is
    # written): none of the withdrawals may stay written
    with database_rule("poitiers_test_refuse_second_withdrawal", "AFTER INSERT", "harvest_object",
                       """IF (SELECT count(*) FROM harvest_object
                              WHERE harvest_job_id = NEW.harvest_job_id
                              AND content IS NULL) >= 2 THEN
                            RAISE EXCEPTION 'second withdrawal refused';
                          END IF;"""):
        catalogue.records = [r for r in catalogue.records if r["slug"] == VITALIS]
        job, results = runner.run()
    errors = gather_errors(job)
    assert len(errors) == 1 and "aucun n’est retiré cette fois" in errors[0], errors
    assert results == {}
    assert sorted(datasets(runner.source.id)) == sorted([VITALIS, PARKINGS, VERRE])
    # every dataset keeps its current harvest object, none was flagged for deletion
    current = model.Session.query(HarvestObject.guid).filter(
        HarvestObject.harvest_source_id == runner.source.id, HarvestObject.current == True  # noqa: E712
    )
    assert current.count() == 3
    # the job holds the report object of the unchanged record alone
    assert [o.report_status for o in model.Session.query(HarvestObject).filter_by(
        harvest_job_id=job.id)] == ["not modified"]
    # the next complete run withdraws them
    job, results = runner.run()
    assert gather_errors(job) == []
    assert sorted(datasets(runner.source.id)) == [VITALIS]
    assert sorted(datasets(runner.source.id, state="deleted")) == sorted([PARKINGS, VERRE])


def test_a_source_moved_to_another_organisation_mid_job(catalogue, make_runner, harvester):
    runner = make_runner(harvester, catalogue.url)
    job = HarvestJob(source=runner.source)
    job.status = "Running"
    job.save()
    ids = queue.gather_stage(harvester, job)
    assert len(ids) == 3
    queue.fetch_and_import_stages(harvester, HarvestObject.get(ids[0]))
    # the source changes organisation while its job runs: the next datasets are created there
    other = factories.Organization(name="ville-de-poitiers", title="Ville de Poitiers")
    toolkit.get_action("package_patch")(
        {"user": runner.sysadmin["name"]}, {"id": runner.source.id, "owner_org": other["id"]}
    )
    for obj_id in ids[1:]:
        queue.fetch_and_import_stages(harvester, HarvestObject.get(obj_id))
    first = HarvestObject.get(ids[0]).package_id
    organisations = {d["id"]: d["organization"]["name"]
                     for d in datasets(runner.source.id).values()}
    assert organisations.pop(first) == "grand-poitiers"
    assert list(organisations.values()) == ["ville-de-poitiers", "ville-de-poitiers"]


def _assert_nothing_lost(runner, job, before, expected_error):
    errors = gather_errors(job)
    assert len(errors) == 1, errors
    assert expected_error in errors[0]
    assert "Aucun jeu de données n’est retiré" in errors[0]
    # the count of records read agrees with its noun in French (0 and 1 singular)
    read = re.search(r"(\d+) (enregistrements? lus?) avant l’échec (est|sont) mis à jour",
                     errors[0])
    assert read, errors[0]
    many = int(read.group(1)) > 1
    assert read.group(2, 3) == (("enregistrements lus", "sont") if many
                                else ("enregistrement lu", "est"))
    after = datasets(runner.source.id)
    assert sorted(after) == sorted(before)
    assert model.Session.query(model.Package).filter(model.Package.type == "dataset").count() == 3


@pytest.mark.parametrize(
    "failure,expected",
    [
        (lambda req, page: Response("boom", status=500) if page == 2 else None,
         "a répondu par l’erreur HTTP 500"),
        (lambda req, page: Response('{"count": 3, "results": [{"id": "x", "tit',
                                    content_type="application/json") if page == 2 else None,
         "n’est pas du JSON valide"),
        (lambda req, page: Response(b'{"count": 3, "results": [{"id": "x", "title": "\xff"}]}',
                                    content_type="application/json") if page == 2 else None,
         "n’est pas un texte UTF-8 valide"),
        (lambda req, page: Response("<html>maintenance</html>", content_type="text/html")
         if page == 2 else None,
         "n’est pas du JSON valide"),
    ],
    ids=["http-500", "truncated-json", "invalid-utf8", "html-instead-of-json"],
)
def test_failed_page_withdraws_nothing_and_says_why(
    catalogue, make_runner, harvester, failure, expected
):
    runner = make_runner(harvester, catalogue.url, '{"page_size": 2}')
    runner.run()
    before = datasets(runner.source.id)
    # the source changes (the record of page 2 disappears) and then its page 2 fails
    catalogue.records[0]["title"] = "Offre Vitalis (modifiée)"
    catalogue.fail = failure
    job, results = runner.run()
    _assert_nothing_lost(runner, job, before, expected)
    # what was read before the failure is still updated
    assert datasets(runner.source.id)[VITALIS]["title"] == "Offre Vitalis (modifiée)"


def test_source_down_between_two_runs(catalogue, make_runner, harvester, httpserver):
    runner = make_runner(harvester, catalogue.url)
    runner.run()
    before = datasets(runner.source.id)
    httpserver.stop()
    try:
        job, results = runner.run()
    finally:
        httpserver.start()
    assert results == {}
    _assert_nothing_lost(runner, job, before, "est injoignable")
    # the error is visible to the publisher in the job report of the source, in French
    report = toolkit.get_action("harvest_job_report")({"ignore_auth": True}, {"id": job.id})
    assert "est injoignable" in json.dumps(report["gather_errors"], ensure_ascii=False)
    # back up: nothing duplicated, nothing rewritten
    job, results = runner.run()
    assert results == {}
    assert gather_errors(job) == []
    assert modified(datasets(runner.source.id)) == modified(before)


@pytest.mark.ckan_config("ckanext.poitiers.harvest.timeout", "0.3")
def test_timeout_is_retried_then_reported(catalogue, make_runner, harvester, silent_server):
    runner = make_runner(harvester, catalogue.url)
    runner.run()
    before = datasets(runner.source.id)
    # the publisher moves the source to a server that hangs
    hung_url, accepted = silent_server
    runner.source.url = hung_url
    runner.source.save()
    job, _results = runner.run()
    assert len(accepted) == 3  # one try and two retries (ckanext.poitiers.harvest.retries = 2)
    _assert_nothing_lost(runner, job, before, "n’a pas répondu en 0,3 seconde.")


def test_429_with_retry_after_is_honoured(catalogue, make_runner, harvester):
    seen = []

    def busy_once(req, page):
        seen.append(time.monotonic())
        if len(seen) == 1:
            return Response('{"error": "Too many requests"}', status=429,
                            headers={"Retry-After": "1"}, content_type="application/json")
        return None

    catalogue.fail = busy_once
    runner = make_runner(harvester, catalogue.url)
    job, results = runner.run()
    assert gather_errors(job) == []
    assert len(datasets(runner.source.id)) == 3
    assert seen[1] - seen[0] >= 1.0  # waited what Retry-After asked, not the 0.05 s backoff


def test_429_asking_too_long_a_wait_ends_the_gather_cleanly(catalogue, make_runner, harvester):
    runner = make_runner(harvester, catalogue.url)
    runner.run()
    before = datasets(runner.source.id)
    catalogue.fail = lambda req, page: Response(
        "{}", status=429, headers={"Retry-After": "86400"}, content_type="application/json")
    job, _results = runner.run()
    _assert_nothing_lost(runner, job, before, "demande d’attendre 86\u202f400 secondes")


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "streamed"])
def test_50_mb_body_is_refused(catalogue, make_runner, harvester, declared):
    runner = make_runner(harvester, catalogue.url)
    runner.run()
    before = datasets(runner.source.id)
    chunk = b" " * (1024 * 1024)

    def huge(req, page):
        body = (chunk for _ in range(50))
        headers = {"Content-Length": str(50 * len(chunk))} if declared else {}
        return Response(body, content_type="application/json", headers=headers)

    catalogue.fail = huge
    job, _results = runner.run()
    # the message says which option raises the limit
    _assert_nothing_lost(runner, job, before, "dépasse la limite de 21\u00a0Mo (un administrateur "
                         "peut la relever\u00a0: ckanext.poitiers.harvest.max_response_bytes)")


def test_duplicate_ids_give_one_dataset_and_a_visible_warning(catalogue, make_runner, harvester):
    duplicate = copy.deepcopy(catalogue.records[0])
    duplicate["title"] = "Doublon"
    catalogue.records.append(duplicate)
    runner = make_runner(harvester, catalogue.url, '{"page_size": 2}')
    job, results = runner.run()
    assert len(results) == 3
    found = datasets(runner.source.id)
    assert sorted(found) == sorted([VITALIS, PARKINGS, VERRE])
    assert found[VITALIS]["title"] == "Offre de transport du réseau Vitalis"
    errors = gather_errors(job)
    assert len(errors) == 1 and "figure deux fois dans la source" in errors[0]


def test_record_refused_by_the_schema_is_an_error_in_french(catalogue, make_runner, harvester):
    catalogue.records[1]["title"] = "<script>alert(1)</script>"  # nothing left once sanitised
    catalogue.records[2]["slug"] = "x" * 120  # a name CKAN would refuse is shortened, not fatal
    runner = make_runner(harvester, catalogue.url)
    job, results = runner.run()
    errors = object_errors(job)
    assert len(errors) == 1
    assert "ne peut pas devenir un jeu de données" in errors[0]
    assert "n’a pas de titre" in errors[0]
    assert len(datasets(runner.source.id)) == 2


def test_names_never_clash_with_local_datasets(catalogue, make_runner, harvester, organization):
    local = factories.Dataset(
        name=VERRE, title="Jeu local", owner_org=organization["id"], notes="Saisi à la main.",
        communes=["86194"], personal_data="none", poitiers_theme=["environnement-proprete"],
        frequency="http://publications.europa.eu/resource/authority/frequency/ANNUAL",
    )
    runner = make_runner(harvester, catalogue.url)
    runner.run()
    found = datasets(runner.source.id)
    assert VERRE + "1" in found
    assert toolkit.get_action("package_show")({"ignore_auth": True}, {"id": VERRE})["title"] == (
        local["title"]
    )


def test_a_name_taken_by_another_writer_between_check_and_write(
        catalogue, make_runner, harvester, monkeypatch):
    """Two harvest consumers (or a publisher) create datasets of the same name at once: the
    other one commits after our name check and before our package_create."""
    from ckanext.poitiers.harvesters import base

    real = base.creation_facts

    def then_a_rival_commits(source_id, wanted):
        facts = real(source_id, wanted)
        if wanted == VERRE and not facts[1]:
            with model.meta.engine.begin() as other:  # another process's connection
                other.execute(sa.text(
                    "INSERT INTO package (id, name, title, type, state, private) "
                    "VALUES ('rival-verre', :name, 'Rival', 'dataset', 'active', false)"),
                    {"name": wanted})
        return facts

    monkeypatch.setattr(base, "creation_facts", then_a_rival_commits)
    runner = make_runner(harvester, catalogue.url)
    job, _results = runner.run()
    assert object_errors(job) == []
    found = datasets(runner.source.id)
    assert sorted(found) == sorted([VITALIS, PARKINGS, VERRE + "1"])
    assert model.Package.get("rival-verre").name == VERRE
    # the record's hash was kept through the second try: the next run writes nothing
    _job, results = runner.run()
    assert results == {}


def test_a_name_refused_once_by_the_unique_constraint_is_tried_again(
        catalogue, make_runner, harvester):
    """The other writer's row reaches PostgreSQL after CKAN's name validation: the unique
    constraint on the name refuses ours (here a trigger raises that refusal once)."""
    model.Session.execute(sa.text("CREATE SEQUENCE poitiers_test_name_race"))
    try:
        with database_rule("poitiers_test_name_race", "BEFORE INSERT", "package", f"""
                IF NEW.name = '{VERRE}' AND nextval('poitiers_test_name_race') = 1 THEN
                  RAISE unique_violation USING CONSTRAINT = 'package_name_key',
                    MESSAGE = 'duplicate key value violates unique constraint "package_name_key"';
                END IF;"""):
            runner = make_runner(harvester, catalogue.url)
            job, results = runner.run()
        refused = model.Session.execute(sa.text(
            "SELECT last_value FROM poitiers_test_name_race")).scalar()
    finally:
        model.Session.rollback()
        model.Session.execute(sa.text("DROP SEQUENCE poitiers_test_name_race"))
        model.Session.commit()
    assert refused == 2  # refused once, then written
    assert object_errors(job) == []
    assert sorted(datasets(runner.source.id)) == sorted([VITALIS, PARKINGS, VERRE])
    assert {r["report_status"] for r in results.values()} == {"added"}


def test_a_row_the_database_refuses_is_a_record_error_and_the_others_are_saved(
        catalogue, make_runner, harvester):
    with database_rule("poitiers_test_refuse_verre", "BEFORE INSERT", "package", f"""
            IF NEW.name = '{VERRE}' THEN
              RAISE check_violation USING MESSAGE = 'refused by a local rule';
            END IF;"""):
        runner = make_runner(harvester, catalogue.url)
        job, _results = runner.run()
    errors = object_errors(job)
    assert len(errors) == 1
    assert "n’a pas pu être enregistré" in errors[0] and "IntegrityError" in errors[0]
    assert sorted(datasets(runner.source.id)) == sorted([VITALIS, PARKINGS])
    verre = model.Session.query(model.Package).filter(model.Package.name.like("proprete%"))
    assert verre.count() == 0
    # the next run, the rule gone, creates it
    runner.run()
    assert sorted(datasets(runner.source.id)) == sorted([VITALIS, PARKINGS, VERRE])


def test_a_withdrawal_the_database_refuses_is_a_record_error_and_is_tried_again(
        catalogue, make_runner, harvester):
    runner = make_runner(harvester, catalogue.url)
    runner.run()
    catalogue.records = [r for r in catalogue.records if r["slug"] != PARKINGS]
    with database_rule("poitiers_test_keep_parkings", "BEFORE UPDATE", "package", f"""
            IF NEW.name = '{PARKINGS}' AND NEW.state = 'deleted' THEN
              RAISE check_violation USING MESSAGE = 'kept by a local rule';
            END IF;"""):
        job, _results = runner.run()
    errors = object_errors(job)
    assert len(errors) == 1
    assert "n’a pas pu être retiré" in errors[0] and "prochain moissonnage complet" in errors[0]
    assert sorted(datasets(runner.source.id)) == sorted([VITALIS, PARKINGS, VERRE])
    # the next complete run (the rule gone) withdraws it
    job, _results = runner.run()
    assert object_errors(job) == []
    assert sorted(datasets(runner.source.id)) == sorted([VITALIS, VERRE])
    assert sorted(datasets(runner.source.id, state="deleted")) == [PARKINGS]


def test_a_dataset_the_schema_refuses_is_a_french_record_error(catalogue, make_runner, harvester):
    catalogue.records[2]["temporal"] = {"start": "2024-01-01", "end": "2020-12-31"}
    runner = make_runner(harvester, catalogue.url)
    job, _results = runner.run()
    errors = object_errors(job)
    assert len(errors) == 1
    assert errors[0].startswith("Le jeu de données «\u00a0Propreté - Bornes à verre")
    # the schema's French labels, the subfield of the period included
    assert "a été refusé par le schéma\u00a0: Couverture temporelle\u00a0: Fin\u00a0: " in errors[0]
    assert "{" not in errors[0]
    assert sorted(datasets(runner.source.id)) == sorted([VITALIS, PARKINGS])


def test_validation_errors_read_as_fields_and_messages():
    from ckanext.poitiers.harvesters.base import format_validation_error

    labels = {"temporal_coverage": ("Couverture temporelle", {"end": "Fin"}),
              "title": ("Titre", {})}
    assert format_validation_error({
        "temporal_coverage": [{}, {"end": ["La fin précède le début"]}],
        "title": ["Champ obligatoire", "Trop long"],
        "url": ["Adresse invalide"],
    }, labels) == ("Couverture temporelle\u00a0: Fin\u00a0: La fin précède le début | Titre\u00a0: "
                   "Champ obligatoire\u00a0; Trop long | url\u00a0: Adresse invalide")
    assert format_validation_error({"name": "Déjà pris"}) == "name\u00a0: Déjà pris"


def test_records_the_database_refuses_at_gather_are_a_french_gather_error(
        catalogue, make_runner, harvester):
    runner = make_runner(harvester, catalogue.url)
    runner.run()
    catalogue.records[2]["title"] = "Bornes à verre (2026)"
    catalogue.records = [r for r in catalogue.records if r["slug"] != PARKINGS]  # gone, too
    with database_rule("poitiers_test_refuse_objects", "BEFORE INSERT", "harvest_object", """
            IF NEW.content IS NOT NULL THEN
              RAISE check_violation USING MESSAGE = 'no more harvest objects';
            END IF;"""):
        job, results = runner.run()
    errors = gather_errors(job)
    assert len(errors) == 1
    assert errors[0].startswith("Les enregistrements de la source n’ont pas pu être enregistrés")
    assert results == {}
    # nothing withdrawn after that incomplete gather, nothing changed
    assert sorted(datasets(runner.source.id)) == sorted([VITALIS, PARKINGS, VERRE])
    assert datasets(runner.source.id)[VERRE]["title"] != "Bornes à verre (2026)"
    # the next run, the rule gone, does both
    job, _results = runner.run()
    assert gather_errors(job) == []
    assert datasets(runner.source.id)[VERRE]["title"] == "Bornes à verre (2026)"
    assert sorted(datasets(runner.source.id, state="deleted")) == [PARKINGS]


def test_a_name_clash_that_is_not_a_race_stays_a_record_error():
    from ckanext.poitiers.harvesters.base import name_taken_meanwhile

    assert name_taken_meanwhile(toolkit.ValidationError({"name": ["Cette URL est déjà utilisée."]}))
    assert not name_taken_meanwhile(toolkit.ValidationError(
        {"name": ["…"], "title": ["Champ obligatoire"]}))
    assert not name_taken_meanwhile(sa.exc.IntegrityError("INSERT", {}, Exception("other")))


def test_local_edits_policy(catalogue, make_runner, harvester):
    runner = make_runner(harvester, catalogue.url, '{"preserve_fields": ["notes"]}')
    runner.run()
    verre = datasets(runner.source.id)[VERRE]
    verre["notes"] = "Description réécrite par le service propreté."
    verre["title"] = "Titre local"
    verre["contact"] = [{"name": "Service propreté", "email": "proprete@grandpoitiers.fr"}]
    toolkit.get_action("package_update")({"user": runner.sysadmin["name"]}, verre)

    # an unchanged source does not overwrite local edits
    runner.run()
    kept = datasets(runner.source.id)[VERRE]
    assert kept["title"] == "Titre local"

    # a changed record: mapped fields follow the source, except preserved ones and fields the
    # mapping does not produce
    catalogue.records[2]["description"] = "Nouvelle description de la source."
    catalogue.records[2]["title"] = "Bornes à verre"
    runner.run()
    after = datasets(runner.source.id)[VERRE]
    assert after["title"] == "Bornes à verre"
    assert after["notes"] == "Description réécrite par le service propreté."
    assert after["contact"][0]["email"] == "proprete@grandpoitiers.fr"


@pytest.mark.ckan_config("ckanext.poitiers.harvest.allow_private_addresses", "false")
def test_ssrf_guard_refuses_loopback_sources(catalogue, make_runner, harvester):
    runner = make_runner(harvester, catalogue.url)
    job, results = runner.run()
    assert results == {}
    assert catalogue.requests == 0
    errors = gather_errors(job)
    assert len(errors) == 1 and "adresse de réseau privé ou local" in errors[0]


def test_source_config_is_validated_in_french(organization, harvester, httpserver):
    sysadmin = factories.Sysadmin()
    with pytest.raises(toolkit.ValidationError) as e:
        toolkit.get_action("harvest_source_create")(
            {"user": sysadmin["name"]},
            {"name": "mauvaise", "title": "Mauvaise", "url": httpserver.url_for("/"),
             "source_type": "poitiers_datafair", "config": '{"page_size": "cent"}',
             "owner_org": organization["id"]},
        )
    assert "«\u00a0page_size\u00a0» doit être un nombre entier" in json.dumps(e.value.error_dict,
                                                                   ensure_ascii=False)


def test_search_index_down_is_a_record_error_and_nothing_half_written(
    catalogue, make_runner, harvester, ckan_config, monkeypatch, closed_port
):
    from ckanext.harvest import queue
    from ckanext.harvest.model import HarvestJob

    runner = make_runner(harvester, catalogue.url)
    job = HarvestJob(source=runner.source)
    job.status = "Running"
    job.save()
    ids = queue.gather_stage(harvester, job)
    # Solr stops between gather and import
    from ckan.lib.search import common

    settings = getattr(common, "SolrSettings", None)  # CKAN 2.11 keeps its own copy of the URL

    def point_solr_at(url):
        monkeypatch.setitem(ckan_config, "solr_url", url)
        if settings is not None:
            monkeypatch.setattr(settings, "_url", url)

    solr = ckan_config["solr_url"]
    point_solr_at(f"http://127.0.0.1:{closed_port}/solr/ckan")
    for obj_id in ids:
        queue.fetch_and_import_stages(harvester, HarvestObject.get(obj_id))
    point_solr_at(solr)
    toolkit.get_action("harvest_jobs_run")({"ignore_auth": True}, {})

    errors = object_errors(job)
    assert len(errors) == 3 and all("n’a pas pu être enregistré" in e for e in errors)
    assert model.Session.query(model.Package).filter(model.Package.type == "dataset").count() == 0
    # Solr is back: the next run imports everything (the failed records were not current)
    job, results = runner.run()
    assert sorted(datasets(runner.source.id)) == sorted([VITALIS, PARKINGS, VERRE])


def test_record_errors_read_in_french_on_the_job_report_page(app, catalogue, make_runner,
                                                             harvester):
    catalogue.records[2]["temporal"] = {"start": "2024-01-01", "end": "2020-12-31"}
    runner = make_runner(harvester, catalogue.url)
    # as the harvest consumers run (ckanext-harvest's CLI): in a request context of the portal
    with app.flask_app.test_request_context():
        job, _results = runner.run()
    [error] = object_errors(job)
    assert "Couverture temporelle\u00a0: Fin\u00a0: La fin de la période précède son début" in error
    token = {"Authorization": factories.SysadminWithToken()["token"]}
    page = app.get(f"/harvest/{runner.source_dict['name']}/job/{job.id}",
                   headers=token).get_data(as_text=True)
    assert "Résumé des erreurs" in page and "Error Summary" not in page
    assert html.escape("Couverture temporelle\u00a0: Fin\u00a0: La fin de la période précède son "
                       "début",
                       quote=True) in page
    assert html.escape("Propreté - Bornes à verre", quote=True) in page
