"""Harvest sources of the demo: payloads in the shape of the real APIs, and the sources themselves.

``ckanext/poitiers/demo/sources/sources.yaml`` names the harvest sources of the demo datasets that
are published elsewhere in real life: Grand Poitiers on Data Fair, its bus network on
transport.data.gouv.fr (with a GTFS file whose facts the harvest reads), the Ville de Poitiers on
data.gouv.fr, its cultural agenda on OpenAgenda, the Ville de Chauvigny on an OpenDataSoft portal
(DCAT). The payload files next to it are generated from demo.yaml by the pure functions below
(``python -m ckanext.poitiers.demo_sources``); the local demo server serves them and the
harvesters bring them in. :func:`ensure_sources` creates or updates the sources (idempotent),
:func:`run_and_wait` harvests them through the Redis queues and waits for the jobs.
"""
from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from urllib.parse import quote, urlsplit

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
# formats as transport.data.gouv.fr writes them
TRANSPORT_FORMATS = {"GTFS": "GTFS", "GTFS-RT": "gtfs-rt", "NeTEx": "NeTEx", "GBFS": "gbfs"}
# written in a payload where the address of the demo server goes; replaced as it is served
SERVER = "{server}"
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


def transport_record(entry: dict, source: dict) -> dict:
    """One demo dataset → one element of transport.data.gouv.fr's ``GET /api/datasets``; its GTFS
    file is served by the demo server (from ``gtfs/<name>/``) so that the harvest reads its
    facts."""
    codes = entry.get("communes") or []
    areas = [{"type": "aom", "nom": source["transport_publisher"], "siren": c}
             if len(c) == 9 else {"type": "commune", "insee": c} for c in codes]
    resources = []
    for i, r in enumerate(entry.get("resources") or [], 1):
        url = r["url"]
        if r.get("format") == "GTFS":
            url = f"{SERVER}/transport/resources/{entry['name']}.zip"
        resources.append({
            "id": i, "datagouv_id": f"{entry['name']}-{i}", "title": r.get("name"),
            "type": "main", "format": TRANSPORT_FORMATS.get(r.get("format"), r.get("format")),
            "url": url, "original_url": url, "is_available": True, "updated": UPDATED,
        })
    record = {
        "datagouv_id": entry["name"],
        "id": entry["name"],
        "title": entry["title"],
        "slug": entry["name"],
        "description": (entry.get("notes") or "").strip(),
        "page_url": f"https://transport.data.gouv.fr/datasets/{entry['name']}",
        "type": "public-transit",
        "licence": entry.get("license_id"),
        "publisher": {"name": source["transport_publisher"], "type": "organization"},
        "tags": list(entry.get("tags") or []),
        "covered_area": areas,
        "legal_owners": [a for a in areas if a["type"] == "aom"],
        "created_at": CREATED[:10],
        "updated": UPDATED,
        "resources": resources,
    }
    return _drop_empty(record)


OPENAGENDA_PREFIX = "agenda-"


def openagenda_record(entry: dict, source: dict) -> dict:
    """One demo dataset → one OpenAgenda agenda (``GET /v2/agendas/{uid}``); the harvest names its
    dataset ``agenda-<slug>``."""
    if not entry["name"].startswith(OPENAGENDA_PREFIX):
        raise ValueError(f"{entry['name']}: an agenda's dataset is named agenda-<slug>")
    record = {
        "uid": int(source["openagenda_uids"][entry["name"]]),
        "title": entry["title"],
        "slug": entry["name"][len(OPENAGENDA_PREFIX):],
        "description": (entry.get("notes") or "").strip(),
        "official": 1,
        "private": 0,
        "indexed": 1,
        "createdAt": CREATED,
        "updatedAt": UPDATED,
        "summary": {"keywords": list(entry.get("tags") or [])},
    }
    return _drop_empty(record)


FREQUENCIES = "http://purl.org/cld/freq/"


