"""« Vouliez-vous dire … » and autocomplete, on the real Solr with our schema."""
from __future__ import annotations

import pytest
from ckan.tests import factories, helpers

from tests.search.conftest import REQUIRED

pytestmark = [pytest.mark.integration,
              pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]


@pytest.fixture
def datasets(clean_db, clean_index):
    owner = factories.User()
    org = factories.Organization(name="ville-de-poitiers", title="Ville de Poitiers",
                                 users=[{"name": owner["name"], "capacity": "admin"}])

    def make(name, title, notes, tags=(), private=False):
        return helpers.call_action(
            "package_create", context={"user": owner["name"]}, **REQUIRED, name=name, title=title,
            notes=notes, owner_org=org["id"], license_id="lov2", private=private,
            tags=[{"name": t} for t in tags])

    make("elections-municipales", "Résultats des élections municipales",
         "Résultats par bureau de vote.", tags=["élections", "vote"])
    make("chauvigny-patrimoine", "Chauvigny : monuments historiques",
         "Cité médiévale.", tags=["patrimoine", "tourisme"])
    make("velos-comptages", "Comptages de vélos", "Compteurs permanents.",
         tags=["vélo", "vélos en libre-service"])
    make("velo-stations", "Stations vélo en libre-service", "Stations et bornes.",
         tags=["vélo"])
    make("registre-marches-secrets", "Marchés confidentiels Zéphyrinade",
         "Interne.", tags=["zéphyrinade"], private=True)
    return owner


def dictionaries_asked(monkeypatch) -> list[str]:
    """The spelling dictionaries asked, in order, from now on."""
    from ckanext.poitiers import search as poitiers_search

    asked: list[str] = []
    real = poitiers_search._collation
    monkeypatch.setattr(poitiers_search, "_collation", lambda url, params, *a, **kw: asked.append(
        dict(params)["spellcheck.dictionary"]) or real(url, params, *a, **kw))
    return asked


def search(q, user="", **kwargs):
    return helpers.call_action("package_search", context={"user": user, "ignore_auth": False},
                               q=q, include_private=True, **kwargs)


@pytest.mark.usefixtures("datasets")
def test_vouliez_vous_dire_on_a_typo():
    result = search("electoins", ext_poitiers_exact="1")
    assert result["count"] == 0
    assert result["poitiers_suggestion"] == "élections"
    assert "poitiers_corrected_from" not in result
    # the suggestion finds what was meant
    assert search(result["poitiers_suggestion"])["count"] == 1


@pytest.mark.usefixtures("datasets")
def test_a_search_that_finds_nothing_gives_the_results_of_its_correction():
    result = search("electoins")
    assert [d["name"] for d in result["results"]] == ["elections-municipales"]
    assert result["count"] == 1
    assert result["poitiers_corrected_from"] == "electoins"
    assert result["poitiers_corrected_to"] == "élections"
    assert "poitiers_suggestion" not in result
    assert "_poitiers_raw_suggestion" not in result


@pytest.mark.usefixtures("datasets")
def test_a_correction_keeps_the_query_as_typed_around_the_corrected_word():
    # « d' » and the capital stay; the corrected word gets its accents from the dataset found
    result = search("Résultats d'electoins")
    assert result["poitiers_corrected_to"] == "Résultats d'élections"
    assert [d["name"] for d in result["results"]] == ["elections-municipales"]
    assert search("Résultats d'electoins", ext_poitiers_exact="1")[
        "poitiers_suggestion"] == "Résultats d'élections"


@pytest.mark.usefixtures("datasets")
def test_a_correction_takes_its_accents_from_the_datasets_it_finds(monkeypatch):
    from ckanext.poitiers import search as poitiers_search

    lookups = []
    real = poitiers_search.restore_accents
    monkeypatch.setattr(poitiers_search, "restore_accents",
                        lambda *a, **kw: lookups.append(a[1]) or real(*a, **kw))
    # « élections » is written in the dataset found: no dictionary lookup in Solr
    assert search("electoins")["poitiers_corrected_to"] == "élections"
    assert lookups == []
    # without a correction of the results (exact search), the dictionary gives the accents
    assert search("electoins", ext_poitiers_exact="1")["poitiers_suggestion"] == "élections"
    assert lookups == ["elections"]


