"""No English on the pages administrators and publishers use: harvest sources (list, form,
dashboard, job list, job report with errors, the confirmations of its buttons and the messages
after them), /ckan-admin (index, config, trash, activities, requests), organisation pages (edit,
members, member form, bulk process, delete), user pages (edit, API tokens, profile, list,
dashboard tabs), dataset and resource forms and their delete confirmations, as a sysadmin, as an
organisation editor and logged out (the refusals).

Same scan as ``test_french_ui.py`` (``english_scan.py``: the strings CKAN's French catalogue
leaves empty or lacks, those of ckanext-harvest, ckanext-dcat and ckanext-scheming, and the
English their templates and presets write outside gettext, in the text, the accessible names and
the confirmation texts), plus the one-word strings and the JavaScript strings of the forms'
widgets. A second harvest source has a job running: its dashboard shows the disabled
« Reharvest » and « Stop », its job list the statuses of jobs not finished."""
from __future__ import annotations

import datetime as dt
import json
import os
import re

import pytest
from bs4 import BeautifulSoup
from ckan import model
from ckan.plugins import toolkit
from ckan.tests import factories

from ckanext.harvest.model import HarvestGatherError, HarvestJob, HarvestObject, HarvestObjectError
from tests.integration.theme.english_scan import english_on

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("theme_db", "with_plugins")]


def _job(source_id: str, status: str, day: int) -> HarvestJob:
    started = dt.datetime(2026, 11, day, 3, 0)
    job = HarvestJob(source_id=source_id, status=status, created=started,
                     gather_started=started)
    if status != "Running":
        job.gather_finished = started + dt.timedelta(minutes=1)
        job.finished = started + dt.timedelta(minutes=5)
    job.save()
    return job


def _finished_job(source_id: str) -> str:
    """A finished harvest job with a gather error, an object in error, one added and one
    updated: the job report then shows every block (summary, errors of the job and of the
    documents)."""
    job = _job(source_id, "Finished", 2)
    HarvestGatherError(job=job, message="Catalogue injoignable (délai dépassé)").save()
    for guid, status in [("jeu-en-erreur", "errored"), ("jeu-ajoute", "added"),
                         ("jeu-mis-a-jour", "updated"), ("jeu-inchange", "not modified")]:
        obj = HarvestObject(guid=guid, job=job, harvest_source_id=source_id, report_status=status,
                            state="ERROR" if status == "errored" else "COMPLETE",
                            current=status != "errored", content="{}")
        obj.save()
        if status == "errored":
            HarvestObjectError(object=obj, stage="Import",
                               message="Licence inconnue : « cc-zero-x »").save()
    model.Session.commit()
    return job.id


def _running_job(source_id: str) -> str:
    """A source whose jobs finished, were aborted, and one running now (the last one)."""
    for status, day in [("Finished", 3), ("Aborted", 4)]:
        _job(source_id, status, day)
    job = _job(source_id, "Running", 5)
    model.Session.commit()
    return job.id


@pytest.fixture
def admin_content(make_dataset):
    # (the factories' random English texts are replaced: the scan would find a msgid in them)
    editor = factories.UserWithToken(name="editrice", fullname="Éditrice",
                                     about="Publie les données de la ville.")
    sysadmin = factories.SysadminWithToken(name="administratrice", fullname="Administratrice",
                                           about="Administre le portail.")
    org = factories.Organization(name="grand-poitiers", title="Grand Poitiers",
                                 description="Les données de la communauté urbaine.",
                                 users=[{"name": editor["name"], "capacity": "editor"}])
    dataset = make_dataset(
        owner_org=org["id"], name="parkings", title="Parkings en temps réel",
        tags=[{"name": "stationnement"}],
        resources=[{"name": "Parkings (CSV)", "format": "CSV",
                    "url": "https://data.example.org/parkings.csv"}])
    site_user = toolkit.get_action("get_site_user")({"ignore_auth": True}, {})
    source = toolkit.get_action("harvest_source_create")({"user": site_user["name"]}, {
        "name": "moissonnage-exemple", "title": "Catalogue d’exemple",
        "url": "http://127.0.0.1:9/catalogue", "source_type": "poitiers_dcat",
        "owner_org": org["id"], "frequency": "MANUAL"})
    job = _finished_job(source["id"])
    running = toolkit.get_action("harvest_source_create")({"user": site_user["name"]}, {
        "name": "moissonnage-en-cours", "title": "Catalogue en cours de moissonnage",
        "url": "http://127.0.0.1:9/autre-catalogue", "source_type": "poitiers_dcat",
        "owner_org": org["id"], "frequency": "MANUAL"})
    running_job = _running_job(running["id"])
    return {"org": org, "dataset": dataset, "editor": editor, "sysadmin": sysadmin,
            "source": source, "job": job, "running_job": running_job}


