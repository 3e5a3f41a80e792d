"""A harvest source is edited (title, address, configuration) through the API with the harvest
options the portal ships (config/ckan/poitiers.ini) and ckanext-harvest's log lines enabled, as in
a portal process: ckanext-harvest's database log handler (``ckan.harvest.log_scope`` ≥ 0)
committed the session inside CKAN 2.12's package_update, and every edit failed with
« This transaction is closed » (HTTP 500)."""
from __future__ import annotations

import configparser
import json
import logging
import os

import pytest
from ckan.plugins import toolkit
from ckan.tests import factories

from ckanext.harvest.log import DBLogHandler
from ckanext.harvest.model import HarvestSource

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHIPPED = configparser.ConfigParser(interpolation=None)
SHIPPED.read(os.path.join(ROOT, "config", "ckan", "poitiers.ini"), encoding="utf-8")
HARVEST_OPTIONS = {k: v for k, v in SHIPPED["app:main"].items() if k.startswith("ckan.harvest.")}

pytestmark = [
    pytest.mark.integration,
    *[pytest.mark.ckan_config(k, v) for k, v in HARVEST_OPTIONS.items()],
    pytest.mark.usefixtures("harvest_env"),
]


@pytest.fixture
def harvest_logs_enabled(enabled_log):
    """ckanext-harvest's loggers as a portal process has them (INFO, enabled); any database
    handler the test attached taken off afterwards."""
    names = ["ckanext.harvest", "ckanext.harvest.plugin", "ckanext.harvest.logic.action.update"]
    for name in names:
        enabled_log(logging.getLogger(name), logging.INFO)
    yield
    for name in names:
        logger = logging.getLogger(name)
        for handler in [h for h in logger.handlers if isinstance(h, DBLogHandler)]:
            logger.removeHandler(handler)


def test_the_shipped_options_keep_harvest_logs_out_of_the_database():
    assert HARVEST_OPTIONS.get("ckan.harvest.mq.type") == "redis"
    assert int(HARVEST_OPTIONS.get("ckan.harvest.log_scope", "-1")) < 0


def test_a_harvest_source_is_edited_with_the_portals_options(organization, httpserver,
                                                             harvest_logs_enabled):
    sysadmin = factories.Sysadmin()
    context = {"user": sysadmin["name"]}
    source = toolkit.get_action("harvest_source_create")(dict(context), {
        "name": "agenda", "title": "Agenda", "url": httpserver.url_for("/v2"),
        "source_type": "poitiers_openagenda", "owner_org": organization["id"],
        "config": json.dumps({"key": "oa_pk_test", "agendas": ["41648"]})})
    updated = toolkit.get_action("harvest_source_update")(dict(context), {
        **source, "title": "Agenda culturel", "url": httpserver.url_for("/api/v2"),
        "source_type": "poitiers_openagenda",
        "config": json.dumps({"key": "oa_pk_test", "agendas": ["41648", "88120345"]})})
    assert updated["title"] == "Agenda culturel"
    stored = HarvestSource.get(source["id"])
    assert stored.title == "Agenda culturel" and stored.url == httpserver.url_for("/api/v2")
    assert json.loads(stored.config)["agendas"] == ["41648", "88120345"]
