"""`ckan poitiers migrate` on datasets made with CKAN's default schema and free extras."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
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
                        state=core.pop("state", "active"), owner_org=org_id,
                        notes=core.pop("notes", "Ancien jeu."),
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
    # before any migration: searched, and in the DCAT catalogue with their free extras
    assert helpers.call_action("package_search", q="parkings")["results"][0]["name"] == (
        "parkings-2015")
    for path in ("/dataset/parkings-2015.ttl", "/dataset/budget-2014.rdf", "/catalog.ttl"):
        answer = app.get(path)
        assert answer.status_code == 200, path
    assert "Parkings 2015" in app.get("/catalog.ttl").get_data(as_text=True)


def test_dry_run_reports_and_changes_nothing(cli, legacy):
    before = helpers.call_action("package_show", id="parkings-2015")
    result = cli.invoke(ckan, ["poitiers", "migrate", "--dry-run"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "«\u00a0parkings-2015\u00a0»" in out and "«\u00a0budget-2014\u00a0»" in out
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
    assert ("«\u00a0temporal_end\u00a0» est conservé sous le nom "
            "«\u00a0ancien_temporal_end\u00a0»") in out
    assert "fin 2017" in out and "Vienne" in out  # reported as matching nothing
    refused = out.split("«\u00a0ancien-site\u00a0»")[1]
    assert "--apply serait refusé" in refused and "http" in refused
    # the dry run wrote nothing, in the database or in the index
    assert helpers.call_action("package_show", id="ancien-site") == before
    assert helpers.call_action("package_search", fq='frequency:[* TO *]')["count"] == 0

    applied = cli.invoke(ckan, ["poitiers", "migrate", "--apply", *defaults])
    assert applied.exit_code == 1  # ancien-site is refused, as the dry run said
    assert "«\u00a0ancien-site\u00a0»" in applied.output.split("✘ refusé")[0]
    shown = helpers.call_action("package_show", id="velos-2016")
    assert shown["temporal_coverage"] == [{"start": "2016-12-31"}]
    extras = {e["key"]: e["value"] for e in shown.get("extras", [])}
    assert extras == {"ancien_temporal_end": "fin 2017", "ancien_spatial-text": "Vienne"}
    # and an edit afterwards keeps them
    call("package_patch", id="velos-2016", title="Vélos 2016")
    kept = helpers.call_action("package_show", id="velos-2016")
    assert {e["key"] for e in kept.get("extras", [])} == {"ancien_temporal_end",
                                                          "ancien_spatial-text"}


# ---------------------------------------------------------------- as an administrator runs it

TEST_INI = Path(__file__).resolve().parents[3] / "test.ini"
DEFAULTS = ["--default-communes", "86194", "--default-frequency", "unknown",
            "--default-personal-data", "none"]


def _ckan(*args, **env):
    """The real ``ckan`` command on test.ini (the test database, Solr and Redis)."""
    result = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "ckan"), "-c", str(TEST_INI), *args],
        env=dict(os.environ, **env), capture_output=True, text=True, timeout=300,
        cwd=TEST_INI.parent)
    return result.returncode, result.stdout, result.stderr


def _snapshot():
    """What the database and the index hold for every dataset (rows, extras, activities, and
    the indexed dict's modification time)."""
    model.Session.remove()
    rows = [(p.id, p.name, p.state, p.private, p.license_id, p.metadata_modified,
             sorted(p.extras.items()), getattr(p, "plugin_data", None),
             sorted(t.name for t in p.get_tags()), [(r.id, r.url) for r in p.resources])
            for p in model.Session.query(model.Package).order_by(model.Package.name)]
    activities = model.Session.execute(sa.text("SELECT count(*) FROM activity")).scalar()
    indexed = {d["name"]: d["metadata_modified"] for d in helpers.call_action(
        "package_search", q="*:*", include_private=True, include_drafts=True, rows=100,
        context={"ignore_auth": True})["results"]}
    return rows, activities, indexed


@pytest.fixture
def mixed(org):
    """Datasets as a portal holds them before the install: free-text licences and French
    topic words, a private one, a draft, a deleted one, tags."""
    ids = {
        "culture": _stock(org["id"], "agenda-2013", {"theme": "Culture", "frequency": "weekly"},
                          license_id="Licence Ouverte v2.0"),
        "prive": _stock(org["id"], "notes-internes", {"theme": "Transports"}, private=True,
                        license_id="licence-maison"),
        "brouillon": _stock(org["id"], "brouillon-2016", {"theme": "Économie"},
                            state="draft"),
        "supprime": _stock(org["id"], "supprime-2012", {"theme": "Transports"},
                           state="deleted"),
    }
    pkg = model.Package.get(ids["culture"])
    for name in ("concerts", "théâtre"):
        tag = model.Tag(name=name)
        model.Session.add(tag)
        model.Session.add(model.PackageTag(package=pkg, tag=tag))
    model.Session.commit()
    rebuild(ids["culture"])
    return ids


def test_the_dry_run_writes_nothing_anywhere(mixed):
    before = _snapshot()
    code, out, err = _ckan("poitiers", "migrate", "--dry-run", *DEFAULTS)
    assert code == 0, out + err
    assert "«\u00a0agenda-2013\u00a0»" in out and "«\u00a0notes-internes\u00a0»" in out
    assert "supprime-2012" not in out  # deleted datasets are left alone
    # database rows, extras, activities and the index are those of before
    assert _snapshot() == before


def test_apply_maps_licences_and_topic_words_keeps_privacy_and_is_idempotent(mixed, app, call):
    code, out, err = _ckan("poitiers", "migrate", "--apply", *DEFAULTS)
    # notes-internes has a licence the portal does not offer: reported, left unchanged
    assert code == 1, out + err
    part = out.split("«\u00a0notes-internes\u00a0»")[1].split("\n«\u00a0")[0]
    assert "licence-maison" in part and "license_id" in part
    shown = helpers.call_action("package_show", id="agenda-2013")
    assert shown["license_id"] == "lov2"  # « Licence Ouverte v2.0 » was free text
    assert shown["theme"] == [EU + "data-theme/EDUC"]  # « Culture », as the harvesters map it
    assert shown["poitiers_theme"] == ["culture-agenda"]
    assert {t["name"] for t in shown["tags"]} == {"concerts", "théâtre"}
    draft = helpers.call_action("package_show", id="brouillon-2016")
    assert draft["state"] == "draft" and draft["theme"] == [EU + "data-theme/ECON"]
    deleted = model.Package.get(mixed["supprime"])
    assert deleted.state == "deleted" and "theme" in deleted.extras

    # the licence given as a default completes the private one, which stays private
    code, out, err = _ckan("poitiers", "migrate", "--apply", *DEFAULTS,
                           "--default-license", "Licence Ouverte / Open Licence version 2.0")
    assert code == 0, out + err
    private = helpers.call_action("package_show", id="notes-internes")
    assert private["private"] is True and private["license_id"] == "lov2"
    assert helpers.call_action("package_search", q="name:notes-internes")["count"] == 0
    catalog = app.get("/catalog.ttl").get_data(as_text=True)
    assert "Agenda 2013" in catalog and "Notes Internes" not in catalog

    # a third run has nothing to do and writes nothing
    before = _snapshot()
    code, out, err = _ckan("poitiers", "migrate", "--apply", *DEFAULTS)
    assert code == 0, out + err
    assert "«" not in out
    assert _snapshot() == before

    # migrated datasets edit, search and export as the others
    call("package_patch", id="agenda-2013", title="Agenda culturel 2013")
    assert helpers.call_action("package_search", q="théâtre")["results"][0]["name"] == (
        "agenda-2013")
    ttl = app.get("/dataset/agenda-2013.ttl")
    assert ttl.status_code == 200
    assert "etalab-2.0" in ttl.get_data(as_text=True) or "lov2" in ttl.get_data(as_text=True)


def test_apply_stops_clearly_when_solr_is_down_and_leaves_the_datasets_unchanged(
        legacy, closed_port):
    before = _snapshot()
    code, out, err = _ckan("poitiers", "migrate", "--apply", *DEFAULTS,
                           CKAN_SOLR_URL=f"http://127.0.0.1:{closed_port}/solr/ckan")
    assert code == 1, out + err
    # CKAN logs its own Solr check at start; the command ends with our message, not a traceback
    last = err.strip().splitlines()[-1]
    assert last.startswith(
        "Erreur\u00a0: La migration s’est arrêtée à «\u00a0parkings-2015\u00a0», qui n’est pas "
        "modifié"), err
    assert "Migrés avant lui\u00a0: aucun jeu de données" in last
    assert _snapshot() == before


@pytest.mark.parametrize("args,expected", [
    (["poitiers", "migrate", "--default-personal-data", "personal"],
     "Erreur\u00a0: --default-personal-data\u00a0: «\u00a0personal\u00a0» ne fait pas partie des "
     "valeurs proposées"),
    (["poitiers", "migrate", "--default-license", "licence maison"],
     "Erreur\u00a0: --default-license\u00a0: «\u00a0licence maison\u00a0» ne fait pas partie des "
     "licences du portail"),
    (["poitiers", "demo", "sources", "--url", "http://127.0.0.1:9", "--timeout", "0"],
     "Erreur\u00a0: --timeout\u00a0: «\u00a00\u00a0» n’est pas un nombre entier de 1 à 7200"),
    (["poitiers", "demo", "sources", "--url", "http://127.0.0.1:9", "--timeout", "dix"],
     "Erreur\u00a0: --timeout\u00a0: «\u00a0dix\u00a0» n’est pas un nombre entier de 1 à 7200"),
    (["poitiers", "ensure-sysadmin", "admin", "--email", "a@poitiers.invalid",
      "--password-file", "/nonexistent/password"],
     "Erreur\u00a0: --password-file\u00a0: Impossible de lire le fichier /nonexistent/password"),
])
def test_wrong_option_values_are_refused_in_french(args, expected):
    code, out, err = _ckan(*args)
    assert code == 2, out + err
    assert expected in err
    assert "Invalid value" not in err and "Traceback" not in err


def test_a_password_file_that_is_not_text_is_refused(tmp_path):
    secret = tmp_path / "password"
    secret.write_bytes(b"\xff\xfe\x00mot")
    code, out, err = _ckan("poitiers", "ensure-sysadmin", "admin", "--email",
                           "a@poitiers.invalid", "--password-file", str(secret))
    assert code == 2, out + err
    assert f"Le fichier {secret} n’est pas du texte UTF-8." in err
    assert "Traceback" not in err


def test_apply_refuses_when_the_poitiers_schema_is_not_the_live_one(legacy, tmp_path):
    # a portal whose ckan.ini still names its own scheming schema
    ini = tmp_path / "other-schema.ini"
    ini.write_text(
        f"[app:main]\nuse = config:{TEST_INI}\n"
        "scheming.dataset_schemas = ckanext.scheming:ckan_dataset.yaml\n"
        # CKAN 2.11 reads the logging sections of the file itself
        "\n[loggers]\nkeys = root\n[handlers]\nkeys = console\n[formatters]\nkeys = generic\n"
        "[logger_root]\nlevel = WARN\nhandlers = console\n"
        "[handler_console]\nclass = StreamHandler\nargs = (sys.stderr,)\nlevel = NOTSET\n"
        "formatter = generic\n[formatter_generic]\nformat = %(levelname)s %(message)s\n",
        encoding="utf-8")
    before = _snapshot()
    result = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "ckan"), "-c", str(ini), "poitiers",
         "migrate", "--apply", *DEFAULTS], capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stdout + result.stderr
    assert ("Erreur\u00a0: Le schéma des jeux de données en service n’est pas celui de Poitiers "
            "(il n’a pas de frequency, theme, poitiers_theme, communes") in result.stderr
    assert "scheming.dataset_schemas = ckanext.poitiers.schemas:dataset.yaml" in result.stderr
    # before the fix, parkings-2015 lost its frequency, theme, commune and dates (the free
    # extras were removed, the other schema dropped the new fields)
    assert _snapshot() == before


def test_a_user_refused_by_ckan_names_the_fields_in_french(tmp_path):
    secret = tmp_path / "password"
    secret.write_text("court", encoding="utf-8")
    code, out, err = _ckan("poitiers", "ensure-sysadmin", "nouvel-admin", "--email",
                           "pas-un-courriel", "--password-file", str(secret))
    assert code != 0, out + err
    assert "Impossible de créer l’utilisateur" in err, err
    assert "Mot de passe\u00a0:" in err and "Courriel\u00a0:" in err, err
    assert "password\u00a0:" not in err and "Traceback" not in err
