"""The job report of a re-run counts the records skipped at gather time because they did not
change as « not modified » (Data Fair, udata, DCAT), through the real path: PostgreSQL, Solr,
ckanext-harvest's stages and ``harvest_jobs_run``, local HTTP servers.

Those records get one small harvest object each (no content, no dataset, never current, never
queued): the job still finishes at the right time, nothing is written, the withdrawals and the
return of a withdrawn record work as before, and a database refusing these objects changes
nothing but the report."""
from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa
from ckan import model
from ckan.plugins import get_plugin, toolkit

from ckanext.harvest.model import HarvestJob, HarvestObject
from tests.harvest.test_datafair_harvest import (
    PARKINGS,
    VERRE,
    VITALIS,
    database_rule,
    datasets,
    gather_errors,
    job_stats,
    modified,
    not_modified_objects,
    stats,
)
from tests.harvest.test_udata_harvest import ORG

pytestmark = pytest.mark.integration

# PostgreSQL refuses the report objects (and only them: ckanext-harvest sets the report status
# of the objects it imports by an UPDATE)
REFUSE_REPORT = ("poitiers_test_refuse_not_modified", "BEFORE INSERT", "harvest_object",
                 "IF NEW.report_status = 'not modified' THEN "
                 "RAISE EXCEPTION 'report refused'; END IF;")


@pytest.fixture
def harvest_log(enabled_log):
    """The harvesters' error lines."""
    from ckanext.poitiers.harvesters import base

    return enabled_log(base.log, logging.ERROR)


def activities() -> int:
    from ckanext.activity.model import Activity

    return model.Session.query(Activity).count()


def current_objects(source_id) -> list[tuple]:
    return sorted(model.Session.query(HarvestObject.guid, HarvestObject.id,
                                      HarvestObject.package_id)
                  .filter(HarvestObject.harvest_source_id == source_id,
                          HarvestObject.current == True))  # noqa: E712


def finished(job) -> HarvestJob:
    model.Session.expire_all()
    return model.Session.get(HarvestJob, job.id)


def last_import(job):
    return model.Session.query(sa.func.max(HarvestObject.import_finished)).filter(
        HarvestObject.harvest_job_id == job.id).scalar()


def assert_unchanged_rerun(runner, guids: list[str]) -> HarvestJob:
    """A re-run of an unchanged source: N « not modified », nothing queued nor written, no
    content stored, no extra current object, the job finished when its gather did."""
    before = modified(datasets(runner.source.id))
    written = activities()
    current = current_objects(runner.source.id)
    job, results = runner.run()
    assert results == {}  # nothing queued
    assert gather_errors(job) == []
    assert job_stats(job) == stats(not_modified=len(guids))
    assert not_modified_objects(job) == sorted(
        (guid, "COMPLETE", False, None, None, 0) for guid in guids)
    assert modified(datasets(runner.source.id)) == before
    assert activities() == written
    assert current_objects(runner.source.id) == current
    job = finished(job)
    assert job.status == "Finished"
    assert job.finished == job.gather_finished  # no import: the end of its gather
    return job


# -- Data Fair ---------------------------------------------------------------------------------
@pytest.fixture
def datafair():
    return get_plugin("poitiers_datafair_harvester")


def test_datafair_unchanged_rerun_reports_every_record_not_modified(catalogue,
                                                                    make_runner, datafair):
    runner = make_runner(datafair, catalogue.url, '{"page_size": 2}')
    first, _ = runner.run()
    guids = [guid for guid, _id, _pkg in current_objects(runner.source.id)]
    assert len(guids) == 3
    assert_unchanged_rerun(runner, guids)
    assert_unchanged_rerun(runner, guids)

    # one record changes: 1 updated, 2 not modified; the job ends with its last import
    catalogue.records[2]["title"] = "Propreté - Bornes à verre (2025)"
    job, results = runner.run()
    assert [r["report_status"] for r in results.values()] == ["updated"]
    assert job_stats(job) == stats(updated=1, not_modified=2)
    job = finished(job)
    assert job.status == "Finished"
    assert job.finished == last_import(job) and job.finished >= job.gather_finished
    assert datasets(runner.source.id)[VERRE]["title"] == "Propreté - Bornes à verre (2025)"


