"""The Poitiers organization schema: SIREN/SIRET checksum, producer type, commune."""
from __future__ import annotations

import html

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("with_plugins", "clean_db",
                                                                   "clean_index")]


def test_a_commune_with_its_siren_is_stored(call):
    call("organization_create", name="buxerolles", title="Ville de Buxerolles",
         siren="218 600 419", org_type="commune", commune="86041")
    org = helpers.call_action("organization_show", id="buxerolles")
    assert (org["siren"], org["org_type"], org["commune"]) == ("218600419", "commune", "86041")


def test_a_residents_group_needs_no_siren(call):
    call("organization_create", name="collectif", title="Collectif", org_type="collectif_habitants")
    assert helpers.call_action("organization_show", id="collectif")["org_type"] == (
        "collectif_habitants")


@pytest.mark.parametrize("change,field", [
    ({"siren": "218600418"}, "siren"),
    ({"siren": "21860041900015"}, "siren"),
    ({"siren": "2186"}, "siren"),
    ({"org_type": "ministere"}, "org_type"),
    ({"commune": "86999"}, "commune"),
])
def test_wrong_values_are_refused_and_nothing_is_stored(call, change, field):
    data = {"name": "orga", "title": "Orga", "org_type": "commune", "siren": "218600419",
            "commune": "86041"}
    data.update(change)
    with pytest.raises(tk.ValidationError) as exc:
        call("organization_create", **data)
    assert list(exc.value.error_dict) == [field]
    assert helpers.call_action("organization_list") == []


def test_the_organization_form_gives_french_errors_and_keeps_what_was_typed(app):
    user = factories.SysadminWithToken()
    form = {"title": "Association des Bidouilleurs", "name": "bidouilleurs",
            "description": "Un tiers-lieu.", "org_type": "association",
            "siren": "12345678901234", "commune": "86194", "save": ""}
    response = app.post("/organization/new", data=form, headers={"Authorization": user["token"]})
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert "n’est pas un numéro SIREN (9 chiffres) ou SIRET (14 chiffres) valide" in page
    assert "Type de producteur" in page
    for typed in ("Association des Bidouilleurs", "12345678901234", "Un tiers-lieu."):
        assert typed in page
    assert helpers.call_action("organization_list") == []
