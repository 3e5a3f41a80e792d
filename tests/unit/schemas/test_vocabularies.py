"""The vocabulary data files and the one module that reads them (no CKAN services needed)."""
from __future__ import annotations

import csv
import os

import pytest
import yaml

from ckanext.poitiers import vocabularies as voc
from tests.shared import SHARED_FIXTURES as SHARED


@pytest.mark.parametrize("name", voc.names())
def test_every_entry_has_a_unique_value_and_french_and_english_labels(name):
    entries = voc.vocabulary(name)
    assert entries
    assert len({e["value"] for e in entries}) == len(entries)
    for e in entries:
        assert e["label"]["fr"].strip() and e["label"]["en"].strip(), e


def test_the_13_eu_themes_with_their_official_french_labels():
    themes = voc.vocabulary("eu_themes")
    assert [t["code"] for t in themes] == [
        "AGRI", "ECON", "EDUC", "ENER", "ENVI", "GOVE", "HEAL", "INTR", "JUST", "REGI", "SOCI",
        "TECH", "TRAN"]
    assert voc.label("eu_themes", voc.EU_THEME_BASE + "GOVE") == "Gouvernement et secteur public"
    assert voc.label("eu_themes", voc.EU_THEME_BASE + "EDUC", "en") == (
        "Education, culture and sport")
    assert voc.eu_theme_uri("tran") == voc.EU_THEME_BASE + "TRAN"
    assert voc.eu_theme_uri(voc.EU_THEME_BASE + "TRAN") == voc.EU_THEME_BASE + "TRAN"
    assert voc.eu_theme_uri("MOBILITE") is None


def test_each_poitiers_theme_is_attached_to_an_eu_theme():
    expected = {"mobilite", "democratie-locale", "culture-agenda", "environnement-proprete",
                "energie", "urbanisme-cadastre", "sante", "economie", "numerique-tiers-lieux",
                "education", "sport-loisirs", "solidarites", "territoire-reference"}
    assert set(voc.values("poitiers_themes")) == expected
    for value in expected:
        assert voc.is_valid("eu_themes", voc.eu_theme_of(value))
    assert voc.eu_theme_of("mobilite") == voc.EU_THEME_BASE + "TRAN"


def test_forty_communes_and_grand_poitiers_as_a_whole():
    communes = voc.vocabulary("communes")
    assert communes[0]["value"] == "200069854"
    assert len(communes) == 41
    assert voc.label("communes", "86194") == "Poitiers"
    assert voc.label("communes", "86041") == "Buxerolles"
    names = [c["label"]["fr"] for c in communes[1:]]
    assert names.index("Béruges") < names.index("Biard")  # accents ignored in the order
    assert not voc.is_valid("communes", "86999")
    assert voc.commune_uri("86194").endswith("/86194")


def test_communes_match_the_official_list_when_it_is_available():
    path = os.path.join(SHARED, "grand_poitiers_communes_insee.csv")
    if not os.path.exists(path):
        pytest.skip(f"shared fixtures absent ({path})")
    with open(path, encoding="utf-8") as f:
        official = {r["insee"]: (r["nom"], r["siren_commune"]) for r in csv.DictReader(f)}
    ours = {c["value"]: (c["label"]["fr"], c["siren"]) for c in voc.communes()[1:]}
    assert ours == official


def test_every_commune_siren_passes_the_checksum():
    for c in voc.communes():
        assert voc.siren_or_siret_ok(c["siren"]), c


UDATA_IDS = [
    "continuous", "oneMinute", "fiveMinutes", "tenMinutes", "fifteenMinutes", "thirtyMinutes",
    "hourly", "bihourly", "trihourly", "twelveHours", "severalTimesADay", "threeTimesADay",
    "semidaily", "daily", "fiveTimesAWeek", "threeTimesAWeek", "semiweekly", "weekly",
    "biweekly", "threeTimesAMonth", "semimonthly", "monthly", "bimonthly", "quarterly",
    "threeTimesAYear", "semiannual", "annual", "biennial", "triennial", "quadrennial",
    "quinquennial", "decennial", "bidecennial", "tridecennial", "punctual", "irregular", "never",
    "notPlanned", "other", "unknown",
]


def test_every_udata_frequency_maps_to_a_distinct_eu_frequency():
    uris = [voc.frequency_uri(f) for f in UDATA_IDS]
    assert None not in uris
    assert len(set(uris)) == len(UDATA_IDS) == 40
    assert voc.frequency_uri("daily") == voc.EU_FREQUENCY_BASE + "DAILY"
    assert voc.frequency_uri("continuous") == voc.EU_FREQUENCY_BASE + "UPDATE_CONT"
    assert voc.frequency_uri("semiannual") == voc.EU_FREQUENCY_BASE + "ANNUAL_2"
    for uri in uris:
        assert voc.frequency_uri(voc.frequency_udata_id(uri)) == uri


