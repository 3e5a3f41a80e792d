"""`ckan poitiers doctor` against the real services, and against stopped ones."""
from __future__ import annotations

import base64
import json
import os
import subprocess
import sys

import pytest
from ckan.cli.cli import ckan

from ckanext.poitiers import doctor

TEST_INI = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "test.ini")

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("with_plugins", "clean_db")]


@pytest.fixture(autouse=True)
def theme_tables(clean_db, migrate_db_for):
    """The tables of every plugin of test.ini, as on a portal set up by the README."""
    migrate_db_for("poitiers_theme")


def _by_name(checks):
    return {c.name: c for c in checks}


def test_all_green_on_the_running_services(ckan_config):
    checks = doctor.run_checks(ckan_config)
    assert [c for c in checks if c.failed] == []
    names = _by_name(checks)
    assert {"PostgreSQL", "Solr", "Redis"} <= set(names)
    # it says which Solr schema is live
    assert "ckan-2." in names["Solr"].message


def test_cli_exit_code_zero_when_everything_answers(cli):
    result = cli.invoke(ckan, ["poitiers", "doctor"])
    assert result.exit_code == 0, result.output
    assert "✘" not in result.output


def test_cli_names_a_stopped_solr_in_french(closed_port):
    # the command as an administrator runs it, with Solr's address pointing at a closed port
    env = dict(os.environ, CKAN_SOLR_URL=f"http://127.0.0.1:{closed_port}/solr/ckan")
    result = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "ckan"), "-c", TEST_INI,
         "poitiers", "doctor"], env=env, capture_output=True, text=True, timeout=120)
    result.output = result.stdout
    assert result.returncode == 1, result.stdout + result.stderr
    solr_line = next(line for line in result.output.splitlines() if "✘ Solr" in line)
    assert f"127.0.0.1:{closed_port}" in solr_line
    assert "ne répond pas" in solr_line
    assert "Démarrez Solr" in result.output
    assert "1 problème" in result.output
    # the other services are still reported as working
    assert "✔ PostgreSQL" in result.output and "✔ Redis" in result.output


def test_stopped_redis_and_postgresql_are_named(ckan_config, monkeypatch, closed_port):
    monkeypatch.setitem(ckan_config, "ckan.redis.url", f"redis://127.0.0.1:{closed_port}/0")
    monkeypatch.setitem(
        ckan_config, "sqlalchemy.url",
        f"postgresql://ckan_default:pass@127.0.0.1:{closed_port}/ckan")
    failed = {c.name for c in doctor.run_checks(ckan_config) if c.failed}
    assert failed == {"Redis", "PostgreSQL"}


def test_our_configuration_loads_only_guarded_harvesters(ckan_config):
    (check,) = doctor.check_harvesters(ckan_config, 1)
    assert check.status == doctor.OK, check.message
    # the warning when a stock harvester is loaded: tests/harvest/test_source_guard.py


def test_plugin_order_and_missing_plugins_are_reported():
    config = {
        "ckan.plugins": "scheming_datasets dcat poitiers harvest",
        "ckanext.poitiers.doctor.required_plugins": "poitiers scheming_datasets dcat harvest "
                                                    "poitiers_theme",
    }
    checks = doctor.check_plugins(config, 1)
    assert all(c.failed for c in checks)
    text = " ".join(c.message for c in checks)
    assert "poitiers_theme" in text
    assert "dcat" in text and "scheming_datasets" in text


def test_stock_and_french_schemas_are_told_apart():
    assert doctor.solr_schema_kind(["string", "text", "text_general"]) == "stock"
    assert doctor.solr_schema_kind(["string", "text", "text_fr"]) == "poitiers"


def _solr_answers(httpserver, *, auth: str | None = None, schema_name: str = "ckan-2.11"):
    """A stand-in for Solr's ping and schema endpoints that answers 401 to any request without
    the ``auth`` header (Solr's BasicAuthPlugin)."""
    from werkzeug import Response

    def answer(body):
        def handler(request):
            if auth and request.headers.get("Authorization") != auth:
                return Response("Unauthorized", status=401)
            return Response(json.dumps(body), content_type="application/json")
        return handler

    httpserver.expect_request("/solr/ckan/admin/ping").respond_with_handler(
        answer({"status": "OK"}))
    httpserver.expect_request("/solr/ckan/schema").respond_with_handler(answer(
        {"schema": {"name": schema_name, "fieldTypes": [{"name": "text_fr"}]}}))
    return httpserver.url_for("/solr/ckan")


