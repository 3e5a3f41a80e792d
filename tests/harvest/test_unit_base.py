"""Pure parts of the harvest base: HTTP client rules, source configuration, sanitising, merge."""
from __future__ import annotations

import socket

import pytest

from ckanext.poitiers.harvesters import config
from ckanext.poitiers.harvesters.base import content_hash, merge_local_edits
from ckanext.poitiers.harvesters.common_mapping import tags, temporal
from ckanext.poitiers.harvesters.http import (
    RemoteError,
    address_is_public,
    check_url,
    decode_utf8,
    parse_json,
    retry_after_seconds,
)
from ckanext.poitiers.harvesters.sanitize import clean_html, plain_text


@pytest.mark.parametrize(
    "ip,public",
    [
        ("93.184.216.34", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("192.168.1.1", False),
        ("172.16.0.5", False),
        ("169.254.169.254", False),  # cloud metadata service
        ("::1", False),
        ("fe80::1", False),
        ("::ffff:127.0.0.1", False),
        ("0.0.0.0", False),
        ("2a00:1450:4007:80e::200e", True),
        # shared address space (carrier-grade NAT), where Alibaba Cloud answers its metadata
        ("100.64.0.1", False),
        ("100.100.100.200", False),
        ("::ffff:100.100.100.200", False),
        ("::ffff:93.184.216.34", True),
        # 6to4 and NAT64 carry an IPv4 address: judged by it
        ("2002:a9fe:a9fe::1", False),  # 169.254.169.254
        ("2002:0a00:0001::1", False),  # 10.0.0.1
        ("2002:5db8:d822::1", True),  # 93.184.216.34
        ("64:ff9b::a9fe:a9fe", False),
        ("64:ff9b::5db8:d822", True),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", False),  # Teredo
        ("::a9fe:a9fe", False),  # IPv4-compatible (deprecated)
        ("fec0::1", False),  # site-local (deprecated)
        ("fc00::1", False),
        ("fe80::1%eth0", False),
        ("224.0.0.1", False),
        ("ff02::1", False),
        ("192.0.2.1", False),  # documentation
        ("198.18.0.1", False),  # benchmarking
        ("240.0.0.1", False),
        ("255.255.255.255", False),
        ("not-an-address", False),
    ],
)
def test_address_is_public(ip, public):
    assert address_is_public(ip) is public


def _resolver(ip):
    def resolve(host, port, proto=0):
        return [(socket.AF_INET, socket.SOCK_STREAM, proto, "", (ip, port))]

    return resolve


def test_check_url_refuses_private_hosts_unless_allowed():
    with pytest.raises(RemoteError, match="réseau privé ou local"):
        check_url("http://intranet.example/data", False, _resolver("10.0.0.7"))
    check_url("http://intranet.example/data", True, _resolver("10.0.0.7"))
    check_url("https://data.example/data", False, _resolver("93.184.216.34"))


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "gopher://x", "http://"])
def test_check_url_refuses_other_schemes(url):
    with pytest.raises(RemoteError, match="n’est pas une URL http ou https"):
        check_url(url, True)


def test_retry_after_seconds_and_http_date():
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("soon") is None
    # an HTTP date 30 s after "now"
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:30 GMT", now=1445412480.0) == 30.0


def test_decoding_errors_are_french():
    with pytest.raises(RemoteError, match="UTF-8"):
        decode_utf8(b'{"title": "Poitiers \xff"}', "http://x")
    with pytest.raises(RemoteError, match="JSON valide"):
        parse_json('{"count": 3, "results": [{"id"', "http://x")
    assert decode_utf8("\ufeff{}".encode()) == "{}"


OPTIONS = {
    "page_size": config.Option(int, default=100, minimum=1, maximum=1000),
    "filters": config.Option(dict, default={}),
    "preserve_fields": config.Option(list, default=[]),
}


def test_config_defaults_and_values():
    assert config.parse("", OPTIONS) == {"page_size": 100, "filters": {}, "preserve_fields": []}
    assert config.parse('{"page_size": 5}', OPTIONS)["page_size"] == 5


def test_config_describe():
    options = {"page_size": config.Option(int, default=100, minimum=1, maximum=1000,
                                          help="Datasets asked for at each request."),
               "filters": config.Option(dict, default={"owner": "Ville d’é"}),
               "rdf_format": config.Option(str, default="", choices=("", "xml", "nt"))}
    # in French (the default gettext: the portal's default language)
    assert config.describe(options) == [
        {"name": "page_size", "type": "un nombre entier", "default": "100",
         "help": "Nombre de jeux de données demandés à chaque requête.", "minimum": 1,
         "maximum": 1000, "choices": []},
        {"name": "filters", "type": "un objet de textes", "default": '{"owner": "Ville d’é"}',
         "help": "", "minimum": None, "maximum": None, "choices": []},
        {"name": "rdf_format", "type": "un texte", "default": '""', "help": "",
         "minimum": None, "maximum": None, "choices": ["xml", "nt"]},
    ]
    # the page's gettext when the form calls it
    english = config.describe(options, gettext=lambda text: text)
    assert [(d["type"], d["help"]) for d in english] == [
        ("an integer", "Datasets asked for at each request."),
        ("an object of texts", ""), ("a text", "")]


