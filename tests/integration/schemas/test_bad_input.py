"""Bad input the schema must refuse (or keep) with a French message, through the real action
API, HTTP API and dataset form: malformed addresses, blank text, partial periods, values quoted
back in messages, non-ASCII digits, and the CKAN 2.11 publication gate."""
from __future__ import annotations

import copy
import html

import pytest
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

from ckanext.poitiers.validators import parse_date, shown

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("with_plugins", "clean_db",
                                                                   "clean_index")]


def _errors(call, data):
    with pytest.raises(tk.ValidationError) as exc:
        call("package_create", **data)
    return exc.value.error_dict


@pytest.fixture
def french(app):
    """Messages as a publisher reads them (a request in the portal's default language, fr)."""
    with app.flask_app.test_request_context():
        yield


@pytest.fixture
def call_fr(call, app):
    """``call`` inside a French request (for the tests that do not use the test app)."""
    with app.flask_app.test_request_context():
        yield call


@pytest.fixture
def token():
    return {"Authorization": factories.SysadminWithToken()["token"]}


# --------------------------------------------------------------------- 1. web addresses


@pytest.mark.parametrize("address", ["http://[::1", "https://[www.exemple.fr",
                                     "https://www.exemple.fr:99999/", "http://exemple.fr:port"])
def test_a_malformed_web_address_is_a_french_error_on_every_url_field(call_fr, complete, address):
    data = copy.deepcopy(complete)
    data["url"] = address
    data["publisher"][0].update(uri=address, url=address)
    data["contact"][0].update(uri=address, url=address)
    errors = _errors(call_fr, data)
    for where in (errors["url"], errors["publisher"][0]["uri"], errors["publisher"][0]["url"],
                  errors["contact"][0]["uri"], errors["contact"][0]["url"]):
        assert where == [f"«\u00a0{address}\u00a0» n’est pas une adresse web valide\u00a0: "
                         "vérifiez les "
                         "crochets et le port (ex. https://www.poitiers.fr)"]


def test_the_http_api_and_the_form_answer_a_malformed_address_without_a_server_error(
        app, complete, token, org):
    data = dict(complete, url="http://[::1")
    response = app.post("/api/3/action/package_create", json=data, headers=token, status=409)
    assert "adresse web valide" in response.json["error"]["url"][0]
    form = {"_ckan_phase": "dataset_new_1", "save": "continue", "pkg_name": "",
            "title": "Adresse cassée", "name": "adresse-cassee", "owner_org": org["id"],
            "url": "https://[www.exemple.fr", "notes": "Texte gardé."}
    response = app.post("/dataset/new", data=form, headers=token)
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert "n’est pas une adresse web valide" in page
    assert 'value="https://[www.exemple.fr"' in page and "Texte gardé." in page


# --------------------------------------------------------------------- 3. partial periods


@pytest.mark.parametrize("start,end", [("2024-05", "2024"), ("2024-03-15", "2024-03"),
                                       ("2024-02-29", "2024-02"), ("2024", "2024"),
                                       ("2024-12-31T23:00:00", "2024")])
def test_a_partial_end_is_the_last_day_of_its_year_or_month(call, complete, start, end):
    call("package_create", **dict(complete, temporal_coverage=[{"start": start, "end": end}]))
    shown_ = helpers.call_action("package_show", id=complete["name"])
    assert shown_["temporal_coverage"] == [{"start": start, "end": end}]


@pytest.mark.parametrize("start,end", [("2024-05", "2024-04"), ("2024-03-15", "2024-02"),
                                       ("2025", "2024-12-31")])
def test_an_end_before_the_start_is_still_refused(call_fr, complete, start, end):
    errors = _errors(call_fr, dict(complete, temporal_coverage=[{"start": start, "end": end}]))
    assert errors["temporal_coverage"][0]["end"] == ["La fin de la période précède son début"]


def test_parse_date_gives_the_last_day_of_a_partial_end():
    import datetime as dt

    assert parse_date("2024", last=True) == dt.date(2024, 12, 31)
    assert parse_date("2024-02", last=True) == dt.date(2024, 2, 29)
    assert parse_date("2023-12", last=True) == dt.date(2023, 12, 31)
    assert parse_date("2024-03-15", last=True) == dt.date(2024, 3, 15)
    assert parse_date("2024-02") == dt.date(2024, 2, 1)


