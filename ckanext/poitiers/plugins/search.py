"""Search plugin: French relevance on our Solr schema, plain CKAN search on the stock one.

* ``before_dataset_index``: vocabulary fields as multi-valued Solr fields, their labels indexed
  ("Chauvigny" finds the datasets covering INSEE 86070);
* ``before_dataset_search``: field boosts (title > keywords > labels > description), phrase boost;
* ``after_dataset_search``: « Vouliez-vous dire … » when a search finds few datasets;
* action ``poitiers_autocomplete``: titles and keywords beginning with what is typed.

Which schema is live is asked of Solr once per process (``ckanext.poitiers.search.schema``
overrides it); with CKAN's stock schema every hook leaves CKAN's behaviour as it is.
"""
from __future__ import annotations

import copy
import json
import logging
import re
import time
from typing import Any
from urllib.parse import urlencode

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from flask import has_request_context, request

from ckanext.poitiers import search, vocabularies
from ckanext.poitiers.plugins import NeedsCore

log = logging.getLogger(__name__)


def _solr_url() -> str:
    return tk.config.get("solr_url") or ""


def _solr_auth() -> tuple | None:
    return search.configured_auth(tk.config)


def _timeout() -> float:
    return float(tk.config.get("solr_timeout") or 60)


def live_schema_kind() -> str:
    forced = tk.config.get("ckanext.poitiers.search.schema") or "auto"
    if forced in (search.POITIERS, search.STOCK):
        return forced
    url = _solr_url()
    if not url:
        return search.STOCK
    return search.schema_kind(url, timeout=min(_timeout(), 5), auth=_solr_auth())


def vocabulary_label(field: str, code: str) -> str | None:
    """The French label of a vocabulary code (ckanext.poitiers.vocabularies), None if unknown."""
    fields = getattr(vocabularies, "FIELDS", {})
    name = next((n for n, f in fields.items() if f == field), None)
    entry = getattr(vocabularies, "entry", None)
    if name is None or entry is None:
        return None
    found = entry(name, code)
    if not found:
        return None
    return vocabularies.text(found.get("label") or "", "fr") or None


_communes: search.CommuneIndex | None = None


def commune_names() -> search.CommuneIndex:
    """Commune names and aliases of the vocabulary, read once per process."""
    global _communes
    if _communes is None:
        _communes = search.commune_index(
            vocabularies.communes(), lambda label: vocabularies.text(label, "fr"))
    return _communes


ORIGINAL_Q = "poitiers_q"  # key of the query as typed, in package_search's ``extras``
EXACT = "ext_poitiers_exact"  # search parameter: no automatic correction of an empty search
NO_SUGGESTION = "poitiers_no_suggestion"  # in extras: the search of a correction
RAW_SUGGESTION = "_poitiers_raw_suggestion"  # correction of an empty search, accents not restored
SEARCH_FILTERS = "_poitiers_fq"  # the Solr filters of that search (site, state, permissions)


def correct_empty() -> bool:
    return tk.asbool(tk.config.get("ckanext.poitiers.search.correct_empty", True))


def suggest_below() -> int:
    return int(tk.config.get("ckanext.poitiers.search.suggest_below") or 0)


def suggestion_cache_seconds() -> float:
    return float(tk.config.get("ckanext.poitiers.search.suggestion_cache_seconds") or 0)


def register_solr_parameters() -> None:
    """Let package_search pass our edismax parameters through to Solr.

    CKAN checks search parameters against a fixed set (``VALID_SOLR_PARAMETERS``): ``pf`` and
    ``ps`` (phrase boost) only change the order of results; ``q.op=OR`` lets CKAN's own
    minimum-match rule (``mm``) decide which words are required, as it does with dismax.
    """
    from ckan.lib.search import query as search_query

    search_query.VALID_SOLR_PARAMETERS.update(search.EXTRA_SOLR_PARAMETERS)


