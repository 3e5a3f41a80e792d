"""`ckan poitiers …` commands."""
from __future__ import annotations

import functools
import sys

import ckan.plugins.toolkit as tk
import click

SYMBOLS = {"ok": "✔", "warning": "⚠", "error": "✘"}


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
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False),
              help="YAML file (default: ckanext.poitiers.demo_file or the shipped one).")
@in_request_context
def demo_load(path):
    from ckanext.poitiers import demo as demo_content

    _ = tk._
    try:
        counts = demo_content.load(path or tk.config.get("ckanext.poitiers.demo_file") or None,
                                   echo=lambda _line: None)
    except tk.ValidationError as exc:
        raise click.ClickException(_("Invalid demo content: {errors}").format(
            errors=exc.error_summary)) from exc
    except (OSError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(_("Demo: {orgs} organisations, {created} datasets created, {updated} updated.")
               .format(orgs=counts["organizations"], created=counts["created"],
                       updated=counts["updated"]))


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
            raise click.ClickException(_("Cannot create the user: {errors}").format(
                errors=exc.error_summary)) from exc
    if not user.get("sysadmin"):
        tk.get_action("user_patch")(dict(context), {"id": user["id"], "sysadmin": True})
    click.echo(_("Sysadmin “{name}” is ready.").format(name=name))
