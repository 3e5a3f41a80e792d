"""Pure mapping of a demo entry to a dataset dict (no CKAN services needed)."""
from ckanext.poitiers.demo import dataset_dict

ENTRY = {
    "name": "bornes-a-verre",
    "title": "Bornes à verre",
    "notes": "Emplacements des bornes.",
    "owner_org": "grand-poitiers",
    "tags": ["verre", "recyclage"],
    "theme": ["ENVI"],
    "communes": ["86194"],
    "contact_name": "Service propreté",
    "contact_email": "proprete@grandpoitiers.invalid",
    "temporal_start": "2015-03-01",
    "license_id": "lov2",
    "resources": [{"name": "CSV", "url": "https://example.invalid/x.csv", "format": "CSV",
                   "refresh_seconds": None}],
}


def test_keys_unknown_to_the_live_schema_are_left_out():
    data = dataset_dict(ENTRY, ["title", "notes", "license_id"])
    assert "communes" not in data and "theme" not in data and "contact" not in data
    assert data["tags"] == [{"name": "verre"}, {"name": "recyclage"}]
    assert data["resources"] == [{"name": "CSV", "url": "https://example.invalid/x.csv",
                                  "format": "CSV"}]


def test_dcat_fields_are_built_when_the_schema_has_them():
    data = dataset_dict(ENTRY, ["title", "notes", "theme", "contact", "temporal_coverage"])
    assert data["theme"] == ["http://publications.europa.eu/resource/authority/data-theme/ENVI"]
    assert data["contact"] == [{"name": "Service propreté",
                                "email": "proprete@grandpoitiers.invalid"}]
    assert data["temporal_coverage"] == [{"start": "2015-03-01"}]


def test_udata_frequency_ids_become_eu_frequency_uris():
    data = dataset_dict(dict(ENTRY, frequency="continuous"), ["title", "frequency"])
    assert data["frequency"] == (
        "http://publications.europa.eu/resource/authority/frequency/UPDATE_CONT")
    data = dataset_dict(dict(ENTRY, frequency="semiannual"), ["title", "frequency"])
    assert data["frequency"] == "http://publications.europa.eu/resource/authority/frequency/ANNUAL_2"