def _pages(c: dict, user: dict) -> list[str]:
    res = c["dataset"]["resources"][0]["id"]
    me = user["name"]
    return [
        # dataset and resource forms, confirmations
        "/dataset/new", "/dataset/edit/parkings", "/dataset/parkings/resource/new",
        f"/dataset/parkings/resource/{res}/edit", "/dataset/resources/parkings",
        "/dataset/delete/parkings", f"/dataset/parkings/resource/{res}/delete",
        f"/dataset/parkings/resource/{res}/views", "/dataset/groups/parkings",
        "/dataset/activity/parkings", "/dataset/collaborators/parkings",
        # organisation
        "/organization/new", "/organization/edit/grand-poitiers",
        "/organization/members/grand-poitiers", "/organization/manage_members/grand-poitiers",
        "/organization/member_new/grand-poitiers", "/organization/grand-poitiers",
        "/organization/bulk_process/grand-poitiers", "/organization/delete/grand-poitiers",
        "/organization/activity/grand-poitiers", "/organization/about/grand-poitiers",
        # user
        f"/user/edit/{me}", f"/user/{me}/api-tokens", f"/user/{me}", "/user/",
        f"/user/activity/{me}", f"/user/{me}/organizations", f"/user/{me}/groups",
        "/dashboard/", "/dashboard/datasets",
        "/dashboard/organizations", "/dashboard/groups",
        # harvest
        "/harvest/", "/harvest/new", "/harvest/edit/moissonnage-exemple",
        "/harvest/admin/moissonnage-exemple", "/harvest/moissonnage-exemple/job",
        f"/harvest/moissonnage-exemple/job/{c['job']}", "/harvest/moissonnage-exemple/job/last",
        "/harvest/about/moissonnage-exemple", "/harvest/?q=catalogue",
        "/harvest/admin/moissonnage-en-cours", "/harvest/moissonnage-en-cours/job",
        f"/harvest/moissonnage-en-cours/job/{c['running_job']}",
        # administration
        "/ckan-admin", "/ckan-admin/config", "/ckan-admin/trash", "/ckan-admin/activities",
        "/ckan-admin/demandes",
    ]


def _english_on(app, c: dict, who: str | None) -> dict[str, list[str]]:
    user = c[who] if who else c["editor"]
    headers = {"Authorization": c[who]["token"]} if who else {}
    # (as an editor or logged out, some pages are refusals: any status but a server error)
    return english_on(app, _pages(c, user), headers=headers, status=None)


def _sysadmin_soup(app, c: dict):
    """The page at a path, as the sysadmin sees it, parsed."""
    headers = {"Authorization": c["sysadmin"]["token"]}
    return lambda path: BeautifulSoup(app.get(path, headers=headers).body, "html.parser")


def text(el) -> str:
    """An element's text, white space collapsed, no-break spaces kept."""
    return re.sub(r"[ \t\r\n]+", " ", el.get_text(" ")).strip()


@pytest.mark.parametrize("who", ["sysadmin", "editor", None])
def test_admin_and_publisher_pages_speak_french_only(app, admin_content, who):
    found = _english_on(app, admin_content, who)
    assert found == {}, json.dumps(found, indent=1, ensure_ascii=False)


