"""`ckan poitiers migrate` on datasets made with CKAN's default schema and free extras."""
from __future__ import annotations

import pytest
from ckan import model
from ckan.cli.cli import ckan
from ckan.lib.search import rebuild
from ckan.tests import helpers

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("with_plugins", "clean_db",
                                                                   "clean_index")]
EU = "http://publications.europa.eu/resource/authority/"


def _stock(org_id, name, extras, **core):
    """A dataset as CKAN's default schema stored it before the Poitiers schema was installed."""
    pkg = model.Package(name=name, title=name.replace("-", " ").title(), type="dataset",
                        state="active", owner_org=org_id, notes=core.pop("notes", "Ancien jeu."),
                        license_id=core.pop("license_id", "cc-by"), **core)
    pkg.extras = extras
    model.Session.add(pkg)
    model.Session.commit()
    rebuild(pkg.id)
    return pkg.id


@pytest.fixture
def legacy(org):
    return {
        "complet": _stock(org["id"], "parkings-2015", {
            "frequency": "monthly", "theme": "Transports", "spatial-text": "Poitiers, Buxerolles",
            "temporal_start": "2015-01-01", "donnees_personnelles": "non",
            "source_interne": "SIG"}, maintainer="Service SIG",
            maintainer_email="sig@poitiers.invalid"),
        "incomplet": _stock(org["id"], "budget-2014", {"categorie": "inconnue"}),
    }


def test_old_datasets_still_display(legacy, app):
    shown = helpers.call_action("package_show", id="parkings-2015")
    assert shown["title"] == "Parkings 2015"
    page = app.get("/dataset/parkings-2015")
    assert page.status_code == 200


def test_dry_run_reports_and_changes_nothing(cli, legacy):
    before = helpers.call_action("package_show", id="parkings-2015")
    result = cli.invoke(ckan, ["poitiers", "migrate", "--dry-run"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "« parkings-2015 »" in out and "« budget-2014 »" in out
    assert EU + "frequency/MONTHLY" in out
    assert "spatial-text" in out and "communes" in out
    assert "inconnue" in out  # a value that matched nothing is reported
    assert "2 jeux de données examinés" in out
    assert helpers.call_action("package_show", id="parkings-2015") == before


def test_apply_maps_what_it_can_and_keeps_free_extras(cli, legacy):
    result = cli.invoke(ckan, ["poitiers", "migrate", "--apply"])
    assert result.exit_code == 1, result.output  # budget-2014 lacks values: reported, kept
    shown = helpers.call_action("package_show", id="parkings-2015")
    assert shown["frequency"] == EU + "frequency/MONTHLY"
    assert shown["theme"] == [EU + "data-theme/TRAN"]
    assert shown["communes"] == ["86041", "86194"]
    assert shown["temporal_coverage"] == [{"start": "2015-01-01"}]
    assert shown["personal_data"] == "none"
    assert shown["contact"] == [{"name": "Service SIG", "email": "sig@poitiers.invalid"}]
    extras = {e["key"]: e["value"] for e in shown.get("extras", [])}
    assert extras == {"source_interne": "SIG"}
    untouched = helpers.call_action("package_show", id="budget-2014")
    assert untouched["state"] == "active" and not untouched.get("communes")
    # found by the new facets
    assert helpers.call_action("package_search", fq='frequency:"%s"' % (
        EU + "frequency/MONTHLY"))["count"] == 1


def test_apply_with_defaults_completes_the_rest(cli, legacy):
    result = cli.invoke(ckan, ["poitiers", "migrate", "--apply", "--default-frequency", "unknown",
                               "--default-communes", "200069854", "--default-theme", "ECON",
                               "--default-personal-data", "none"])
    assert result.exit_code == 0, result.output
    shown = helpers.call_action("package_show", id="budget-2014")
    assert shown["communes"] == ["200069854"]
    assert shown["frequency"] == EU + "frequency/UNKNOWN"
    assert shown["theme"] == [EU + "data-theme/ECON"]
    # a second run has nothing left to do
    again = cli.invoke(ckan, ["poitiers", "migrate", "--dry-run"])
    assert "«" not in again.output


def test_wrong_defaults_are_refused(cli, legacy):
    result = cli.invoke(ckan, ["poitiers", "migrate", "--apply", "--default-communes", "75056"])
    assert result.exit_code != 0
    assert "75056" in result.output
    assert not helpers.call_action("package_show", id="parkings-2015").get("communes")


def test_reserved_extras_keep_their_value_and_the_dry_run_reports_refusals(cli, org, call):
    _stock(org["id"], "velos-2016", {"temporal_start": "31/12/2016", "temporal_end": "fin 2017",
                                     "spatial-text": "Vienne", "theme": "Transports"})
    # CKAN's default schema accepted any text as the dataset's address
    _stock(org["id"], "ancien-site", {"theme": "Transports"}, url="www.poitiers.fr")
    before = helpers.call_action("package_show", id="ancien-site")
    defaults = ["--default-communes", "86194", "--default-frequency", "unknown",
                "--default-personal-data", "none"]
    dry = cli.invoke(ckan, ["poitiers", "migrate", "--dry-run", *defaults])
    assert dry.exit_code == 0, dry.output
    out = dry.output
    assert "« temporal_end » est conservé sous le nom « ancien_temporal_end »" in out
    assert "fin 2017" in out and "Vienne" in out  # reported as matching nothing
    refused = out.split("« ancien-site »")[1]
    assert "--apply serait refusé" in refused and "http" in refused
    # the dry run wrote nothing, in the database or in the index
    assert helpers.call_action("package_show", id="ancien-site") == before
    assert helpers.call_action("package_search", fq='frequency:[* TO *]')["count"] == 0

    applied = cli.invoke(ckan, ["poitiers", "migrate", "--apply", *defaults])
    assert applied.exit_code == 1  # ancien-site is refused, as the dry run said
    assert "« ancien-site »" in applied.output.split("✘ refusé")[0]
    shown = helpers.call_action("package_show", id="velos-2016")
    assert shown["temporal_coverage"] == [{"start": "2016-12-31"}]
    extras = {e["key"]: e["value"] for e in shown.get("extras", [])}
    assert extras == {"ancien_temporal_end": "fin 2017", "ancien_spatial-text": "Vienne"}
    # and an edit afterwards keeps them
    call("package_patch", id="velos-2016", title="Vélos 2016")
    kept = helpers.call_action("package_show", id="velos-2016")
    assert {e["key"] for e in kept.get("extras", [])} == {"ancien_temporal_end",
                                                          "ancien_spatial-text"}
