"""`ckan poitiers …` commands."""
from __future__ import annotations

import functools
import logging
import sys

import ckan.plugins.toolkit as tk
import click

from ckanext.poitiers import rules

log = logging.getLogger(__name__)
SYMBOLS = {"ok": "✔", "warning": "⚠", "error": "✘"}


class CommandError(click.ClickException):
    """A refusal of one of our commands, wholly in the portal's language (click's own
    ``Error:`` / ``Invalid value for`` prefixes are English); exit code 1 (2 for usage)."""

    def __init__(self, message: str, option: str | None = None, usage: bool = False):
        if option:
            message = tk._("{option}: {message}").format(option=option, message=message)
        super().__init__(message)
        # translated now: click shows the error after the command's request context is gone
        self.shown = tk._("Error: {message}").format(message=message)
        if usage:
            self.exit_code = 2

    def show(self, file=None):
        click.echo(self.shown, file=file, err=True)


class _UsageError(click.ClickException):
    """A command line click refused, told in the portal's language: what is wrong, the usage
    line and where the help is (click writes these three in English)."""

    exit_code = 2

    def __init__(self, text: str):
        super().__init__(text)
        self.text = text

    def show(self, file=None):
        click.echo(self.text, file=file, err=True)


def _in_portal_language(exc: click.UsageError, ctx: click.Context | None) -> _UsageError:
    app = ctx.meta.get("flask_app") if ctx is not None else None
    if app is None:  # outside CKAN's command line: as click says it
        return _UsageError(exc.format_message())
    with app.test_request_context():
        return _UsageError(_usage_text(exc, exc.ctx or ctx))


def _usage_text(exc: click.UsageError, ctx: click.Context | None) -> str:
    import re

    _ = tk._
    param = getattr(exc, "param", None)
    argument = param is not None and param.param_type_name == "argument"
    if argument:
        name = (param.name or "").upper()
    else:
        name = (param.opts[0] if param is not None and param.opts
                else getattr(exc, "option_name", None) or "")
    if isinstance(exc, click.MissingParameter):
        message = (_("the argument {name} is missing.") if argument
                   else _("the option {name} is missing.")).format(name=name)
    elif isinstance(exc, click.NoSuchOption):
        message = _("unknown option {name}.").format(name=exc.option_name)
        if exc.possibilities:
            message += " " + _("Did you mean {names}?").format(
                names=", ".join(sorted(exc.possibilities)))
    elif isinstance(exc, click.BadOptionUsage):
        message = _("the option {name} needs a value.").format(name=exc.option_name)
    elif isinstance(exc, click.BadParameter):
        message = _("invalid value for {name}.").format(name=name)
    elif isinstance(exc, _NoSuchCommand):
        message = _("unknown command “{name}”; the commands are: {names}.").format(
            name=exc.name, names=", ".join(exc.names))
    else:  # click's other refusal: arguments given to a command that takes none
        extra = re.search(r"\((.*)\)\s*$", exc.format_message())
        message = (_("unexpected argument: {args}.").format(args=extra.group(1)) if extra
                   else exc.format_message())
    lines = [_("Error: {message}").format(message=message[:1].upper() + message[1:])]
    if ctx is not None:
        pieces = " ".join(ctx.command.collect_usage_pieces(ctx))
        lines.append(_("Usage: {command} {arguments}").format(command=ctx.command_path,
                                                               arguments=pieces).rstrip())
        lines.append(_("Help: {command} --help").format(command=ctx.command_path))
    return "\n".join(lines)


class _NoSuchCommand(click.UsageError):
    def __init__(self, name: str, names: list[str], ctx: click.Context):
        super().__init__(f"No such command {name!r}.", ctx)
        self.name, self.names = name, names


class FrenchCommand(click.Command):
    """A command whose command-line errors are in the portal's language."""

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:
            if exc.ctx is None or exc.ctx.command is not self:  # the parser leaves it unset
                exc.ctx = click.Context(self, info_name=info_name, parent=parent)
            raise _in_portal_language(exc, parent) from exc


class FrenchGroup(FrenchCommand, click.Group):
    """A group of such commands (its sub-groups and commands are of the same kind)."""

    command_class = FrenchCommand
    group_class = type

    def resolve_command(self, ctx, args):
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as exc:
            refusal = exc
            if args and not args[0].startswith("-") and self.get_command(ctx, args[0]) is None:
                refusal = _NoSuchCommand(args[0], self.list_commands(ctx), ctx)
            raise _in_portal_language(refusal, ctx) from exc


