"""A harvested record whose dataset-level address the dataset schema refuses (a source page
without scheme, a publisher's website in ``javascript:``, a contact email that is not one, an
agent URI that is a URN…) is imported without that field, not refused as a whole: the field is
left empty and a French note naming it (its label) and its value is an error of the record on
the job report, written only when the dataset is. Pure tests of the rule, then each harvester
through the real path (local HTTP server, ckanext-harvest, PostgreSQL, Solr)."""
from __future__ import annotations

import copy

import pytest
from ckan.plugins import get_plugin, toolkit

from ckanext.poitiers import rules, validators
from ckanext.poitiers.harvesters import base
from ckanext.poitiers.harvesters.base import address_fields, without_unusable_values
from ckanext.poitiers.harvesters.common_mapping import (
    MAX_DROPPED_NAMED,
    AddressField,
    usable_addresses,
)
from tests.harvest.conftest import AGENDA_SEARCH, first_harvest, serve_agenda, serve_transport
from tests.harvest.datafair_server import Catalogue
from tests.harvest.datafair_server import load_records as datafair_records
from tests.harvest.test_datafair_harvest import PARKINGS, VERRE, VITALIS, datasets
from tests.harvest.test_openagenda import load as load_agenda
from tests.harvest.test_transport import records as transport_records
from tests.harvest.test_unusable_resources import (
    assert_reruns_write_nothing,
    harvest_udata,
    job_notes,
    job_stats,
)

BAD_WEB = [
    "javascript:alert(document.cookie)", "JavaScript:alert(1)", "data:text/html,<b>x</b>",
    "file:///srv/sig/index.html", "ftp://ftp.exemple.fr/page", "urn:siren:200069854",
    "www.poitiers.fr/donnees", "//www.poitiers.fr/donnees", "https://", "http://exemple.fr/a b",
    "http://[::1/x", "http://exemple.fr:99999/x", "https://exemple.fr/" + "x" * 8000,
]
GOOD_WEB = ["https://www.poitiers.fr/donnees", "HTTP://EXEMPLE.fr/A", "  https://exemple.fr/  "]
BAD_EMAIL = ["sig(at)grandpoitiers.fr", "pas une adresse", "sig@grandpoitiers", "@poitiers.fr",
             "sig@@poitiers.fr", "mailto:", "a" * 250 + "@poitiers.fr", "sig@poitiers.fr, x@y.fr"]
GOOD_EMAIL = ["sig@grandpoitiers.fr", "mailto:sig@grandpoitiers.fr", "MAILTO:o'brien@exemple.fr",
              "  prenom.nom+donnees@ville-poitiers.fr  "]

PAGE = "Page d’origine"
EU_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
CONTACT_EMAIL = "Point de contact › Courriel"


# -- the rule (pure) ----------------------------------------------------------------------------
@pytest.mark.parametrize("value", BAD_WEB)
def test_the_rule_refuses_what_is_not_a_web_address(value):
    assert rules.web_address_fault(value)
    assert rules.address_fault(rules.WEB_ADDRESS, value) == rules.web_address_fault(value)


@pytest.mark.parametrize("value", GOOD_WEB)
def test_the_rule_accepts_web_addresses(value):
    assert rules.web_address_fault(value) is None


@pytest.mark.parametrize("value", BAD_EMAIL)
def test_the_rule_refuses_what_is_not_an_email_address(value):
    assert rules.email_fault(value) == rules.EMAIL_INVALID
    assert rules.address_fault(rules.EMAIL, value) == rules.EMAIL_INVALID


@pytest.mark.parametrize("value", GOOD_EMAIL)
def test_the_rule_accepts_email_addresses(value):
    assert rules.email_fault(value) is None


def test_empty_is_no_fault_and_another_type_is_one():
    for kind in (rules.WEB_ADDRESS, rules.EMAIL):
        assert [rules.address_fault(kind, v) for v in (None, "", "  \u00a0", [])] == [None] * 4
        assert rules.address_fault(kind, ["https://exemple.fr"])
        assert rules.address_fault(kind, {"href": "https://exemple.fr"})
        assert rules.address_fault(kind, 12)


