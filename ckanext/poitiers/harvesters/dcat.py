"""DCAT harvester: ckanext-dcat's ``DCATRDFHarvester`` (RDF parsing with the euro_dcat_ap_3
profile, Hydra paging, guid from the dataset URI, deletions after a complete gather) with our
HTTP client (SSRF guard, size cap, retries, no local files), our vocabulary mapping, French
messages and the content hash that makes an unchanged re-harvest write nothing.

Works on OpenDataSoft exports (``/api/explore/v2.1/catalog/exports/dcat``), udata and CKAN
(ckanext-dcat ``/catalog.xml``) catalogues paged with Hydra."""
from __future__ import annotations

import contextvars
import copy
import dataclasses
import json

import ckan.plugins.toolkit as toolkit
import rdflib.plugin
import rdflib.util
import sqlalchemy.orm as sa_orm
from ckan import model
from ckan.plugins import implements
from rdflib import Literal
from rdflib.parser import Parser
from rdflib.plugin import PluginException
from rdflib.plugins.parsers.jsonld import JsonLDParser

from ckanext.dcat.harvesters.rdf import DCATRDFHarvester
from ckanext.dcat.interfaces import IDCATRDFHarvester
from ckanext.dcat.processors import HYDRA
from ckanext.dcat.utils import url_to_rdflib_format
from ckanext.harvest.model import HarvestObject, HarvestObjectExtra
from ckanext.poitiers.harvesters import config as source_config
from ckanext.poitiers.harvesters import dcat_mapping as mapping
from ckanext.poitiers.harvesters import dcat_messages
from ckanext.poitiers.harvesters.base import (
    COMMON_OPTIONS,
    HASH_EXTRA,
    RECORD_EXTRA,
    STATUS_EXTRA,
    PoitiersHarvester,
    RecordErrors,
    apply_defaults,
    content_hash,
    current_record_hashes,
    incomplete_read,
    merge_local_edits,
    record_hash,
    record_not_modified,
    record_objects,
    remember_record_hash,
    without_unusable_values,
)
from ckanext.poitiers.harvesters.http import HttpClient, HttpSettings, RemoteError, decode_utf8
from ckanext.poitiers.harvesters.i18n import N_, _

MEDIA_TYPES = {
    "application/rdf+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/json": "json-ld",
    "text/n3": "n3",
    "application/n-triples": "nt",
}


