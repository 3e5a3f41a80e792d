"""Plugin ``poitiers_udata_harvester``: the udata harvester (data.gouv.fr organisations)."""
from ckanext.poitiers.harvesters.udata import UdataHarvester


class UdataHarvesterPlugin(UdataHarvester):
    pass
