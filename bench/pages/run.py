"""Server time of the home, search and dataset pages: the Poitiers theme vs CKAN's stock theme.

Both portals run side by side in the same run, on the same database and Solr core holding the same
N datasets (2,000 by default), with the same plugins except ``poitiers_theme``. Requests alternate
between the two servers so that load from elsewhere on the machine hits both alike.

Usage (services from ``scripts/portal.sh``; this rebuilds the *test* database):

    eval "$(bash scripts/portal.sh env | sed 's/^/export /')"
    .venv-2.12/bin/python bench/pages/run.py [--datasets 2000] [--rounds 60]

Writes bench/results/pages.json (top-level keys p95_ratio_home, p95_ratio_search,
p95_ratio_dataset: ours / stock, lower is better; target ≤ 1.2).
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import datetime as dt
import importlib.metadata
import json
import os
import platform
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results" / "pages.json"
CKAN = str(Path(sys.executable).with_name("ckan"))
EU = "http://publications.europa.eu/resource/authority/"
THEMES = [("mobilite", "TRAN"), ("democratie-locale", "GOVE"), ("culture-agenda", "EDUC"),
          ("environnement-proprete", "ENVI"), ("energie", "ENER"), ("economie", "ECON"),
          ("urbanisme-cadastre", "REGI"), ("sante", "HEAL"), ("education", "EDUC")]
SUBJECTS = ["parkings", "délibérations", "arbres d’alignement", "budget primitif", "bornes vélo",
            "horaires des bus", "écoles", "piscines", "collecte des déchets", "bancs publics",
            "défibrillateurs", "permis de construire", "consommation d’énergie", "marchés",
            "bibliothèques", "équipements sportifs", "subventions", "toilettes publiques"]
PLACES = ["Poitiers", "Buxerolles", "Chasseneuil-du-Poitou", "Migné-Auxances", "Chauvigny",
          "Grand Poitiers", "Saint-Benoît", "Vouneuil-sous-Biard", "Ligugé", "Fontaine-le-Comte"]
COMMUNES = ["86194", "86041", "86062", "86158", "86070", "200069854"]
FREQUENCIES = ["DAILY", "WEEKLY", "MONTHLY", "QUARTERLY", "ANNUAL", "IRREG", "UPDATE_CONT"]
FORMATS = ["CSV", "JSON", "GeoJSON", "XLSX", "PDF", "SHP"]
SEARCHES = ["/dataset/", "/dataset/?q=parkings", "/dataset/?q=budget&sort=metadata_modified+desc",
            "/dataset/?res_format=CSV", "/dataset/?q=écoles&organization=grand-poitiers",
            "/dataset/?q=zzzintrouvable"]
INI_TAIL = (
    "\n[loggers]\nkeys = root\n[handlers]\nkeys = console\n[formatters]\nkeys = generic\n"
    "[logger_root]\nlevel = ERROR\nhandlers = console\n[handler_console]\nclass = StreamHandler\n"
    "args = (sys.stderr,)\nlevel = NOTSET\nformatter = generic\n[formatter_generic]\n"
    "format = %(levelname)s [%(name)s] %(message)s\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def plugins_of_test_ini() -> list[str]:
    for line in (ROOT / "test.ini").read_text(encoding="utf-8").splitlines():
        if line.startswith("ckan.plugins"):
            return line.split("=", 1)[1].split()
    raise SystemExit("ckan.plugins not found in test.ini")


def write_ini(path: Path, url: str, plugins: list[str], extra: str = "") -> Path:
    path.write_text(
        "[app:main]\n"
        f"use = config:{ROOT / 'test.ini'}\n"
        f"ckan.site_url = {url}\n"
        f"ckan.plugins = {' '.join(plugins)}\n"
        "testing = false\n" + extra + INI_TAIL, encoding="utf-8")
    return path


def cli(ini: Path, *args: str) -> str:
    p = subprocess.run([CKAN, "-c", str(ini), *args], capture_output=True, text=True,
                       cwd=ROOT, timeout=600)
    if p.returncode:
        raise SystemExit(f"ckan {' '.join(args)}: {p.stderr[-2000:]}")
    return p.stdout


def start(ini: Path, port: int, log: Path) -> subprocess.Popen:
    proc = subprocess.Popen([CKAN, "-c", str(ini), "run", "--host", "127.0.0.1", "--port",
                             str(port), "--disable-reloader"], cwd=ROOT,
                            stdout=open(log, "w"), stderr=subprocess.STDOUT)  # noqa: SIM115
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            if requests.get(url + "/api/3/action/status_show", timeout=5).ok:
                return proc
        except requests.ConnectionError:
            pass
        if proc.poll() is not None:
            raise SystemExit(f"server on {port} stopped: {log.read_text()[-2000:]}")
        time.sleep(0.5)
    raise SystemExit(f"server on {port} did not start")


def dataset(i: int, rng: random.Random, orgs: list[str]) -> dict:
    theme, eu = rng.choice(THEMES)
    subject, place = rng.choice(SUBJECTS), rng.choice(PLACES)
    return {
        "name": f"bench-{i:05d}", "title": f"{subject.capitalize()} – {place} ({i})",
        "notes": f"Jeu de données de démonstration sur les {subject} à {place}. " * 3,
        "purpose": f"Savoir où trouver les {subject} à {place}.",
        "owner_org": rng.choice(orgs), "license_id": rng.choice(["lov2", "odc-odbl", "cc-by"]),
        "theme": [EU + "data-theme/" + eu], "poitiers_theme": [theme],
        "communes": rng.sample(COMMUNES, k=rng.randint(1, 3)), "personal_data": "none",
        "frequency": EU + "frequency/" + rng.choice(FREQUENCIES),
        "tag_string": ",".join(t.replace("’", " ") for t in rng.sample(SUBJECTS, k=3)),
        "temporal_coverage": [{"start": "2020-01-01", "end": "2025-12-31"}],
        "contact": [{"name": "Service SIG et données", "email": "sig@example.org"}],
        "resources": [{"name": f"{subject} ({fmt})", "format": fmt, "size": rng.randint(1e3, 1e7),
                       "url": f"https://data.example.org/{i}/{n}.{fmt.lower()}",
                       "resource_kind": "file"}
                      for n, fmt in enumerate(rng.sample(FORMATS, k=2))],
    }


def populate(url: str, token: str, n: int) -> None:
    headers = {"Authorization": token}

    def act(action, **data):
        r = requests.post(f"{url}/api/3/action/{action}", json=data, headers=headers,
                          timeout=120)
        body = r.json()
        if not body.get("success"):
            raise SystemExit(f"{action}: {body.get('error')}")
        return body["result"]

    orgs = []
    for name, title in [("grand-poitiers", "Grand Poitiers"), ("ville-de-poitiers",
                        "Ville de Poitiers"), ("buxerolles", "Ville de Buxerolles")]:
        orgs.append(act("organization_create", name=name, title=title)["id"])
    rng = random.Random(2026)
    items = [dataset(i, rng, orgs) for i in range(n)]
    t0 = time.monotonic()
    with cf.ThreadPoolExecutor(max_workers=2) as pool:
        for k, _ in enumerate(pool.map(lambda d: act("package_create", **d), items), 1):
            if k % 250 == 0:
                print(f"  {k}/{n} datasets ({time.monotonic() - t0:.0f} s)", flush=True)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--datasets", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=120)
    ap.add_argument("--warmup", type=int, default=5)
    args = ap.parse_args()
    for var in ("CKAN_SQLALCHEMY_URL", "CKAN_SOLR_URL", "CKAN_REDIS_URL"):
        if not os.environ.get(var):
            raise SystemExit(f"{var} is not set: eval \"$(bash scripts/portal.sh env | sed "
                             "'s/^/export /')\"")
    ours_plugins = plugins_of_test_ini()
    stock_plugins = [p for p in ours_plugins if p != "poitiers_theme"]
    tmp = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    p_ours, p_stock = free_port(), free_port()
    u_ours, u_stock = f"http://127.0.0.1:{p_ours}", f"http://127.0.0.1:{p_stock}"
    ini_ours = write_ini(tmp / "ours.ini", u_ours, ours_plugins)
    ini_stock = write_ini(tmp / "stock.ini", u_stock, stock_plugins)
    ini_load = write_ini(tmp / "load.ini", u_ours, ours_plugins,
                         "ckan.search.solr_commit = false\n")

    print(f"Database: fresh, {args.datasets} datasets", flush=True)
    cli(ini_ours, "db", "clean", "--yes")
    cli(ini_ours, "db", "init")
    cli(ini_ours, "db", "pending-migrations", "--apply")
    password = secrets.token_urlsafe(16)
    cli(ini_ours, "user", "add", "bench", "email=bench@example.org", f"password={password}")
    cli(ini_ours, "sysadmin", "add", "bench")
    token = cli(ini_ours, "user", "token", "add", "bench", "bench").strip().split()[-1]
    loader = start(ini_load, p_ours, tmp / "load.log")
    t0 = time.monotonic()
    try:
        populate(u_ours, token, args.datasets)
    finally:
        loader.terminate()
        loader.wait(30)
    load_seconds = time.monotonic() - t0
    requests.get(os.environ["CKAN_SOLR_URL"] + "/update?commit=true", timeout=120)

    servers = [start(ini_ours, p_ours, tmp / "ours.log"),
               start(ini_stock, p_stock, tmp / "stock.log")]
    try:
        rng = random.Random(7)
        names = [f"bench-{rng.randrange(args.datasets):05d}" for _ in range(args.rounds)]
        pages = {
            "home": ["/"] * args.rounds,
            "search": [SEARCHES[i % len(SEARCHES)] for i in range(args.rounds)],
            "dataset": [f"/dataset/{n}" for n in names],
        }
        timings = {t: {p: [] for p in pages} for t in ("ours", "stock")}
        session = requests.Session()
        for _ in range(args.warmup):
            for base in (u_ours, u_stock):
                for paths in pages.values():
                    session.get(base + paths[0], timeout=60).raise_for_status()
        for i in range(args.rounds):
            order = [("ours", u_ours), ("stock", u_stock)]
            if i % 2:
                order.reverse()
            for page, paths in pages.items():
                for theme, base in order:
                    t = time.perf_counter()
                    r = session.get(base + paths[i], timeout=60)
                    elapsed = (time.perf_counter() - t) * 1000
                    if r.status_code != 200:
                        raise SystemExit(f"{theme} {paths[i]}: HTTP {r.status_code}")
                    timings[theme][page].append(elapsed)
        # the two servers really render different themes
        assert "poitiers-understand" in session.get(u_ours + pages["dataset"][0]).text
        assert "poitiers-understand" not in session.get(u_stock + pages["dataset"][0]).text
    finally:
        for s in servers:
            s.terminate()
            s.wait(30)

    result: dict = {}
    detail: dict = {}
    for page in pages:
        stats = {}
        for theme in ("ours", "stock"):
            v = timings[theme][page]
            stats[theme] = {"p50_ms": round(statistics.median(v), 1),
                            "p95_ms": round(percentile(v, 0.95), 1), "n": len(v)}
        stats["p50_ratio"] = round(stats["ours"]["p50_ms"] / stats["stock"]["p50_ms"], 3)
        stats["p95_ratio"] = round(stats["ours"]["p95_ms"] / stats["stock"]["p95_ms"], 3)
        result[f"p95_ratio_{page}"] = stats["p95_ratio"]
        detail[page] = stats
    result.update({
        "target_p95_ratio": 1.2,
        "datasets": args.datasets,
        "requests_per_page_and_theme": args.rounds,
        "pages": detail,
        "method": ("two `ckan run` servers side by side on the same PostgreSQL database and Solr "
                   "core, same plugins except poitiers_theme; requests alternate between them; "
                   "time = client-measured time to the full response on loopback, one request "
                   "at a time"),
        "load_seconds": round(load_seconds, 1),
        "ckan": importlib.metadata.version("ckan"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
                   f"{platform.python_version()}",
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    })
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k.startswith("p95_ratio")}, indent=2))


if __name__ == "__main__":
    main()
