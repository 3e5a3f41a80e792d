"""`ckan poitiers …` commands."""
from __future__ import annotations

import functools
import sys

import ckan.plugins.toolkit as tk
import click

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


def in_request_context(func):
    """Run the command inside a Flask request context (translations, dictization need one)."""

    @functools.wraps(func)
    @click.pass_context
    def wrapper(ctx, *args, **kwargs):
        with ctx.meta["flask_app"].test_request_context():
            return func(*args, **kwargs)

    return wrapper


@click.group(short_help="Poitiers portal: diagnostics, demo content, administration.")
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
        click.echo(f"  {SYMBOLS[check.status]} {check.name} : {check.message}")
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
                name=name, errors=exc.error_summary)) from exc
        raise CommandError(_("Invalid demo content: {errors}").format(
            errors=exc.error_summary)) from exc
    except demo_content.DemoFileError as exc:
        raise CommandError(str(exc)) from exc
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
@click.option("--timeout", default=600, show_default=True, type=click.IntRange(1, 7200),
              help="Seconds to wait for the harvest jobs.")
@in_request_context
def demo_sources_cmd(url, no_run, timeout):
    from urllib.parse import urlsplit

    from ckanext.poitiers import demo_sources

    _ = tk._
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
            errors=exc.error_summary)) from exc
    except tk.ObjectNotFound as exc:
        raise CommandError(_(
            "The demo organisations are missing: run “ckan poitiers demo load” first.")) from exc
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
@click.option("--password-file", type=click.File("r"), required=True)
@in_request_context
def ensure_sysadmin(name, email, password_file):
    """Create NAME as a sysadmin with the password read from a file (idempotent)."""
    _ = tk._
    password = password_file.read().strip()
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
                errors=exc.error_summary)) from exc
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
              type=click.Choice(["", "none", "anonymised"]),
              help="Personal data statement for datasets that have none.")
@click.option("--default-theme", default="", help="EU theme code (e.g. GOVE) for datasets that "
              "have none.")
@in_request_context
def migrate(mode, default_frequency, default_communes, default_personal_data, default_theme):
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
        defaults["personal_data"] = default_personal_data
    if default_theme:
        defaults["theme"] = [voc.eu_theme_uri(default_theme)]
        if not defaults["theme"][0]:
            raise CommandError(_("“{value}” is not one of the proposed values").format(
                value=default_theme), option="--default-theme", usage=True)

    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"user": site_user["name"], "ignore_auth": True}
    ids = [row[0] for row in model.Session.query(model.Package.id)
           .filter(model.Package.type == "dataset")
           .filter(model.Package.state.in_(["active", "draft"]))
           .order_by(model.Package.name)]
    examined = to_migrate = applied = failed = 0
    for package_id in ids:
        pkg = tk.get_action("package_show")(dict(context), {"id": package_id})
        examined += 1
        plan = migration.plan(pkg, defaults)
        if not plan.needed and not plan.missing:
            continue
        to_migrate += 1
        click.echo(f"« {plan.name} »")
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
            click.echo("  " + _("✔ migrated"))
        except tk.ValidationError as exc:
            failed += 1
            click.echo("  " + _("✘ refused: {errors}").format(errors=exc.error_summary))
    click.echo(tk.ungettext("{examined} dataset examined", "{examined} datasets examined",
                            examined).format(examined=examined)
               + _("; to migrate: {count}, migrated: {applied}, not migrated: {failed}.").format(
                   count=to_migrate, applied=applied, failed=failed))
    if mode == "apply" and failed:
        sys.exit(1)


def _would_refuse(context: dict, data_dict: dict) -> str | None:
    """The errors ``package_patch`` gives for ``data_dict``, found by running it without its
    commit and rolling it back (nothing is written or indexed); None when it would pass."""
    from ckan import model

    try:
        tk.get_action("package_patch")(dict(context, defer_commit=True), data_dict)
    except tk.ValidationError as exc:
        return exc.error_summary
    finally:
        model.Session.rollback()
    return None
