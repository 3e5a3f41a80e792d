"""Harvest sources of the demo: payloads in the shape of the real APIs, and the sources themselves.

``ckanext/poitiers/demo/sources/sources.yaml`` names one harvest source per organisation whose demo
datasets are published elsewhere in real life (Grand Poitiers on Data Fair, the Ville de Poitiers on
data.gouv.fr). The payload files next to it are generated from demo.yaml by the pure functions
below (``python -m ckanext.poitiers.demo_sources``); the local demo server serves them and the
harvesters bring them in. :func:`ensure_sources` creates or updates the sources (idempotent),
:func:`run_and_wait` harvests them through the Redis queues and waits for the jobs.
"""
from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import yaml

from ckanext.poitiers import vocabularies

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCES_DIR = os.path.join(HERE, "demo", "sources")
SOURCES_FILE = os.path.join(SOURCES_DIR, "sources.yaml")
DEMO_FILE = os.path.join(HERE, "demo", "demo.yaml")
# fixed dates: the payloads do not change from one generation to the next
CREATED = "2024-01-15T09:00:00.000Z"
UPDATED = "2025-10-01T08:00:00.000Z"

# the label a source gives to each Poitiers sub-theme (topics of Data Fair, tags of udata)
TOPIC_LABELS = {
    "mobilite": "Mobilité", "environnement-proprete": "Environnement",
    "urbanisme-cadastre": "Urbanisme", "territoire-reference": "Territoire", "sante": "Santé",
    "democratie-locale": "Citoyenneté", "culture-agenda": "Culture", "energie": "Énergie",
    "economie": "Économie", "solidarites": "Solidarité", "sport-loisirs": "Sport",
    "education": "Éducation", "numerique-tiers-lieux": "Numérique",
}
MEDIA_TYPES = {
    "CSV": "text/csv", "JSON": "application/json", "GeoJSON": "application/geo+json",
    "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "PDF": "application/pdf", "ZIP": "application/zip", "SHP": "application/zip",
    "GTFS": "application/zip", "GTFS-RT": "application/x-protobuf", "ICS": "text/calendar",
}
UDATA_GRANULARITY = {"commune": "fr:commune", "epci": "fr:epci", "iris": "fr:iris",
                     "point": "poi", "adresse": "poi", "quartier": "fr:iris"}


def read_sources(path: str | None = None) -> list[dict]:
    with open(path or SOURCES_FILE, encoding="utf-8") as f:
        return yaml.safe_load(f)["sources"]


def _commune_names(codes) -> str:
    names = {e["value"]: e["label"]["fr"] for e in vocabularies.communes()}
    if "200069854" in codes or len(codes) > 3:
        return "Grand Poitiers"
    return ", ".join(names.get(c, c) for c in codes)


def _temporal(entry: dict) -> dict:
    period = {}
    if entry.get("temporal_start"):
        period["start"] = str(entry["temporal_start"])
    if entry.get("temporal_end"):
        period["end"] = str(entry["temporal_end"])
    return period


def _file_name(resource: dict, slug: str, index: int) -> str:
    path = urlsplit(resource.get("url") or "").path.rsplit("/", 1)[-1]
    if "." in path:
        return path
    fmt = (resource.get("format") or "bin").lower()
    ext = {"gtfs": "zip", "gtfs-rt": "pbf", "shp": "zip"}.get(fmt, fmt)
    return f"{slug}-{index}.{ext}"


def datafair_record(entry: dict, source: dict) -> dict:
    """One demo dataset → one element of Data Fair's ``GET /datasets`` (a metadata-only dataset
    whose files are URL attachments)."""
    licence = vocabularies.licence(entry.get("license_id") or "") or {}
    notes = (entry.get("notes") or "").strip()
    record = {
        "id": entry["name"],
        "slug": entry["name"],
        "title": entry["title"],
        "summary": notes.split("\n", 1)[0],
        "description": notes,
        "keywords": list(entry.get("tags") or []),
        "topics": [{"id": t, "title": TOPIC_LABELS[t]} for t in entry.get("poitiers_theme") or []],
        "license": {"title": licence.get("title"), "href": licence.get("url")} if licence else None,
        "frequency": entry.get("frequency"),
        "temporal": _temporal(entry) or None,
        "spatial": _commune_names(entry.get("communes") or []),
        "owner": dict(source["datafair_owner"]),
        "isMetaOnly": True,
        "attachments": [
            {"type": "url", "name": _file_name(r, entry["name"], i), "title": r.get("name"),
             "description": r.get("description"), "url": r["url"],
             "mimetype": MEDIA_TYPES.get(r.get("format"))}
            for i, r in enumerate(entry.get("resources") or [], 1)
        ],
        "createdAt": CREATED,
        "updatedAt": UPDATED,
        "dataUpdatedAt": UPDATED,
    }
    return _drop_empty(record)


