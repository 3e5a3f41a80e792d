"""Bad input of the transport.data.gouv.fr and OpenAgenda harvesters: fields of another JSON
type than the harvester reads, null where a list is expected, huge values, in the payloads
and in the source configuration. Each is a French record, gather or form error; the job goes
on with the other records and nothing is withdrawn for it."""
from __future__ import annotations

import copy
import json

import pytest
from ckan.plugins import get_plugin, toolkit
from ckan.tests import factories
from werkzeug import Response

from ckanext.poitiers.harvesters import openagenda_mapping, transport_mapping
from ckanext.poitiers.harvesters.common_mapping import shape_errors
from tests.harvest.test_datafair_harvest import datasets, gather_errors, object_errors
from tests.harvest.test_openagenda import load
from tests.harvest.test_transport import records

HUGE = "x" * 200_000


# -- the shape of a record, in French (pure) ----------------------------------------------------
@pytest.mark.parametrize("change,message", [
    ({"resources": "pas une liste"}, "«\u00a0resources\u00a0» devrait être une liste\u00a0; la "
                                     "source donne un texte."),
    ({"resources": [None]}, "«\u00a0resources[0]\u00a0» devrait être un objet\u00a0; la source "
                            "donne null"),
    ({"resources": [{"url": ["https://x"]}]}, "«\u00a0resources[0].url\u00a0» devrait être un "
                                              "texte\u00a0; la source donne une liste."),
    ({"publisher": ["Vitalis"]}, "«\u00a0publisher\u00a0» devrait être un objet\u00a0; la source "
                                 "donne une liste."),
    ({"title": {"fr": "Réseau"}}, "«\u00a0title\u00a0» devrait être un texte\u00a0; la source "
                                  "donne un objet."),
    ({"tags": "bus"}, "«\u00a0tags\u00a0» devrait être une liste"),
    ({"id": True, "datagouv_id": None}, "«\u00a0id\u00a0» devrait être un texte ou un "
                                        "nombre\u00a0; la source donne true ou false."),
])
def test_a_transport_record_of_another_shape_is_a_french_mapping_error(change, message):
    record = dict(copy.deepcopy(records()[0]), **change)
    with pytest.raises(transport_mapping.TransportMappingError) as e:
        transport_mapping.map_dataset(record)
    assert message in str(e.value)


def test_null_where_a_list_is_expected_is_an_empty_list():
    record = dict(records()[1], resources=None, tags=None, publisher=None, covered_area=None)
    mapped = transport_mapping.map_dataset(record)
    assert "resources" not in mapped and "tags" not in mapped


def test_shape_errors_are_few_and_name_the_path():
    errors = shape_errors({"resources": [1, 2, 3, 4, 5]}, {"resources": [{"url": str}]})
    assert len(errors) == 3
    assert errors[0].startswith("«\u00a0resources[0]\u00a0»")


@pytest.mark.parametrize("uid", [None, "", True, 1.5, {"a": 1}, ["41648"], "41648/events",
                                 "9" * 21, "-1"])
def test_an_agenda_without_a_uid_has_no_guid(uid):
    record = dict(load("agenda.json"), uid=uid)
    assert openagenda_mapping.guid(record) is None
    with pytest.raises(openagenda_mapping.OpenAgendaMappingError):
        openagenda_mapping.map_agenda(record, "https://api.openagenda.com/v2", "lov2")


def test_an_agenda_of_another_shape_is_a_french_mapping_error():
    record = dict(load("agenda.json"), title=["Sortir"], url={"fr": "https://x"})
    with pytest.raises(openagenda_mapping.OpenAgendaMappingError,
                       match="«\u00a0title\u00a0» devrait être un texte\u00a0; la source donne une "
                             "liste"):
        openagenda_mapping.map_agenda(record, "https://api.openagenda.com/v2", "lov2")


# -- through the real path ----------------------------------------------------------------------
@pytest.fixture
def transport(httpserver):
    state = {"records": records(httpserver.url_for("/gtfs/vitalis.zip"))}
    httpserver.expect_request("/gtfs/vitalis.zip").respond_with_data(
        b"not found", status=404)
    httpserver.expect_request("/api/datasets").respond_with_handler(
        lambda request: Response(json.dumps(state["records"]), content_type="application/json"))
    state["url"] = httpserver.url_for("/")
    return state