@pytest.mark.usefixtures("datasets")
@pytest.mark.parametrize("fl", [["name"], "name,title", ["name", "tags"]])
def test_a_correction_asked_for_some_fields_gives_those_fields_and_the_accents(monkeypatch, fl):
    from ckanext.poitiers import search as poitiers_search

    lookups = []
    real = poitiers_search.restore_accents
    monkeypatch.setattr(poitiers_search, "restore_accents",
                        lambda *a, **kw: lookups.append(a[1]) or real(*a, **kw))
    result = search("electoins", fl=fl)
    asked = fl.split(",") if isinstance(fl, str) else fl
    assert [sorted(d) for d in result["results"]] == [sorted(asked)]
    assert result["results"][0]["name"] == "elections-municipales"
    # the texts read for the accents came from Solr with the datasets, not from a lookup
    assert result["poitiers_corrected_to"] == "élections"
    assert lookups == []


@pytest.mark.usefixtures("datasets")
def test_no_correction_when_the_search_finds_something_or_nothing_is_close(ckan_config):
    result = search("vélo")
    assert result["count"] == 2
    assert "poitiers_corrected_from" not in result
    nothing = search("qwxzkv")
    assert nothing["count"] == 0
    assert "poitiers_corrected_from" not in nothing and "poitiers_suggestion" not in nothing


@pytest.mark.usefixtures("datasets")
@pytest.mark.ckan_config("ckanext.poitiers.search.correct_empty", "false")
def test_correction_can_be_turned_off():
    result = search("electoins")
    assert result["count"] == 0
    assert result["poitiers_suggestion"] == "élections"


@pytest.mark.usefixtures("datasets")
def test_a_suggestion_that_finds_no_more_is_not_offered():
    # "vélos" is the same word for the French analysis: it finds the same two datasets
    assert "poitiers_suggestion" not in search("velos")


@pytest.mark.usefixtures("datasets")
def test_suggestion_for_a_two_word_query_with_one_typo():
    result = search("comptages velso", ext_poitiers_exact="1")
    assert result["poitiers_suggestion"] in ("comptages vélos", "comptages vélo")


@pytest.mark.usefixtures("datasets")
def test_no_suggestion_when_results_are_plenty_or_query_is_right():
    result = search("vélo")
    assert result["count"] == 2
    assert "poitiers_suggestion" not in result
    assert "poitiers_suggestion" not in search("résultats")


def test_suggestion_never_reveals_words_of_private_datasets(datasets):
    anonymous = search("zephirinade")
    assert anonymous["count"] == 0
    assert "poitiers_suggestion" not in anonymous
    assert "poitiers_corrected_from" not in anonymous
    # whereas its owner, who may see the dataset, gets it, and its results
    owner = search("zephirinade", user=datasets["name"])
    assert owner.get("poitiers_corrected_to") == "zéphyrinade"
    assert [d["name"] for d in owner["results"]] == ["registre-marches-secrets"]
    assert search("zephirinade", user=datasets["name"], ext_poitiers_exact="1").get(
        "poitiers_suggestion") == "zéphyrinade"


def test_a_private_word_is_not_revealed_beside_public_words(datasets):
    # three words: CKAN's minimum match lets one be missing, so « comptages vélos » (public)
    # would have carried « zéphyrinade » (private) in a correction checked with that rule
    for exact in ("", "1"):
        anonymous = search("comptajes velos zephirinade", ext_poitiers_exact=exact)
        assert "zéphyrinade" not in (anonymous.get("poitiers_suggestion") or "")
        assert "zéphyrinade" not in (anonymous.get("poitiers_corrected_to") or "")
    owner = search("comptajes velos zephirinade", user=datasets["name"], ext_poitiers_exact="1")
    assert "zéphyrinade" not in (owner.get("poitiers_suggestion") or "")  # no dataset has all three


@pytest.mark.usefixtures("datasets")
def test_search_page_shows_the_results_of_the_correction(app):
    page = app.get("/dataset/", query_string={"q": "electoins"})
    assert page.status_code == 200
    assert "Aucun jeu de données ne contient «\u00a0electoins\u00a0»" in page.body
    assert "voici les résultats pour «\u00a0élections\u00a0»" in page.body
    assert "/dataset/elections-municipales" in page.body
    assert "ext_poitiers_exact=1" in page.body  # « Rechercher exactement « electoins » »
    assert "Vouliez-vous dire" not in page.body


@pytest.mark.usefixtures("datasets")
def test_search_page_correction_escapes_the_query(app):
    page = app.get("/dataset/", query_string={"q": "electoins <b>x</b>"})
    assert page.status_code == 200
    assert "<b>x</b>" not in page.body