class PoitiersDCATHarvester(RecordErrors, DCATRDFHarvester):
    # after_parsing reads the Hydra count of each page (the other hooks are left as they are)
    implements(IDCATRDFHarvester, inherit=True)

    def __new__(cls, *args, **kwargs):
        # CKAN's SingletonPlugin keeps one instance per class but finds it with hasattr, so a
        # subclass of a loaded harvester (dcat_rdf_harvester) would get its parent's instance
        if "_instance" not in cls.__dict__:
            cls._instance = object.__new__(cls)
        return cls._instance

    # every download goes through HttpClient (SSRF guard): see harvesters/source_guard.py
    guarded_downloads = True
    NAME = "poitiers_dcat"
    TITLE = N_("DCAT catalogue (OpenDataSoft, udata, CKAN…)")
    DESCRIPTION = N_(
        "Datasets of a DCAT catalogue in RDF (RDF/XML, Turtle, JSON-LD), Hydra paging included, "
        "such as the DCAT exports of OpenDataSoft portals."
    )
    options = {
        **COMMON_OPTIONS,
        "rdf_format": source_config.Option(
            str, default="", choices=("", "xml", "turtle", "json-ld", "n3", "nt"), help=N_(
                "Format of the catalogue; empty: guessed from the answer.")),
    }

    def info(self):
        return {"name": self.NAME, "title": _(self.TITLE),
                "description": _(self.DESCRIPTION)}

    def all_options(self) -> dict:
        return self.options

    def validate_config(self, source_config_text):
        return source_config.validate(source_config_text, self.options)

    def _settings(self, source) -> dict:
        """The source's options, parsed once per configuration text (every record of a job
        reads them, at gather and at import): a copy, that the caller may change."""
        key = (source.id, source.config)
        cache = self.__dict__.setdefault("_settings_cache", {})
        if key not in cache:
            if len(cache) > 100:
                cache.clear()
            cache[key] = source_config.parse(source.config, self.options)
        return copy.deepcopy(cache[key])

    # -- ckanext-dcat's messages, in French ---------------------------------------------------
    def _save_gather_error(self, message, job):
        super()._save_gather_error(dcat_messages.gather_message(message), job)

    def _save_object_error(self, message, obj, stage="Fetch", line=None):
        if not model.Session.is_active:
            # ckanext-dcat saves the error of a failed flush (a row the database refused) in the
            # same session: rolled back first, or the save would stop the fetch consumer
            model.Session.rollback()
        super()._save_object_error(dcat_messages.object_message(message, obj.guid), obj, stage,
                                   line)

    # -- download through our client ----------------------------------------------------------
    def _get_content_and_type(self, url, harvest_job, page=1, content_type=None):
        if page > 1:
            url = url + ("&" if "?" in url else "?") + f"page={page}"
        client = HttpClient(HttpSettings.from_config())
        try:
            body, response = client.get_bytes(url)
            content = decode_utf8(body, url)
        except RemoteError as e:
            self._save_gather_error(
                _(
                    "The catalogue could not be read: {error} No dataset is withdrawn after an "
                    "incomplete harvest."
                ).format(error=e),
                harvest_job,
            )
            return None, None
        finally:
            client.close()
        if not content_type:
            media = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            content_type = MEDIA_TYPES.get(media) or rdflib.util.guess_format(url) or "xml"
        if is_json_ld(content_type):
            # rdflib's JSON-LD parser downloads remote contexts itself (urllib: no guard, no
            # timeout, file:// URLs read): a document that needs one is refused, unparsed
            remote = remote_jsonld_references(content)
            if remote:
                self._save_gather_error(
                    _(
                        "The JSON-LD of {url} refers to a context outside the document "
                        "({context}); the harvester does not download JSON-LD contexts. Publish "
                        "the catalogue with its context written in the document, or in RDF/XML "
                        "or Turtle (source option rdf_format). No dataset is withdrawn after an "
                        "incomplete harvest."
                    ).format(url=url, context=", ".join(remote[:3])),
                    harvest_job,
                )
                return None, None
        return content, content_type

    # -- gather: ckanext-dcat's, then unchanged records dropped ------------------------------
    def gather_stage(self, harvest_job):
        """ckanext-dcat's gather (pages, parsing, guids, withdrawals after a complete listing),
        then the harvest objects of records unchanged since their last import are dropped: a
        re-run of an unchanged catalogue queues nothing to fetch or import. Those records are
        counted « not modified » in the job report (``record_not_modified``: small objects
        without content, once the gather is committed)."""
        token = _paging.set(_Paging())
        try:
            ids = super().gather_stage(harvest_job)
        finally:
            _paging.reset(token)
        if not ids:
            ids = self._objects_of_pages_read(harvest_job) or ids
        if not ids:
            return ids
        source = harvest_job.source
        known = current_record_hashes(source.id)
        kept = []
        # their extras (a withdrawal's status) loaded with them, not one query per object
        objects = {obj.id: obj for obj in
                   model.Session.query(HarvestObject)
                   .options(sa_orm.selectinload(HarvestObject.extras))
                   .filter(HarvestObject.id.in_(ids))}
        listed: set[str] = set()
        duplicates: list[str] = []
        unchanged: list[str] = []
        for obj in (objects[i] for i in ids if i in objects):
            if self._get_object_extra(obj, STATUS_EXTRA) == "delete" or not obj.content:
                kept.append(obj.id)
                continue
            if obj.guid in listed:
                # listed on two Hydra pages (a catalogue that shifted while it was read):
                # the first is harvested, as by the other harvesters
                model.Session.delete(obj)
                duplicates.append(obj.guid)
                continue
            listed.add(obj.guid)
            try:
                parsed = json.loads(obj.content)
            except ValueError:
                kept.append(obj.id)  # the import stage reports it
                continue
            digest = record_hash(_canonical(_hashable(parsed)), "poitiers_dcat", source.config)
            if known.get(obj.guid) == digest:
                model.Session.delete(obj)
                unchanged.append(obj.guid)
                continue
            obj.extras.append(HarvestObjectExtra(key=RECORD_EXTRA, value=digest))
            kept.append(obj.id)
        model.Session.commit()
        for guid in dict.fromkeys(duplicates):
            self._save_gather_error(
                _(
                    "The identifier {guid} appears twice in the source; only its first record "
                    "is harvested."
                ).format(guid=guid),
                harvest_job,
            )
        record_not_modified(harvest_job, unchanged)
        kept_ids = set(kept)
        return [i for i in ids if i in kept_ids]

    @staticmethod
    def _objects_of_pages_read(harvest_job) -> list[str]:
        """The records of the pages read before a page failed.

        ckanext-dcat's gather writes the harvest objects of each page as it reads it, and gives
        nothing back when a later page fails (unreachable, not RDF…): those objects stayed
        waiting for a fetch that never came, and ckanext-harvest never marked the job finished
        (it waits until none of its objects is waiting), so the source could not be harvested
        again. They are harvested, as the other harvesters do after an incomplete listing, and
        nothing is withdrawn (ckanext-dcat marks withdrawals only after the last page)."""
        return [
            object_id for (object_id,) in model.Session.query(HarvestObject.id)
            .filter(HarvestObject.harvest_job_id == harvest_job.id)
            .filter(HarvestObject.state == "WAITING")
            .order_by(HarvestObject.gathered)
        ]

    # -- mapping -------------------------------------------------------------------------------
    def poitiers_dict(self, dataset: dict, source) -> tuple[dict, list[str]]:
        """(the dataset to write, French notes): the dataset without the addresses and the
        resources the schema refuses (``without_unusable_values``), the notes naming them, to
        store once the dataset is written."""
        cfg = self._settings(source)
        return without_unusable_values(
            apply_defaults(_schema_fields_only(mapping.map_dataset(dataset)), cfg))

    def modify_package_dict(self, package_dict, dcat_dict, harvest_object):
        # import_stage has just mapped this object's content to compare it with the previous
        # one; ckanext-dcat hands the same content, parsed again, to this method
        importing = _importing.get()
        if importing is not None and importing.harvest_object is harvest_object:
            mapped = importing.mapped
        else:
            mapped, _notes = self.poitiers_dict(package_dict, harvest_object.source)
        harvest_object.extras.append(
            HarvestObjectExtra(key=HASH_EXTRA, value=content_hash(_hashable(mapped)))
        )
        # an update: the policy of every Poitiers harvester for what the publisher edited
        # (docs/harvesters.md): ckanext-dcat would write the mapped dict as it is, emptying the
        # fields the mapping does not produce (purpose…) and ignoring « preserve_fields »
        existing = self._get_existing_dataset(harvest_object.guid)
        if existing:
            preserve = self._settings(harvest_object.source).get("preserve_fields") or []
            package = merge_local_edits(existing, mapped, preserve)
            # a record withdrawn earlier and published again brings its dataset back, as with
            # the other harvesters (ckanext-dcat would update it and leave it deleted)
            package["state"] = "active"
            return package
        return mapped

    def import_stage(self, harvest_object):
        deleting = self._get_object_extra(harvest_object, "status") == "delete"
        if deleting or not harvest_object.content:
            return super().import_stage(harvest_object)
        try:
            mapped, notes = self.poitiers_dict(json.loads(harvest_object.content),
                                               harvest_object.source)
        except (ValueError, KeyError, TypeError) as e:
            return self._refuse_record(harvest_object, e)
        previous = PoitiersHarvester._current_object(harvest_object)
        if previous is not None and previous.package_id:
            pkg = model.Package.get(previous.package_id)
            if (
                pkg is not None
                and pkg.state == "active"
                and self._get_object_extra(previous, HASH_EXTRA)
                == content_hash(_hashable(mapped))
            ):
                remember_record_hash(previous, harvest_object)
                model.Session.commit()
                return "unchanged"
        # ckanext-dcat flags "the" current object of the guid as no longer current, whatever
        # its source: this source's own is flagged here, another source's (another
        # organisation harvesting the same remote dataset) is hidden from that lookup and
        # stays the current object of its own source
        if previous is not None:
            previous.current = False
        others = (
            model.Session.query(HarvestObject)
            .filter(HarvestObject.guid == harvest_object.guid)
            .filter(HarvestObject.harvest_source_id != harvest_object.harvest_source_id)
            .filter(HarvestObject.current == True)  # noqa: E712
            .all()
        )
        for other in others:
            other.current = False
        model.Session.flush()
        token = _importing.set(_Importing(harvest_object, mapped))
        try:
            result = super().import_stage(harvest_object)
            if result is True:
                self._save_notes(harvest_object, notes)
            return result
        finally:
            _importing.reset(token)
            if others:
                if not model.Session.is_active:
                    model.Session.rollback()
                for other in others:
                    other.current = True
                model.Session.commit()

    def after_parsing(self, rdf_parser, harvest_job):
        """IDCATRDFHarvester: the number of datasets a Hydra page announces for the whole
        catalogue (``hydra:totalItems``), kept for :meth:`_mark_datasets_for_deletion`."""
        paging = _paging.get()
        if paging is not None and rdf_parser is not None:
            paging.announced = max([paging.announced, *announced_total(rdf_parser.g)])
        return rdf_parser, []

    def _mark_datasets_for_deletion(self, guids_in_source, harvest_job):
        """ckanext-dcat's withdrawals, without flagging another source's objects of the same
        guids as no longer current (its update is not limited to the source); none when the
        pages gave fewer distinct datasets than their ``hydra:totalItems`` announced (a
        catalogue that changed while its pages were read: a dataset moved onto a page already
        read is missed), as for the listing counts of Data Fair and udata."""
        paging = _paging.get()
        listed = len(set(guids_in_source))
        if paging is not None:
            try:
                PoitiersHarvester.check_listing_complete(harvest_job.source.url, listed,
                                                         paging.announced)
            except RemoteError as e:
                self._save_gather_error(incomplete_read(e, listed), harvest_job)
                return []
        source_id = harvest_job.source.id
        leaving = (
            model.Session.query(HarvestObject.guid)
            .filter(HarvestObject.harvest_source_id == source_id)
            .filter(HarvestObject.current == True)  # noqa: E712
            .all()
        )
        leaving = list({guid for (guid,) in leaving} - set(guids_in_source))
        others = [
            object_id for (object_id,) in model.Session.query(HarvestObject.id)
            .filter(HarvestObject.guid.in_(leaving))
            .filter(HarvestObject.harvest_source_id != source_id)
            .filter(HarvestObject.current == True)  # noqa: E712
        ] if leaving else []
        ids = super()._mark_datasets_for_deletion(guids_in_source, harvest_job)
        if others:
            model.Session.query(HarvestObject).filter(HarvestObject.id.in_(others)).update(
                {"current": True}, synchronize_session=False)
            model.Session.commit()
        return ids

    def _get_existing_dataset(self, guid):
        """ckanext-dcat's, read with the harvest's rights: it asks ``package_show`` as an
        anonymous visitor, so a harvested dataset its publisher made private raised
        NotAuthorized out of the import (the fetch consumer stopped, the record was never
        updated again).

        Read once per import: ``modify_package_dict`` reads it to keep the publisher's edits,
        then ckanext-dcat's ``import_stage`` asks for it again (its name, id and resources),
        with nothing written in between; the second call gets the dataset the first read."""
        importing = _importing.get()
        if importing is not None and importing.existing_guid == guid:
            return importing.existing
        datasets = self._read_datasets_from_db(guid)
        existing = None
        if datasets:
            existing = toolkit.get_action("package_show")({"ignore_auth": True},
                                                          {"id": datasets[0][0]})
        if importing is not None:
            importing.existing_guid, importing.existing = guid, existing
        return existing

    def _read_datasets_from_db(self, guid):
        """The dataset of ``guid`` that this source harvested, if any, active or withdrawn (the
        latest first). ckanext-dcat looks the guid up across the whole portal: a catalogue
        naming the dataset URI of another organisation's harvested dataset would have the
        harvest rewrite that dataset and move it into the source's organisation; another
        source's dataset of the same guid is not this source's, the record becomes a dataset of
        its own. And on CKAN 2.11 ckanext-dcat finds active datasets only: a record withdrawn
        and published again became a second dataset instead of bringing its own back (as on
        CKAN 2.12 and with the other harvesters). Read from this source's harvest objects."""
        importing = _importing.get()
        if importing is None:
            return []
        rows = (
            record_objects(importing.harvest_object.harvest_source_id, guid)
            .with_entities(HarvestObject.package_id)
            .join(model.Package, model.Package.id == HarvestObject.package_id)
            .filter(model.Package.state.in_(("active", "deleted")))
        )
        return [(package_id,) for package_id in dict.fromkeys(row[0] for row in rows)]


