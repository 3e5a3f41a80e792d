"""OpenAgenda: agendas by uid and by search (``after`` cursor) → datasets whose resources are
the exports and the API; mapping unit tests and the harvester through the real path."""
from __future__ import annotations

import json
import os

import pytest
from ckan.plugins import get_plugin, toolkit
from ckan.tests import factories
from werkzeug import Response

from ckanext.poitiers.harvesters import openagenda_mapping as m
from tests.harvest.conftest import AGENDA_SEARCH, serve_agenda, shared_fixture
from tests.harvest.test_datafair_harvest import datasets, gather_errors, modified, object_errors

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")
API = "https://api.openagenda.com/v2"


def load(name):
    with open(os.path.join(FIXTURES, "openagenda", name), encoding="utf-8") as f:
        return json.load(f)


def test_agenda_mapping():
    d = m.map_agenda(load("agenda.json"), API, "lov2")
    assert d["name"] == "agenda-sortir-a-poitiers"
    assert d["url"] == "https://openagenda.com/sortir-a-poitiers"
    assert "<script" not in d["notes"]
    assert d["poitiers_theme"] == ["culture-agenda"]
    assert d["frequency"].endswith("/UPDATE_CONT")
    # the exports openagenda.com's export dialog links to (there is no public events.v2.json:
    # the JSON of the events is the API)
    assert [(r["url"], r["format"], r["resource_kind"]) for r in d["resources"]] == [
        ("https://openagenda.com/agendas/88120345/events.v2.csv", "CSV", "file"),
        ("https://openagenda.com/agendas/88120345/events.v2.ics", "ICS", "file"),
        ("https://openagenda.com/agendas/88120345/events.v2.xlsx", "XLSX", "file"),
        (f"{API}/agendas/88120345/events", "JSON", "api"),
        ("https://sortir.grandpoitiers.fr", "HTML", "documentation")]


def test_recorded_agenda():
    with open(shared_fixture("openagenda", "Erwane_openagenda-api__agendas_agenda.json"),
              encoding="utf-8") as f:
        d = m.map_agenda(json.load(f), API, "notspecified")
    assert d["title"] == "La Semaine Nationale de la Petite Enfance"
    assert [r["url"] for r in d["resources"][:3]] == [
        f"https://openagenda.com/agendas/41648/events.v2.{ext}" for ext in ("csv", "ics", "xlsx")]


def test_a_private_agenda_is_not_published():
    with pytest.raises(m.OpenAgendaMappingError, match="privé"):
        m.map_agenda(dict(load("agenda.json"), private=1), API, "lov2")


@pytest.fixture
def harvester():
    return get_plugin("poitiers_openagenda_harvester")


@pytest.mark.integration
def test_agendas_by_uid_and_by_search(httpserver, make_runner, harvester):
    seen = []

    def agendas(request):
        seen.append(request.args.to_dict(flat=False))
        if request.args.get("key") != "oa_pk_test":
            return Response('{"error": "invalid key"}', status=403)
        page = "agendas_page2.json" if request.args.getlist("after[]") else "agendas_page1.json"
        return Response(json.dumps(load(page)), content_type="application/json")

    def detail(uid, **more):
        # a search lists agendas in short: the agenda itself has its website and whole text
        short = next(a for page in ("agendas_page1.json", "agendas_page2.json")
                     for a in load(page)["agendas"] if a["uid"] == uid)
        return dict(short, url=f"https://agenda{uid}.example.org", private=0,
                    description=short["description"] + " Toute l'année.", **more)

    httpserver.expect_request("/v2/agendas/88120345").respond_with_json(load("agenda.json"))
    for uid in (55501234, 55509999):
        httpserver.expect_request(f"/v2/agendas/{uid}", query_string={"key": "oa_pk_test"}) \
            .respond_with_json(detail(uid))
    httpserver.expect_request("/v2/agendas").respond_with_handler(agendas)
    config = json.dumps({"key": "oa_pk_test", "agendas": ["88120345"], "search": "Poitiers",
                         "license_id": "lov2"})
    runner = make_runner(harvester, httpserver.url_for("/v2"), config)
    job, results = runner.run()
    assert gather_errors(job) == []
    found = datasets(runner.source.id)
    assert sorted(found) == ["agenda-fete-de-la-science-poitiers",
                             "agenda-mediatheques-grand-poitiers", "agenda-sortir-a-poitiers"]
    assert seen[1]["after[]"] == ["1", "55501234"]
    assert found["agenda-sortir-a-poitiers"]["license_id"] == "lov2"
    media = found["agenda-mediatheques-grand-poitiers"]
    assert media["notes"].endswith("Toute l'année.")
    assert media["resources"][-1]["url"] == "https://agenda55501234.example.org"
    job, results = runner.run()
    assert results == {}  # unchanged: skipped at gather time