def dcat_record(entry: dict, source: dict) -> dict:
    """One demo dataset → one dataset of an OpenDataSoft catalogue's DCAT export (as a plain
    dict: :func:`dcat_rdf` writes the RDF). ckanext-dcat names a dataset after its title: the
    demo dataset must be named so."""
    from ckan.lib.munge import munge_title_to_name

    if munge_title_to_name(entry["title"]) != entry["name"]:
        raise ValueError(f"{entry['name']}: a DCAT dataset is named after its title "
                         f"({munge_title_to_name(entry['title'])})")
    portal = source["dcat_portal"].rstrip("/")
    licence = vocabularies.licence(entry.get("license_id") or "") or {}
    uri = f"{portal}/explore/dataset/{entry['name']}/"
    record = {
        "uri": uri,
        "title": entry["title"],
        "description": (entry.get("notes") or "").strip(),
        "keywords": list(entry.get("tags") or []),
        "themes": [f"{portal}/explore/?refine.theme={quote(TOPIC_LABELS[t])}"
                   for t in entry.get("poitiers_theme") or []],
        "frequency": FREQUENCIES + entry["frequency"] if entry.get("frequency") else None,
        "licence": licence.get("url"),
        "places": [_commune_names(entry.get("communes") or [])] if entry.get("communes") else [],
        "publisher": source["dcat_publisher"],
        "contact_email": entry.get("contact_email"),
        "start": str(entry["temporal_start"]) if entry.get("temporal_start") else None,
        "modified": UPDATED,
        "distributions": [
            {"title": r.get("name"), "description": r.get("description"), "url": r["url"],
             "media_type": MEDIA_TYPES.get(r.get("format")), "format": r.get("format")}
            for r in entry.get("resources") or []
        ],
    }
    return _drop_empty(record)


def dcat_rdf(records: list[dict], catalogue_uri: str) -> str:
    """The DCAT export (RDF/XML, as OpenDataSoft serves ``…/catalog/exports/dcat``) of
    :func:`dcat_record`'s records."""
    from rdflib import BNode, Graph, Literal, Namespace, URIRef
    from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

    vcard = Namespace("http://www.w3.org/2006/vcard/ns#")
    graph = Graph()
    catalogue = URIRef(catalogue_uri)
    graph.add((catalogue, RDF.type, DCAT.Catalog))
    for record in records:
        dataset = URIRef(record["uri"])
        graph.add((catalogue, DCAT.dataset, dataset))
        graph.add((dataset, RDF.type, DCAT.Dataset))
        graph.add((dataset, DCTERMS.identifier, Literal(record["uri"])))
        graph.add((dataset, DCTERMS.title, Literal(record["title"], lang="fr")))
        if record.get("description"):
            graph.add((dataset, DCTERMS.description, Literal(record["description"], lang="fr")))
        graph.add((dataset, DCTERMS.modified, Literal(record["modified"], datatype=XSD.dateTime)))
        for keyword in record.get("keywords") or []:
            graph.add((dataset, DCAT.keyword, Literal(keyword, lang="fr")))
        for theme in record.get("themes") or []:
            graph.add((dataset, DCAT.theme, URIRef(theme)))
        if record.get("frequency"):
            graph.add((dataset, DCTERMS.accrualPeriodicity, URIRef(record["frequency"])))
        if record.get("licence"):
            graph.add((dataset, DCTERMS.license, URIRef(record["licence"])))
        for place in record.get("places") or []:
            node = BNode()
            graph.add((dataset, DCTERMS.spatial, node))
            graph.add((node, RDF.type, DCTERMS.Location))
            graph.add((node, SKOS.prefLabel, Literal(place)))
        publisher = BNode()
        graph.add((dataset, DCTERMS.publisher, publisher))
        graph.add((publisher, RDF.type, FOAF.Agent))
        graph.add((publisher, FOAF.name, Literal(record["publisher"])))
        if record.get("contact_email"):
            contact = BNode()
            graph.add((dataset, DCAT.contactPoint, contact))
            graph.add((contact, RDF.type, vcard.Organization))
            graph.add((contact, vcard.fn, Literal(record["publisher"])))
            graph.add((contact, vcard.hasEmail, URIRef("mailto:" + record["contact_email"])))
        if record.get("start"):
            period = BNode()
            graph.add((dataset, DCTERMS.temporal, period))
            graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
            graph.add((period, DCAT.startDate, Literal(record["start"], datatype=XSD.date)))
        for distribution in record.get("distributions") or []:
            node = URIRef(distribution["url"])
            graph.add((dataset, DCAT.distribution, node))
            graph.add((node, RDF.type, DCAT.Distribution))
            graph.add((node, DCTERMS.title, Literal(distribution["title"])))
            if distribution.get("description"):
                graph.add((node, DCTERMS.description, Literal(distribution["description"])))
            graph.add((node, DCAT.downloadURL, node))
            graph.add((node, DCAT.accessURL, node))
            if distribution.get("media_type"):
                graph.add((node, DCAT.mediaType, URIRef(
                    "https://www.iana.org/assignments/media-types/" + distribution["media_type"])))
            if distribution.get("format"):
                graph.add((node, DCTERMS.format, Literal(distribution["format"])))
            graph.add((node, DCTERMS.modified, Literal(record["modified"],
                                                       datatype=XSD.dateTime)))
            if record.get("licence"):
                graph.add((node, DCTERMS.license, URIRef(record["licence"])))
    return graph.serialize(format="xml")