@pytest.mark.parametrize(
    "text,message",
    [
        ("{page_size: 5}", "n’est pas du JSON valide"),
        ("[1, 2]", "doit être un objet JSON"),
        ('{"page_size": "cent"}', "«\u00a0page_size\u00a0» doit être un nombre entier"),
        ('{"page_size": 0}', "«\u00a0page_size\u00a0» doit valoir au moins 1"),
        ('{"page_size": 5000}', "«\u00a0page_size\u00a0» doit valoir au plus 1000"),
        ('{"pagesize": 5}', "Options inconnues\u00a0: pagesize"),
        ('{"preserve_fields": "notes"}', "«\u00a0preserve_fields\u00a0» doit être une liste de "
                                         "textes"),
    ],
)
def test_config_errors_are_french(text, message):
    with pytest.raises(config.ConfigError, match=message):
        config.parse(text, OPTIONS)


def test_clean_html_drops_scripts_handlers_and_javascript_links():
    dirty = (
        '<p onclick="alert(1)">Bonjour <strong>Poitiers</strong></p><script>alert(1)</script>'
        '<a href="javascript:alert(1)">x</a><img src=x onerror=alert(1)><style>p{}</style>'
        "\n\n> citation & **gras**"
    )
    clean = clean_html(dirty)
    for bad in ("<script", "onclick", "javascript:", "<img", "onerror", "<style", "alert(1)</"):
        assert bad not in clean
    assert "<strong>Poitiers</strong>" in clean
    assert "> citation & **gras**" in clean


def test_plain_text_strips_every_tag():
    assert plain_text("Bornes <b>à verre</b><script>alert(1)</script>\n  2025") == (
        "Bornes à verre 2025"
    )
    assert plain_text(None) == ""


def test_tags_are_valid_ckan_tags():
    assert tags(["bus", "bus", "l'énergie", "<img src=x onerror=alert(1)>", "a", "x" * 150]) == [
        {"name": "bus"},
        {"name": "énergie"},
        {"name": "x" * 100},
    ]


def test_temporal():
    assert temporal("2023-01-01T00:00:00Z", None) == [{"start": "2023-01-01"}]
    assert temporal(None, "") == []


def test_content_hash_is_order_independent():
    assert content_hash({"a": 1, "b": [1, 2]}) == content_hash({"b": [1, 2], "a": 1})
    assert content_hash({"a": 1}) != content_hash({"a": 2})


def test_merge_keeps_local_fields_identity_and_resource_ids():
    current = {
        "id": "p1", "name": "local-name", "owner_org": "o", "private": True,
        "title": "Ancien titre", "notes": "Texte réécrit par l'éditeur",
        "purpose": "Savoir où jeter son verre",
        "resources": [{"id": "r1", "url": "http://s/raw", "name": "old"},
                      {"id": "r2", "url": "http://s/gone"}],
    }
    mapped = {
        "name": "remote-slug", "title": "Nouveau titre", "notes": "Texte de la source",
        "private": False,
        "resources": [{"url": "http://s/raw", "name": "new"}, {"url": "http://s/new"}],
    }
    merged = merge_local_edits(current, mapped, ["notes"])
    assert merged["name"] == "local-name" and merged["private"] is True
    assert merged["title"] == "Nouveau titre"
    assert merged["notes"] == "Texte réécrit par l'éditeur"
    assert merged["purpose"] == "Savoir où jeter son verre"
    assert merged["resources"] == [
        {"id": "r1", "url": "http://s/raw", "name": "new"},
        {"url": "http://s/new"},
    ]


def test_markdown_autolinks_survive_the_sanitiser():
    # udata and Data Fair descriptions are Markdown: « <https://…> » is a link, not a tag
    text = ("Documentation : <https://www.data.gouv.fr/fr/datasets/r/abc?x=1&y=2>. "
            "Contact : <opendata@grandpoitiers.fr>, <mailto:sig@poitiers.fr>.")
    assert clean_html(text) == (
        "Documentation : [https://www.data.gouv.fr/fr/datasets/r/abc?x=1&y=2]"
        "(https://www.data.gouv.fr/fr/datasets/r/abc?x=1&y=2). "
        "Contact : [opendata@grandpoitiers.fr](mailto:opendata@grandpoitiers.fr), "
        "[sig@poitiers.fr](mailto:sig@poitiers.fr).")
    # a tag that only looks like an autolink is still removed
    assert clean_html('<javascript:alert(1)> <http://x.fr/"onclick="y>') == ""
