"""Pure functions of ckanext.poitiers.search (no CKAN, no Solr)."""
from __future__ import annotations

import pytest

from ckanext.poitiers import search


@pytest.mark.parametrize(("value", "expected"), [
    (None, []), ("", []), ("86070", ["86070"]), (["86070", "86194"], ["86070", "86194"]),
    ('["86070", "86194"]', ["86070", "86194"]), ("86070, 86194", ["86070", "86194"]),
    (["86070", "86070", " "], ["86070"]), ("[86070", ["86070"]), (86070, ["86070"]),
])
def test_as_list(value, expected):
    assert search.as_list(value) == expected


def labels(field, code):
    return {("communes", "86070"): "Chauvigny",
            ("poitiers_theme", "mobilite"): "Mobilité et transports"}.get((field, code))


def test_index_fields_with_our_schema_lists_and_labels():
    pkg = {"communes": '["86070", "99999"]', "poitiers_theme": ["mobilite"], "title": "x"}
    out = search.index_fields(pkg, search.POITIERS, labels)
    assert out == {"communes": ["86070", "99999"], "poitiers_theme": ["mobilite"],
                   "labels_fr": ["Mobilité et transports", "Chauvigny"]}


def test_index_fields_with_the_stock_schema_joins_lists_and_adds_nothing():
    pkg = {"communes": ["86070", "86194"], "data_schema": "scdl/budget"}
    assert search.index_fields(pkg, search.STOCK, labels) == {"communes": "86070 86194"}


def test_search_params_for_free_text():
    params = search.search_params({"q": "élections municipales", "fq": ""})
    assert params["defType"] == "edismax"
    assert params["qf"].startswith("title^")
    qf = dict(f.split("^") for f in params["qf"].split())
    assert float(qf["title"]) > float(qf["keywords_fr"]) > float(qf["notes"])
    assert params["pf"] and params["ps"] and params["mm"]
    assert params["q.op"] == "OR"  # CKAN's mm decides, not edismax's all-required AND


@pytest.mark.parametrize("params", [
    {"q": "tags:vélo"}, {"q": ""}, {"q": "*:*"}, {}, {"q": "vélo", "defType": "lucene"},
    {"q": "vélo", "qf": "title"},
])
def test_search_params_leave_fielded_or_custom_queries_alone(params):
    assert search.search_params(dict(params)) == params


def test_prefix_words_and_query():
    assert search.prefix_words("l'éner") == ["éner"]
    assert search.prefix_words("Vélo: (libre)") == ["Vélo", "libre"]
    assert search.autocomplete_query(["Vél", "a+b"], "f") == "f:(vél AND a\\+b)"


def test_keyword_matches_ignore_accents_and_case():
    keywords = ["vélo", "Vélos en libre-service", "véhicules", "budget"]
    assert search.keyword_matches(keywords, ["vel"], 10) == ["vélo", "Vélos en libre-service"]
    assert search.keyword_matches(keywords, ["vel", "libre"], 10) == ["Vélos en libre-service"]
    assert search.keyword_matches(keywords, ["vel"], 1) == ["vélo"]


def test_spelling_query_and_accents():
    assert search.spelling_query("L'Électoins à Poitiers") == "electoins a poitiers"
    assert search.best_accented("elections", {"elections": 3, "élections": 2}) == "élections"
    assert search.best_accented("budget", {"budget": 3}) == "budget"
    import re
    assert re.fullmatch(search.accent_pattern("elections"), "élections")
    assert not re.fullmatch(search.accent_pattern("elections"), "electionz")


def test_accents_come_back_from_the_datasets_found():
    texts = ["Élections municipales 2020", "Résultats des élections, bureau par bureau",
             "parking", "L'électricité"]
    assert search.accents_from_texts("elections municipales", texts) == (
        "élections municipales", [])
    # a word written without accents by the datasets stays so; an unseen word is reported
    assert search.accents_from_texts("parking electricite velo", texts) == (
        "parking électricité velo", ["velo"])
    assert search.accents_from_texts("velo", []) == ("velo", ["velo"])
    # elisions, case and punctuation are kept; words the texts lack are reported (« de »: too
    # short to look up)
    assert search.accents_from_texts("Qualite de l'electricite, ELECTIONS", texts) == (
        "Qualite de l'électricité, ÉLECTIONS", ["qualite"])


@pytest.mark.parametrize(("q", "corrections", "expected"), [
    ("qualite de l'aire", {"aire": "air"}, "qualite de l'air"),
    ("Bibliotèque", {"biblioteque": "bibliotheques"}, "bibliotheques"),
    ("Résultats d'electoins", {"electoins": "elections"}, "Résultats d'elections"),
    ("pistes cyclabes", {}, "pistes cyclabes"),
])
def test_corrections_apply_to_the_query_as_typed(q, corrections, expected):
    assert search.apply_corrections(q, corrections) == expected