def test_the_schema_validators_apply_the_same_rule(with_request_context):
    """The schema refuses exactly what the harvesters leave out."""
    for value in BAD_WEB + GOOD_WEB + BAD_EMAIL + GOOD_EMAIL:
        for validator, fault in ((validators.poitiers_url, rules.web_address_fault),
                                 (validators.poitiers_email, rules.email_fault)):
            try:
                validator(value, {})
                refused = False
            except toolkit.Invalid:
                refused = True
            assert refused == bool(fault(value)), (validator.__name__, value)
    assert validators.poitiers_email(" mailto:sig@grandpoitiers.fr ", {}) == \
        "sig@grandpoitiers.fr"


FIELDS = [
    AddressField("url", None, rules.WEB_ADDRESS, PAGE),
    AddressField("publisher", "url", rules.WEB_ADDRESS, "Éditeur › Site web"),
    AddressField("contact", "email", rules.EMAIL, CONTACT_EMAIL),
]


def test_unusable_addresses_are_left_empty_with_a_french_note():
    package = {
        "title": "Bornes",
        "url": "www.poitiers.fr/bornes",
        "publisher": [{"name": "Grand Poitiers", "url": "javascript:alert(1)"}],
        "contact": [{"name": "Service SIG", "email": "sig(at)grandpoitiers.fr"},
                    {"email": "mailto:dechets@grandpoitiers.fr"},
                    {"email": "pas une adresse"}],
        "resources": [{"url": "https://exemple.fr/bornes.csv"}],
    }
    original = copy.deepcopy(package)
    kept, notes = usable_addresses(package, FIELDS)
    assert package == original  # the caller's dict is not changed
    assert kept == {
        "title": "Bornes",
        "url": "",  # empty, so that an update empties it too
        "publisher": [{"name": "Grand Poitiers"}],
        # a group left with nothing is taken out of its list
        "contact": [{"name": "Service SIG"}, {"email": "mailto:dechets@grandpoitiers.fr"}],
        "resources": [{"url": "https://exemple.fr/bornes.csv"}],
    }
    assert notes == [
        "le champ «\u00a0Page d’origine\u00a0» n’est pas importé\u00a0: "
        "«\u00a0www.poitiers.fr/bornes\u00a0» n’est pas une adresse web commençant par http:// ou "
        "https://\u00a0; le jeu de données est importé sans ce champ.",
        "le champ «\u00a0Éditeur › Site web\u00a0» n’est pas importé\u00a0: "
        "«\u00a0javascript:alert(1)\u00a0» n’est pas une adresse web commençant par http:// ou "
        "https://\u00a0; le jeu de données est importé sans ce champ.",
        "le champ «\u00a0Point de contact › Courriel (n° 1)\u00a0» n’est pas importé\u00a0: "
        "«\u00a0sig(at)grandpoitiers.fr\u00a0» n’est pas une adresse électronique valide\u00a0; le "
        "jeu de données est importé sans ce champ.",
        "le champ «\u00a0Point de contact › Courriel (n° 3)\u00a0» n’est pas importé\u00a0: "
        "«\u00a0pas une adresse\u00a0» n’est pas une adresse électronique valide\u00a0; le jeu de "
        "données est importé sans ce champ.",
    ]


def test_long_and_malformed_addresses_are_named_briefly():
    kept, notes = usable_addresses({"url": "https://exemple.fr/" + "x" * 9000}, FIELDS)
    assert kept == {"url": ""}
    assert notes == ["le champ «\u00a0Page d’origine\u00a0» n’est pas importé\u00a0: son adresse "
                     "dépasse 8\u202f000 caractères\u00a0; le jeu de données est importé sans ce "
                     "champ."]
    [note] = usable_addresses({"url": "http://[::1/" + "y" * 500}, FIELDS)[1]
    assert "n’est pas une adresse web valide (crochets ou port)" in note
    assert "«\u00a0http://[::1/yyy" in note and "…\u00a0»" in note and len(note) < 300
    [note] = usable_addresses({"contact": [{"email": "z" * 400}]}, FIELDS)[1]
    assert note.startswith("le champ «\u00a0Point de contact › Courriel\u00a0» n’est pas "
                           "importé\u00a0: «\u00a0zzz")
    assert "…\u00a0»" in note and len(note) < 300


