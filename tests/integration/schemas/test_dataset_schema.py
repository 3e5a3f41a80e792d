"""The Poitiers dataset schema through the real action API (PostgreSQL + Solr)."""
from __future__ import annotations

import copy

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import helpers

from ckanext.poitiers import demo, vocabularies

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("with_plugins", "clean_db",
                                                                   "clean_index")]
EU = "http://publications.europa.eu/resource/authority/"


def _errors(call, data):
    with pytest.raises(tk.ValidationError) as exc:
        call("package_create", **data)
    return exc.value.error_dict


def test_a_complete_dataset_is_stored_and_returned_with_lists(call, complete):
    call("package_create", **complete)
    shown = helpers.call_action("package_show", id=complete["name"])
    assert shown["theme"] == [EU + "data-theme/GOVE"]
    assert shown["poitiers_theme"] == ["democratie-locale"]
    assert shown["communes"] == ["86194"]
    assert shown["frequency"] == EU + "frequency/MONTHLY"
    assert shown["temporal_coverage"] == [{"start": "2015-01-01", "end": "2024-12-31"}]
    assert shown["publisher"][0]["identifier"] == "218601946"
    assert shown["data_schema"] == "scdl/deliberations"
    assert shown["resources"][0]["conforms_to_schema"] == "true"
    assert shown["resources"][1]["refresh_seconds"] == 60
    assert shown["resources"][1]["resource_kind"] == "realtime"
    assert shown["state"] == "active"


def test_codes_and_udata_ids_are_stored_as_uris(call, complete):
    data = dict(complete, theme=["gove"], poitiers_theme=["mobilite"], frequency="daily")
    call("package_create", **data)
    shown = helpers.call_action("package_show", id=complete["name"])
    # the sub-theme "mobilite" brings its EU theme TRAN
    assert shown["theme"] == [EU + "data-theme/GOVE", EU + "data-theme/TRAN"]
    assert shown["frequency"] == EU + "frequency/DAILY"


def test_the_licence_defaults_to_licence_ouverte(call, complete):
    data = dict(complete)
    del data["license_id"]
    call("package_create", **data)
    assert helpers.call_action("package_show", id=complete["name"])["license_id"] == "lov2"


@pytest.mark.parametrize("change,field,fragment", [
    ({"communes": ["86194", "86999"]}, "communes", "86999"),
    ({"communes": "75056"}, "communes", "75056"),
    ({"theme": ["MOBILITY"]}, "theme", "MOBILITY"),
    ({"frequency": "sometimes"}, "frequency", "sometimes"),
    ({"granularity": "planete"}, "granularity", "planete"),
    ({"personal_data": "maybe"}, "personal_data", "maybe"),
    ({"license_id": "wtfpl"}, "license_id", "wtfpl"),
    ({"data_schema": "scdl/inconnu"}, "data_schema", "scdl/inconnu"),
])
def test_values_outside_the_vocabularies_are_refused(call, complete, change, field, fragment):
    errors = _errors(call, dict(complete, **change))
    assert list(errors) == [field]
    assert fragment in errors[field][0]


def test_wrong_email_date_siret_and_url_give_errors_on_the_subfields(call, complete):
    data = copy.deepcopy(complete)
    data["contact"][0]["email"] = "assemblees(at)poitiers"
    data["publisher"][0]["identifier"] = "21860194600014"
    data["temporal_coverage"][0]["start"] = "31/12/2015"
    data["url"] = "javascript:alert(1)"
    errors = _errors(call, data)
    assert "assemblees(at)poitiers" in errors["contact"][0]["email"][0]
    assert "SIRET" in errors["publisher"][0]["identifier"][0]
    assert "2024-03-31" in errors["temporal_coverage"][0]["start"][0]
    assert "https://" in errors["url"][0]
    assert helpers.call_action("package_search", rows=0)["count"] == 0


def test_personal_data_requires_a_legal_basis(call, complete):
    errors = _errors(call, dict(complete, personal_data="personal"))
    assert list(errors) == ["personal_data_basis"]
    call("package_create", **dict(
        complete, personal_data="personal", personal_data_basis="Article L. 2121-25 du CGCT"))


