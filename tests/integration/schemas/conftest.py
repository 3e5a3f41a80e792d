"""Fixtures of the schema tests: an organization and a complete Poitiers dataset dict."""
from __future__ import annotations

import pytest
from ckan.tests import factories

EU = "http://publications.europa.eu/resource/authority/"


@pytest.fixture
def org():
    return factories.Organization(name="ville-de-poitiers-test", title="Ville de Poitiers")


@pytest.fixture
def complete(org):
    """A dataset dict with every Poitiers field filled (what a careful publisher sends)."""
    return {
        "name": "deliberations-conseil-municipal",
        "title": "Délibérations du conseil municipal",
        "notes": "Les délibérations adoptées par le conseil municipal depuis 2015.",
        "purpose": "Suivre les décisions du conseil municipal.",
        "owner_org": org["id"],
        "tags": [{"name": "délibérations"}, {"name": "conseil municipal"}],
        "theme": [EU + "data-theme/GOVE"],
        "poitiers_theme": ["democratie-locale"],
        "communes": ["86194"],
        "granularity": "commune",
        "temporal_coverage": [{"start": "2015-01-01", "end": "2024-12-31"}],
        "frequency": EU + "frequency/MONTHLY",
        "license_id": "lov2",
        "publisher": [{"name": "Ville de Poitiers", "identifier": "218601946",
                       "email": "opendata@poitiers.invalid", "url": "https://www.poitiers.fr"}],
        "contact": [{"name": "Service des assemblées", "email": "assemblees@poitiers.invalid"}],
        "data_schema": "scdl/deliberations",
        "data_schema_version": "2.1.5",
        "personal_data": "none",
        "coproduction": "administration",
        "url": "https://www.poitiers.fr/deliberations",
        "resources": [
            {"name": "Délibérations (CSV)", "url": "https://example.invalid/delib.csv",
             "format": "CSV", "resource_kind": "file", "conforms_to_schema": "true"},
            {"name": "Flux", "url": "https://example.invalid/flux", "format": "JSON",
             "resource_kind": "realtime", "refresh_seconds": "60"},
        ],
    }


@pytest.fixture
def call():
    """call_action as a sysadmin (the activity plugin needs a real user)."""
    from ckan.tests import helpers

    user = factories.Sysadmin()

    def _call(action, **data):
        return helpers.call_action(action, context={"user": user["name"],
                                                    "ignore_auth": False}, **data)

    return _call