# --------------------------------------------------------------------- 4. blank text


@pytest.mark.parametrize("blank", ["   ", "\n\t", "\u00a0", " \u202f\u200b ",
                                   " \u200b \u200b \ufeff "])
def test_a_blank_description_is_missing_to_publish(call_fr, complete, blank):
    errors = _errors(call_fr, dict(complete, notes=blank))
    assert errors == {"notes": ["Obligatoire pour publier le jeu de données"]}


def test_a_blank_description_is_dropped_from_a_draft(call, org):
    call("package_create", name="brouillon-blanc", title="Brouillon", owner_org=org["id"],
         state="draft", notes="\u00a0 ")
    assert not helpers.call_action("package_show", id="brouillon-blanc").get("notes")


# --------------------------------------------------------------------- 6. messages


def test_shown_truncates_and_reads_lists():
    assert shown(["a", "b"]) == "a, b"
    assert shown(None) == ""
    # runs of spaces and line breaks as one space; a space around the value stays visible (it
    # may be what is wrong with it)
    assert shown("  x \n y ") == " x y "
    long = shown("x" * 100_000)
    assert len(long) == 60 and long.endswith("…")


@pytest.mark.parametrize("change,field,message", [
    ({"communes": ["x" * 100_000]}, "communes",
     "«\u00a0" + "x" * 59 + "…\u00a0» n’est pas le code Insee d’une commune de Grand Poitiers"),
    ({"frequency": ["daily"]}, "frequency",
     "«\u00a0daily\u00a0» ne fait pas partie des valeurs proposées\u00a0: envoyez une seule valeur "
     "texte"),
    ({"granularity": ["commune", "point"]}, "granularity",
     "«\u00a0commune, point\u00a0» ne fait pas partie des valeurs proposées\u00a0: envoyez une "
     "seule valeur texte"),
    ({"communes": ["86194", None]}, "communes",
     "Une valeur vide a été envoyée\u00a0: choisissez une des valeurs proposées"),
    ({"communes": ["86194", " \u00a0"]}, "communes",
     "Une valeur vide a été envoyée\u00a0: choisissez une des valeurs proposées"),
    ({"license_id": ["lov2"]}, "license_id",
     "«\u00a0lov2\u00a0» ne fait pas partie des valeurs proposées\u00a0: envoyez une seule valeur "
     "texte"),
])
def test_wrong_values_are_quoted_readably_and_briefly(call_fr, complete, change, field, message):
    errors = _errors(call_fr, dict(complete, **change))
    assert errors == {field: [message]}


def test_a_long_wrong_email_is_quoted_briefly(call_fr, complete):
    data = copy.deepcopy(complete)
    data["contact"][0]["email"] = "a" * 5000
    message = _errors(call_fr, data)["contact"][0]["email"][0]
    assert len(message) < 200 and "a" * 59 + "…" in message


@pytest.mark.parametrize("where,value", [
    ("start", "٢٠٢٤-٠١-٠١"), ("start", "२०२४"), ("start", "2024-01-01T10:00:00+99:99"),
    ("start", "2024-01-01T10:00:00+24:00"), ("end", "2024-01-01T10:00:00-05:60"),
])
def test_dates_need_ascii_digits_and_a_real_time_offset(call_fr, complete, where, value):
    period = {"start": "2020-01-01", "end": "2030-01-01", where: value}
    errors = _errors(call_fr, dict(complete, temporal_coverage=[period]))
    assert "AAAA-MM-JJ" in errors["temporal_coverage"][0][where][0]


def test_a_real_time_offset_is_accepted(call, complete):
    period = {"start": "2024-01-01T10:00:00+14:00", "end": "2024-06-30T10:00:00-09:30"}
    call("package_create", **dict(complete, temporal_coverage=[period]))


