"""The email that tells the person who made a request that it was answered.

Sent through CKAN's mailer (``toolkit.mail_recipient``, settings ``smtp.server``,
``smtp.mail_from``…), in plain text only: the requester's and the administrator's texts are plain
text and are never read as HTML. Written in the portal's default language (``ckan.locale_default``,
French here), whatever the language of the administrator's page: the requester used the portal in
French. A failure (no SMTP server configured, server down or silent, recipient refused) is logged
and reported to the caller as ``False``; it never undoes the stored answer.
"""
from __future__ import annotations

import contextlib
import logging
import smtplib
import socket
import threading

import ckan.plugins as plugins
import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.poitiers.l10n_default import _

log = logging.getLogger(__name__)

#: statuses the requester is told of (an answer put back to "open" is not an answer yet)
NOTIFIED_STATUSES = ("answered", "closed")


def one_line(text: str | None) -> str:
    """``text`` on one line (a subject or a name in a mail header: no line break may enter)."""
    return " ".join((text or "").split())


def status_label(status: str) -> str:
    return {"answered": _("answered"), "closed": _("closed")}.get(status, status)


def recipient(row) -> str | None:
    """The address to write to: the one given with the request, else (a request made while
    logged in without one) the current address of that account, if it is still active."""
    if row.email:
        return row.email
    if row.user_id:
        user = model.User.get(row.user_id)
        if user is not None and user.state == "active" and user.email:
            return user.email
    return None


def dataset_url(dataset_id: str | None) -> str | None:
    """The public page of the dataset the request is about; None when it is gone or private."""
    if not dataset_id:
        return None
    pkg = model.Package.get(dataset_id)
    if pkg is None or pkg.state != "active" or pkg.private:
        return None
    return tk.url_for("dataset.read", id=pkg.name, qualified=True, locale="default")


def subject(row) -> str:
    # not "[site] …": Python's email folding (3.11) drops the space after "]" when it encodes
    # a long non-ASCII subject, and the requester would read « …Poitiers]Réponse »
    return _("{site}: answer to your request “{title}”").format(
        site=one_line(tk.config.get("ckan.site_title")), title=one_line(row.title))


def body(row) -> str:
    """The plain text of the email."""
    site = tk.config.get("ckan.site_title") or ""
    site_url = tk.config.get("ckan.site_url") or ""
    name = one_line(row.name)
    lines = [_("Hello {name},").format(name=name) if name else _("Hello,"), "",
             _("The team of {site} has answered your request “{title}”.").format(
                 site=site, title=one_line(row.title)),
             _("Status of your request: {status}.").format(status=status_label(row.status))]
    url = dataset_url(row.dataset_id)
    if url:
        lines.append(_("Dataset concerned: {url}").format(url=url))
    lines += ["", _("Our answer:"), row.answer or "", "", _("Your request:"), row.message or "",
              "", "-- ", site, site_url]
    return "\n".join(lines) + "\n"


def notifier_loaded() -> bool:
    """Whether a plugin delivers CKAN's notifications itself (``INotifier``, CKAN 2.12)."""
    notifier = getattr(plugins, "INotifier", None)
    return notifier is not None and any(True for _p in plugins.PluginImplementations(notifier))


def configured() -> bool:
    """Whether CKAN's mailer can send anything: with an empty ``smtp.server`` CKAN 2.12 sends
    nothing and says nothing (2.11 raises), unless a plugin delivers its notifications."""
    return bool(tk.config.get("smtp.server")) or notifier_loaded()


def smtp_address(server: str) -> tuple[str, int]:
    """Host and port of ``smtp.server`` as CKAN's mailer reads it: ``host``, ``host:port``,
    ``[::1]:port`` (no port: 25). ValueError when the port is not a number."""
    text = server.strip()
    if text.startswith("["):
        host, _sep, rest = text[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    elif text.count(":") == 1:
        host, port = text.split(":")
    else:
        host, port = text, ""  # a bare IPv6 address has several colons and no port
    if port and not (port.isascii() and port.isdigit() and 0 < int(port) < 65536):
        raise ValueError(port)
    return host, int(port) if port else smtplib.SMTP_PORT


def smtp_greeting(host: str, port: int, timeout: float, starttls: bool = False) -> bool | None:
    """Connect to the mail server and read its greeting, within ``timeout`` seconds a step; no
    mail is sent. With ``starttls``: whether the server offers STARTTLS (else None). Raises
    OSError (refused, unknown host, timeout) or smtplib.SMTPException."""
    connection = smtplib.SMTP(host, port, timeout=timeout)
    try:
        if not starttls:
            return None
        connection.ehlo()
        return connection.has_extn("starttls")
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            connection.quit()


_DEFAULT_TIMEOUT = threading.Lock()


@contextlib.contextmanager
def socket_timeout(seconds: float):
    """New sockets without a timeout of their own wait at most ``seconds`` a step, while inside:
    CKAN's mailer opens its SMTP connection without a timeout, and a mail server that accepts
    the connection but never answers would hold the administrator's page for ever. Our sends
    take turns (the default is the process's)."""
    with _DEFAULT_TIMEOUT:
        previous = socket.getdefaulttimeout()
        socket.setdefaulttimeout(seconds)
        try:
            yield
        finally:
            socket.setdefaulttimeout(previous)


def send(row, email: str) -> bool:
    """Send the email; True when the mailer accepted it, False (logged) otherwise."""
    if not configured():
        log.warning("Request %s answered; requester not notified: smtp.server is not set",
                    row.id)
        return False
    try:
        with socket_timeout(float(tk.config.get("ckanext.poitiers.requests.smtp_timeout") or 20)):
            tk.mail_recipient(one_line(row.name) or email, email, subject(row), body(row))
    except Exception:  # noqa: BLE001 - MailerException, but also OSError or a bad setting
        # (no smtp.mail_from) from the mailer: none of them may undo the stored answer
        log.exception("Request %s answered; the email to the requester failed", row.id)
        return False
    return True
