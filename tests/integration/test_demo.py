"""The French demo content loads through the action API, is searchable, and reloads in place."""
from __future__ import annotations

import pytest
from ckan.cli.cli import ckan
from ckan.tests import helpers

from ckanext.poitiers import demo

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("with_plugins")]


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_demo_loads_is_found_by_search_and_reloads_without_duplicates():
    content = demo.read()
    first = demo.load(echo=lambda _line: None)
    assert first["created"] == len(content["datasets"]) >= 30
    assert first["organizations"] == len(content["organizations"])

    everything = helpers.call_action("package_search", rows=0)
    assert everything["count"] == len(content["datasets"])
    assert helpers.call_action("package_search", q="Vitalis")["count"] >= 1
    assert helpers.call_action("package_search", q="délibérations")["count"] >= 1
    assert helpers.call_action("package_search", fq="organization:ville-de-poitiers")["count"] >= 1

    second = demo.load(echo=lambda _line: None)
    assert second["created"] == 0
    assert second["updated"] == len(content["datasets"])
    assert helpers.call_action("package_search", rows=0)["count"] == len(content["datasets"])


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_cli_refuses_a_broken_demo_file_and_stores_nothing(cli, tmp_path):
    bad = tmp_path / "demo.yaml"
    bad.write_text("organizations: []\ndatasets:\n  - name: Nom Invalide!\n    title: x\n",
                   encoding="utf-8")
    result = cli.invoke(ckan, ["poitiers", "demo", "load", "--file", str(bad)])
    assert result.exit_code != 0
    assert "démonstration" in result.output
    assert helpers.call_action("package_search", rows=0)["count"] == 0


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_cli_refuses_a_file_without_datasets(cli, tmp_path):
    bad = tmp_path / "demo.yaml"
    bad.write_text("- juste une liste\n", encoding="utf-8")
    result = cli.invoke(ckan, ["poitiers", "demo", "load", "--file", str(bad)])
    assert result.exit_code != 0
    assert "datasets" in result.output
