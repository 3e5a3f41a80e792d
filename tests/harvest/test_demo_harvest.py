"""The demo's harvest sources, created by the code `make demo` runs, harvested from the local
demo server through ckanext-harvest (gather → fetch → import) into PostgreSQL and Solr."""
from __future__ import annotations

import pytest
from ckan import model
from ckan.tests import helpers

from ckanext.harvest.model import HarvestJob, HarvestObject, HarvestSource
from ckanext.harvest.tests import lib
from ckanext.poitiers import demo, demo_sources
from ckanext.poitiers.harvesters.datafair import DataFairHarvester
from ckanext.poitiers.harvesters.udata import UdataHarvester

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("with_plugins", "harvest_env")]
HARVESTERS = {"poitiers_datafair": DataFairHarvester, "poitiers_udata": UdataHarvester}


def _harvest(sources):
    for source in sources:
        job = HarvestJob(source=HarvestSource.get(source["id"]))
        job.save()
        lib.run_harvest_job(job, HARVESTERS[source["source_type"]]())


def test_demo_sources_harvest_the_demo_datasets_once(demo_server_url):
    covered = demo_sources.covered_names()
    # an earlier demo loaded every dataset through the action API
    demo.load(echo=lambda _line: None)
    total = len(demo.read()["datasets"])
    sources = demo_sources.ensure_sources(demo_server_url, echo=lambda _line: None)
    assert {s["name"] for s in sources} == {s["name"] for s in demo_sources.read_sources()}
    _harvest(sources)

    listed = helpers.call_action("harvest_source_list")
    assert {s["id"] for s in listed} == {s["id"] for s in sources}
    assert {s["url"] for s in listed} == {demo_sources.source_url(demo_server_url, s)
                                          for s in demo_sources.read_sources()}
    found = helpers.call_action("package_search", rows=1000)
    assert found["count"] == total  # the API copies were replaced, not duplicated
    names = {p["name"] for p in found["results"]}
    assert covered <= names
    vitalis = helpers.call_action("package_show", id="offre-de-transport-du-reseau-vitalis")
    assert vitalis["organization"]["name"] == "grand-poitiers"
    assert vitalis["license_id"] == "odc-odbl"
    assert vitalis["communes"] == ["200069854"]
    assert vitalis["poitiers_theme"] == ["mobilite"]
    assert any(r["format"] == "GTFS" for r in vitalis["resources"])
    current = model.Session.query(HarvestObject).filter_by(
        package_id=vitalis["id"], current=True).one()
    assert current.source.id == sources[0]["id"]
    deliberations = helpers.call_action("package_show",
                                        id="deliberations-conseil-municipal-poitiers")
    assert deliberations["organization"]["name"] == "ville-de-poitiers"
    assert deliberations["granularity"] == "commune"
    status = helpers.call_action("harvest_source_show_status", id=sources[1]["id"])
    assert status["total_datasets"] == 12
    assert status["last_job"]["stats"].get("errored", 0) == 0

    # a second demo: same sources, nothing duplicated, nothing written again
    said = []
    again = demo_sources.ensure_sources(demo_server_url, echo=said.append)
    assert said == []  # unchanged sources are not rewritten
    assert [s["id"] for s in again] == [s["id"] for s in sources]
    demo.load(echo=lambda _line: None, skip=covered)
    _harvest(again)
    assert helpers.call_action("package_search", rows=0)["count"] == total
    assert len(helpers.call_action("harvest_source_list")) == len(sources)
    status = helpers.call_action("harvest_source_show_status", id=sources[0]["id"])
    assert status["last_job"]["stats"].get("added", 0) == 0
    assert status["total_datasets"] == 11
    # the source was read: its job report counts every record « not modified »
    assert status["last_job"]["stats"]["not modified"] == 11


def test_demo_sources_without_organisations_is_a_clear_error(demo_server_url, cli):
    from ckan.cli.cli import ckan

    result = cli.invoke(ckan, ["poitiers", "demo", "sources", "--url", demo_server_url,
                               "--no-run"])
    assert result.exit_code != 0
    assert "demo load" in result.output
    assert helpers.call_action("harvest_source_list") == []


def test_demo_source_down_is_a_gather_error_and_creates_nothing():
    import socket

    demo.load(echo=lambda _line: None, skip=demo_sources.covered_names())
    before = helpers.call_action("package_search", rows=0)["count"]
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
    sources = demo_sources.ensure_sources(dead, echo=lambda _line: None)
    job = HarvestJob(source=HarvestSource.get(sources[0]["id"]))
    job.save()
    lib.run_harvest_job(job, DataFairHarvester())
    assert demo_sources.gather_errors(job.id)
    assert helpers.call_action("package_search", rows=0)["count"] == before
