"""Index documents, facet labels and udata extras (pure functions)."""
from ckanext.poitiers import indexing, udata

EU = "http://publications.europa.eu/resource/authority/"


def test_lists_go_to_the_multi_valued_fields_of_our_solr_schema():
    pkg = {"communes": '["86194", "86041"]', "theme": [EU + "data-theme/TRAN"]}
    doc = indexing.index_document(pkg, {"communes": True, "theme": True}, "commune")
    assert doc == {"communes": ["86194", "86041"], "theme": [EU + "data-theme/TRAN"],
                   "org_type": "commune"}


def test_with_the_stock_schema_lists_go_to_vocab_fields():
    doc = indexing.index_document({"communes": '["86194", "86041"]', "poitiers_theme": ""}, {})
    assert doc == {"vocab_communes": ["86194", "86041"], "communes": "86194 86041",
                   "vocab_poitiers_theme": [], "poitiers_theme": ""}


def test_facet_items_get_labels_in_the_requested_language():
    facets = {"vocab_communes": {"items": [{"name": "86070", "display_name": "86070"},
                                           {"name": "99999", "display_name": "99999"}]},
              "frequency": {"items": [{"name": EU + "frequency/DAILY", "display_name": "x"}]},
              "tags": {"items": [{"name": "bus", "display_name": "bus"}]}}
    indexing.label_facet_items(facets, "en")
    assert [i["display_name"] for i in facets["vocab_communes"]["items"]] == ["Chauvigny",
                                                                              "99999"]
    assert facets["frequency"]["items"][0]["display_name"] == "Daily"
    assert facets["tags"]["items"][0]["display_name"] == "bus"


def test_udata_extras_from_the_poitiers_fields():
    pkg = {"frequency": EU + "frequency/WEEKLY", "communes": ["86194", "86041"],
           "temporal_coverage": [{"start": "2019-01-01"}, {"start": "2015-06", "end": "2016"}],
           "extras": [{"key": "source", "value": "SIG"}]}
    assert udata.mirrored_extras(pkg) == [
        {"key": "frequency", "value": EU + "frequency/WEEKLY"},
        {"key": "temporal_start", "value": "2015-06"},
        {"key": "spatial-text", "value": "Poitiers, Buxerolles"},
    ]  # no temporal_end: one period is still running
    udata.add_extras(pkg)
    assert [e["key"] for e in pkg["extras"]] == ["source", "frequency", "temporal_start",
                                                 "spatial-text"]
    assert udata.mirrored_extras({"frequency": "daily"}) == []


def test_the_data_date_goes_to_a_solr_date_field():
    import json

    validated = {"modified": "2024-03-01", "metadata_modified": "2026-11-20T09:00:00.123456",
                 "resources": [{"last_modified": "2025-10-01T08:30:00"}]}
    doc = indexing.index_document({"validated_data_dict": json.dumps(validated),
                                   "metadata_modified": "2026-11-20T09:00:00.123456Z"}, {})
    assert doc == {indexing.DATA_UPDATED_FIELD: "2025-10-01T08:30:00Z"}
    assert indexing.DATA_UPDATED_FIELD.endswith("_date")  # CKAN's dynamic date field
    # no data date: the record's; an unreadable document: the record's too
    assert indexing.data_updated({"validated_data_dict": json.dumps({"resources": []}),
                                  "metadata_modified": "2026-11-20T09:00:00Z"}) == \
        "2026-11-20T09:00:00Z"
    for broken in ("{pas du json", "[1, 2]", None):
        assert indexing.data_updated({"validated_data_dict": broken,
                                      "metadata_modified": "2026-11-20T09:00:00Z"}) == \
            "2026-11-20T09:00:00Z"
    assert indexing.data_updated({}) is None
