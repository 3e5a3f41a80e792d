"""The publisher's path through the real web forms (CKAN's test app, French): a resource address
the portal would not link to, over-long texts, and the edit forms keeping what they do not show.
Each refusal: a French message next to the field, what was typed kept, nothing stored."""
from __future__ import annotations

import copy
import html
import re

import lxml.html
import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("with_plugins", "clean_db",
                                                                   "clean_index")]


@pytest.fixture
def token():
    return {"Authorization": factories.SysadminWithToken()["token"]}


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _field_error(page: str, field_id: str) -> str:
    """The text of the form group holding ``field_id`` (where CKAN writes the field's error),
    white space collapsed, no-break spaces kept."""
    doc = lxml.html.fromstring(page)
    [field] = doc.xpath(f'//*[@id="{field_id}"]')
    group = next(a for a in field.iterancestors() if "form-group" in (a.get("class") or ""))
    return re.sub(r"[ \t\r\n]+", " ", group.text_content()).strip()


def _form_values(page: str, form_id: str) -> dict[str, list[str]]:
    """What a browser posts for the form as it is shown (checked boxes, selected options…)."""
    form = lxml.html.fromstring(page).get_element_by_id(form_id)
    data: dict[str, list[str]] = {}
    for el in form.xpath(".//input|.//select|.//textarea"):
        name = el.get("name")
        if not name or el.get("disabled") is not None:
            continue
        kind = (el.get("type") or "text").lower()
        if el.tag == "select":
            values = [o.get("value", o.text or "") for o in el.xpath(".//option[@selected]")]
            if not values and el.get("multiple") is None:
                options = el.xpath(".//option")
                values = [options[0].get("value", options[0].text or "")] if options else []
        elif el.tag == "textarea":
            values = [el.text or ""]
        elif kind in ("checkbox", "radio"):
            values = [el.get("value", "on")] if el.get("checked") is not None else []
        elif kind in ("submit", "button", "file", "image", "reset"):
            continue
        else:
            values = [el.get("value", "")]
        data.setdefault(name, []).extend(values)
    return data


def _count(**kwargs) -> int:
    return helpers.call_action("package_search", rows=0, include_drafts=True,
                               include_private=True, **kwargs)["count"]


# --------------------------------------------------------------------- resource addresses


@pytest.mark.parametrize("address", [
    "javascript:alert(document.cookie)", "JavaScript:alert(1)", "file:///etc/passwd",
    "data:text/html,<script>alert(1)</script>", "smb://serveur/partage/bancs.csv",
    "www.poitiers.fr/bancs.csv",
])
def test_a_resource_address_the_portal_would_not_link_to_is_refused_in_french(
        app, token, call, complete, address):
    call("package_create", **complete)
    form = {"id": "", "url": address, "name": "Bancs « test »", "description": "Gardée.",
            "format": "CSV", "resource_kind": "file", "save": "again"}
    response = app.post(f"/dataset/{complete['name']}/resource/new", data=form, headers=token,
                        follow_redirects=False)
    assert response.status_code == 200
    page = _page(response)
    message = _field_error(page, "field-resource-url")
    assert "n’est pas une adresse vers laquelle le portail peut faire un lien" in message
    assert "http://, https://, ftp://" in message
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    assert doc.get_element_by_id("field-resource-url").get("value") == address
    assert doc.get_element_by_id("field-name").get("value") == "Bancs « test »"
    shown = helpers.call_action("package_show", id=complete["name"])
    assert [r["url"] for r in shown["resources"]] == [r["url"] for r in complete["resources"]]


def test_the_api_gets_the_refused_resource_address_per_field(app, token, call, complete):
    data = copy.deepcopy(complete)
    data["resources"][1]["url"] = "javascript:alert(1)"
    response = app.post("/api/3/action/package_create", json=data, headers=token, status=409)
    assert response.json["error"]["resources"] == [
        {}, {"url": ["«\u00a0javascript:alert(1)\u00a0» n’est pas une adresse vers laquelle le "
                     "portail peut faire un lien\u00a0: saisissez une adresse commençant par "
                     "http://, https://, ftp:// ou déposez le fichier"]}]
    assert _count() == 0


@pytest.mark.parametrize("address", ["ftp://ftp.poitiers.invalid/bancs.csv",
                                     "HTTPS://www.poitiers.fr/Bancs.csv", ""])
