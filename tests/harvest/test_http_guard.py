"""The SSRF guard of the harvesters' HTTP client against a real local HTTP server: names that
lead to private addresses, redirects to them, and connections pinned to the checked address
(a second resolution, as in DNS rebinding, cannot move them)."""
from __future__ import annotations

import socket

import pytest
from werkzeug import Response

from ckanext.poitiers.harvesters.http import HttpClient, HttpSettings, RemoteError

FAST = {"timeout": 2.0, "retries": 0, "backoff": 0.01}


class Resolver:
    """A DNS stand-in: answers each name with the next list of addresses it was given (the last
    one again once exhausted), and counts the questions."""

    def __init__(self, answers: dict[str, list[list[str]]]):
        self.answers = answers
        self.asked: list[str] = []

    def __call__(self, host, port, proto=0):
        self.asked.append(host)
        if host not in self.answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        queue = self.answers[host]
        ips = queue.pop(0) if len(queue) > 1 else queue[0]
        return [(socket.AF_INET, socket.SOCK_STREAM, proto, "", (ip, port)) for ip in ips]


def test_a_name_that_resolves_to_loopback_is_refused(httpserver):
    httpserver.expect_request("/data").respond_with_json({"ok": True})
    client = HttpClient(HttpSettings(allow_private=False, **FAST))
    with pytest.raises(RemoteError, match="adresse de réseau privé ou local"):
        client.get_json(f"http://localhost:{httpserver.port}/data")
    assert httpserver.log == []  # refused before any connection


@pytest.mark.ckan_config("ckanext.poitiers.harvest.allow_private_addresses", "true")
def test_loopback_is_allowed_when_the_configuration_allows_private_addresses(httpserver):
    httpserver.expect_request("/data").respond_with_json({"ok": True})
    settings = HttpSettings.from_config()
    assert settings.allow_private
    client = HttpClient(settings)
    assert client.get_json(f"http://localhost:{httpserver.port}/data") == {"ok": True}


@pytest.mark.parametrize("ip", ["100.100.100.200", "::ffff:100.100.100.200",
                                "2002:a9fe:a9fe::1"])
def test_shared_and_wrapped_metadata_addresses_are_refused(httpserver, ip):
    # Alibaba Cloud's metadata service (shared address space 100.64.0.0/10), also wrapped in
    # IPv6 (IPv4-mapped; 6to4 of 169.254.169.254)
    httpserver.expect_request("/data").respond_with_json({"ok": True})
    client = HttpClient(HttpSettings(allow_private=False, **FAST),
                        resolve=Resolver({"metadata.test": [[ip]]}))
    with pytest.raises(RemoteError, match=r"adresse de réseau privé ou local \(" + ip.replace(
            ".", r"\.")):
        client.get_json(f"http://metadata.test:{httpserver.port}/data")
    assert httpserver.log == []


def test_a_redirect_to_a_private_address_is_refused(httpserver):
    # the catalogue's own address counts as public here (a real public server cannot run in a
    # test); its redirect to the cloud metadata address must be refused before connecting
    httpserver.expect_request("/data").respond_with_response(
        Response(status=302, headers={"Location": "http://metadata.internal/latest/"}))
    resolver = Resolver({"catalogue.test": [["127.0.0.1"]],
                         "metadata.internal": [["169.254.169.254"]]})
    client = HttpClient(HttpSettings(allow_private=False, **FAST), resolve=resolver,
                        address_allowed=lambda ip: ip == "127.0.0.1")
    with pytest.raises(RemoteError, match=r"adresse de réseau privé ou local \(169\.254"):
        client.get_json(f"http://catalogue.test:{httpserver.port}/data")
    assert len(httpserver.log) == 1
    assert resolver.asked == ["catalogue.test", "metadata.internal"]


