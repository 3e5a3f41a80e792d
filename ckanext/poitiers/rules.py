"""Rules shared by the schema validators (``validators.py``) and the harvesters
(``harvesters/common_mapping.py``): how a wrong value is quoted back, which addresses a
resource may have, which web addresses and email addresses a dataset may have. Pure functions,
no CKAN: each rule is written once, the callers word the message."""
from __future__ import annotations

import json
import re
from urllib.parse import urlparse

#: longest excerpt of a wrong value quoted back in a message
SHOWN_MAX = 60
#: a run of spaces or line breaks in a quoted value (written as one space)
SPACES = re.compile(r"\s+")
#: longest web address accepted (RFC 9110 asks clients and servers to support at least 8,000
#: octets; beyond, the search index refuses the value)
URL_MAX = 8000
#: CKAN's default ``ckan.valid_url_schemes``
DEFAULT_URL_SCHEMES = ("http", "https", "ftp")
#: the schemes of a dataset's web addresses (source page, publisher's website, contact page…)
WEB_SCHEMES = ("http", "https")
#: longest email address (RFC 5321: a path of 256 octets, its angle brackets included)
EMAIL_MAX = 254
EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")

# why an address is refused (see resource_url_fault, email_fault)
URL_TOO_LONG = "too_long"
URL_MALFORMED = "malformed"
URL_NOT_LINKED = "not_linked"
EMAIL_INVALID = "invalid_email"

# the two kinds of address of a dataset's fields (see address_fault)
WEB_ADDRESS = "web_address"
EMAIL = "email"


def shown(value, limit: int = SHOWN_MAX) -> str:
    """A wrong value as a message quotes it: lists as ``a, b``, each run of spaces or line
    breaks as one space (a space around the value stays visible: it may be what is wrong), at
    most ``limit`` characters (then « … »)."""
    if isinstance(value, (list, tuple, set)):
        text = ", ".join(shown(v, limit) for v in value)
    elif isinstance(value, dict):
        text = json.dumps(value, ensure_ascii=False, default=str)
    elif value is None:
        text = ""
    else:
        text = str(value)
    text = SPACES.sub(" ", text)
    if len(text) > limit:
        text = text[:limit - 1].rstrip() + "…"
    return text


def quoted(value, gettext, limit: int = SHOWN_MAX) -> str:
    """``value`` as :func:`shown` writes it, between the quotation marks of the language of
    ``gettext`` (the caller's translation function; French: « value », no-break spaces inside)."""
    return gettext("« {value} »").format(value=shown(value, limit))


def url_schemes_of(setting) -> list[str]:
    """The schemes of CKAN's ``ckan.valid_url_schemes`` (a list or a space-separated text; its
    default when empty), in lower case."""
    schemes = setting or DEFAULT_URL_SCHEMES
    if isinstance(schemes, str):
        schemes = schemes.split()
    return [str(s).lower() for s in schemes]


def resource_url_fault(value: str, schemes) -> str | None:
    """Why ``value`` (a text, spaces around it ignored) cannot be a resource's address, or None
    when it can: ``URL_TOO_LONG`` (over ``URL_MAX`` characters), ``URL_MALFORMED`` (an unclosed
    IPv6 bracket, a port that is not a number of 0-65535) or ``URL_NOT_LINKED`` (a scheme not
    among ``schemes`` — ``file:``, ``javascript:``, ``data:``, ``smb:``… —, no scheme, no host,
    or a space inside): the addresses the portal does not link to."""
    value = value.strip()
    if len(value) > URL_MAX:
        return URL_TOO_LONG
    try:
        parts = urlparse(value)
        parts.port  # noqa: B018 (a port out of 0-65535 or not a number raises ValueError)
    except ValueError:
        return URL_MALFORMED
    if parts.scheme.lower() not in schemes or not parts.netloc or any(
            c.isspace() for c in value):
        return URL_NOT_LINKED
    return None


def web_address_fault(value: str) -> str | None:
    """Why ``value`` cannot be one of a dataset's web addresses (the ``poitiers_url`` fields:
    source page, websites, contact pages, URIs), or None when it can: the rule of
    :func:`resource_url_fault` with the schemes ``http`` and ``https`` only."""
    return resource_url_fault(value, WEB_SCHEMES)


def email_address(value: str) -> str:
    """The address an email field keeps: spaces around and a ``mailto:`` prefix removed."""
    value = value.strip()
    if value.lower().startswith("mailto:"):
        value = value[len("mailto:"):]
    return value


def email_fault(value: str) -> str | None:
    """``EMAIL_INVALID`` when ``value`` (read by :func:`email_address`) is not an email address
    the schema keeps — ``name@domain.tld``, at most ``EMAIL_MAX`` characters —, else None."""
    value = email_address(value)
    if len(value) > EMAIL_MAX or not EMAIL_RE.match(value):
        return EMAIL_INVALID
    return None


def address_fault(kind: str, value) -> str | None:
    """Why ``value`` cannot be a dataset's address of ``kind`` (``WEB_ADDRESS`` or ``EMAIL``),
    or None when it can. An empty value (None, a blank text, an empty list) is no fault: the
    schema leaves it empty; a value that is not a text is one (the schema refuses it)."""
    if not value or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        return EMAIL_INVALID if kind == EMAIL else URL_NOT_LINKED
    return email_fault(value) if kind == EMAIL else web_address_fault(value)