def test_datafair_withdrawal_and_return_after_not_modified_runs(catalogue,
                                                                make_runner, datafair):
    runner = make_runner(datafair, catalogue.url)
    runner.run()
    parkings_id = datasets(runner.source.id)[PARKINGS]["id"]
    runner.run()  # unchanged: report objects of the three records, newer than their imports
    records = list(catalogue.records)

    catalogue.records = [r for r in records if r["slug"] != PARKINGS]
    job, results = runner.run()
    assert [r["report_status"] for r in results.values()] == ["deleted"]
    assert job_stats(job) == stats(deleted=1, not_modified=2)
    assert sorted(datasets(runner.source.id)) == sorted([VITALIS, VERRE])
    assert sorted(datasets(runner.source.id, state="deleted")) == [PARKINGS]
    assert finished(job).status == "Finished"

    # published again: its dataset revived (the report objects without dataset are not taken
    # for its previous object), not a second dataset
    catalogue.records = records
    job, results = runner.run()
    assert [r["report_status"] for r in results.values()] == ["updated"]
    assert job_stats(job) == stats(updated=1, not_modified=2)
    found = datasets(runner.source.id)
    assert sorted(found) == sorted([VITALIS, PARKINGS, VERRE])
    assert found[PARKINGS]["id"] == parkings_id
    assert model.Session.query(model.Package).filter(
        model.Package.name.like(PARKINGS + "%")).count() == 1
    guids = [guid for guid, _id, _pkg in current_objects(runner.source.id)]
    assert_unchanged_rerun(runner, guids)


def test_datafair_report_refused_by_the_database_changes_nothing_else(
    catalogue, make_runner, datafair, harvest_log
):
    runner = make_runner(datafair, catalogue.url)
    runner.run()
    records = list(catalogue.records)
    with database_rule(*REFUSE_REPORT):
        # unchanged: the report objects refused, the harvest as without them
        before = modified(datasets(runner.source.id))
        job, results = runner.run()
        assert results == {} and gather_errors(job) == []
        assert job_stats(job) == stats()
        assert modified(datasets(runner.source.id)) == before
        assert finished(job).status == "Finished"
        assert [r.getMessage() for r in harvest_log.records] == [
            f"« Not modified » records of harvest job {job.id} not recorded (3 records)"]

        # a change and a withdrawal in the same run: both done (written before the report)
        harvest_log.clear()
        catalogue.records = [r for r in records if r["slug"] != PARKINGS]
        catalogue.records[1] = dict(catalogue.records[1], title="Bornes à verre (2025)")
        job, results = runner.run()
        assert sorted(r["report_status"] for r in results.values()) == ["deleted", "updated"]
        assert job_stats(job) == stats(updated=1, deleted=1)
        assert [r.getMessage() for r in harvest_log.records] == [
            f"« Not modified » records of harvest job {job.id} not recorded (1 records)"]
        assert sorted(datasets(runner.source.id)) == sorted([VITALIS, VERRE])
        assert datasets(runner.source.id)[VERRE]["title"] == "Bornes à verre (2025)"
        assert sorted(datasets(runner.source.id, state="deleted")) == [PARKINGS]
        assert finished(job).status == "Finished"
    # the database accepts them again: the next run reports them
    job, results = runner.run()
    assert results == {} and job_stats(job) == stats(not_modified=2)


def test_clearing_the_job_history_keeps_the_current_objects_and_the_hashes(
    catalogue, make_runner, datafair
):
    runner = make_runner(datafair, catalogue.url)
    first, _ = runner.run()
    guids = [guid for guid, _id, _pkg in current_objects(runner.source.id)]
    kept = current_objects(runner.source.id)
    reruns = [assert_unchanged_rerun(runner, guids).id for _ in range(3)]
    assert model.Session.query(HarvestObject).filter(
        HarvestObject.harvest_source_id == runner.source.id).count() == 3 + 3 * 3

    toolkit.get_action("harvest_source_job_history_clear")(
        {"user": runner.sysadmin["name"]}, {"id": runner.source.id, "keep_current": True})
    model.Session.expire_all()
    # the jobs of the report objects are gone, the job of the current objects stays
    assert [j.id for j in model.Session.query(HarvestJob).filter_by(
        source_id=runner.source.id)] == [first.id]
    assert all(model.Session.get(HarvestJob, job_id) is None for job_id in reruns)
    assert current_objects(runner.source.id) == kept
    assert model.Session.query(HarvestObject).filter(
        HarvestObject.harvest_source_id == runner.source.id).count() == 3

    # the hashes still recognise every record: nothing written, all « not modified »
    assert_unchanged_rerun(runner, guids)
    # and a change still updates the same dataset
    verre_id = datasets(runner.source.id)[VERRE]["id"]
    catalogue.records[2]["title"] = "Propreté - Bornes à verre (2025)"
    job, results = runner.run()
    assert job_stats(job) == stats(updated=1, not_modified=2)
    assert datasets(runner.source.id)[VERRE]["id"] == verre_id


