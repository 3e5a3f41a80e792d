"""The HTTP client shared by the harvesters.

A ``requests.Session`` with a timeout on every call, retries with exponential backoff on
429 and 5xx (honouring ``Retry-After``), a cap on the size of a response body, strict UTF-8
and JSON decoding, and a guard against server-side request forgery: a harvest URL, and every
redirect it leads to, must resolve to global addresses (:func:`address_is_public`) unless
private ones are allowed by ``ckanext.poitiers.harvest.allow_private_addresses``; the
connection then goes to the address that was checked (no second resolution, so no DNS
rebinding).

Every failure is a :class:`RemoteError` whose message is in French (gettext) and names the URL.
"""
from __future__ import annotations

import dataclasses
import email.utils
import ipaddress
import json
import socket
import time
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

import requests
import requests.adapters
import urllib3
import urllib3.connection
import urllib3.exceptions

from ckanext.poitiers.harvesters.i18n import _, ngettext, number, size

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_REDIRECTS = 5
USER_AGENT = "ckanext-poitiers-harvester (+https://data.grandpoitiers.fr)"


class RemoteError(Exception):
    """A remote source could not be read; ``str()`` is a French message for the publisher."""

    def __init__(self, message: str, url: str = "", status: int | None = None,
                 reason: str = "", ip: str = ""):
        super().__init__(message)
        self.url = url
        self.status = status
        # why the guard refused the address: "scheme", "unresolved" or "private" (with ``ip``);
        # "size" for an answer over the size cap
        self.reason = reason
        self.ip = ip


@dataclasses.dataclass
class HttpSettings:
    timeout: float = 30.0
    retries: int = 3
    backoff: float = 1.0
    max_retry_after: float = 120.0
    max_bytes: int = 20 * 1024 * 1024
    allow_private: bool = False

    @classmethod
    def from_config(cls) -> HttpSettings:
        from ckan.plugins import toolkit

        c = toolkit.config
        return cls(
            timeout=float(c.get("ckanext.poitiers.harvest.timeout")),
            retries=int(c.get("ckanext.poitiers.harvest.retries")),
            backoff=float(c.get("ckanext.poitiers.harvest.backoff")),
            max_retry_after=float(c.get("ckanext.poitiers.harvest.max_retry_after")),
            max_bytes=int(c.get("ckanext.poitiers.harvest.max_response_bytes")),
            allow_private=toolkit.asbool(
                c.get("ckanext.poitiers.harvest.allow_private_addresses")
            ),
        )


# the IPv4 address inside an IPv6 one that reaches it: NAT64's well-known prefix (RFC 6052)
NAT64_PREFIX = ipaddress.IPv6Network("64:ff9b::/96")


def _embedded_ipv4(addr: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address leads to: IPv4-mapped ``::ffff:a.b.c.d``, 6to4
    ``2002:AABB:CCDD::/48`` and NAT64 ``64:ff9b::a.b.c.d``. (Teredo, ``2001::/32``, is not a
    global address and is refused as such.)"""
    if addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    if addr.sixtofour is not None:
        return addr.sixtofour
    if addr in NAT64_PREFIX:
        return ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
    return None


def _is_global(addr: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return addr.is_global and not (
        addr.is_private
        or addr.is_loopback
        or addr.is_link_local
        or addr.is_multicast
        or addr.is_reserved
        or addr.is_unspecified
        or getattr(addr, "is_site_local", False)
    )


def address_is_public(ip: str) -> bool:
    """Whether ``ip`` is a global unicast address (allow-list: ``is_global``, so the shared
    address space 100.64.0.0/10 of carrier-grade NAT and cloud metadata services such as
    100.100.100.200 is refused too). An IPv6 address that carries an IPv4 one (mapped, 6to4,
    NAT64) is judged by the IPv4 address it leads to."""
    try:
        addr = ipaddress.ip_address(ip.split("%", 1)[0])  # an IPv6 zone (fe80::1%eth0)
    except ValueError:
        return False
    if isinstance(addr, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(addr)
        if embedded is not None:
            return _is_global(embedded)
    return _is_global(addr)


def check_scheme(url: str) -> None:
    """Refuse what is not an http(s) URL with a host."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RemoteError(_("The address {url} is not an http or https URL.").format(url=url), url,
                          reason="scheme")