def test_many_unusable_addresses_are_counted():
    contacts = [{"name": f"Service {n}", "email": f"service{n}(at)poitiers.fr"}
                for n in range(8)]
    kept, notes = usable_addresses({"contact": contacts}, FIELDS)
    assert kept == {"contact": [{"name": f"Service {n}"} for n in range(8)]}
    assert len(notes) == MAX_DROPPED_NAMED + 1
    assert notes[-1] == ("3 autres champs ne sont pas importés\u00a0: leurs adresses ne sont pas "
                         "des adresses que le schéma accepte.")


def test_good_empty_and_required_addresses_are_left_as_they_are():
    package = {"url": "https://www.poitiers.fr", "publisher": [{"name": "Ville", "url": ""}],
               "contact": [{"email": "sig@grandpoitiers.fr"}, "not a group"]}
    assert usable_addresses(package, FIELDS) == (package, [])
    assert usable_addresses({}, FIELDS) == ({}, [])
    # a required field is never left empty: the schema refuses the record, in French
    required = [AddressField("url", None, rules.WEB_ADDRESS, PAGE, required=True)]
    assert usable_addresses({"url": "javascript:x"}, required) == ({"url": "javascript:x"}, [])


# -- through the real path ----------------------------------------------------------------------
@pytest.mark.integration
def test_the_address_fields_are_read_from_the_dataset_schema(harvest_env):
    found = {(f.field, f.subfield): (f.kind, f.label, f.required) for f in address_fields()}
    web, email = rules.WEB_ADDRESS, rules.EMAIL
    assert found == {
        ("publisher", "uri"): (web, "Éditeur › URI", False),
        ("publisher", "email"): (email, "Éditeur › Courriel", False),
        ("publisher", "url"): (web, "Éditeur › Site web", False),
        ("contact", "email"): (email, CONTACT_EMAIL, False),
        ("contact", "uri"): (web, "Point de contact › URI", False),
        ("contact", "url"): (web, "Point de contact › Page de contact", False),
        ("url", None): (web, PAGE, False),
    }
    assert address_fields("no-such-type") == []


@pytest.mark.integration
def test_the_address_fields_are_worked_out_once_per_loaded_schema(harvest_env, monkeypatch):
    from ckanext.scheming.plugins import SchemingDatasetsPlugin

    worked_out = []
    real = base.schema_address_fields
    monkeypatch.setattr(base, "_ADDRESS_FIELDS", {})
    monkeypatch.setattr(base, "schema_address_fields",
                        lambda schema, kind: worked_out.append(kind) or real(schema, kind))
    first = address_fields()
    assert [address_fields() for _n in range(3)] == [first] * 3
    assert worked_out == ["dataset"]  # read once, not for every record
    # another schema loaded (a new configuration, the portal started again): read again
    schemas = SchemingDatasetsPlugin.instance._expanded_schemas
    changed = copy.deepcopy(schemas["dataset"])
    [url] = [f for f in changed["dataset_fields"] if f["field_name"] == "url"]
    url["validators"] = "ignore_missing unicode_safe"  # the source page no longer checked
    monkeypatch.setitem(schemas, "dataset", changed)
    assert [(f.field, f.subfield) for f in address_fields()] == [
        (f.field, f.subfield) for f in first if f.field != "url"]
    assert worked_out == ["dataset", "dataset"]
    assert address_fields("no-such-type") == []


@pytest.mark.integration
def test_the_values_the_schema_refuses_are_left_out_of_a_copy(harvest_env):
    mapped = {
        "title": "Bornes", "url": "www.poitiers.fr/bornes",
        "resources": [{"name": "Plan", "url": "file:///C:/SIG/plan.qgz"},
                      {"name": "Bornes (CSV)", "url": "https://exemple.fr/bornes.csv"}],
    }
    original = copy.deepcopy(mapped)
    package, notes = without_unusable_values(mapped)
    assert mapped == original  # the caller's dict is not changed
    assert package == {"title": "Bornes", "url": "",
                       "resources": [{"name": "Bornes (CSV)",
                                      "url": "https://exemple.fr/bornes.csv"}]}
    assert len(notes) == 2
    assert f"«\u00a0{PAGE}\u00a0»" in notes[0] and "«\u00a0Plan\u00a0»" in notes[1]
    usable = {"title": "Bornes", "url": "https://www.poitiers.fr/bornes",
              "resources": original["resources"][1:]}
    assert without_unusable_values(usable) == (usable, [])


def original_urls(job) -> dict:
    """guid → the link to the original record that the job report gives (None: no link)."""
    report = toolkit.get_action("harvest_job_report")({"ignore_auth": True}, {"id": job.id})
    return {o["guid"]: o.get("original_url") for o in report["object_errors"].values()}


