"""The schemas on CKAN's own theme: a portal may load ``poitiers`` (schemas, vocabularies,
validation) without ``poitiers_theme``. The display snippets of the schema then render with the
helpers of the ``poitiers`` plugin alone (a helper of the theme there was an error 500 on every
dataset page with a period)."""
from __future__ import annotations

import html

import pytest

from tests.conftest import plugins_of_test_ini

pytestmark = [
    pytest.mark.integration,
    pytest.mark.ckan_config(
        "ckan.plugins", " ".join(p for p in plugins_of_test_ini() if p != "poitiers_theme")),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


def test_the_dataset_page_renders_the_schema_fields_without_our_theme(app, call, complete):
    call("package_create", **dict(complete, temporal_coverage=[
        {"start": "2015-01-01", "end": "2024-12-31"}, {"start": "2025-03"}],
        gtfs_start_date="2025-09-01"))
    page = html.unescape(app.get(f"/dataset/{complete['name']}", status=200)
                         .get_data(as_text=True))
    assert "poitiers-understand" not in page  # CKAN's theme indeed
    assert "du 1er janvier 2015 au 31 décembre 2024" in page
    assert "depuis mars 2025" in page
    assert "1er septembre 2025" in page and "2025-09-01" not in page