class PoitiersSearchPlugin(NeedsCore):
    p.implements(p.IConfigurer)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)
    p.implements(p.ITemplateHelpers)

    # IConfigurer
    def update_config(self, config):
        # after the theme's templates, before CKAN's (see docs/search.md)
        tk.add_template_directory(config, "../search_ui/templates")
        tk.add_resource("../search_ui/assets", "poitiers_search")

    # IConfigurable
    def configure(self, config):
        super().configure(config)
        register_solr_parameters()
        search.forget_schema_kinds()

    # IPackageController
    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        pkg_dict.update(search.index_fields(pkg_dict, live_schema_kind(), vocabulary_label))
        return pkg_dict

    def after_dataset_create(self, context, pkg_dict):
        search.suggestions.clear()  # a new word may correct a search that found nothing

    def after_dataset_update(self, context, pkg_dict):
        search.suggestions.clear()

    def after_dataset_delete(self, context, pkg_dict):
        search.suggestions.clear()

    def before_dataset_search(self, search_params: dict[str, Any]) -> dict[str, Any]:
        if live_schema_kind() == search.POITIERS:
            q = search_params.get("q")
            search.search_params(search_params, commune_names())
            if search_params.get("q") != q:  # CKAN gives extras back to after_dataset_search
                extras = search_params.get("extras")
                if isinstance(extras, dict):
                    extras[ORIGINAL_Q] = q
        return search_params

    def after_dataset_search(self, search_results: dict[str, Any],
                             search_params: dict[str, Any]) -> dict[str, Any]:
        extras = search_params.get("extras")
        q = (extras.get(ORIGINAL_Q) if isinstance(extras, dict) else None) or \
            search_params.get("q")
        if (search_results.get("count", 0) < suggest_below()
                and not (isinstance(extras, dict) and extras.get(NO_SUGGESTION))
                and search.is_plain_text(q) and live_schema_kind() == search.POITIERS):
            # a search that found nothing: package_search below searches the correction and
            # takes its accents from the datasets it finds (one Solr request less)
            empty = not search_results.get("count")
            suggestion = search.cached_spelling_suggestion(
                _solr_url(), q, search_params.get("fq") or [], seconds=suggestion_cache_seconds(),
                timeout=min(_timeout(), 5), auth=_solr_auth(),
                found=search_results.get("count", 0), restore=not empty)
            if suggestion:
                search_results[RAW_SUGGESTION if empty else "poitiers_suggestion"] = suggestion
                if empty:  # the accents of the suggestion, from what this searcher may see
                    search_results[SEARCH_FILTERS] = list(search_params.get("fq") or [])
        return search_results

    # IActions
    def get_actions(self):
        return {"poitiers_autocomplete": poitiers_autocomplete, "package_search": package_search}

    # IAuthFunctions
    def get_auth_functions(self):
        return {"poitiers_autocomplete": poitiers_autocomplete_auth}

    # ITemplateHelpers
    def get_helpers(self):
        return {"poitiers_search_suggestion": poitiers_search_suggestion,
                "poitiers_search_correction": poitiers_search_correction,
                "poitiers_search_shortened": poitiers_search_shortened,
                "poitiers_search_url": poitiers_search_url}


# ---------------------------------------------------------------------------------------------
# A search that finds nothing shows the results of its correction
# ---------------------------------------------------------------------------------------------
@tk.chained_action
@tk.side_effect_free
def package_search(original_action, context, data_dict):
    """package_search, and when a free-text search finds nothing but Solr's spellchecker has a
    correction that finds datasets (« electoins » → « élections »), the results of the
    correction, with ``poitiers_corrected_from`` holding the query as typed.

    Off with ``ckanext.poitiers.search.correct_empty = false``, or for one search with
    ``ext_poitiers_exact=1`` (the « Rechercher exactement … » link of the search page).
    """
    fl = data_dict.get("fl")
    if fl is not None and not (isinstance(fl, str) or (
            isinstance(fl, list) and all(isinstance(f, str) for f in fl))):
        # CKAN joins fl as a list of names: anything else was an Internal Server Error
        raise tk.ValidationError({"fl": [tk._("Give the field names as text.")]})
    asked = copy.deepcopy(data_dict)
    if asked.get("q") is not None:  # the query CKAN searches: q=["a"] is searched as "['a']"
        asked["q"] = tk.get_validator("unicode_safe")(asked["q"])
    # the key only for a query that may be kept or is found empty (not on every search)
    key = _empty_search_key(context, asked) \
        if search.suggestions.may_know_empty(asked.get("q")) else None
    result = _known_empty_search(original_action, context, asked, key)
    if result is None:
        result = _search_shortened_if_too_long(original_action, context, data_dict, asked)
        raw = result.pop(RAW_SUGGESTION, None)
        fq = result.pop(SEARCH_FILTERS, None) or []
        if raw and key is None:
            key = _empty_search_key(context, asked)
        # read just after the search that found nothing, and only for one that may be kept
        version = search.index_version(_solr_url(), timeout=min(_timeout(), 5),
                                       auth=_solr_auth()) \
            if raw and key is not None and not result.get(SHORTENED) else None
        if raw:
            result = _corrected(original_action, context, asked, result, raw, fq)
            if result.get("poitiers_corrected_from") is not None and version is not None:
                search.suggestions.keep_empty_search(
                    key, asked["q"], (raw, fq, version),
                    time.monotonic() + suggestion_cache_seconds())
    _remember(asked.get("q"), result)
    return result


