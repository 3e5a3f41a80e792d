"""Core plugin: configuration, licences, CLI and template helpers shared by the other plugins."""
from __future__ import annotations

import os

import ckan.plugins as p
import yaml
from ckan.lib.plugins import DefaultTranslation

from ckanext.poitiers import cli, harvest_queue, helpers, validators
from ckanext.poitiers.vocabularies import LICENCES_FILE

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def i18n_dir() -> str:
    """Compiled catalogues: in the package once installed, at the top level in a checkout."""
    packaged = os.path.join(HERE, "i18n")
    if os.path.isdir(packaged):
        return packaged
    return os.path.join(os.path.dirname(os.path.dirname(HERE)), "i18n")


class PoitiersPlugin(p.SingletonPlugin, DefaultTranslation):
    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.IConfigDeclaration)
    p.implements(p.IClick)
    p.implements(p.ITemplateHelpers)
    p.implements(p.ITranslation)
    p.implements(p.IValidators)

    # IConfigurer
    def update_config(self, config):
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

    # IClick
    def get_commands(self):
        return [cli.poitiers]

    # ITemplateHelpers
    def get_helpers(self):
        return helpers.all_helpers()

    # IValidators
    def get_validators(self):
        return validators.all_validators()

    # ITranslation
    def i18n_domain(self):
        return "ckanext-poitiers"

    def i18n_directory(self):
        return i18n_dir()

    def i18n_locales(self):
        return ["fr", "en"]

