"""Licences named by remote sources: recognised, or classed without telling a reuser that a
licence forbidding commercial reuse is open (no CKAN)."""
from __future__ import annotations

import pytest

from ckanext.poitiers.harvesters import datafair_mapping, dcat_mapping, transport_mapping
from ckanext.poitiers.vocabularies import remote
from tests.harvest.datafair_server import load_records


@pytest.mark.parametrize("named, licence", [
    # Creative Commons by URL, whatever the version, language or country port
    ("https://creativecommons.org/licenses/by/3.0/fr/", "cc-by"),
    ("https://creativecommons.org/licenses/by-sa/4.0/legalcode.fr", "cc-by-sa"),
    ("http://creativecommons.org/publicdomain/zero/1.0/", "cc-zero"),
    ("https://creativecommons.org/licenses/by-nc/4.0/deed.fr", "cc-nc"),
    ("https://creativecommons.org/licenses/by-nc-sa/4.0/", "other-nc"),
    ("https://creativecommons.org/licenses/by-nd/4.0/", "other-closed"),
    # what was recognised before still is
    ("Licence Ouverte v2.0", "lov2"),
    ("odc-odbl", "odc-odbl"),
    # Licence Mobilités: transport.data.gouv.fr's id, its title and its URL in every spelling
    ("mobility-licence", "mobility-licence"),
    ("Licence Mobilités", "mobility-licence"),
    ("Licence Mobilites", "mobility-licence"),
    ("https://wiki.lafabriquedesmobilites.fr/wiki/Licence_Mobilit%C3%A9s", "mobility-licence"),
    ("https://wiki.lafabriquedesmobilites.fr/wiki/Licence_Mobilités", "mobility-licence"),
])
def test_recognised_licences(named, licence):
    assert remote.licence_id(named) == licence


@pytest.mark.parametrize("named, licence", [
    ("CC BY-NC-SA 4.0", "other-nc"),
    ("CC-BY-NC-4.0", "other-nc"),
    ("Attribution-NonCommercial 4.0 International", "other-nc"),
    ("Pas d’utilisation commerciale", "other-nc"),
    ("Réutilisation commerciale interdite", "other-nc"),
    ("CC BY-ND 4.0", "other-closed"),
    ("Tous droits réservés", "other-closed"),
    ("Licence propriétaire de la société X", "other-closed"),
    ("All rights reserved", "other-closed"),
    # an open data portal's own licence we do not know stays « Autre licence ouverte »
    ("Licence maison", "other-open"),
    ("Licence Open Data de la ville", "other-open"),
])
def test_unrecognised_licences_are_classed_by_what_they_say(named, licence):
    assert remote.licence_id(named) is None
    assert remote.unrecognised_licence(named) == licence


def test_data_fair_non_commercial_licence_is_not_called_open():
    record = dict(load_records()[2], license={
        "title": "Creative Commons BY-NC 4.0", "href": "https://example.org/licence-nc"})
    assert datafair_mapping.map_dataset(record, "https://x/data-fair/api/v1")[
        "license_id"] == "other-nc"


def test_dcat_licence_on_distributions_all_rights_reserved():
    parsed = {"title": "T", "notes": "x", "resources": [
        {"name": "A", "url": "https://x.org/a.csv", "license": "Tous droits réservés"}]}
    assert dcat_mapping.map_dataset(parsed)["license_id"] == "other-closed"
    parsed["resources"][0]["license"] = "https://creativecommons.org/licenses/by/4.0/deed.fr"
    assert dcat_mapping.map_dataset(parsed)["license_id"] == "cc-by"
    parsed["resources"][0].pop("license")
    assert dcat_mapping.map_dataset(parsed)["license_id"] == "notspecified"


def test_transport_licence_not_recognised():
    from tests.harvest.test_transport import records

    record = dict(records()[0], licence="cc-by-nc-nd")
    assert transport_mapping.map_dataset(record)["license_id"] == "other-nc"
    record["licence"] = "licence-de-la-regie"
    assert transport_mapping.map_dataset(record)["license_id"] == "other-open"
    record["licence"] = "mobility-licence"
    assert transport_mapping.map_dataset(record)["license_id"] == "mobility-licence"