def test_the_connection_goes_to_the_checked_address_not_a_second_answer(httpserver):
    # DNS rebinding: the first answer is the checked one, later answers point elsewhere. The
    # client asks once and connects there, with the name in the Host header.
    httpserver.expect_request("/data").respond_with_json({"ok": True})
    resolver = Resolver({"rebind.test": [["127.0.0.1"], ["10.0.0.1"]]})
    client = HttpClient(HttpSettings(allow_private=False, **FAST), resolve=resolver,
                        address_allowed=lambda ip: ip == "127.0.0.1")
    assert client.get_json(f"http://rebind.test:{httpserver.port}/data") == {"ok": True}
    assert resolver.asked == ["rebind.test"]
    request, _response = httpserver.log[0]
    assert request.headers["Host"] == f"rebind.test:{httpserver.port}"
    # the next request asks again, gets the private answer and is refused
    with pytest.raises(RemoteError, match=r"réseau privé ou local \(10\.0\.0\.1\)"):
        client.get_json(f"http://rebind.test:{httpserver.port}/data")
    assert len(httpserver.log) == 1


def test_a_redirect_is_checked_and_followed_to_an_allowed_address(httpserver):
    httpserver.expect_request("/old").respond_with_response(
        Response(status=301, headers={"Location": f"http://new.test:{httpserver.port}/new"}))
    httpserver.expect_request("/new").respond_with_json({"moved": True})
    resolver = Resolver({"old.test": [["127.0.0.1"]], "new.test": [["127.0.0.1"]]})
    client = HttpClient(HttpSettings(allow_private=False, **FAST), resolve=resolver,
                        address_allowed=lambda ip: ip == "127.0.0.1")
    assert client.get_json(f"http://old.test:{httpserver.port}/old") == {"moved": True}
    assert resolver.asked == ["old.test", "new.test"]
    assert httpserver.log[1][0].headers["Host"] == f"new.test:{httpserver.port}"


@pytest.fixture
def tls_server(tmp_path):
    """A local HTTPS server whose certificate names ``secure.test`` (signed by a throw-away CA
    made with the openssl command)."""
    import shutil
    import ssl
    import subprocess

    from pytest_httpserver import HTTPServer

    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate")

    def openssl(*args):
        subprocess.run(["openssl", *args], cwd=tmp_path, check=True, capture_output=True)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key",
            "-out", "ca.pem", "-days", "2", "-subj", "/CN=Poitiers test CA")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr",
            "-subj", "/CN=secure.test")
    (tmp_path / "ext.cnf").write_text(
        "subjectAltName=DNS:secure.test\nbasicConstraints=CA:FALSE\n"
        "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n")
    openssl("x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "leaf.pem", "-days", "2", "-extfile", "ext.cnf")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "leaf.pem", tmp_path / "leaf.key")
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=context)
    server.start()
    yield server, str(tmp_path / "ca.pem")
    server.clear()
    server.stop()


def test_https_keeps_sni_and_certificate_checks_of_the_name(tls_server, monkeypatch):
    server, ca = tls_server
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", ca)  # how a portal trusts a private CA
    server.expect_request("/data").respond_with_json({"secure": True})
    resolver = Resolver({"secure.test": [["127.0.0.1"]], "other.test": [["127.0.0.1"]]})
    client = HttpClient(HttpSettings(allow_private=False, **FAST), resolve=resolver,
                        address_allowed=lambda ip: ip == "127.0.0.1")
    # connected to 127.0.0.1, verified as secure.test
    assert client.get_json(f"https://secure.test:{server.port}/data") == {"secure": True}
    # the same address under another name: the certificate does not match, refused
    with pytest.raises(RemoteError, match="SSLError"):
        client.get_json(f"https://other.test:{server.port}/data")
    assert len(server.log) == 1


def test_the_checked_addresses_are_tried_in_order(httpserver):
    # nothing listens on 127.0.0.2 (the server is bound to 127.0.0.1): the next checked
    # address is tried, as a plain connection would do with the answers of the name
    httpserver.expect_request("/data").respond_with_json({"ok": True})
    resolver = Resolver({"two.test": [["127.0.0.2", "127.0.0.1"]]})
    client = HttpClient(HttpSettings(allow_private=False, **FAST), resolve=resolver,
                        address_allowed=lambda ip: ip.startswith("127."))
    assert client.get_json(f"http://two.test:{httpserver.port}/data") == {"ok": True}
    assert resolver.asked == ["two.test"]