@pytest.mark.usefixtures("datasets")
def test_search_page_says_vouliez_vous_dire(app):
    page = app.get("/dataset/", query_string={"q": "electoins", "ext_poitiers_exact": "1"})
    assert page.status_code == 200
    assert "Vouliez-vous dire" in page.body
    assert "/dataset/?q=%C3%A9lections" in page.body or "q=élections" in page.body
    assert "/dataset/elections-municipales" not in page.body


def autocomplete(q, user="", **kwargs):
    return helpers.call_action("poitiers_autocomplete",
                               context={"user": user, "ignore_auth": False}, q=q, **kwargs)


@pytest.mark.usefixtures("datasets")
def test_autocomplete_titles_and_keywords():
    result = autocomplete("chau")
    assert result["datasets"] == [{"name": "chauvigny-patrimoine",
                                   "title": "Chauvigny : monuments historiques"}]
    result = autocomplete("vel")  # no accent typed
    assert {d["name"] for d in result["datasets"]} == {"velos-comptages", "velo-stations"}
    assert result["keywords"][0] == "vélo"
    assert "vélos en libre-service" in result["keywords"]
    assert autocomplete("l'élec")["datasets"][0]["name"] == "elections-municipales"
    assert autocomplete("vélos libre", limit=1)["keywords"] == ["vélos en libre-service"]


def test_autocomplete_hides_private_datasets(datasets):
    assert autocomplete("zéphy") == {"datasets": [], "keywords": []}
    mine = autocomplete("zéphy", user=datasets["name"])
    assert mine["datasets"][0]["name"] == "registre-marches-secrets"
    assert mine["keywords"] == ["zéphyrinade"]


def test_autocomplete_api_for_anonymous_visitors(app, datasets):
    res = app.get("/api/3/action/poitiers_autocomplete", query_string={"q": "chauv"})
    assert res.status_code == 200
    assert res.json["result"]["datasets"][0]["name"] == "chauvigny-patrimoine"


@pytest.mark.parametrize(("params", "field", "message"), [
    ({}, "q", "Valeur manquante"),
    ({"q": "a"}, "q", "au moins 2 caractères"),
    ({"q": "x" * 101}, "q", "au plus 100 caractères"),
    ({"q": "«»"}, "q", "des lettres ou des chiffres"),
    ({"q": "vel", "limit": 50}, "limit", "entre 1 et 20"),
    ({"q": "vel", "limit": "beaucoup"}, "limit", "entre 1 et 20"),
])
def test_autocomplete_bad_input_is_a_structured_error_in_french(app, params, field, message):
    res = app.get("/api/3/action/poitiers_autocomplete", query_string=params, status=409)
    error = res.json["error"]
    assert error["__type"] == "Validation Error"
    assert message in " ".join(error[field])


@pytest.mark.usefixtures("clean_db")
@pytest.mark.parametrize("path", ["/dataset/", "/", "/organization/"])
def test_every_page_loads_the_autocomplete_script_and_its_french_labels(app, path):
    import re

    page = app.get(path)
    src = re.search(r'src="([^"]*autocomplete[^"]*\.js)"', page.body)
    assert src, f"autocomplete script missing from {path}"
    script = app.get(src.group(1))
    assert script.status_code == 200
    assert "#field-sitewide-search" in script.body and "#field-giant-search" in script.body
    assert 'data-url="/api/3/action/poitiers_autocomplete"' in page.body
    assert 'data-list-label="Suggestions de recherche"' in page.body
    assert 'id="field-sitewide-search"' in page.body


@pytest.mark.usefixtures("datasets")
def test_a_typo_two_edits_away_is_corrected_by_the_wider_dictionary(monkeypatch):
    asked = dictionaries_asked(monkeypatch)
    # « electons »: one letter missing, the near dictionary is enough
    assert search("electons")["poitiers_corrected_to"] == "élections"
    assert asked == ["near"]
    # « elexsions »: two letters wrong, found by the second dictionary only
    asked.clear()
    result = search("elexsions")
    assert result["poitiers_corrected_to"] == "élections"
    assert [d["name"] for d in result["results"]] == ["elections-municipales"]
    assert asked == ["near", "default"]