# A search that found nothing and whose correction found datasets is kept a while
# (suggestion_cache_seconds) with the version of the index it found nothing in; asked again
# with the same filters and permissions while Solr searches that same index (any commit, made
# by any process, changes the version), it finds nothing again: it goes straight to its
# correction, one package_search instead of two. Its pages, other sorts and field lists
# share the entry (a count of 0 does not depend on them).
def _empty_search_key(context, asked) -> tuple | None:
    """The key of a search in the kept empty searches: the core, the query, the search's
    parameters but for the page, order and fields, and the permission labels CKAN's
    package_search filters with (None: no filter); None for a search never kept."""
    q = asked.get("q")
    extras = asked.get("extras") if isinstance(asked.get("extras"), dict) else {}
    if not (search.is_plain_text(q) and correct_empty() and suggestion_cache_seconds() > 0
            and not tk.asbool(asked.get(EXACT) or extras.get(EXACT))
            and not extras.get(NO_SUGGESTION)
            and live_schema_kind() == search.POITIERS):
        return None
    from ckan import authz, model
    from ckan.lib.plugins import get_permission_labels

    # the labels as package_search works them out (its access check, made by the search
    # itself, reads the user as here)
    user = context.get("user")
    if context.get("ignore_auth") or (user and authz.is_sysadmin(user)):
        labels = None
    else:
        user_obj = context.get("auth_user_obj") or (model.User.get(user) if user else None)
        labels = tuple(sorted(get_permission_labels().get_user_dataset_labels(user_obj)))
    params = {k: v for k, v in asked.items() if k not in ("start", "rows", "sort", "fl")}
    try:
        text = json.dumps(params, sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError):  # not JSON: never kept
        return None
    return (search.EMPTY_SEARCH, q, _solr_url().rstrip("/"), text, labels)


def _known_empty_search(original_action, context, asked, key: tuple | None) -> dict | None:
    """The results of the correction of a search known to find nothing in the index Solr
    searches now; None (the search is to be made) otherwise."""
    if key is None:
        return None
    hit, entry = search.suggestions.get(key, time.monotonic())
    if not hit:
        return None
    raw, fq, version = entry
    if search.index_version(_solr_url(), timeout=min(_timeout(), 5),
                            auth=_solr_auth()) != version:
        return None  # the index changed: the search is made again (and kept anew)
    return _corrected(original_action, context, asked, None, raw, fq)


