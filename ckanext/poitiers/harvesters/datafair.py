"""Harvester for Data Fair portals (data.grandpoitiers.fr): ``GET {api}/datasets`` paged."""
from __future__ import annotations

from ckanext.poitiers.harvesters import datafair_mapping as mapping
from ckanext.poitiers.harvesters.base import PAGE_SIZE_OPTION, PoitiersHarvester
from ckanext.poitiers.harvesters.config import Option
from ckanext.poitiers.harvesters.http import RemoteError
from ckanext.poitiers.harvesters.i18n import N_, _, number

# Data Fair refuses size + skip > 10000 on its listings (api/src/misc/utils/find.ts)
DATAFAIR_WINDOW = 10000
SELECT = (
    "id,slug,href,page,title,summary,description,keywords,topics,license,frequency,temporal,"
    "spatial,bbox,owner,attachments,file,originalFile,isMetaOnly,isRest,isVirtual,createdAt,"
    "updatedAt,dataUpdatedAt"
)


class DataFairHarvester(PoitiersHarvester):
    NAME = "poitiers_datafair"
    TITLE = N_("Data Fair (data.grandpoitiers.fr)")
    DESCRIPTION = N_("Datasets of a Data Fair portal, with their files, APIs and attachments.")
    options = {
        "page_size": PAGE_SIZE_OPTION,
        "filters": Option(dict, default={}, help=N_(
            "Query parameters added to the catalogue request, e.g. {\"owner\": "
            "\"organization:grandpoitiers\"} for the datasets of one owner.")),
    }

    def list_records(self, client, source_url, config):
        api = mapping.api_base(source_url)
        size = config["page_size"]
        page = 1
        listed = announced = 0
        while True:
            if page * size > DATAFAIR_WINDOW:
                raise RemoteError(
                    _(
                        "The catalogue holds more than {limit} datasets, the most Data Fair lists; "
                        "narrow it with the « filters » option."
                    ).format(limit=number(DATAFAIR_WINDOW)),
                    api,
                )
            params = {**config["filters"], "size": size, "page": page, "select": SELECT}
            body, records = self.json_records(
                client, f"{api}/datasets", "results",
                _("The answer of {url} is not a Data Fair dataset list."), params,
            )
            yield from records
            listed += len(body["results"])
            count = body.get("count")
            if isinstance(count, int) and not isinstance(count, bool):
                announced = max(announced, count)
            if not body["results"] or (isinstance(count, int) and page * size >= count):
                self.check_listing_complete(f"{api}/datasets", listed, announced)
                return
            page += 1

    def record_guid(self, record, source_url, config):
        return mapping.guid(record, mapping.api_base(source_url))

    def map_record(self, record, source_url, config):
        return self.mapped(mapping.map_dataset, record, mapping.api_base(source_url),
                           errors=mapping.DataFairMappingError)

    def content_view(self, mapped, record):
        return mapping.content_view(mapped, record)