@pytest.mark.usefixtures("datasets")
def test_a_solr_without_the_near_dictionary_still_corrects(monkeypatch):
    from ckanext.poitiers import search as poitiers_search

    # a solrconfig.xml copied before "near" existed: Solr answers 404 to an unknown dictionary
    monkeypatch.setattr(poitiers_search, "SPELLING_DICTIONARIES", ("absent", "default"))
    answers = []
    real = poitiers_search.solr_get
    monkeypatch.setattr(poitiers_search, "solr_get", lambda url, **kw: answers.append(
        (dict(kw["params"]).get("spellcheck.dictionary"), (r := real(url, **kw)).status_code))
        or r)
    assert search("electoins")["poitiers_corrected_to"] == "élections"
    assert answers[:2] == [("absent", 404), ("default", 200)]


def test_no_correction_and_one_request_when_solr_does_not_answer(monkeypatch):
    from ckanext.poitiers import search as poitiers_search

    calls = []
    real = poitiers_search.solr_get
    monkeypatch.setattr(poitiers_search, "solr_get",
                        lambda url, **kw: calls.append(url) or real(url, **kw))
    # a closed port: the spellcheck fails once, the other dictionary is not asked
    assert poitiers_search.spelling_suggestion("http://127.0.0.1:9/solr/ckan", "electoins",
                                               [], timeout=2) is None
    assert calls == ["http://127.0.0.1:9/solr/ckan/spell"]


@pytest.mark.usefixtures("datasets")
def test_a_search_that_found_a_few_datasets_asks_the_near_dictionary_only(monkeypatch):
    asked = dictionaries_asked(monkeypatch)
    result = search("comptages")
    assert result["count"] == 1
    assert "poitiers_suggestion" not in result
    assert asked == ["near"]


@pytest.fixture
def accents_of_hidden_datasets(datasets):
    """« peche » written without its accent in a public dataset; « pêche » only in a private
    one and in a deleted one."""
    owner = datasets["name"]
    org = helpers.call_action("organization_show", id="ville-de-poitiers")

    def make(name, title, private=False):
        return helpers.call_action(
            "package_create", context={"user": owner}, **REQUIRED, name=name, title=title,
            notes="Relevés.", owner_org=org["id"], license_id="lov2", private=private,
            tags=[{"name": "loisirs"}])

    make("lieux-peche", "Lieux de peche")
    make("registre-peche", "Registre de pêche", private=True)
    deleted = make("peche-ancienne", "Pêche en rivière")
    helpers.call_action("package_delete", context={"user": owner}, id=deleted["id"])
    return datasets


def test_the_accents_of_a_suggestion_come_only_from_datasets_the_searcher_may_see(
        accents_of_hidden_datasets, app):
    # the word is public (« peche »); the accented form only private or deleted: an anonymous
    # visitor is offered the word as public datasets write it, never « pêche »
    anonymous = search("pecje", ext_poitiers_exact="1")
    assert anonymous["count"] == 0
    assert anonymous["poitiers_suggestion"] == "peche"
    page = app.get("/dataset/", query_string={"q": "pecje", "ext_poitiers_exact": "1"})
    assert "Vouliez-vous dire" in page.body and "peche" in page.body
    assert "pêche" not in page.body
    # the owner, who may see the private dataset, gets its accents
    owner = search("pecje", user=accents_of_hidden_datasets["name"], ext_poitiers_exact="1")
    assert owner["poitiers_suggestion"] == "pêche"


@pytest.mark.ckan_config("ckanext.poitiers.search.correct_empty", "false")
def test_no_hidden_accents_when_the_portal_does_not_correct_empty_searches(
        accents_of_hidden_datasets):
    assert search("pecje")["poitiers_suggestion"] == "peche"


def test_the_accents_of_a_correction_come_only_from_datasets_the_searcher_may_see(
        accents_of_hidden_datasets):
    result = search("pecje")
    assert [d["name"] for d in result["results"]] == ["lieux-peche"]
    assert result["poitiers_corrected_to"] == "peche"


@pytest.mark.usefixtures("datasets")
@pytest.mark.parametrize("q", [["electoins"], ["vélo", "x"]])
def test_a_query_sent_as_a_list_is_searched_as_text(app, q):
    # CKAN searches such a q as its text; the correction of an empty search used to fail on it
    # (Internal Server Error)
    res = app.post("/api/3/action/package_search", json={"q": q})
    assert res.status_code == 200
    assert res.json["success"] is True
    # an object's text has a colon: Solr syntax, which Solr refuses: a structured error
    res = app.post("/api/3/action/package_search", json={"q": {"q": q[0]}}, status=409)
    assert res.json["success"] is False