@pytest.mark.integration
def test_config_needs_a_key_and_agendas(organization, httpserver):
    sysadmin = factories.Sysadmin()
    with pytest.raises(toolkit.ValidationError) as e:
        toolkit.get_action("harvest_source_create")(
            {"user": sysadmin["name"]},
            {"name": "agenda", "title": "Agenda", "url": httpserver.url_for("/v2"),
             "source_type": "poitiers_openagenda", "config": "{}",
             "owner_org": organization["id"]},
        )
    text = json.dumps(e.value.error_dict, ensure_ascii=False)
    assert "«\u00a0key\u00a0»" in text and "«\u00a0agendas\u00a0»" in text


@pytest.mark.integration
def test_original_url_of_a_harvested_agenda(httpserver, make_runner, harvester):
    httpserver.expect_request("/v2/agendas/88120345").respond_with_json(load("agenda.json"))
    config = json.dumps({"key": "oa_pk_test", "agendas": ["88120345"]})
    runner = make_runner(harvester, httpserver.url_for("/v2"), config)
    _job, results = runner.run()
    [result] = results.values()
    assert harvester.get_original_url(result["obj_id"]) == (
        "https://openagenda.com/sortir-a-poitiers")


@pytest.mark.integration
@pytest.mark.parametrize("uid", ["41648/events/5", "../agendas/41648", "sortir-a-poitiers", ""])
def test_agendas_must_be_uids(organization, httpserver, uid):
    sysadmin = factories.Sysadmin()
    with pytest.raises(toolkit.ValidationError) as e:
        toolkit.get_action("harvest_source_create")(
            {"user": sysadmin["name"]},
            {"name": "agenda", "title": "Agenda", "url": httpserver.url_for("/v2"),
             "source_type": "poitiers_openagenda",
             "config": json.dumps({"key": "oa_pk_test", "agendas": ["41648", uid]}),
             "owner_org": organization["id"]},
        )
    text = json.dumps(e.value.error_dict, ensure_ascii=False)
    assert "«\u00a0agendas\u00a0» donne les identifiants" in text and f"«\u00a0{uid}\u00a0»" in text


@pytest.mark.integration
def test_an_answer_about_another_uid_is_not_taken(httpserver, make_runner, harvester):
    # the address of one agenda answers with another record (another agenda, or anything with
    # a uid, such as an event): nothing is created, the gather error says so
    httpserver.expect_request("/v2/agendas/88120345").respond_with_json(
        dict(load("agenda.json"), uid=41648))
    config = json.dumps({"key": "oa_pk_test", "agendas": ["88120345"]})
    runner = make_runner(harvester, httpserver.url_for("/v2"), config)
    job, results = runner.run()
    assert results == {} and datasets(runner.source.id) == {}
    [error] = gather_errors(job)
    assert "n’est pas l’agenda OpenAgenda 88120345" in error


@pytest.mark.integration
def test_an_agenda_turned_private_is_withdrawn(httpserver, make_runner, harvester):
    agenda = load("agenda.json")
    httpserver.expect_request("/v2/agendas/88120345").respond_with_handler(
        lambda request: Response(json.dumps(agenda), content_type="application/json"))
    config = json.dumps({"key": "oa_pk_test", "agendas": ["88120345"]})
    runner = make_runner(harvester, httpserver.url_for("/v2"), config)
    runner.run()
    assert list(datasets(runner.source.id)) == ["agenda-sortir-a-poitiers"]
    agenda["private"] = 1
    job, _results = runner.run()
    assert gather_errors(job) == []
    assert datasets(runner.source.id) == {}
    assert list(datasets(runner.source.id, state="deleted")) == ["agenda-sortir-a-poitiers"]


# a slug is text of OpenAgenda's: a space, « / », « ? » or « # » stays in the segment of the page
ODD_SLUG = "sortir à poitiers/été?x=1#haut"
ODD_PAGE = "https://openagenda.com/sortir%20%C3%A0%20poitiers%2F%C3%A9t%C3%A9%3Fx%3D1%23haut"