# -- udata -------------------------------------------------------------------------------------
def test_udata_unchanged_rerun_reports_every_record_not_modified(portal, make_runner):
    runner = make_runner(get_plugin("poitiers_udata_harvester"), portal.url, ORG)
    runner.run()
    guids = [guid for guid, _id, _pkg in current_objects(runner.source.id)]
    assert len(guids) == 3
    assert_unchanged_rerun(runner, guids)


# -- DCAT --------------------------------------------------------------------------------------
@pytest.fixture
def dcat():
    return get_plugin("poitiers_dcat_harvester")


def without_second_page(cat) -> dict:
    """The catalogue without its second page's dataset (« Défibrillateurs »), announcing 2."""
    return {
        "1": cat.pages["1"].replace("hydra:totalItems 3", "hydra:totalItems 2"),
        "2": ("@prefix hydra: <http://www.w3.org/ns/hydra/core#> .\n"
              f"<{cat.base}/catalog.ttl?page=2> a hydra:PartialCollectionView ;\n"
              f"    hydra:first <{cat.base}/catalog.ttl?page=1> ;\n"
              "    hydra:totalItems 2 .\n"),
    }


def by_title(source_id, state="active") -> dict:
    return {d["title"]: d for d in datasets(source_id, state=state).values()}


def test_dcat_unchanged_rerun_withdrawal_and_return(rdf_catalogue, make_runner, dcat):
    runner = make_runner(dcat, rdf_catalogue.url)
    runner.run()
    guids = [guid for guid, _id, _pkg in current_objects(runner.source.id)]
    assert len(guids) == 3
    defib_id = by_title(runner.source.id)["Défibrillateurs"]["id"]
    assert_unchanged_rerun(runner, guids)

    pages = dict(rdf_catalogue.pages)
    rdf_catalogue.pages = without_second_page(rdf_catalogue)
    job, results = runner.run()
    assert gather_errors(job) == []
    assert [r["report_status"] for r in results.values()] == ["deleted"]
    assert job_stats(job) == stats(deleted=1, not_modified=2)
    assert sorted(by_title(runner.source.id)) == ["Bornes à verre", "Horodateurs"]
    assert sorted(by_title(runner.source.id, "deleted")) == ["Défibrillateurs"]
    assert finished(job).status == "Finished"

    # published again: the same dataset, revived
    rdf_catalogue.pages = pages
    job, results = runner.run()
    assert len(results) == 1
    assert job_stats(job) == stats(updated=1, not_modified=2)
    assert by_title(runner.source.id)["Défibrillateurs"]["id"] == defib_id
    assert len(by_title(runner.source.id)) == 3
    assert model.Session.query(model.Package).filter(
        model.Package.title == "Défibrillateurs").count() == 1
    job = finished(job)
    assert job.status == "Finished" and job.finished == last_import(job)
    assert_unchanged_rerun(runner, guids)


def test_dcat_report_refused_by_the_database_changes_nothing_else(rdf_catalogue, make_runner,
                                                                  dcat, harvest_log):
    runner = make_runner(dcat, rdf_catalogue.url)
    runner.run()
    before = modified(datasets(runner.source.id))
    with database_rule(*REFUSE_REPORT):
        job, results = runner.run()
    assert results == {} and gather_errors(job) == []
    assert job_stats(job) == stats()
    # ckanext-dcat's objects of the unchanged records stay deleted (committed before the
    # report): none is left waiting, and the job finishes
    assert model.Session.query(HarvestObject).filter_by(harvest_job_id=job.id).count() == 0
    assert finished(job).status == "Finished"
    assert [r.getMessage() for r in harvest_log.records] == [
        f"« Not modified » records of harvest job {job.id} not recorded (3 records)"]
    assert modified(datasets(runner.source.id)) == before
    job, results = runner.run()
    assert job_stats(job) == stats(not_modified=3)