def test_web_and_ftp_addresses_are_accepted(call, complete, address):
    data = copy.deepcopy(complete)
    data["resources"][0]["url"] = address
    call("package_create", **data)
    shown = helpers.call_action("package_show", id=complete["name"])
    assert shown["resources"][0]["url"] == address


# --------------------------------------------------------------------- over-long values


def _first_step(org, **fields):
    return {"_ckan_phase": "dataset_new_1", "save": "continue", "pkg_name": "",
            "title": "Bancs et fontaines", "name": "bancs-et-fontaines", "owner_org": org["id"],
            "notes": "Les bancs publics.", **fields}


@pytest.mark.parametrize("field, field_id, limit", [
    ("title", "field-title", 500),
    ("purpose", "field-purpose", 2000),
    ("personal_data_basis", "field-personal_data_basis", 2000),
    ("contact-0-name", "field-contact-0-name", 500),
    ("publisher-0-name", "field-publisher-0-name", 500),
])
def test_an_over_long_text_is_refused_next_to_its_field_and_kept(app, token, org, field,
                                                                    field_id, limit):
    # 20,000 « é » are 40,000 bytes: more than the search index takes in one value (CKAN
    # answered a server error for the title and the legal basis)
    typed = "é" * 20_000
    response = app.post("/dataset/new", data=_first_step(org, **{field: typed}), headers=token,
                        follow_redirects=False)
    assert response.status_code == 200
    page = _page(response)
    assert (f"Ce texte est trop long\u00a0: 20000 caractères, {limit} au plus"
            in _field_error(page, field_id))
    assert typed in page and "Les bancs publics." in page
    assert _count() == 0


def test_a_text_at_its_limit_is_accepted(app, token, org):
    response = app.post("/dataset/new", data=_first_step(org, title="T" * 500), headers=token,
                        follow_redirects=False)
    assert response.status_code == 302
    assert helpers.call_action("package_show", id="bancs-et-fontaines")["title"] == "T" * 500


def test_an_over_long_resource_format_is_refused_next_to_its_field(app, token, call, complete):
    call("package_create", **complete)
    form = {"id": "", "url": "https://example.invalid/x.csv", "name": "X",
            "format": "C" * 40_000, "resource_kind": "file", "save": "again"}
    response = app.post(f"/dataset/{complete['name']}/resource/new", data=form, headers=token,
                        follow_redirects=False)
    assert response.status_code == 200
    assert "Ce texte est trop long\u00a0: 40000 caractères, 100 au plus" in _page(response)
    assert len(helpers.call_action("package_show", id=complete["name"])["resources"]) == 2


def test_an_over_long_resource_address_is_refused_in_french(call_fr_free, complete):
    data = copy.deepcopy(complete)
    data["resources"][0]["url"] = "https://www.poitiers.fr/bancs.csv?q=" + "x" * 9_000
    with pytest.raises(tk.ValidationError) as exc:
        call_fr_free("package_create", **data)
    assert exc.value.error_dict["resources"][0] == {
        "url": ["Ce texte est trop long\u00a0: 9036 caractères, 8000 au plus"]}


def test_an_over_long_address_is_refused_in_french(call_fr_free, complete):
    data = copy.deepcopy(complete)
    data["url"] = "https://www.poitiers.fr/?q=" + "x" * 40_000
    with pytest.raises(tk.ValidationError) as exc:
        call_fr_free("package_create", **data)
    assert exc.value.error_dict == {
        "url": ["Ce texte est trop long\u00a0: 40027 caractères, 8000 au plus"]}


@pytest.fixture
def call_fr_free(call, app):
    with app.flask_app.test_request_context():
        yield call


# --------------------------------------------------------------------- edits keep the unshown


