"""Theme plugin: the Poitiers templates, static files and assets, the helpers the templates use,
the pages (accessibility, legal notice, about, requests) and the requests table's actions."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.poitiers import requests_model, theme_helpers, theme_views
from ckanext.poitiers.plugins import NeedsCore


class PoitiersThemePlugin(NeedsCore):
    p.implements(p.IConfigurer)
    p.implements(p.ITemplateHelpers)
    p.implements(p.IBlueprint)
    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)

    # IConfigurer
    def update_config(self, config):
        tk.add_template_directory(config, "../templates")
        tk.add_public_directory(config, "../public")
        tk.add_resource("../assets", "poitiers")

    # ITemplateHelpers
    def get_helpers(self):
        return theme_helpers.all_helpers()

    # IBlueprint
    def get_blueprint(self):
        return theme_views.blueprints()

    # IActions
    def get_actions(self):
        return requests_model.actions()

    # IAuthFunctions
    def get_auth_functions(self):
        return requests_model.auth_functions()