@pytest.mark.parametrize("value,code", [
    ("realtime", "UPDATE_CONT"), ("biannual", "ANNUAL_2"), ("fortnighly", "BIWEEKLY"),
    ("DAILY", "DAILY"), ("http://publications.europa.eu/resource/authority/frequency/WEEKLY",
                         "WEEKLY"),
    ("https://publications.europa.eu/resource/authority/frequency/ANNUAL", "ANNUAL"),
    ("http://purl.org/cld/freq/monthly", "MONTHLY"), (" Quarterly ", "QUARTERLY"),
])
def test_frequency_aliases_and_uris(value, code):
    assert voc.frequency_uri(value) == voc.EU_FREQUENCY_BASE + code


@pytest.mark.parametrize("value", ["", None, "sometimes", "http://example.org/frequency/DAILY",
                                   42])
def test_unknown_frequencies_map_to_nothing(value):
    assert voc.frequency_uri(value) is None


def test_data_schemas_carry_their_versions():
    assert voc.latest_schema_version("scdl/deliberations") == "2.1.5"
    for entry in voc.vocabulary("data_schemas"):
        assert entry["versions"], entry
    demo = os.path.join(os.path.dirname(voc.HERE), "demo", "demo.yaml")
    with open(demo, encoding="utf-8") as f:
        datasets = yaml.safe_load(f)["datasets"]
    for d in datasets:
        if d.get("data_schema"):
            assert voc.is_valid("data_schemas", d["data_schema"]), d["data_schema"]


def test_data_schemas_exist_in_the_national_catalogue_when_it_is_available():
    import json

    path = os.path.join(SHARED, "schemas", "schema.data.gouv.fr__schemas.json")
    if not os.path.exists(path):
        pytest.skip(f"shared fixtures absent ({path})")
    with open(path, encoding="utf-8") as f:
        catalogue = {s["name"]: s for s in json.load(f)["schemas"]}
    for entry in voc.vocabulary("data_schemas"):
        assert entry["value"] in catalogue
        published = [v["version_name"] for v in catalogue[entry["value"]]["versions"]]
        assert entry["versions"] == published


def test_licence_ouverte_first_and_default():
    assert voc.values("licences")[0] == voc.DEFAULT_LICENCE == "lov2"
    assert voc.licence("odc-odbl")["spdx"] == "ODbL-1.0"
    assert voc.licence("no-such-licence") is None


def test_legacy_licences_are_ckan_defaults_offered_only_to_their_datasets():
    from ckanext.poitiers.helpers import poitiers_licence_options

    legacy = voc.legacy_licence_ids()
    assert {"other-closed", "cc-nc", "uk-ogl"} <= legacy
    assert not legacy & {"lov2", "odc-odbl", "notspecified"}
    options = [(lic["title"], lic["id"]) for lic in voc.licences()]
    offered = [value for _, value in poitiers_licence_options(options)]
    assert "lov2" in offered and not legacy & set(offered)
    kept = [value for _, value in poitiers_licence_options(options, current="other-closed")]
    assert "other-closed" in kept and not (legacy - {"other-closed"}) & set(kept)


def test_resource_kinds_map_to_ckan_resource_types():
    assert voc.resource_type_for_kind("realtime") == "api"
    assert voc.resource_type_for_kind("documentation") == "documentation"
    assert voc.resource_type_for_kind(None) == "file"


@pytest.mark.parametrize("number", ["218601946", "200069854", "21860194600013",
                                    "218 601 946", "35600000000048", "35600000049837"])
def test_valid_siren_and_siret(number):
    assert voc.siren_or_siret_ok(number)


@pytest.mark.parametrize("number", ["218601947", "21860194600014", "12345678", "abcdefghi",
                                    "", "2186019460001", "35600000049838"])
def test_invalid_siren_and_siret(number):
    assert not voc.siren_or_siret_ok(number)


def test_labels_fall_back_to_french_then_to_the_value():
    assert voc.label("granularities", "iris", "de") == voc.label("granularities", "iris", "fr")
    assert voc.label("granularities", "planet") == "planet"
    assert voc.label("granularities", None) == ""
    assert voc.as_list('["a", "b"]') == ["a", "b"] and voc.as_list("a") == ["a"]
    assert voc.as_list(None) == [] and voc.as_list(["x"]) == ["x"]
