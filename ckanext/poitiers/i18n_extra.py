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
    N_("All activity types"), N_("No activity found"), N_("No activity found for this type"),
    N_("Activity occurred on: {time}"), N_("Just now"),
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
    # and a straight apostrophe (« l'API ») under the search results; the guide is in English
    N_("You can also access this registry using the %(api_link)s (see %(api_doc_link)s)."),
    N_("API Docs"),
]

# CKAN's French writes a common noun after a number with a capital (« 13 Jeux de données »,
# « 0 Jeu de données » and a space, on the cards of the organisations and groups)
FRENCH_CASE = [
    ngettext("{num} Dataset", "{num} Datasets", 1),
    N_("0 Datasets"),
]

# ckanext-harvest's pages for the sources' managers: dashboard, job list and report, the
# confirmations of its buttons, its messages after an action and its refusals
HARVEST_ADMIN = [
    # the job badges: the counts and the job status go through _() at run time (no msgid in
    # its templates, nor in its .pot); a number precedes them, singular or plural: « 1 ajouté(s) »
    N_("errors"), N_("added"), N_("updated"), N_("deleted"), N_("not modified"),
    N_("New"), N_("Running"), N_("Aborted"),
    N_("Job: "), N_("Id"), N_("Harvest"), N_("Stop"),
    N_("Only the 20 most frequent errors are shown"), N_("Count"), N_("Message"),
    N_("Document Errors"), N_("Document Error"), N_("Error Report"),
    N_("documents with errors"), N_("Remote content"), N_("Local content"),
    N_("No content found"),
    N_("This will re-run the harvesting for this source. Any updates at the source will "
       "overwrite the local datasets. Sources with a large number of datasets may take a "
       "significant amount of time to finish harvesting. Please confirm you would like us to "
       "start reharvesting."),
    N_("Warning: This will remove all datasets for this source, as well as all previous job "
       "reports. Are you sure you want to continue?"),
    N_("Harvest sources allow importing remote metadata into this catalog. Remote sources can "
       "be other catalogs such as other CKAN instances, CSW servers or Web Accessible Folders "
       "(WAF) (depending on the actual harvesters enabled for this instance)."),
    # messages after an action (flash)
    N_("Harvesting source successfully cleared"), N_("Harvesting source successfully inactivated"),
    N_("Harvest source cleared"), N_("Harvest job stopped"), N_("Harvest job not found"),
    N_('Cannot create new harvest jobs on inactive sources. First, please change the source '
       'status to "active".'),
    # refusals
    N_("User not authorized to create a job for source {0}"),
    N_("User {0} not authorized to create harvest sources"),
    N_("User {0} not authorized to delete harvest source {1}"),
    N_("User {0} not authorized to list jobs for source {1}"),
    N_("User {0} not authorized to read harvest source {1}"),
    N_("User {0} not authorized to see jobs from source {1}"),
    N_("User {0} not authorized to update harvest source {1}"),
]