def _drop_empty(record: dict) -> dict:
    return {k: v for k, v in record.items() if v not in (None, "", [], {})
            or k in ("archived", "deleted", "private")}


BUILDERS = {"datafair": datafair_record, "udata": udata_record,
            "transport": transport_record, "openagenda": openagenda_record,
            "dcat": dcat_record}
# the name of the dataset the harvest makes of a record
DATASET_NAMES = {"datafair": lambda r: r["slug"], "udata": lambda r: r["slug"],
                 "transport": lambda r: r["slug"],
                 "openagenda": lambda r: OPENAGENDA_PREFIX + r["slug"],
                 "dcat": lambda r: r["uri"].rstrip("/").rsplit("/", 1)[-1]}


def brought(demo: dict, source: dict, sources: list[dict]) -> list[dict]:
    """The public demo datasets ``source`` brings: those its ``datasets`` names, else those of its
    organisation that no other source names."""
    named = source.get("datasets")
    claimed = {n for s in sources for n in s.get("datasets") or []}
    return [e for e in demo["datasets"] if not e.get("private") and (
        e["name"] in named if named
        else e.get("owner_org") == source["owner_org"] and e["name"] not in claimed)]


def build(demo: dict, sources: list[dict]) -> dict[str, list[dict]]:
    """file name → records, for every source (pure)."""
    return {source["file"]: [BUILDERS[source["api"]](e, source)
                             for e in brought(demo, source, sources)]
            for source in sources}


def brought_by(sources_dir: str | None = None) -> dict[str, str]:
    """Name of each demo dataset a demo harvest source brings → name of that source (from the
    payload files)."""
    source_of = {}
    directory = sources_dir or SOURCES_DIR
    for source in read_sources(os.path.join(directory, "sources.yaml")):
        with open(os.path.join(directory, source["file"]), encoding="utf-8") as f:
            for record in json.load(f):
                source_of[DATASET_NAMES[source["api"]](record)] = source["name"]
    return source_of


def covered_names(sources_dir: str | None = None) -> set[str]:
    """Names of the demo datasets that a demo harvest source brings (from the payload files)."""
    return set(brought_by(sources_dir))


def renamed_names(path: str | None = None) -> set[str]:
    """Names under which an earlier demo loaded datasets that a source now brings under another
    name (``renamed`` in sources.yaml)."""
    with open(path or SOURCES_FILE, encoding="utf-8") as f:
        return set(yaml.safe_load(f).get("renamed") or [])


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
    brings (or under a name now ``renamed``), or that another demo source harvested, is purged
    first, so that the source that brings it now takes the name and nothing is duplicated."""
    import ckan.plugins.toolkit as tk

    context = _context()
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
    ids = {source["name"]: created["id"]
           for source, created in zip(read_sources(), result, strict=True)}
    _free_names(context, {name: ids[source] for name, source in brought_by().items()},
                renamed_names())
    return result


def _flat(source: dict) -> dict:
    """harvest_source_show answers with ``config``, ``source_type``… either as keys or, once
    the source is reindexed, as extras: always as keys."""
    flat = dict(source)
    for extra in source.get("extras") or []:
        flat.setdefault(extra["key"], extra["value"])
    return flat


def _free_names(context: dict, brought: dict[str, str], renamed: set[str]) -> None:
    """Purge the datasets named in ``brought`` (name → id of the source that brings it) that this
    source did not harvest, and those named in ``renamed`` that no source harvested. The harvest
    objects of another source are detached first: that source no longer lists the record, and
    withdraws nothing."""
    import ckan.plugins.toolkit as tk
    from ckan import model

    from ckanext.harvest.model import HarvestObject

    for name in sorted(set(brought) | renamed):
        pkg = model.Package.get(name)
        if pkg is None:
            continue
        harvested = {row[0] for row in model.Session.query(HarvestObject.harvest_source_id)
                     .filter(HarvestObject.package_id == pkg.id, HarvestObject.current == True)}  # noqa: E712
        if name in brought and brought[name] in harvested or name not in brought and harvested:
            continue
        model.Session.query(HarvestObject).filter(HarvestObject.package_id == pkg.id).update(
            {"package_id": None, "current": False}, synchronize_session=False)
        model.Session.commit()
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
