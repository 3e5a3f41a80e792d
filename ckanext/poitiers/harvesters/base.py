"""What every Poitiers harvester shares, on ckanext-harvest's gather → fetch → import stages.

A subclass declares its options (``options``), lists the remote records (``list_records``),
names each with a stable guid (``record_guid``) and maps a record to a dataset dict with a pure
function (``map_record``). This base then:

* validates the source configuration with French messages;
* reads the source through :class:`~ckanext.poitiers.harvesters.http.HttpClient` (timeouts,
  retries, size cap, SSRF guard);
* skips duplicate guids (first occurrence wins, the others are reported);
* withdraws (``package_delete``) the datasets whose record left the source **only** when the
  listing of the source completed without error: after a failed or partial gather nothing is
  withdrawn;
* writes a dataset only when its mapped content changed (sha256 of the mapped dict, kept on the
  harvest object): a re-run of an unchanged source writes no dataset, and its job report counts
  the records « not modified » (:func:`record_not_modified`);
* gives new datasets a name that does not clash with any existing one, and never renames;
* keeps what publishers edit locally (see ``docs/harvesters.md``): fields the mapping does not
  produce are never touched, fields listed in the source option ``preserve_fields`` keep their
  local value once set;
* stores per-record errors as harvest object errors, in French;
* on CKAN 2.12, indexes a new dataset without asking Solr for a commit of its own (a hard
  commit per dataset is a large part of the cost of ``package_create``): Solr commits at most every
  ``SEARCH_COMMIT_EVERY`` seconds of an import, and at the end of the harvest job (ckanext-harvest
  reindexes the source with a commit); ``ckan.search.solr_commit = false`` leaves every commit
  to Solr's own auto commit.
"""
from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import logging
import time
import uuid
from collections.abc import Iterator

import sqlalchemy as sa
from ckan import logic as ckan_logic
from ckan import model
from ckan.lib import search
from ckan.lib.munge import munge_name
from ckan.plugins import toolkit

from ckanext.harvest.harvesters.base import HarvesterBase
from ckanext.harvest.model import HarvestObject, HarvestObjectExtra
from ckanext.poitiers import vocabularies
from ckanext.poitiers.harvesters import config as source_config
from ckanext.poitiers.harvesters import creation
from ckanext.poitiers.harvesters.common_mapping import (
    AddressField,
    usable_addresses,
    usable_resources,
)
from ckanext.poitiers.harvesters.http import HttpClient, HttpSettings, RemoteError
from ckanext.poitiers.harvesters.i18n import N_, _, default_locale, ngettext, number
from ckanext.poitiers.rules import web_address_fault
from ckanext.poitiers.validators import ADDRESS_VALIDATORS, url_schemes

log = logging.getLogger(__name__)

HASH_EXTRA = "poitiers_content_hash"
# hash of the remote record as listed (with the mapping version and the source configuration):
# a record whose hash equals the one of its current harvest object is skipped at gather time
RECORD_EXTRA = "poitiers_record_hash"
MAPPING_VERSION = "6"  # bump when a mapping changes, so that unchanged records are mapped again
# a fetch step that half-failed (e.g. GTFS facts unreadable) lists its French messages here:
# they are stored as errors of the record, and the record is still imported
WARNINGS_KEY = "_poitiers_warnings"
# a fetch step that failed for a reason that may not last (a file server down) sets this key: the
# record is imported, and read again at the next harvest even when its listing did not change
RETRY_KEY = "_poitiers_retry"
GRAND_POITIERS = "200069854"
UNKNOWN_FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/UNKNOWN"
STATUS_EXTRA = "status"
# CKAN 2.12's package_create does not index when the context defers the commit, so that the
# caller indexes itself; CKAN 2.11 indexes at the database commit, with a Solr commit each time
DEFERRED_INDEXING = hasattr(ckan_logic, "index_update_package") and toolkit.check_ckan_version(
    min_version="2.12.0b0"
)
GATHER_BATCH = 100  # harvest objects written per database commit at gather time
NOT_MODIFIED_BATCH = 1000  # « not modified » report objects written per INSERT statement
SEARCH_COMMIT_EVERY = 10.0  # seconds between two Solr commits during an import

COMMON_OPTIONS = {
    "preserve_fields": source_config.Option(list, default=[], help=N_(
        "Fields that keep the value a publisher gave them on the portal once it is filled in "
        "(e.g. [\"notes\"]): the harvest no longer overwrites them.")),
    # what the Poitiers schema requires and a source may not say
    "default_communes": source_config.Option(
        list, default=[GRAND_POITIERS], vocabulary="communes", help=N_(
            "INSEE codes of communes (or 200069854, Grand Poitiers as a whole) given to a "
            "dataset whose record names no commune of the portal.")),
    "default_frequency": source_config.Option(
        str, default=UNKNOWN_FREQUENCY, vocabulary="frequencies", help=N_(
            "Update frequency of a dataset whose record gives none: a code of the EU "
            "vocabulary (e.g. MONTHLY) or of data.gouv.fr (e.g. monthly).")),
    "default_personal_data": source_config.Option(
        str, default="none", choices=tuple(vocabularies.values("personal_data")), help=N_(
            "Whether the harvested datasets hold personal data.")),
    # Poitiers sub-themes of the datasets whose record gives no theme we recognise
    "default_themes": source_config.Option(
        list, default=[], choices=tuple(vocabularies.values("poitiers_themes")), help=N_(
            "Poitiers themes (e.g. [\"mobilite\"]) given to a dataset whose record gives no "
            "theme the portal recognises.")),
}
# the page size of the catalogues that page (Data Fair, udata)
PAGE_SIZE_OPTION = source_config.Option(int, default=100, minimum=1, maximum=1000, help=N_(
    "Datasets asked for at each request."))