def test_the_edit_form_keeps_the_fields_it_does_not_show(app, token, call, complete):
    # a dataset of the transport harvester (GTFS facts) with free extras (a harvested record's
    # identifier, a value a migration could not map)
    extras = [{"key": "ancien_temporal_end", "value": "fin 2017"},
              {"key": "guid", "value": "https://transport.data.gouv.fr/datasets/vitalis"}]
    call("package_create", **dict(complete, gtfs_agencies="Vitalis", gtfs_routes_count=42,
                                  gtfs_start_date="2024-09-01", extras=extras))
    page = app.get(f"/dataset/edit/{complete['name']}", headers=token).get_data(as_text=True)
    assert "gtfs_agencies" not in page and "ancien_temporal_end" not in page
    form = _form_values(page, "dataset-edit")
    form["title"] = ["Délibérations (revu)"]
    form["save"] = [""]
    response = app.post(f"/dataset/edit/{complete['name']}", data=form, headers=token,
                        follow_redirects=False)
    assert response.status_code == 302, _page(response)[:3000]
    shown = helpers.call_action("package_show", id=complete["name"])
    assert shown["title"] == "Délibérations (revu)"
    assert (shown["gtfs_agencies"], shown["gtfs_routes_count"], shown["gtfs_start_date"]) == (
        "Vitalis", "42", "2024-09-01")
    # in any order: CKAN lists the extras in the order of the stored JSONB object when an edit
    # leaves them as they were, in the order it was given when an edit changes them
    assert sorted(shown["extras"], key=lambda e: e["key"]) == extras
    # what the form shows is still the publisher's: the period and the contact as sent
    assert shown["temporal_coverage"] == complete["temporal_coverage"]
    assert shown["contact"][0]["email"] == complete["contact"][0]["email"]
    # an API client still replaces the dataset as it asks
    call("package_update", **dict(complete, extras=[]))
    shown = helpers.call_action("package_show", id=complete["name"])
    assert "gtfs_agencies" not in shown and not shown.get("extras")


def test_a_refused_edit_shows_what_was_typed_and_changes_nothing(app, token, call, complete):
    call("package_create", **dict(complete, gtfs_agencies="Vitalis"))
    before = helpers.call_action("package_show", id=complete["name"])
    page = app.get(f"/dataset/edit/{complete['name']}", headers=token).get_data(as_text=True)
    form = _form_values(page, "dataset-edit")
    form.update({"title": ["Nouveau titre"], "temporal_coverage-0-end": ["2014-02-31"],
                 "contact-0-email": ["nouveau@poitiers.invalid"],
                 "publisher-0-name": ["Ville de Poitiers (DSI)"], "save": [""]})
    response = app.post(f"/dataset/edit/{complete['name']}", data=form, headers=token,
                        follow_redirects=False)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "AAAA-MM-JJ" in _field_error(html.unescape(page), "field-temporal_coverage-0-end")
    # the form shows what the publisher typed, not the stored values (ckanext-scheming showed
    # the stored period, contact and publisher: saving again lost the corrections)
    doc = lxml.html.fromstring(page)
    for field_id, typed in (("field-title", "Nouveau titre"),
                            ("field-temporal_coverage-0-end", "2014-02-31"),
                            ("field-temporal_coverage-0-start", "2015-01-01"),
                            ("field-contact-0-email", "nouveau@poitiers.invalid"),
                            ("field-publisher-0-name", "Ville de Poitiers (DSI)")):
        assert doc.get_element_by_id(field_id).get("value") == typed, field_id
    after = helpers.call_action("package_show", id=complete["name"])
    assert after == before


def test_the_resource_edit_form_keeps_the_resource_extras(app, token, call, complete):
    # a distribution harvested by the DCAT harvester: its URI and dates are resource extras
    resource = dict(complete["resources"][0], uri="https://data.example.org/dist/1",
                    issued="2024-01-15", size=1234, mimetype="text/csv")
    call("package_create", **dict(complete, resources=[resource]))
    [stored] = helpers.call_action("package_show", id=complete["name"])["resources"]
    url = f"/dataset/{complete['name']}/resource/{stored['id']}/edit"
    form = _form_values(app.get(url, headers=token).get_data(as_text=True), "resource-edit")
    form["name"] = ["Délibérations 2015-2024 (CSV)"]
    form["save"] = [""]
    response = app.post(url, data=form, headers=token, follow_redirects=False)
    assert response.status_code == 302, _page(response)[:3000]
    [after] = helpers.call_action("package_show", id=complete["name"])["resources"]
    assert after["name"] == "Délibérations 2015-2024 (CSV)"
    assert (after["uri"], after["issued"]) == ("https://data.example.org/dist/1", "2024-01-15")
    assert (after["size"], after["mimetype"]) == (1234, "text/csv")
