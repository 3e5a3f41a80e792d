"""Fixtures of the theme's integration tests: the database with our requests table (emptied),
datasets that satisfy the Poitiers schema, and Solr not answering."""
from __future__ import annotations

import socket

import pytest
from ckan import model
from ckan.tests import factories

EU = "http://publications.europa.eu/resource/authority/"


@pytest.fixture
def theme_db(clean_db, clean_index, migrate_db_for):
    migrate_db_for("poitiers_theme")
    from ckanext.poitiers.requests_model import request_table

    model.Session.execute(request_table.delete())
    model.Session.commit()


@pytest.fixture
def make_dataset():
    """factories.Dataset with the fields the Poitiers schema requires to publish."""
    def make(**kw):
        data = {"theme": [EU + "data-theme/GOVE"], "communes": ["86194"],
                "frequency": EU + "frequency/MONTHLY", "personal_data": "none",
                "license_id": "lov2", "notes": "Des données."}
        data.update(kw)
        if "owner_org" not in data:
            data["owner_org"] = factories.Organization()["id"]
        return factories.Dataset(**data)

    return make


@pytest.fixture
def solr_down(ckan_config, monkeypatch):
    """Solr stops answering (a closed port): CKAN's real connection fails."""
    from ckan.lib.search import common

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/solr/ckan"
    monkeypatch.setitem(ckan_config, "solr_url", url)
    settings = getattr(common, "SolrSettings", None)  # CKAN 2.11 keeps its own copy
    if settings is not None:
        monkeypatch.setattr(settings, "_url", url)
