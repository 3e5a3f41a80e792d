"""French for the strings that ckanext-harvest, ckanext-scheming and ckanext-dcat show on the pages
publishers use but do not translate (ckanext-harvest ships no French catalogue).

CKAN merges our catalogue with its own, so listing the exact English msgids here (extracted by
``make i18n``) translates them on those extensions' pages. Nothing calls this module at run time.
"""
from __future__ import annotations


def N_(message: str) -> str:
    return message


HARVEST = [
    N_("Harvest Sources"), N_("Harvest sources"), N_("Add Harvest Source"),
    N_("Create Harvest Source"), N_("Create harvest source"), N_("Edit harvest source"),
    N_("View harvest source"), N_("All harvest sources"), N_("Return to the harvest sources list"),
    N_("Search harvest sources..."), N_("Search sources..."),
    N_("Sorry no harvest sources found"), N_('Sorry no harvest sources found for "{query}"'),
    N_("There is no description for this harvest source"),
    N_("There are no datasets associated to this harvest source."),
    N_("Last Harvest Job"), N_("View full job report"), N_("Reharvest"), N_("Clear"), N_("Jobs"),
    N_("Harvest Jobs"), N_("No jobs yet for this source"), N_("Job Report"),
    N_("Back to job list"), N_("Error Summary"), N_("No errors for this job"), N_("Job Errors"),
    N_("Started"), N_("Finished"), N_("Started:"), N_("Finished:"), N_("Not yet"),
    N_("Harvest will start shortly. Refresh this page for updates."),
    N_("A harvest job has already been scheduled for this source"),
    N_("Start a new harvesting job for this harvest source now"),
    N_("Delete all harvest jobs and existing datasets from this source"),
    N_("This should include the http:// part of the URL"), N_("Configuration"),
    N_("No organization"), N_("Delete source"), N_("Delete and clear source"),
    N_("Harvest source not found"),
    # update frequencies (h.harvest_frequencies)
    N_("Manual"), N_("Monthly"), N_("Weekly"), N_("Biweekly"), N_("Daily"), N_("Always"),
    # harvesters' titles and descriptions
    N_("Harvests remote CKAN instances"), N_("Harvester for DCAT datasets from an RDF graph"),
    N_("Generic DCAT RDF Harvester"),
]

DCAT_SCHEMA = [
    N_("Contact points"), N_("Publisher"), N_("Temporal coverage"), N_("Spatial coverage"),
    N_("Theme"), N_("Start"), N_("End"), N_("Identifier"), N_("Type"), N_("Bounding box"),
    N_("Centroid"), N_("Geometry"),
]