def udata_record(entry: dict, source: dict) -> dict:
    """One demo dataset → one element of udata's ``GET /api/1/datasets/`` (``data[]``)."""
    org = source["udata_organization"]
    codes = entry.get("communes") or []
    zones = [f"fr:epci:{c}" if c == "200069854" else f"fr:commune:{c}" for c in codes]
    themes = [TOPIC_LABELS[t] for t in entry.get("poitiers_theme") or []]
    record = {
        "id": entry["name"],
        "slug": entry["name"],
        "title": entry["title"],
        "acronym": None,
        "description": (entry.get("notes") or "").strip(),
        "tags": themes + [t for t in entry.get("tags") or [] if t not in themes],
        "license": entry.get("license_id") or "notspecified",
        "frequency": entry.get("frequency"),
        "temporal_coverage": _temporal(entry) or None,
        "spatial": {"zones": zones, "granularity": UDATA_GRANULARITY.get(
            entry.get("granularity") or "", "other")},
        "organization": {"id": org["id"], "name": org["name"], "slug": org["slug"],
                         "page": f"https://www.data.gouv.fr/fr/organizations/{org['slug']}/"},
        "owner": None,
        "contact_points": [{"name": entry.get("contact_name") or org["name"],
                            "email": entry["contact_email"]}]
        if entry.get("contact_email") else [],
        "schema": {"name": entry["data_schema"]} if entry.get("data_schema") else None,
        "private": False,
        "archived": None,
        "deleted": None,
        "created_at": CREATED,
        "last_modified": UPDATED,
        "last_update": UPDATED,
        "resources": [
            {"id": f"{entry['name']}-{i}", "title": r.get("name"),
             "description": r.get("description"), "url": r["url"], "format": r.get("format"),
             "mime": MEDIA_TYPES.get(r.get("format")),
             "type": {"api": "api", "documentation": "documentation"}.get(
                 r.get("resource_kind"), "main")}
            for i, r in enumerate(entry.get("resources") or [], 1)
        ],
    }
    return _drop_empty(record)


def _drop_empty(record: dict) -> dict:
    return {k: v for k, v in record.items() if v not in (None, "", [], {})
            or k in ("archived", "deleted", "private")}


BUILDERS = {"datafair": datafair_record, "udata": udata_record}


def build(demo: dict, sources: list[dict]) -> dict[str, list[dict]]:
    """file name → records, for every source (pure)."""
    result = {}
    for source in sources:
        entries = [e for e in demo["datasets"]
                   if e.get("owner_org") == source["owner_org"] and not e.get("private")]
        result[source["file"]] = [BUILDERS[source["api"]](e, source) for e in entries]
    return result


def covered_names(sources_dir: str | None = None) -> set[str]:
    """Names of the demo datasets that a demo harvest source brings (from the payload files)."""
    names = set()
    directory = sources_dir or SOURCES_DIR
    for source in read_sources(os.path.join(directory, "sources.yaml")):
        with open(os.path.join(directory, source["file"]), encoding="utf-8") as f:
            names.update(r["slug"] for r in json.load(f))
    return names


def write_payloads(directory: str | None = None) -> list[str]:
    with open(DEMO_FILE, encoding="utf-8") as f:
        demo = yaml.safe_load(f)
    directory = directory or SOURCES_DIR
    written = []
    for name, records in build(demo, read_sources()).items():
        path = os.path.join(directory, name)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(records, f, ensure_ascii=False, indent=1)
            f.write("\n")
        written.append(path)
    return written


# ------------------------------------------------------------------------------------ in CKAN
def _context() -> dict:
    import ckan.plugins.toolkit as tk

    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


def source_url(base_url: str, source: dict) -> str:
    return base_url.rstrip("/") + source["path"].rstrip("/")


def ensure_sources(base_url: str, echo: Callable = print) -> list[dict]:
    """Create or update the demo harvest sources on ``base_url`` (the local demo server).

    A demo dataset that an earlier demo loaded through the action API under a name a source now
    brings is purged first, so that the harvest takes the name and nothing is duplicated."""
    import ckan.plugins.toolkit as tk

    context = _context()
    covered = covered_names()
    result = []
    for source in read_sources():
        org = tk.get_action("organization_show")(dict(context), {"id": source["owner_org"]})
        data = {
            "name": source["name"],
            "title": source["title"],
            "notes": source.get("description", ""),
            "url": source_url(base_url, source),
            "source_type": source["source_type"],
            "frequency": "MANUAL",
            "config": json.dumps(source.get("config") or {}, sort_keys=True),
            "owner_org": org["id"],
        }
        try:
            existing = _flat(tk.get_action("harvest_source_show")(
                dict(context), {"id": data["name"]}))
        except tk.ObjectNotFound:
            existing = None
        if existing is None:
            result.append(tk.get_action("harvest_source_create")(dict(context), data))
            echo(tk._("  source {name} created").format(name=data["name"]))
        elif any(existing.get(k) != v for k, v in data.items() if k != "owner_org") \
                or existing.get("owner_org") != org["id"]:
            result.append(tk.get_action("harvest_source_update")(
                dict(context), dict(data, id=existing["id"])))
            echo(tk._("  source {name} updated").format(name=data["name"]))
        else:
            result.append(existing)
    _purge_unharvested(context, covered)
    return result


