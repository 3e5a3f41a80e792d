"""Template helpers of the theme plugin (``h.poitiers_*``).

They read the fields of docs/schema-fields.md and degrade gracefully when a field is absent
(a stock dataset, a harvested one with few fields): a missing fact is simply not shown.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import re
from urllib.parse import quote

import ckan.plugins as plugins
import ckan.plugins.toolkit as tk
from markupsafe import Markup

from ckanext.poitiers import freshness as fresh
from ckanext.poitiers import indexing, l10n, vocabularies
from ckanext.poitiers.search import as_list

log = logging.getLogger(__name__)

EU_THEME_PREFIX = "http://publications.europa.eu/resource/authority/data-theme/"
SCHEMA_SITE = "https://schema.data.gouv.fr/"

# Facets whose values are vocabulary codes: facet name -> vocabulary name
VOCABULARY_FACETS = {
    "poitiers_theme": "poitiers_themes",
    "theme": "eu_themes",
    "communes": "communes",
    "granularity": "granularities",
    "frequency": "frequencies",
    "data_schema": "data_schemas",
    "personal_data": "personal_data",
    "coproduction": "coproduction",
    "license_id": "licences",
    "organization_type": "org_types",
    "org_type": "org_types",
    "resource_kind": "resource_kinds",
}


# ---------------------------------------------------------------------------------------------
# Vocabulary labels (from ckanext.poitiers.vocabularies when it knows the vocabulary)
# ---------------------------------------------------------------------------------------------
def _lang() -> str:
    return l10n.page_language()


def vocabulary_label(vocab: str, value) -> str:
    """The label of ``value`` in vocabulary ``vocab``, in the page language; the value otherwise."""
    if value in (None, ""):
        return ""
    value = str(value)
    if vocab == "frequencies":
        return frequency_label(value)
    try:
        found = vocabularies.label(vocab, value, _lang())
    except (KeyError, AttributeError):  # a vocabulary this version does not know
        found = None
    if found and found != value:
        return found
    if vocab == "eu_themes" and value.startswith(EU_THEME_PREFIX):
        return value[len(EU_THEME_PREFIX):]
    return value


def frequency_label(value) -> str:
    code = fresh.frequency_code(value)
    labels = {
        "UPDATE_CONT": tk._("continuously updated"), "CONT": tk._("continuously updated"),
        "HOURLY": tk._("every hour"), "DAILY": tk._("every day"), "WEEKLY": tk._("every week"),
        "BIWEEKLY": tk._("every two weeks"), "MONTHLY": tk._("every month"),
        "QUARTERLY": tk._("every quarter"), "ANNUAL_2": tk._("twice a year"),
        "ANNUAL": tk._("every year"), "BIENNIAL": tk._("every two years"),
        "IRREG": tk._("irregularly"), "UNKNOWN": tk._("unknown"), "NEVER": tk._("never"),
        "AS_NEEDED": tk._("as needed"), "OTHER": tk._("other"),
    }
    uri = vocabularies.frequency_uri(value) if value else None
    if uri:
        found = vocabularies.label("frequencies", uri, _lang())
        if found and found != uri:
            return found
    return labels.get(code or "", value or "")


def _field_of(facet_name: str) -> str:
    """The dataset field behind a facet (``vocab_poitiers_theme`` on CKAN's stock Solr schema)."""
    return facet_name[len("vocab_"):] if facet_name.startswith("vocab_") else facet_name


def facet_labeller(facet_name: str):
    """A ``label_function`` for snippets/facet_list.html: vocabulary labels instead of codes."""
    vocab = VOCABULARY_FACETS.get(_field_of(facet_name))

    def label(item) -> str:
        name = item.get("name") if isinstance(item, dict) else item
        display = item.get("display_name") if isinstance(item, dict) else None
        if vocab:
            found = vocabulary_label(vocab, name)
            if found and found != name:
                return found
        return display or name or ""

    return label


def on_harvest_search() -> bool:
    """Whether the page is ckanext-harvest's list of harvest sources (``/harvest``)."""
    try:
        from flask import request

        return (request.endpoint or "") == "harvest.search"
    except Exception:  # noqa: BLE001 - outside a request
        return False


def harvest_facet_label(facet_name: str, item) -> str:
    """The label of a facet of the harvest sources list: ckanext-harvest gives the codes
    (« MANUAL », « poitiers_datafair »); its helpers know the titles, translated."""
    name = item.get("name") if isinstance(item, dict) else item
    choices = []
    try:
        if facet_name == "source_type":
            choices = tk.h.harvester_types()
        elif facet_name == "frequency":
            choices = tk.h.harvest_frequencies()
    except (AttributeError, KeyError, TypeError):  # ckanext-harvest not loaded
        choices = []
    for choice in choices:
        if choice.get("value") == name:
            return choice.get("text") or name
    return (item.get("display_name") if isinstance(item, dict) else None) or name or ""


def filter_label(facet_name: str, value, search_facets=None) -> str:
    """The label of an active filter pill."""
    for item in ((search_facets or {}).get(facet_name) or {}).get("items", []):
        if item.get("name") == value:
            return facet_labeller(facet_name)(item)
    return facet_labeller(facet_name)({"name": value, "display_name": value})


def facet_title(facet_name: str, default: str) -> str:
    """French titles for CKAN's own facets; the Poitiers facets keep the core plugin's titles."""
    titles = {
        "organization": tk._("Producers"), "tags": tk._("Keywords"),
        "res_format": tk._("Formats"), "license_id": tk._("Licences"), "groups": tk._("Groups"),
    }
    if facet_name in titles:
        return titles[facet_name]
    if default and default != facet_name:
        return default
    return indexing.facet_titles(tk._).get(_field_of(facet_name), default)


# ---------------------------------------------------------------------------------------------
# Home page
# ---------------------------------------------------------------------------------------------
def _search(data_dict: dict) -> dict:
    try:
        return tk.get_action("package_search")({}, data_dict)
    except Exception as e:  # noqa: BLE001 - the home page must render without Solr facets
        log.warning("home page search failed: %s", e)
        return {"count": 0, "results": [], "search_facets": {}}


def _home_search() -> dict:
    """One search for the latest datasets, the total count and the theme counts."""
    cache = tk.g if _has_request() else None
    if cache is not None and getattr(cache, "_poitiers_home", None) is not None:
        return cache._poitiers_home
    result = _search({"rows": 4, "sort": "metadata_created desc",
                      "facet.field": json.dumps([indexing.facet_field("poitiers_theme")]),
                      "facet.limit": -1})
    if cache is not None:
        cache._poitiers_home = result
    return result


def _has_request() -> bool:
    try:
        from flask import has_request_context

        return has_request_context()
    except ImportError:  # pragma: no cover
        return False


def theme_entries() -> list[dict]:
    """The Poitiers themes with their live dataset counts, for the home page."""
    result = _home_search()
    field = indexing.facet_field("poitiers_theme")
    counts = {
        i["name"]: i["count"]
        for i in (result.get("search_facets", {}).get(field) or {}).get("items", [])
    }
    return [
        {"slug": s, "label": vocabulary_label("poitiers_themes", s), "count": counts.get(s, 0),
         "url": tk.h.url_for("dataset.search", **{field: s})}
        for s in vocabularies.values("poitiers_themes")
    ]


def home_datasets() -> dict:
    """Total count, latest published and recently updated public datasets."""
    latest = _home_search()
    updated = _search({"rows": 4, "sort": indexing.DATA_UPDATED_SORT})
    return {"count": latest.get("count", 0), "latest": latest.get("results", []),
            "updated": updated.get("results", [])}


# ---------------------------------------------------------------------------------------------
# Dataset page: "Comprendre ces données"
# ---------------------------------------------------------------------------------------------
def _first(value) -> dict:
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return value[0]
    if isinstance(value, dict):
        return value
    return {}


def format_date(value) -> str:
    """A day in words in the page's language: « 1er janvier 2015 », "January 1, 2015"."""
    d = fresh.parse_date(value)
    if not d:
        return ""
    return l10n.long_date(d, _lang())


def ago(value, now=None) -> str:
    """How long ago ``value`` was: « aujourd’hui », « il y a 3 jours »; empty if unknown."""
    d = fresh.parse_date(value)
    if not d:
        return ""
    now = now or dt.datetime.utcnow()
    return l10n.ago((now.date() - d.date()).days, _lang(), tk._)


last_update = fresh.last_update


def data_updated_sort() -> str:
    """The search's sort « Mis à jour récemment »: by when the data changed."""
    return indexing.DATA_UPDATED_SORT


def N_(message: str) -> str:
    """Marks a string for extraction; translated where it is displayed."""
    return message


_REUSE_CREDIT_DATE = N_("You may reuse these data freely, including for commercial purposes, "
                        "provided you credit the source and the date of the last update.")
_REUSE_CREDIT = N_("You may reuse these data freely, including for commercial purposes, "
                   "provided you credit the source.")
_PUBLIC_DOMAIN = N_("These data are in the public domain: you may reuse them without any "
                    "condition.")
LICENCE_SENTENCES = {
    "lov2": _REUSE_CREDIT_DATE,
    "fr-lo": _REUSE_CREDIT_DATE,
    "odc-odbl": N_("You may reuse these data freely if you credit the source, and any database "
                   "you build from them must be shared under the same licence."),
    "odc-by": _REUSE_CREDIT,
    "cc-by": _REUSE_CREDIT,
    "cc-by-sa": N_("You may reuse these data if you credit the source and share what you make "
                   "from them under the same licence."),
    "odc-pddl": _PUBLIC_DOMAIN,
    "cc-zero": _PUBLIC_DOMAIN,
}


def licence_sentence(licence_id: str | None) -> str:
    text = LICENCE_SENTENCES.get(licence_id or "")
    if text:
        return tk._(text)
    if not licence_id or licence_id == "notspecified":
        return tk._("The licence is not specified: ask the producer before reusing these data.")
    return tk._("Read the licence to know under which conditions you may reuse these data.")


def territory(pkg: dict) -> list[str]:
    return [vocabulary_label("communes", c) for c in as_list(pkg.get("communes"))]


def period(pkg: dict) -> dict:
    """The first period the dataset covers (:func:`ckanext.poitiers.l10n.period_of`)."""
    cov = _first(pkg.get("temporal_coverage"))
    return l10n.period_of(cov.get("start") or pkg.get("temporal_start"),
                          cov.get("end") or pkg.get("temporal_end"), tk._, _lang())


def _extra(pkg: dict, key: str) -> str:
    """A value at the top of the dataset, else in its ``extras`` (where ckanext-harvest puts
    ``harvest_source_id`` and ``harvest_source_title`` of a harvested dataset)."""
    value = pkg.get(key)
    if not value:
        for extra in pkg.get("extras") or []:
            if isinstance(extra, dict) and extra.get("key") == key:
                value = extra.get("value")
                break
    return value if isinstance(value, str) else ""


def understand(pkg: dict) -> dict:
    """Everything the "Comprendre ces données" block shows; absent facts are empty."""
    org = pkg.get("organization") or {}
    publisher = _first(pkg.get("publisher"))
    contact = _first(pkg.get("contact"))
    if not contact and (pkg.get("maintainer_email") or pkg.get("author_email")):
        contact = {"name": pkg.get("maintainer") or pkg.get("author") or "",
                   "email": pkg.get("maintainer_email") or pkg.get("author_email")}
    freq = pkg.get("frequency")
    updated = last_update(pkg)
    state = fresh.freshness(freq, updated)
    lic = vocabularies.licence(pkg.get("license_id") or "") or {}
    schema_id = pkg.get("data_schema") or ""
    return {
        "purpose": pkg.get("purpose") or "",
        "producer": publisher.get("name") or org.get("title") or "",
        "producer_url": (tk.h.url_for("organization.read", id=org["name"])
                         if org.get("name") else publisher.get("url") or ""),
        "territory": territory(pkg),
        "granularity": vocabulary_label("granularities", pkg.get("granularity")),
        "period": period(pkg),
        "frequency": frequency_label(freq) if freq else "",
        "freshness": state,
        "last_update": format_date(updated),
        "last_update_ago": ago(updated),
        "due": format_date(state["due"]) if state["due"] else "",
        "licence_id": pkg.get("license_id") or "",
        "licence_title": lic.get("title") or pkg.get("license_title") or "",
        "licence_url": lic.get("url") or pkg.get("license_url") or "",
        "licence_sentence": licence_sentence(pkg.get("license_id")),
        "schema": schema_id,
        "schema_label": vocabulary_label("data_schemas", schema_id) if schema_id else "",
        "schema_version": pkg.get("data_schema_version") or "",
        "schema_url": (SCHEMA_SITE + quote(schema_id) + "/" +
                       (quote(pkg["data_schema_version"]) + "/" if pkg.get(
                           "data_schema_version") else "")) if schema_id else "",
        "harvest_source_title": _extra(pkg, "harvest_source_title"),
        "harvest_source_url": (tk.h.url_for("harvest.read", id=_extra(pkg, "harvest_source_id"))
                               if _extra(pkg, "harvest_source_id") and _has_harvest() else ""),
        "original_url": pkg.get("url") or "",
        "contact": contact,
    }


def _has_harvest() -> bool:
    try:
        return plugins.plugin_loaded("harvest")
    except Exception:  # noqa: BLE001
        return False


def number(value) -> str:
    """A count in the page's language (« 1 234 » in French); the value as given if not a number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "" if value is None else str(value)
    return l10n.number(value)


def human_size(size) -> str:
    """A file size in the page's language (octets, Ko, Mo, Go); empty when unknown."""
    return l10n.size(size, _lang(), tk._)


def api_snippets(pkg: dict) -> dict:
    site = tk.config.get("ckan.site_url", "").rstrip("/")
    url = f"{site}/api/3/action/package_show?id={pkg.get('name', '')}"
    python = (
        "import requests\n\n"
        f'r = requests.get("{site}/api/3/action/package_show",\n'
        f'                 params={{"id": "{pkg.get("name", "")}"}}, timeout=30)\n'
        'dataset = r.json()["result"]\n'
        'for resource in dataset["resources"]:\n'
        '    print(resource["format"], resource["url"])'
    )
    return {"curl": f'curl "{url}"', "python": python, "url": url, "dcat": dcat_links(pkg)}


DCAT_FORMATS = (("ttl", "Turtle"), ("xml", "RDF/XML"), ("jsonld", "JSON-LD"))


def dcat_links(pkg: dict) -> dict:
    """The DCAT descriptions ckanext-dcat serves for this dataset and the whole catalogue (what
    data.gouv.fr and data.europa.eu harvest); empty without ckanext-dcat's endpoints."""
    if not pkg.get("id") or not plugins.plugin_loaded("dcat"):
        return {}
    try:
        return {
            "dataset": [(label, tk.h.url_for("dcat.read_dataset", _id=pkg.get("name") or pkg["id"],
                                             _format=fmt, qualified=True))
                        for fmt, label in DCAT_FORMATS],
            "catalog": tk.h.url_for("dcat.read_catalog", _format="ttl", qualified=True),
        }
    except Exception:  # noqa: BLE001 - ckanext.dcat.enable_rdf_endpoints = false
        return {}


def entries_with_value(value, field: dict) -> list[dict]:
    """The entries of a repeating field (publisher, contacts, periods) that have a value to
    show (:func:`has_value`)."""
    entries = value if isinstance(value, list) else []
    return [e for e in entries if isinstance(e, dict) and has_value(e, field)]


def has_value(value, field: dict | None = None) -> bool:
    """Whether a field's value is worth a line on a page: not None, an empty string, list or
    dict; a repeating field (publisher, contact, period) needs one subfield with a value."""
    subfields = (field or {}).get("repeating_subfields")
    if subfields and isinstance(value, dict):
        return any(has_value(value.get(sub.get("field_name")), sub) for sub in subfields)
    if subfields and isinstance(value, list):
        return any(has_value(entry, field) for entry in value)
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, tuple, dict)):
        return any(has_value(v) for v in (value.values() if isinstance(value, dict) else value))
    return value is not None