DEFAULTED_FIELDS = {
    "communes": "default_communes",
    "frequency": "default_frequency",
    "personal_data": "default_personal_data",
}


def apply_defaults(mapped: dict, config: dict) -> dict:
    """Fill what the Poitiers schema requires and the record left empty, from source options."""
    for field, option in DEFAULTED_FIELDS.items():
        if not mapped.get(field) and config.get(option):
            mapped[field] = config[option]
    if not mapped.get("theme") and not mapped.get("poitiers_theme") and config.get(
        "default_themes"
    ):
        mapped["poitiers_theme"] = list(config["default_themes"])
    return mapped


def without_unusable_resources(mapped: dict) -> tuple[dict, list[str]]:
    """A mapped dataset without the resources whose address the dataset schema refuses
    (``common_mapping.usable_resources`` with CKAN's ``ckan.valid_url_schemes``), so that the
    dataset is imported with its other resources, and the French notes naming them, to store
    as errors of the record once the dataset is written. ``mapped`` is not changed (returned
    as it is when every resource is kept)."""
    if not mapped.get("resources"):
        return mapped, []
    kept, notes = usable_resources(mapped["resources"], url_schemes())
    if not notes:
        return mapped, []
    return {**mapped, "resources": kept}, notes


REQUIRING_VALIDATORS = frozenset({"not_empty", "poitiers_required"})


def address_fields(dataset_type: str = "dataset") -> list[AddressField]:
    """The address fields of ckanext-scheming's schema of ``dataset_type``: the fields and
    repeating subfields checked by an address validator (``ADDRESS_VALIDATORS`` of
    ``validators.py``: ``poitiers_url``, ``poitiers_email``), named by their labels in the
    portal's default language (« Éditeur › Site web », see :func:`schema_labels`); [] without
    such a schema.

    Read for every imported record: worked out once per loaded schema and language
    (:data:`_ADDRESS_FIELDS`, keyed by dataset type and language, valid while the schema
    ckanext-scheming gives is the same object; a schema loaded again is read again)."""
    from ckanext.scheming.helpers import scheming_get_dataset_schema

    try:
        schema = scheming_get_dataset_schema(dataset_type)
    except Exception:  # noqa: BLE001 - without a schema, the schema itself will say it
        log.warning("No scheming schema for %s: no address field checked", dataset_type)
        return []
    if not schema:
        return []
    key = (dataset_type, default_locale())
    cached = _ADDRESS_FIELDS.get(key)
    if cached is None or cached[0] is not schema:
        cached = _ADDRESS_FIELDS[key] = (schema, schema_address_fields(schema, dataset_type))
    return list(cached[1])


# (dataset type, language) → (the schema read, its address fields): the schema is kept, so that
# its identity is not given to another object while the entry lives
_ADDRESS_FIELDS: dict[tuple[str, str], tuple[dict, tuple[AddressField, ...]]] = {}


def schema_address_fields(schema: dict, dataset_type: str) -> tuple[AddressField, ...]:
    """The address fields of ``schema``, the scheming schema of ``dataset_type``: see
    :func:`address_fields`."""
    labels = schema_labels(dataset_type)
    found = []
    for field in schema.get("dataset_fields") or []:
        name = field.get("field_name")
        label, sublabels = labels.get(name, (name, {}))
        for sub in field.get("repeating_subfields") or [None]:
            checked = sub or field
            validators = str(checked.get("validators") or "").split()
            kind = next((ADDRESS_VALIDATORS[v] for v in validators if v in ADDRESS_VALIDATORS),
                        None)
            if not name or kind is None or (sub is not None and not sub.get("field_name")):
                continue
            subname = sub["field_name"] if sub is not None else None
            words = label if sub is None else _("{field} › {subfield}").format(
                field=label, subfield=sublabels.get(subname, subname))
            required = bool(checked.get("required")) or bool(
                REQUIRING_VALIDATORS & set(validators))
            found.append(AddressField(name, subname, kind, words, required))
    return tuple(found)


def without_unusable_addresses(mapped: dict) -> tuple[dict, list[str]]:
    """A mapped dataset with the addresses the dataset schema refuses left empty (source page,
    publisher's and contact's websites, URIs and emails: ``common_mapping.usable_addresses``
    on :func:`address_fields`), so that the dataset is imported with everything else, and the
    French notes naming them, to store as errors of the record once the dataset is written.
    ``mapped`` is not changed (returned as it is when every address is kept)."""
    kept, notes = usable_addresses(mapped, address_fields(mapped.get("type") or "dataset"))
    return (kept, notes) if notes else (mapped, [])


def without_unusable_values(mapped: dict) -> tuple[dict, list[str]]:
    """:func:`without_unusable_addresses` then :func:`without_unusable_resources`: the dataset
    to write and the notes of both, before the content hash (the hash is the one of what is
    written). ``mapped`` is not changed."""
    package, address_notes = without_unusable_addresses(mapped)
    package, resource_notes = without_unusable_resources(package)
    return package, address_notes + resource_notes


def unexpected_shape(error: Exception) -> str:
    """French words for a Python error met while reading a record (a field of another type
    than the harvester expects, which no check named): the job goes on."""
    return _("its content is not in the shape the harvester reads ({error}).").format(
        error=type(error).__name__)


