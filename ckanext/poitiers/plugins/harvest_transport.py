"""Plugin ``poitiers_transport_harvester``: transport.data.gouv.fr datasets with GTFS facts."""
from ckanext.poitiers.harvesters.transport import TransportHarvester
from ckanext.poitiers.plugins import NeedsCore


class TransportHarvesterPlugin(NeedsCore, TransportHarvester):
    pass