ACTIVITY_TYPES = {
    "new package": N_("Dataset created"), "changed package": N_("Dataset changed"),
    "deleted package": N_("Dataset deleted"), "follow dataset": N_("Dataset followed"),
    "new resource view": N_("Preview created"), "changed resource view": N_("Preview changed"),
    "deleted resource view": N_("Preview deleted"),
    "new user": N_("User created"), "changed user": N_("User changed"),
    "follow user": N_("User followed"),
    "new group": N_("Group created"), "changed group": N_("Group changed"),
    "deleted group": N_("Group deleted"), "follow group": N_("Group followed"),
    "new organization": N_("Organization created"),
    "changed organization": N_("Organization changed"),
    "deleted organization": N_("Organization deleted"),
    "follow organization": N_("Organization followed"),
}


def activity_type_label(activity_type) -> str:
    """An activity type of ckanext-activity's filter in the page's language; an unknown type
    (another extension's) as CKAN writes it."""
    text = str(activity_type or "")
    known = ACTIVITY_TYPES.get(text)
    return tk._(known) if known else text.title()


def resource_kind_label(kind) -> str:
    if not isinstance(kind, str):
        return ""
    labels = {"file": tk._("File"), "api": tk._("API"), "realtime": tk._("Real-time feed"),
              "documentation": tk._("Documentation")}
    return labels.get(kind or "", "")


