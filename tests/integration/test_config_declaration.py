"""Our configuration options are checked when CKAN starts (config_declaration.yaml validators):
a wrong value stops the start with the option's name, instead of failing at harvest time or on
a page."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from ckan.common import config_declaration

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("with_plugins")]

H = "ckanext.poitiers.harvest."


def _errors(ckan_config, **values):
    _, errors = config_declaration.validate(dict(ckan_config, **values))
    return errors


@pytest.mark.parametrize("key,value", [
    (H + "timeout", "abc"), (H + "timeout", "0"), (H + "timeout", "-5"), (H + "timeout", ""),
    (H + "timeout", "٣٠"), (H + "timeout", "inf"), (H + "backoff", "-1"), (H + "backoff", "un"),
    (H + "max_retry_after", "2 minutes"), ("ckanext.poitiers.search.schema", "solr"),
    ("ckanext.poitiers.accessibility.compliance", "totale"),
    ("ckanext.poitiers.accessibility.audit_date", "25/11/2026"),
    ("ckanext.poitiers.accessibility.audit_date", "2026-02-30"),
    # numbers of the right type but out of range (a negative doctor timeout made doctor call
    # working services down; a negative retry count or a zero size cap broke every harvest)
    ("ckanext.poitiers.doctor.timeout", "-1"), ("ckanext.poitiers.doctor.timeout", "0"),
    (H + "retries", "-1"), (H + "max_response_bytes", "0"),
    (H + "gtfs_max_uncompressed_bytes", "-5"), (H + "gtfs_max_compression_ratio", "0"),
    ("ckanext.poitiers.search.suggest_below", "-1"),
    ("ckanext.poitiers.search.suggestion_cache_seconds", "-60"),
    ("ckanext.poitiers.search.suggestion_cache_seconds", "une minute"),
    ("ckanext.poitiers.dcat.catalog_publisher_siren", "Grand Poitiers"),
    ("ckanext.poitiers.dcat.catalog_publisher_siren", "200069855"),
])
def test_a_wrong_value_is_refused(ckan_config, key, value):
    errors = _errors(ckan_config, **{key: value})
    assert list(errors) == [key], errors


@pytest.mark.parametrize("key,value,normalised", [
    (H + "timeout", "0.3", 0.3), (H + "timeout", " 30 ", 30.0), (H + "backoff", "0", 0.0),
    (H + "max_retry_after", "120", 120.0), ("ckanext.poitiers.search.schema", "stock", "stock"),
    ("ckanext.poitiers.accessibility.compliance", "full", "full"),
    ("ckanext.poitiers.accessibility.audit_date", "2026-11-25", "2026-11-25"),
    ("ckanext.poitiers.accessibility.audit_date", "", ""),
    (H + "retries", "0", 0), ("ckanext.poitiers.search.suggest_below", "0", 0),
    ("ckanext.poitiers.search.suggestion_cache_seconds", "0", 0),
    ("ckanext.poitiers.dcat.catalog_publisher_siren", "200 069 854", "200069854"),
])
def test_a_right_value_is_kept(ckan_config, key, value, normalised):
    data, errors = config_declaration.validate(dict(ckan_config, **{key: value}))
    assert errors == {}
    assert data[key] == normalised


def test_the_defaults_are_valid(ckan_config):
    defaults = {str(k): config_declaration[k].default for k in config_declaration.iter_options()
                if str(k).startswith("ckanext.poitiers.")}
    assert _errors(ckan_config, **defaults) == {}


def _start_ckan(tmp_path, *settings: str, command=("poitiers", "doctor")):
    """Run a real ``ckan`` command on test.ini with ``settings`` added; its exit code and output."""
    ini = tmp_path / "bad.ini"
    ini.write_text(
        f"[app:main]\nuse = config:{ROOT / 'test.ini'}\n" + "".join(f"{s}\n" for s in settings)
        # CKAN 2.11 reads the logging sections of the file itself
        + "\n[loggers]\nkeys = root\n[handlers]\nkeys = console\n[formatters]\nkeys = generic\n"
        "[logger_root]\nlevel = WARN\nhandlers = console\n"
        "[handler_console]\nclass = StreamHandler\nargs = (sys.stderr,)\nlevel = NOTSET\n"
        "formatter = generic\n[formatter_generic]\nformat = %(levelname)s %(message)s\n",
        encoding="utf-8")
    result = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "ckan"), "-c", str(ini), *command],
        capture_output=True, text=True, timeout=120, cwd=ROOT)
    return result.returncode, result.stdout + result.stderr


def test_ckan_refuses_to_start_with_a_wrong_harvest_timeout(tmp_path):
    returncode, output = _start_ckan(tmp_path, f"{H}timeout = trente")
    assert returncode != 0
    assert "Invalid configuration values provided" in output
    assert f"{H}timeout: Expecting a number of seconds greater than 0" in output


def test_ckan_refuses_to_start_with_a_negative_doctor_timeout(tmp_path):
    returncode, output = _start_ckan(tmp_path, "ckanext.poitiers.doctor.timeout = -1")
    assert returncode != 0
    assert "ckanext.poitiers.doctor.timeout: Must be a positive integer" in output
    assert "Redis ne répond pas" not in output


@pytest.mark.parametrize("plugin,others", [
    ("poitiers_theme", "scheming_datasets scheming_organizations activity"),
    ("poitiers_search", "scheming_datasets activity"),
    ("poitiers_udata_harvester", "harvest activity"),
    ("poitiers_dcat_harvester", "dcat harvest activity"),
])
def test_our_plugins_refuse_to_start_without_the_core_plugin(tmp_path, plugin, others):
    returncode, output = _start_ckan(tmp_path, f"ckan.plugins = {plugin} {others}",
                                     command=("user", "list"))
    assert returncode != 0
    assert f'The {plugin} plugin needs the poitiers plugin: add "poitiers" to ckan.plugins' \
        in output


@pytest.mark.usefixtures("clean_db")
@pytest.mark.ckan_config("ckanext.poitiers.accessibility.audit_date", "2026-11-05")
def test_the_audit_date_is_written_in_french(app):
    page = app.get("/accessibilite").get_data(as_text=True)
    assert "Dernier audit\u00a0: 5 novembre 2026." in page
    assert "2026-11-05" not in page
