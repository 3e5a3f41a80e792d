"""`ckan poitiers doctor`: checks the services and the configuration a Poitiers portal needs.

Each check returns a :class:`Check`; nothing here raises when a service is down, so that the
report always names every problem with the way to fix it.
"""
from __future__ import annotations

import dataclasses
import smtplib
import socket
from collections.abc import Callable, Iterable

import ckan.plugins.toolkit as tk
import urllib3

from ckanext.poitiers import l10n, search
from ckanext.poitiers.l10n_default import N_

OK, WARNING, ERROR = "ok", "warning", "error"


# plugins that must come before another one in ckan.plugins (first, second, why)
PLUGIN_ORDER = (
    ("dcat", "scheming_datasets", N_("ckanext-dcat's scheming integration needs it")),
    ("harvest", "ckan_harvester", N_("the harvesters need the harvest plugin first")),
    ("harvest", "dcat_rdf_harvester", N_("the harvesters need the harvest plugin first")),
    ("poitiers_theme", "scheming_datasets", N_("our templates must win over scheming's")),
)


@dataclasses.dataclass
class Check:
    name: str
    status: str
    message: str
    fix: str = ""

    @property
    def failed(self) -> bool:
        return self.status == ERROR


def _reason(exc: BaseException) -> str:
    return str(exc) or exc.__class__.__name__


def check_config(config, timeout: float) -> list[Check]:
    _ = tk._
    checks = []
    site_url = config.get("ckan.site_url") or ""
    if site_url.startswith(("http://", "https://")):
        checks.append(Check(_("Configuration"), OK, _("Site address: {url}").format(url=site_url)))
    else:
        checks.append(Check(
            _("Configuration"), ERROR, _("ckan.site_url is missing or is not a full URL."),
            _("Set ckan.site_url = https://… in the CKAN configuration file.")))
    locale = config.get("ckan.locale_default") or "en"
    if locale == "fr":
        checks.append(Check(_("Language"), OK, _("The portal speaks French by default.")))
    else:
        checks.append(Check(
            _("Language"), WARNING,
            _("The default language is “{locale}”, not French.").format(locale=locale),
            _("Set ckan.locale_default = fr and ckan.locales_offered = fr en.")))
    if "harvest" in _plugins(config):
        mq = config.get("ckan.harvest.mq.type") or "amqp"
        if mq != "redis":
            checks.append(Check(
                _("Harvest queues"), ERROR,
                _("ckan.harvest.mq.type is “{mq}”; this portal runs its queues on Redis.").format(
                    mq=mq),
                _("Set ckan.harvest.mq.type = redis.")))
    return checks


def _plugins(config) -> list[str]:
    value = config.get("ckan.plugins") or []
    return value.split() if isinstance(value, str) else list(value)


def check_plugins(config, timeout: float) -> list[Check]:
    _ = tk._
    plugins = _plugins(config)
    required = config.get("ckanext.poitiers.doctor.required_plugins") or []
    if isinstance(required, str):
        required = required.split()
    checks = []
    missing = [name for name in required if name not in plugins]
    if missing:
        checks.append(Check(
            _("Plugins"), ERROR,
            _("Missing from ckan.plugins: {names}.").format(names=", ".join(missing)),
            _("Add them to ckan.plugins (see the README, “Install into an existing portal”).")))
    for first, second, why in PLUGIN_ORDER:
        if first in plugins and second in plugins and plugins.index(first) > plugins.index(second):
            checks.append(Check(
                _("Plugin order"), ERROR,
                _("{first} must come before {second} in ckan.plugins ({why}).").format(
                    first=first, second=second, why=_(why)),
                _("Move {first} before {second} in ckan.plugins.").format(
                    first=first, second=second)))
    if not checks:
        checks.append(Check(_("Plugins"), OK, " ".join(plugins)))
    return checks


def check_harvesters(config, timeout: float) -> list[Check]:
    """Harvesters of other extensions (ckanext-harvest's ``ckan_harvester``, ckanext-dcat's
    ``dcat_rdf_harvester``…) download with their own code, outside our SSRF guard."""
    _ = tk._
    if "harvest" not in _plugins(config):
        return []
    from ckanext.poitiers.harvesters import source_guard

    checks = _harvest_database_log(config)
    unguarded = source_guard.unguarded_harvesters()
    if not unguarded:
        return checks + [Check(_("Harvesters"), OK,
                               _("Every loaded harvester downloads through the SSRF guard."))]
    names = ", ".join(f"{plugin} ({source_type})" for plugin, source_type in unguarded)
    return checks + [Check(
        _("Harvesters"), WARNING,
        _("Loaded harvesters that download with their own code: {names}. The address of their "
          "sources is checked when a source is saved and when a job starts, not their "
          "redirects nor their next pages.").format(names=names),
        _("Remove them from ckan.plugins unless a source needs them; the Poitiers harvesters "
          "cover Data Fair, udata, transport.data.gouv.fr, DCAT and OpenAgenda."))]