def incomplete_read(error: Exception, read: int) -> str:
    """The French gather error of a listing that could not be read completely (``read``
    records read before ``error``): nothing is withdrawn after it."""
    return ngettext(
        "The source could not be read completely: {error} No dataset is withdrawn "
        "after an incomplete harvest; {count} record read before the failure is "
        "updated.",
        "The source could not be read completely: {error} No dataset is withdrawn "
        "after an incomplete harvest; {count} records read before the failure are "
        "updated.",
        read,
    ).format(error=error, count=number(read))


class Notice(str):
    """What ``list_records`` may yield besides records: a French message about the source,
    stored as a gather error, that does not make the listing incomplete (an agenda gone from
    the source, say: its dataset is withdrawn)."""


class MappingError(ValueError):
    """A remote record cannot become a dataset; the message is French."""


def record_hash(record: dict, harvester: str, config_text: str | None) -> str:
    canonical = json.dumps([MAPPING_VERSION, harvester, config_text or "", record],
                           sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def content_hash(package_dict: dict) -> str:
    canonical = json.dumps(package_dict, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def format_validation_error(error_dict: dict, labels: dict | None = None) -> str:
    """CKAN's validation errors as « Champ : message | … », with the schema's labels
    (``labels``: field name → (label, {subfield name: label}), see :func:`schema_labels`);
    the errors of repeating subfields (« Couverture temporelle : Fin : … ») included."""
    labels = labels or {}

    def labelled(label, error: str) -> str:
        return _("{label}: {error}").format(label=label, error=error)

    # « a ; b » in French: the separator the catalogue writes between two items
    separator = _("{first}; {second}").format(first="", second="")

    def listed(texts: list[str]) -> str:
        return separator.join(texts)

    def text(value, sub: dict) -> str:
        if isinstance(value, dict):
            return listed([labelled(sub.get(k, k), text(v, {})) for k, v in value.items() if v])
        if isinstance(value, (list, tuple)):
            return listed([t for t in (text(v, sub) for v in value) if t])
        return str(value)

    parts = []
    for field, messages in sorted(error_dict.items()):
        label, sub = labels.get(field, (field, {}))
        parts.append(labelled(label, text(messages, sub)))
    return " | ".join(parts)


def schema_labels(dataset_type: str) -> dict[str, tuple[str, dict[str, str]]]:
    """The labels of the fields (and repeating subfields) of ckanext-scheming's schema of
    ``dataset_type``, in the portal's default language; {} without such a schema."""
    from ckanext.scheming.helpers import scheming_get_dataset_schema

    lang = default_locale()
    try:
        schema = scheming_get_dataset_schema(dataset_type) or {}
    except Exception:  # noqa: BLE001 - an error message is still written without labels
        log.warning("No scheming schema for %s: field names in the message", dataset_type)
        return {}

    def label(field: dict) -> str:
        return vocabularies.text(field.get("label") or field["field_name"], lang)

    return {
        field["field_name"]: (
            label(field),
            {sub["field_name"]: label(sub) for sub in field.get("repeating_subfields") or []},
        )
        for field in schema.get("dataset_fields") or []
        if field.get("field_name")
    }


def current_record_hashes(source_id: str) -> dict[str, str]:
    """guid → record hash of the current harvest objects of a source whose dataset is active."""
    rows = (
        model.Session.query(HarvestObject.guid, HarvestObjectExtra.value)
        .join(HarvestObjectExtra, HarvestObjectExtra.harvest_object_id == HarvestObject.id)
        .join(model.Package, model.Package.id == HarvestObject.package_id)
        .filter(HarvestObject.current == True)  # noqa: E712
        .filter(HarvestObject.harvest_source_id == source_id)
        .filter(HarvestObjectExtra.key == RECORD_EXTRA)
        .filter(model.Package.state == "active")
    )
    return dict(rows)


def record_objects(source_id: str, guid: str):
    """The harvest objects of the record ``guid`` of one source (a query, to narrow), the
    current one first, then the latest gathered: what the look-ups of a record's current
    object, of its previous one (``PoitiersHarvester._previous_object``) and of its dataset
    (the DCAT harvester's ``_read_datasets_from_db``) read. Objects of another source with the
    same guid (another organisation harvesting the same remote dataset) are never among them."""
    return (
        model.Session.query(HarvestObject)
        .filter(HarvestObject.guid == guid)
        .filter(HarvestObject.harvest_source_id == source_id)
        .order_by(HarvestObject.current.desc().nullslast(), HarvestObject.gathered.desc())
    )


def record_not_modified(harvest_job, guids: list[str]) -> int:
    """The job report's « not modified » records: one small harvest object per record skipped at
    gather time because it did not change (``guids``), as a stock ckanext-harvest harvester
    reports an unchanged record. State COMPLETE (the job finishes without waiting for them, at
    the time of its last import or of its gather), no content, no extra, never current, and no
    ``package_id``: the look-ups of a record's current or previous object and of the hashes
    (:func:`current_record_hashes`, ``_previous_object``, the withdrawals) read current objects
    or objects with a dataset, so they never see these. Never queued; no ``import_finished``,
    so that the job's end time stays the one of its last real import.

    Written in one transaction, one INSERT per ``NOT_MODIFIED_BATCH`` records, after everything
    else of the gather is committed. A report only: when the database refuses them, nothing is
    written, the harvest is as it would be without them and a line is logged. The number
    written."""
    if not guids:
        return 0
    now = datetime.datetime.utcnow()
    rows = [
        {"id": str(uuid.uuid4()), "guid": guid, "harvest_job_id": harvest_job.id,
         "harvest_source_id": harvest_job.source_id, "state": "COMPLETE",
         "report_status": "not modified", "current": False, "gathered": now, "retry_times": 0}
        for guid in guids
    ]
    insert = sa.insert(HarvestObject.__table__)
    try:
        for start in range(0, len(rows), NOT_MODIFIED_BATCH):
            model.Session.execute(insert, rows[start:start + NOT_MODIFIED_BATCH])
        model.Session.commit()
    except Exception:  # noqa: BLE001 - a report only: never fails nor changes the harvest
        model.Session.rollback()
        log.exception("« Not modified » records of harvest job %s not recorded (%d records)",
                      harvest_job.id, len(rows))
        return 0
    return len(rows)


def add_object_extra(harvest_object, key: str, value: str) -> None:
    """A new extra of a harvest object, without loading its extras for nothing: appended to
    ``harvest_object.extras`` when this session loaded them (so that they stay true), else
    added to the session."""
    extra = HarvestObjectExtra(harvest_object_id=harvest_object.id, key=key, value=value)
    if "extras" in sa.inspect(harvest_object).unloaded:
        model.Session.add(extra)
    else:
        harvest_object.extras.append(extra)


def remember_record_hash(previous, harvest_object) -> None:
    """A record changed but not its dataset: keep the new record hash on the current object, so
    that the next gather skips the record."""
    digest = next((e.value for e in harvest_object.extras if e.key == RECORD_EXTRA), None)
    if not digest:
        return
    for extra in previous.extras:
        if extra.key == RECORD_EXTRA:
            extra.value = digest
            return
    previous.extras.append(HarvestObjectExtra(key=RECORD_EXTRA, value=digest))


class RecordErrors:
    """What the Poitiers harvesters (ours and the DCAT subclass) say about a refused record,
    and about a record imported without some of its resources."""

    def _save_notes(self, harvest_object, notes: list[str]) -> None:
        """Errors of a record whose dataset was written anyway (resources left out): shown on
        the job report and counted in its « errored » figure, as ckanext-harvest does for an
        object imported with errors."""
        for note in notes:
            self._save_object_error(
                _("Record {guid}: {error}").format(guid=harvest_object.guid, error=note),
                harvest_object,
                "Import",
            )

    def _refuse_record(self, harvest_object, error) -> bool:
        self._save_object_error(
            _("Record {guid} cannot become a dataset: {error}").format(
                guid=harvest_object.guid, error=error
            ),
            harvest_object,
            "Import",
        )
        return False


class PoitiersHarvester(RecordErrors, HarvesterBase):
    """Abstract: subclasses set NAME/TITLE/DESCRIPTION and implement the three hooks."""

    def __new__(cls, *args, **kwargs):
        # CKAN's SingletonPlugin keeps one instance per class but finds it with hasattr, so a
        # subclass of a loaded harvester (dcat_rdf_harvester) would get its parent's instance
        if "_instance" not in cls.__dict__:
            cls._instance = object.__new__(cls)
        return cls._instance

    NAME = ""
    TITLE = ""
    DESCRIPTION = ""
    options: dict[str, source_config.Option] = {}
    # every download goes through HttpClient (SSRF guard): see harvesters/source_guard.py
    guarded_downloads = True

    # -- hooks -------------------------------------------------------------------------------
    def list_records(self, client: HttpClient, source_url: str, config: dict) -> Iterator[dict]:
        """Yield every remote record of the source; raise RemoteError when the source fails."""
        raise NotImplementedError

    def record_guid(self, record: dict, source_url: str, config: dict) -> str | None:
        raise NotImplementedError

    def fetch_record(
        self, client: HttpClient, record: dict, config: dict, previous: dict | None
    ) -> dict:
        """Complete a listed record (detail call, file facts…). Default: nothing to add.

        ``previous`` is the record as fetched at the last successful import (or None), so that
        a costly step can be skipped when its input did not change."""
        return record

    def with_defaults(self, mapped: dict, config: dict) -> dict:
        """Fill the fields the schema requires and the record left empty (source options)."""
        return apply_defaults(mapped, config)

    def map_record(self, record: dict, source_url: str, config: dict) -> dict:
        """The dataset dict of a record (pure function of the mapping module)."""
        raise NotImplementedError

    def content_view(self, mapped: dict, record: dict) -> dict:
        """What the content hash reads of the dataset mapped from ``record`` (a dataset is
        written only when that hash changes). Default: all of it. A harvester may read a value
        that moves without anything worth a write less finely (Data Fair: the data date of a
        dataset updated continuously, to the day); the dataset written is ``mapped`` itself."""
        return mapped

    # -- helpers of the subclasses -----------------------------------------------------------
    def parsed_config(self, config_text: str | None) -> dict:
        """The source configuration with every option (defaults filled), checked by
        :meth:`check_settings` (``ConfigError``, French)."""
        settings = source_config.parse(config_text, self.all_options())
        self.check_settings(settings)
        return settings

    def check_settings(self, settings: dict) -> None:
        """Checks that involve several options or what they would do (``ConfigError``,
        French): run when a source is saved (``validate_config``) and, for a source saved
        before them or written to the database directly, when a process first reads its
        settings (``source_settings``: the gather ends with a French error, nothing withdrawn).
        """

    @staticmethod
    def json_records(client: HttpClient, url: str, key: str, not_a_list: str,
                     params: dict | None = None, strict: bool = False) -> tuple[dict, list[dict]]:
        """One page of a JSON listing: the body and its records (the objects of the list under
        ``key``; with ``strict``, an item that is not an object makes the whole answer
        unreadable). ``not_a_list`` (French, with ``{url}``) when the answer has another
        shape."""
        body = client.get_json(url, params=params)
        items = body.get(key) if isinstance(body, dict) else None
        if not isinstance(items, list) or (
                strict and not all(isinstance(item, dict) for item in items)):
            raise RemoteError(not_a_list.format(url=url), url)
        return body, [record for record in items if isinstance(record, dict)]

    @staticmethod
    def check_listing_complete(url: str, listed: int, announced: int) -> None:
        """Raise RemoteError (French) when a paged listing gave fewer records than the source
        announced (the largest total of its pages): a dataset deleted on the portal while its
        pages are read shifts the next pages by one, and the record that moved onto a page
        already read is never seen. Such a listing is incomplete: nothing is withdrawn."""
        if listed < announced:
            raise RemoteError(
                _(
                    "{url} announced {announced} datasets but listed {listed}: the catalogue "
                    "changed while it was read."
                ).format(url=url, announced=number(announced), listed=number(listed)),
                url,
            )

    @staticmethod
    def mapped(mapping_function, *args, errors: type[ValueError] = ValueError) -> dict:
        """``mapping_function(*args)``, its ``errors`` raised again as :class:`MappingError`."""
        try:
            return mapping_function(*args)
        except MappingError:
            raise
        except errors as e:
            raise MappingError(str(e)) from e

    @staticmethod
    def _get_object_extra(harvest_object, key: str):
        for extra in harvest_object.extras:
            if extra.key == key:
                return extra.value
        return None

    @classmethod
    def _is_withdrawal(cls, harvest_object) -> bool:
        """An object of ``_mark_withdrawals``: no content, status ``delete``. A gathered record
        always has content, so its extras are not loaded for this."""
        return not harvest_object.content and (
            cls._get_object_extra(harvest_object, STATUS_EXTRA) == "delete"
        )

    # -- IHarvester --------------------------------------------------------------------------
    def info(self):
        return {"name": self.NAME, "title": _(self.TITLE), "description": _(self.DESCRIPTION)}

    def all_options(self) -> dict:
        return {**COMMON_OPTIONS, **self.options}

    def validate_config(self, config):
        text = source_config.validate(config, self.all_options())
        self.parsed_config(text)  # check_settings
        return text

    def source_settings(self, source) -> dict:
        key = (source.id, source.config)
        cache = self.__dict__.setdefault("_settings_cache", {})
        if key not in cache:
            if len(cache) > 100:
                cache.clear()
            cache[key] = self.parsed_config(source.config)
        return dict(cache[key])

    def make_client(self) -> HttpClient:
        return HttpClient(HttpSettings.from_config())

    def get_original_url(self, harvest_object_id):
        obj = model.Session.get(HarvestObject, harvest_object_id)
        if not obj or not obj.content:
            return None
        try:
            record = json.loads(obj.content)
            url = self.map_record(record, obj.source.url, self.source_settings(obj.source)).get(
                "url"
            )
        except Exception:  # noqa: BLE001 - a link on a report page, never an error
            return None
        # the job report makes it a link: never a javascript: address or one the schema refuses
        return url if isinstance(url, str) and not web_address_fault(url) else None

    # -- gather ------------------------------------------------------------------------------
    def gather_stage(self, harvest_job):
        source = harvest_job.source
        try:
            cfg = self.source_settings(source)
        except source_config.ConfigError as e:
            self._save_gather_error(_("Invalid source configuration: {error}").format(error=e),
                                    harvest_job)
            return []
        client = self.make_client()
        known = current_record_hashes(source.id)
        seen: set[str] = set()  # the guids of the source, to detect duplicates and withdrawals
        unchanged: list[str] = []  # reported « not modified » once the gather is written
        ids: list[str] = []
        pending: list[HarvestObject] = []

        def save_pending():
            # harvest objects are written page by page, so that memory does not grow with the
            # size of the source; their ids are given here (reading them back after the commit
            # would reload each object)
            model.Session.add_all(pending)
            model.Session.commit()
            pending.clear()

        def not_recorded(error: Exception) -> None:
            # the database refused the harvest objects of a page: the job goes on with the pages
            # already written, as after an incomplete listing (nothing withdrawn)
            model.Session.rollback()
            log.exception("Harvest objects of job %s not recorded", harvest_job.id)
            del ids[len(ids) - len(pending):]
            pending.clear()
            self._save_gather_error(
                _(
                    "The records of the source could not be recorded ({error}); no dataset is "
                    "withdrawn this time and the next harvest reads the source again."
                ).format(error=type(error).__name__),
                harvest_job,
            )

        complete = True
        try:
            for record in self.list_records(client, source.url, cfg):
                if isinstance(record, Notice):
                    self._save_gather_error(str(record), harvest_job)
                    continue
                guid = self.record_guid(record, source.url, cfg)
                if not guid:
                    self._save_gather_error(
                        _("A record of the source has no identifier; it is ignored."), harvest_job
                    )
                    continue
                if guid in seen:
                    self._save_gather_error(
                        _(
                            "The identifier {guid} appears twice in the source; only its first "
                            "record is harvested."
                        ).format(guid=guid),
                        harvest_job,
                    )
                    continue
                seen.add(guid)
                digest = record_hash(record, self.NAME, source.config)
                if known.get(guid) == digest:
                    # same record, same mapping, same configuration: nothing to fetch or write
                    unchanged.append(guid)
                    continue
                obj = HarvestObject(
                    id=str(uuid.uuid4()), guid=guid, job=harvest_job, content=json.dumps(record),
                    extras=[HarvestObjectExtra(key=RECORD_EXTRA, value=digest)],
                )
                pending.append(obj)
                ids.append(obj.id)
                if len(pending) >= GATHER_BATCH:
                    save_pending()
        except RemoteError as e:
            complete = False
            self._save_gather_error(incomplete_read(e, len(seen)), harvest_job)
        except sa.exc.SQLAlchemyError as e:
            complete = False
            not_recorded(e)
        finally:
            client.close()
        try:
            save_pending()
        except sa.exc.SQLAlchemyError as e:
            complete = False
            not_recorded(e)
        if complete:
            ids.extend(self._mark_withdrawals(seen, harvest_job))
        record_not_modified(harvest_job, unchanged)
        return ids

    def _mark_withdrawals(self, guids_in_source: set, harvest_job) -> list[str]:
        """Harvest objects flagged for deletion for the datasets whose record left the source.

        Written in one transaction: every withdrawal of the job or, when the database refuses
        one, none of them (a gather error says so, and the next run tries again)."""
        source_id = harvest_job.source.id
        current = (
            model.Session.query(HarvestObject.guid, HarvestObject.package_id)
            .filter(HarvestObject.current == True)  # noqa: E712
            .filter(HarvestObject.harvest_source_id == source_id)
        )
        gone = [(guid, package_id) for guid, package_id in current
                if guid not in guids_in_source]
        if not gone:
            return []
        objects = [
            HarvestObject(
                id=str(uuid.uuid4()),
                guid=guid,
                job=harvest_job,
                package_id=package_id,
                extras=[HarvestObjectExtra(key=STATUS_EXTRA, value="delete")],
            )
            for guid, package_id in gone
        ]
        try:
            guids = [guid for guid, _package_id in gone]
            for start in range(0, len(guids), 1000):  # one UPDATE per thousand records
                model.Session.query(HarvestObject).filter(
                    HarvestObject.harvest_source_id == source_id,
                    HarvestObject.guid.in_(guids[start:start + 1000]),
                ).update({"current": False}, synchronize_session=False)
            model.Session.add_all(objects)
            model.Session.commit()
        except sa.exc.SQLAlchemyError as e:
            log.exception("Withdrawals of source %s not recorded", source_id)
            model.Session.rollback()
            self._save_gather_error(
                _(
                    "The datasets whose record left the source could not be marked for "
                    "withdrawal ({error}); none is withdrawn this time."
                ).format(error=type(e).__name__),
                harvest_job,
            )
            return []
        return [obj.id for obj in objects]

    # -- fetch -------------------------------------------------------------------------------
    def fetch_stage(self, harvest_object):
        if type(self).fetch_record is PoitiersHarvester.fetch_record:
            return True  # the listing carried the whole record
        if self._is_withdrawal(harvest_object):
            return True
        try:
            cfg = self.source_settings(harvest_object.source)
            record = json.loads(harvest_object.content)
            previous = self._current_object(harvest_object)
            previous_record = (
                json.loads(previous.content) if previous and previous.content else None
            )
            client = self.make_client()
            try:
                completed = self.fetch_record(client, record, cfg, previous_record)
            finally:
                client.close()
        except (RemoteError, MappingError) as e:
            self._save_object_error(
                _("Record {guid}: {error}").format(guid=harvest_object.guid, error=e),
                harvest_object,
                "Fetch",
            )
            return False
        except Exception as e:  # noqa: BLE001 - one record never stops the others
            log.exception("Fetch of %s failed", harvest_object.guid)
            self._save_object_error(
                _("Record {guid}: {error}").format(
                    guid=harvest_object.guid, error=unexpected_shape(e)),
                harvest_object,
                "Fetch",
            )
            return False
        if completed.pop(RETRY_KEY, False):
            # without its record hash the object is not "unchanged" for the next gather
            harvest_object.extras = [
                e for e in harvest_object.extras if e.key != RECORD_EXTRA
            ]
        for warning in completed.pop(WARNINGS_KEY, []):
            self._save_object_error(
                _("Record {guid}: {error}").format(guid=harvest_object.guid, error=warning),
                harvest_object,
                "Fetch",
            )
        harvest_object.content = json.dumps(completed)
        harvest_object.save()
        return True

    # -- import ------------------------------------------------------------------------------
    def _context(self) -> dict:
        return {"user": self._get_user_name(), "ignore_auth": True, "model": model,
                "session": model.Session}

    @staticmethod
    def _current_object(harvest_object):
        return record_objects(harvest_object.harvest_source_id, harvest_object.guid).filter(
            HarvestObject.current == True  # noqa: E712
        ).first()

    @staticmethod
    def _previous_object(harvest_object):
        """The current object of the record; else, for a record withdrawn earlier and published
        again, its latest other object that had a dataset (one query for both)."""
        return (
            record_objects(harvest_object.harvest_source_id, harvest_object.guid)
            .filter(sa.or_(
                HarvestObject.current == True,  # noqa: E712
                sa.and_(HarvestObject.package_id.isnot(None),
                        HarvestObject.id != harvest_object.id),
            ))
            .first()
        )

    def import_stage(self, harvest_object):
        if self._is_withdrawal(harvest_object):
            return self._withdraw(harvest_object)
        source = harvest_object.source
        try:
            cfg = self.source_settings(source)
            record = json.loads(harvest_object.content)
            mapped = self.with_defaults(self.map_record(record, source.url, cfg), cfg)
        except (MappingError, source_config.ConfigError, ValueError, KeyError, TypeError) as e:
            return self._refuse_record(harvest_object, e)
        except Exception as e:  # noqa: BLE001 - one record never stops the others
            log.exception("Mapping of %s failed", harvest_object.guid)
            return self._refuse_record(harvest_object, unexpected_shape(e))
        # before the content hash: the hash is the one of what is written, so a record whose
        # kept content did not change is "unchanged" below, and gets no new note
        mapped, notes = without_unusable_values(mapped)

        mapped_hash = content_hash(self.content_view(mapped, record))
        # a record withdrawn earlier and published again revives its dataset
        previous = self._previous_object(harvest_object)
        existing = None
        if previous is not None and previous.package_id:
            pkg = model.Package.get(previous.package_id)
            if pkg is not None:
                existing = pkg
        if (
            existing is not None
            and existing.state == "active"
            and self._get_object_extra(previous, HASH_EXTRA) == mapped_hash
        ):
            remember_record_hash(previous, harvest_object)
            model.Session.commit()
            return "unchanged"

        add_object_extra(harvest_object, HASH_EXTRA, mapped_hash)
        try:
            if existing is None:
                try:
                    self._create(harvest_object, source, mapped)
                except (toolkit.ValidationError, sa.exc.IntegrityError) as e:
                    if not name_taken_meanwhile(e):
                        raise
                    # another harvest consumer (or a publisher) wrote a dataset of that name
                    # between our check and our write: once more, with a name free now
                    model.Session.rollback()
                    log.info("Name of %s taken meanwhile, created again", harvest_object.guid)
                    add_object_extra(harvest_object, HASH_EXTRA, mapped_hash)
                    self._create(harvest_object, source, mapped)
            else:
                self._update(harvest_object, previous, existing, mapped, cfg)
        except toolkit.ValidationError as e:
            model.Session.rollback()
            self._save_object_error(
                _("The dataset « {title} » ({guid}) was refused by the schema: {errors}").format(
                    title=mapped.get("title", ""),
                    guid=harvest_object.guid,
                    errors=format_validation_error(
                        e.error_dict, schema_labels(mapped.get("type") or "dataset")),
                ),
                harvest_object,
                "Import",
            )
            return False
        except Exception as e:  # noqa: BLE001 - one record must not stop the others
            # rolled back first: after a failed flush, even reading the object's guid would
            # raise PendingRollbackError and stop the consumer
            model.Session.rollback()
            log.exception("Import of %s failed", harvest_object.guid)
            self._save_object_error(
                _("The dataset « {title} » ({guid}) could not be saved: {error}").format(
                    title=mapped.get("title", ""), guid=harvest_object.guid,
                    error=type(e).__name__,
                ),
                harvest_object,
                "Import",
            )
            return False
        model.Session.commit()
        search_commit_now_and_then()
        self._save_notes(harvest_object, notes)
        return True

    def _create(self, harvest_object, source, mapped: dict) -> None:
        package = dict(mapped)
        wanted = munge_name(package.pop("name", "") or package.get("title", "")) or "jeu-de-donnees"
        wanted = wanted[: model.PACKAGE_NAME_MAX_LENGTH]
        # the organisation is read at each creation (a source can change organisation while a
        # job runs), in the same query as the name check
        owner_org, taken = creation_facts(source.id, wanted)
        package["name"] = unique_name(wanted, self._ensure_name_is_unique, taken=taken)
        if owner_org:
            package["owner_org"] = owner_org

        def link(package_id: str) -> None:
            # the dataset is indexed with its harvest object id: ckanext-harvest's
            # before_dataset_index reads it from the database (CKAN's session does not
            # autoflush), so the link is flushed before indexing
            harvest_object.package_id = package_id
            harvest_object.current = True
            harvest_object.add()
            model.Session.flush()

        if DEFERRED_INDEXING:
            # CKAN 2.12: linked once package_create has written the dataset (with an id of
            # CKAN's), before indexing
            create_dataset(self._context(), package, on_created=link)
            return
        # CKAN 2.11 indexes at the commit of package_create: linked before (so the id is
        # ours), with the foreign key to the dataset checked at the commit
        package["id"] = str(uuid.uuid4())
        model.Session.execute(sa.text("SET CONSTRAINTS harvest_object_package_id_fkey DEFERRED"))
        link(package["id"])
        create_dataset(self._context(), package)

    def _update(self, harvest_object, previous, existing, mapped: dict, cfg: dict) -> None:
        current = toolkit.get_action("package_show")(
            {"ignore_auth": True, "for_update": True}, {"id": existing.id}
        )
        package = merge_local_edits(current, mapped, cfg.get("preserve_fields") or [])
        package["state"] = "active"
        previous.current = False
        previous.add()
        harvest_object.package_id = existing.id
        harvest_object.current = True
        harvest_object.add()
        toolkit.get_action("package_update")(self._context(), package)

    def _withdraw(self, harvest_object):
        try:
            with contextlib.suppress(toolkit.ObjectNotFound):
                toolkit.get_action("package_delete")(
                    self._context(), {"id": harvest_object.package_id}
                )
            harvest_object.current = False
            harvest_object.save()
            model.Session.commit()
            return True
        except Exception as e:  # noqa: BLE001 - an exception here would stop the fetch consumer
            model.Session.rollback()
            log.exception("Withdrawal of %s failed", harvest_object.guid)
            # the dataset's last object is current again, so that the next complete harvest
            # withdraws it (gather cleared that flag when it saw the record gone)
            last = self._previous_object(harvest_object)
            if last is not None and last.package_id == harvest_object.package_id:
                last.current = True
                model.Session.commit()
            self._save_object_error(
                _(
                    "The dataset of record {guid}, gone from the source, could not be withdrawn "
                    "({error}); the next complete harvest will try again."
                ).format(guid=harvest_object.guid, error=type(e).__name__),
                harvest_object,
                "Import",
            )
            return False


def create_dataset(context: dict, package: dict, on_created=None) -> str:
    """``package_create``, indexed without a Solr commit of its own when CKAN allows it (2.12).

    The dataset is in the search index at once (Solr's transaction log), searchable after the
    next commit: :func:`search_commit_now_and_then`, the end of the harvest job, or Solr's auto
    commit. ``on_created(package_id)`` runs once the dataset is written, before it is indexed
    (CKAN 2.12). The caller commits the database session."""
    if not DEFERRED_INDEXING:
        return toolkit.get_action("package_create")(context, package)["id"]
    # the activity's package_show and the index share one dictization (see creation.py)
    with creation.creating(package.get("id"), name=package.get("name")) as created:
        package_id = toolkit.get_action("package_create")(
            dict(context, defer_commit=True, return_id_only=True), package
        )
    if on_created is not None:
        on_created(package_id)
    both = created.both if created.package_id == package_id else None
    ckan_logic.index_update_package_dicts(both or creation.index_dicts(package_id),
                                          defer_commit=True)
    return package_id


_last_search_commit = [time.monotonic()]


def search_commit_now_and_then() -> None:
    """Ask Solr to commit (without waiting for a new searcher) when the last commit of this
    process is more than ``SEARCH_COMMIT_EVERY`` seconds old: datasets indexed without a commit
    become searchable within seconds, whatever the size of the harvest."""
    if not DEFERRED_INDEXING or not toolkit.asbool(toolkit.config.get("ckan.search.solr_commit")):
        return
    now = time.monotonic()
    if now - _last_search_commit[0] >= SEARCH_COMMIT_EVERY:
        search.commit()
        _last_search_commit[0] = now


def name_taken_meanwhile(error: Exception) -> bool:
    """Whether a creation failed only because its name, free when checked, was taken before the
    write: CKAN's validation saw the other dataset (an error on ``name`` alone: ours is always a
    valid name), or PostgreSQL's unique constraint on the name refused the row."""
    if isinstance(error, toolkit.ValidationError):
        return set(error.error_dict or {}) == {"name"}
    diag = getattr(getattr(error, "orig", None), "diag", None)
    return getattr(diag, "constraint_name", None) == "package_name_key"


def creation_facts(source_id: str, wanted: str) -> tuple[str | None, bool]:
    """What a creation needs to know from the database, in one query: the organisation of the
    harvest source's dataset (None when it has none) and whether a dataset (of any state or
    type) already has the name ``wanted``."""
    owner_org = (
        sa.select(model.Package.owner_org).where(model.Package.id == source_id).scalar_subquery()
    )
    taken = sa.exists().where(model.Package.name == wanted)
    row = model.Session.execute(sa.select(owner_org, taken)).one()
    return row[0], bool(row[1])


def unique_name(wanted: str, ensure_unique, taken: bool) -> str:
    """``wanted`` when no dataset has it (``taken``: see :func:`creation_facts`), else
    ckanext-harvest's numbered variant (``name1``, ``name2``…), else a random suffix: a harvested
    name never clashes."""
    if not taken:
        return wanted
    return ensure_unique(wanted, append_type="number-sequence") or ensure_unique(
        wanted, append_type="random-hex"
    )


PROTECTED_FIELDS = frozenset({"id", "name", "owner_org", "private", "type"})


def merge_local_edits(current: dict, mapped: dict, preserve_fields: list[str]) -> dict:
    """The dataset to write on a re-harvest.

    Start from the dataset as it is now (so fields the mapping does not produce — purpose,
    personal data statement, local sub-themes… — keep what the publisher entered), then write
    every mapped field, except ``PROTECTED_FIELDS`` (the dataset's identity and visibility
    stay as they are) and the fields of ``preserve_fields`` that are not empty locally.
    Resources: the source owns them; a resource whose URL is unchanged keeps its id.
    """
    # metadata_modified left out: CKAN keeps the value a package_update is given
    package = {k: v for k, v in current.items() if k not in ("resources", "metadata_modified")}
    for field, value in mapped.items():
        if field in PROTECTED_FIELDS or field == "resources":
            continue
        if field in preserve_fields and current.get(field) not in (None, "", [], {}):
            continue
        package[field] = value
    ids_by_url = {r.get("url"): r.get("id") for r in current.get("resources") or []}
    resources = []
    for res in mapped.get("resources") or []:
        res = dict(res)
        if res.get("url") in ids_by_url:
            res["id"] = ids_by_url.pop(res["url"])
        resources.append(res)
    package["resources"] = resources
    return package
