"""Harvester for transport.data.gouv.fr: the datasets covering Grand Poitiers (``GET
/api/datasets``, one flat list), with GTFS facts read from each dataset's GTFS file."""
from __future__ import annotations

from ckanext.poitiers.harvesters import config as source_config
from ckanext.poitiers.harvesters import gtfs_facts
from ckanext.poitiers.harvesters import transport_mapping as mapping
from ckanext.poitiers.harvesters.base import RETRY_KEY, WARNINGS_KEY, PoitiersHarvester
from ckanext.poitiers.harvesters.config import Option
from ckanext.poitiers.harvesters.http import RemoteError
from ckanext.poitiers.harvesters.i18n import N_, _


def gtfs_limits() -> tuple[int, float]:
    """Largest uncompressed size and compression ratio of a GTFS archive (zip bombs)."""
    from ckan.plugins import toolkit

    c = toolkit.config
    return (int(c.get("ckanext.poitiers.harvest.gtfs_max_uncompressed_bytes")),
            float(c.get("ckanext.poitiers.harvest.gtfs_max_compression_ratio")))


def passing(error: RemoteError) -> bool:
    """Whether a download failure may not last: a timeout, a connection or DNS failure, 408,
    429 or a 5xx (not a file over the size cap, an address refused, a 404…)."""
    if error.status is not None:
        return error.status in (408, 429) or error.status >= 500
    return error.reason in ("", "unresolved")


class TransportHarvester(PoitiersHarvester):
    NAME = "poitiers_transport"
    TITLE = N_("transport.data.gouv.fr")
    DESCRIPTION = N_(
        "Mobility datasets (GTFS, GTFS-RT, GBFS, NeTEx, SIRI) covering Grand Poitiers, with the "
        "facts of their GTFS timetables."
    )
    options = {
        # SIREN of the AOM / EPCI or INSEE codes of communes that a dataset must cover
        "covered": Option(list, default=["200069854", "86194"], max_length=100, help=N_(
            "SIREN of the transport authority, the EPCI or the owner (9 digits) or INSEE codes "
            "of communes (5 characters): a dataset is harvested when it covers one of them.")),
        "types": Option(
            list, default=[], choices=mapping.TYPES, max_length=len(mapping.TYPES), help=N_(
                "Dataset types of transport.data.gouv.fr to harvest; empty: every type.")),
        "gtfs_facts": Option(bool, default=True, help=N_(
            "Read each GTFS file to add its agencies, its numbers of routes and stops and its "
            "validity dates to the dataset.")),
    }

    def check_settings(self, config: dict) -> None:
        """A filter that matches nothing would withdraw every dataset of the source."""
        covered = config["covered"]
        if not covered:
            raise source_config.ConfigError(
                _("« covered » needs at least one SIREN or INSEE code (Grand Poitiers: "
                  "200069854); an empty list would harvest nothing and withdraw every "
                  "dataset."))
        bad = [code for code in covered if not mapping.COVERED_CODE.match(code)]
        if bad:
            raise source_config.ConfigError(
                _("« covered » lists SIREN numbers (9 digits, e.g. 200069854 for Grand "
                  "Poitiers) or INSEE codes of communes (5 characters, e.g. 86194 for "
                  "Poitiers): {values} are not.").format(
                    values=source_config.shown(bad)))

    def list_records(self, client, source_url, config):
        url = source_url.rstrip("/")
        if not url.endswith("/api/datasets"):
            url += "/api/datasets"
        body = client.get_json(url)
        if not isinstance(body, list):
            raise RemoteError(
                _("The answer of {url} is not a transport.data.gouv.fr dataset list.").format(
                    url=url
                ),
                url,
            )
        wanted = set(config["covered"])
        for record in body:
            if not isinstance(record, dict) or not mapping.covers(record, wanted):
                continue
            if config["types"] and record.get("type") not in config["types"]:
                continue
            yield record

    def record_guid(self, record, source_url, config):
        return mapping.guid(record)

    def fetch_record(self, client, record, config, previous):
        self.mapped(mapping.check_shape, record, errors=mapping.TransportMappingError)
        gtfs = mapping.first_gtfs(record) if config["gtfs_facts"] else None
        if gtfs is None:
            return record
        key = [gtfs.get("url"), gtfs.get("updated")]
        if previous and previous.get("_gtfs_key") == key and previous.get("_gtfs"):
            # same file as at the last run: its facts are reused, nothing downloaded
            return {**record, "_gtfs": previous["_gtfs"], "_gtfs_key": key}
        try:
            data, _resp = client.get_bytes(gtfs["url"])
        except RemoteError as e:
            # the file could not be downloaded: when that may not last (a server down, a
            # timeout, 429), the record is read again at the next harvest even if the listing
            # did not change; a file over the size cap or refused (4xx) is not downloaded again
            # until the listing announces another file
            retry = passing(e)
            return {**record, **({RETRY_KEY: True} if retry else {}), WARNINGS_KEY: [
                _("the facts of the GTFS file {url} could not be read: {error}").format(
                    url=gtfs["url"], error=e)
            ]}
        try:
            facts = gtfs_facts.facts(data, *gtfs_limits())
        except gtfs_facts.GtfsError as e:
            return {**record, WARNINGS_KEY: [
                _("the facts of the GTFS file {url} could not be read: {error}").format(
                    url=gtfs["url"], error=e)
            ]}
        warnings = [
            _("the facts of the GTFS file {url} are incomplete: {error}").format(
                url=gtfs["url"], error=why)
            for why in facts.pop(gtfs_facts.WARNINGS, [])
        ]
        completed = {**record, "_gtfs": facts, "_gtfs_key": key}
        return {**completed, WARNINGS_KEY: warnings} if warnings else completed

    def map_record(self, record, source_url, config):
        return self.mapped(mapping.map_dataset, record, errors=mapping.TransportMappingError)
