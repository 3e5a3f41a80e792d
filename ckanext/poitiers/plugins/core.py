"""Core plugin: configuration, licences, CLI and template helpers shared by the other plugins."""
from __future__ import annotations

import os

import ckan.plugins as p
import ckan.plugins.toolkit as tk
import yaml
from ckan.lib.plugins import DefaultTranslation

from ckanext.poitiers import (
    actions,
    cli,
    form_edits,
    harvest_confirm,
    harvest_queue,
    helpers,
    indexing,
    udata,
    validators,
)
from ckanext.poitiers.harvesters import creation, source_guard
from ckanext.poitiers.vocabularies import LICENCES_FILE

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
#: datasets asked per search when an organization's producer type changes
REINDEX_PAGE = 1000


def i18n_dir() -> str:
    """Compiled catalogues: in the package once installed, at the top level in a checkout."""
    packaged = os.path.join(HERE, "i18n")
    if os.path.isdir(packaged):
        return packaged
    return os.path.join(os.path.dirname(os.path.dirname(HERE)), "i18n")


def _org_type(owner_org: str | None) -> str | None:
    if not owner_org:
        return None
    from ckan import model

    # the organization is usually in the session already (the owner_org validator loaded it)
    group = model.Session.get(model.Group, owner_org) or model.Group.get(owner_org)
    extras = getattr(group, "extras", None) or {}
    return extras.get("org_type") or None


def _lang() -> str | None:
    try:
        return tk.h.lang()
    except (RuntimeError, AttributeError, TypeError):
        return None


def _with_our_facets(facets_dict):
    """CKAN's facets (organization, tags…) followed by ours, on the live Solr field names."""
    from collections import OrderedDict

    out = OrderedDict()
    ours = indexing.facet_titles(tk._)
    for key, title in facets_dict.items():
        if key not in ours:
            out[key] = title
    for field, title in ours.items():
        out[indexing.facet_field(field)] = title
    return out


def _chained(outer, inner):
    """One chained action made of two: ``outer`` calls ``inner``, which calls CKAN's action."""

    @tk.chained_action
    def action(original_action, context, data_dict):
        def next_action(context, data_dict):
            return inner(original_action, context, data_dict)

        return outer(next_action, context, data_dict)

    action.__name__ = getattr(inner, "__name__", "action")
    return action


def chain_actions(*groups: dict) -> dict:
    """The actions of ``groups`` in one dict; a name chained in several groups gets them all
    (the later group's runs first)."""
    out: dict = {}
    for group in groups:
        for name, action in group.items():
            chained = getattr(action, "chained_action", False)
            if name in out and chained and getattr(out[name], "chained_action", False):
                action = _chained(action, out[name])
            out[name] = action
    return out


