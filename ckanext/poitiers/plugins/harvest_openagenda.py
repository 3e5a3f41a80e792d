"""Plugin ``poitiers_openagenda_harvester``: OpenAgenda agendas as datasets."""
from ckanext.poitiers.harvesters.openagenda import OpenAgendaHarvester
from ckanext.poitiers.plugins import NeedsCore


class OpenAgendaHarvesterPlugin(NeedsCore, OpenAgendaHarvester):
    pass