# CKAN's pages for the portal's administrators (/ckan-admin), left empty by its French catalogue
CKAN_ADMIN = [
    # the {% trans %} blocks of admin/index.html and admin/config.html: Jinja's i18n extension
    # (ext.i18n.trimmed, as CKAN sets it) joins their lines with one space, so do these msgids
    N_('<p>As a sysadmin user you have full control over this CKAN instance. Proceed with '
       'care!</p> <p>For guidance on using sysadmin features, see the CKAN <a '
       'href="%(docs_url)s" target="_blank" rel="noreferrer">sysadmin guide</a></p>'),
    # (CKAN 2.11's template has two spaces before the link: another msgid)
    N_('<p>As a sysadmin user you have full control over this CKAN instance. Proceed with '
       'care!</p> <p>For guidance on using sysadmin features, see the CKAN  <a '
       'href="%(docs_url)s" target="_blank" rel="noreferrer">sysadmin guide</a></p>'),
    N_('<p><strong>Site Title:</strong> This is the title of this CKAN instance It appears in '
       'various places throughout CKAN.</p> <p><strong>Custom Stylesheet:</strong> Define an '
       'alternative main CSS file.</p> <p><strong>Site Tag Logo:</strong> This is the logo that '
       'appears in the header of all the CKAN instance templates.</p> <p><strong>About:</strong> '
       'This text will appear on this CKAN instances <a href="%(about_url)s">about page</a>.</p> '
       '<p><strong>Intro Text:</strong> This text will appear on this CKAN instances <a '
       'href="%(home_url)s">home page</a> as a welcome to visitors.</p> <p><strong>Custom '
       'CSS:</strong> This is a block of CSS that appears in <code>&lt;head&gt;</code> tag of '
       'every page. If you wish to customize the templates more fully we recommend <a '
       'href="%(docs_url)s" target="_blank" rel="noreferrer">reading the documentation</a>.</p>'),
    N_("Promote"), N_("Not authorized to promote user to sysadmin"),
    N_("Promoted {} to sysadmin"), N_("Revoked sysadmin permission from {}"),
    # the trash
    N_("Purge deleted datasets, organizations or groups forever and irreversibly."),
    N_("Purge all"), N_("Deleted datasets"), N_("Deleted organizations"), N_("Deleted groups"),
    N_("Are you sure you want to purge everything?"),
    N_("Are you sure you want to purge datasets?"),
    N_("Are you sure you want to purge organizations?"),
    N_("Are you sure you want to purge groups?"),
    N_("There are no datasets to purge"), N_("There are no organizations to purge"),
    N_("There are no groups to purge"), N_("{number} datasets have been purged"),
    N_("{number} organizations have been purged"), N_("{number} groups have been purged"),
    N_("Massive purge complete"),
    # the activities tab (ckanext-activity)
    N_("Activities"),
    N_("Purge activities by age. Use 'ckan clean activities' via CLI for more options."),
    N_("Purge activity stream entries by age. Each option shows how many activities would be "
       "deleted. Purging is irreversible."),
    N_("Delete activities older than a day"), N_("Delete activities older than a month"),
    N_("Delete activities older than a year"), N_("Delete all activities"), N_("Delete all"),
    N_("Delete {count} activities older than a day? This cannot be undone."),
    N_("Delete {count} activities older than a month? This cannot be undone."),
    N_("Delete {count} activities older than a year? This cannot be undone."),
    N_("Delete all {count} activities? This cannot be undone."),
]

# publishers' pages: dataset and resource forms, organisation members, API tokens, profile
PUBLISHER = [
    N_("Unpublish"), N_("Manage resource: {name}"),
    # the search forms' button, shown without JavaScript (CKAN's French keeps « Go »)
    N_("Go"),
    # ckanext-scheming (no catalogue): the removed subfields of the repeating blocks, the
    # organisation form
    N_("These fields have been removed."),
    N_("These fields have been removed, click update below to save your changes."),
    N_("Are you sure you want to delete this Organization?"), N_("Select at least one"),
    N_("Time format incorrect"),
    N_("Date is required when a time is provided"),
    # organisation members
    N_("Edit role"), N_("Delete member"), N_("Edit the role of the user within the organization"),
    N_("Delete this member from the organization"),
    N_("There is no description for this organization."),
    # API tokens and profile
    N_("Revoke tokens"), N_("Are you sure you want to revoke these tokens?"),
    N_("Unauthorized to view API tokens."), N_("Unauthorized to create API tokens."),
    N_("Unauthorized to revoke API tokens."),
    N_('API Token created: <code style="word-break:break-all;">{token}</code> {copy}<br>Make '
       "sure to copy it now, you won't be able to see it again!"),
    N_("User isn't a member of any organizations."), N_("User isn't a member of any groups."),
    N_("Are you sure you want to delete user - {name}?"), N_("Sysadmin password"),
    N_("Reactivate User"), N_("Reactivate Profile"),
    N_("This account is deactivated, if you want to reactivate it, please click on checkbox."),
]

# the JavaScript modules of the forms: CKAN serves the French of these msgids at /api/i18n/fr
# (its .pot marks them as used in a .js file), our catalogue fills those it leaves empty
CKAN_JS = [
    N_("Please Confirm"), N_("Notification"), N_("Close"), N_("Searching..."),
    N_("Please select the file to upload again"), N_("Reorder resource view"),
]