def test_one_word_strings_in_french(app, admin_content):
    """The words the scan above leaves aside: the counts of the harvest job badges (their
    msgids are built at run time), the job list's titles, the tabs and buttons of
    /ckan-admin, the report's columns."""
    c = admin_content
    soup = _sysadmin_soup(app, c)

    dashboard = soup("/harvest/admin/moissonnage-exemple")
    badges = [text(b) for b in dashboard.select(".module-content .badge")]
    assert badges == ["2 erreur(s)", "1 ajouté(s)", "1 mis à jour", "0 supprimé(s)",
                      "1 inchangé(s)"]
    assert dashboard.find("th", string="Identifiant")
    jobs = soup("/harvest/moissonnage-exemple/job")
    assert text(jobs.select_one(".dataset-heading a")) == f"Moissonnage\u00a0: {c['job']}"
    assert [b["title"] for b in jobs.select(".badge[title]")] == [
        "ajouté(s)", "mis à jour", "supprimé(s)", "inchangé(s)"]
    report = soup(f"/harvest/moissonnage-exemple/job/{c['job']}")
    assert [text(th) for th in report.select(".harvest-error-summary th")][:2] == [
        "Nombre", "Message"]
    assert "1 jeu(x) moissonné(s) en erreur" in text(report)
    admin = soup("/ckan-admin")
    tabs = [text(a) for a in admin.select(".page-header a, .nav-tabs a, .content_nav a")]
    assert "Moissonnage" in tabs and "Harvest" not in tabs, tabs
    assert "Activities" not in tabs  # (CKAN 2.12's tab: « Activités »)
    assert text(admin.select_one("form button.btn-primary")) == "Nommer"
    form = soup("/dataset/edit/parkings")
    unpublish = [text(b) for b in form.find_all("button", value="go-metadata-unpublish")]
    # (CKAN 2.12's button, which CKAN 2.11 does not have)
    assert unpublish == (["Dépublier"] if toolkit.check_ckan_version(min_version="2.12") else [])
    org = soup("/organization/grand-poitiers")
    assert [text(b) for b in org.select("form button.js-hide")] == ["Valider"]


def test_harvest_jobs_and_forms_in_french(app, admin_content):
    """The English ckanext-harvest and CKAN write outside gettext, one word or a value the scan
    above cannot know: the disabled « Reharvest » while a job waits or runs, « Stop », the
    statuses of the jobs not finished, the labels of the source list (their colon), the
    placeholders of /ckan-admin and of the resource's address, the label of /ckan-admin's field."""
    c = admin_content
    soup = _sysadmin_soup(app, c)

    running = soup("/harvest/admin/moissonnage-en-cours")
    disabled = running.select_one(".content_action a.disabled")
    assert text(disabled) == "Moissonner à nouveau"
    assert disabled["title"] == "Un moissonnage de cette source est déjà en attente ou en cours"
    stop = running.find("a", href=re.compile(r"/job/.+/abort$"))
    assert text(stop) == "Arrêter" and stop["title"] == "Arrêter ce moissonnage"
    assert text(running.find("th", string="État").find_next("td")) == "En cours"
    finished = soup("/harvest/admin/moissonnage-exemple")
    assert not finished.select(".content_action a.disabled")
    assert finished.find("a", href=re.compile(r"/job/.+/abort$")) is None
    jobs = soup("/harvest/moissonnage-en-cours/job")
    # (the finished job has no badge of status but its counts)
    assert [text(b) for b in jobs.select(".dataset-heading .badge")] == ["En cours", "Interrompu"]
    times = [text(p) for p in jobs.select(".dataset-content p")]
    assert len(times) == 3 and all(
        re.match(r"Commencé\u00a0: \S.* — Terminé\u00a0: \S", t) for t in times), times
    sources = soup("/harvest/?q=catalogue")
    lines = [text(p) for p in sources.select(".dataset-item p.muted")]
    assert lines and all(line.endswith("— Organisation\u00a0: Grand Poitiers") for line in lines)
    admin = soup("/ckan-admin")
    assert admin.find(id="promote-username")["placeholder"] == "Nom d’utilisateur"
    # the field has a label of its own, not only a placeholder (RGAA 11.1)
    labels = admin.find_all("label", attrs={"for": "promote-username"})
    assert [text(label) for label in labels] == ["Nom d’utilisateur"]
    res = c["dataset"]["resources"][0]["id"]
    for path in ["/dataset/parkings/resource/new", f"/dataset/parkings/resource/{res}/edit"]:
        assert soup(path).find(id="field-resource-url")["placeholder"] == (
            "ex. https://exemple.fr/donnees.csv")
    english = soup("/en/dataset/parkings/resource/new")
    assert english.find(id="field-resource-url")["placeholder"] == (
        "e.g. https://example.org/data.csv")


