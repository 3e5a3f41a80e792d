"""The fault matrix of the udata and DCAT harvesters (the Data Fair one is in
test_datafair_harvest.py), through the real path (local HTTP server, ckanext-harvest,
PostgreSQL, Solr): a failed or partial read keeps every dataset, the error is a French gather
error, and the next good run picks up again."""
from __future__ import annotations

import copy
import json
import time

import pytest
from ckan.plugins import get_plugin
from werkzeug import Response

from tests.harvest.test_datafair_harvest import datasets, gather_errors
from tests.harvest.test_fault_matrix_mobility_agenda import (
    FAILURES,
    answer,
    assert_a_failure_withdraws_nothing,
)
from tests.harvest.udata_server import load_records

ORG = "5a0b1c2d3e4f5a6b7c8d9e0f"
UDATA_NAMES = ["budget-primitif-ville-de-poitiers", "defibrillateurs-grand-poitiers",
               "lieux-de-stationnement-de-grand-poitiers"]


@pytest.fixture
def udata(httpserver):
    state = {"mode": "ok", "records": load_records()}

    def listing(request):
        if state.get("handler"):
            return state["handler"](request)
        body = {"data": state["records"], "page": 1, "page_size": 100,
                "total": len(state["records"]), "next_page": None}
        return answer(state, json.dumps(body, ensure_ascii=False).encode())

    httpserver.expect_request("/api/1/datasets/").respond_with_handler(listing)
    state["url"] = httpserver.url_for("/")
    return state


@pytest.mark.ckan_config("ckanext.poitiers.harvest.timeout", "0.5")
@pytest.mark.parametrize("mode,message", FAILURES)
def test_udata_failures_keep_every_dataset(udata, make_runner, mode, message):
    runner = make_runner(get_plugin("poitiers_udata_harvester"), udata["url"],
                         json.dumps({"organization": ORG}))
    runner.run()
    assert sorted(datasets(runner.source.id)) == UDATA_NAMES
    assert assert_a_failure_withdraws_nothing(runner, udata, mode, message, gone=0) == \
        UDATA_NAMES[:2]


def test_udata_retry_after_duplicates_and_html(udata, make_runner):
    seen = []
    records = udata["records"]
    records[0]["title"] = "Stationnement <b>Grand Poitiers</b><script>alert(1)</script>"
    records[0]["organization"]["name"] = "Grand Poitiers <img src=x onerror=alert(1)>"
    records[0]["tags"] = ["<i>parking</i>", "javascript:alert(1)", "mobilite"]
    records[0]["resources"][0]["title"] = "<a href='javascript:alert(1)'>Parkings</a>"
    records[0]["contact_points"][0]["name"] = "SIG<script>alert(1)</script>"
    records.append(copy.deepcopy(records[1]))  # the same dataset twice

    def handler(request):
        seen.append(time.monotonic())
        if len(seen) == 1:
            return Response("Trop de requêtes", status=429, headers={"Retry-After": "1"})
        return Response(json.dumps({"data": records, "page": 1, "page_size": 100,
                                    "total": len(records), "next_page": None}),
                        content_type="application/json")

    udata["handler"] = handler
    runner = make_runner(get_plugin("poitiers_udata_harvester"), udata["url"],
                         json.dumps({"organization": ORG}))
    job, results = runner.run()
    # the 429 comes first: the harvester waits the second asked, then reads the listing
    assert len(seen) == 2 and seen[1] - seen[0] >= 1.0
    [duplicate] = gather_errors(job)
    assert "figure deux fois dans la source" in duplicate
    found = datasets(runner.source.id)
    assert sorted(found) == UDATA_NAMES
    parkings = found["lieux-de-stationnement-de-grand-poitiers"]
    assert parkings["title"] == "Stationnement Grand Poitiers"
    assert parkings["publisher"][0]["name"] == "Grand Poitiers"
    assert parkings["contact"][0]["name"] == "SIG"
    assert "<" not in json.dumps([t["name"] for t in parkings["tags"]])
    assert "<script" not in json.dumps(parkings) and "onerror" not in json.dumps(parkings)
    assert parkings["resources"][0]["name"] == "Parkings"
    # a second run of the unchanged source writes nothing
    before = {n: d["metadata_modified"] for n, d in found.items()}
    job, results = runner.run()
    assert results == {}
    assert {n: d["metadata_modified"] for n, d in datasets(runner.source.id).items()} == before


