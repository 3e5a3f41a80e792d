"""The corrections of searches that found nothing, kept a minute per process (docs/search.md).

Solr's own count of the requests its spellchecker answered (its metrics API) tells whether a
search asked it again."""
from __future__ import annotations

import pytest
import requests
from ckan.plugins import toolkit
from ckan.tests import factories, helpers

from ckanext.poitiers import search as poitiers_search
from tests.search.conftest import REQUIRED


# -- the cache alone --------------------------------------------------------------------------
def test_an_entry_is_kept_until_it_expires():
    cache = poitiers_search.SuggestionCache()
    cache.put(("core", "electoins"), "élections", expires=10.0)
    assert cache.get(("core", "electoins"), now=9.9) == (True, "élections")
    assert cache.get(("core", "electoins"), now=10.0) == (False, None)
    assert len(cache) == 0  # the expired entry is gone


def test_no_correction_is_an_answer_kept_too():
    cache = poitiers_search.SuggestionCache()
    cache.put(("core", "zzzz"), None, expires=10.0)
    assert cache.get(("core", "zzzz"), now=1.0) == (True, None)
    assert cache.get(("core", "other"), now=1.0) == (False, None)


def test_a_full_cache_forgets_its_oldest_entry():
    cache = poitiers_search.SuggestionCache(size=2)
    cache.put(("a",), "1", expires=10.0)
    cache.put(("b",), "2", expires=10.0)
    cache.put(("a",), "1bis", expires=10.0)  # replacing an entry takes no room
    cache.put(("c",), "3", expires=10.0)
    assert len(cache) == 2
    assert cache.get(("a",), now=0.0) == (False, None)
    assert cache.get(("b",), now=0.0) == (True, "2")
    assert cache.get(("c",), now=0.0) == (True, "3")


def test_a_solr_that_does_not_answer_is_asked_again_next_time():
    poitiers_search.suggestions.clear()
    # a closed port: nothing kept, so the next search asks again
    assert poitiers_search.cached_spelling_suggestion(
        "http://127.0.0.1:9/solr/ckan", "electoins", [], seconds=60, timeout=2) is None
    assert len(poitiers_search.suggestions) == 0


def test_a_solr_that_does_not_answer_gives_no_index_version():
    assert poitiers_search.index_version("http://127.0.0.1:9/solr/ckan", timeout=2) is None


# -- on the real Solr -------------------------------------------------------------------------
def solr_requests(handler: str) -> int:
    """How many requests a handler of the core (/spell: Solr's spellchecker, /select: the
    searches of package_search) answered."""
    core_url = toolkit.config["solr_url"].rstrip("/")
    base, core = core_url.rsplit("/", 1)
    metric = f"QUERY.{handler}.requests"
    answer = requests.get(f"{base}/admin/metrics", timeout=10, params={
        "group": "core", "prefix": metric, "wt": "json"}).json()
    return answer["metrics"][f"solr.core.{core}"][metric]


def spell_requests() -> int:
    return solr_requests("/spell")


@pytest.fixture
def org(clean_db, clean_index):
    owner = factories.User()
    org = factories.Organization(name="ville-de-poitiers",
                                 users=[{"name": owner["name"], "capacity": "admin"}])
    return {"owner": owner["name"], "id": org["id"]}


def make(org, name, title, private=False, tags=()):
    return helpers.call_action(
        "package_create", context={"user": org["owner"]}, **REQUIRED, name=name, title=title,
        notes="Jeu de test.", owner_org=org["id"], license_id="lov2", private=private,
        tags=[{"name": t} for t in tags])


def search(q, user=""):
    return helpers.call_action("package_search", context={"user": user, "ignore_auth": False},
                               q=q, include_private=True)


@pytest.mark.integration
@pytest.mark.usefixtures("with_plugins")
def test_the_same_empty_search_asked_again_does_not_ask_the_spellchecker_again(org):
    make(org, "elections-municipales", "Résultats des élections municipales")
    before = spell_requests()
    first = search("electoins")
    asked_first = spell_requests() - before
    again = search("electoins")
    assert asked_first >= 1
    assert spell_requests() - before == asked_first  # nothing more asked
    for result in (first, again):
        assert result["poitiers_corrected_to"] == "élections"
        assert [d["name"] for d in result["results"]] == ["elections-municipales"]


@pytest.mark.integration
@pytest.mark.usefixtures("with_plugins")
@pytest.mark.ckan_config("ckanext.poitiers.search.suggestion_cache_seconds", "0")
def test_with_no_cache_every_empty_search_asks_the_spellchecker(org):
    make(org, "elections-municipales", "Résultats des élections municipales")
    before = spell_requests()
    search("electoins")
    once = spell_requests() - before
    search("electoins")
    assert once >= 1
    assert spell_requests() - before == 2 * once


