"""Search benchmark: our Solr schema against CKAN's stock schema, same corpus, same run.

Started by bench/search/run (which starts the services and a second Solr with the stock
schema). Both cores receive the same documents through CKAN's own indexing path
(``ckan.lib.search.index.PackageSearchIndex.index_package``, with every IPackageController
plugin of the portal, ours included), and are queried through ``package_search`` (the action the
web page and the API call). Writes JSON with nDCG@10 and recall@10 on the judged corpus, then
p50/p95 latency of package_search once each core holds 10,000 datasets.
"""
from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import random
import statistics
import time
import uuid

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
EU_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
NAMESPACE = uuid.UUID("5b0c6a52-8f0e-4a5e-9d1b-6f3f1c2a7e11")
SITE_ID = "poitiers_bench"


# ---------------------------------------------------------------------------------------------
# Corpus and judgements
# ---------------------------------------------------------------------------------------------
def commune_names() -> dict[str, str]:
    from ckanext.poitiers import vocabularies

    names = {e["value"]: vocabularies.text(e["label"], "fr") for e in vocabularies.communes()}
    names["200069854"] = "Grand Poitiers"
    return names


def slug(text: str) -> str:
    from ckanext.poitiers.search import fold

    out = "".join(c if c.isalnum() else "-" for c in fold(text))
    return "-".join(p for p in out.split("-") if p)


def expand(families: list[dict], names: dict[str, str]) -> list[dict]:
    records = []
    for fam in families:
        for code in map(str, fam["communes"]):
            for year in fam["years"]:
                values = {"commune": names[code], "year": year}
                publisher = fam.get("publisher")
                if not publisher:
                    publisher = "ville-de-poitiers" if code == "86194" else (
                        "grand-poitiers" if code == "200069854" else slug(names[code]))
                records.append({
                    "id": f"{fam['family']}-{code}-{year}",
                    "family": fam["family"],
                    "title": fam["title"].format(**values),
                    "notes": fam["notes"].format(**values),
                    "tags": fam.get("tags", []),
                    "theme": [EU_THEME + t for t in fam.get("theme", [])],
                    "poitiers_theme": fam.get("poitiers_theme", []),
                    "data_schema": (fam.get("data_schema") or [None])[0],
                    "communes": [code],
                    "publisher": publisher,
                    "year": year,
                })
    return records


# the categories of the issue, read from each query's `kind` (a query may be in several);
# a query in none of them is "plain"
CATEGORIES = (
    ("accents", ("accent",)),
    ("plurals", ("plural", "singular")),
    ("elisions", ("elision",)),
    ("synonyms", ("synonym", "sigle", "abbreviation")),
    ("commune names", ("commune",)),
    ("typos", ("typo",)),
)


def categories(kind: str) -> list[str]:
    kind = kind.lower()
    found = [name for name, words in CATEGORIES if any(w in kind for w in words)]
    return found or ["plain"]


def summary(rows: list[dict]) -> dict:
    """Means of a set of per-query rows, and the gain of ours over stock."""
    if not rows:
        return {"queries": 0}
    out: dict = {"queries": len(rows)}
    for key in ("ndcg10_ours", "ndcg10_stock", "recall10_ours", "recall10_stock"):
        out[key] = round(statistics.fmean(r[key] for r in rows), 4)
    out["ndcg10_gain"] = round(out["ndcg10_ours"] - out["ndcg10_stock"], 4)
    out["recall10_gain"] = round(out["recall10_ours"] - out["recall10_stock"], 4)
    return out


def by_category(rows: list[dict]) -> dict:
    names = [name for name, _ in CATEGORIES] + ["plain"]
    return {name: summary([r for r in rows if name in r["categories"]]) for name in names}


def grade(record: dict, rules: list[dict]) -> int:
    best = 0
    for rule in rules:
        if "families" in rule and record["family"] not in rule["families"]:
            continue
        if "communes" in rule and not set(rule["communes"]) & set(record["communes"]):
            continue
        best = max(best, int(rule["grade"]))
    return best


def ndcg_at_10(ranked: list[str], grades: dict[str, int]) -> float:
    dcg = sum((2 ** grades.get(rid, 0) - 1) / math.log2(i + 2) for i, rid in enumerate(ranked[:10]))
    ideal = sorted((g for g in grades.values() if g > 0), reverse=True)[:10]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at_10(ranked: list[str], grades: dict[str, int]) -> float:
    relevant = {rid for rid, g in grades.items() if g > 0}
    return len(relevant & set(ranked[:10])) / len(relevant) if relevant else 0.0


