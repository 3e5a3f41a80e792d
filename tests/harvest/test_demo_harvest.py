"""The demo's harvest sources, created by the code `make demo` runs, harvested from the local
demo server through ckanext-harvest (gather → fetch → import) into PostgreSQL and Solr."""
from __future__ import annotations

import pytest
import yaml
from ckan import model
from ckan.tests import helpers

from ckanext.harvest.model import HarvestJob, HarvestObject, HarvestSource
from ckanext.harvest.tests import lib
from ckanext.poitiers import demo, demo_sources, theme_helpers
from ckanext.poitiers.harvesters.datafair import DataFairHarvester
from ckanext.poitiers.harvesters.dcat import PoitiersDCATHarvester
from ckanext.poitiers.harvesters.openagenda import OpenAgendaHarvester
from ckanext.poitiers.harvesters.transport import TransportHarvester
from ckanext.poitiers.harvesters.udata import UdataHarvester

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("with_plugins", "harvest_env")]
HARVESTERS = {"poitiers_datafair": DataFairHarvester, "poitiers_udata": UdataHarvester,
              "poitiers_transport": TransportHarvester,
              "poitiers_openagenda": OpenAgendaHarvester,
              "poitiers_dcat": PoitiersDCATHarvester}
# datasets each demo source brings
COUNTS = {"datafair": 10, "udata": 11, "transport": 1, "openagenda": 1, "dcat": 1}


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
    by_api = {s["api"]: source for s, source in zip(demo_sources.read_sources(), sources,
                                                        strict=True)}

    def source_of(dataset):
        current = model.Session.query(HarvestObject).filter_by(
            package_id=dataset["id"], current=True).one()
        return current.source.id

    # the bus network, from transport.data.gouv.fr: the facts of its GTFS file, read at the
    # harvest from the file the demo server serves
    vitalis = helpers.call_action("package_show", id="offre-de-transport-du-reseau-vitalis")
    assert source_of(vitalis) == by_api["transport"]["id"]
    assert vitalis["organization"]["name"] == "grand-poitiers"
    assert vitalis["license_id"] == "odc-odbl"
    assert vitalis["communes"] == ["200069854"]
    assert vitalis["poitiers_theme"] == ["mobilite"]
    assert [r["format"] for r in vitalis["resources"]] == ["GTFS", "GTFS-RT"]
    assert vitalis["gtfs_agencies"] == "Vitalis"
    assert (vitalis["gtfs_routes_count"], vitalis["gtfs_stops_count"]) == ("4", "12")
    assert (vitalis["gtfs_start_date"], vitalis["gtfs_end_date"]) == ("2025-09-01",
                                                                      "2026-07-04")
    # the cultural agenda, from OpenAgenda: its exports and its API
    agenda = helpers.call_action("package_show", id="agenda-culturel-poitiers")
    assert source_of(agenda) == by_api["openagenda"]["id"]
    assert agenda["organization"]["name"] == "ville-de-poitiers"
    assert agenda["license_id"] == "lov2"
    assert agenda["poitiers_theme"] == ["culture-agenda"]
    assert {r["format"] for r in agenda["resources"]} == {"CSV", "ICS", "XLSX", "JSON"}
    api = next(r for r in agenda["resources"] if r["resource_kind"] == "api")
    assert api["url"] == f"{demo_server_url}/openagenda/v2/agendas/49513081/events"
    # dated by the latest change of its events, not by the harvest
    assert {r["last_modified"] for r in agenda["resources"]
            if r["resource_kind"] != "documentation"} == {"2025-10-01T08:00:00"}
    # a commune's OpenDataSoft portal, through ckanext-dcat
    toilettes = helpers.call_action("package_show", id="toilettes-publiques-de-chauvigny")
    assert source_of(toilettes) == by_api["dcat"]["id"]
    assert toilettes["organization"]["name"] == "chauvigny"
    assert toilettes["communes"] == ["86070"]
    assert toilettes["poitiers_theme"] == ["sante", "sport-loisirs"]
    assert toilettes["contact"][0]["email"] == "services-techniques@chauvigny.invalid"
    assert [r["format"] for r in toilettes["resources"]] == ["CSV", "GeoJSON"]
    # the date its files last changed, not the harvest's
    assert theme_helpers.last_update(toilettes).startswith("2025-10-01")
    deliberations = helpers.call_action("package_show",
                                        id="deliberations-conseil-municipal-poitiers")
    assert source_of(deliberations) == by_api["udata"]["id"]
    assert deliberations["organization"]["name"] == "ville-de-poitiers"
    assert deliberations["granularity"] == "commune"
    for api_name, source in by_api.items():
        status = helpers.call_action("harvest_source_show_status", id=source["id"])
        assert status["total_datasets"] == COUNTS[api_name], api_name
        assert status["last_job"]["stats"].get("errored", 0) == 0, api_name

    # a second demo: same sources, nothing duplicated, nothing written again
    said = []
    again = demo_sources.ensure_sources(demo_server_url, echo=said.append)
    assert said == []  # unchanged sources are not rewritten
    assert [s["id"] for s in again] == [s["id"] for s in sources]
    demo.load(echo=lambda _line: None, skip=covered)
    _harvest(again)
    assert helpers.call_action("package_search", rows=0)["count"] == total
    assert len(helpers.call_action("harvest_source_list")) == len(sources)
    for api_name, source in by_api.items():
        status = helpers.call_action("harvest_source_show_status", id=source["id"])
        assert status["last_job"]["stats"].get("added", 0) == 0, api_name
        assert status["last_job"]["stats"].get("updated", 0) == 0, api_name
        assert status["total_datasets"] == COUNTS[api_name], api_name
        # the source was read: its job report counts every record « not modified »
        assert status["last_job"]["stats"]["not modified"] == COUNTS[api_name], api_name