def _solr_check(config, timeout: float = 2):
    [check] = doctor.check_solr(config, timeout)
    return check


@pytest.fixture
def french(with_request_context):
    """The messages as the command prints them: in French, the portal's default language."""


@pytest.mark.usefixtures("french")
def test_solr_credentials_of_the_configuration_are_sent(httpserver):
    url = _solr_answers(httpserver, auth="Basic " + base64.b64encode(b"solr:secret").decode())
    check = _solr_check({"solr_url": url, "solr_user": "solr", "solr_password": "secret"})
    assert check.status == doctor.OK, check.message
    assert "ckan-2.11" in check.message and "français" in check.message


@pytest.mark.usefixtures("french")
def test_a_solr_asking_for_credentials_is_named_with_the_settings_to_fix(httpserver):
    url = _solr_answers(httpserver, auth="Basic " + base64.b64encode(b"solr:secret").decode())
    check = _solr_check({"solr_url": url})
    assert check.failed
    assert check.message == f"Solr refuse l’accès à {url} (HTTP 401)."
    assert "solr_user" in check.fix and "solr_password" in check.fix
    wrong = _solr_check({"solr_url": url, "solr_user": "solr", "solr_password": "faux"})
    assert wrong.failed and "HTTP 401" in wrong.message
    assert wrong.fix.startswith("Vérifiez solr_user")


@pytest.mark.usefixtures("french")
def test_a_server_that_is_not_solr_is_named(httpserver):
    httpserver.expect_request("/solr/ckan/admin/ping").respond_with_data(
        "<html>Bienvenue</html>", content_type="text/html")
    httpserver.expect_request("/solr/ckan/schema").respond_with_data("<html></html>")
    url = httpserver.url_for("/solr/ckan")
    check = _solr_check({"solr_url": url})
    assert check.failed
    assert check.message == (f"Solr ne répond pas sur {url} "
                             "(la réponse n’est pas le JSON de Solr).")


@pytest.mark.usefixtures("french")
def test_a_missing_core_is_named_with_its_status(httpserver):
    httpserver.expect_request("/solr/ckan/admin/ping").respond_with_data("Not Found", status=404)
    url = httpserver.url_for("/solr/ckan")
    check = _solr_check({"solr_url": url})
    assert check.failed and "(statut HTTP 404)" in check.message


@pytest.mark.usefixtures("french")
def test_a_slow_solr_is_named_with_the_timeout(httpserver):
    import time

    httpserver.expect_request("/solr/ckan/admin/ping").respond_with_handler(
        lambda request: time.sleep(2) or None)
    url = httpserver.url_for("/solr/ckan")
    check = _solr_check({"solr_url": url}, 0.5)
    assert check.failed and "(aucune réponse en 0,5 s)" in check.message


@pytest.mark.usefixtures("french")
def test_a_closed_port_and_an_unknown_host_are_told_apart(closed_port):
    closed = _solr_check({"solr_url": f"http://127.0.0.1:{closed_port}/solr/ckan"})
    assert closed.failed and "(connexion refusée)" in closed.message
    unknown = _solr_check({"solr_url": "http://solr.invalid/solr/ckan"})
    assert unknown.failed and "(nom d’hôte inconnu)" in unknown.message


def _ckan(*args):
    result = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "ckan"), "-c", TEST_INI, *args],
        capture_output=True, text=True, timeout=120)
    return result.returncode, result.stdout + result.stderr


def test_db_upgrade_and_downgrade_of_our_tables_and_doctor_naming_a_missing_one():
    # on a database that already has our table (the fixture ran the migration): nothing to do
    assert _ckan("db", "upgrade", "-p", "poitiers_theme")[0] == 0
    code, output = _ckan("poitiers", "doctor")
    assert code == 0, output
    code, output = _ckan("db", "downgrade", "-p", "poitiers_theme")
    assert code == 0, output
    assert _ckan("db", "downgrade", "-p", "poitiers_theme")[0] == 0  # already down
    # the portal installed without its migration: doctor names it and the command to run
    code, output = _ckan("poitiers", "doctor")
    assert code == 1, output
    assert ("✘ PostgreSQL : La table du formulaire de demandes (Contribuer) n’existe pas dans "
            "cette base.") in output
    assert "→ Lancez : ckan -c <ckan.ini> db upgrade -p poitiers_theme" in output
    code, output = _ckan("db", "upgrade", "-p", "poitiers_theme")
    assert code == 0, output
    code, output = _ckan("poitiers", "doctor")
    assert code == 0, output
