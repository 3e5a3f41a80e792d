"""Plugin ``poitiers_datafair_harvester``: the Data Fair harvester (data.grandpoitiers.fr)."""
from ckanext.poitiers.harvesters.datafair import DataFairHarvester


class DataFairHarvesterPlugin(DataFairHarvester):
    pass