# ---------------------------------------------------------------------------------------------
# CKAN: documents in, searches out
# ---------------------------------------------------------------------------------------------
def package_dict(rec: dict, names: dict[str, str]) -> dict:
    """The dictionary package_show gives for such a record (what CKAN indexes)."""
    created = datetime.datetime(rec["year"], 3, 1, 9, 0, 0).isoformat()
    org_title = {"ville-de-poitiers": "Ville de Poitiers",
                 "grand-poitiers": "Grand Poitiers Communauté urbaine"}.get(rec["publisher"])
    if org_title is None:
        org_title = "Commune de " + next(
            (n for n in names.values() if slug(n) == rec["publisher"]), rec["publisher"])
    org_id = str(uuid.uuid5(NAMESPACE, "org-" + rec["publisher"]))
    pkg = {
        "id": str(uuid.uuid5(NAMESPACE, rec["id"])),
        "name": rec["id"],
        "title": rec["title"],
        "notes": rec["notes"],
        "type": "dataset",
        "state": "active",
        "private": False,
        "owner_org": org_id,
        "organization": {"id": org_id, "name": rec["publisher"], "title": org_title,
                         "type": "organization", "is_organization": True},
        "tags": [{"name": t, "display_name": t} for t in rec["tags"]],
        "groups": [],
        "extras": [],
        "resources": [{"id": str(uuid.uuid5(NAMESPACE, rec["id"] + "/csv")),
                       "name": rec["title"], "format": "CSV", "description": "",
                       "url": f"https://data.grandpoitiers.example/{rec['id']}.csv",
                       "resource_kind": "file"}],
        "license_id": "lov2",
        "license_title": "Licence Ouverte / Open Licence 2.0",
        "metadata_created": created,
        "metadata_modified": created,
        "theme": rec["theme"],
        "poitiers_theme": rec["poitiers_theme"],
        "communes": rec["communes"],
        "frequency": "http://publications.europa.eu/resource/authority/frequency/ANNUAL",
        "personal_data": "none",
        "relationships_as_subject": [],
        "relationships_as_object": [],
        "num_tags": len(rec["tags"]),
        "num_resources": 1,
    }
    if rec["data_schema"]:
        pkg["data_schema"] = rec["data_schema"]
    pkg["with_custom_schema"] = json.loads(json.dumps(pkg))
    return pkg


def use_solr(url: str) -> None:
    import ckan.plugins.toolkit as tk
    from ckan.lib.search import common

    tk.config["solr_url"] = url
    settings = getattr(common, "SolrSettings", None)
    if settings is not None:  # CKAN 2.11 keeps its own copy of the URL
        settings._url = url


def index_all(pkgs: list[dict]) -> float:
    from ckan.lib.search.common import make_connection
    from ckan.lib.search.index import PackageSearchIndex

    index = PackageSearchIndex()
    t0 = time.perf_counter()
    for pkg in pkgs:
        index.index_package(pkg, defer_commit=True)
    make_connection().commit(waitSearcher=True)
    return time.perf_counter() - t0


def clear_site() -> None:
    from ckan.lib.search import clear_all

    clear_all()


TIMED = ("ours", "ours_cold", "stock")


def tk_config_int(key: str) -> int:
    import ckan.plugins.toolkit as tk

    return int(tk.config.get(key) or 0)


def search(q: str, rows: int = 10, detail: bool = False):
    """Names found (ranked) and wall time; with ``detail``, also the correction applied (an
    empty search answered with the results of its spelling correction), or None."""
    import ckan.plugins.toolkit as tk

    t0 = time.perf_counter()
    result = tk.get_action("package_search")(
        {"ignore_auth": True}, {"q": q, "rows": rows, "fl": ["name"]})
    elapsed = time.perf_counter() - t0
    names = [r["name"] for r in result["results"]]
    if detail:
        return names, elapsed, result.get("poitiers_corrected_to")
    return names, elapsed


def variants(records: list[dict], families: dict[str, dict], names: dict[str, str],
             count: int, rng: random.Random) -> list[dict]:
    """More datasets like the corpus: another commune, another year, another number."""
    codes = [c for c in names if c != "200069854"]
    out = []
    for i in range(count):
        base = rng.choice(records)
        fam = families[base["family"]]
        code = rng.choice(codes) if "{commune}" in fam["title"] + fam["notes"] else \
            base["communes"][0]
        year = rng.randint(2012, 2025)
        values = {"commune": names[code], "year": year}
        rec = dict(base, id=f"{base['id']}-v{i}", communes=[code], year=year,
                   title=fam["title"].format(**values),
                   notes=fam["notes"].format(**values) + f" Édition n° {i % 97 + 1}.")
        out.append(rec)
    return out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = math.floor(k), math.ceil(k)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