# ---------------------------------------------------------------------------------------------
# Footer and pages
# ---------------------------------------------------------------------------------------------
def accessibility_state() -> dict:
    state = tk.config.get("ckanext.poitiers.accessibility.compliance") or "partial"
    labels = {"full": tk._("fully compliant"), "partial": tk._("partially compliant"),
              "none": tk._("not compliant")}
    return {"state": state, "label": labels.get(state, labels["partial"]),
            "audit_date": tk.config.get("ckanext.poitiers.accessibility.audit_date") or ""}


def content_lang_attr() -> Markup:
    """` lang="fr"` for the metadata written by the producers (titles, descriptions) when the
    page is in another language (/en): RGAA 8.7, a change of language is declared. Empty on the
    French pages. The metadata are written in the portal's default language."""
    content = (tk.config.get("ckan.locale_default") or "fr").split("_")[0]
    if _lang() == content:
        return Markup("")
    return Markup(' lang="{}"').format(content)


def search_title(q: str | None, count: int, page=None, filters=None) -> str:
    """The title of a dataset search page: what was searched, how many found, which page
    (RGAA 8.6: every results page had the same title, « Jeu de données »). ``filters``: the
    active filters, {field: [values]}."""
    if isinstance(filters, dict):
        filters = sum(len(as_list(v)) for v in filters.values())
    filters = filters or 0
    q = (q or "").strip()
    count = int(count or 0)
    if count:
        found = tk.ungettext("{n} dataset", "{n} datasets", count).format(n=number(count))
    else:
        found = tk._("no dataset")
    if q:
        title = tk._("Search “{query}”: {found}").format(query=q, found=found)
    elif filters:
        title = tk._("Datasets: {found}").format(found=found)
    else:
        title = tk._("All datasets: {found}").format(found=found)
    if filters:
        title += tk.ungettext(", {n} filter", ", {n} filters", filters).format(n=filters)
    return title + page_suffix(page)


