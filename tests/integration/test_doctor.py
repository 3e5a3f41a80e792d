"""`ckan poitiers doctor` against the real services, and against stopped ones."""
from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys

import pytest
from ckan.cli.cli import ckan
from ckan.plugins import toolkit

from ckanext.poitiers import doctor
from tests.smtp import smtp_server

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


@pytest.mark.parametrize("scope", ["0", "1", " 7 "])
def test_the_harvest_database_log_is_named_as_breaking_source_edits(ckan_config, monkeypatch,
                                                                    scope):
    # tests/harvest/test_source_edit.py shows the edit that fails with it (CKAN 2.12)
    monkeypatch.setitem(ckan_config, "ckan.harvest.log_scope", scope)
    errors = [c for c in doctor.check_harvesters(ckan_config, 1) if c.failed]
    if not toolkit.check_ckan_version(min_version="2.12.0b0"):
        assert errors == []  # CKAN 2.11's package_update has no nested transaction to end
        return
    [error] = errors
    assert f"ckan.harvest.log_scope = {scope.strip()}" in error.message
    assert "HTTP 500" in error.message and "ckan.harvest.log_scope = -1" in error.fix


@pytest.mark.parametrize("scope", ["-1", "", "beaucoup"])
def test_no_harvest_database_log_no_error(ckan_config, monkeypatch, scope):
    monkeypatch.setitem(ckan_config, "ckan.harvest.log_scope", scope)
    assert not any(c.failed for c in doctor.check_harvesters(ckan_config, 1))


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


def _ckan(*args, env: dict | None = None):
    result = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "ckan"), "-c", TEST_INI, *args],
        capture_output=True, text=True, timeout=120, env=dict(os.environ, **(env or {})))
    return result.returncode, result.stdout + result.stderr


def _mail_line(output: str) -> str:
    [line] = [line for line in output.splitlines() if " Courriel\u00a0: " in line]
    return line


# ------------------------------------------------------------------------------ mail settings
def test_cli_warns_that_requesters_are_not_told_without_a_mail_server():
    # test.ini leaves smtp.server empty, as a portal without email
    code, output = _ckan("poitiers", "doctor")
    assert code == 0, output  # a warning: the answers are still saved and shown
    assert _mail_line(output) == (
        "  ⚠ Courriel\u00a0: smtp.server n’est pas renseigné\u00a0: les personnes qui envoient une "
        "demande (Contribuer) ne sont pas prévenues par courriel de la réponse.")
    assert ("→ Renseignez smtp.server = hôte:port du serveur de courriel et smtp.mail_from = "
            "l’adresse d’expédition des courriels") in output


def test_cli_reports_a_mail_server_that_answers_and_sends_nothing():
    with smtp_server() as inbox:
        code, output = _ckan("poitiers", "doctor",
                             env={"CKAN_SMTP_SERVER": f"127.0.0.1:{inbox.port}"})
    assert code == 0, output
    assert _mail_line(output) == (
        f"  ✔ Courriel\u00a0: Le serveur de courriel 127.0.0.1:{inbox.port} répond\u00a0; les "
        "courriels "
        "partent de portail@poitiers.example.")
    assert inbox.messages == []


def test_cli_names_a_mail_server_that_does_not_answer(closed_port):
    code, output = _ckan("poitiers", "doctor",
                         env={"CKAN_SMTP_SERVER": f"127.0.0.1:{closed_port}"})
    assert code == 0, output
    line = _mail_line(output)
    assert line.startswith(f"  ⚠ Courriel\u00a0: Le serveur de courriel 127.0.0.1:{closed_port} ne "
                           "répond pas (connexion refusée)")
    assert "→ Démarrez le serveur de courriel ou corrigez smtp.server (hôte:port)." in output


@pytest.mark.usefixtures("french")
def test_a_silent_mail_server_is_named_with_the_timeout():
    # a port that accepts connections and never greets (CKAN's mailer would wait for ever)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        [check] = doctor.check_mail(_mail_config(f"127.0.0.1:{port}"), 0.5)
    assert check.status == doctor.WARNING
    assert f"127.0.0.1:{port} ne répond pas (aucune réponse en 0,5 s)" in check.message


