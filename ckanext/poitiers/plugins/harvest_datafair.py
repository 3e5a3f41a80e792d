"""Plugin ``poitiers_datafair_harvester``: the Data Fair harvester (data.grandpoitiers.fr)."""
from ckanext.poitiers.harvesters.datafair import DataFairHarvester
from ckanext.poitiers.plugins import NeedsCore


class DataFairHarvesterPlugin(NeedsCore, DataFairHarvester):
    pass
