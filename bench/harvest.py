"""Harvest benchmark: our Data Fair harvester against a plain package_create loop (the floor)
and against ckanext-dcat's stock DCATRDFHarvester, on a generated catalogue served locally.

    bench/harvest [--n 1000 5000] [--out bench/results/harvest.json]

The parent process generates N Data Fair dataset records, serves them on a local HTTP server
as a Data Fair catalogue (``/data-fair/api/v1/datasets``, pages of 100) and as a DCAT catalogue
(Turtle, Hydra pages of 100), then runs each phase in a fresh child process on a freshly reset
database and search index, side by side in the same run:

* ``floor``: ``package_create`` in a loop with the very dataset dicts our mapping produces;
* ``ours``: our Data Fair harvester through ckanext-harvest's gather / fetch / import stages,
  then the same job again on the unchanged source (re-harvest);
* ``dcat``: ckanext-dcat's stock ``DCATRDFHarvester`` on the DCAT form of the same catalogue.
  ckanext-dcat maps DCAT into its own schema (``dcat_ap_recommended.yaml``), not into ours, so
  this phase runs with that schema (the Poitiers schema requires fields that stock DCAT parsing
  does not produce).

At the largest N, ``dcat`` and ``ours_dcat_schema`` run a second time in the reverse order
(ABBA), and ``ratio_dcat_vs_ours`` compares their sums. Each child reports its wall time and its
peak resident memory (``ru_maxrss``), the parent the CPU time the hypervisor took for other
machines during the phase (``steal_seconds``). Ratios are computed at the largest N. Needs
the services of ``make test`` (PostgreSQL, Solr, Redis). ``--solr-commit false`` sets
CKAN's ``ckan.search.solr_commit`` to false in every phase (the default keeps CKAN's: true).
``POITIERS_BENCH_PROFILE=<dir>`` writes a cProfile dump per phase,
``POITIERS_BENCH_PHASES="ours dcat"`` runs only these phases (no ratios written).
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PAGE = 100
TOPICS = ["Mobilité", "Environnement", "Culture", "Économie", "Énergie", "Santé"]
FREQUENCIES = ["daily", "weekly", "monthly", "annual", "continuous", "irregular"]
LICENCES = [
    {"title": "Licence Ouverte / Open Licence version 2.0",
     "href": "https://www.etalab.gouv.fr/licence-ouverte-open-licence"},
    {"title": "Open Database License (ODbL)", "href": "http://opendatacommons.org/licenses/odbl/"},
]
PLACES = ["Poitiers", "Grand Poitiers", "Buxerolles", "Chauvigny", "Lusignan"]


# -- the generated catalogue ---------------------------------------------------------------------
def records(n: int) -> list[dict]:
    result = []
    for i in range(n):
        result.append({
            "id": f"ds{i:06d}",
            "slug": f"jeu-de-donnees-{i:06d}",
            "title": f"Jeu de données n° {i} de Grand Poitiers",
            "summary": f"Résumé du jeu {i}.",
            "description": f"Description **Markdown** du jeu de données {i}, "
                           f"publié par la direction {i % 17}.",
            "keywords": [f"mot{i % 50}", f"thème{i % 7}", "poitiers"],
            "topics": [{"id": f"t{i % 6}", "title": TOPICS[i % 6]}],
            "license": LICENCES[i % 2],
            "frequency": FREQUENCIES[i % 6],
            "temporal": {"start": "2020-01-01", "end": "2025-12-31"},
            "spatial": PLACES[i % 5],
            "owner": {"type": "organization", "id": "gp", "name": "Grand Poitiers"},
            "originalFile": {"name": f"jeu_{i}.csv", "size": 1000 + i, "mimetype": "text/csv"},
            "file": {"name": f"jeu_{i}.csv", "size": 1000 + i, "mimetype": "text/csv"},
            "updatedAt": "2025-10-01T00:00:00Z",
        })
    return result


def turtle_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def dcat_page(recs: list[dict], base: str, page: int, pages: int) -> str:
    out = [
        "@prefix dcat: <http://www.w3.org/ns/dcat#> .",
        "@prefix dct: <http://purl.org/dc/terms/> .",
        "@prefix hydra: <http://www.w3.org/ns/hydra/core#> .",
        "@prefix foaf: <http://xmlns.com/foaf/0.1/> .",
        f"<{base}/catalog> a dcat:Catalog ; dct:title \"Catalogue\" .",
    ]
    for r in recs:
        uri = f"{base}/datasets/{r['slug']}"
        lic = r["license"]["href"]
        keywords = ", ".join(f'"{turtle_escape(k)}"' for k in r["keywords"])
        out.append(
            f"<{base}/catalog> dcat:dataset <{uri}> .\n"
            f"<{uri}> a dcat:Dataset ; dct:identifier \"{uri}\" ;\n"
            f"  dct:title \"{turtle_escape(r['title'])}\"@fr ;\n"
            f"  dct:description \"{turtle_escape(r['description'])}\"@fr ;\n"
            f"  dcat:keyword {keywords} ;\n"
            f"  dct:accrualPeriodicity <http://purl.org/cld/freq/{r['frequency']}> ;\n"
            f"  dct:publisher [ a foaf:Agent ; foaf:name \"Grand Poitiers\" ] ;\n"
            f"  dcat:landingPage <{uri}> ;\n"
            f"  dcat:distribution <{uri}/raw>, <{uri}/lines> .\n"
            f"<{uri}/raw> a dcat:Distribution ; dct:title \"{r['originalFile']['name']}\" ;\n"
            f"  dcat:downloadURL <{uri}/raw> ; dct:format \"CSV\" ; dct:license <{lic}> .\n"
            f"<{uri}/lines> a dcat:Distribution ; dct:title \"API\" ;\n"
            f"  dcat:accessURL <{uri}/lines> ; dct:format \"JSON\" ; dct:license <{lic}> ."
        )
    view = f"<{base}/catalog.ttl?page={page}> a hydra:PartialCollectionView ; hydra:totalItems 0"
    if page < pages:
        view += f" ;\n  hydra:next <{base}/catalog.ttl?page={page + 1}>"
    out.append(view + " .")
    return "\n".join(out)


def serve(recs: list[dict]):
    import logging

    from pytest_httpserver import HTTPServer
    from werkzeug import Response

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    base = f"http://127.0.0.1:{server.port}"
    pages = max(1, -(-len(recs) // PAGE))

    def datafair(request):
        size = int(request.args.get("size", 12))
        page = int(request.args.get("page", 1))
        body = {"count": len(recs), "results": recs[(page - 1) * size: page * size]}
        return Response(json.dumps(body), content_type="application/json")

    def dcat(request):
        page = int(request.args.get("page", 1))
        chunk = recs[(page - 1) * PAGE: page * PAGE]
        return Response(dcat_page(chunk, base, page, pages), content_type="text/turtle")

    server.expect_request("/data-fair/api/v1/datasets").respond_with_handler(datafair)
    server.expect_request("/catalog.ttl").respond_with_handler(dcat)
    return server, base


# -- child: one phase on a fresh portal -----------------------------------------------------------
def child(phase: str, ini: str, base: str, records_file: str, solr_commit: bool) -> dict:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    conf = load_config(ini)
    conf["ckanext.poitiers.harvest.allow_private_addresses"] = "true"
    conf["ckan.site_id"] = os.environ.get("POITIERS_BENCH_SITE_ID", "poitiers_bench")
    # the same for every phase: CKAN's documented switch that leaves commits to Solr's own
    # auto (soft) commit (3 s in config/solr) instead of a hard commit after each dataset
    conf["ckan.search.solr_commit"] = "true" if solr_commit else "false"
    if phase in ("dcat", "ours_dcat_schema"):
        conf["scheming.dataset_schemas"] = "ckanext.dcat.schemas:dcat_ap_recommended.yaml"
    if phase == "dcat":
        # the baseline, ckanext-dcat's stock harvester, is loaded for its phase only: the
        # portal's configurations leave it out (its downloads bypass our SSRF guard)
        plugins = conf["ckan.plugins"]
        plugins = plugins.split() if isinstance(plugins, str) else list(plugins)
        conf["ckan.plugins"] = " ".join([*plugins, "dcat_rdf_harvester"])
    app = make_app(conf)
    with app._wsgi_app.test_request_context():
        profile_dir = os.environ.get("POITIERS_BENCH_PROFILE")
        if not profile_dir:
            return _run_phase(phase, base, records_file)
        # POITIERS_BENCH_PROFILE=<dir>: a cProfile dump per phase, to see where the time goes
        import cProfile

        profiler = cProfile.Profile()
        try:
            return profiler.runcall(_run_phase, phase, base, records_file)
        finally:
            os.makedirs(profile_dir, exist_ok=True)
            profiler.dump_stats(os.path.join(profile_dir, f"{phase}.prof"))


def _reset():
    from ckan import model
    from ckan.cli.db import _run_migrations
    from ckan.lib import search
    from ckan.tests import helpers

    engine = model.meta.engine
    helpers.reset_db()
    _run_migrations("activity")
    _run_migrations("harvest")
    # CKAN's migration environment rebinds the session to an engine without a connection pool
    # (a new PostgreSQL connection at every commit); a portal process keeps its pooled engine
    model.init_model(engine)
    search.clear_all()


def _run_job(source_id: str, harvester) -> float:
    from ckan import model
    from ckan.plugins import toolkit

    from ckanext.harvest import queue
    from ckanext.harvest.model import HarvestJob, HarvestObject, HarvestSource

    job = HarvestJob(source=HarvestSource.get(source_id))
    job.save()
    started = time.perf_counter()
    job.status = "Running"
    job.save()
    ids = queue.gather_stage(harvester, job)
    for obj_id in ids or []:
        queue.fetch_and_import_stages(harvester, HarvestObject.get(obj_id))
        model.Session.remove()  # as ckanext-harvest's fetch consumer does after each object
    toolkit.get_action("harvest_jobs_run")({"ignore_auth": True}, {})
    return time.perf_counter() - started


def _count(source_id=None) -> int:
    from ckan import model

    q = model.Session.query(model.Package).filter(model.Package.type == "dataset",
                                                  model.Package.state == "active")
    return q.count()


def _indexed() -> int:
    """The datasets Solr finds once it has committed (each phase checks its index is whole)."""
    from ckan.lib import search
    from ckan.plugins import toolkit

    search.commit()
    return toolkit.get_action("package_search")(
        {"ignore_auth": True}, {"rows": 0, "include_private": True})["count"]


def _run_phase(phase: str, base: str, records_file: str) -> dict:
    from ckan.plugins import get_plugin, toolkit

    _reset()
    site_user = toolkit.get_action("get_site_user")({"ignore_auth": True}, {})
    ctx = {"user": site_user["name"], "ignore_auth": True}
    org = toolkit.get_action("organization_create")(
        dict(ctx), {"name": "grand-poitiers", "title": "Grand Poitiers"})
    result = {"phase": phase}
    if phase == "floor":
        from ckanext.poitiers.harvesters import datafair_mapping
        from ckanext.poitiers.harvesters.base import COMMON_OPTIONS, apply_defaults

        defaults = {k: o.default for k, o in COMMON_OPTIONS.items()}
        with open(records_file, encoding="utf-8") as f:
            recs = json.load(f)
        api = base + "/data-fair/api/v1"
        dicts = []
        for r in recs:
            d = apply_defaults(datafair_mapping.map_dataset(r, api), defaults)
            d["owner_org"] = org["id"]
            dicts.append(d)
        del recs
        started = time.perf_counter()
        for d in dicts:
            toolkit.get_action("package_create")(dict(ctx), d)
        result["seconds"] = time.perf_counter() - started
    else:
        if phase in ("ours", "ours_dcat_schema"):
            harvester, url, source_type = (get_plugin("poitiers_datafair_harvester"),
                                           base + "/data-fair/api/v1", "poitiers_datafair")
            config = json.dumps({"page_size": PAGE})
        else:
            harvester, url, source_type = (get_plugin("dcat_rdf_harvester"),
                                           base + "/catalog.ttl", "dcat_rdf")
            config = json.dumps({"rdf_format": "turtle"})
        source = toolkit.get_action("harvest_source_create")(dict(ctx), {
            "name": "bench", "title": "Bench", "url": url, "source_type": source_type,
            "config": config, "owner_org": org["id"], "frequency": "MANUAL"})
        result["seconds"] = _run_job(source["id"], harvester)
        result["created"] = _count()
        result["indexed"] = _indexed()
        if phase in ("ours", "ours_dcat_schema"):
            result["reharvest_seconds"] = _run_job(source["id"], harvester)
            result["after_reharvest"] = _count()
    result["created"] = _count()
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


# -- parent ---------------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--out", default=os.path.join(HERE, "results", "harvest.json"))
    parser.add_argument("--ini", default=os.path.join(ROOT, "test.ini"))
    parser.add_argument("--solr-commit", choices=("true", "false"), default="true",
                        help="ckan.search.solr_commit for every phase (default: CKAN's, true)")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--base", help=argparse.SUPPRESS)
    parser.add_argument("--records", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase:
        print("RESULT " + json.dumps(child(args.phase, args.ini, args.base, args.records,
                                                  args.solr_commit == "true")))
        return 0

    # a copy of the configuration, so that editing test.ini during a long run changes nothing
    with open(args.ini, encoding="utf-8") as f, tempfile.NamedTemporaryFile(
        "w", suffix=".ini", prefix="poitiers-bench-", delete=False
    ) as copy:
        copy.write(f.read())
    args.ini = copy.name
    runs = {}
    try:
        return _measure(args, runs)
    finally:
        os.unlink(copy.name)


ALL_PHASES = PHASES = ("floor", "ours", "dcat", "ours_dcat_schema")
if os.environ.get("POITIERS_BENCH_PHASES"):  # a subset, to profile one phase
    PHASES = tuple(os.environ["POITIERS_BENCH_PHASES"].split())
# at the largest N the two phases of ratio_dcat_vs_ours run again in the reverse order
# (dcat, ours_dcat_schema, ours_dcat_schema, dcat): a load that drifts during the run weighs
# on both harvesters alike
REPEATED = ("ours_dcat_schema", "dcat")


def _steal_seconds() -> float:
    """CPU time the hypervisor gave to other machines (``steal`` of ``/proc/stat``), all CPUs
    together; 0 where it is not known."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            fields = f.readline().split()
        return int(fields[8]) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _measure(args, runs: dict) -> int:
    for n in args.n:
        recs = records(n)
        server, base = serve(recs)
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(recs, f)
            records_file = f.name
        run = {}
        sequence = list(PHASES)
        if n == max(args.n) and set(PHASES) == set(ALL_PHASES):
            sequence += [f"{phase}_again" for phase in REPEATED]
        try:
            for name in sequence:
                phase = name.removesuffix("_again")
                steal = _steal_seconds()
                out = subprocess.run(
                    [sys.executable, __file__, "--phase", phase, "--ini", args.ini,
                     "--base", base, "--records", records_file,
                     "--solr-commit", args.solr_commit],
                    capture_output=True, text=True, check=False)
                line = next((ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")),
                            None)
                if line is None:
                    sys.stderr.write(out.stderr[-4000:])
                    raise SystemExit(f"phase {name} at N={n} failed")
                run[name] = json.loads(line[len("RESULT "):])
                run[name]["steal_seconds"] = round(_steal_seconds() - steal, 1)
                print(f"N={n} {name}: {run[name]}", flush=True)
        finally:
            server.stop()
            os.unlink(records_file)
        runs[str(n)] = run
        if not set(ALL_PHASES) <= set(run):
            continue  # a subset of the phases (profiling): no ratios to write
        _write(args, runs)  # after each N, so that a long run leaves its results behind
    return 0


def _write(args, runs: dict) -> None:
    largest_n = max(int(n) for n in runs)
    largest = runs[str(largest_n)]
    ours, floor = largest["ours"], largest["floor"]

    def times(phase: str) -> list[float]:
        # the phase and its repetition (largest N), if it ran
        return [largest[name]["seconds"] for name in (phase, f"{phase}_again")
                if name in largest]
    report = {
        "generated_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "command": "bench/harvest --n " + " ".join(str(n) for n in args.n),
        "largest_n": largest_n,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "platform": platform.platform()},
        "page_size": PAGE,
        "ratio_first_vs_floor": round(ours["seconds"] / floor["seconds"], 3),
        "ratio_reharvest_vs_first": round(ours["reharvest_seconds"] / ours["seconds"], 3),
        # both harvesters validated by the same (ckanext-dcat) schema, each run twice
        "ratio_dcat_vs_ours": round(sum(times("dcat")) / sum(times("ours_dcat_schema")), 3),
        "ratio_dcat_vs_ours_first_pair": round(
            largest["dcat"]["seconds"] / largest["ours_dcat_schema"]["seconds"], 3),
        "ratio_dcat_vs_ours_poitiers_schema": round(
            statistics.mean(times("dcat")) / ours["seconds"], 3),
        "peak_rss_mb_by_n": {n: r["ours"]["peak_rss_mb"] for n, r in runs.items()},
        "targets": {"ratio_first_vs_floor": "<= 1.3", "ratio_reharvest_vs_first": "<= 0.10",
                    "ratio_dcat_vs_ours": ">= 2", "peak_rss_mb_by_n": "not growing with N"},
        "runs": runs,
        "settings": {"ckan.search.solr_commit": args.solr_commit,
                     "solr_auto_soft_commit_ms": 3000, "database_pool": "QueuePool"},
        "notes": [
            "Wall times of one run on the shared 2-core development machine, a virtual machine "
            "whose hypervisor takes CPU time for other machines (steal_seconds: that time "
            "during each phase, both CPUs together); phases run one after the other, each in a "
            "fresh process on a freshly reset database and search index, so load changes "
            "between phases move the ratios. At the largest N, dcat and ours_dcat_schema run "
            "again in the reverse order (dcat, ours_dcat_schema, ours_dcat_schema_again, "
            "dcat_again): ratio_dcat_vs_ours is the ratio of their sums, so that a load "
            "drifting during the run weighs on both alike; ratio_dcat_vs_ours_first_pair is "
            "the first pair alone.",
            "Every phase runs with the same settings: ckan.search.solr_commit as in 'settings' "
            "(CKAN's default is true: package_create asks Solr for a commit after each dataset), "
            "the same Solr (auto soft commit 3 s) and a pooled database engine. The database "
            "reset runs CKAN's migrations, whose environment rebinds the session to an engine "
            "without a pool (a new PostgreSQL connection at each commit); the bench puts the "
            "process's pooled engine back before each phase, as in a portal process.",
            "floor = package_create loop of the dicts our mapping produces (Poitiers schema), "
            "CKAN's package_create as is.",
            "ours = our Data Fair harvester (Poitiers schema) through ckanext-harvest's gather, "
            "fetch and import stages (each object as ckanext-harvest's fetch consumer handles "
            "it, the database session removed after each; the same for dcat), then "
            "harvest_jobs_run (which marks the job finished and commits the search index). "
            "On CKAN 2.12 it creates each dataset with a deferred "
            "commit and indexes it without a Solr commit of its own (a commit at most every "
            "10 s, and at the end of the job); that is the main reason it is faster than the "
            "floor. reharvest = the same source unchanged (skipped at gather time).",
            "dcat = ckanext-dcat's stock DCATRDFHarvester (stock behaviour: package_create per "
            "dataset, a Solr commit each, a lookup of existing datasets by guid extra) on the "
            "same catalogue as Turtle with Hydra pages of 100, validated by ckanext-dcat's "
            "dcat_ap_recommended schema (stock DCAT parsing does not produce the fields the "
            "Poitiers schema requires).",
            "ours_dcat_schema = our harvester with that same schema: ratio_dcat_vs_ours compares "
            "the two harvesters under one schema; ratio_dcat_vs_ours_poitiers_schema mixes "
            "the schemas.",
            "peak_rss_mb = ru_maxrss of the phase's process (the floor holds its N dicts).",
        ],
    }
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print(json.dumps({k: report[k] for k in (
        "largest_n", "ratio_first_vs_floor", "ratio_reharvest_vs_first", "ratio_dcat_vs_ours",
        "ratio_dcat_vs_ours_first_pair", "ratio_dcat_vs_ours_poitiers_schema",
        "peak_rss_mb_by_n")}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
