"""The fault matrix of the transport.data.gouv.fr and OpenAgenda harvesters, through the real
path (local HTTP server, ckanext-harvest, PostgreSQL, Solr): a failed or partial read keeps
every dataset, the error is a French gather error, and the next good run picks up again."""
from __future__ import annotations

import copy
import json
import os
import time

import pytest
from ckan.plugins import get_plugin
from werkzeug import Response

from tests.harvest.test_datafair_harvest import datasets, gather_errors

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")
MIB = 1024 * 1024


def fixture(*parts):
    with open(os.path.join(FIXTURES, *parts), encoding="utf-8") as f:
        return json.load(f)


def answer(state, body: bytes):
    """The answer of a listing in the failure mode ``state["mode"]``."""
    mode = state["mode"]
    if mode == "timeout":
        time.sleep(0.8)  # more than the timeout of 0.5 s, not much more
    if mode == "500":
        return Response("<html>Erreur interne</html>", status=500)
    if mode == "truncated":
        return Response(body[: len(body) // 2], content_type="application/json")
    if mode == "bad-utf8":
        # a Latin-1 « é » where a space was
        return Response(body.replace(b" ", b"\xe9", 1), content_type="application/json")
    if mode == "huge":
        # 50 MB streamed without Content-Length: refused once the cap is passed
        return Response((b" " * MIB for _ in range(50)), content_type="application/json")
    if mode == "html":
        return Response("<!doctype html><title>Maintenance</title>", content_type="text/html")
    return Response(body, content_type="application/json")


def assert_a_failure_withdraws_nothing(runner, state, mode, message, gone: int) -> list[str]:
    """The source fails (``mode``) while ``state["records"][gone]`` has left it: one French
    gather error, nothing written or withdrawn. Once it answers again, that dataset alone is
    withdrawn. Returns the names of the datasets left."""
    names = sorted(datasets(runner.source.id))
    state["mode"] = mode
    del state["records"][gone]
    job, results = runner.run()
    [error] = gather_errors(job)
    assert message in error and "Aucun jeu de données n’est retiré" in error
    assert results == {}
    assert sorted(datasets(runner.source.id)) == names
    state["mode"] = "ok"
    job, results = runner.run()
    assert gather_errors(job) == []
    assert [r["report_status"] for r in results.values()] == ["deleted"]
    return sorted(datasets(runner.source.id))


FAILURES = [
    ("timeout", "n’a pas répondu"),
    ("500", "erreur HTTP 500"),
    ("truncated", "n’est pas du JSON valide"),
    ("bad-utf8", "n’est pas un texte UTF-8 valide"),
    ("huge", "dépasse la limite de"),
    ("html", "n’est pas du JSON valide"),
]


@pytest.fixture
def transport(httpserver):
    state = {"mode": "ok", "records": [
        {k: v for k, v in r.items() if k != "resources"} | {"resources": [
            res for res in r["resources"] if res["format"] != "GTFS"]}
        for r in fixture("transport", "datasets.json")
    ]}

    def listing(request):
        if state.get("handler"):
            return state["handler"](request)
        return answer(state, json.dumps(state["records"], ensure_ascii=False).encode())

    httpserver.expect_request("/api/datasets").respond_with_handler(listing)
    state["url"] = httpserver.url_for("/")
    return state


@pytest.mark.ckan_config("ckanext.poitiers.harvest.timeout", "0.5")
@pytest.mark.parametrize("mode,message", FAILURES)
def test_transport_failures_keep_every_dataset(transport, make_runner, mode, message):
    runner = make_runner(get_plugin("poitiers_transport_harvester"), transport["url"])
    runner.run()
    names = ["reseau-urbain-vitalis", "velos-et-trottinettes-pony-poitiers"]
    assert sorted(datasets(runner.source.id)) == names
    assert assert_a_failure_withdraws_nothing(runner, transport, mode, message, gone=1) == [
        "reseau-urbain-vitalis"]


def test_transport_retry_after_duplicates_and_html(transport, make_runner):
    seen = []
    records = transport["records"]
    records[0]["title"] = "Réseau <b>Vitalis</b><script>alert(1)</script>"
    records[0]["publisher"]["name"] = "Grand Poitiers <img src=x onerror=alert(1)>"
    records[0]["tags"] = ["<i>bus</i>", "javascript:alert(1)"]
    records[0]["resources"][0]["title"] = "<a href='javascript:alert(1)'>GTFS-RT</a>"
    records.append(copy.deepcopy(records[1]))  # the same dataset twice

    def handler(request):
        seen.append(time.monotonic())
        if len(seen) == 1:
            return Response("Trop de requêtes", status=429, headers={"Retry-After": "1"})
        return Response(json.dumps(records), content_type="application/json")

    transport["handler"] = handler
    runner = make_runner(get_plugin("poitiers_transport_harvester"), transport["url"])
    # the 429 comes first: the harvester waits the second asked, then reads the listing
    job, results = runner.run()
    assert len(seen) == 2 and seen[1] - seen[0] >= 1.0
    assert gather_errors(job) == [
        "L’identifiant https://transport.data.gouv.fr/datasets/696119fa95113369d7bf552a figure "
        "deux fois dans la source\u00a0; seul son premier enregistrement est moissonné."]
    found = datasets(runner.source.id)
    assert sorted(found) == ["reseau-urbain-vitalis", "velos-et-trottinettes-pony-poitiers"]
    vitalis = found["reseau-urbain-vitalis"]
    assert vitalis["title"] == "Réseau Vitalis"
    assert vitalis["publisher"][0]["name"] == "Grand Poitiers"
    assert "<" not in json.dumps([t["name"] for t in vitalis["tags"]])
    assert vitalis["resources"][0]["name"] == "GTFS-RT"
    # a second run of the unchanged source writes nothing
    job, results = runner.run()
    assert results == {}


@pytest.fixture
def agenda_search(httpserver):
    """A search of two pages; ``state["mode"]`` breaks the second page."""
    state = {"mode": "ok", "pages": [fixture("openagenda", "agendas_page1.json"),
                                     fixture("openagenda", "agendas_page2.json")]}

    def search(request):
        if request.args.getlist("after[]"):
            return answer(state, json.dumps(state["pages"][1], ensure_ascii=False).encode())
        return Response(json.dumps(state["pages"][0]), content_type="application/json")

    def detail(request):
        uid = int(request.path.rsplit("/", 1)[-1])
        short = next(a for page in state["pages"] for a in page["agendas"] if a["uid"] == uid)
        return Response(json.dumps(short), content_type="application/json")

    httpserver.expect_request("/v2/agendas").respond_with_handler(search)
    for uid in (55501234, 55509999):
        httpserver.expect_request(f"/v2/agendas/{uid}").respond_with_handler(detail)
    state["url"] = httpserver.url_for("/v2")
    return state


@pytest.mark.ckan_config("ckanext.poitiers.harvest.timeout", "0.5")
@pytest.mark.parametrize("mode,message", FAILURES)
def test_agenda_search_failures_keep_every_dataset(agenda_search, make_runner, mode, message):
    config = json.dumps({"key": "oa_pk_test", "search": "Poitiers"})
    runner = make_runner(get_plugin("poitiers_openagenda_harvester"), agenda_search["url"],
                         config)
    runner.run()
    names = ["agenda-fete-de-la-science-poitiers", "agenda-mediatheques-grand-poitiers"]
    assert sorted(datasets(runner.source.id)) == names
    # page 2 fails; page 1 changed: its agenda is updated, nothing is withdrawn
    agenda_search["mode"] = mode
    agenda_search["pages"][0]["agendas"][0]["title"] = "Médiathèques de Grand Poitiers (réseau)"
    job, results = runner.run()
    [error] = gather_errors(job)
    assert message in error and "Aucun jeu de données n’est retiré" in error
    assert [r["report_status"] for r in results.values()] == ["updated"]
    found = datasets(runner.source.id)
    assert sorted(found) == names
    assert found["agenda-mediatheques-grand-poitiers"]["title"].endswith("(réseau)")