@pytest.mark.parametrize("uid", ["41648\n", "41648\r\n", " 41648", "4164８"])
def test_a_uid_with_anything_more_is_not_a_uid(uid):
    from ckanext.poitiers.harvesters import openagenda
    from ckanext.poitiers.harvesters import openagenda_mapping as m

    assert m.uid_of({"uid": uid}) is None
    with pytest.raises(Exception, match="«\u00a0agendas\u00a0»"):
        openagenda.OpenAgendaHarvester().check_settings({"key": "oa_pk_test", "agendas": [uid],
                                                        "search": ""})


def test_a_slug_and_a_uid_are_one_segment_of_their_addresses():
    d = m.map_agenda(dict(load("agenda.json"), slug=ODD_SLUG), API, "lov2")
    assert d["url"] == ODD_PAGE
    assert m.segment("a b/c?d#e%f") == "a%20b%2Fc%3Fd%23e%25f"
    assert m.segment(41648) == "41648"  # a uid (a number) is written as it is
    assert m.guid({"uid": 41648}) == "https://openagenda.com/agendas/41648"


@pytest.mark.integration
def test_an_odd_slug_found_by_a_search_gives_the_agendas_own_page(httpserver, make_runner,
                                                                   harvester):
    agenda = dict(load("agenda.json"), uid=55509999, slug=ODD_SLUG)
    runner = make_runner(harvester, serve_agenda(httpserver, agenda), AGENDA_SEARCH)
    job, results = runner.run()
    [dataset] = datasets(runner.source.id).values()
    assert dataset["url"] == ODD_PAGE  # before: openagenda.com/sortir à poitiers/été?x=1#haut
    assert object_errors(job) == []  # before: the page, no web address, was left out
    [result] = results.values()
    assert harvester.get_original_url(result["obj_id"]) == ODD_PAGE
    assert [r["url"] for r in dataset["resources"][:3]] == [
        f"https://openagenda.com/agendas/55509999/events.v2.{ext}"
        for ext in ("csv", "ics", "xlsx")]


@pytest.fixture
def two_agendas(httpserver):
    """Two agendas served by uid; ``state["status"]`` (uid → HTTP status) breaks one."""
    state = {"status": {}}
    agendas = {"88120345": load("agenda.json"),
               "41648": dict(load("agenda.json"), uid=41648, slug="petite-enfance",
                             title="La Semaine Nationale de la Petite Enfance")}

    def handler(request):
        uid = request.path.rsplit("/", 1)[-1]
        status = state["status"].get(uid, 200)
        if status != 200:
            return Response('{"error": "agenda not found"}', status=status,
                            content_type="application/json")
        return Response(json.dumps(agendas[uid]), content_type="application/json")

    for uid in agendas:
        httpserver.expect_request(f"/v2/agendas/{uid}").respond_with_handler(handler)
    state["config"] = json.dumps({"key": "oa_pk_test", "agendas": list(agendas)})
    state["agendas"] = agendas
    return state


@pytest.mark.integration
def test_an_agenda_gone_is_withdrawn_the_others_kept(httpserver, make_runner, harvester,
                                                      two_agendas):
    runner = make_runner(harvester, httpserver.url_for("/v2"), two_agendas["config"])
    runner.run()
    assert sorted(datasets(runner.source.id)) == ["agenda-petite-enfance",
                                                  "agenda-sortir-a-poitiers"]
    # the first agenda of the list is deleted on OpenAgenda: the second is still read, the
    # first withdrawn, and the job says why in French
    two_agendas["status"]["88120345"] = 404
    two_agendas["agendas"]["41648"]["description"] = "Nouveau texte."
    job, _results = runner.run()
    assert gather_errors(job) == [
        "L’agenda 88120345 n’existe plus sur OpenAgenda (HTTP 404)\u00a0: son jeu de données est "
        "retiré."]
    found = datasets(runner.source.id)
    assert list(found) == ["agenda-petite-enfance"]
    assert found["agenda-petite-enfance"]["notes"] == "Nouveau texte."
    assert list(datasets(runner.source.id, state="deleted")) == ["agenda-sortir-a-poitiers"]


@pytest.mark.integration
@pytest.mark.parametrize("status", [404, 500])
def test_a_source_down_or_at_a_wrong_address_withdraws_nothing(httpserver, make_runner,
                                                               harvester, two_agendas, status):
    runner = make_runner(harvester, httpserver.url_for("/v2"), two_agendas["config"])
    runner.run()
    # every agenda fails: a server down, or "not found" everywhere (a wrong address, more
    # likely than every agenda deleted at once)
    two_agendas["status"].update({"88120345": status, "41648": status})
    job, results = runner.run()
    [error] = gather_errors(job)
    assert "Aucun jeu de données n’est retiré" in error or "aucun jeu de données n’est retiré" in (
        error)
    assert results == {}
    assert len(datasets(runner.source.id)) == 2