def _corrected(original_action, context, asked, result, raw, fq):
    """The results of the correction ``raw`` of a search that found nothing (with the same
    context and filters), or ``result`` with ``poitiers_suggestion``. With ``result`` None
    (a search known to find nothing, not made), the results of the correction or None."""
    extras = asked.get("extras") if isinstance(asked.get("extras"), dict) else {}
    corrected, texts = None, []
    if correct_empty() and not tk.asbool(asked.get(EXACT) or extras.get(EXACT)):
        # the correction's own search needs no suggestion of its own (one Solr request less);
        # accents or not, text_fr finds the same datasets
        corrected_ask = dict(asked, q=raw, extras={**extras, NO_SUGGESTION: True})
        # the texts that give the accents back, even to a caller asking only for names
        asked_fl = _field_list(asked.get("fl"))
        added_fl = [f for f in TEXT_FIELDS if asked_fl and f not in asked_fl]
        if added_fl:
            corrected_ask["fl"] = asked_fl + added_fl
        corrected = original_action(dict(context), corrected_ask)
        texts = search.dataset_texts(corrected.get("results"))
        if added_fl:
            corrected["results"] = [{k: v for k, v in r.items() if k not in added_fl}
                                    for r in corrected.get("results") or []]
    if corrected is not None and not corrected.get("count"):
        # Solr's check found datasets, the searcher's own search none: offer nothing
        return result
    if result is None and corrected is None:
        return None
    if corrected is None:
        result["poitiers_suggestion"] = search.restore_accents(
            _solr_url(), raw, fq=fq, timeout=min(_timeout(), 5), auth=_solr_auth())
        return result
    suggestion, unseen = search.accents_from_texts(raw, texts)
    if unseen:
        suggestion = search.restore_accents(_solr_url(), suggestion, fq=fq,
                                            timeout=min(_timeout(), 5), auth=_solr_auth())
    corrected.pop("poitiers_suggestion", None)
    corrected["poitiers_corrected_from"] = asked.get("q")
    corrected["poitiers_corrected_to"] = suggestion
    if result is not None and result.get(SHORTENED):
        corrected[SHORTENED] = result[SHORTENED]
    return corrected


SHORTENED = "poitiers_shortened_to"  # in package_search's result: the words searched
PAGE_SEARCHES = "poitiers_page_searches"  # on flask.g: what the searches of this request gave


def _remember(q: Any, result: dict[str, Any]) -> None:
    """Keep what the search of a page gave (correction, suggestion, shortened query) for the
    page's notices, so that the template asks Solr nothing more and shows what was computed
    with the page's own filters and permissions. The first search of a query in a request is
    the page's (later ones, by other snippets, do not replace it)."""
    if not has_request_context() or not isinstance(q, str):
        return
    searches = getattr(tk.g, PAGE_SEARCHES, None)
    if searches is None:
        searches = {}
        setattr(tk.g, PAGE_SEARCHES, searches)
    searches.setdefault(q, {
        "correction": result.get("poitiers_corrected_to"),
        "suggestion": result.get("poitiers_suggestion"),
        "shortened": result.get(SHORTENED)})


