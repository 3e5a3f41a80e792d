"""Harvester for udata portals (data.gouv.fr): the datasets of one organisation, paged with
``page_size`` and ``next_page``."""
from __future__ import annotations

from urllib.parse import urlsplit

from ckanext.poitiers.harvesters import config as source_config
from ckanext.poitiers.harvesters import udata_mapping as mapping
from ckanext.poitiers.harvesters.base import PAGE_SIZE_OPTION, PoitiersHarvester
from ckanext.poitiers.harvesters.config import Option
from ckanext.poitiers.harvesters.http import RemoteError
from ckanext.poitiers.harvesters.i18n import N_, _, number

MAX_PAGES = 1000


class UdataHarvester(PoitiersHarvester):
    NAME = "poitiers_udata"
    TITLE = N_("udata (data.gouv.fr)")
    DESCRIPTION = N_("Datasets of an organisation on data.gouv.fr or another udata portal.")
    options = {
        "organization": Option(str, default="", help=N_(
            "Id of the organisation on the portal (data.gouv.fr); required unless « filters » "
            "is given.")),
        "page_size": PAGE_SIZE_OPTION,
        "filters": Option(dict, default={}, help=N_(
            "Query parameters added to the dataset list request, e.g. {\"tag\": "
            "\"poitiers\"}.")),
    }

    def check_settings(self, parsed):
        if not parsed["organization"] and not parsed["filters"]:
            raise source_config.ConfigError(
                _(
                    "Give « organization » (the id of the organisation on the portal) or "
                    "« filters »; harvesting a whole national portal is refused."
                )
            )

    def list_records(self, client, source_url, config):
        api = mapping.api_base(source_url)
        origin = urlsplit(api)[:2]
        params = dict(config["filters"])
        if config["organization"]:
            params["organization"] = config["organization"]
        params["page_size"] = config["page_size"]
        params["page"] = 1
        url = f"{api}/datasets/"
        seen_urls = set()
        listed = announced = 0
        for _page in range(MAX_PAGES):
            body, records = self.json_records(
                client, url, "data", _("The answer of {url} is not a udata dataset list."), params
            )
            listed += len(body["data"])
            total = body.get("total")
            if isinstance(total, int) and not isinstance(total, bool):
                announced = max(announced, total)
            for record in records:
                if not record.get("private") and not record.get("deleted") \
                        and not record.get("archived"):
                    yield record
            next_page = body.get("next_page")
            if not next_page:
                self.check_listing_complete(f"{api}/datasets/", listed, announced)
                return
            if urlsplit(next_page)[:2] != origin or next_page in seen_urls:
                raise RemoteError(
                    _("The next page {next} announced by {url} is off the source or a loop.")
                    .format(next=next_page, url=url),
                    url,
                )
            seen_urls.add(next_page)
            url, params = next_page, None
        raise RemoteError(_("{url} announces more than {count} pages.").format(
            url=api, count=number(MAX_PAGES)), api)

    def record_guid(self, record, source_url, config):
        return mapping.guid(record, mapping.api_base(source_url))

    def map_record(self, record, source_url, config):
        return self.mapped(mapping.map_dataset, record, errors=mapping.UdataMappingError)