@pytest.mark.integration
def test_transport_records_of_another_shape_do_not_stop_the_job(transport, make_runner):
    runner = make_runner(get_plugin("poitiers_transport_harvester"), transport["url"])
    job, _ = runner.run()
    assert sorted(datasets(runner.source.id)) == [
        "reseau-urbain-vitalis", "velos-et-trottinettes-pony-poitiers"]
    before = datasets(runner.source.id)["reseau-urbain-vitalis"]
    vitalis, pony = transport["records"][:2]
    # the GTFS reader meets resources that are a text (fetch stage), the mapping a publisher
    # that is a list and a huge slug and title (import stage)
    vitalis["resources"] = "indisponible"
    vitalis["title"] = vitalis["title"] + " (modifié)"
    pony["publisher"] = ["Pony"]
    third = dict(copy.deepcopy(pony), datagouv_id="autre-jeu", id="autre-jeu", slug=HUGE,
                 title=HUGE, publisher={"name": "Pony"})
    fourth = dict(copy.deepcopy(pony), datagouv_id={"id": 1}, id=None)  # no identifier
    transport["records"] += [third, fourth]
    job, results = runner.run()
    errors = object_errors(job)
    assert any("«\u00a0resources\u00a0» devrait être une liste\u00a0; la source donne un texte" in e
               for e in errors), errors
    assert any("«\u00a0publisher\u00a0» devrait être un objet" in e for e in errors), errors
    assert all("Traceback" not in e and "AttributeError" not in e for e in errors)
    assert any("n’a pas d’identifiant" in e for e in gather_errors(job)), gather_errors(job)
    assert any("le titre dépasse 1000 caractères" in e for e in errors), errors
    # the refused records keep their datasets as they were (nothing withdrawn), nothing was
    # written for the huge one, and the job finished
    found = datasets(runner.source.id)
    assert sorted(found) == ["reseau-urbain-vitalis", "velos-et-trottinettes-pony-poitiers"]
    assert found["reseau-urbain-vitalis"]["title"] == before["title"]
    assert datasets(runner.source.id, state="deleted") == {}
    assert job.status == "Finished"


@pytest.mark.integration
def test_agendas_of_another_shape_do_not_stop_the_job(httpserver, make_runner):
    good = load("agenda.json")
    listing = {"total": 3, "after": None, "agendas": [
        dict(good, uid={"x": 1}, slug="sans-uid"),  # no uid: a gather error
        dict(good, uid=55501234, slug="titre-en-liste", title=["Agenda"]),
        dict(good, uid=55509999, slug="agenda-correct", title="Agenda correct"),
    ]}
    httpserver.expect_request("/v2/agendas").respond_with_json(listing)
    httpserver.expect_request("/v2/agendas/55501234").respond_with_json(listing["agendas"][1])
    httpserver.expect_request("/v2/agendas/55509999").respond_with_json(listing["agendas"][2])
    config = json.dumps({"key": "oa_pk_test", "search": "Poitiers"})
    runner = make_runner(get_plugin("poitiers_openagenda_harvester"), httpserver.url_for("/v2"),
                         config)
    job, results = runner.run()
    assert any("n’a pas d’identifiant" in e for e in gather_errors(job)), gather_errors(job)
    errors = object_errors(job)
    assert any("«\u00a0title\u00a0» devrait être un texte\u00a0; la source donne une liste" in e
               for e in errors), errors
    assert sorted(datasets(runner.source.id)) == ["agenda-agenda-correct"]


@pytest.mark.integration
@pytest.mark.parametrize("source_type,config,message", [
    ("poitiers_openagenda", {"key": "oa_pk_test", "search": HUGE},
     "«\u00a0search\u00a0» est trop long\u00a0: 200 caractères au plus"),
    ("poitiers_openagenda", {"key": HUGE, "search": "Poitiers"},
     "«\u00a0key\u00a0» est trop long\u00a0: 200 caractères au plus"),
    ("poitiers_openagenda", {"key": "oa_pk_test", "agendas": [str(n) for n in range(5000)]},
     "«\u00a0agendas\u00a0» est trop long\u00a0: 500 éléments au plus"),
    ("poitiers_openagenda", {"key": "oa_pk_test", "agendas": None, "search": None},
     "Indiquez «\u00a0agendas\u00a0»"),
    ("poitiers_openagenda", {"key": "oa_pk_test", "agendas": [41648]},
     "«\u00a0agendas\u00a0» doit être une liste de textes"),
    ("poitiers_transport", {"covered": ["200069854"] * 1000},
     "«\u00a0covered\u00a0» est trop long\u00a0: 100 éléments au plus"),
    ("poitiers_transport", {"covered": [None]}, "«\u00a0covered\u00a0» doit être une liste de "
                                                "textes"),
    ("poitiers_transport", {"gtfs_facts": "oui"},
     "«\u00a0gtfs_facts\u00a0» doit être true ou false"),
])
def test_bad_source_options_are_french_form_errors(organization, httpserver, source_type,
                                                   config, message):
    with pytest.raises(toolkit.ValidationError) as e:
        toolkit.get_action("harvest_source_create")(
            {"user": factories.Sysadmin()["name"]},
            {"name": "source", "title": "Source", "url": httpserver.url_for("/v2"),
             "source_type": source_type, "config": json.dumps(config),
             "owner_org": organization["id"]},
        )
    text = json.dumps(e.value.error_dict, ensure_ascii=False)
    assert message in text
    assert len(text) < 2000  # a huge value is not echoed back


@pytest.mark.integration
def test_a_huge_bad_value_is_not_echoed(organization, httpserver):
    with pytest.raises(toolkit.ValidationError) as e:
        toolkit.get_action("harvest_source_create")(
            {"user": factories.Sysadmin()["name"]},
            {"name": "source", "title": "Source", "url": httpserver.url_for("/v2"),
             "source_type": "poitiers_openagenda",
             "config": json.dumps({"key": "k", "agendas": ["9" * 100, "a"] * 40}),
             "owner_org": organization["id"]},
        )
    text = json.dumps(e.value.error_dict, ensure_ascii=False)
    assert "«\u00a0" + "9" * 39 + "…\u00a0»" in text and len(text) < 1000