@pytest.mark.integration
def test_datafair_source_pages_the_schema_refuses_are_left_empty(httpserver, make_runner):
    records = datafair_records()
    by_slug = {r["slug"]: r for r in records}
    by_slug[VERRE]["page"] = "javascript:alert(document.cookie)"
    by_slug[PARKINGS]["page"] = "data.grandpoitiers.fr/datasets/parkings"
    by_slug[VITALIS]["page"] = "https://data.grandpoitiers.fr/datasets/vitalis"
    api = Catalogue(records).install(httpserver)
    runner = make_runner(get_plugin("poitiers_datafair_harvester"), api)
    job, _results = runner.run()
    found = datasets(runner.source.id)
    assert sorted(found) == sorted(by_slug)  # before, both records were refused
    assert found[VERRE].get("url", "") == "" and found[PARKINGS].get("url", "") == ""
    assert found[VERRE]["title"] and found[VERRE]["resources"]  # everything else is there
    assert found[VITALIS]["url"] == "https://data.grandpoitiers.fr/datasets/vitalis"
    notes = job_notes(job)
    assert sorted(notes) == sorted([
        f"Enregistrement {api}/datasets/{by_slug[VERRE]['id']}\u00a0: le champ "
        f"«\u00a0{PAGE}\u00a0» n’est "
        "pas importé\u00a0: "
        "«\u00a0javascript:alert(document.cookie)\u00a0» n’est pas une adresse web commençant par "
        "http:// ou https://\u00a0; le jeu de données est importé sans ce champ.",
        f"Enregistrement {api}/datasets/{by_slug[PARKINGS]['id']}\u00a0: le champ "
        f"«\u00a0{PAGE}\u00a0» n’est "
        "pas importé\u00a0: "
        "«\u00a0data.grandpoitiers.fr/datasets/parkings\u00a0» n’est pas une adresse web "
        "commençant par "
        "http:// ou https://\u00a0; le jeu de données est importé sans ce champ.",
    ])
    stats = job_stats(job)
    assert stats["added"] == len(records) and stats["errored"] == 2
    # the job report links to no javascript: address (ckanext-harvest makes it a link)
    assert set(original_urls(job).values()) == {None}

    # a change the dataset does not show: the field left out the same way
    assert_reruns_write_nothing(
        runner, lambda: by_slug[VERRE].update(updatedAt="2030-01-01T00:00:00Z"), changed=1)

    # a page that becomes unusable empties the field at the update, with the note
    by_slug[VITALIS]["page"] = "file:///srv/www/vitalis.html"
    job, results = runner.run()
    assert datasets(runner.source.id)[VITALIS].get("url", "") == ""
    [note] = job_notes(job)
    assert f"«\u00a0{PAGE}\u00a0»" in note and "«\u00a0file:///srv/www/vitalis.html\u00a0»" in note
    assert job_stats(job)["updated"] == 1


@pytest.mark.integration
def test_a_required_address_the_schema_refuses_still_refuses_the_record(app, httpserver,
                                                                        make_runner,
                                                                        monkeypatch):
    from ckanext.scheming.helpers import scheming_get_dataset_schema

    # the source page made required in the loaded schema (the one validation reads too)
    [field] = [f for f in scheming_get_dataset_schema("dataset")["dataset_fields"]
               if f["field_name"] == "url"]
    monkeypatch.setitem(field, "required", True)
    monkeypatch.setitem(field, "validators", "not_empty unicode_safe poitiers_url")
    records = datafair_records()
    verre = next(r for r in records if r["slug"] == VERRE)
    verre["page"] = "www.grandpoitiers.fr/bornes"
    catalogue = Catalogue(records)
    runner = make_runner(get_plugin("poitiers_datafair_harvester"),
                         catalogue.install(httpserver))
    # the harvest consumers run in a request context of the portal (ckanext-harvest's CLI):
    # CKAN's validators then speak the default language
    with app.flask_app.test_request_context():
        job, _results = runner.run()
    found = datasets(runner.source.id)
    assert VERRE not in found and len(found) == len(records) - 1
    [error] = job_notes(job)
    assert error.startswith("Le jeu de données «\u00a0Propreté - Bornes à verre Grand "
                            "Poitiers\u00a0» ")
    assert error.endswith(f"a été refusé par le schéma\u00a0: {PAGE}\u00a0: Saisissez une adresse "
                          "web "
                          "commençant par http:// ou https://")