def test_harvest_job_dates_in_french_word_order(app, admin_content):
    """The job list dates its jobs as French writes a date (« 2 novembre 2026 à 04:00 »), not
    in CKAN's English order (« novembre 2, 2026, 04:00 (+0100) »); English as CKAN writes it."""
    headers = {"Authorization": admin_content["sysadmin"]["token"]}

    def times(path):
        page = BeautifulSoup(app.get(path, headers=headers).body, "html.parser")
        return [re.sub(r"\s+", " ", span.get_text()).strip()
                for span in page.select(".dataset-content .automatic-local-datetime")]

    # the finished job: started 03:00 UTC, finished 03:05 UTC (Europe/Paris: UTC+1)
    assert times("/harvest/moissonnage-exemple/job") == [
        "2 novembre 2026 à 04:00", "2 novembre 2026 à 04:05"]
    assert times("/en/harvest/moissonnage-exemple/job") == [
        "November 2, 2026, 04:00 (+0100)", "November 2, 2026, 04:05 (+0100)"]


def test_javascript_strings_in_french(app, admin_content):
    """CKAN's JavaScript modules (confirmation windows, notifications, file upload,
    autocomplete) read their French from /api/i18n/fr, built from the catalogues for the
    msgids used in .js files: ours fills those CKAN's French leaves empty."""
    from ckan.lib import i18n

    target = os.path.join(i18n.get_js_translations_dir(), "fr.js")
    if os.path.exists(target):
        os.remove(target)
    i18n.build_js_translations()
    strings = app.get("/api/i18n/fr").json
    if toolkit.check_ckan_version(min_version="2.12"):  # (strings of CKAN 2.12's JavaScript)
        assert strings["Please Confirm"] == [None, "Confirmation"]
        assert strings["Notification"] == [None, "Notification"]
    assert strings["Close"] == [None, "Fermer"]
    assert strings["Searching..."] == [None, "Recherche en cours…"]
    assert strings["Please select the file to upload again"] == [
        None, "Choisissez de nouveau le fichier à téléverser"]
    assert strings["Reorder resource view"] == [None, "Réordonner les vues de la ressource"]
    # select2's own messages (poitiers-select2-i18n.js): the accessible name of the cross on
    # each chosen value, of the search field, the counts
    assert strings["Remove item"] == [None, "Retirer"]
    assert strings["Remove all items"] == [None, "Tout retirer"]
    assert strings["Search"] == [None, "Rechercher"]
    assert strings["No results found"] == [None, "Aucun résultat"]
    assert strings["Please enter %(num)d or more character"] == [
        "Please enter %(num)d or more characters", "Saisissez au moins %(num)d caractère",
        "Saisissez au moins %(num)d caractères"]
    # and the dataset form loads the script that hands them to select2
    form = BeautifulSoup(app.get("/dataset/new", headers={
        "Authorization": admin_content["editor"]["token"]}).body, "html.parser")
    scripts = [tag["src"] for tag in form.find_all("script", src=True)
               if "poitiers" in tag["src"]]
    assert scripts
    code = "".join(app.get(src).get_data(as_text=True) for src in scripts)
    assert 'removeItem' in code and '_("Remove item")' in code


def test_harvest_actions_tell_in_french(app, admin_content):
    """The messages ckanext-harvest shows after its buttons « Vider » and « Supprimer la
    source » (flash messages on the next page; the buttons post: see harvest_confirm.py)."""
    headers = {"Authorization": admin_content["sysadmin"]["token"]}

    def flash(path):
        body = app.post(path, headers=headers, follow_redirects=True).body
        return [" ".join(a.get_text(" ").split())
                for a in BeautifulSoup(body, "html.parser").select(".flash-messages .alert")]

    source = admin_content["source"]["id"]  # (the buttons' links name the source by its id)
    assert "Source de moissonnage vidée" in flash(f"/harvest/clear/{source}")
    assert "La source de moissonnage a été désactivée." in flash(f"/harvest/delete/{source}")