@pytest.mark.integration
@pytest.mark.usefixtures("with_plugins")
def test_a_dataset_created_meanwhile_is_found_by_the_next_correction(org):
    make(org, "velo-stations", "Stations vélo")
    assert "poitiers_corrected_to" not in search("electoins")  # nothing close: kept as such
    make(org, "elections-municipales", "Résultats des élections municipales")
    assert search("electoins")["poitiers_corrected_to"] == "élections"


@pytest.mark.integration
@pytest.mark.usefixtures("with_plugins")
def test_a_dataset_deleted_meanwhile_is_not_offered(org):
    make(org, "velo-stations", "Stations vélo")
    pkg = make(org, "elections-municipales", "Résultats des élections municipales")
    assert search("electoins")["poitiers_corrected_to"] == "élections"
    helpers.call_action("package_delete", context={"user": org["owner"]}, id=pkg["id"])
    result = search("electoins")
    assert result["count"] == 0
    assert "poitiers_corrected_to" not in result
    assert "poitiers_suggestion" not in result


@pytest.mark.integration
@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("member_first", [True, False])
def test_a_correction_of_a_member_is_never_given_to_a_visitor(org, member_first):
    make(org, "velo-stations", "Stations vélo")
    make(org, "marches-zephyrinade", "Marchés confidentiels Zéphyrinade", private=True,
         tags=["zéphyrinade"])
    searches = [("member", org["owner"]), ("visitor", "")]
    if not member_first:
        searches.reverse()
    seen = {who: search("zephirinade", user=user) for who, user in searches}
    assert seen["member"]["poitiers_corrected_to"] == "zéphyrinade"
    assert [d["name"] for d in seen["member"]["results"]] == ["marches-zephyrinade"]
    assert seen["visitor"]["count"] == 0
    assert "poitiers_corrected_to" not in seen["visitor"]
    assert "poitiers_suggestion" not in seen["visitor"]


# -- a search known to find nothing goes straight to its correction ---------------------------
def names(result):
    return [d["name"] for d in result["results"]]


@pytest.mark.integration
@pytest.mark.usefixtures("with_plugins")
def test_an_empty_search_asked_again_is_not_made_again(org):
    make(org, "elections-municipales", "Résultats des élections municipales")
    before = solr_requests("/select")
    first = search("electoins")
    made_first = solr_requests("/select") - before
    before = solr_requests("/select")
    again = search("electoins")
    assert made_first >= 2  # the search, then its correction's
    assert solr_requests("/select") - before == made_first - 1  # the correction's only
    assert again["poitiers_corrected_from"] == "electoins"
    assert again["poitiers_corrected_to"] == first["poitiers_corrected_to"] == "élections"
    assert names(again) == names(first) == ["elections-municipales"]
    assert again["count"] == first["count"] == 1


@pytest.mark.integration
@pytest.mark.usefixtures("with_plugins")
@pytest.mark.ckan_config("ckanext.poitiers.search.suggestion_cache_seconds", "0")
def test_with_no_cache_an_empty_search_is_made_each_time(org):
    make(org, "elections-municipales", "Résultats des élections municipales")
    before = solr_requests("/select")
    search("electoins")
    once = solr_requests("/select") - before
    search("electoins")
    assert solr_requests("/select") - before == 2 * once


@pytest.mark.integration
@pytest.mark.usefixtures("with_plugins")
def test_a_dataset_indexed_by_another_process_is_found_at_once(org):
    make(org, "elections-municipales", "Résultats des élections municipales")
    assert search("electoins")["poitiers_corrected_to"] == "élections"
    # another process (a harvest consumer) indexes a dataset that the typo finds: this
    # process's cache is not emptied by it (simulated: the cache is put back as it was)
    kept = poitiers_search.suggestions
    entries, queries = dict(kept._entries), set(kept._empty_queries)
    make(org, "electoins-agenda", "Agenda des electoins partielles")
    kept._entries.update(entries)
    kept._empty_queries |= queries
    result = search("electoins")
    assert "poitiers_corrected_to" not in result  # the index changed: the search is made
    assert names(result) == ["electoins-agenda"]


@pytest.mark.integration
@pytest.mark.usefixtures("with_plugins")
def test_a_visitor_s_empty_search_is_not_a_member_s(org):
    make(org, "elections-municipales", "Résultats des élections municipales")
    # the typo is in the address (name) of a private dataset only: searched (CKAN's text
    # field), not in the spelling dictionary (titles, descriptions, keywords)
    make(org, "electoins-internes", "Notes internes", private=True)
    for _ in range(2):  # kept, then asked again
        visitor = search("electoins")
        assert visitor["poitiers_corrected_to"] == "élections"
        assert names(visitor) == ["elections-municipales"]
    member = search("electoins", user=org["owner"])
    assert "poitiers_corrected_to" not in member
    assert names(member) == ["electoins-internes"]
