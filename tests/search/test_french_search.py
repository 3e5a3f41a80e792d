"""French search on the real Solr with our schema: each case of the issue is a test."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import factories, helpers

from tests.search.conftest import REQUIRED, solr_docs

pytestmark = [pytest.mark.integration,
              pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")]


@pytest.fixture
def org():
    return factories.Organization(name="ville-de-poitiers", title="Ville de Poitiers")


@pytest.fixture
def make(org):
    admin = factories.Sysadmin()

    def _make(name, title, notes="", tags=(), **extra):
        data = {**REQUIRED, "name": name, "title": title, "notes": notes, "owner_org": org["id"],
                "license_id": "lov2", "tags": [{"name": t} for t in tags]}
        data.update(extra)
        return helpers.call_action("package_create", context={"user": admin["name"]}, **data)

    return _make


def names(q, **kwargs):
    result = helpers.call_action("package_search", q=q, **kwargs)
    return [d["name"] for d in result["results"]]


def test_our_schema_is_live():
    from ckanext.poitiers.plugins.search import live_schema_kind

    assert live_schema_kind() == "poitiers"


def test_elections_with_accent_and_plural_finds_election(make):
    make("presidentielle-2022", "Résultats de l'election présidentielle 2022",
         "Résultats par bureau.")
    make("budget-2024", "Budget primitif 2024", "Budget de la ville.")
    assert names("élections") == ["presidentielle-2022"]
    assert names("ELECTIONS") == ["presidentielle-2022"]


def test_elision_l_energie_finds_energie(make):
    make("conso-batiments", "Consommation d'énergie des bâtiments communaux",
         "Électricité et gaz, par bâtiment.")
    make("arbres", "Arbres d'alignement", "Inventaire du patrimoine arboré.")
    assert names("l'énergie") == ["conso-batiments"]
    assert names("l’energie") == ["conso-batiments"]  # typographic apostrophe, no accent


def test_bus_finds_vitalis_through_the_civic_synonyms(make):
    make("vitalis-gtfs", "Réseau Vitalis : horaires théoriques",
         "Arrêts, lignes et horaires du réseau Vitalis.")
    make("parkings", "Parkings en ouvrage", "Capacité des parkings.")
    assert names("bus") == ["vitalis-gtfs"]
    assert names("transports en commun") == ["vitalis-gtfs"]


@pytest.mark.parametrize(("query", "expected"), [
    ("déchets", "collecte-om"),       # synonym: ordures ménagères
    ("stationnement", "parkings"),    # synonym: parking
    ("délib", "deliberations"),       # abbreviation
    ("PLU", "plan-urbanisme"),        # sigle → urbanisme
])
def test_civic_synonyms(make, query, expected):
    make("collecte-om", "Jours de collecte des ordures ménagères", "Calendrier par rue.")
    make("parkings", "Parkings en ouvrage", "Capacité des parkings.")
    make("deliberations", "Délibérations du conseil municipal", "Actes depuis 2014.")
    make("plan-urbanisme", "Zonage de l'urbanisme", "Règlement graphique.")
    assert names(query)[:1] == [expected]


def test_commune_name_finds_datasets_covering_its_insee_code(make):
    # nothing in the text says Chauvigny: only the INSEE code 86070 in `communes`
    make("chauvigny-eclairage", "Points lumineux de l'éclairage public", "Inventaire.",
         communes=["86070"])
    make("poitiers-eclairage", "Points lumineux", "Inventaire.", communes=["86194"])
    assert names("Chauvigny") == ["chauvigny-eclairage"]
    # with another word the commune ranks first ("points lumineux" is a synonym of éclairage)
    assert names("éclairage chauvigny") == ["chauvigny-eclairage", "poitiers-eclairage"]
    doc = solr_docs(tk.config["solr_url"], "name:chauvigny-eclairage")[0]
    assert doc["communes"] == ["86070"]
    # and a theme label ("Mobilité et transports" for poitiers_theme mobilite)
    make("trafic", "Comptages routiers", "Trafic.", poitiers_theme=["mobilite"])
    assert names("mobilité") == ["trafic"]


def test_minimum_match_is_ckans_rule_not_every_word(make):
    # three words: one may be missing (CKAN's mm "2<-1 5<80%"), best match first
    make("arrets-buxerolles", "Arrêts du réseau Vitalis", "Arrêts desservis.",
         communes=["86041"])
    make("arrets-poitiers", "Arrêts du réseau Vitalis", "Arrêts desservis.",
         communes=["86194"])
    assert names("arrêts de bus Buxerolles") == ["arrets-buxerolles", "arrets-poitiers"]
    # two words: both are needed
    assert names("arrêts piscine") == []


def test_a_commune_named_with_other_words_ranks_its_datasets_first(make):
    # "défibrillateur Ligugé": Ligugé's defibrillators first, then those of the other
    # communes; Ligugé's other datasets are not found (the topic word stays required)
    make("dae-poitiers", "Défibrillateurs automatisés externes de Poitiers", "DAE.",
         communes=["86194"])
    make("dae-liguge", "Défibrillateurs automatisés externes", "DAE.", communes=["86133"])
    make("budget-liguge", "Budget primitif", "Budget de la commune.", communes=["86133"])
    assert names("defibrillateur Ligugé") == ["dae-liguge", "dae-poitiers"]
    assert names("défibrillateurs Poitiers") == ["dae-poitiers", "dae-liguge"]
    # a commune with nothing on that topic: the topic's datasets are still found
    assert set(names("défibrillateurs Chauvigny")) == {"dae-poitiers", "dae-liguge"}
    # a commune name alone finds that commune's datasets only
    assert set(names("Ligugé")) == {"dae-liguge", "budget-liguge"}


def test_plurals_and_singulars(make):
    make("velos-comptages", "Comptages de vélos", "Compteurs sur les pistes.")
    make("parking-relais", "Parking relais de la gare", "Places disponibles.")
    assert names("vélo") == ["velos-comptages"]
    assert names("parkings relais") == ["parking-relais"]


def test_accents_or_not(make):
    make("deliberations", "Délibérations du conseil municipal", "Actes depuis 2014.")
    make("equipements", "Équipements sportifs", "Gymnases, stades, piscines.")
    assert names("deliberations") == ["deliberations"]
    assert names("equipements sportifs") == ["equipements"]
    assert names("ÉQUIPEMENTS") == ["equipements"]


def test_title_outranks_keywords_outranks_description(make):
    # every dataset has keywords, as on the portal (field statistics comparable)
    make("c-description", "Inventaire", "Les arbres de la ville, arbre par arbre.",
         tags=["nature"])
    make("b-keyword", "Inventaire communal", "Patrimoine végétal.", tags=["arbres"])
    make("a-title", "Arbres", "Patrimoine végétal de la commune.", tags=["nature"])
    assert names("arbres") == ["a-title", "b-keyword", "c-description"]


def test_phrase_boost_puts_the_exact_phrase_first(make):
    make("separes", "Conseil des jeunes : procès-verbaux",
         "Procès-verbaux du conseil, rédigés par la direction municipale.")
    make("phrase", "Procès-verbaux du conseil municipal", "Procès-verbaux depuis 2014.")
    assert names("proces-verbaux conseil municipal")[:1] == ["phrase"]


def test_vocabulary_fields_are_real_multi_valued_solr_fields(make):
    theme = "http://publications.europa.eu/resource/authority/data-theme/"
    make("mobilite", "Comptages routiers", "Trafic.", theme=[theme + "TRAN", theme + "ENVI"])
    doc = solr_docs(tk.config["solr_url"], "name:mobilite")[0]
    assert sorted(doc["theme"]) == [theme + "ENVI", theme + "TRAN"]
    # and filterable value by value
    assert names("", fq=f'theme:"{theme}ENVI"') == ["mobilite"]


def test_ckan_fielded_queries_and_facets_keep_working(make):
    make("velos-comptages", "Comptages de vélos", "Compteurs.", tags=["vélo", "mobilité"])
    make("budget", "Budget primitif", "Budget.", tags=["finances"])
    assert names("tags:finances") == ["budget"]
    assert names("name:velos-comptages") == ["velos-comptages"]
    result = helpers.call_action("package_search", q="*:*", facet="true",
                                 **{"facet.field": '["tags", "organization"]'})
    assert result["facets"]["tags"] == {"vélo": 1, "mobilité": 1, "finances": 1}
    assert result["facets"]["organization"] == {"ville-de-poitiers": 2}
    # sorting by CKAN's own fields
    result = helpers.call_action("package_search", q="", sort="title_string asc")
    assert [d["name"] for d in result["results"]] == ["budget", "velos-comptages"]


def test_private_dataset_stays_hidden_from_french_search(make, org):
    make("registre", "Registre des délibérations confidentielles", "Interne.", private=True)
    anonymous = helpers.call_action("package_search", context={"user": "", "ignore_auth": False},
                                    q="délibérations", include_private=True)
    assert anonymous["count"] == 0


def test_search_page_is_french_too(app, make):
    make("vitalis-gtfs", "Réseau Vitalis : horaires théoriques", "Lignes de bus.")
    page = app.get("/dataset/", query_string={"q": "autobus"})
    assert page.status_code == 200
    assert "Réseau Vitalis" in page.body


def test_doctor_says_our_schema_is_live(ckan_config):
    from ckanext.poitiers import doctor

    solr = next(c for c in doctor.check_solr(ckan_config, 5) if c.name == "Solr")
    assert "ckan-2.11" in solr.message
    assert "Poitiers schema with French analysis" in solr.message
    assert not [c for c in doctor.check_solr(ckan_config, 5) if c.failed]


@pytest.mark.parametrize("q", ["(", '"', "l'", "vélo AND", "le", "de la", "***", "-", "é" * 300])
def test_odd_free_text_never_breaks_search(make, q):
    make("velos-comptages", "Comptages de vélos", "Compteurs.")
    result = helpers.call_action("package_search", q=q)
    assert result["count"] in (0, 1)


def page_names(app, q, **params):
    """The datasets the search page lists, in order."""
    import re

    page = app.get("/dataset/", query_string={"q": q, **params})
    assert page.status_code == 200
    listing = page.body.split('class="dataset-list', 1)
    if len(listing) < 2:
        return []
    body = listing[1].split("</ul>", 1)[0]
    return list(dict.fromkeys(re.findall(r'href="/dataset/([a-z0-9_-]+)"', body)))


def test_the_french_cases_work_from_the_search_page(app, make):
    make("presidentielle", "Résultats de l'election présidentielle", "Par bureau.",
         tags=["vote"])
    make("conso-batiments", "Consommation d'énergie des bâtiments communaux", "Gaz.",
         tags=["énergie"])
    make("vitalis-gtfs", "Réseau Vitalis : horaires théoriques", "Arrêts et lignes.",
         tags=["transport"])
    make("dae-poitiers", "Défibrillateurs automatisés externes de Poitiers", "DAE.",
         communes=["86194"], tags=["santé"])
    make("dae-liguge", "Défibrillateurs automatisés externes", "DAE.", communes=["86133"],
         tags=["santé"])
    make("eclairage-chauvigny", "Points lumineux", "Inventaire.", communes=["86070"],
         tags=["éclairage"])
    make("c-description", "Inventaire", "Les arbres de la ville.", tags=["nature"])
    make("b-keyword", "Inventaire communal", "Patrimoine végétal.", tags=["arbres"])
    make("a-title", "Arbres", "Patrimoine végétal de la commune.", tags=["nature"])
    assert page_names(app, "ELECTIONS") == ["presidentielle"]          # accents, plural
    assert page_names(app, "l’energie") == ["conso-batiments"]         # elision
    assert page_names(app, "autobus") == ["vitalis-gtfs"]              # synonyms file
    assert page_names(app, "Chauvigny") == ["eclairage-chauvigny"]     # INSEE 86070
    assert page_names(app, "défibrillateur Ligugé") == ["dae-liguge", "dae-poitiers"]
    assert page_names(app, "arbres") == ["a-title", "b-keyword", "c-description"]  # boosts
    # with a filter of the page (facet) and a sort chosen by the visitor
    assert page_names(app, "défibrillateurs", tags="santé",
                      sort="title_string asc") == ["dae-liguge", "dae-poitiers"]
    # a typo that finds nothing shows the results of its correction on the page
    assert page_names(app, "electoins") == ["presidentielle"]