# ---------------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ini", required=True)
    parser.add_argument("--stock-solr", required=True, help="URL of the stock-schema core")
    parser.add_argument("--ours-solr", help="URL of the Poitiers-schema core (default: the "
                                            "ini's solr_url)")
    parser.add_argument("--out", default=os.path.join(HERE, "..", "results", "search.json"))
    parser.add_argument("--latency-size", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--relevance-only", action="store_true",
                        help="skip the latency part (10,000 datasets): nDCG and recall only")
    parser.add_argument("--keep", action="store_true",
                        help="leave the benchmark documents in both cores (to inspect them)")
    args = parser.parse_args()

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    config = load_config(args.ini)
    app = make_app(config)
    import ckan.plugins.toolkit as tk

    with app._wsgi_app.test_request_context():
        tk.config["ckan.site_id"] = SITE_ID
        ours_url = args.ours_solr or tk.config["solr_url"]
        targets = {"ours": ours_url, "stock": args.stock_solr}

        from ckanext.poitiers.plugins.search import live_schema_kind

        for name, url in targets.items():
            use_solr(url)
            kind = live_schema_kind()
            expected = "poitiers" if name == "ours" else "stock"
            if kind != expected:
                raise SystemExit(f"{url} runs the {kind} schema, expected {expected}")

        with open(os.path.join(HERE, "corpus.yaml"), encoding="utf-8") as f:
            families = yaml.safe_load(f)
        with open(os.path.join(HERE, "queries.yaml"), encoding="utf-8") as f:
            queries = yaml.safe_load(f)
        names = commune_names()
        records = expand(families, names)
        judgements = [{rec["id"]: grade(rec, q["relevant"]) for rec in records} for q in queries]
        pkgs = [package_dict(r, names) for r in records]

        # 1. relevance on the judged corpus
        per_query = [{"q": q["q"], "kind": q.get("kind", ""),
                      "categories": categories(q.get("kind", "")),
                      "set": "added" if q.get("added") else "original"} for q in queries]
        indexing = {}
        for name, url in targets.items():
            use_solr(url)
            clear_site()
            indexing[name] = index_all(pkgs)
            for row, q, grades in zip(per_query, queries, judgements, strict=True):
                ranked, _, corrected = search(q["q"], detail=True)
                if name == "ours":
                    row["corrected"] = corrected
                row[f"ndcg10_{name}"] = round(ndcg_at_10(ranked, grades), 4)
                row[f"recall10_{name}"] = round(recall_at_10(ranked, grades), 4)
                row[f"top3_{name}"] = ranked[:3]

        def mean(key):
            return round(statistics.fmean(r[key] for r in per_query), 4)

        # 2. latency with 10,000 datasets in each core
        if args.relevance_only:
            if not args.keep:
                for url in targets.values():
                    use_solr(url)
                    clear_site()
            use_solr(ours_url)
            rows = per_query
            print(json.dumps({"all": summary(rows),
                              "original": summary([r for r in rows if r["set"] == "original"]),
                              "by_category": by_category(rows)}, indent=2))
            return
        rng = random.Random(6)
        fam_by_name = {f["family"]: f for f in families}
        extra = variants(records, fam_by_name, names, args.latency_size - len(records), rng)
        extra_pkgs = [package_dict(r, names) for r in extra]
        bulk_seconds = {}
        for name, url in targets.items():
            use_solr(url)
            bulk_seconds[name] = index_all(extra_pkgs)
        from ckanext.poitiers import search as poitiers_search

        # the corrections kept from the relevance part were computed on the small corpus
        poitiers_search.suggestions.clear()
        times: dict[str, list[float]] = {name: [] for name in TIMED}
        by_query: dict[tuple[str, str], list[float]] = {}
        for url in targets.values():  # warm-up: caches and JIT of both cores
            use_solr(url)
            for q in queries:
                search(q["q"])
        for _ in range(args.rounds):
            for q in queries:
                # ours as configured (corrections of empty searches kept a minute), ours with
                # that cache emptied before each search (« cold »), stock CKAN
                order = [(name, targets["stock" if name == "stock" else "ours"])
                         for name in TIMED]
                rng.shuffle(order)
                for name, url in order:
                    use_solr(url)
                    if name == "ours_cold":
                        # an empty cache of its own: what « ours » keeps is left as it is
                        kept = poitiers_search.suggestions
                        poitiers_search.suggestions = poitiers_search.SuggestionCache()
                        try:
                            elapsed = search(q["q"])[1]
                        finally:
                            poitiers_search.suggestions = kept
                    else:
                        elapsed = search(q["q"])[1]
                    times[name].append(elapsed)
                    by_query.setdefault((q["q"], name), []).append(elapsed)
        if not args.keep:
            for url in targets.values():
                use_solr(url)
                clear_site()
        use_solr(ours_url)

    for row in per_query:
        for name in TIMED:
            row[f"latency_p50_ms_{name}"] = round(
                statistics.median(by_query[(row["q"], name)]) * 1000, 2)
    lat = {name: {"p50_ms": round(percentile(v, 0.5) * 1000, 2),
                  "p95_ms": round(percentile(v, 0.95) * 1000, 2)} for name, v in times.items()}

    def latency_of(rows: list[dict]) -> dict:
        """p50 / p95 over the searches of these queries only, and the p95 ratio."""
        out: dict = {}
        for name in TIMED:
            v = [t for r in rows for t in by_query[(r["q"], name)]]
            out[name] = {"p50_ms": round(percentile(v, 0.5) * 1000, 2),
                         "p95_ms": round(percentile(v, 0.95) * 1000, 2)}
        out["p95_ratio"] = round(out["ours"]["p95_ms"] / out["stock"]["p95_ms"], 3)
        out["p50_ratio"] = round(out["ours"]["p50_ms"] / out["stock"]["p50_ms"], 3)
        out["p95_ratio_cold"] = round(out["ours_cold"]["p95_ms"] / out["stock"]["p95_ms"], 3)
        return out

    result = {
        "ndcg10_ours": mean("ndcg10_ours"),
        "ndcg10_stock": mean("ndcg10_stock"),
        "recall10_ours": mean("recall10_ours"),
        "recall10_stock": mean("recall10_stock"),
        "ndcg10_gain": round(mean("ndcg10_ours") - mean("ndcg10_stock"), 4),
        "sets": {
            "all": summary(per_query),
            "original": summary([r for r in per_query if r["set"] == "original"]),
            "added": summary([r for r in per_query if r["set"] == "added"]),
        },
        "by_category": by_category(per_query),
        "by_category_original": by_category([r for r in per_query if r["set"] == "original"]),
        "latency_p95_ratio": round(lat["ours"]["p95_ms"] / lat["stock"]["p95_ms"], 3),
        "latency_p50_ratio": round(lat["ours"]["p50_ms"] / lat["stock"]["p50_ms"], 3),
        # every correction computed anew (the cache of corrections emptied before each search)
        "latency_p95_ratio_cold": round(lat["ours_cold"]["p95_ms"] / lat["stock"]["p95_ms"], 3),
        "latency": lat,
        "latency_sets": {
            "all": latency_of(per_query),
            "original": latency_of([r for r in per_query if r["set"] == "original"]),
            "added": latency_of([r for r in per_query if r["set"] == "added"]),
            "corrected": latency_of([r for r in per_query if r.get("corrected")]),
            "not_corrected": latency_of([r for r in per_query if not r.get("corrected")]),
        },
        "latency_datasets": args.latency_size,
        "latency_searches_per_schema": len(times["ours"]),
        "suggestion_cache_seconds": int(tk_config_int("ckanext.poitiers.search."
                                                      "suggestion_cache_seconds")),
        "corpus_records": len(records),
        "queries": len(queries),
        "indexing_seconds": {k: round(v, 2) for k, v in indexing.items()},
        "indexing_seconds_latency_corpus": {k: round(v, 2) for k, v in bulk_seconds.items()},
        "targets": {"ndcg10": "ours >= stock + 0.15", "latency_p95_ratio": "<= 1.2"},
        "method": ("Same CKAN, same plugins, same documents (CKAN's index_package), two real Solr "
                   "9 cores: Poitiers schema vs the schema.xml of the installed CKAN. Searches "
                   "through package_search, rows=10. Latency: wall time of package_search, "
                   "warm caches, queries interleaved in random order. 'ours' runs as "
                   "configured: a search that found nothing and its correction are kept a "
                   "minute by the process (while Solr's index is the same), so after the "
                   "warm-up round such a search goes straight to its correction; 'ours_cold' "
                   "makes each search with an empty cache of its own (the search, its "
                   "spellcheck and its correction's search made anew; what 'ours' keeps is "
                   "left as it is), in the same rounds."),
        "environment": {"ckan": __import__("ckan").__version__, "python": platform.python_version(),
                        "cpus": os.cpu_count(),
                        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(
                            timespec="seconds")},
        "per_query": per_query,
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False, indent=2)
        f.write("\n")
    headline = {k: result[k] for k in ("ndcg10_ours", "ndcg10_stock", "recall10_ours",
                                       "recall10_stock", "latency_p95_ratio")}
    print(json.dumps(headline, indent=2))


if __name__ == "__main__":
    main()
