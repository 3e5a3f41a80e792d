"""Plugin ``poitiers_openagenda_harvester``: OpenAgenda agendas as datasets."""
from ckanext.poitiers.harvesters.openagenda import OpenAgendaHarvester


class OpenAgendaHarvesterPlugin(OpenAgendaHarvester):
    pass
