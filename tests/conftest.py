"""Shared fixtures. CKAN's own pytest plugin provides app, clean_db, clean_index, with_plugins…"""
from __future__ import annotations

import configparser
import logging
import os
import pathlib
import shutil
import socket
import tempfile

import pytest

_STORAGE_ENV = "CKAN_STORAGE_PATH"
_session_storage: list[tuple[str | None, str]] = []  # (CKAN_STORAGE_PATH before, this session's)


def pytest_configure(config):
    """Each test session writes in its own ``ckan.storage_path``, not in test.ini's shared one.

    Under it CKAN keeps its webassets (``webassets/``, built when a page is rendered) and its
    JavaScript catalogues (``i18n/``). Two sessions of two installations (two checkouts, or CKAN
    2.11 and 2.12) sharing that directory rebuild each other's bundles at each page: a bundle's
    definition holds the absolute paths of its files, so each sees the other's as changed, and
    webassets' cache manifest, which records the version of ``vendor/%(version)s_select2.css``,
    is replaced by deleting the old file, then renaming the new one in
    (``webassets.cache.FilesystemCache.set``). A page rendered in that instant failed with
    « BundleError: Cannot find version of <Bundle output=vendor/%(version)s_select2.css> »,
    at random, in whole-suite runs next to another one.

    CKAN reads ``CKAN_STORAGE_PATH`` over the configuration file: in this process (CKAN's
    pytest plugin loads test.ini at session start, after this hook) and in the ``ckan``
    commands the tests start, which then see the same files as the test app."""
    _session_storage.append((os.environ.get(_STORAGE_ENV), tempfile.mkdtemp(
        prefix=f"ckanext-poitiers-test-storage-{os.getpid()}-")))
    os.environ[_STORAGE_ENV] = _session_storage[-1][1]


def pytest_unconfigure(config):
    if not _session_storage:
        return
    before, storage = _session_storage.pop()
    if before is None:
        os.environ.pop(_STORAGE_ENV, None)
    else:
        os.environ[_STORAGE_ENV] = before
    shutil.rmtree(storage, ignore_errors=True)


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
def enabled_log(caplog, monkeypatch):
    """``enabled_log(logger, level)``: caplog catching ``logger``'s lines from ``level`` on.

    A migration run in-process (alembic's ``fileConfig``) or the test configuration disables
    the loggers that exist before it: the logger is enabled again for the test."""

    def enable(logger: logging.Logger, level: int = logging.WARNING):
        monkeypatch.setattr(logger, "disabled", False)
        caplog.set_level(level, logger=logger.name)
        return caplog

    return enable


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

