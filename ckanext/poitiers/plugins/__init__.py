"""One small CKAN plugin per concern (see setup.py entry points)."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

CORE = "poitiers"


class MissingCorePlugin(Exception):
    """The ``poitiers`` plugin is not in ``ckan.plugins``: raised at startup, before a page or a
    harvest job fails on a missing schema, vocabulary, option or helper."""


def require_core(plugin_name: str) -> None:
    if not p.plugin_loaded(CORE):
        raise MissingCorePlugin(
            tk._('The {plugin} plugin needs the {core} plugin: add "{core}" to ckan.plugins.')
            .format(plugin=plugin_name, core=CORE)
        )


class NeedsCore(p.SingletonPlugin):
    """Mixed into every plugin of ours other than ``poitiers``."""

    p.implements(p.IConfigurable, inherit=True)

    # IConfigurable
    def configure(self, config):
        require_core(self.name)
