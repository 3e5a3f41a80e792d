"""`ckan poitiers doctor` against the real services, and against stopped ones."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from ckan.cli.cli import ckan

from ckanext.poitiers import doctor

TEST_INI = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "test.ini")

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("with_plugins", "clean_db")]


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