def _harvest_database_log(config) -> list[Check]:
    """ckanext-harvest's database log (``ckan.harvest.log_scope`` ≥ 0) commits the session at
    each line it writes; on CKAN 2.12 the line it logs inside ``package_update`` ends the update's
    transaction, and every edit of a harvest source fails."""
    _ = tk._
    try:
        scope = int(str(config.get("ckan.harvest.log_scope", -1)).strip())
    except ValueError:
        return []  # ckanext-harvest's own reading of the option fails first
    if scope < 0 or not tk.check_ckan_version(min_version="2.12.0b0"):
        return []
    return [Check(
        _("Harvest log"), ERROR,
        _("ckan.harvest.log_scope = {scope}: ckanext-harvest writes its log lines to the database "
          "with a commit of its own, which ends CKAN 2.12's transaction when a harvest source is "
          "saved: editing a harvest source fails (HTTP 500).").format(scope=scope),
        _("Set ckan.harvest.log_scope = -1 (or remove the line) in the CKAN configuration file, "
          "then restart the portal."))]


def check_postgresql(config, timeout: float) -> list[Check]:
    _ = tk._
    import sqlalchemy as sa

    url = config.get("sqlalchemy.url") or ""
    shown = sa.engine.make_url(url).render_as_string(hide_password=True) if url else "?"
    try:
        engine = sa.create_engine(url, connect_args={"connect_timeout": int(timeout)},
                                  poolclass=sa.pool.NullPool)
        with engine.connect() as conn:
            version = conn.execute(sa.text("SHOW server_version")).scalar()
            inspector = sa.inspect(conn)
            tables = set(inspector.get_table_names())
            request_columns = {c["name"] for c in inspector.get_columns(
                "poitiers_request")} if "poitiers_request" in tables else set()
    except Exception as exc:  # any driver error means the database is unusable
        return [Check(
            "PostgreSQL", ERROR,
            _("No connection to {url}: {reason}").format(url=shown, reason=_first_line(exc)),
            _("Start PostgreSQL (make setup in a checkout of this project) "
              "and check sqlalchemy.url."))]
    checks = [Check("PostgreSQL", OK, _("PostgreSQL {version} at {url}").format(
        version=version, url=shown))]
    if "package" not in tables:
        checks.append(Check(
            "PostgreSQL", ERROR, _("The CKAN tables do not exist in this database."),
            _("Run: ckan -c <ckan.ini> db init")))
    elif "harvest" in _plugins(config) and "harvest_object" not in tables:
        checks.append(Check(
            "PostgreSQL", ERROR, _("The harvest tables do not exist in this database."),
            _("Run: ckan -c <ckan.ini> db upgrade -p harvest")))
    if "package" in tables and "poitiers_theme" in _plugins(config) \
            and "poitiers_request" not in tables:
        # without it, the requests form (Contribuer) fails when a visitor sends it
        checks.append(Check(
            "PostgreSQL", ERROR,
            _("The table of the requests form (Contribuer) does not exist in this database."),
            _("Run: ckan -c <ckan.ini> db upgrade -p poitiers_theme")))
    elif request_columns and "notified" not in request_columns:
        # a migration of this version not applied: the requests pages fail
        checks.append(Check(
            "PostgreSQL", ERROR,
            _("The table of the requests form lacks a column of this version of the plugin."),
            _("Run: ckan -c <ckan.ini> db upgrade -p poitiers_theme")))
    return checks


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [exc.__class__.__name__])[0]


def solr_schema_kind(fieldtypes: Iterable[str]) -> str:
    """'poitiers' when the live schema has our French field types, else 'stock'."""
    return "poitiers" if "text_fr" in set(fieldtypes) else "stock"


def _solr_reason(exc: BaseException, timeout: float) -> str:
    """Why Solr gave no answer, in words an administrator reads (urllib3's own text names a
    connection object and its pool)."""
    _ = tk._
    cause = exc.__cause__ or exc
    if isinstance(cause, urllib3.exceptions.NameResolutionError):
        return _("unknown host name")
    if isinstance(cause, urllib3.exceptions.NewConnectionError):
        return _("connection refused")
    if isinstance(cause, urllib3.exceptions.TimeoutError):
        return _("no answer within {seconds} s").format(
            seconds=l10n.number(timeout))
    if isinstance(exc, (ValueError, KeyError, AttributeError, TypeError)):
        return _("the answer is not Solr's JSON")
    return _first_line(exc)