def _search_shortened_if_too_long(original_action, context, data_dict, asked):
    """package_search; a free-text query that Solr refuses for its size (a long text pasted in
    the box) is searched again with half its words, then a quarter…, instead of failing. Costs
    nothing to the searches Solr accepts."""
    from ckan.lib.search import SearchError

    try:
        return original_action(context, data_dict)
    except SearchError as exc:
        words = asked.get("q").split() if search.is_plain_text(asked.get("q")) else []
        if len(words) < 2 or not search.too_many_clauses(exc) or \
                live_schema_kind() != search.POITIERS:
            raise
        error = exc
    while len(words) > 1:
        words = words[:len(words) // 2]
        try:
            result = original_action(dict(context),
                                     dict(copy.deepcopy(asked), q=" ".join(words)))
            result[SHORTENED] = " ".join(words)
            return result
        except SearchError as exc:
            if not search.too_many_clauses(exc):
                raise
            error = exc
    raise error


TEXT_FIELDS = ("title", "notes", "tags")


def _field_list(fl: Any) -> list[str]:
    """package_search's ``fl`` as a list ([] for whole datasets)."""
    if isinstance(fl, str):
        return [f for f in re.split(r"[\s,]+", fl) if f]
    return [f for f in fl if isinstance(f, str) and f] if isinstance(fl, list) else []


# ---------------------------------------------------------------------------------------------
# Autocomplete
# ---------------------------------------------------------------------------------------------
def autocomplete_schema() -> dict:
    v = tk.get_validator
    return {
        "q": [v("not_empty"), v("unicode_safe"), prefix_length],
        "limit": [v("default")(10), limit_range],
    }


def prefix_length(value: str) -> str:
    value = value.strip()
    if len(value) < 2:
        raise tk.Invalid(tk._("Type at least 2 characters."))
    if len(value) > 100:
        raise tk.Invalid(tk._("Type at most 100 characters."))
    if not search.prefix_words(value):
        raise tk.Invalid(tk._("Type letters or digits."))
    return value


def limit_range(value: Any) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        number = 0
    if not 1 <= number <= 20:
        raise tk.Invalid(tk._("Choose a whole number between 1 and 20."))
    return number


@tk.side_effect_free
def poitiers_autocomplete(context, data_dict):
    """Dataset titles and keywords beginning with what is typed, for the search box.

    :param q: the beginning of a title or a keyword (2 to 100 characters)
    :param limit: how many of each to return (1 to 20, default 10)
    :returns: ``{"datasets": [{"name", "title"}], "keywords": ["…"]}``, only datasets the
        caller may see (the search goes through package_search and its permission filter)
    """
    tk.check_access("poitiers_autocomplete", context, data_dict)
    data, errors = tk.navl_validate(data_dict, autocomplete_schema(), context)
    if errors:
        raise tk.ValidationError(errors)
    words = search.prefix_words(data["q"])
    limit = data["limit"]
    ours = live_schema_kind() == search.POITIERS
    title_field = "title_autocomplete" if ours else "title_ngram"
    search_context = {"user": context.get("user"), "auth_user_obj": context.get("auth_user_obj"),
                      "ignore_auth": context.get("ignore_auth", False)}
    titles = tk.get_action("package_search")(dict(search_context), {
        "q": search.autocomplete_query(words, title_field),
        "fl": ["name", "title"], "rows": limit, "include_private": True,
        "sort": "score desc, title_string asc",
    })
    datasets = [{"name": r["name"], "title": r.get("title") or r["name"]}
                for r in titles["results"]]
    if ours:
        kw_query = search.autocomplete_query(words, "keywords_autocomplete")
    else:
        kw_query = "tags:({})".format(" AND ".join(
            search.solr_escape(w.lower()) + "*" for w in words))
    keyword_search = tk.get_action("package_search")(dict(search_context), {
        "q": kw_query, "rows": 0, "include_private": True,
        "facet.field": ["tags"], "facet.limit": 100,
    })
    items = keyword_search["search_facets"].get("tags", {}).get("items", [])
    items.sort(key=lambda item: (-item["count"], item["name"]))
    keywords = search.keyword_matches((item["name"] for item in items), words, limit)
    return {"datasets": datasets, "keywords": keywords}


@tk.auth_allow_anonymous_access
def poitiers_autocomplete_auth(context, data_dict):
    """Whoever may search datasets may use autocomplete (it only shows what they may see)."""
    tk.check_access("package_search", context, data_dict)
    return {"success": True}


# ---------------------------------------------------------------------------------------------
# Template helpers
# ---------------------------------------------------------------------------------------------
def _page_search(q: str | None) -> dict[str, Any]:
    if not q or not has_request_context():
        return {}
    return (getattr(tk.g, PAGE_SEARCHES, None) or {}).get(q) or {}


def poitiers_search_correction(q: str | None) -> str | None:
    """The correction whose results the page shows instead of those of ``q`` (none found)."""
    return _page_search(q).get("correction")


def poitiers_search_suggestion(q: str | None, count: int | None = None) -> str | None:
    """« Vouliez-vous dire … » for the dataset search page: the suggestion of the page's own
    search (its filters, the current user's permissions), no Solr request of its own."""
    if not search.is_plain_text(q):
        return None
    found = _page_search(q)
    return None if found.get("correction") else found.get("suggestion")


def poitiers_search_shortened(q: str | None) -> str | None:
    """The first words of ``q`` that the page's search looked for, when Solr refused the whole
    query for its size (see _search_shortened_if_too_long); None otherwise."""
    return _page_search(q).get("shortened")


def poitiers_search_url(dataset_type: str, q: str, fields: Any = (), **extra: Any) -> str:
    """The dataset search page for ``q`` with the page's filters (``fields``: the view's
    (name, value) pairs) and sort kept, plus ``extra`` parameters."""
    params: list[tuple[str, str]] = [("q", q)]
    params += [(str(k), str(v)) for k, v in fields or () if k not in ("q", "page")]
    sort = request.args.get("sort") if has_request_context() else None
    if sort:
        params.append(("sort", sort))
    params += [(k, str(v)) for k, v in extra.items()]
    return tk.h.url_for(f"{dataset_type}.search") + "?" + urlencode(params)