def test_period_end_before_start_and_unknown_schema_version(call, complete):
    data = copy.deepcopy(complete)
    data["temporal_coverage"] = [{"start": "2020-01-01", "end": "2019-12-31"}]
    data["data_schema_version"] = "9.9"
    errors = _errors(call, data)
    assert "end" in errors["temporal_coverage"][0]
    assert "2.1.5" in errors["data_schema_version"][0]


def test_resource_errors(call, complete):
    data = copy.deepcopy(complete)
    data["resources"][0]["resource_kind"] = "fax"
    data["resources"][0]["conforms_to_schema"] = "peut-être"
    data["resources"][1]["refresh_seconds"] = "-5"
    errors = _errors(call, data)
    assert set(errors["resources"][0]) == {"resource_kind", "conforms_to_schema"}
    assert "refresh_seconds" in errors["resources"][1]


def test_a_draft_saves_with_few_fields_and_publication_needs_the_complete_set(call, org):
    call("package_create", name="brouillon", title="Brouillon",
                        owner_org=org["id"], state="draft")
    draft = helpers.call_action("package_show", id="brouillon")
    assert draft["state"] == "draft"
    with pytest.raises(tk.ValidationError) as exc:
        call("package_patch", id="brouillon", state="active")
    assert set(exc.value.error_dict) >= {"notes", "theme", "communes", "frequency",
                                         "personal_data"}
    assert helpers.call_action("package_show", id="brouillon")["state"] == "draft"
    # a draft still refuses wrong values
    with pytest.raises(tk.ValidationError) as exc:
        call("package_patch", id="brouillon", communes=["99999"])
    assert list(exc.value.error_dict) == ["communes"]
    call("package_patch", id="brouillon", state="active", notes="Description",
                        theme=["GOVE"], communes=["200069854"], frequency="annual",
                        personal_data="none")
    assert helpers.call_action("package_show", id="brouillon")["state"] == "active"


def test_publication_without_required_fields_is_refused(call, org):
    errors = _errors(call, {"name": "incomplet", "title": "Incomplet", "owner_org": org["id"]})
    assert set(errors) == {"notes", "theme", "communes", "frequency", "personal_data"}


def test_the_whole_demo_catalogue_loads_with_the_poitiers_fields(call):
    content = demo.read()
    demo.load(echo=lambda _line: None)
    for entry in content["datasets"]:
        shown = helpers.call_action("package_show", id=entry["name"])
        assert shown["theme"] and all(vocabularies.is_valid("eu_themes", t)
                                      for t in shown["theme"])
        assert shown["communes"] == sorted(entry["communes"], key=vocabularies.values(
            "communes").index)
        assert shown["frequency"] == vocabularies.frequency_uri(entry["frequency"])
        assert shown["personal_data"] == entry["personal_data"]
        assert shown["temporal_coverage"][0]["start"] == entry["temporal_start"]
        assert shown["contact"][0]["email"] == entry["contact_email"]
        assert all(r["resource_kind"] for r in shown["resources"])
    for entry in content["organizations"]:
        org = helpers.call_action("organization_show", id=entry["name"])
        assert org["org_type"] == entry["org_type"]
        assert org.get("siren") == entry.get("siren")
        assert org.get("commune") == entry.get("commune")


def test_the_http_api_answers_structured_french_errors(app, call, complete):
    from ckan.tests import factories

    user = factories.SysadminWithToken()
    data = copy.deepcopy(complete)
    data["communes"] = ["86194", "12345"]
    data["contact"][0]["email"] = "pas une adresse"
    data["personal_data"] = "personal"
    response = app.post("/api/3/action/package_create", json=data,
                        headers={"Authorization": user["token"]}, status=409)
    error = response.json["error"]
    assert error["__type"] == "Validation Error"
    assert error["communes"] == [
        "«\u00a012345\u00a0» n’est pas le code Insee d’une commune de Grand Poitiers"]
    assert "adresse électronique" in error["contact"][0]["email"][0]
    assert "base légale" in error["personal_data_basis"][0]
    assert helpers.call_action("package_search", rows=0)["count"] == 0