@pytest.mark.integration
def test_udata_pages_and_contact_emails_the_schema_refuses_are_left_empty(portal, make_runner):
    by_slug = {r["slug"]: r for r in portal.records}
    parkings = by_slug["lieux-de-stationnement-de-grand-poitiers"]
    parkings["contact_points"][0]["email"] = "sig(at)grandpoitiers.fr"
    parkings["organization"]["page"] = "javascript:alert(1)"
    budget = by_slug["budget-primitif-ville-de-poitiers"]
    budget["page"] = "www.data.gouv.fr/fr/datasets/budget-primitif-ville-de-poitiers/"
    budget["contact_points"] = [{"name": "Finances", "email": "finances@poitiers.fr"},
                                {"name": "Élus", "email": "elus@poitiers"}]
    runner, job, found = harvest_udata(make_runner, portal)
    shown = found["lieux-de-stationnement-de-grand-poitiers"]
    assert [c["name"] for c in shown["contact"]] == ["Service SIG"]
    assert not shown["contact"][0].get("email")
    assert shown["publisher"][0]["name"] and not shown["publisher"][0].get("url")
    assert shown["url"] == parkings["page"]
    shown = found["budget-primitif-ville-de-poitiers"]
    assert shown.get("url", "") == ""
    assert [(c["name"], c.get("email") or "") for c in shown["contact"]] == [
        ("Finances", "finances@poitiers.fr"), ("Élus", "")]
    notes = job_notes(job)
    assert len(notes) == 4, notes
    assert any("«\u00a0Point de contact › Courriel\u00a0» n’est pas importé\u00a0: "
               "«\u00a0sig(at)grandpoitiers.fr\u00a0»"
               " n’est pas une adresse électronique valide" in n for n in notes), notes
    assert any("«\u00a0Éditeur › Site web\u00a0» n’est pas importé\u00a0: "
               "«\u00a0javascript:alert(1)\u00a0»" in n
               for n in notes), notes
    assert any(f"«\u00a0{PAGE}\u00a0» n’est pas importé\u00a0: "
               "«\u00a0www.data.gouv.fr/fr/datasets/budget-primitif"
               in n for n in notes), notes
    assert any("«\u00a0Point de contact › Courriel (n° 2)\u00a0» n’est pas importé\u00a0: "
               "«\u00a0elus@poitiers\u00a0»"
               in n for n in notes), notes
    assert job_stats(job)["errored"] == 2

    def read_more():  # a field the mapping does not read
        parkings["metrics"] = {"views": 1234}
        budget["metrics"] = {"views": 99}

    assert_reruns_write_nothing(runner, read_more, changed=2)


DCAT_ADDRESSES = """
<BASE/explore/dataset/bornes-a-verre/> dcat:contactPoint [ a vcard:Kind ;
        vcard:fn "Service déchets" ; vcard:hasEmail <mailto:dechets@grandpoitiers> ] .
"""