def errors_text(exc: tk.ValidationError, dataset_type: str | None = None,
                labels: dict[str, str] | None = None) -> str:
    """A validation error as « Champ : message | … » (the schema's labels for a dataset, or
    ``labels``), not the repr of CKAN's ``error_summary``."""
    from ckanext.poitiers.harvesters.base import format_validation_error, schema_labels

    errors = exc.error_dict if isinstance(exc.error_dict, dict) else {"": exc.error_dict}
    errors = {k: v for k, v in errors.items() if not k.startswith("__")} or errors
    return format_validation_error(
        errors, schema_labels(dataset_type) if dataset_type else (labels or {}))


def user_labels() -> dict[str, tuple[str, dict]]:
    """The names of a user's fields that ``ensure-sysadmin`` may be refused on."""
    _ = tk._
    return {"name": (_("User name"), {}), "email": (_("Email"), {}),
            "password": (_("Password"), {}), "fullname": (_("Full name"), {})}


def service_errors() -> tuple[type[BaseException], ...]:
    """What CKAN raises when Solr or PostgreSQL stops answering during a command."""
    import sqlalchemy.exc
    from ckan.lib.search.common import SearchError, SearchIndexError, SolrConnectionError

    return (SearchError, SearchIndexError, SolrConnectionError, sqlalchemy.exc.OperationalError)


def whole_number(value: str, option: str, low: int, high: int) -> int:
    """``value`` of ``option`` as a whole number from ``low`` to ``high`` (CommandError in the
    portal's language: click's own types answer in English)."""
    try:
        number = int(str(value).strip())
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        raise CommandError(tk._("“{value}” is not a whole number from {low} to {high}").format(
            value=value, low=low, high=high), option=option, usage=True)
    return number


def in_request_context(func):
    """Run the command inside a Flask request context (translations, dictization need one)."""

    @functools.wraps(func)
    @click.pass_context
    def wrapper(ctx, *args, **kwargs):
        with ctx.meta["flask_app"].test_request_context():
            return func(*args, **kwargs)

    return wrapper


@click.group(cls=FrenchGroup,
             short_help="Poitiers portal: diagnostics, demo content, administration.")
def poitiers():
    """Commands of the ckanext-poitiers extension."""


@poitiers.command(short_help="Check PostgreSQL, Solr, Redis, configuration and plugin order.")
@in_request_context
def doctor():
    """Check the services and settings the portal needs; exit code 1 on any problem."""
    from ckanext.poitiers.doctor import run_checks

    _ = tk._
    checks = run_checks(tk.config)
    click.echo(_("Poitiers portal check"))
    for check in checks:
        click.echo(f"  {SYMBOLS[check.status]} " + _("{label}: {error}").format(
            label=check.name, error=check.message))
        if check.fix and check.status != "ok":
            click.echo(f"      → {check.fix}")
    problems = sum(1 for c in checks if c.failed)
    if problems:
        click.echo(tk.ungettext("{n} problem found.", "{n} problems found.", problems).format(
            n=problems))
        sys.exit(1)
    click.echo(_("Everything is in order."))


@poitiers.group(short_help="Demo content.")
def demo():
    """Demo content (French organisations and datasets)."""


@demo.command("load", short_help="Create or update the demo organisations and datasets.")
@click.option("--file", "path", help="YAML file (default: ckanext.poitiers.demo_file or the "
              "shipped one).")
@click.option("--all", "load_all", is_flag=True,
              help="Also load the datasets the demo harvest sources bring.")
@in_request_context
def demo_load(path, load_all):
    from ckanext.poitiers import demo as demo_content
    from ckanext.poitiers import demo_sources

    _ = tk._
    path = path or tk.config.get("ckanext.poitiers.demo_file") or None
    skip = set() if load_all or path else demo_sources.covered_names()
    try:
        counts = demo_content.load(path, echo=lambda _line: None, skip=skip)
    except tk.ValidationError as exc:
        name = getattr(exc, "demo_name", None)
        if name:
            raise CommandError(_("Invalid demo dataset “{name}”: {errors}").format(
                name=name, errors=errors_text(exc, "dataset"))) from exc
        raise CommandError(_("Invalid demo content: {errors}").format(
            errors=errors_text(exc))) from exc
    except demo_content.DemoFileError as exc:
        raise CommandError(str(exc)) from exc
    except service_errors() as exc:
        raise _service_stopped(exc, "Demo load stopped", _(
            "The demo load stopped: {error}. What was loaded before is kept; run the command "
            "again once the service answers (it updates in place and duplicates nothing).")
        ) from exc
    click.echo(_("Demo: {orgs} organisations, {created} datasets created, {updated} updated, "
                 "{unchanged} unchanged.")
               .format(orgs=counts["organizations"], created=counts["created"],
                       updated=counts["updated"], unchanged=counts["unchanged"]))
    if counts["skipped"]:
        click.echo(tk.ungettext("{n} dataset is left to the demo harvest sources.",
                                "{n} datasets are left to the demo harvest sources.",
                                counts["skipped"]).format(n=counts["skipped"]))