def _flat(source: dict) -> dict:
    """harvest_source_show answers with ``config``, ``source_type``… either as keys or, once
    the source is reindexed, as extras: always as keys."""
    flat = dict(source)
    for extra in source.get("extras") or []:
        flat.setdefault(extra["key"], extra["value"])
    return flat


def _purge_unharvested(context: dict, names: set[str]) -> None:
    import ckan.plugins.toolkit as tk
    from ckan import model

    from ckanext.harvest.model import HarvestObject

    for name in sorted(names):
        pkg = model.Package.get(name)
        if pkg is None:
            continue
        harvested = model.Session.query(HarvestObject.id).filter(
            HarvestObject.package_id == pkg.id).first()
        if not harvested:
            tk.get_action("dataset_purge")(dict(context), {"id": pkg.id})


def run_and_wait(sources: list[dict], timeout: float = 600, poll: float = 1.0,
                 echo: Callable = print) -> dict:
    """One harvest job per source on the gather queue (the running gather and fetch consumers do
    the work); waits until every job is finished. Returns the statistics of the jobs."""
    import ckan.plugins.toolkit as tk

    context = _context()
    jobs = {}
    for source in sources:
        running = tk.get_action("harvest_job_list")(
            dict(context), {"source_id": source["id"], "status": "Running"}
        ) + tk.get_action("harvest_job_list")(
            dict(context), {"source_id": source["id"], "status": "New"})
        if running:
            job = running[0]
        else:
            job = tk.get_action("harvest_job_create")(
                dict(context), {"source_id": source["id"], "run": True})
        jobs[source["id"]] = job["id"]
    deadline = time.monotonic() + timeout
    pending = dict(jobs)
    while pending:
        for source_id, job_id in list(pending.items()):
            if _job_done(job_id):
                # marks the job finished (and only then: harvest_jobs_run also resubmits the
                # objects it believes lost, which would import a record twice mid-run)
                tk.get_action("harvest_jobs_run")(dict(context), {"source_id": source_id})
            job = tk.get_action("harvest_job_show")(dict(context), {"id": job_id})
            if job["status"] == "Finished":
                del pending[source_id]
        if pending:
            if time.monotonic() > deadline:
                raise TimeoutError(tk._(
                    "The demo harvest jobs did not finish within {seconds} s; are the gather and "
                    "fetch consumers running?").format(seconds=int(timeout)))
            time.sleep(poll)
    totals = {"added": 0, "updated": 0, "deleted": 0, "errored": 0, "not modified": 0,
              "datasets": 0, "gather_errors": []}
    for source_id, job_id in jobs.items():
        job = tk.get_action("harvest_job_show")(dict(context), {"id": job_id})
        for key, value in (job.get("stats") or {}).items():
            totals[key] = totals.get(key, 0) + value
        status = tk.get_action("harvest_source_show_status")(dict(context), {"id": source_id})
        totals["datasets"] += status.get("total_datasets", 0)
        totals["gather_errors"] += gather_errors(job_id)
    return totals


def gather_errors(job_id: str) -> list[str]:
    """The messages of a job's gather errors (a source down, an invalid answer…)."""
    from ckan import model

    from ckanext.harvest.model import HarvestGatherError

    return [e.message for e in model.Session.query(HarvestGatherError).filter(
        HarvestGatherError.harvest_job_id == job_id)]


def _job_done(job_id: str) -> bool:
    """Gathered, and every harvest object imported or in error."""
    from ckan import model

    from ckanext.harvest.model import HarvestJob, HarvestObject

    model.Session.expire_all()
    job = HarvestJob.get(job_id)
    if job is None or job.status == "Finished":
        return True
    if not job.gather_finished:
        return False
    return not model.Session.query(HarvestObject.id).filter(
        HarvestObject.harvest_job_id == job_id,
        HarvestObject.state.notin_(("COMPLETE", "ERROR")),
    ).count()


if __name__ == "__main__":  # regenerate the payload files after editing demo.yaml
    for written in write_payloads():
        print(written)