TURTLE = """
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .

<BASE/catalog> a dcat:Catalog ; dcat:dataset {refs} .
{datasets}
"""
DATASET = """
<BASE/dataset/{slug}> a dcat:Dataset ;
    dct:identifier "{slug}" ;
    dct:title "{title}"@fr ;
    dct:description "Jeu de données {title}, à Poitiers."@fr ;
    dcat:theme <http://publications.europa.eu/resource/authority/data-theme/ENVI> ;
    dct:license <https://www.etalab.gouv.fr/licence-ouverte-open-licence> ;
    dcat:distribution <BASE/files/{slug}.csv> .
<BASE/files/{slug}.csv> a dcat:Distribution ;
    dct:title "{slug}.csv" ; dcat:downloadURL <BASE/files/{slug}.csv> ; dct:format "CSV" .
"""
DCAT_RECORDS = [("arbres", "Arbres"), ("fontaines", "Fontaines"), ("bancs", "Bancs")]
DCAT_FAILURES = [
    ("timeout", "n’a pas répondu"),
    ("500", "erreur HTTP 500"),
    ("truncated", "n’est pas du RDF valide"),
    ("bad-utf8", "n’est pas un texte UTF-8 valide"),
    ("huge", "dépasse la limite de"),
    ("html", "n’est pas du RDF valide"),
]


@pytest.fixture
def dcat(httpserver):
    state = {"mode": "ok", "records": list(DCAT_RECORDS)}
    base = httpserver.url_for("").rstrip("/")

    def catalogue(request):
        text = TURTLE.format(
            refs=", ".join(f"<BASE/dataset/{slug}>" for slug, _t in state["records"]),
            datasets="".join(DATASET.format(slug=s, title=t) for s, t in state["records"]),
        ).replace("BASE", base)
        response = answer(state, text.encode())
        if state["mode"] == "ok":
            response.headers["Content-Type"] = "text/turtle"
        return response

    httpserver.expect_request("/catalog.ttl").respond_with_handler(catalogue)
    state["url"] = httpserver.url_for("/catalog.ttl")
    return state


@pytest.mark.ckan_config("ckanext.poitiers.harvest.timeout", "0.5")
@pytest.mark.parametrize("mode,message", DCAT_FAILURES)
def test_dcat_failures_keep_every_dataset(dcat, make_runner, mode, message):
    runner = make_runner(get_plugin("poitiers_dcat_harvester"), dcat["url"],
                         '{"rdf_format": "turtle"}')
    runner.run()
    titles = sorted(t for _s, t in DCAT_RECORDS)
    assert sorted(d["title"] for d in datasets(runner.source.id).values()) == titles
    dcat["mode"] = mode
    del dcat["records"][0]
    job, results = runner.run()
    errors = gather_errors(job)
    assert len(errors) == 1 and message in errors[0], errors
    assert "aucun jeu de données n’est retiré" in errors[0].lower()
    assert sorted(d["title"] for d in datasets(runner.source.id).values()) == titles
    dcat["mode"] = "ok"
    job, results = runner.run()
    assert gather_errors(job) == []
    # the source is back: the dataset that left it is withdrawn
    assert sorted(d["title"] for d in datasets(runner.source.id).values()) == sorted(
        t for _s, t in DCAT_RECORDS[1:])
    assert [t for t in titles if t not in {d["title"] for d in datasets(
        runner.source.id, state="deleted").values()}] == sorted(t for _s, t in DCAT_RECORDS[1:])