def page_suffix(page) -> str:
    """« , page 2 sur 3 » for a paged list (nothing when it has one page)."""
    page_count = getattr(page, "page_count", 0) or 0
    current = getattr(page, "page", 1) or 1
    if page_count > 1:
        return tk._(", page {page} of {pages}").format(page=current, pages=page_count)
    return ""


# what CKAN's dataset search passes to abort(500) when Solr does not answer
SEARCH_DOWN = "Solr returned an error while searching."


def error_page(code, content, name=None, log_detail: bool = False) -> dict:
    """French title and message of an error page. CKAN passes werkzeug's English name and, when
    the view gave no message, werkzeug's English description (or « Internal server error »): those
    are replaced; a message a view gave (already through gettext) is kept, but for a server error
    (500): there, views pass the text of an exception, in English and about the portal's insides
    (ckanext-harvest's « An error occurred: [<exception>] », CKAN's « Solr returned an error while
    searching. »), not shown to the visitor but logged (``log_detail``: once a page)."""
    from werkzeug.exceptions import default_exceptions

    if isinstance(code, (list, tuple)):
        code = code[0] if code else 500
    try:
        code = int(code)
    except (TypeError, ValueError):
        code = 500
    titles = {
        400: tk._("Incorrect request"), 401: tk._("Login required"), 403: tk._("Access denied"),
        404: tk._("Page not found"), 405: tk._("Method not allowed"), 409: tk._("Conflict"),
        413: tk._("File too large"), 429: tk._("Too many requests"),
        503: tk._("Service unavailable"),
    }
    messages = {
        400: tk._("The portal could not understand this request."),
        401: tk._("You must log in to see this page."),
        403: tk._("You are not allowed to see this page."),
        404: tk._("This page does not exist or no longer exists. Check the address, or look "
                  "for the data with the search."),
        405: tk._("This address does not accept this kind of request."),
        413: tk._("The file sent is larger than the portal accepts."),
        429: tk._("Too many requests were sent in a short time: wait a moment and try again."),
        503: tk._("The portal is unavailable for a moment: try again in a few minutes."),
    }
    title = titles.get(code, tk._("Portal error"))
    default = messages.get(code, tk._("An error occurred on the portal. Try again later; if it "
                                      "persists, tell us about it."))
    english = {"Internal server error"}
    if code in default_exceptions:
        english.add(default_exceptions[code].description)
    message = content if content and str(content).strip() not in english else default
    if code == 500 and message is not default:
        if log_detail:
            log.warning("Server error page, detail not shown to the visitor: %s", content)
        message = (tk._("The search is unavailable for a moment: try again in a few minutes.")
                   if str(content).strip() == SEARCH_DOWN else default)
    return {"title": tk._("{title} (error {code})").format(title=title, code=code),
            "heading": title, "message": message, "code": code}