def _mail_config(server: str, **settings) -> dict:
    return {"ckan.plugins": "poitiers poitiers_theme", "smtp.server": server,
            "smtp.mail_from": "portail@poitiers.example", **settings}


@pytest.mark.usefixtures("french")
def test_an_empty_sender_a_missing_starttls_and_a_bad_port_are_named():
    with smtp_server() as inbox:
        server = f"127.0.0.1:{inbox.port}"
        no_sender, answers = doctor.check_mail(_mail_config(server, **{"smtp.mail_from": ""}), 2)
        [no_tls] = doctor.check_mail(_mail_config(server, **{"smtp.starttls": "true"}), 2)
    assert no_sender.status == doctor.WARNING and "smtp.mail_from" in no_sender.message
    assert "sans adresse d’expédition" in no_sender.message
    assert answers.status == doctor.OK
    assert answers.message == f"Le serveur de courriel {server} répond."
    assert no_tls.status == doctor.WARNING and "STARTTLS" in no_tls.message
    assert "smtp.starttls = false" in no_tls.fix
    [bad] = doctor.check_mail(_mail_config("smtp.example.org:smtp"), 2)
    assert bad.status == doctor.WARNING
    assert bad.message == ("smtp.server «\u00a0smtp.example.org:smtp\u00a0» n’est pas de la forme "
                           "hôte ou hôte:port.")
    assert inbox.messages == []
    # no requests module, no mail check
    assert doctor.check_mail({"ckan.plugins": "poitiers", "smtp.server": ""}, 2) == []


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
    assert ("✘ PostgreSQL\u00a0: La table du formulaire de demandes (Contribuer) n’existe pas dans "
            "cette base.") in output
    assert "→ Lancez\u00a0: ckan -c <ckan.ini> db upgrade -p poitiers_theme" in output
    code, output = _ckan("db", "upgrade", "-p", "poitiers_theme")
    assert code == 0, output
    code, output = _ckan("poitiers", "doctor")
    assert code == 0, output


@pytest.mark.usefixtures("clean_index")
def test_datasets_indexed_by_a_previous_version_are_named_with_the_rebuild(ckan_config, cli,
                                                                          monkeypatch):
    """A portal upgraded without rebuilding its index: its datasets lack the data's date
    (« Mis à jour récemment » puts them last). The doctor counts them in the live Solr and
    names the command; after CKAN's rebuild, nothing is said."""
    from ckan.lib import search as ckan_search
    from ckan.tests import factories

    from ckanext.poitiers import indexing

    eu = "http://publications.europa.eu/resource/authority/"
    fields = {"theme": [eu + "data-theme/GOVE"], "communes": ["86194"],
              "frequency": eu + "frequency/MONTHLY", "personal_data": "none",
              "license_id": "lov2", "notes": "Des données."}
    org = factories.Organization()
    # indexed as the previous version did: without the field
    monkeypatch.setattr(indexing, "data_updated", lambda pkg_dict: None)
    for title in ("Arbres", "Bancs"):
        factories.Dataset(owner_org=org["id"], title=title, **fields)

    def index_checks():
        return [c for c in doctor.run_checks(ckan_config) if c.name == "Search index"]

    [check] = index_checks()
    assert check.status == doctor.WARNING and not check.failed
    assert check.message.startswith("2 datasets were indexed without the fields")
    assert check.fix == "Rebuild the index: ckan search-index rebuild."
    # as the administrator reads it: in French, a warning (exit code 0)
    result = cli.invoke(ckan, ["poitiers", "doctor"])
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if "Index de recherche" in line)
    assert "2 jeux de données ont été indexés sans les champs de cette version de " \
           "l’extension\u00a0: «\u00a0Mis à jour récemment\u00a0» les place en dernier." in line
    assert "Reconstruisez l’index\u00a0: ckan search-index rebuild." in result.output
    monkeypatch.undo()
    ckan_search.rebuild()
    assert index_checks() == []