def test_a_demo_dataset_moved_to_another_source_or_renamed_is_not_duplicated(demo_server_url,
                                                                             tmp_path):
    """An earlier demo harvested the bus network from Data Fair, and loaded the Chauvigny toilets
    through the action API under an older name: the demo of this checkout brings them from
    transport.data.gouv.fr and OpenDataSoft, under their names, once."""
    demo.load(echo=lambda _line: None, skip=demo_sources.covered_names())
    sources = demo_sources.ensure_sources(demo_server_url, echo=lambda _line: None)
    _harvest(sources)
    total = helpers.call_action("package_search", rows=0)["count"]
    by_api = {s["api"]: source for s, source in zip(demo_sources.read_sources(), sources,
                                                    strict=True)}
    # the earlier demo: Vitalis is the Data Fair source's, the toilets have their old name
    vitalis = model.Package.get("offre-de-transport-du-reseau-vitalis")
    model.Session.query(HarvestObject).filter_by(package_id=vitalis.id).update(
        {"harvest_source_id": by_api["datafair"]["id"]})
    model.Session.commit()
    toilettes = model.Package.get("toilettes-publiques-de-chauvigny")
    model.Session.query(HarvestObject).filter_by(package_id=toilettes.id).update(
        {"package_id": None, "current": False})
    model.Session.commit()
    helpers.call_action("dataset_purge", id=toilettes.id)
    entry = next(e for e in demo.read()["datasets"]
                 if e["name"] == "toilettes-publiques-de-chauvigny")
    earlier = tmp_path / "demo.yaml"
    earlier.write_text(yaml.safe_dump(
        {"datasets": [dict(entry, name="toilettes-publiques-chauvigny")]}, allow_unicode=True),
        encoding="utf-8")
    demo.load(str(earlier), echo=lambda _line: None)
    old = helpers.call_action("package_show", id="toilettes-publiques-chauvigny")

    demo_sources.ensure_sources(demo_server_url, echo=lambda _line: None)
    assert model.Package.get(old["id"]) is None  # loaded by the API under the old name
    _harvest(sources)
    found = helpers.call_action("package_search", rows=1000)
    assert found["count"] == total
    names = [p["name"] for p in found["results"]]
    assert "offre-de-transport-du-reseau-vitalis" in names
    assert "toilettes-publiques-de-chauvigny" in names
    assert not [n for n in names if n.startswith(("offre-de-transport-du-reseau-vitalis",
                                                  "toilettes-publiques-"))
                and n not in ("offre-de-transport-du-reseau-vitalis",
                              "toilettes-publiques-de-chauvigny")]
    again = model.Package.get("offre-de-transport-du-reseau-vitalis")
    assert again.id != vitalis.id and again.state == "active"
    current = model.Session.query(HarvestObject).filter_by(package_id=again.id,
                                                           current=True).one()
    assert current.harvest_source_id == by_api["transport"]["id"]
    # the Data Fair source withdrew nothing: its job saw no record of its own gone
    status = helpers.call_action("harvest_source_show_status", id=by_api["datafair"]["id"])
    assert status["last_job"]["stats"].get("deleted", 0) == 0
    assert status["total_datasets"] == COUNTS["datafair"]


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