def check_solr(config, timeout: float) -> list[Check]:
    _ = tk._
    base = (config.get("solr_url") or "").rstrip("/")
    if not base:
        return [Check("Solr", ERROR, _("solr_url is not set."),
                      _("Set solr_url = http://127.0.0.1:8983/solr/ckan."))]
    auth = search.configured_auth(config)
    try:
        answers = [search.solr_get(f"{base}/{path}", params={"wt": "json"}, timeout=timeout,
                                   auth=auth) for path in ("admin/ping", "schema")]
        refused = next((a.status_code for a in answers if a.status_code in (401, 403)), None)
        if refused:
            return [Check(
                "Solr", ERROR,
                _("Solr refuses access to {url} (HTTP {status}).").format(url=base,
                                                                         status=refused),
                _("Check solr_user and solr_password in the CKAN configuration."
                  ) if auth else _("This Solr asks for credentials: set solr_user and "
                                   "solr_password in the CKAN configuration."))]
        for answer in answers:
            if answer.status_code != 200:
                raise search.SolrError(_("HTTP status {status}").format(
                    status=answer.status_code))
        if answers[0].json().get("status") != "OK":
            raise search.SolrError(_("the ping does not say OK"))
        schema = answers[1].json()["schema"]
    except (search.SolrError, ValueError, KeyError, AttributeError, TypeError) as exc:
        return [Check(
            "Solr", ERROR,
            _("Solr does not answer at {url} ({reason}).").format(
                url=base, reason=_solr_reason(exc, timeout)),
            _("Start Solr (make setup in a checkout of this project) or fix solr_url; "
              "then run this check again."))]
    name = schema.get("name", "?")
    kind = solr_schema_kind(ft["name"] for ft in schema.get("fieldTypes", []))
    label = (_("Poitiers schema with French analysis") if kind == "poitiers"
             else _("stock CKAN schema (English analysis)"))
    checks = [Check("Solr", OK, _("Core {url} answers; live schema: {name}, {label}.").format(
        url=base, name=name, label=label))]
    version = name.split("-", 1)[1] if name.startswith("ckan-") else ""
    from ckan.lib.search import SUPPORTED_SCHEMA_VERSIONS

    if version not in SUPPORTED_SCHEMA_VERSIONS:
        checks.append(Check(
            "Solr", ERROR,
            _("The Solr schema “{name}” is not one this CKAN supports.").format(name=name),
            _("Use config/solr of this extension or the schema.xml shipped with CKAN.")))
    forced = config.get("ckanext.poitiers.search.schema") or "auto"
    if forced == "poitiers" and kind != "poitiers":
        # the search plugin then asks Solr for fields it does not have: every search finds nothing
        checks.append(Check(
            "Solr", ERROR,
            _("ckanext.poitiers.search.schema = poitiers, but the live Solr schema is CKAN's: "
              "searches find nothing."),
            _("Set ckanext.poitiers.search.schema = auto, or install the Poitiers Solr schema "
              "(config/solr) and rebuild the index.")))
    elif forced == "stock" and kind == "poitiers":
        checks.append(Check(
            "Solr", WARNING,
            _("ckanext.poitiers.search.schema = stock: the French analysis of the live Solr "
              "schema is not used."),
            _("Set ckanext.poitiers.search.schema = auto to use it.")))
    return checks + _index_check(config, base, auth, timeout)


def _index_check(config, base: str, auth, timeout: float) -> list[Check]:
    """Datasets of this portal indexed without the fields the extension writes (indexed before
    it was installed or upgraded): « Mis à jour récemment » puts them last, the facets of the
    Poitiers fields miss them. One count query; nothing is said when Solr cannot count."""
    from ckanext.poitiers import indexing

    _ = tk._
    site_id = config.get("ckan.site_id") or "default"
    try:
        answer = search.solr_get(f"{base}/select", params=[
            ("q", "*:*"), ("rows", "0"), ("wt", "json"),
            ("fq", f'+site_id:"{search.solr_escape(site_id)}"'),
            ("fq", "+entity_type:package"),
            ("fq", f"-{indexing.DATA_UPDATED_FIELD}:[* TO *]"),
        ], timeout=timeout, auth=auth)
        missing = int(answer.json()["response"]["numFound"]) if answer.status_code == 200 \
            else None
    except (search.SolrError, ValueError, KeyError, TypeError):
        missing = None
    if not missing:
        return []
    return [Check(
        _("Search index"), WARNING,
        tk.ungettext("{n} dataset was indexed without the fields of this version of the "
                     "extension: « Recently updated » puts it last.",
                     "{n} datasets were indexed without the fields of this version of the "
                     "extension: « Recently updated » puts them last.", missing).format(
            n=l10n.number(missing, l10n.page_language())),
        _("Rebuild the index: ckan search-index rebuild."))]