class PoitiersPlugin(p.SingletonPlugin, DefaultTranslation):
    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.IConfigDeclaration)
    p.implements(p.IClick)
    p.implements(p.ITemplateHelpers)
    p.implements(p.ITranslation)
    p.implements(p.IValidators)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IResourceController, inherit=True)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IOrganizationController, inherit=True)
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)
    p.implements(p.IBlueprint)

    # IConfigurer
    def update_config(self, config):
        # the form and display snippets our schemas name: the schemas work with or without
        # the theme plugin
        tk.add_template_directory(config, "../schemas/templates")
        # the confirmation page of ckanext-harvest's buttons (harvest_confirm)
        tk.add_template_directory(config, "../core_templates")
        # our licence list (Licence Ouverte 2.0 first) unless the portal sets its own
        if not config.get("licenses_group_url"):
            config["licenses_group_url"] = "file://" + LICENCES_FILE

    # IConfigurable
    def configure(self, config):
        if p.plugin_loaded("harvest"):
            harvest_queue.install()

    # IConfigDeclaration
    def declare_config_options(self, declaration, key):
        with open(os.path.join(HERE, "config_declaration.yaml"), encoding="utf-8") as f:
            declaration.load_dict(yaml.safe_load(f))
        # our options name our validators (IValidators): CKAN validates the configuration
        # before it empties the validators it remembered while the plugins were unloaded, so
        # forget them now (the next lookup reads every loaded plugin's validators)
        from ckan.logic import clear_validators_cache

        clear_validators_cache()

    # IBlueprint
    def get_blueprint(self):
        # ckanext-harvest's buttons that change data act on a POST only (CSRF)
        return [harvest_confirm.blueprint] if p.plugin_loaded("harvest") else []

    # IClick
    def get_commands(self):
        return [cli.poitiers]

    # ITemplateHelpers
    def get_helpers(self):
        return helpers.all_helpers()

    # IValidators
    def get_validators(self):
        return validators.all_validators()

    # IPackageController
    def before_dataset_index(self, pkg_dict):
        """Multi-valued Poitiers fields as real lists, and the producer type of the owner."""
        url = tk.config.get("solr_url") or ""
        multivalued = {f: bool(url) and indexing.solr_field_is_multivalued(url, f)
                       for f in indexing.MULTI_VALUED}
        pkg_dict.update(indexing.index_document(pkg_dict, multivalued,
                                                _org_type(pkg_dict.get("owner_org"))))
        return pkg_dict

    def after_dataset_show(self, context, pkg_dict):
        # data.gouv.fr's CKAN harvester reads these extras; HTTP API answers only (see udata.py)
        if context.get("api_version") and pkg_dict.get("type") == "dataset":
            udata.add_extras(pkg_dict)
        return pkg_dict

    # IResourceController
    def before_resource_update(self, context, current, resource):
        form_edits.before_resource_update(context, current, resource)

    def after_dataset_search(self, search_results, search_params):
        indexing.label_facet_items(search_results.get("search_facets"), _lang())
        return search_results

    # IOrganizationController
    def edit(self, entity):
        """Re-index the datasets whose indexed producer type is no longer the organization's."""
        if not getattr(entity, "is_organization", False):
            return
        org_type = (getattr(entity, "extras", None) or {}).get("org_type")
        stale = f'-org_type:"{org_type}"' if org_type else "org_type:[* TO *]"
        from ckan.lib import search

        # every stale dataset, not only a first page: their ids first (reindexing one takes it
        # out of the filter, which would shift the pages), then one by one
        ids: list[str] = []
        while True:
            found = tk.get_action("package_search")({"ignore_auth": True}, {
                "fq": f'owner_org:"{entity.id}" {stale}', "rows": REINDEX_PAGE,
                "start": len(ids), "sort": "id asc", "fl": "id", "include_private": True,
                "include_drafts": True})
            ids += [row["id"] for row in found["results"]]
            if not found["results"] or len(ids) >= found["count"]:
                break
        for package_id in ids:
            search.rebuild(package_id)

    # IActions
    def get_actions(self):
        # a harvested dataset's activity and index share one dictization (harvesters/creation.py);
        # the sources of harvesters that are not ours get our SSRF check (source_guard.py)
        # the web edit forms keep what they do not show (form_edits.py); two of ours chaining
        # the same action run one inside the other (a dict would keep only the last)
        return chain_actions(actions.all_actions(), creation.chained_actions(),
                             source_guard.chained_actions(), form_edits.chained_actions())

    # IAuthFunctions
    def get_auth_functions(self):
        return actions.all_auth_functions()

    # IFacets
    def dataset_facets(self, facets_dict, package_type):
        return _with_our_facets(facets_dict)

    def organization_facets(self, facets_dict, organization_type, package_type):
        return _with_our_facets(facets_dict)

    def group_facets(self, facets_dict, group_type, package_type):
        return _with_our_facets(facets_dict)

    # ITranslation
    def i18n_domain(self):
        return "ckanext-poitiers"

    def i18n_directory(self):
        return i18n_dir()

    def i18n_locales(self):
        return ["fr", "en"]