@demo.command("sources", short_help="Create or update the demo harvest sources and harvest them.")
@click.option("--url", required=True,
              help="Root URL of the local demo server (python -m ckanext.poitiers.demo_server).")
@click.option("--no-run", is_flag=True, help="Create or update the sources only.")
@click.option("--timeout", default="600", show_default=True,
              help="Seconds to wait for the harvest jobs (1 to 7200).")
@in_request_context
def demo_sources_cmd(url, no_run, timeout):
    from urllib.parse import urlsplit

    from ckanext.poitiers import demo_sources

    _ = tk._
    timeout = whole_number(timeout, "--timeout", 1, 7200)
    try:
        parts = urlsplit(url)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname)
        parts.port  # noqa: B018 (a bad port raises ValueError)
    except ValueError:
        valid = False
    if not valid:
        raise CommandError(_("“{value}” is not an http:// or https:// address (e.g. "
                             "http://127.0.0.1:8900)").format(value=url), option="--url",
                           usage=True)
    try:
        sources = demo_sources.ensure_sources(url, echo=click.echo)
    except tk.ValidationError as exc:
        raise CommandError(_("Invalid demo harvest source: {errors}").format(
            errors=errors_text(exc))) from exc
    except tk.ObjectNotFound as exc:
        raise CommandError(_(
            "The demo organisations are missing: run “ckan poitiers demo load” first.")) from exc
    except service_errors() as exc:
        raise _service_stopped(exc, "Demo harvest sources stopped", _(
            "The demo harvest sources could not be saved: {error}. Run the command again once "
            "the service answers (it updates in place and duplicates nothing).")
        ) from exc
    click.echo(_("Demo harvest sources: {names}").format(
        names=", ".join(s["name"] for s in sources)))
    if no_run:
        return
    try:
        totals = demo_sources.run_and_wait(sources, timeout=timeout, echo=click.echo)
    except TimeoutError as exc:
        raise CommandError(str(exc)) from exc
    click.echo(_("Demo harvest: {datasets} harvested datasets ({added} added, {updated} "
                 "updated, {errored} errors).").format(
        datasets=totals["datasets"], added=totals["added"], updated=totals["updated"],
        errored=totals["errored"]))
    for message in totals["gather_errors"]:
        click.echo(f"  {message}", err=True)
    if totals["errored"] or totals["gather_errors"]:
        raise CommandError(_("The demo harvest reported errors: see /harvest."))


@poitiers.command("ensure-sysadmin", short_help="Create a sysadmin if it does not exist.")
@click.argument("name")
@click.option("--email", required=True)
@click.option("--password-file", required=True, help="File holding the password (UTF-8).")
@in_request_context
def ensure_sysadmin(name, email, password_file):
    """Create NAME as a sysadmin with the password read from a file (idempotent)."""
    _ = tk._
    try:
        with open(password_file, encoding="utf-8") as f:
            password = f.read().strip()
    except OSError as exc:
        raise CommandError(_("Cannot read the file {path}: {error}").format(
            path=password_file, error=exc.strerror or exc), option="--password-file",
            usage=True) from exc
    except UnicodeDecodeError as exc:
        raise CommandError(_("The file {path} is not UTF-8 text.").format(path=password_file),
                           option="--password-file", usage=True) from exc
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"user": site_user["name"], "ignore_auth": True}
    try:
        user = tk.get_action("user_show")(dict(context), {"id": name})
    except tk.ObjectNotFound:
        try:
            user = tk.get_action("user_create")(dict(context), {
                "name": name, "email": email, "password": password, "fullname": name})
        except tk.ValidationError as exc:
            raise CommandError(_("Cannot create the user: {errors}").format(
                errors=errors_text(exc, labels=user_labels()))) from exc
    if user.get("state") == "deleted":
        # made a sysadmin, it still could not log in: say so instead of « ready »
        raise CommandError(_("The user “{name}” exists but was deleted: it cannot log in. "
                             "Choose another name, or reactivate it first (action user_patch "
                             "with state = active).").format(name=name))
    if not user.get("sysadmin"):
        tk.get_action("user_patch")(dict(context), {"id": user["id"], "sysadmin": True})
    click.echo(_("Sysadmin “{name}” is ready.").format(name=name))


