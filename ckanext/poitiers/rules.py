"""Rules shared by the schema validators (``validators.py``) and the harvesters
(``harvesters/common_mapping.py``): how a wrong value is quoted back, and which addresses a
resource may have. Pure functions, no CKAN: each rule is written once, the callers word the
message."""
from __future__ import annotations

import json
from urllib.parse import urlparse

#: longest excerpt of a wrong value quoted back in a message
SHOWN_MAX = 60
#: longest web address accepted (RFC 9110 asks clients and servers to support at least 8,000
#: octets; beyond, the search index refuses the value)
URL_MAX = 8000
#: CKAN's default ``ckan.valid_url_schemes``
DEFAULT_URL_SCHEMES = ("http", "https", "ftp")

# why a resource address is refused (see resource_url_fault)
URL_TOO_LONG = "too_long"
URL_MALFORMED = "malformed"
URL_NOT_LINKED = "not_linked"


def shown(value, limit: int = SHOWN_MAX) -> str:
    """A wrong value as a message quotes it: lists as ``a, b``, spaces collapsed, at most
    ``limit`` characters (then « … »)."""
    if isinstance(value, (list, tuple, set)):
        text = ", ".join(shown(v, limit) for v in value)
    elif isinstance(value, dict):
        text = json.dumps(value, ensure_ascii=False, default=str)
    elif value is None:
        text = ""
    else:
        text = str(value)
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[:limit - 1].rstrip() + "…"
    return text


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