@pytest.mark.usefixtures("datasets")
@pytest.mark.parametrize("fl", [5, {"name": 1}, ["name", 3]])
def test_a_field_list_that_is_not_names_is_a_structured_error_in_french(app, fl):
    res = app.post("/api/3/action/package_search", json={"q": "electoins", "fl": fl},
                   status=409)
    error = res.json["error"]
    assert error["__type"] == "Validation Error"
    assert "noms des champs" in " ".join(error["fl"])


@pytest.mark.usefixtures("datasets")
@pytest.mark.parametrize("q", ["{!func}ab", "electoins {!lucene}x"],
                         ids=["local-params", "local-params-inside"])
def test_a_search_solr_refuses_is_a_french_page(app, q):
    import re

    page = app.get("/dataset/", query_string={"q": q})
    assert page.status_code == 200
    heading = re.search(r"<h1>\s*(.*?)\s*</h1>", page.body, re.S).group(1)
    assert heading == "Erreur de recherche"
    assert "Une erreur est survenue pendant votre recherche" in page.body
    # the API says the same as a structured error
    res = app.get("/api/3/action/package_search", query_string={"q": q}, status=409)
    assert res.json["error"]["__type"] == "Search Error"


SYNONYM_HEAVY = ("bus stationnement dechets deliberation plu energie eclairage defibrillateur "
                 "bibliotheque piscine ecole wifi marche arbre recyclage velo budget elections")


@pytest.mark.usefixtures("datasets")
@pytest.mark.parametrize("q", [
    " ".join([SYNONYM_HEAVY] * 3),                 # 54 words, each with its civic synonyms
    "bus " * 60,
    "Résultats des élections municipales " + "vote " * 400,
], ids=["54-synonym-words", "60-bus", "400-words"])
def test_a_long_text_pasted_in_the_box_is_searched_not_refused(app, q):
    # each word is looked for in five fields with its synonyms: past about 40 words Solr refused
    # the query (more than 1,024 clauses), where CKAN's stock search goes to about 200
    result = search(q)
    assert result["count"] >= 0
    page = app.get("/dataset/", query_string={"q": q})
    assert "Erreur de recherche" not in page.body
    assert "Une erreur est survenue" not in page.body
    # the first words decide
    assert [d["name"] for d in search("Résultats des élections municipales " * 40)[
        "results"]] == ["elections-municipales"]


# ---------------------------------------------------------------------------------------------
# « Vouliez-vous dire … » within the page's filters
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def other_organisation(datasets):
    """« cadastre » only in the datasets of another organisation (public)."""
    owner = datasets["name"]
    org = factories.Organization(name="grand-poitiers", title="Grand Poitiers",
                                 users=[{"name": owner, "capacity": "admin"}])
    for i in range(4):
        helpers.call_action(
            "package_create", context={"user": owner}, **REQUIRED, name=f"cadastre-{i}",
            title=f"Cadastre section {i}", notes="Parcelles cadastrales.", owner_org=org["id"],
            license_id="lov2", tags=[{"name": "cadastre"}])
    return datasets


@pytest.mark.parametrize("params", [
    {"organization": "ville-de-poitiers"}, {"tags": "élections"}, {"res_format": "CSV"},
    [("organization", "grand-poitiers"), ("tags", "vote")],
], ids=["organization", "tags", "res_format", "two-filters"])
def test_a_free_text_search_keeps_the_page_filters(other_organisation, app, params):
    # our q.op=OR used to make CKAN's filters optional: « cadastre » in Ville de Poitiers showed
    # the other organisation's cadastre
    query = [("q", "cadastre")] + (list(params.items()) if isinstance(params, dict) else params)
    page = app.get("/dataset/", query_string=query)
    assert "/dataset/cadastre-0" not in page.body
    found = helpers.call_action("package_search", q="cadastre", fq=" ".join(
        f'{k}:"{v}"' for k, v in query[1:]) + " +dataset_type:dataset")
    assert found["count"] == 0
    # the filter alone still finds them
    assert "/dataset/cadastre-0" in app.get("/dataset/", query_string={
        "q": "cadastre", "organization": "grand-poitiers"}).body


def _links(body: str, css_class: str) -> list[str]:
    import html
    import re

    return [html.unescape(h) for h in re.findall(
        r'<a href="([^"]*)" class="' + css_class + '"', body)]