@poitiers.command(short_help="Map datasets made before the Poitiers schema to its fields.")
@click.option("--dry-run", "mode", flag_value="dry-run", default=True,
              help="Only report what would change (the default).")
@click.option("--apply", "mode", flag_value="apply", help="Write the changes.")
@click.option("--default-frequency", default="",
              help="Frequency for datasets that have none (udata id or EU URI, e.g. unknown).")
@click.option("--default-communes", default="",
              help="INSEE codes (comma-separated) or 200069854 for datasets that have none.")
@click.option("--default-personal-data", default="",
              help="Personal data statement for datasets that have none: none or anonymised.")
@click.option("--default-theme", default="", help="EU theme code (e.g. GOVE) for datasets that "
              "have none.")
@click.option("--default-license", default="", help="Licence (id, title or URL of a licence of "
              "the portal, e.g. lov2) for datasets that have none or one the portal does not "
              "offer.")
@in_request_context
def migrate(mode, default_frequency, default_communes, default_personal_data, default_theme,
            default_license):
    """Report (--dry-run) or apply (--apply) the mapping of stock-schema datasets."""
    from ckan import model

    from ckanext.poitiers import migrate as migration
    from ckanext.poitiers import vocabularies as voc

    _ = tk._
    defaults = {}
    if default_frequency:
        defaults["frequency"] = voc.frequency_uri(default_frequency)
        if not defaults["frequency"]:
            raise CommandError(_("“{value}” is not one of the proposed values").format(
                value=default_frequency), option="--default-frequency", usage=True)
    if default_communes:
        codes = [c.strip() for c in default_communes.split(",") if c.strip()]
        wrong = [c for c in codes if not voc.is_valid("communes", c)]
        if wrong:
            raise CommandError(_(
                "“{value}” is not the INSEE code of a commune of Grand Poitiers").format(
                value=wrong[0]), option="--default-communes", usage=True)
        defaults["communes"] = codes
    if default_personal_data:
        if default_personal_data not in ("none", "anonymised"):
            raise CommandError(_("“{value}” is not one of the proposed values").format(
                value=default_personal_data), option="--default-personal-data", usage=True)
        defaults["personal_data"] = default_personal_data
    if default_license:
        defaults["license_id"] = migration.portal_licence(default_license)
        if not defaults["license_id"]:
            raise CommandError(_("“{value}” is not one of the portal's licences").format(
                value=default_license), option="--default-license", usage=True)
    if default_theme:
        defaults["theme"] = [voc.eu_theme_uri(default_theme)]
        if not defaults["theme"][0]:
            raise CommandError(_("“{value}” is not one of the proposed values").format(
                value=default_theme), option="--default-theme", usage=True)

    lacking = migration.fields_missing_from(_live_dataset_fields())
    if lacking:
        raise CommandError(_(
            "The live dataset schema is not the Poitiers one (it has no {fields}): migrating "
            "would lose the values taken from free fields. Set scheming.dataset_schemas = "
            "ckanext.poitiers.schemas:dataset.yaml (README, “Install into an existing CKAN "
            "portal”), then run the command again.").format(fields=", ".join(lacking)))

    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"user": site_user["name"], "ignore_auth": True}
    ids = [row[0] for row in model.Session.query(model.Package.id)
           .filter(model.Package.type == "dataset")
           .filter(model.Package.state.in_(["active", "draft"]))
           .order_by(model.Package.name)]
    examined = to_migrate = applied = failed = 0
    migrated = []
    for package_id in ids:
        try:
            pkg = tk.get_action("package_show")(dict(context), {"id": package_id})
        except Exception as exc:  # noqa: BLE001 - PostgreSQL failing: stop, say where
            raise _stopped(package_id, exc, migrated) from exc
        examined += 1
        plan = migration.plan(pkg, defaults)
        if not plan.needed and not plan.missing:
            continue
        to_migrate += 1
        click.echo(rules.quoted(plan.name, _, model.PACKAGE_NAME_MAX_LENGTH))
        for key, value in plan.changes.items():
            click.echo("  " + _("{field} ← {value}").format(field=key, value=value))
        for key, target in plan.used_extras.items():
            click.echo("  " + _("free field “{extra}” moves to {field}").format(
                extra=key, field=target))
        for key, new_key in plan.renamed_extras.items():
            click.echo("  " + _("free field “{extra}” is kept as “{new}” (the schema reserves its "
                                "name)").format(extra=key, new=new_key))
        for key, value in plan.unmapped:
            click.echo("  " + _("⚠ {field}: “{value}” matches no value of the vocabulary").format(
                field=key, value=value))
        if plan.missing and pkg.get("state") == "active":
            click.echo("  " + _("✘ still missing to stay published: {fields}").format(
                fields=", ".join(plan.missing)))
        if mode != "apply":
            if plan.needed and not (plan.missing and pkg.get("state") == "active"):
                errors = _would_refuse(context, migration.patch(pkg, plan))
                if errors:
                    failed += 1
                    click.echo("  " + _("✘ --apply would be refused: {errors}").format(
                        errors=errors))
            continue
        if plan.missing and pkg.get("state") == "active":
            failed += 1
            click.echo("  " + _("not changed: give the missing values (see --default-… options)"))
            continue
        if not plan.needed:
            continue
        try:
            tk.get_action("package_patch")(dict(context), migration.patch(pkg, plan))
            applied += 1
            migrated.append(plan.name)
            click.echo("  " + _("✔ migrated"))
        except tk.ValidationError as exc:
            failed += 1
            click.echo("  " + _("✘ refused: {errors}").format(
                errors=errors_text(exc, "dataset")))
        except Exception as exc:  # noqa: BLE001 - Solr or PostgreSQL failing: stop, say where
            raise _stopped(plan.name, exc, migrated) from exc
    click.echo(tk.ungettext("{examined} dataset examined", "{examined} datasets examined",
                            examined).format(examined=examined)
               + _("; to migrate: {count}, migrated: {applied}, not migrated: {failed}.").format(
                   count=to_migrate, applied=applied, failed=failed))
    if mode == "apply" and failed:
        sys.exit(1)