def test_siren_and_seconds_need_ascii_digits(call_fr, complete):
    data = copy.deepcopy(complete)
    # 218601946 (Ville de Poitiers) in Arabic-Indic digits
    data["publisher"][0]["identifier"] = "٢١٨٦٠١٩٤٦"
    data["resources"][1]["refresh_seconds"] = "٦٠"
    errors = _errors(call_fr, data)
    assert "SIREN" in errors["publisher"][0]["identifier"][0]
    assert errors["resources"][1]["refresh_seconds"] == [
        "Saisissez un nombre entier de secondes, par exemple 300"]


# --------------------------------------------------------------------- 2. dates in the form


def test_stored_partial_dates_and_date_times_come_back_in_the_edit_form(app, call, complete,
                                                                          token):
    period = {"start": "2019-01-01T00:00:00", "end": "2024"}
    call("package_create", **dict(complete, temporal_coverage=[period]))
    page = app.get(f"/dataset/edit/{complete['name']}", headers=token).get_data(as_text=True)
    for where, value in period.items():
        tag = page[page.index(f'id="field-temporal_coverage-0-{where}"'):]
        tag = tag[:tag.index(">")]
        assert 'type="text"' in tag and f'value="{value}"' in tag, tag
        assert 'pattern="' in tag and "aria-describedby" in tag
    assert "Format\u00a0: AAAA, AAAA-MM ou AAAA-MM-JJ" in html.unescape(page)


# --------------------------------------------------------------------- 5. publication gate


def _draft_then_resource_step(app, token, org, **fields):
    form = {"_ckan_phase": "dataset_new_1", "save": "continue", "pkg_name": "",
            "title": "Esquisse", "name": "esquisse", "owner_org": org["id"], **fields}
    response = app.post("/dataset/new", data=form, headers=token, follow_redirects=False)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    resource = {"url": "https://example.invalid/esquisse.csv", "name": "Fichier",
                "format": "CSV", "resource_kind": "file", "save": "go-metadata", "id": ""}
    return app.post("/dataset/esquisse/resource/new", data=resource, headers=token)


def test_a_poitiers_sub_theme_alone_is_enough_to_publish(app, token, org):
    _draft_then_resource_step(
        app, token, org, notes="Les bancs.", poitiers_theme=["mobilite"], communes=["86194"],
        frequency="http://publications.europa.eu/resource/authority/frequency/ANNUAL",
        personal_data="none")
    shown_ = helpers.call_action("package_show", id="esquisse")
    assert shown_["state"] == "active"
    assert shown_["theme"] == ["http://publications.europa.eu/resource/authority/data-theme/TRAN"]


def test_what_a_draft_misses_is_named_by_its_french_label(app, token, org):
    response = _draft_then_resource_step(app, token, org, notes=" \u00a0",
                                         poitiers_theme=["mobilite"], communes=["86194"])
    page = html.unescape(response.get_data(as_text=True))
    assert helpers.call_action("package_show", id="esquisse")["state"] == "draft"
    if tk.check_ckan_version(min_version="2.12"):
        assert "Obligatoire pour publier le jeu de données" in page
    else:
        assert ("Le jeu de données reste un brouillon\u00a0: renseignez «\u00a0Description\u00a0», "
                "«\u00a0Fréquence de mise à jour\u00a0», «\u00a0Données personnelles\u00a0» pour "
                "le publier") in page
        assert "personal_data" not in page.split("reste un brouillon")[1][:300]


def test_the_dataset_page_shows_a_partial_period_as_given(app, call, complete):
    call("package_create", **dict(complete, temporal_coverage=[
        {"start": "2024", "end": "2025-03"}, {"start": "2019-01-01T00:00:00"}]))
    page = html.unescape(app.get(f"/dataset/{complete['name']}").get_data(as_text=True))
    # the additional information table (scheming's display snippets)
    assert "mars 2025" in page and "1er janvier 2019" in page
    assert "1 janvier 2024" not in page and "01/01/2024" not in page
    from ckanext.poitiers import theme_helpers

    with app.flask_app.test_request_context():
        shown_ = helpers.call_action("package_show", id=complete["name"])
        assert theme_helpers.period(shown_) == {"start": "2024", "end": "mars 2025",
                                                "text": "de 2024 à mars 2025"}
