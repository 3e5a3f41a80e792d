"""Harvester for OpenAgenda: agendas (by uid, or found by a search) become datasets whose
resources are the agenda's exports and API. Events are not datasets."""
from __future__ import annotations

from ckanext.poitiers.harvesters import config as source_config
from ckanext.poitiers.harvesters import openagenda_mapping as mapping
from ckanext.poitiers.harvesters.base import (
    RETRY_KEY,
    WARNINGS_KEY,
    Notice,
    PoitiersHarvester,
)
from ckanext.poitiers.harvesters.config import Option
from ckanext.poitiers.harvesters.http import RemoteError
from ckanext.poitiers.harvesters.i18n import N_, _, ngettext, number

MAX_PAGES = 100
UID = mapping.UID
# key of a record found by a search, holding the API address: its full record (website, whole
# description) is read at fetch time
FROM_SEARCH = "_from_search"
EVENTS_UPDATED = mapping.EVENTS_UPDATED
# key of an agenda whose events could not be read at gather time: why (the date of the previous
# harvest is kept, and the agenda is read again at the next one)
EVENTS_UNREAD = "_events_unread"


class OpenAgendaHarvester(PoitiersHarvester):
    NAME = "poitiers_openagenda"
    TITLE = N_("OpenAgenda")
    DESCRIPTION = N_("OpenAgenda agendas, as datasets whose resources are their exports and API.")
    options = {
        "key": Option(str, default="", max_length=200, help=N_(
            "Public key of the OpenAgenda account (oa_pk_…); required.")),
        "agendas": Option(list, default=[], max_length=500, help=N_(
            "Uids of the agendas to harvest, as in openagenda.com/agendas/41648 (give "
            "« agendas », « search » or both).")),
        "search": Option(str, default="", max_length=200, help=N_(
            "Words that find agendas to harvest on OpenAgenda.")),
        "official_only": Option(bool, default=False, help=N_(
            "With « search », only the agendas OpenAgenda marks as official.")),
        "license_id": Option(str, default="notspecified", vocabulary="licences", help=N_(
            "Licence of the agendas' data, an id of the portal's licences (e.g. lov2).")),
    }

    def check_settings(self, parsed):
        errors = []
        if not parsed["key"]:
            errors.append(_("« key » (the public OpenAgenda key, oa_pk_…) is required."))
        if not parsed["agendas"] and not parsed["search"]:
            errors.append(_("Give « agendas » (a list of agenda uids) or « search »."))
        bad = [uid for uid in parsed["agendas"] if not UID.fullmatch(uid)]
        if bad:
            errors.append(
                _("« agendas » lists agenda uids, numbers such as « 41648 » (in the address "
                  "openagenda.com/agendas/41648): {values} are not.").format(
                    values=source_config.shown(bad)))
        if errors:
            raise source_config.ConfigError(" ".join(errors))

    def _api(self, source_url: str) -> str:
        url = source_url.rstrip("/")
        return url if url.endswith("/v2") else url + "/v2"

    def list_records(self, client, source_url, config):
        api = self._api(source_url)
        headers_params = {"key": config["key"]}
        # one agenda that fails does not keep the others from being read; the listing is then
        # incomplete (the first error is raised at the end: nothing is withdrawn)
        failures, gone, answered = [], [], False
        for uid in config["agendas"]:
            try:
                record = self._agenda(client, api, uid, headers_params)
            except RemoteError as e:
                if e.status == 404:
                    gone.append(uid)
                else:
                    failures.append(e)
                continue
            answered = True
            if not record.get("private"):
                # a private agenda is not published (withdrawn if it was)
                yield self._with_events_date(client, api, record, headers_params)
        if config["search"]:
            # an agenda listed by uid and found by the search too is harvested once, silently
            listed = {str(uid) for uid in config["agendas"]}
            for record in self._search(client, api, config, headers_params):
                if str(record.get("uid")) not in listed:
                    yield self._with_events_date(client, api, record, headers_params)
            answered = True
        if failures:
            raise failures[0]
        if gone and not answered:
            # every agenda "not found": more likely a wrong source address than agendas gone
            raise RemoteError(
                _("No agenda of the source was found at {url} (HTTP 404): check the address "
                  "of the source; no dataset is withdrawn.").format(url=f"{api}/agendas"), api)
        if gone:
            yield Notice(ngettext(
                "The agenda {uids} no longer exists on OpenAgenda (HTTP 404): its dataset is "
                "withdrawn.",
                "The agendas {uids} no longer exist on OpenAgenda (HTTP 404): their datasets "
                "are withdrawn.",
                len(gone)).format(uids=", ".join(gone)))

    def _search(self, client, api: str, config: dict, headers_params: dict):
        params = {**headers_params, "search": config["search"], "size": 100}
        if config["official_only"]:
            params["official"] = 1
        for _page in range(MAX_PAGES):
            body, records = self.json_records(
                client, f"{api}/agendas", "agendas",
                _("The answer of {url} is not an OpenAgenda agenda list."), params,
            )
            for record in records:
                if not record.get("private"):
                    yield {**record, FROM_SEARCH: api}
            after = body.get("after")
            if not after or not body["agendas"]:
                return
            params["after[]"] = [str(a) for a in after]
        raise RemoteError(_("{url} announces more than {count} pages.").format(
            url=f"{api}/agendas", count=number(MAX_PAGES)), api)

    @classmethod
    def _with_events_date(cls, client, api: str, record: dict, params: dict) -> dict:
        """The agenda with the ``updatedAt`` of its latest changed event (one request: the events
        sorted by last change, one of them, removed events included: a removal changes the
        exports too): read with the listing, so that a change of the events alone is a change
        of the record. Its failure only leaves the date unread."""
        uid = mapping.uid_of(record)
        if uid is None:
            return record  # refused by the mapping, with its reason
        url = f"{api}/agendas/{mapping.segment(uid)}/events"
        try:
            # strict: an event that is not an object leaves the date unread (a kept previous
            # date), rather than read as « no event »
            _body, events = cls.json_records(
                client, url, "events", _("the answer of {url} is not an OpenAgenda event list."),
                {**params, "size": 1, "sort": "updatedAt.desc", "removed": "null",
                 "includeFields[]": ["uid", "updatedAt"]}, strict=True)
        except RemoteError as e:
            return {**record, EVENTS_UNREAD: str(e)}
        latest = events[0].get("updatedAt") if events else None
        return {**record, EVENTS_UPDATED: latest if isinstance(latest, str) else None}

    @staticmethod
    def _agenda(client, api: str, uid, params: dict) -> dict:
        """``GET /agendas/{uid}``: that agenda, or RemoteError (an answer of another shape or
        about another uid, such as an event, is not taken for it)."""
        url = f"{api}/agendas/{mapping.segment(uid)}"
        record = client.get_json(url, params=params)
        if not isinstance(record, dict) or str(record.get("uid", "")) != str(uid):
            raise RemoteError(
                _("The answer of {url} is not the OpenAgenda agenda {uid}.").format(
                    url=url, uid=uid),
                api,
            )
        return record

    def fetch_record(self, client, record, config, previous):
        events = {key: record[key] for key in (EVENTS_UPDATED, EVENTS_UNREAD) if key in record}
        if record.get(FROM_SEARCH):
            # a search lists agendas in short (no website, a shortened description): the agenda
            # itself is read
            record = {**self._agenda(client, record[FROM_SEARCH], record.get("uid"),
                                     {"key": config["key"]}), **events}
        unread = record.pop(EVENTS_UNREAD, None)
        if unread is None:
            return record
        # the events could not be read: the date of the previous harvest is kept (the exports
        # are not dated « today », nor undated), and the agenda is read again at the next one
        kept = (previous or {}).get(EVENTS_UPDATED)
        return {**record, EVENTS_UPDATED: kept, RETRY_KEY: True, WARNINGS_KEY: [_(
            "the date of the last change of the agenda's events could not be read ({error}); "
            "the date of the previous harvest is kept.").format(error=unread)]}

    def record_guid(self, record, source_url, config):
        return mapping.guid(record)

    def map_record(self, record, source_url, config):
        return self.mapped(mapping.map_agenda, record, self._api(source_url),
                           config["license_id"], errors=mapping.OpenAgendaMappingError)