@pytest.mark.integration
def test_dcat_addresses_the_schema_refuses_are_left_empty(rdf_catalogue, make_runner):
    catalogue = rdf_catalogue
    base = catalogue.base
    page = catalogue.pages["1"]
    page = page.replace(f"dcat:landingPage <{base}/explore/dataset/bornes-a-verre/>",
                        "dcat:landingPage <javascript:alert(1)>")
    page = page.replace(
        'dct:publisher [ a foaf:Agent ; foaf:name "Grand Poitiers" ]',
        'dct:publisher [ a foaf:Agent ; foaf:name "Grand Poitiers" ; '
        'foaf:homepage "www.grandpoitiers.fr" ; foaf:mbox "dechets(at)grandpoitiers.fr" ]')
    # an agent named by a URN: a URI the schema does not take as a web address
    page = page.replace(
        'dct:license <http://opendatacommons.org/licenses/odbl/> ;\n    dcat:distribution',
        'dct:license <http://opendatacommons.org/licenses/odbl/> ;\n'
        '    dct:publisher <urn:siren:200069854> ;\n    dcat:distribution', 1)
    page = page.replace("@prefix xsd:", "@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .\n"
                        "@prefix xsd:")
    page += DCAT_ADDRESSES.replace("BASE", base)
    page += '\n<urn:siren:200069854> a foaf:Agent ; foaf:name "Ville de Poitiers" .\n'
    catalogue.pages["1"] = page
    runner, job = first_harvest(make_runner, "poitiers_dcat_harvester", catalogue.url)
    found = {d["title"]: d for d in datasets(runner.source.id).values()}
    assert sorted(found) == ["Bornes à verre", "Défibrillateurs", "Horodateurs"]
    bornes = found["Bornes à verre"]
    assert bornes.get("url", "") == ""
    assert bornes["publisher"][0]["name"] == "Grand Poitiers"
    assert not bornes["publisher"][0].get("url") and not bornes["publisher"][0].get("email")
    assert [c["name"] for c in bornes["contact"]] == ["Service déchets"]
    assert not bornes["contact"][0].get("email")
    assert bornes["resources"]
    horodateurs = found["Horodateurs"]
    assert horodateurs["publisher"][0]["name"] == "Ville de Poitiers"
    assert not horodateurs["publisher"][0].get("uri")
    notes = job_notes(job)
    assert len(notes) == 5, notes
    expected = [
        (PAGE, "javascript:alert(1)"), ("Éditeur › Site web", "www.grandpoitiers.fr"),
        ("Éditeur › Courriel", "dechets(at)grandpoitiers.fr"),
        (CONTACT_EMAIL, "dechets@grandpoitiers"), ("Éditeur › URI", "urn:siren:200069854"),
    ]
    for label, value in expected:
        assert any(f"le champ «\u00a0{label}\u00a0» n’est pas importé\u00a0: "
                   f"«\u00a0{value}\u00a0»" in n
                   for n in notes), (label, notes)
    assert job_stats(job)["errored"] == 2

    def frequency_written_another_way():  # the EU URI instead of Dublin Core's
        catalogue.pages["1"] = catalogue.pages["1"].replace(
            "dct:accrualPeriodicity <http://purl.org/cld/freq/annual>",
            f"dct:accrualPeriodicity <{EU_FREQUENCY}ANNUAL>")

    assert_reruns_write_nothing(runner, frequency_written_another_way, changed=1)


@pytest.mark.integration
def test_transport_pages_the_schema_refuses_are_left_empty(httpserver, make_runner):
    records = transport_records(httpserver.url_for("/gtfs/vitalis.zip"))
    pony = records[1]
    pony["page_url"] = "transport.data.gouv.fr/datasets/velos-et-trottinettes-pony-poitiers"
    runner, job = first_harvest(make_runner, "poitiers_transport_harvester",
                                serve_transport(httpserver, records))
    found = datasets(runner.source.id)
    assert found["velos-et-trottinettes-pony-poitiers"].get("url", "") == ""
    assert found["velos-et-trottinettes-pony-poitiers"]["resources"]
    notes = [n for n in job_notes(job) if PAGE in n]
    assert len(notes) == 1
    assert ("«\u00a0transport.data.gouv.fr/datasets/velos-et-trottinettes-pony-poitiers\u00a0»"
            in notes[0])
    job, results = runner.run()
    assert not [n for n in job_notes(job) if PAGE in n]


@pytest.mark.integration
def test_an_agenda_page_the_schema_refuses_is_left_empty(httpserver, make_runner):
    # the dataset's page is openagenda.com/{slug}: with a slug of 8,000 characters, an address
    # longer than the schema accepts
    agenda = dict(copy.deepcopy(load_agenda("agenda.json")), uid=55509999, slug="x" * 8000)
    harvester = get_plugin("poitiers_openagenda_harvester")
    runner = make_runner(harvester, serve_agenda(httpserver, agenda), AGENDA_SEARCH)
    job, results = runner.run()
    [dataset] = datasets(runner.source.id).values()
    assert dataset.get("url", "") == "" and len(dataset["resources"]) == 5
    [note] = job_notes(job)
    assert note.endswith(f"le champ «\u00a0{PAGE}\u00a0» n’est pas importé\u00a0: son adresse "
                         "dépasse 8\u202f000 caractères\u00a0; le jeu de données est importé sans "
                         "ce champ.")
    # no link to it on the job report
    [result] = results.values()
    assert harvester.get_original_url(result["obj_id"]) is None
    job, results = runner.run()
    assert results == {} and job_notes(job) == []
