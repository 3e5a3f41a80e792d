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


# -- on the real Solr -------------------------------------------------------------------------
def spell_requests() -> int:
    """How many requests Solr's spellchecker (the /spell handler of the core) answered."""
    core_url = toolkit.config["solr_url"].rstrip("/")
    base, core = core_url.rsplit("/", 1)
    answer = requests.get(f"{base}/admin/metrics", timeout=10, params={
        "group": "core", "prefix": "QUERY./spell.requests", "wt": "json"}).json()
    return answer["metrics"][f"solr.core.{core}"]["QUERY./spell.requests"]


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
