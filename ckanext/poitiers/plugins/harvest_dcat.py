"""Plugin ``poitiers_dcat_harvester``: DCAT catalogues (ckanext-dcat's RDF harvester, mapped
into the Poitiers schema)."""
from ckanext.poitiers.harvesters.dcat import PoitiersDCATHarvester
from ckanext.poitiers.plugins import NeedsCore


class DCATHarvesterPlugin(NeedsCore, PoitiersDCATHarvester):
    pass