def pending_requests_count() -> int:
    """Open requests, for the sysadmin's header badge (0 for everyone else)."""
    try:
        if not tk.current_user or not getattr(tk.current_user, "sysadmin", False):
            return 0
        from ckanext.poitiers import requests_model

        return requests_model.count_open()
    except Exception:  # noqa: BLE001 - table not created yet
        from ckan import model

        model.Session.rollback()
        return 0


def pager(page, **kwargs) -> Markup:
    """CKAN's pager, with text for the previous and next links (not icons alone)."""
    # the pager writes its links with dominate, which escapes a string (even Markup): the
    # symbols must be dominate nodes, else the visitor reads « <i class=… » as the link's text
    from dominate import tags

    def symbol(icon: str, text: str):
        return tags.span(tags.i(cls=f"fa-solid {icon}", aria_hidden="true"),
                         tags.span(text, cls="visually-hidden"))

    html = page.pager(symbol_previous=symbol("fa-chevron-left", tk._("Previous page")),
                      symbol_next=symbol("fa-chevron-right", tk._("Next page")), **kwargs)
    # the current page is told to screen readers too, not by its colour alone
    return Markup(_ACTIVE_PAGE.sub(r'\1aria-current="page" ', str(html), count=1))


_ACTIVE_PAGE = re.compile(r'(<li class="page-item active">\s*<a )')