def vetted_addresses(
    url: str,
    allow_private: bool,
    resolve: Callable = socket.getaddrinfo,
    address_allowed: Callable[[str], bool] | None = None,
) -> list[str]:
    """Resolve the host of ``url`` once and return the addresses to connect to, in order.

    Every address the name resolves to must be public (``address_allowed``, by default
    :func:`address_is_public`) unless private ones are allowed; the connection then goes to
    these addresses and nowhere else, so that a second resolution cannot lead it elsewhere
    (DNS rebinding)."""
    check_scheme(url)
    parts = urlsplit(url)
    default_port = 443 if parts.scheme == "https" else 80
    try:
        infos = resolve(parts.hostname, parts.port or default_port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as e:
        raise RemoteError(
            _("The host of {url} cannot be resolved ({error}).").format(url=url, error=e), url,
            reason="unresolved",
        ) from e
    allowed = address_allowed or address_is_public
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise RemoteError(
            _("The host of {url} cannot be resolved ({error}).").format(url=url, error="-"), url,
            reason="unresolved",
        )
    for ip in addresses:
        if not allow_private and not allowed(ip):
            raise RemoteError(
                _(
                    "The address {url} leads to a private or local network address ({ip}); "
                    "harvesting it is refused."
                ).format(url=url, ip=ip),
                url,
                reason="private",
                ip=ip,
            )
    return addresses


def check_url(url: str, allow_private: bool, resolve: Callable = socket.getaddrinfo) -> None:
    """Refuse what is not an http(s) URL to a public host (unless private hosts are allowed)."""
    check_scheme(url)
    if not allow_private:
        vetted_addresses(url, allow_private, resolve)


# -- connections pinned to the vetted address ------------------------------------------------------
class _PinnedConnectionMixin:
    """A urllib3 connection that opens its socket to one of ``pinned_addresses`` (those the
    guard checked, tried in order) while ``host`` stays the name: Host header, TLS SNI and
    certificate verification are those of the name."""

    pinned_addresses: list[str] | None = None

    def _new_conn(self):
        if not self.pinned_addresses:
            return super()._new_conn()
        name = self._dns_host
        try:
            for address in self.pinned_addresses:
                self._dns_host = address
                try:
                    return super()._new_conn()
                except urllib3.exceptions.ConnectTimeoutError as e:  # refused or timed out
                    error = e
            raise error
        finally:
            self._dns_host = name


class _PinnedHTTPConnection(_PinnedConnectionMixin, urllib3.connection.HTTPConnection):
    pass


class _PinnedHTTPSConnection(_PinnedConnectionMixin, urllib3.connection.HTTPSConnection):
    pass


class _PinnedPoolMixin:
    pinned_addresses: list[str] | None = None

    def _new_conn(self):
        conn = super()._new_conn()
        conn.pinned_addresses = self.pinned_addresses
        return conn


class _PinnedHTTPPool(_PinnedPoolMixin, urllib3.HTTPConnectionPool):
    ConnectionCls = _PinnedHTTPConnection


class _PinnedHTTPSPool(_PinnedPoolMixin, urllib3.HTTPSConnectionPool):
    ConnectionCls = _PinnedHTTPSConnection


class GuardedAdapter(requests.adapters.HTTPAdapter):
    """The transport of the harvesters: each request (each redirect hop included) resolves its
    host once, is refused when an address is not allowed, and connects to the checked address.

    Through a proxy, the proxy connects: the name is still checked, the connection not pinned."""

    def __init__(self, allow_private: bool, resolve: Callable = socket.getaddrinfo,
                 address_allowed: Callable[[str], bool] | None = None):
        self.allow_private = allow_private
        self.resolve = resolve
        self.address_allowed = address_allowed
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _PinnedHTTPPool,
                                                   "https": _PinnedHTTPSPool}

    def get_connection_with_tls_context(self, request, verify, proxies=None, cert=None):
        addresses = vetted_addresses(request.url, self.allow_private, self.resolve,
                                     self.address_allowed)
        pool = super().get_connection_with_tls_context(request, verify, proxies, cert)
        if isinstance(pool, _PinnedPoolMixin):
            # idle connections of the pool go to an address checked before; new ones to these
            pool.pinned_addresses = addresses
        return pool


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


