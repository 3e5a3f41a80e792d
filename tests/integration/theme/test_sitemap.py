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


def test_sitemap_is_capped_at_the_protocol_limit(app, make_dataset, monkeypatch):
    monkeypatch.setattr(sitemap, "MAX_URLS", len(sitemap.PAGES) + 1 + 2)
    org = factories.Organization()
    for i in range(4):
        make_dataset(owner_org=org["id"], name=f"jeu-{i}")
    urls = _urls(app)
    assert len(urls) == sitemap.MAX_URLS
    assert len([u for u in urls if "/dataset/jeu-" in u]) == 2


def test_robots_txt_points_to_the_sitemap(app):
    body = app.get("/robots.txt").body
    site = toolkit.config["ckan.site_url"].rstrip("/")
    assert f"Sitemap: {site}/sitemap.xml" in body
    assert "Disallow: /api/" in body  # CKAN's rules are kept
