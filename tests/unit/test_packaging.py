"""A non-editable install carries templates, assets, vocabularies, demo content and catalogues."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_wheel_ships_everything_the_plugins_read(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), ROOT],
        check=True, capture_output=True)
    wheel = next(tmp_path.glob("ckanext_poitiers-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "ckanext/poitiers/plugins/core.py",
        "ckanext/poitiers/config_declaration.yaml",
        "ckanext/poitiers/templates/base.html",
        "ckanext/poitiers/templates/poitiers/contribute.html",
        "ckanext/poitiers/public/poitiers/favicon.svg",
        "ckanext/poitiers/assets/js/poitiers-a11y.js",
        "ckanext/poitiers/migration/poitiers_theme/alembic.ini",
        "ckanext/poitiers/migration/poitiers_theme/versions/a1c0f3e2b7d4_create_poitiers_request.py",
        "ckanext/poitiers/migration/poitiers_theme/versions/"
        "b7e2d9c4f1a3_add_poitiers_request_notified.py",
        "ckanext/poitiers/assets/webassets.yml",
        "ckanext/poitiers/vocabularies/licences.json",
        "ckanext/poitiers/schemas/templates/scheming/form_snippets/poitiers_date.html",
        "ckanext/poitiers/schemas/templates/scheming/display_snippets/poitiers_date.html",
        "ckanext/poitiers/demo/demo.yaml",
        "ckanext/poitiers/demo/sources/datafair-datasets.json",
        "ckanext/poitiers/i18n/fr/LC_MESSAGES/ckanext-poitiers.mo",
        "ckanext/poitiers/i18n/en/LC_MESSAGES/ckanext-poitiers.mo",
    ):
        assert expected in names, expected
    assert not any(n.startswith("ckanext/__init__") for n in names)  # namespace package
    assert not any(n.startswith("tests/") for n in names)
