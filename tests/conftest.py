"""Shared fixtures. CKAN's own pytest plugin provides app, clean_db, clean_index, with_plugins…"""
from __future__ import annotations

import configparser
import pathlib
import socket

import pytest


@pytest.fixture
def clean_db(with_plugins, reset_db, migrate_db_for):
    """CKAN's clean_db, plus the tables of the plugins our configuration enables; the
    corrections of searches kept by this process go with the old database."""
    from ckanext.poitiers import search

    search.suggestions.clear()
    reset_db()
    migrate_db_for("activity")
    migrate_db_for("harvest")


@pytest.fixture
def closed_port() -> int:
    """A loopback port on which nothing listens (a stopped service, as clients see it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def demo_server_url():
    """The demo's local server of recorded-shape sources (Data Fair, udata), on a free port."""
    from ckanext.poitiers import demo_server

    srv, thread = demo_server.serve_in_thread()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()
    thread.join()


def plugins_of_test_ini() -> list[str]:
    """The ``ckan.plugins`` of test.ini, for tests that load a variant of it with
    ``pytest.mark.ckan_config("ckan.plugins", …)`` (CKAN 2.11's ``with_plugins`` marker takes no
    plugin names)."""
    ini = configparser.ConfigParser(interpolation=None, strict=False)
    ini.read(pathlib.Path(__file__).parents[1] / "test.ini")
    return ini["app:main"]["ckan.plugins"].split()