def announced_total(graph) -> list[int]:
    """The ``hydra:totalItems`` of a page's graph that are whole numbers (others ignored)."""
    totals = []
    for value in graph.objects(None, HYDRA.totalItems):
        text = str(value).strip() if isinstance(value, Literal) else ""
        if text.isascii() and text.isdigit() and len(text) <= 18:
            totals.append(int(text))
    return totals


def is_json_ld(rdf_format: str | None) -> bool:
    """Whether rdflib parses ``rdf_format`` (as ckanext-dcat names it) with its JSON-LD parser."""
    try:
        parser = rdflib.plugin.get(url_to_rdflib_format(rdf_format) or "", Parser)
    except PluginException:
        return False
    return issubclass(parser, JsonLDParser)


def remote_jsonld_references(text: str) -> list[str]:
    """The contexts a JSON-LD document would have rdflib download: every ``@context`` that is
    a string or a list holding strings (at the top, in a node or in a term definition) and
    every ``@import``. Empty for a document whose contexts are all written inline, and for
    text that is not JSON (the parser reports it without downloading anything)."""
    try:
        document = json.loads(text)
    except ValueError:
        return []
    found: list[str] = []
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(value)
            continue
        if not isinstance(value, dict):
            continue
        for key, item in value.items():
            if key == "@context":
                for context in item if isinstance(item, list) else [item]:
                    if isinstance(context, str):
                        found.append(context)
            elif key == "@import":
                found.append(item if isinstance(item, str) else json.dumps(item))
            if isinstance(item, (dict, list)):
                stack.append(item)
    return list(dict.fromkeys(found))