def test_the_source_form_lists_the_options_of_each_type_of_source(app, admin_content):
    """Under « Configuration », each of our harvesters' options: name, role, JSON type and
    default, in French; the list of the type chosen is open (the first type on a new source, the
    source's own type when editing). The organisations are named by their title."""
    soup = _sysadmin_soup(app, admin_content)
    new = soup("/harvest/new")
    lists = {d["data-source-type"]: d for d in new.select("details.poitiers-config-options")}
    assert set(lists) == {"poitiers_datafair", "poitiers_udata", "poitiers_transport",
                          "poitiers_dcat", "poitiers_openagenda"}
    first = new.find("input", attrs={"name": "source_type", "checked": True})["value"]
    assert [name for name, d in lists.items() if d.has_attr("open")] == [first]
    datafair = lists["poitiers_datafair"]
    assert text(datafair.find("summary")) == (
        "Options du type «\u00a0Data Fair (data.grandpoitiers.fr)\u00a0»")
    def as_read(el):  # the text as a browser shows it (no space added around <code>)
        return re.sub(r"[ \t\r\n]+", " ", el.get_text()).strip()

    rows = {text(dt_): as_read(dt_.find_next_sibling("dd")) for dt_ in datafair.select("dt")}
    # the role, then what the checks of the option accept, said from the option itself
    assert rows["page_size"] == (
        "Nombre de jeux de données demandés à chaque requête. "
        "Attendu\u00a0: un nombre entier de 1 à 1\u202f000. Par défaut\u00a0: 100")
    assert rows["default_personal_data"].endswith(
        "Attendu\u00a0: un texte, parmi\u00a0: none, anonymised, personal. "
        "Par défaut\u00a0: \"none\"")
    assert rows["default_communes"].endswith(
        "Attendu\u00a0: une liste de textes. Par défaut\u00a0: [\"200069854\"]")
    # the options every harvester shares, then its own: what validate_config accepts
    assert list(rows) == ["preserve_fields", "default_communes", "default_frequency",
                          "default_personal_data", "default_themes", "page_size", "filters"]
    assert all(not role.startswith("Attendu") for role in rows.values())  # each has a role
    assert text(new.find(id="field-config-help")).startswith("Un objet JSON")
    assert new.find(id="field-config")["aria-describedby"] == "field-config-help"
    organisations = [text(o) for o in new.select("#field-organizations option")]
    assert "Grand Poitiers" in organisations and "grand-poitiers" not in organisations

    edit = soup("/harvest/edit/moissonnage-exemple")  # a DCAT source
    opened = [d["data-source-type"] for d in edit.select("details.poitiers-config-options")
              if d.has_attr("open")]
    assert opened == ["poitiers_dcat"]
    dcat_rows = {text(dt_): as_read(dt_.find_next_sibling("dd"))
                 for dt_ in edit.select("details[data-source-type=poitiers_dcat] dt")}
    assert list(dcat_rows)[-1] == "rdf_format"
    # the empty text (« guessed ») is said by the role, not listed as a value
    assert "parmi\u00a0: xml, turtle, json-ld, n3, nt." in dcat_rows["rdf_format"]


def test_the_source_form_names_the_types_in_the_pages_language(app, admin_content):
    """The harvesters say their title and description in the portal's default language (their
    messages): the form asks them in the page's language, on the French and English pages."""
    soup = _sysadmin_soup(app, admin_content)
    for path, title, description in [
        ("/harvest/new", "Catalogue DCAT (OpenDataSoft, udata, CKAN…)", "Les jeux de données d’un"),
        ("/en/harvest/new", "DCAT catalogue (OpenDataSoft, udata, CKAN…)",
         "Datasets of a DCAT catalogue"),
    ]:
        page = soup(path)
        label = page.find("label", attrs={"for": "source-type-poitiers_dcat"})
        assert text(label) == title, path
        assert text(page.find(id="source-type-poitiers_dcat-help")).startswith(description)
        summary = page.select_one("details[data-source-type=poitiers_dcat] summary")
        assert title in text(summary)
        # one radio per loaded harvester, the first checked, its list open
        radios = page.select("input[name=source_type]")
        assert len(radios) == len(page.select("details.poitiers-config-options")) == 5
        assert radios[0].has_attr("checked")
        opened = page.select("details.poitiers-config-options[open]")
        assert [d["data-source-type"] for d in opened] == [radios[0]["value"]]


def test_every_option_of_our_harvesters_says_what_it_does():
    from ckan.plugins import PluginImplementations

    from ckanext.harvest.interfaces import IHarvester
    from ckanext.poitiers.harvesters import config as source_config

    ours = [h for h in PluginImplementations(IHarvester) if hasattr(h, "all_options")]
    assert len(ours) == 5
    for harvester in ours:
        for name, option in harvester.all_options().items():
            assert option.help, f"{harvester.info()['name']}: « {name} » has no help"
            # what the form shows is JSON a publisher can paste into the configuration
            described = {d["name"]: d for d in source_config.describe(harvester.all_options())}
            assert source_config.parse(
                json.dumps({name: json.loads(described[name]["default"])}),
                harvester.all_options())[name] == option.default
