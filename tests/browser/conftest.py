"""A real CKAN web server (``ckan run``) on a free port, demo-like content created through its
action API, and a real Chromium driven by Playwright, with axe-core injected into the pages.

The server uses the test database and Solr core (CKAN_SQLALCHEMY_URL, CKAN_SOLR_URL and
CKAN_REDIS_URL, exported by ``scripts/portal.sh test``), rebuilt from scratch here, with CSRF
protection on as in production.
"""
from __future__ import annotations

import datetime as dt
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.smtp import smtp_server

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("POITIERS_CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "tests" / "browser" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ADMIN = "admin_navigateur"
EU_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
EDITOR = "editrice"


def _ckan() -> str:
    return str(Path(sys.executable).with_name("ckan"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cli(ini: Path, *args: str, env: dict) -> str:
    proc = subprocess.run([_ckan(), "-c", str(ini), *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise RuntimeError(f"ckan {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


def _check_tools():
    missing = []
    if not os.access(CHROMIUM, os.X_OK):
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    if not AXE.is_file():
        missing.append(f"{AXE} (npm ci)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing.append("playwright (pip install -r requirements/dev.txt)")
    if missing:
        pytest.fail("browser tests need: " + ", ".join(missing) + " — `make test` installs them")


class Portal:
    """The running server, with an admin API client."""

    def __init__(self, url: str, token: str):
        self.url = url
        self.token = token
        self.passwords: dict[str, str] = {}
        self.data: dict = {}

    def action(self, action: str, _token: str | None = None, **data):
        r = requests.post(f"{self.url}/api/3/action/{action}", json=data, timeout=60,
                          headers={"Authorization": _token or self.token})
        body = r.json()
        if not body.get("success"):
            raise AssertionError(f"{action}: {body.get('error')}")
        return body["result"]


def _content(portal: Portal):
    """Demo-like organisations, datasets and a harvest source, through the action API."""
    orgs = [
        {"name": "grand-poitiers", "title": "Grand Poitiers Communauté urbaine",
         "description": "Mobilité, déchets, urbanisme et information géographique."},
        {"name": "ville-de-poitiers", "title": "Ville de Poitiers",
         "description": "Vie démocratique, culture, écoles et patrimoine arboré."},
    ]
    for org in orgs:
        portal.action("organization_create", **org)
    portal.action("organization_member_create", id="ville-de-poitiers", username=EDITOR,
                  role="editor")
    recent = (dt.datetime.utcnow() - dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%S")
    old = "2023-01-15T10:00:00"
    datasets = [
        {"name": "stationnement-parkings-temps-reel",
         "title": "Stationnement – occupation des parkings en temps réel",
         "owner_org": "grand-poitiers", "license_id": "lov2",
         "notes": "Places libres des parkings de Grand Poitiers, actualisées toutes les cinq "
                  "minutes.",
         "purpose": "Savoir avant de partir s’il reste de la place dans un parking.",
         "tag_string": "stationnement,parking,temps réel", "frequency": "continuous",
         "poitiers_theme": ["mobilite"], "theme": [EU_THEME + "TRAN"], "granularity": "point",
         "communes": ["86194"], "personal_data": "none",
         "publisher": [{"name": "Grand Poitiers", "email": "donnees@grandpoitiers.fr"}],
         "contact": [{"name": "Service SIG et données", "email": "sig@grandpoitiers.fr"}],
         "temporal_coverage": [{"start": "2024-01-01", "end": ""}],
         "resources": [
             {"name": "Disponibilité des parkings (JSON)", "format": "JSON",
              "url": "https://data.example.org/parkings.json", "resource_kind": "realtime",
              "size": 48213, "last_modified": recent},
             {"name": "Liste des parkings (CSV)", "format": "CSV",
              "url": "https://data.example.org/parkings.csv", "resource_kind": "file",
              "size": 1250000},
         ]},
        {"name": "deliberations-conseil-municipal",
         "title": "Délibérations du conseil municipal de Poitiers",
         "owner_org": "ville-de-poitiers", "license_id": "lov2",
         "notes": "Les délibérations adoptées par le conseil municipal depuis 2015.",
         "purpose": "Suivre les décisions de la commune.",
         "tag_string": "délibérations,conseil municipal", "frequency": "monthly",
         "poitiers_theme": ["democratie-locale"], "theme": [EU_THEME + "GOVE"],
         "communes": ["86194"], "personal_data": "none", "data_schema": "scdl/deliberations",
         "data_schema_version": "2.1.5",
         "temporal_coverage": [{"start": "2015-01-01", "end": "2024-12-31"}],
         "resources": [{"name": "Délibérations 2015-2024", "format": "CSV",
                        "url": "https://data.example.org/delib.csv", "size": 3400000,
                        "last_modified": old, "conforms_to_schema": "true"}]},
        {"name": "arbres-d-alignement", "title": "Arbres d’alignement de la ville",
         "owner_org": "ville-de-poitiers", "license_id": "odc-odbl",
         "notes": "Inventaire des arbres d’alignement : essence, hauteur, date de plantation.",
         "tag_string": "arbres,nature en ville", "poitiers_theme": ["environnement-proprete"],
         "theme": [EU_THEME + "ENVI"], "communes": ["86194"], "frequency": "annual",
         "personal_data": "none",
         "resources": [{"name": "Arbres (GeoJSON)", "format": "GeoJSON",
                        "url": "https://data.example.org/arbres.geojson"}]},
        {"name": "budget-primitif", "title": "Budget primitif de Grand Poitiers",
         "owner_org": "grand-poitiers", "license_id": "lov2",
         "notes": "Le budget voté chaque année, par chapitre et par fonction.",
         "tag_string": "budget,finances", "poitiers_theme": ["economie"],
         "theme": [EU_THEME + "ECON"], "communes": ["200069854"], "frequency": "annual",
         "personal_data": "none",
         "url": "https://www.grandpoitiers.fr/budget",
         "resources": [{"name": "Budget 2025", "format": "XLSX",
                        "url": "https://data.example.org/budget.xlsx", "size": 88000}]},
        {"name": "brouillon-prive", "title": "Jeu privé à ne pas montrer",
         "owner_org": "grand-poitiers", "private": True, "license_id": "lov2",
         "notes": "Privé.", "theme": [EU_THEME + "ECON"], "communes": ["86194"],
         "frequency": "annual", "personal_data": "none", "resources": []},
    ]
    created = {}
    for ds in datasets:
        created[ds["name"]] = portal.action("package_create", **ds)
    source = portal.action(
        "harvest_source_create", name="moissonnage-ckan-exemple",
        title="Catalogue CKAN d’exemple", url="http://127.0.0.1:9/catalogue",
        source_type="poitiers_dcat", owner_org="grand-poitiers", frequency="MANUAL")
    portal.data.update(datasets=created, harvest_source=source)


@pytest.fixture(scope="session")
def inbox():
    """The real local SMTP server the portal sends its emails to (a request answered)."""
    with smtp_server() as box:
        yield box


@pytest.fixture(scope="session")
def portal(tmp_path_factory, inbox):
    _check_tools()
    for var in ("CKAN_SQLALCHEMY_URL", "CKAN_SOLR_URL", "CKAN_REDIS_URL"):
        if not os.environ.get(var):
            pytest.fail(f"{var} is not set: run the suite through `make test` "
                        "(or export `scripts/portal.sh env`)")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    tmp = tmp_path_factory.mktemp("portal")
    ini = tmp / "browser.ini"
    ini.write_text(
        "[app:main]\n"
        f"use = config:{ROOT / 'test.ini'}\n"
        "WTF_CSRF_ENABLED = true\n"
        f"ckan.site_url = {url}\n"
        "ckan.auth.create_user_via_api = false\n"
        f"smtp.server = 127.0.0.1:{inbox.port}\n"
        "\n[loggers]\nkeys = root\n[handlers]\nkeys = console\n[formatters]\nkeys = generic\n"
        "[logger_root]\nlevel = WARN\nhandlers = console\n"
        "[handler_console]\nclass = StreamHandler\nargs = (sys.stderr,)\nlevel = NOTSET\n"
        "formatter = generic\n[formatter_generic]\nformat = %(levelname)s [%(name)s] %(message)s\n",
        encoding="utf-8")
    # its own storage (webassets, JavaScript catalogues), over the session's CKAN_STORAGE_PATH
    # (tests/conftest.py): CKAN reads these variables over the configuration file
    env = dict(os.environ, CKAN_SITE_URL=url, CKAN_INI=str(ini),
               CKAN_STORAGE_PATH=str(tmp / "storage"))
    # a fresh database and index, with the plugins' tables (harvest, activity, ours)
    _cli(ini, "db", "clean", "--yes", env=env)
    # CKAN 2.11's `db clean` leaves the search index alone (2.12 clears it)
    _cli(ini, "search-index", "clear", env=env)
    _cli(ini, "db", "init", env=env)
    _cli(ini, "db", "pending-migrations", "--apply", env=env)
    passwords = {}
    for name in (ADMIN, EDITOR):
        passwords[name] = "Mdp-" + secrets.token_urlsafe(12)
        _cli(ini, "user", "add", name, f"email={name}@example.org",
             f"password={passwords[name]}", env=env)
    _cli(ini, "sysadmin", "add", ADMIN, env=env)
    token = _cli(ini, "user", "token", "add", ADMIN, "browser-tests", env=env).strip().split()[-1]
    editor_token = _cli(ini, "user", "token", "add", EDITOR, "browser-tests",
                        env=env).strip().split()[-1]

    log = open(tmp / "web.log", "w")  # noqa: SIM115 - closed at teardown
    server = subprocess.Popen(
        [_ckan(), "-c", str(ini), "run", "--host", "127.0.0.1", "--port", str(port),
         "--disable-reloader"], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if requests.get(f"{url}/api/3/action/status_show", timeout=5).ok:
                    break
            except requests.ConnectionError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail("CKAN web server did not start:\n" +
                            (tmp / "web.log").read_text()[-4000:])
            time.sleep(0.5)
        p = Portal(url, token)
        p.passwords = passwords
        p.editor_token = editor_token
        p.log = tmp / "web.log"
        p.inbox = inbox
        _content(p)
        yield p
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="session")
def browser():
    _check_tools()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def screenshots_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def login(page, portal: Portal, username: str):
    page.goto(f"{portal.url}/user/login")
    page.fill("#field-login", username)
    page.fill("#field-password", portal.passwords[username])
    page.locator("form:has(#field-login) button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".account.authed").count() == 1, "login failed"


@pytest.fixture
def page_factory(browser, portal):
    """New pages (desktop width) logged out, or logged in as a given user."""
    contexts = []

    def make(user: str | None = None, width: int = 1280, height: int = 900):
        ctx = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR",
                                  reduced_motion="reduce")
        contexts.append(ctx)
        page = ctx.new_page()
        page.set_default_timeout(30000)
        if user:
            login(page, portal, user)
        return page

    yield make
    for ctx in contexts:
        ctx.close()


def run_axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
          const r = await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
          return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' +
              (n.failureSummary || '').slice(0, 200))}));
        }""")
    return result


@pytest.fixture
def axe():
    return run_axe
