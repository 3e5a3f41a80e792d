"""Plugin ``poitiers_udata_harvester``: the udata harvester (data.gouv.fr organisations)."""
from ckanext.poitiers.harvesters.udata import UdataHarvester
from ckanext.poitiers.plugins import NeedsCore


class UdataHarvesterPlugin(NeedsCore, UdataHarvester):
    pass
