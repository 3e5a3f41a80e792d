"""Plugin ``poitiers_transport_harvester``: transport.data.gouv.fr datasets with GTFS facts."""
from ckanext.poitiers.harvesters.transport import TransportHarvester


class TransportHarvesterPlugin(TransportHarvester):
    pass
