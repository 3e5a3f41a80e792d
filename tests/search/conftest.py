"""Fixtures of the search tests: our Solr (the suite's), and a second real Solr running CKAN's
stock schema, started with scripts/portal.sh in a run directory of its own."""
from __future__ import annotations

import os
import socket
import subprocess

import pytest
import requests

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_dir() -> str:
    return os.environ.get("POITIERS_RUN_DIR") or os.path.join(ROOT, ".run")


@pytest.fixture(scope="session")
def stock_solr_url():
    """The URL of a Solr core that runs the schema.xml shipped with the installed CKAN."""
    main_run = _run_dir()
    run = os.path.join(main_run, "solr-stock")
    os.makedirs(run, exist_ok=True)
    # the Solr jars and launcher of the main run directory are reused (no second download)
    for name in ("solr-lib", "solr-build"):
        link = os.path.join(run, name)
        if not os.path.exists(link):
            os.symlink(os.path.join(main_run, name), link)
    port = _free_port()
    env = dict(os.environ, POITIERS_RUN_DIR=run, POITIERS_SOLR_PORT=str(port),
               POITIERS_SOLR_SCHEMA="stock")
    script = os.path.join(ROOT, "scripts", "portal.sh")
    started = subprocess.run(["bash", script, "start-solr"], env=env, capture_output=True,
                             text=True, timeout=300)
    assert started.returncode == 0, started.stdout + started.stderr
    url = f"http://127.0.0.1:{port}/solr/ckan"
    try:
        yield url
    finally:
        subprocess.run(["bash", script, "stop"], env=env, capture_output=True, timeout=120)


def point_ckan_at(url: str, config, monkeypatch) -> None:
    """Make CKAN index into and search the Solr core at ``url`` (undone after the test)."""
    from ckan.lib.search import common

    monkeypatch.setitem(config, "solr_url", url)
    settings = getattr(common, "SolrSettings", None)
    if settings is not None:  # CKAN 2.11 keeps its own copy of the URL
        monkeypatch.setattr(settings, "_url", url)


@pytest.fixture
def stock_solr(stock_solr_url, ckan_config, monkeypatch):
    """CKAN pointed at the stock-schema Solr for one test, its index emptied."""
    from ckan.lib.search import clear_all

    point_ckan_at(stock_solr_url, ckan_config, monkeypatch)
    clear_all()
    yield stock_solr_url
    clear_all()


def solr_docs(solr_url: str, q: str) -> list[dict]:
    """Documents of the real Solr core, as stored (for assertions on what was indexed)."""
    body = requests.get(f"{solr_url.rstrip('/')}/select",
                        params={"q": q, "wt": "json", "fl": "*"}, timeout=10).json()
    return body["response"]["docs"]


# what the Poitiers schema requires to publish a dataset (docs/schema-fields.md)
REQUIRED = {"theme": ["GOVE"], "communes": ["86194"], "frequency": "continuous",
            "personal_data": "none"}