@pytest.mark.parametrize("params", [
    {"organization": "ville-de-poitiers"},
    {"organization": "ville-de-poitiers", "ext_poitiers_exact": "1"},
    {"tags": "élections"},
    {"res_format": "CSV"},
], ids=["organization", "organization-exact", "tags", "res_format"])
def test_no_suggestion_the_filtered_page_would_not_show(other_organisation, app, params):
    # « cadatre » is « cadastre » in the other organisation only: within the page's filters
    # the correction finds nothing, so nothing is offered (the page used to search again
    # without its filters and offer « cadastre »)
    page = app.get("/dataset/", query_string={"q": "cadatre", **params})
    assert page.status_code == 200
    assert "Vouliez-vous dire" not in page.body
    assert "voici les résultats pour" not in page.body
    assert "/dataset/cadastre-0" not in page.body
    # without the filter, the suggestion is offered
    page = app.get("/dataset/", query_string={"q": "cadatre", "ext_poitiers_exact": "1"})
    assert "Vouliez-vous dire" in page.body and "cadastre" in page.body


def test_the_suggestion_link_keeps_the_filters_and_the_sort(other_organisation, app):
    page = app.get("/dataset/", query_string=[
        ("q", "electoins"), ("organization", "ville-de-poitiers"), ("tags", "vote"),
        ("sort", "title_string asc"), ("ext_poitiers_exact", "1")])
    assert "Vouliez-vous dire" in page.body
    [link] = _links(page.body, "poitiers-suggestion-link")
    from urllib.parse import parse_qsl, urlsplit

    parts = urlsplit(link)
    assert parts.path == "/dataset/"
    assert sorted(parse_qsl(parts.query)) == sorted([
        ("q", "élections"), ("organization", "ville-de-poitiers"), ("tags", "vote"),
        ("sort", "title_string asc")])
    # and it leads to the datasets the filtered page shows
    followed = app.get(link)
    assert "/dataset/elections-municipales" in followed.body


def test_the_exact_search_link_of_a_correction_keeps_the_filters(other_organisation, app):
    page = app.get("/dataset/", query_string={"q": "electoins",
                                               "organization": "ville-de-poitiers"})
    assert "voici les résultats pour «\u00a0élections\u00a0»" in page.body
    [link] = _links(page.body, "poitiers-exact-link")
    from urllib.parse import parse_qsl, urlsplit

    assert sorted(parse_qsl(urlsplit(link).query)) == sorted([
        ("q", "electoins"), ("organization", "ville-de-poitiers"), ("ext_poitiers_exact", "1")])


def test_the_suggestion_of_a_private_word_stays_hidden_on_a_filtered_page(datasets, app):
    # the permission labels still apply within the filters
    page = app.get("/dataset/", query_string={"q": "zephyrinde",
                                               "organization": "ville-de-poitiers",
                                               "ext_poitiers_exact": "1"})
    assert "Vouliez-vous dire" not in page.body
    assert "phyrinade" not in page.body


@pytest.mark.usefixtures("datasets")
def test_the_page_asks_the_spellchecker_once(monkeypatch, app):
    # the page shows the suggestion its own search computed: no second search and spellcheck
    asked = dictionaries_asked(monkeypatch)
    page = app.get("/dataset/", query_string={"q": "electoins", "ext_poitiers_exact": "1"})
    assert "Vouliez-vous dire" in page.body
    assert asked == ["near"]


# ---------------------------------------------------------------------------------------------
# A query too long for Solr, shortened: the page says so
# ---------------------------------------------------------------------------------------------
@pytest.mark.usefixtures("datasets")
def test_a_shortened_search_says_so_and_to_which_words(app):
    import html
    import re

    q = "Résultats des élections municipales " + "vote " * 400
    result = search(q)
    words = result["poitiers_shortened_to"]
    assert q.startswith(words) and 1 <= len(words.split()) < len(q.split())
    page = app.get("/dataset/", query_string={"q": q})
    notice = re.search(r'<p class="poitiers-suggestion poitiers-shortened" role="status">(.*?)</p>',
                       page.body, re.S)
    assert notice, "no notice of the shortened search"
    # white space collapsed, no-break spaces kept
    text = re.sub(r"[ \t\r\n]+", " ",
                  html.unescape(re.sub(r"<[^>]+>", " ", notice.group(1)))).strip()
    assert text.startswith("Recherche raccourcie\u00a0:")
    assert f"«\u00a0{words}\u00a0»" in text
    # a search Solr accepts is not shortened and says nothing
    assert "poitiers_shortened_to" not in search("élections")
    page = app.get("/dataset/", query_string={"q": "élections"})
    assert "poitiers-shortened" not in page.body