def check_redis(config, timeout: float) -> list[Check]:
    _ = tk._
    import redis

    url = config.get("ckan.redis.url") or ""
    try:
        client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
        client.ping()
        version = client.info("server").get("redis_version", "?")
    except Exception as exc:
        return [Check(
            "Redis", ERROR,
            _("Redis does not answer at {url} ({reason}).").format(url=url, reason=_reason(exc)),
            _("Start Redis (make setup in a checkout of this project) or fix ckan.redis.url."))]
    return [Check("Redis", OK, _("Redis {version} at {url}").format(version=version, url=url))]


def _smtp_reason(exc: BaseException, timeout: float) -> str:
    """Why the mail server gave no greeting, in an administrator's words."""
    _ = tk._
    if isinstance(exc, smtplib.SMTPServerDisconnected) and isinstance(
            exc.__context__, TimeoutError):
        exc = exc.__context__  # smtplib wraps a greeting that never came
    if isinstance(exc, socket.gaierror):
        return _("unknown host name")
    if isinstance(exc, ConnectionRefusedError):
        return _("connection refused")
    if isinstance(exc, TimeoutError):
        return _("no answer within {seconds} s").format(seconds=l10n.number(timeout))
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return _("the connection was closed without a greeting")
    return _first_line(exc)


def check_mail(config, timeout: float) -> list[Check]:
    """The emails that tell requesters of the answer (requests_mail, through CKAN's mailer):
    its settings, and whether the mail server greets a connection (no mail is sent). Warnings
    only: without email the answers are still saved and shown."""
    _ = tk._
    if "poitiers_theme" not in _plugins(config):
        return []
    from ckanext.poitiers import requests_mail

    name = _("Email")
    server = (config.get("smtp.server") or "").strip()
    sender = (config.get("smtp.mail_from") or "").strip()
    if not server:
        if requests_mail.notifier_loaded():
            return [Check(name, OK, _("smtp.server is empty; a plugin delivers CKAN's "
                                      "notifications (INotifier)."))]
        return [Check(
            name, WARNING,
            _("smtp.server is empty: the people who send a request (Contribuer) are not told "
              "by email when it is answered."),
            _("Set smtp.server = host:port of the mail server and smtp.mail_from = the "
              "address the emails come from, in the CKAN configuration file."))]
    try:
        host, port = requests_mail.smtp_address(server)
    except ValueError:
        return [Check(name, WARNING,
                      _("smtp.server “{server}” is not host or host:port.").format(
                          server=server),
                      _("Set smtp.server = smtp.example.org:587, for example."))]
    address = f"{host}:{port}"
    checks = []
    if not sender:
        checks.append(Check(
            name, WARNING,
            _("smtp.mail_from is empty: CKAN's mailer fails without a sender address, so the "
              "requesters are not told of the answers."),
            _("Set smtp.mail_from = the address the emails come from (e.g. "
              "opendata@example.org).")))
    starttls = tk.asbool(config.get("smtp.starttls"))
    try:
        offers_tls = requests_mail.smtp_greeting(host, port, timeout, starttls)
    except (OSError, smtplib.SMTPException) as exc:
        checks.append(Check(
            name, WARNING,
            _("The mail server {address} does not answer ({reason}): requesters are not told "
              "of the answers, and answering a request waits on the server.").format(
                address=address, reason=_smtp_reason(exc, timeout)),
            _("Start the mail server or fix smtp.server (host:port).")))
        return checks
    if starttls and not offers_tls:
        checks.append(Check(
            name, WARNING,
            _("The mail server {address} does not offer STARTTLS, which smtp.starttls asks "
              "for: CKAN's mailer fails.").format(address=address),
            _("Set smtp.starttls = false, or use a port of the server that offers STARTTLS "
              "(587).")))
    elif sender:
        checks.append(Check(name, OK, _("Mail server {address} answers; emails come from "
                                        "{sender}.").format(address=address, sender=sender)))
    else:
        checks.append(Check(name, OK, _("Mail server {address} answers.").format(
            address=address)))
    return checks


CHECKS: tuple[Callable[..., list[Check]], ...] = (
    check_config, check_plugins, check_harvesters, check_postgresql, check_solr, check_redis,
    check_mail,
)


def run_checks(config) -> list[Check]:
    timeout = float(config.get("ckanext.poitiers.doctor.timeout") or 5)
    return [result for check in CHECKS for result in check(config, timeout)]
