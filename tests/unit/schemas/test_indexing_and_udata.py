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
