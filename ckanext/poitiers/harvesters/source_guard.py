"""The SSRF guard for the harvest sources of harvesters that are not ours.

Our harvesters download through :class:`~ckanext.poitiers.harvesters.http.HttpClient`: every
request, redirect and next page is checked. A harvester of another extension that a portal loads
anyway (ckanext-harvest's ``ckan_harvester``, ckanext-dcat's ``dcat_rdf_harvester``…) downloads
with its own code: an organisation editor could point a source at the cloud metadata service or,
for ckanext-dcat, at a local file, and read the answer back in the gather error. For the sources
of those harvesters the ``poitiers`` plugin checks the URL:

* when a source is created or updated (chained ``package_create`` and ``package_update``, which
  ``harvest_source_create``, ``harvest_source_update`` and the ``/harvest`` form call): an error
  on the ``url`` field, in the portal's language, and nothing is saved;
* when a job is sent to the gather queue (chained ``harvest_send_job_to_gather_queue``): a
  source saved before this guard, or whose name now resolves elsewhere, gets a gather error and
  its job is finished without being queued.

The check is the one of our client: an http(s) URL whose host resolves only to global
addresses, unless ``ckanext.poitiers.harvest.allow_private_addresses``. What such a harvester
does after that (redirects, next pages, a second DNS answer) is out of reach: the README and
``ckan poitiers doctor`` advise not to load them.
"""
from __future__ import annotations

import datetime

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.poitiers.harvesters import i18n
from ckanext.poitiers.harvesters.http import HttpSettings, RemoteError, check_url

HARVEST_SOURCE_TYPE = "harvest"  # the dataset type of ckanext-harvest's sources


def _harvesters():
    from ckanext.harvest.interfaces import IHarvester

    for harvester in p.PluginImplementations(IHarvester):
        try:
            name = (harvester.info() or {}).get("name")
        except Exception:  # noqa: BLE001 - a broken harvester is ckanext-harvest's to report
            continue
        if name:
            yield harvester, name


def guarded_source_types() -> set[str]:
    """Source types whose harvester downloads through our guarded client."""
    return {name for harvester, name in _harvesters()
            if getattr(harvester, "guarded_downloads", False)}


def unguarded_harvesters() -> list[tuple[str, str]]:
    """``(plugin name, source type)`` of the loaded harvesters that download with their own
    code; empty when ckanext-harvest is not loaded."""
    if not p.plugin_loaded("harvest"):
        return []
    return [(getattr(harvester, "name", "") or type(harvester).__name__, name)
            for harvester, name in _harvesters()
            if not getattr(harvester, "guarded_downloads", False)]


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be the address of a source, None if it can; in the portal's default
    language, as the errors of the source configuration (``harvesters/config.py``)."""
    try:
        check_url(url.strip(), HttpSettings.from_config().allow_private)
    except RemoteError as e:
        if e.reason == "private":
            return i18n._(
                "This address leads to a private or local network address ({ip}); harvesting "
                "it is refused."
            ).format(ip=e.ip)
        if e.reason == "unresolved":
            return i18n._("The host of this address cannot be resolved.")
        return i18n._("Only an http or https address can be harvested (no local file, no other "
                    "protocol).")
    return None


def _check_source(action: str, context, data_dict) -> None:
    url = data_dict.get("url")
    if not isinstance(url, str) or not url.strip():
        return  # ckanext-harvest's schema says the URL is missing
    if data_dict.get("source_type") in guarded_source_types():
        return  # our client checks every request of these harvesters
    tk.check_access(action, context, data_dict)  # no DNS question for who may not save
    problem = url_problem(url)
    if problem:
        raise tk.ValidationError({"url": [problem]})


@tk.chained_action
def package_create(up_func, context, data_dict):
    if data_dict.get("type") == HARVEST_SOURCE_TYPE:
        _check_source("package_create", context, data_dict)
    return up_func(context, data_dict)


@tk.chained_action
def package_update(up_func, context, data_dict):
    # ckanext-harvest's schema requires source_type: a dict without it is no source update
    if "source_type" in data_dict:
        from ckan import model

        pkg = model.Package.get(data_dict.get("id") or data_dict.get("name") or "")
        if pkg is not None and pkg.type == HARVEST_SOURCE_TYPE:
            _check_source("package_update", context, data_dict)
    return up_func(context, data_dict)


@tk.chained_action
def harvest_send_job_to_gather_queue(up_func, context, data_dict):
    from ckanext.harvest.model import HarvestJob

    job = HarvestJob.get(data_dict.get("id")) if data_dict.get("id") else None
    if job is None or job.source is None or job.source.type in guarded_source_types():
        return up_func(context, data_dict)
    job_dict = tk.get_action("harvest_job_show")(context, {"id": job.id})
    tk.check_access("harvest_send_job_to_gather_queue", context, job_dict)
    try:
        check_url((job.source.url or "").strip(), HttpSettings.from_config().allow_private)
    except RemoteError as e:
        return _refuse_job(job, e, context)
    return up_func(context, data_dict)


def _refuse_job(job, error: RemoteError, context) -> dict:
    """The job ends at once with a gather error (in the portal's language); nothing is queued,
    so nothing is fetched and no dataset is withdrawn."""
    from ckanext.harvest.logic.dictization import harvest_job_dictize
    from ckanext.harvest.model import HarvestGatherError

    HarvestGatherError(
        message=i18n._(
            "This job was not run: {error} The harvester of this source does not download "
            "through the portal's guard, so only public http and https addresses are accepted."
        ).format(error=error),
        job=job,
    ).save()
    now = datetime.datetime.utcnow()
    job.gather_started = job.gather_started or now
    job.gather_finished = now
    job.finished = now
    job.status = "Finished"
    job.save()
    return harvest_job_dictize(job, context)


def chained_actions() -> dict:
    actions = {"package_create": package_create, "package_update": package_update}
    if p.plugin_loaded("harvest"):
        actions["harvest_send_job_to_gather_queue"] = harvest_send_job_to_gather_queue
    return actions
