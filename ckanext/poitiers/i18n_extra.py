"""French for the strings that CKAN, ckanext-harvest, ckanext-scheming and ckanext-dcat show on
the portal's pages but do not translate (ckanext-harvest ships no French catalogue; CKAN 2.12's
French catalogue leaves about a third of its strings empty, among them accessible names that
screen readers read out: « Toggle navigation », « Breadcrumb »…).

CKAN merges our catalogue with its own, so listing the exact English msgids here (extracted by
``make i18n``) translates them on those extensions' pages. Nothing calls this module at run time.
"""
from __future__ import annotations


def N_(message: str) -> str:
    return message


def ngettext(singular: str, plural: str, n: int) -> str:  # extracted with its plural
    return singular if n == 1 else plural


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

# CKAN core strings left empty by its French catalogue, met on the portal's pages (found by
# tests/integration/theme/test_french_ui.py, which renders the pages and looks for them)
CKAN_CORE = [
    # header and page landmarks (accessible names)
    N_("Toggle navigation"), N_("Account"), N_("Breadcrumb"),
    # error pages
    N_("You might need to login to access this page."), N_("Click here to login"),
    N_("Dataset not found or you have no permission to view it"),
    N_("Unauthorized to access"),
    # links' accessible names on lists and dataset pages
    N_("Open details page for {name}"), N_("Open details page for dataset - {title}"),
    N_("Navigate to dataset: {title}"), N_("Navigate to resource: {name}"),
    N_("Navigate to resource: {name_or_id}"), N_("Current resource: {name}"),
    N_("Resource URL: {url}"), N_("Search datasets with the tag: {name}"),
    N_("Search datasets with the tag: {tag}"),
    ngettext("{num} Member", "{num} Members", 1), N_("0 Members"),
    # groups and activity
    N_("There are currently no groups for this site."),
    N_("There are no groups associated with this dataset."),
    N_("All activity types"), N_("No activity found"), N_("Activity occurred on: {time}"),
    N_("Search followee"),
    # users and administration
    N_("Username or Email"), N_("Profile picture"), N_("Profile picture URL"),
    N_("Request Reset"), N_("API Tokens"), N_("Last Active"),
    N_("This information is visible to you and admins"), N_("Current Sysadmins"),
    N_("Promote user to Sysadmin"), N_("Revoke Sysadmin permission"), N_("Custom Stylesheet"),
    N_("Dataset description:"),
    # the help under every Markdown field of the dataset and resource forms
    N_('You can use <a href="#markdown" title="Markdown quick reference" data-bs-toggle="popover" '
       'data-bs-content="%(markdown_tooltip)s" data-bs-html="true">Markdown formatting</a> here'),
    ngettext("%(count)s dataset found.", "%(count)s datasets found.", 1),
]

# ckanext-harvest: its facet titles (not passed through gettext: our facet list translates
# them) and the result count CKAN builds from the type « harvest »
HARVEST_SEARCH = [
    N_("Frequency"),
    ngettext("{number} harvest found", "{number} harvests found", 1),
    ngettext('{number} harvest found for "{query}"', '{number} harvests found for "{query}"', 1),
    N_("No harvests found"), N_('No harvests found for "{query}"'),
]

# CKAN's French for these puts English quotes (and double spaces) around the query: « » instead
FRENCH_TYPOGRAPHY = [
    ngettext('{number} dataset found for "{query}"', '{number} datasets found for "{query}"', 1),
    N_('No datasets found for "{query}"'),
    ngettext('{number} organization found for "{query}"',
             '{number} organizations found for "{query}"', 1),
    N_('No organizations found for "{query}"'),
]