@dataclasses.dataclass
class _Paging:
    """What the pages of the gather in progress announced: the largest ``hydra:totalItems``."""

    announced: int = 0


_paging: contextvars.ContextVar[_Paging | None] = contextvars.ContextVar(
    "poitiers_dcat_paging", default=None)


@dataclasses.dataclass
class _Importing:
    """The record import_stage is importing: its harvest object, the dict it mapped (for
    modify_package_dict) and, once read, the dataset it updates (None: a new dataset)."""

    harvest_object: HarvestObject
    mapped: dict
    existing_guid: str | None = None
    existing: dict | None = None


_importing: contextvars.ContextVar[_Importing | None] = contextvars.ContextVar(
    "poitiers_dcat_importing", default=None)


# keys CKAN accepts on a dataset besides the fields of the dataset schema
CORE_KEYS = frozenset({"id", "name", "type", "owner_org", "private", "state", "tags", "extras",
                       "resources", "groups"})


def _schema_fields_only(package: dict) -> dict:
    """Leave out what ckanext-dcat parsed but our dataset schema has no field for (creator,
    qualified relations…): CKAN 2.11 refuses such keys, 2.12 drops them silently."""
    schema = toolkit.get_action("scheming_dataset_schema_show")(
        {"ignore_auth": True}, {"type": package.get("type") or "dataset"})
    known = CORE_KEYS | {f["field_name"] for f in schema["dataset_fields"]}
    return {k: v for k, v in package.items() if k in known}


def _canonical(value):
    """``value`` with its lists in a fixed order: RDF graphs are sets, and the order in which
    a parse lists keywords or distributions may differ from one process to the next."""
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_canonical(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False,
                                                      default=str))
    return value


def _hashable(mapped: dict) -> dict:
    """The mapped dict without what changes at each parse: the name taken at gather time, and
    the identifiers rdflib gives blank nodes (``N`` and 32 hex digits, new at each parse), which
    ckanext-dcat copies into some values (``access_service_ref``, a provenance statement
    without label)."""
    return _without_blank_nodes({k: v for k, v in mapped.items() if k not in ("name",)})


def _without_blank_nodes(value):
    if isinstance(value, str):
        return mapping.BLANK_NODE.sub("_:", value)
    if isinstance(value, dict):
        return {k: _without_blank_nodes(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_blank_nodes(v) for v in value]
    return value