def _our_harvesters() -> list:
    """The loaded harvesters of ours: those declaring their options (``all_options``)."""
    from ckanext.harvest.interfaces import IHarvester

    return [h for h in plugins.PluginImplementations(IHarvester) if hasattr(h, "all_options")]


def harvest_types() -> list[dict]:
    """ckanext-harvest's list of the loaded harvesters (``h.harvesters_info``) for the harvest
    source form, ours with their title and description in the page's language: ``info()`` gives
    them in the portal's default language (the harvesters' messages)."""
    ours = {h.NAME: h for h in _our_harvesters()}
    types = []
    for info in tk.h.harvesters_info():
        harvester = ours.get(info.get("name"))
        if harvester is not None:
            info = {**info, "title": tk._(harvester.TITLE),
                    "description": tk._(harvester.DESCRIPTION)}
        types.append(info)
    return types


def harvest_options() -> list[dict]:
    """The configuration options of each of our harvesters, for the harvest source form: the
    harvester's name and title, and its options (:func:`harvesters.config.describe`) in the
    page's language. Harvesters of other extensions (without declared options) are left out."""
    from ckanext.poitiers.harvesters import config as source_config

    # the title in the page's language, as harvest_types gives it
    return [{"name": harvester.NAME, "title": tk._(harvester.TITLE),
             "options": source_config.describe(harvester.all_options(), tk._)}
            for harvester in _our_harvesters()]


def all_helpers() -> dict:
    return {
        "poitiers_vocabulary_label": vocabulary_label,
        "poitiers_facet_labeller": facet_labeller,
        "poitiers_facet_title": facet_title,
        "poitiers_filter_label": filter_label,
        "poitiers_theme_entries": theme_entries,
        "poitiers_home_datasets": home_datasets,
        "poitiers_understand": understand,
        "poitiers_entries_with_value": entries_with_value,
        "poitiers_harvest_options": harvest_options,
        "poitiers_harvest_types": harvest_types,
        "poitiers_human_size": human_size,
        "poitiers_number": number,
        "poitiers_api_snippets": api_snippets,
        "poitiers_resource_kind_label": resource_kind_label,
        "poitiers_accessibility_state": accessibility_state,
        "poitiers_error_page": error_page,
        "poitiers_search_title": search_title,
        "poitiers_page_suffix": page_suffix,
        "poitiers_content_lang_attr": content_lang_attr,
        "poitiers_pending_requests_count": pending_requests_count,
        "poitiers_format_date": format_date,
        "poitiers_last_update": last_update,
        "poitiers_data_updated_sort": data_updated_sort,
        "poitiers_has_value": has_value,
        "poitiers_activity_type_label": activity_type_label,
        "poitiers_on_harvest_search": on_harvest_search,
        "poitiers_harvest_facet_label": harvest_facet_label,
        "poitiers_pager": pager,
    }