@pytest.mark.parametrize(("q", "plain"), [
    ("vélo", True), ("tags:vélo", False), ("", False), ("*:*", False), (None, False),
])
def test_is_plain_text(q, plain):
    assert search.is_plain_text(q) is plain


COMMUNES = search.commune_index([
    {"value": "200069854", "kind": "epci", "label": {"fr": "Grand Poitiers (les 40 communes)"},
     "aliases": ["Grand Poitiers"]},
    {"value": "86194", "kind": "commune", "label": {"fr": "Poitiers"}},
    {"value": "86133", "kind": "commune", "label": {"fr": "Ligugé"}},
    {"value": "86214", "kind": "commune", "label": {"fr": "Saint-Benoît"}},
    {"value": "86226", "kind": "commune", "label": {"fr": "Saint-Julien-l'Ars"}},
], lambda label: label["fr"])


@pytest.mark.parametrize(("q", "rest", "codes"), [
    ("défibrillateur Ligugé", "défibrillateur", ["86133"]),
    ("defibrillateur LIGUGE", "defibrillateur", ["86133"]),
    ("éclairage public saint benoit", "éclairage public", ["86214"]),
    ("éclairage public Saint-Benoît", "éclairage public", ["86214"]),
    ("parcs à Saint-Julien-l'Ars", "parcs à", ["86226"]),
    ("vitalis Grand Poitiers", "vitalis", ["200069854"]),  # the longest name wins
    ("budget Poitiers Ligugé", "budget", ["86194", "86133"]),
    ("Ligugé", "Ligugé", []),  # a commune name alone stays the query
    ("à Ligugé", "à Ligugé", []),  # so does a name with function words only
    ("ligugé:x", "ligugé:x", []),  # Solr syntax is left alone
    ('"budget Ligugé"', '"budget Ligugé"', []),
    ("budget", "budget", []),
    ("les 40 communes", "les 40 communes", []),  # the grouping's label is not a name
])
def test_split_communes(q, rest, codes):
    assert search.split_communes(q, COMMUNES) == (rest, codes)


def test_commune_named_among_other_words_boosts_instead_of_being_required():
    params = search.search_params({"q": "défibrillateur Ligugé"}, COMMUNES)
    assert params["q"] == "défibrillateur"
    assert params["boost"] == \
        f"if(or(termfreq(communes,'86133')),{search.COMMUNE_BOOST},1)"
    # a caller's own boost is kept, and the query then stays as typed
    own = search.search_params({"q": "défibrillateur Ligugé", "boost": "1"}, COMMUNES)
    assert own["q"] == "défibrillateur Ligugé" and own["boost"] == "1"
    assert "boost" not in search.search_params({"q": "défibrillateur"}, COMMUNES)


@pytest.mark.parametrize("fq,expected", [
    (' organization:"ville-de-poitiers" tags:"vélo en ville" +dataset_type:dataset',
     '+organization:"ville-de-poitiers" +tags:"vélo en ville" +dataset_type:dataset'),
    ('res_format:"CSV"', '+res_format:"CSV"'),
    ("tags:(a OR b) -state:draft x:[1 TO 5]", "+tags:(a OR b) -state:draft +x:[1 TO 5]"),
    (r'title:\"a b', r'+title:\"a +b'),
    (["tags:a", "+groups:b"], ["+tags:a", "+groups:b"]),
])
def test_filters_stay_required_under_our_or_operator(fq, expected):
    # q.op=OR (for CKAN's minimum match) applies to fq too: CKAN's page filters, written one
    # after the other, would all but the last become optional
    params = search.search_params({"q": "vélo", "fq" if isinstance(fq, str) else "fq_list": fq})
    assert params.get("fq", params.get("fq_list")) == expected
    assert params["q.op"] == "OR"


@pytest.mark.parametrize("fq", ["tags:a OR tags:b", "tags:a AND tags:b", 'tags:"open',
                                "tags:(a", "NOT tags:a", "tags: a", "!tags:a",
                                "tags:a state:deleted"])
def test_filters_that_cannot_be_read_safely_keep_ckans_and(fq):
    # « state:deleted » made « +state:deleted » would stop CKAN from adding its own state filter
    params = search.search_params({"q": "vélo", "fq": fq})
    assert params["fq"] == fq
    assert "q.op" not in params  # CKAN's AND: every word and every filter clause required
    assert params["defType"] == "edismax"
