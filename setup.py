"""ckanext-poitiers: the open data portal of Poitiers / Grand Poitiers on a stock CKAN."""
from pathlib import Path

from setuptools import find_namespace_packages, setup

setup(
    name="ckanext-poitiers",
    version="0.1.0",
    description=(
        "Schémas de métadonnées, moissonneurs et thème accessible en français "
        "pour le portail open data de Poitiers / Grand Poitiers (CKAN 2.11, 2.12)"
    ),
    long_description=Path(__file__).with_name("README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="AGPL-3.0-or-later",
    python_requires=">=3.10",
    packages=find_namespace_packages(include=["ckanext.poitiers", "ckanext.poitiers.*"])
    + ["ckanext.poitiers.i18n"],
    # gettext catalogues live at the top level (i18n/) and ship inside the package
    package_dir={"ckanext.poitiers.i18n": "i18n"},
    include_package_data=True,
    package_data={
        "ckanext.poitiers": [
            "config_declaration.yaml",
            "templates/**/*",
            "search_ui/templates/**/*",
            "search_ui/assets/*",
            "public/**/*",
            "assets/**/*",
            "vocabularies/*",
            "schemas/*",
            "schemas/templates/**/*",
            "demo/*",
            "demo/sources/*",
            "demo/sources/gtfs/*/*",
            "migration/**/*",
        ],
        "ckanext.poitiers.i18n": ["*.pot", "*/LC_MESSAGES/*.po", "*/LC_MESSAGES/*.mo"],
    },
    install_requires=[
        # ckan itself is installed first (see requirements/); these are ours
        "ckanext-harvest>=1.6.3",
        "ckanext-scheming>=3.1.0",
        "ckanext-dcat>=2.4.4",
        "ckanapi>=4.7",
        "requests>=2.31",
        "urllib3>=2.0",
        "babel>=2.15",
        "PyYAML>=6.0",
        "nh3>=0.3",
        "partridge>=1.1",
    ],
    entry_points={
        "ckan.plugins": [
            "poitiers = ckanext.poitiers.plugins.core:PoitiersPlugin",
            "poitiers_theme = ckanext.poitiers.plugins.theme:PoitiersThemePlugin",
            "poitiers_datafair_harvester = "
            "ckanext.poitiers.plugins.harvest_datafair:DataFairHarvesterPlugin",
            "poitiers_udata_harvester = "
            "ckanext.poitiers.plugins.harvest_udata:UdataHarvesterPlugin",
            "poitiers_transport_harvester = "
            "ckanext.poitiers.plugins.harvest_transport:TransportHarvesterPlugin",
            "poitiers_dcat_harvester = ckanext.poitiers.plugins.harvest_dcat:DCATHarvesterPlugin",
            "poitiers_openagenda_harvester = "
            "ckanext.poitiers.plugins.harvest_openagenda:OpenAgendaHarvesterPlugin",
            "poitiers_search = ckanext.poitiers.plugins.search:PoitiersSearchPlugin",
        ],
        "ckan.rdf.profiles": [
            "poitiers = ckanext.poitiers.dcat_profile:PoitiersDCATAPProfile",
        ],
        "babel.extractors": [
            "ckan = ckan.lib.extract:extract_ckan",
        ],
    },
    message_extractors={
        "ckanext": [
            ("**.py", "python", None),
            ("**.js", "javascript", None),
            ("**/templates/**.html", "ckan", None),
        ],
    },
    zip_safe=False,
)
