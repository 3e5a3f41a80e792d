"""The French demo content loads through the action API, is searchable, and reloads in place."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from ckan.cli.cli import ckan
from ckan.tests import helpers

from ckanext.poitiers import demo

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("with_plugins")]


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_demo_loads_is_found_by_search_and_reloads_without_duplicates():
    content = demo.read()
    first = demo.load(echo=lambda _line: None)
    assert first["created"] == len(content["datasets"]) >= 30
    assert first["organizations"] == len(content["organizations"])

    everything = helpers.call_action("package_search", rows=0)
    assert everything["count"] == len(content["datasets"])
    assert helpers.call_action("package_search", q="Vitalis")["count"] >= 1
    assert helpers.call_action("package_search", q="délibérations")["count"] >= 1
    assert helpers.call_action("package_search", fq="organization:ville-de-poitiers")["count"] >= 1

    vitalis = helpers.call_action("package_show", id="offre-de-transport-du-reseau-vitalis")
    activities = helpers.call_action("package_activity_list", id=vitalis["id"])
    org_activities = helpers.call_action("organization_activity_list", id="ville-de-poitiers")
    second = demo.load(echo=lambda _line: None)
    assert second["created"] == second["updated"] == 0
    assert second["unchanged"] == len(content["datasets"])
    assert helpers.call_action("package_search", rows=0)["count"] == len(content["datasets"])
    # nothing rewritten: same dataset, same resources, no new activity
    again = helpers.call_action("package_show", id=vitalis["id"])
    assert again["metadata_modified"] == vitalis["metadata_modified"]
    assert [r["id"] for r in again["resources"]] == [r["id"] for r in vitalis["resources"]]
    assert helpers.call_action("package_activity_list", id=vitalis["id"]) == activities
    assert helpers.call_action("organization_activity_list",
                               id="ville-de-poitiers") == org_activities


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_changed_demo_entry_is_updated_in_place(tmp_path):
    content = demo.read()
    demo.load(echo=lambda _line: None)
    entry = next(d for d in content["datasets"] if len(d.get("resources", [])) >= 2)
    before = helpers.call_action("package_show", id=entry["name"])
    entry["title"] = "Titre revu"
    entry["resources"][0]["name"] = "Ressource renommée"
    changed = tmp_path / "demo.yaml"
    changed.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")

    counts = demo.load(str(changed), echo=lambda _line: None)
    assert counts["updated"] == 1
    assert counts["unchanged"] == len(content["datasets"]) - 1
    after = helpers.call_action("package_show", id=entry["name"])
    assert after["title"] == "Titre revu"
    assert after["resources"][0]["name"] == "Ressource renommée"
    # the resources keep their ids (their pages keep their addresses)
    assert [r["id"] for r in after["resources"]] == [r["id"] for r in before["resources"]]
    assert helpers.call_action("package_search", q="Titre revu")["count"] == 1


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_cli_refuses_a_broken_demo_file_and_stores_nothing(cli, tmp_path):
    bad = tmp_path / "demo.yaml"
    bad.write_text("organizations: []\ndatasets:\n  - name: Nom Invalide!\n    title: x\n",
                   encoding="utf-8")
    result = cli.invoke(ckan, ["poitiers", "demo", "load", "--file", str(bad)])
    assert result.exit_code != 0
    assert "démonstration" in result.output
    assert helpers.call_action("package_search", rows=0)["count"] == 0


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_cli_refuses_a_file_without_datasets(cli, tmp_path):
    bad = tmp_path / "demo.yaml"
    bad.write_text("- juste une liste\n", encoding="utf-8")
    result = cli.invoke(ckan, ["poitiers", "demo", "load", "--file", str(bad)])
    assert result.exit_code != 0
    assert "datasets" in result.output


@pytest.mark.usefixtures("clean_db", "clean_index")
@pytest.mark.parametrize("text,expected", [
    ("datasets: [a\n  - b: : c\n", "n’est pas du YAML valide (ligne"),
    ("datasets: [foo]\n", "L’entrée 1 de «\u00a0datasets\u00a0» n’est pas un ensemble de champs"),
    ("datasets:\n  - title: Sans nom\n", "L’entrée 1 de «\u00a0datasets\u00a0» n’a pas de "
                                         "«\u00a0name\u00a0»"),
    ("organizations:\n  - title: x\ndatasets: []\n",
     "L’entrée 1 de «\u00a0organizations\u00a0» n’a pas de «\u00a0name\u00a0»"),
    ("datasets:\n  - name: a\n    resources: https://x.invalid\n",
     "«\u00a0resources\u00a0» du jeu de données «\u00a0a\u00a0» doit être une liste"),
    ("datasets:\n  - name: a\n    resources: [https://x.invalid]\n",
     "Une ressource du jeu de données «\u00a0a\u00a0» n’est pas un ensemble de champs"),
    ("organizations: ville\ndatasets: []\n", "«\u00a0organizations\u00a0» doit être une liste"),
])
def test_cli_explains_a_malformed_demo_file_in_french(cli, tmp_path, text, expected):
    bad = tmp_path / "demo.yaml"
    bad.write_text(text, encoding="utf-8")
    result = cli.invoke(ckan, ["poitiers", "demo", "load", "--file", str(bad)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    assert "Traceback" not in result.output
    assert result.output.startswith("Erreur\u00a0: "), result.output
    assert expected in result.output, result.output
    assert helpers.call_action("organization_list") == []


def test_cli_explains_a_missing_file_and_a_bad_url_in_french(cli, tmp_path):
    result = cli.invoke(ckan, ["poitiers", "demo", "load", "--file", str(tmp_path / "x.yaml")])
    assert result.exit_code == 1
    assert "Erreur\u00a0: Impossible de lire le fichier de démonstration" in result.output
    result = cli.invoke(ckan, ["poitiers", "demo", "sources", "--url", "http://[::1"])
    assert result.exit_code == 2
    assert result.output.startswith("Erreur\u00a0: --url\u00a0: «\u00a0http://[::1\u00a0» n’est "
                                    "pas une adresse http:// ou https://"), result.output
    result = cli.invoke(ckan, ["poitiers", "migrate", "--default-communes", "75056"])
    assert result.exit_code == 2
    assert ("Erreur\u00a0: --default-communes\u00a0: «\u00a075056\u00a0» n’est pas le code Insee "
            "d’une commune de Grand Poitiers") in result.output


@pytest.mark.usefixtures("clean_db")
def test_cli_says_in_french_that_solr_stopped_the_load(closed_port):
    # the command as an administrator runs it, Solr stopped: a traceback before
    ini = Path(__file__).resolve().parents[2] / "test.ini"
    result = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "ckan"), "-c", str(ini), "poitiers",
         "demo", "load"], capture_output=True, text=True, timeout=300,
        env=dict(os.environ, CKAN_SOLR_URL=f"http://127.0.0.1:{closed_port}/solr/ckan"))
    assert result.returncode == 1, result.stdout + result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(
        "Erreur\u00a0: Le chargement de la démonstration s’est arrêté\u00a0: "), (
        result.stderr[-2000:])
    assert "relancez la commande" in last


@pytest.mark.usefixtures("clean_db")
def test_cli_says_in_french_that_solr_stopped_the_demo_sources(closed_port):
    from ckan.tests import factories

    for name in ("grand-poitiers", "ville-de-poitiers"):
        factories.Organization(name=name)
    ini = Path(__file__).resolve().parents[2] / "test.ini"
    result = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "ckan"), "-c", str(ini), "poitiers",
         "demo", "sources", "--url", "http://127.0.0.1:9", "--no-run"],
        capture_output=True, text=True, timeout=300,
        env=dict(os.environ, CKAN_SOLR_URL=f"http://127.0.0.1:{closed_port}/solr/ckan"))
    assert result.returncode == 1, result.stdout + result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("Erreur\u00a0: Les sources moissonnées de démonstration n’ont pas pu "
                           "être enregistrées\u00a0: "), result.stderr[-2000:]
    assert helpers.call_action("harvest_source_list") == []


@pytest.mark.usefixtures("clean_db")
def test_ensure_sysadmin_does_not_call_a_deleted_user_ready(tmp_path):
    from ckan.tests import factories

    factories.User(name="alice", state="deleted")
    secret = tmp_path / "password"
    secret.write_text("un-mot-de-passe-solide\n", encoding="utf-8")
    ini = Path(__file__).resolve().parents[2] / "test.ini"
    result = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "ckan"), "-c", str(ini), "poitiers",
         "ensure-sysadmin", "alice", "--email", "alice@poitiers.invalid", "--password-file",
         str(secret)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stdout + result.stderr
    assert ("Erreur\u00a0: L’utilisateur «\u00a0alice\u00a0» existe mais a été "
            "supprimé") in result.stderr
    assert "est prêt" not in result.stdout


@pytest.mark.parametrize("args, message, usage", [
    (["demo", "sources"], "Erreur\u00a0: L’option --url manque.",
     "Utilisation\u00a0: ckan poitiers demo sources [OPTIONS]"),
    (["migrate", "--dry"], "Erreur\u00a0: Option inconnue\u00a0: --dry. Vouliez-vous dire "
                           "--dry-run\u00a0?",
     "Utilisation\u00a0: ckan poitiers migrate [OPTIONS]"),
    (["ensure-sysadmin"], "Erreur\u00a0: L’argument NAME manque.",
     "Utilisation\u00a0: ckan poitiers ensure-sysadmin [OPTIONS] NAME"),
    (["ensure-sysadmin", "bob", "--email"], "Erreur\u00a0: L’option --email demande une valeur.",
     "Utilisation\u00a0: ckan poitiers ensure-sysadmin [OPTIONS] NAME"),
    (["doctor", "extra"], "Erreur\u00a0: Argument inattendu\u00a0: extra.",
     "Utilisation\u00a0: ckan poitiers doctor [OPTIONS]"),
    (["demo", "unload"], "Erreur\u00a0: Commande inconnue «\u00a0unload\u00a0»\u00a0; les "
                         "commandes sont\u00a0: load, "
     "sources.", "Utilisation\u00a0: ckan poitiers demo [OPTIONS] COMMAND [ARGS]..."),
    (["--verbose"], "Erreur\u00a0: Option inconnue\u00a0: --verbose.",
     "Utilisation\u00a0: ckan poitiers [OPTIONS] COMMAND [ARGS]..."),
])
def test_a_command_line_click_refuses_is_explained_in_french(cli, args, message, usage):
    result = cli.invoke(ckan, ["poitiers", *args])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert lines == [message, usage, f"Aide\u00a0: {usage.split(' [')[0].split(': ', 1)[1]} "
                     "--help"], result.output
    assert "Usage:" not in result.output and "Try '" not in result.output
