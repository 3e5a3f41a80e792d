"""Theme plugin: the Poitiers templates, static files and assets."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk


class PoitiersThemePlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)

    # IConfigurer
    def update_config(self, config):
        tk.add_template_directory(config, "../templates")
        tk.add_public_directory(config, "../public")
        tk.add_resource("../assets", "poitiers")
