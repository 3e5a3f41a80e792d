"""Optional fields left blank in the dataset form are not stored as empty texts: the form posts
every field, and a blank purpose, legal basis, version, place name, publisher type or contact
name must not come out of the API (``"purpose": ""``), the DCAT export nor the dataset page.
A blank stored before (by an earlier version of the schema) is not shown either."""
from __future__ import annotations

import json

import lxml.html
import pytest
import rdflib
from ckan import model
from ckan.lib import search
from ckan.tests import factories, helpers

from tests.integration.schemas.test_publisher_path import _form_values

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("with_plugins", "clean_db",
                                                                   "clean_index")]

OPTIONAL_TEXTS = ("purpose", "personal_data_basis", "data_schema_version", "version")


@pytest.fixture
def token():
    return {"Authorization": factories.SysadminWithToken()["token"]}


def _blanks(value, path=()):
    """Where ``value`` holds an empty or blank text (resources left out: CKAN's own ``name``
    and ``description`` default to "")."""
    if isinstance(value, dict):
        return [p for k, v in value.items() if k != "resources" for p in _blanks(v, path + (k,))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _blanks(v, path + (i,))]
    return [path] if isinstance(value, str) and not value.strip() else []


def _empty_literals(app, name) -> list:
    graph = rdflib.Graph().parse(data=app.get(f"/dataset/{name}.ttl").get_data(as_text=True),
                                 format="turtle")
    return [(s, p) for s, p, o in graph if isinstance(o, rdflib.Literal) and not str(o).strip()]


def _edit(app, token, name, **changes):
    page = app.get(f"/dataset/edit/{name}", headers=token).get_data(as_text=True)
    form = _form_values(page, "dataset-edit")
    form.update({k: [v] for k, v in changes.items()})
    form["save"] = [""]
    response = app.post(f"/dataset/edit/{name}", data=form, headers=token,
                        follow_redirects=False)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]


def test_blank_optional_fields_of_the_edit_form_are_not_stored(app, token, call, complete):
    call("package_create", **complete)
    # the form as a browser posts it: the purpose cleared, the version, the legal basis, the
    # publisher type, the contact URI left as shown (empty), the contact name emptied, spaces
    # in the schema version
    _edit(app, token, complete["name"], purpose="", **{
        "contact-0-name": "", "data_schema_version": "  ", "publisher-0-name": "\u00a0"})
    shown = helpers.call_action("package_show", id=complete["name"])
    assert _blanks(shown) == []
    for field in OPTIONAL_TEXTS:
        assert shown.get(field) is None, field
    assert shown["contact"] == [{"email": "assemblees@poitiers.invalid"}]
    assert "type" not in shown["publisher"][0] and "name" not in shown["publisher"][0]
    # nothing stored either (the search index and the next edit start from the database)
    pkg = model.Package.get(complete["name"])
    assert not {"purpose", "personal_data_basis", "data_schema_version"} & set(pkg.extras)
    assert pkg.version is None
    # nor the hidden template of the repeating fields, which the form posts without scripts
    # (« contact-REPEATING-INDEX0-name »…): no group of blank unknown subfields
    assert json.loads(pkg.extras["contact"]) == [{"email": "assemblees@poitiers.invalid"}]
    assert [sorted(p) for p in json.loads(pkg.extras["publisher"])] == [
        ["email", "identifier", "url"]]
    assert _empty_literals(app, complete["name"]) == []
    # a field filled again through the form is stored as typed
    _edit(app, token, complete["name"], purpose="Suivre les décisions.")
    shown = helpers.call_action("package_show", id=complete["name"])
    assert shown["purpose"] == "Suivre les décisions."


def test_a_place_left_without_a_name_keeps_its_uri_only(call, complete):
    call("package_create", **dict(complete, spatial_coverage=[
        {"uri": "https://geo.api.gouv.fr/communes/86194", "text": "", "geom": ""}]))
    shown = helpers.call_action("package_show", id=complete["name"])
    assert shown["spatial_coverage"] == [{"uri": "https://geo.api.gouv.fr/communes/86194"}]


def test_blanks_stored_before_are_not_shown(app, call, complete):
    # a dataset saved through the form by an earlier version of the schema: "" in its extras,
    # its subfields and its version column
    data = dict(complete, personal_data="personal",
                personal_data_basis="Article L. 2121-25 du CGCT")
    call("package_create", **data)
    pkg = model.Package.get(complete["name"])
    publisher = dict(complete["publisher"][0], type="")
    contact = dict(complete["contact"][0], uri="")
    pkg.extras = dict(pkg.extras, purpose="", data_schema_version="",
                      publisher=json.dumps([publisher]), contact=json.dumps([contact]))
    pkg.version = ""
    model.Session.commit()
    search.rebuild(pkg.id)
    shown = helpers.call_action("package_show", id=complete["name"])
    assert _blanks(shown) == []
    assert "purpose" not in shown and shown.get("version") is None
    assert shown["publisher"][0]["name"] == "Ville de Poitiers"
    assert shown["personal_data_basis"] == "Article L. 2121-25 du CGCT"
    [found] = helpers.call_action("package_search", q=f"name:{complete['name']}")["results"]
    assert _blanks(found) == []
    # the page: no empty purpose, no label without a value; the schema's latest version stands
    # for the blank one in the DCAT export, as for a dataset that never had one
    page = app.get(f"/dataset/{complete['name']}").get_data(as_text=True)
    doc = lxml.html.fromstring(page)
    assert not doc.xpath('//*[contains(@class, "poitiers-purpose")]')
    for row in doc.xpath('//th[contains(@class, "dataset-label")]/..'):
        assert " ".join(row.xpath("string(td)").split()), row.xpath("string(th)")
    assert _empty_literals(app, complete["name"]) == []
