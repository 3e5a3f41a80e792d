"""/sitemap.xml and robots.txt: public, published datasets only, with the real Solr."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from ckan.plugins import toolkit
from ckan.tests import factories

from ckanext.poitiers import sitemap

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("theme_db", "with_plugins")]
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _urls(app) -> dict[str, str | None]:
    res = app.get("/sitemap.xml")
    assert res.status_code == 200
    assert res.headers["Content-Type"].startswith("application/xml")
    root = ET.fromstring(res.body)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    return {u.findtext("s:loc", namespaces=NS): u.findtext("s:lastmod", namespaces=NS)
            for u in root.findall("s:url", NS)}


def test_sitemap_lists_public_datasets_only(app, make_dataset):
    org = factories.Organization(name="grand-poitiers", title="Grand Poitiers")
    public = make_dataset(owner_org=org["id"], name="parkings-temps-reel",
                          title="Parkings en temps réel")
    make_dataset(owner_org=org["id"], name="budget-prive", title="Budget privé", private=True)
    make_dataset(owner_org=org["id"], name="brouillon", title="Brouillon", state="draft")
    gone = make_dataset(owner_org=org["id"], name="supprime", title="Supprimé")
    site_user = toolkit.get_action("get_site_user")({"ignore_auth": True}, {})
    toolkit.get_action("package_delete")({"user": site_user["name"]}, {"id": gone["id"]})
    toolkit.get_action("harvest_source_create")({"user": site_user["name"]}, {
        "name": "moissonnage-exemple", "title": "Catalogue d’exemple",
        "url": "http://127.0.0.1:9/catalogue", "source_type": "poitiers_dcat",
        "owner_org": org["id"], "frequency": "MANUAL"})

    urls = _urls(app)
    site = toolkit.config["ckan.site_url"].rstrip("/")
    datasets = {u for u in urls if u.startswith(f"{site}/dataset/") and u != f"{site}/dataset/"}
    assert datasets == {f"{site}/dataset/parkings-temps-reel"}
    assert urls[f"{site}/dataset/parkings-temps-reel"] == public["metadata_modified"][:10]
    assert f"{site}/organization/grand-poitiers" in urls
    for path in ("/", "/dataset/", "/accessibilite", "/mentions-legales", "/a-propos",
                 "/contribuer"):
        assert site + path in urls, path
    assert not any(word in u for u in urls
                   for word in ("budget", "brouillon", "supprime", "moissonnage"))


def test_sitemap_pages_through_search_results(app, make_dataset, monkeypatch):
    monkeypatch.setattr(sitemap, "PAGE", 2)  # three search pages for five datasets
    org = factories.Organization()
    names = {f"jeu-{i}" for i in range(5)}
    for name in names:
        make_dataset(owner_org=org["id"], name=name)
    site = toolkit.config["ckan.site_url"].rstrip("/")
    assert {u for u in _urls(app) if "/dataset/jeu-" in u} == {
        f"{site}/dataset/{n}" for n in names}


def test_over_the_protocol_limit_an_index_lists_every_url(app, make_dataset, monkeypatch):
    # was: the sitemap stopped at 50,000 URLs and the other datasets were never listed
    monkeypatch.setattr(sitemap, "MAX_URLS", len(sitemap.PAGES) + 1 + 2)
    monkeypatch.setattr(sitemap, "PAGE", 2)
    org = factories.Organization(name="producteur")
    names = {f"jeu-{i}" for i in range(7)}
    for name in names:
        make_dataset(owner_org=org["id"], name=name)
    site = toolkit.config["ckan.site_url"].rstrip("/")
    res = app.get("/sitemap.xml")
    assert res.status_code == 200
    root = ET.fromstring(res.body)
    assert root.tag == f"{{{NS['s']}}}sitemapindex"
    files = [loc.text for loc in root.findall("s:sitemap/s:loc", NS)]
    # 7 pages + 1 organization + 7 datasets = 15 URLs, 10 a file
    assert files == [f"{site}/sitemap-1.xml", f"{site}/sitemap-2.xml"]
    listed: list[str] = []
    for number in (1, 2):
        part = ET.fromstring(app.get(f"/sitemap-{number}.xml").body)
        assert part.tag == f"{{{NS['s']}}}urlset"
        locs = [u.findtext("s:loc", namespaces=NS) for u in part.findall("s:url", NS)]
        assert len(locs) <= sitemap.MAX_URLS
        listed += locs
    assert len(listed) == len(set(listed)) == 15
    assert {u for u in listed if "/dataset/jeu-" in u} == {f"{site}/dataset/{n}" for n in names}
    assert f"{site}/organization/producteur" in listed
    for missing in ("/sitemap-3.xml", "/sitemap-0.xml", "/sitemap-x.xml"):
        assert app.get(missing).status_code == 404, missing


def test_under_the_limit_the_first_file_is_the_whole_sitemap(app, make_dataset):
    make_dataset(name="jeu-seul")
    assert app.get("/sitemap-1.xml").body == app.get("/sitemap.xml").body
    assert app.get("/sitemap-2.xml").status_code == 404


def test_groups_are_listed_when_the_portal_has_some(app, make_dataset):
    factories.Group(name="mobilites")
    urls = _urls(app)
    site = toolkit.config["ckan.site_url"].rstrip("/")
    assert f"{site}/group/mobilites" in urls and f"{site}/group/" in urls


def test_without_groups_no_groups_page(app):
    site = toolkit.config["ckan.site_url"].rstrip("/")
    assert not any(u.startswith(f"{site}/group") for u in _urls(app))


def test_organizations_past_the_first_thousand_are_listed(app, monkeypatch):
    monkeypatch.setattr(sitemap, "LIST_PAGE", 2)  # CKAN's organization_list gives 1,000 a call
    for i in range(5):
        factories.Organization(name=f"producteur-{i}")
    site = toolkit.config["ckan.site_url"].rstrip("/")
    urls = _urls(app)
    assert {u for u in urls if "/organization/producteur-" in u} == {
        f"{site}/organization/producteur-{i}" for i in range(5)}


def test_values_are_entity_escaped_as_the_protocol_asks():
    assert sitemap.escape("""a&b<c>'d"e""") == "a&amp;b&lt;c&gt;&apos;d&quot;e"
    body = sitemap.render([("https://x.fr/?a=1&b='2'", "2024-01-02")])
    root = ET.fromstring(body)
    assert root.findtext("s:url/s:loc", namespaces=NS) == "https://x.fr/?a=1&b='2'"
    assert "&apos;2&apos;" in body


def test_solr_down_is_a_clean_503_not_an_error_page(app, solr_down):
    for path in ("/sitemap.xml", "/sitemap-1.xml"):
        res = app.get(path)
        assert res.status_code == 503, path
        assert res.headers["Retry-After"].isdigit()
        assert res.headers["Content-Type"].startswith("text/plain")
        assert "no-store" in res.headers["Cache-Control"]
        assert "Traceback" not in res.body and "<html" not in res.body
        assert "indisponible" in res.body or "unavailable" in res.body


def test_anonymous_list_even_for_a_logged_in_sysadmin(app, make_dataset):
    org = factories.Organization()
    make_dataset(owner_org=org["id"], name="secret", private=True)
    make_dataset(owner_org=org["id"], name="ouvert")
    token = factories.SysadminWithToken()["token"]
    body = app.get("/sitemap.xml", headers={"Authorization": token}).body
    assert "/dataset/ouvert" in body and "/dataset/secret" not in body


def test_robots_txt_points_to_the_sitemap(app):
    body = app.get("/robots.txt").body
    site = toolkit.config["ckan.site_url"].rstrip("/")
    assert f"Sitemap: {site}/sitemap.xml" in body
    assert "Disallow: /api/" in body  # CKAN's rules are kept