class HttpClient:
    def __init__(
        self,
        settings: HttpSettings | None = None,
        sleep: Callable = time.sleep,
        resolve: Callable = socket.getaddrinfo,
        address_allowed: Callable[[str], bool] | None = None,
    ):
        self.settings = settings or HttpSettings()
        self.sleep = sleep
        self.session = requests.Session()
        adapter = GuardedAdapter(self.settings.allow_private, resolve, address_allowed)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers["Accept-Encoding"] = "identity"

    def close(self) -> None:
        self.session.close()

    # -- raw bytes -------------------------------------------------------------------------
    def get_bytes(self, url: str, params: dict | None = None, headers: dict | None = None):
        """GET ``url`` following redirects one hop at a time (each hop checked).

        Returns ``(body: bytes, response)``; raises :class:`RemoteError`.
        """
        s = self.settings
        attempt = 0
        while True:
            try:
                return self._get_following_redirects(url, params, headers)
            except _Retryable as r:
                attempt += 1
                if attempt > s.retries:
                    raise r.error from None
                wait = r.retry_after
                if wait is None:
                    wait = s.backoff * (2 ** (attempt - 1))
                if wait > s.max_retry_after:
                    raise RemoteError(
                        ngettext(
                            "{url} asks to wait {seconds} second before trying again; "
                            "the harvest will try again at its next run.",
                            "{url} asks to wait {seconds} seconds before trying again; "
                            "the harvest will try again at its next run.",
                            int(wait),
                        ).format(url=url, seconds=number(int(wait))),
                        url,
                        r.error.status,
                    ) from None
                self.sleep(wait)

    def _get_following_redirects(self, url, params, headers):
        s = self.settings
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            check_scheme(current)  # the transport checks and pins the address
            try:
                resp = self.session.get(
                    current,
                    params=params,
                    headers=headers,
                    timeout=s.timeout,
                    stream=True,
                    allow_redirects=False,
                )
            except requests.Timeout as e:
                raise _Retryable.of(
                    ngettext(
                        "{url} did not answer within {seconds} second.",
                        "{url} did not answer within {seconds} seconds.",
                        int(s.timeout),
                    ).format(url=current, seconds=number(s.timeout)),
                    current,
                ) from e
            except requests.RequestException as e:
                raise _Retryable.of(
                    _("{url} cannot be reached ({error}).").format(
                        url=current, error=type(e).__name__
                    ),
                    current,
                ) from e
            params = None  # the query string is part of the redirect location from here on
            if resp.is_redirect:
                location = resp.headers.get("Location", "")
                resp.close()
                current = urljoin(current, location)
                continue
            try:
                if resp.status_code >= 400:
                    error = RemoteError(
                        _("{url} answered with the HTTP error {status}.").format(
                            url=current, status=resp.status_code
                        ),
                        current,
                        resp.status_code,
                    )
                    if resp.status_code in RETRY_STATUSES:
                        wait = retry_after_seconds(resp.headers.get("Retry-After"))
                        raise _Retryable(error, wait)
                    raise error
                return self._read_capped(resp, current), resp
            finally:
                resp.close()
        raise RemoteError(_("{url} redirects too many times.").format(url=url), url)

    def _read_capped(self, resp, url) -> bytes:
        cap = self.settings.max_bytes
        declared = resp.headers.get("Content-Length")
        too_big = RemoteError(
            _("The answer of {url} is larger than the limit of {size} (an administrator can "
              "raise it: ckanext.poitiers.harvest.max_response_bytes).").format(
                url=url, size=size(cap)
            ),
            url,
            reason="size",
        )
        if declared and declared.isdigit() and int(declared) > cap:
            raise too_big
        chunks, total = [], 0
        try:
            for chunk in resp.iter_content(chunk_size=65536):
                total += len(chunk)
                if total > cap:
                    raise too_big
                chunks.append(chunk)
        except requests.RequestException as e:
            raise _Retryable.of(
                _("The answer of {url} was interrupted ({error}).").format(
                    url=url, error=type(e).__name__
                ),
                url,
            ) from e
        return b"".join(chunks)

    # -- decoded ---------------------------------------------------------------------------
    def get_text(self, url: str, params: dict | None = None, headers: dict | None = None) -> str:
        body, _resp = self.get_bytes(url, params, headers)
        return decode_utf8(body, url)

    def get_json(self, url: str, params: dict | None = None):
        text = self.get_text(url, params, {"Accept": "application/json"})
        return parse_json(text, url)


class _Retryable(Exception):
    """A failure worth another try (timeout, connection error, 429, 5xx), carrying the
    :class:`RemoteError` to raise when the tries are exhausted."""

    def __init__(self, error: RemoteError, retry_after: float | None = None):
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after

    @classmethod
    def of(cls, message: str, url: str) -> _Retryable:
        return cls(RemoteError(message, url))


def decode_utf8(body: bytes, url: str = "") -> str:
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise RemoteError(
            _("The answer of {url} is not valid UTF-8 text (byte {position}).").format(
                url=url, position=e.start
            ),
            url,
        ) from e


def parse_json(text: str, url: str = ""):
    try:
        return json.loads(text)
    except ValueError as e:
        raise RemoteError(
            _("The answer of {url} is not valid JSON (truncated or damaged?): {error}").format(
                url=url, error=e
            ),
            url,
        ) from e
