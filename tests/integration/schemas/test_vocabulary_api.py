"""The public vocabulary API, through the real HTTP action API."""
from __future__ import annotations

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("with_plugins", "clean_db")]


def test_anonymous_reusers_list_the_vocabularies(app):
    result = app.get("/api/3/action/poitiers_vocabulary_list").json["result"]
    by_id = {v["id"]: v for v in result}
    assert by_id["communes"]["count"] == 41 and by_id["communes"]["field"] == "communes"
    assert by_id["eu_themes"]["count"] == 13
    assert by_id["frequencies"]["count"] == 40
    assert by_id["communes"]["title"] == "Communes de Grand Poitiers"


def test_one_vocabulary_with_labels_uris_and_mappings(app):
    result = app.get("/api/3/action/poitiers_vocabulary_show",
                     query_string={"id": "frequencies"}).json["result"]
    daily = next(e for e in result["entries"] if e["udata"] == "daily")
    assert daily["value"] == "http://publications.europa.eu/resource/authority/frequency/DAILY"
    assert daily["display_name"] == "Quotidienne"
    assert daily["label"] == {"fr": "Quotidienne", "en": "Daily"}
    english = app.get("/api/3/action/poitiers_vocabulary_show",
                      query_string={"id": "communes", "lang": "en"}).json["result"]
    assert english["entries"][0]["display_name"] == "Grand Poitiers (all 40 municipalities)"
    assert "aliases" not in english["entries"][0]


@pytest.mark.parametrize("params,status,key", [
    ({}, 409, "id"),
    ({"id": "planetes"}, 404, None),
    ({"id": "communes", "lang": "de"}, 409, "lang"),
])
def test_bad_requests_get_structured_french_errors(app, params, status, key):
    response = app.get("/api/3/action/poitiers_vocabulary_show", query_string=params,
                       status=status)
    body = response.json
    assert body["success"] is False
    if key:
        assert key in body["error"]
    else:
        assert "planetes" in body["error"]["message"] and "communes" in body["error"]["message"]
        assert "Vocabulaire inconnu" in body["error"]["message"]