def _live_dataset_fields() -> list[str]:
    """The field names of the dataset schema CKAN runs (ckanext-scheming's), [] without one."""
    try:
        from ckanext.scheming.helpers import scheming_get_dataset_schema

        schema = scheming_get_dataset_schema("dataset") or {}
    except Exception:  # noqa: BLE001 - scheming_datasets not loaded
        return []
    return [f.get("field_name") for f in schema.get("dataset_fields") or []]


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [exc.__class__.__name__])[0]


def _stopped(name: str, exc: BaseException, migrated: list[str]) -> CommandError:
    """The error that ends ``migrate --apply`` when a service fails (not a refusal of one
    dataset): what was written before is named, the failed dataset's changes are rolled back."""
    from ckan import model

    # names quoted whole
    done = (", ".join(rules.quoted(n, tk._, model.PACKAGE_NAME_MAX_LENGTH) for n in migrated)
            if migrated else tk._("no dataset"))
    return _service_stopped(exc, f"Migration stopped at {name}", tk._(
        "The migration stopped at “{name}”, which is unchanged: {error}. Migrated before it: "
        "{done}. The datasets after it are unchanged; run the command again once the cause is "
        "fixed: it goes on from there."), name=name, done=done)


def _service_stopped(exc: BaseException, what: str, message: str, **values: str) -> CommandError:
    """The error that ends a command when Solr or PostgreSQL stops answering: the session's
    unfinished writes rolled back, the failure logged, ``message`` (translated, with an
    ``{error}`` placeholder for the failure's first line) for the person."""
    from ckan import model

    model.Session.rollback()
    log.error("%s: %s", what, exc)
    return CommandError(message.format(error=_first_line(exc), **values))


def _would_refuse(context: dict, data_dict: dict) -> str | None:
    """The errors ``package_patch`` gives for ``data_dict``, found by running it without its
    commit and rolling it back (nothing is written or indexed); None when it would pass."""
    from ckan import model

    try:
        tk.get_action("package_patch")(dict(context, defer_commit=True), data_dict)
    except tk.ValidationError as exc:
        return errors_text(exc, "dataset")
    finally:
        model.Session.rollback()
    return None