@pytest.mark.integration
def test_a_source_saved_before_the_checks_is_refused_at_its_gather(httpserver, make_runner,
                                                                   harvester, two_agendas):
    from ckan import model

    runner = make_runner(harvester, httpserver.url_for("/v2"), two_agendas["config"])
    runner.run()
    # written to the database directly, as by an older version or a script: no key, and an
    # agenda given by its slug
    runner.source.config = json.dumps({"agendas": ["88120345", "petite-enfance"]})
    model.Session.commit()
    two_agendas["agendas"]["41648"]["description"] = "Nouveau texte."
    job, results = runner.run()
    [error] = gather_errors(job)
    assert error.startswith("Configuration de la source invalide")
    assert "«\u00a0key\u00a0»" in error and "«\u00a0petite-enfance\u00a0»" in error
    assert results == {}
    found = datasets(runner.source.id)
    assert sorted(found) == ["agenda-petite-enfance", "agenda-sortir-a-poitiers"]
    assert found["agenda-petite-enfance"]["notes"] != "Nouveau texte."


@pytest.mark.integration
def test_one_agenda_failing_does_not_stop_the_others(httpserver, make_runner, harvester,
                                                     two_agendas):
    runner = make_runner(harvester, httpserver.url_for("/v2"), two_agendas["config"])
    runner.run()
    two_agendas["status"]["88120345"] = 500
    two_agendas["agendas"]["41648"]["description"] = "Nouveau texte."
    job, _results = runner.run()
    [error] = gather_errors(job)
    assert "erreur HTTP 500" in error and "n’est retiré" in error
    found = datasets(runner.source.id)
    assert sorted(found) == ["agenda-petite-enfance", "agenda-sortir-a-poitiers"]
    assert found["agenda-petite-enfance"]["notes"] == "Nouveau texte."


@pytest.mark.integration
def test_an_agenda_listed_by_uid_and_found_by_the_search_is_harvested_once(
        httpserver, make_runner, harvester):
    page = load("agendas_page1.json")
    page["agendas"].append(dict(load("agenda.json"), description="Résumé."))
    page["after"] = None
    httpserver.expect_request("/v2/agendas/88120345").respond_with_json(load("agenda.json"))
    httpserver.expect_request("/v2/agendas/55501234").respond_with_json(
        dict(page["agendas"][0], url="https://mediatheques.grandpoitiers.fr"))
    httpserver.expect_request("/v2/agendas").respond_with_json(page)
    config = json.dumps({"key": "oa_pk_test", "agendas": ["88120345"], "search": "Poitiers"})
    runner = make_runner(harvester, httpserver.url_for("/v2"), config)
    job, _results = runner.run()
    assert gather_errors(job) == []  # not « appears twice »: both ways are the source's
    found = datasets(runner.source.id)
    assert sorted(found) == ["agenda-mediatheques-grand-poitiers", "agenda-sortir-a-poitiers"]
    assert found["agenda-sortir-a-poitiers"]["notes"].startswith("Concerts, expositions")


# -- the date of the data: the latest change of the agenda's events ------------------------------
EVENT_CHANGED = "2025-01-09T13:53:30.000Z"  # updatedAt of an event of the recorded payloads


def test_exports_and_api_are_dated_by_the_latest_event_change():
    d = m.map_agenda(dict(load("agenda.json"), _events_updated=EVENT_CHANGED), API, "lov2")
    dated = {r["format"]: r.get("last_modified") for r in d["resources"]}
    # the exports and the API give the events; the website is documentation, undated
    assert dated == {"CSV": "2025-01-09T13:53:30", "ICS": "2025-01-09T13:53:30",
                     "XLSX": "2025-01-09T13:53:30", "JSON": "2025-01-09T13:53:30",
                     "HTML": None}


@pytest.mark.parametrize("value", [None, "", "hier", 20250109, ["2025-01-09"]])
def test_no_event_or_no_date_leaves_the_resources_undated(value):
    d = m.map_agenda(dict(load("agenda.json"), _events_updated=value), API, "lov2")
    assert all("last_modified" not in r for r in d["resources"])


