"""The HTTP layer between the extension and Solr (ckanext.poitiers.search.solr_get), against a
real local HTTP server standing in for Solr's answers (no CKAN needed)."""
from __future__ import annotations

import base64
import logging
import os
import socket

import pytest
from werkzeug import Response

from ckanext.poitiers import search


def test_repeated_parameters_are_all_sent_and_the_answer_read(httpserver):
    httpserver.expect_request("/solr/ckan/spell").respond_with_json({"spellcheck": {}})
    answer = search.solr_get(f"{httpserver.url_for('/solr/ckan')}/spell", timeout=2, params=[
        ("q", "*:*"), ("fq", '+site_id:"poitiers"'), ("fq", "+state:active"),
        ("spellcheck.q", "élections")])
    assert answer.status_code == 200
    assert answer.json() == {"spellcheck": {}}
    request = httpserver.log[0][0]
    assert request.args.getlist("fq") == ['+site_id:"poitiers"', "+state:active"]
    assert request.args["spellcheck.q"] == "élections"
    assert "Authorization" not in request.headers


def test_a_connection_closed_by_the_server_is_not_reused(httpserver):
    # the server closes each connection after its answer, as Solr does after its idle timeout
    # or a restart: the next question opens a new connection instead of failing
    ports = []

    def closing(request):
        ports.append(request.environ["REMOTE_PORT"])
        return Response('{"ok": 1}', content_type="application/json",
                        headers={"Connection": "close"})

    httpserver.expect_request("/solr/ckan/select").respond_with_handler(closing)
    url = httpserver.url_for("/solr/ckan/select")
    for _ in range(3):
        assert search.solr_get(url, params={}, timeout=2).json() == {"ok": 1}
    assert len(set(ports)) == 3


def test_solr_credentials_are_sent_as_basic_auth(httpserver):
    httpserver.expect_request("/solr/ckan/terms").respond_with_json({"terms": {}})
    search.solr_get(httpserver.url_for("/solr/ckan/terms"), params={"wt": "json"}, timeout=2,
                auth=("solr", "mot de passe"))
    header = httpserver.log[0][0].headers["Authorization"]
    assert header == "Basic " + base64.b64encode(b"solr:mot de passe").decode()


def test_an_error_status_is_kept_and_raised_on_demand(httpserver):
    httpserver.expect_request("/solr/ckan/spell").respond_with_data(
        "undefined dictionary", status=400)
    answer = search.solr_get(httpserver.url_for("/solr/ckan/spell"), params={}, timeout=2)
    assert answer.status_code == 400
    assert "dictionary" in answer.text
    with pytest.raises(search.SolrError, match="400"):
        answer.raise_for_status()


def test_a_garbled_answer_is_a_value_error(httpserver):
    httpserver.expect_request("/solr/ckan/spell").respond_with_response(
        Response(b'{"spellcheck": [\xff', content_type="application/json"))
    with pytest.raises(ValueError):
        search.solr_get(httpserver.url_for("/solr/ckan/spell"), params={}, timeout=2).json()


def test_a_closed_port_is_a_solr_error():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    with pytest.raises(search.SolrError):
        search.solr_get(f"http://127.0.0.1:{port}/solr/ckan/spell", params={}, timeout=2)


def test_a_slow_solr_is_given_up_after_the_timeout(httpserver):
    import time

    def slow(request):
        time.sleep(1.5)
        return Response("{}", content_type="application/json")

    httpserver.expect_request("/solr/ckan/spell").respond_with_handler(slow)
    started = time.monotonic()
    with pytest.raises(search.SolrError):
        search.solr_get(httpserver.url_for("/solr/ckan/spell"), params={}, timeout=0.3)
    assert time.monotonic() - started < 1.2


def test_no_proxy_of_the_environment_is_used(httpserver, monkeypatch):
    # a proxy variable pointing nowhere: Solr, a service of the portal, is still reached
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    httpserver.expect_request("/solr/ckan/select").respond_with_json({"ok": 1})
    assert search.solr_get(httpserver.url_for("/solr/ckan/select"), params={},
                       timeout=2).json() == {"ok": 1}


def test_one_connection_to_the_real_solr_is_kept_alive_across_questions():
    import ckan.plugins.toolkit as tk

    url = tk.config["solr_url"].rstrip("/") + "/select"
    pool = search._connections().connection_from_url(url)
    connections, requests = pool.num_connections, pool.num_requests
    for _ in range(3):
        search.solr_get(url, params={"q": "*:*", "rows": "0", "wt": "json"}, timeout=5)
    assert pool.num_requests - requests == 3  # through this pool
    assert pool.num_connections - connections <= 1  # on one connection


def test_a_forked_worker_gets_its_own_connections():
    parent = search._connections()
    assert search._connections() is parent
    pid = os.fork()
    if pid == 0:  # child: a new pool, never the parent's sockets
        os._exit(0 if search._connections() is not parent else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


@pytest.mark.ckan_config("solr_user", "solr")
@pytest.mark.ckan_config("solr_password", "secret")
def test_the_index_schema_check_goes_through_this_layer_with_the_credentials(httpserver):
    from ckanext.poitiers import indexing

    httpserver.expect_request("/solr/ckan/schema/fields/communes").respond_with_json(
        {"field": {"name": "communes", "multiValued": True}})
    assert search.configured_auth({"solr_user": "solr", "solr_password": ""}) is None
    assert indexing.solr_field_is_multivalued(httpserver.url_for("/solr/ckan"), "communes")
    header = httpserver.log[0][0].headers["Authorization"]
    assert header == "Basic " + base64.b64encode(b"solr:secret").decode()


@pytest.fixture
def luke_forgotten(monkeypatch):
    monkeypatch.setattr(search, "_luke_refused", {})


@pytest.fixture
def search_log(enabled_log):
    """The search module's warnings."""
    return enabled_log(search.log, logging.WARNING)


@pytest.mark.parametrize("status", [401, 403, 404])
def test_a_solr_refusing_its_luke_handler_is_asked_and_logged_once(httpserver, search_log,
                                                                   luke_forgotten, status):
    # admin handlers closed to the portal (a hosted or locked-down Solr)
    httpserver.expect_request("/solr/ckan/admin/luke").respond_with_data("interdit",
                                                                         status=status)
    core = httpserver.url_for("/solr/ckan")
    versions = [search.index_version(core, timeout=2) for _ in range(5)]
    assert versions == [None] * 5
    assert len(httpserver.log) == 1  # the searches after the refusal do not ask again
    warnings = [r.getMessage() for r in search_log.records if r.name == search.log.name]
    assert len(warnings) == 1 and f"HTTP {status}" in warnings[0]
    # once the refusal is old, Solr is asked again (it may have been opened meanwhile)
    search._luke_refused[core] -= search.LUKE_REFUSED_SECONDS + 1
    httpserver.clear()
    httpserver.expect_request("/solr/ckan/admin/luke").respond_with_json(
        {"index": {"version": 42}})
    assert search.index_version(core + "/", timeout=2) == 42


def test_a_solr_failing_on_luke_is_asked_again_at_the_next_search(httpserver, luke_forgotten):
    # a server error is not a refusal: the next search asks again
    httpserver.expect_request("/solr/ckan/admin/luke").respond_with_data("boom", status=500)
    core = httpserver.url_for("/solr/ckan")
    assert search.index_version(core, timeout=2) is None
    assert search.index_version(core, timeout=2) is None
    assert len(httpserver.log) == 2
    assert search._luke_refused == {}