def _dates(found: dict) -> set:
    return {r.get("last_modified") for r in found["agenda-sortir-a-poitiers"]["resources"]
            if r["resource_kind"] != "documentation"}


@pytest.mark.integration
def test_a_change_of_the_events_alone_updates_the_dataset(httpserver, make_runner, harvester,
                                                          agenda_events):
    httpserver.expect_request("/v2/agendas/88120345").respond_with_json(load("agenda.json"))
    agenda_events["events"] = [{"uid": 1, "updatedAt": EVENT_CHANGED}]
    config = json.dumps({"key": "oa_pk_test", "agendas": ["88120345"]})
    runner = make_runner(harvester, httpserver.url_for("/v2"), config)
    job, _results = runner.run()
    assert object_errors(job) == []
    assert _dates(datasets(runner.source.id)) == {"2025-01-09T13:53:30"}
    # one event asked for, the latest changed (removed events included), with the source's key
    assert agenda_events["seen"][0] == {"key": ["oa_pk_test"], "size": ["1"],
                                        "sort": ["updatedAt.desc"], "removed": ["null"],
                                        "includeFields[]": ["uid", "updatedAt"]}
    _job, results = runner.run()
    assert results == {}  # nothing changed: skipped at gather time
    # an event changes, the agenda itself does not: the dataset's date follows (the page showed
    # the harvest's date as the last update)
    agenda_events["events"] = [{"uid": 2, "updatedAt": "2025-02-03T10:00:00+01:00"}]
    job, results = runner.run()
    assert len(results) == 1 and object_errors(job) == []
    assert _dates(datasets(runner.source.id)) == {"2025-02-03T09:00:00"}
    # an event removed from the agenda (OpenAgenda lists it with removed=null, as
    # {uid, removed, updatedAt}): the exports changed, their date follows
    agenda_events["events"] = [{"uid": 1, "removed": True, "updatedAt": "2025-02-10T08:30:00Z"}]
    job, results = runner.run()
    assert len(results) == 1 and object_errors(job) == []
    assert _dates(datasets(runner.source.id)) == {"2025-02-10T08:30:00"}


@pytest.mark.integration
@pytest.mark.parametrize("fault", ["status", "shape", "item"])
def test_events_unreadable_keep_the_previous_date_and_say_so(httpserver, make_runner, harvester,
                                                             agenda_events, fault):
    httpserver.expect_request("/v2/agendas/88120345").respond_with_json(load("agenda.json"))
    agenda_events["events"] = [{"uid": 1, "updatedAt": EVENT_CHANGED}]
    config = json.dumps({"key": "oa_pk_test", "agendas": ["88120345"]})
    runner = make_runner(harvester, httpserver.url_for("/v2"), config)
    runner.run()
    before = datasets(runner.source.id)
    # the events cannot be read: the agenda is harvested all the same, its date kept, and the
    # job says why in French
    if fault == "status":
        agenda_events["status"] = 500
    elif fault == "shape":
        agenda_events["body"] = {"events": "none", "total": "?"}
    else:  # a list whose event is not an object: not « no event »
        agenda_events["body"] = {"events": ["2025-03-01"], "total": 1}
    job, _results = runner.run()
    assert gather_errors(job) == []
    [error] = object_errors(job)
    assert "la date de la dernière modification des événements de l’agenda n’a pas pu être " \
           "lue" in error and "celle de la moisson précédente est gardée" in error
    found = datasets(runner.source.id)
    assert list(found) == ["agenda-sortir-a-poitiers"]
    assert _dates(found) == {"2025-01-09T13:53:30"}
    assert modified(found) == modified(before)  # nothing rewritten
    # read again at the next harvest, though the agenda did not change
    agenda_events.update(status=200, body=None,
                         events=[{"uid": 2, "updatedAt": "2025-03-01T08:00:00Z"}])
    job, results = runner.run()
    assert len(results) == 1 and object_errors(job) == []
    assert _dates(datasets(runner.source.id)) == {"2025-03-01T08:00:00"}


@pytest.mark.integration
def test_events_of_agendas_found_by_a_search_are_read_too(httpserver, make_runner, harvester,
                                                          agenda_events):
    agenda_events["events"] = [{"uid": 1, "updatedAt": EVENT_CHANGED}]
    runner = make_runner(harvester, serve_agenda(httpserver, load("agenda.json")),
                         AGENDA_SEARCH)
    job, _results = runner.run()
    assert object_errors(job) == []
    assert _dates(datasets(runner.source.id)) == {"2025-01-09T13:53:30"}
