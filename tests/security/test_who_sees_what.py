"""What an anonymous visitor, a member of another organisation, an editor and an admin of the
owning organisation see of a private, a draft and a deleted dataset, on every page and endpoint
the portal's plugins serve or change: search (with its correction and « Vouliez-vous dire … »),
autocomplete, home page, sitemap, organisation page, DCAT catalogue and dataset endpoints in
every format, the request form. Real PostgreSQL and Solr, through the Flask app."""
from __future__ import annotations

import pytest
from ckan import model
from ckan.plugins import toolkit
from ckan.tests import factories

pytestmark = [pytest.mark.integration]

EU = "http://publications.europa.eu/resource/authority/"
FORMATS = ("ttl", "rdf", "xml", "jsonld", "n3")
ROLES = ("anonymous", "other_member", "editor", "admin")
# who may see the private dataset (CKAN's rule: members of its organisation)
SEES_PRIVATE = {"anonymous": False, "other_member": False, "editor": True, "admin": True}


@pytest.fixture
def portal(clean_db, clean_index, migrate_db_for):
    migrate_db_for("poitiers_theme")
    users = {role: factories.User() for role in ROLES[1:]}
    org = factories.Organization(name="ville-de-poitiers", title="Ville de Poitiers", users=[
        {"name": users["editor"]["name"], "capacity": "editor"},
        {"name": users["admin"]["name"], "capacity": "admin"}])
    factories.Organization(name="autre", users=[
        {"name": users["other_member"]["name"], "capacity": "admin"}])

    def make(name, title, tag, context=None, **kw):
        data = {"theme": [EU + "data-theme/GOVE"], "communes": ["86194"],
                "frequency": EU + "frequency/MONTHLY", "personal_data": "none",
                "license_id": "lov2", "notes": f"Les données {tag}.", "owner_org": org["id"],
                "name": name, "title": title, "tags": [{"name": tag}],
                "resources": [{"url": f"https://data.example.org/{name}.csv", "format": "CSV"}]}
        data.update(kw)
        return toolkit.get_action("package_create")(
            dict(context or {}, user=users["editor"]["name"]), data)

    make("horodateurs", "Horodateurs", "stationnement")
    private = make("subventions-zorglub", "Subventions Zorglub", "zorglub", private=True)
    # as the dataset form saves its first step
    draft = make("brouillon-quetzalcoatl", "Brouillon Quetzalcoatl", "quetzalcoatl",
                 state="draft", context={"allow_state_change": True})
    assert draft["state"] == "draft"
    gone = make("ancien-wombatique", "Ancien Wombatique", "wombatique")
    toolkit.get_action("package_delete")({"user": users["admin"]["name"]}, {"id": gone["id"]})
    tokens = {role: factories.APIToken(user=user["name"])["token"]
              for role, user in users.items()}
    return {"tokens": tokens, "private": private, "draft": draft, "gone": gone}


def _headers(portal, role):
    return {"Authorization": portal["tokens"][role]} if role != "anonymous" else {}


def _get(app, portal, role, url, **kw):
    return app.get(url, headers=_headers(portal, role), **kw)


NEVER = ("quetzalcoatl", "wombatique")  # a draft or a deleted dataset: on no public page


@pytest.mark.parametrize("role", ROLES)
def test_search_and_its_suggestions(app, portal, role):
    # the search page, its correction of a misspelt word and its autocomplete
    page = _get(app, portal, role, "/dataset/", query_string={"q": "zorglib"})
    assert page.status_code == 200
    assert ("Subventions Zorglub" in page.body) is SEES_PRIVATE[role]
    assert ("zorglub" in page.body.replace("zorglib", "")) is SEES_PRIVATE[role]
    for word in ("quetzalcoatl", "wombatique"):
        misspelt = word[:-2] + "ie"
        page = _get(app, portal, role, "/dataset/", query_string={"q": misspelt})
        assert word not in page.body.lower()
        page = _get(app, portal, role, "/dataset/",
                    query_string={"q": misspelt, "ext_poitiers_exact": "1"})
        assert word not in page.body.lower()
    api = _get(app, portal, role, "/api/3/action/package_search",
               query_string={"q": "zorglib", "include_private": "true",
                             "include_drafts": "true"}).json["result"]
    assert (api.get("poitiers_corrected_to") == "zorglub") is SEES_PRIVATE[role]
    for prefix, word in (("zorg", "zorglub"), ("quetz", "quetzalcoatl"), ("womb", "wombatique")):
        found = _get(app, portal, role, "/api/3/action/poitiers_autocomplete",
                     query_string={"q": prefix}).json["result"]
        seen = bool(found["datasets"] or found["keywords"])
        assert seen is (word == "zorglub" and SEES_PRIVATE[role]), (prefix, found)


@pytest.mark.parametrize("role", ROLES)
def test_public_pages(app, portal, role):
    for url in ("/", "/sitemap.xml", "/dataset/", "/organization/",
                "/contribuer?kind=problem&dataset=subventions-zorglub",
                "/contribuer?kind=problem&dataset=brouillon-quetzalcoatl"):
        body = _get(app, portal, role, url).body.lower()
        for word in NEVER + ("zorglub",):
            if url.startswith("/contribuer") and word in url:
                body = body.replace(url.split("dataset=")[1], "")  # the address typed, echoed
            if url == "/dataset/" and word == "zorglub" and SEES_PRIVATE[role]:
                continue  # members find their organisation's private datasets
            if url.startswith("/contribuer") and word == "zorglub" and SEES_PRIVATE[role]:
                continue  # a problem with their private dataset: the form names it
            assert word not in body, (url, word)
    org_page = _get(app, portal, role, "/organization/ville-de-poitiers").body
    assert ("Subventions Zorglub" in org_page) is SEES_PRIVATE[role]
    assert "Quetzalcoatl" not in org_page and "Wombatique" not in org_page


@pytest.mark.parametrize("role", ROLES)
def test_dcat_catalogue_and_dataset_endpoints(app, portal, role):
    for fmt in FORMATS:
        catalogue = _get(app, portal, role, f"/catalog.{fmt}")
        assert catalogue.status_code == 200
        assert "horodateurs" in catalogue.body
        # the catalogue is the public catalogue, whoever asks
        body = catalogue.body.lower()
        assert not [word for word in NEVER + ("zorglub",) if word in body], fmt
        # filters asking for more give nothing more to whoever may not read it (CKAN's
        # permission labels; a member of the organisation may read its drafts and private ones)
        if not SEES_PRIVATE[role]:
            for query in ({"q": "zorglub"}, {"fq": "+state:draft"}, {"fq": "+state:deleted"},
                          {"fq": "capacity:private"}, {"fq": "+dataset_type:*"}):
                body = _get(app, portal, role, f"/catalog.{fmt}",
                            query_string=query).body.lower()
                assert not [word for word in NEVER + ("zorglub",) if word in body], query
        private = _get(app, portal, role, f"/dataset/subventions-zorglub.{fmt}")
        assert (private.status_code == 200) is SEES_PRIVATE[role]
        if not SEES_PRIVATE[role]:
            assert private.status_code in (403, 404)
            assert "zorglub" not in private.body.lower().replace("subventions-zorglub", "")
            for name in ("brouillon-quetzalcoatl", "ancien-wombatique"):
                res = _get(app, portal, role, f"/dataset/{name}.{fmt}")
                assert res.status_code in (403, 404), (name, fmt, res.status_code)


def test_the_catalogue_hides_harvest_sources(app, portal):
    site_user = toolkit.get_action("get_site_user")({"ignore_auth": True}, {})
    toolkit.get_action("harvest_source_create")({"user": site_user["name"]}, {
        "name": "moissonnage-xylophage", "title": "Catalogue xylophage",
        "url": "http://127.0.0.1:9/catalogue", "source_type": "poitiers_dcat",
        "owner_org": model.Group.get("ville-de-poitiers").id, "frequency": "MANUAL"})
    for fmt in FORMATS:
        assert "xylophage" not in app.get(f"/catalog.{fmt}").body
    assert "xylophage" not in app.get("/sitemap.xml").body
    found = app.get("/api/3/action/poitiers_autocomplete", query_string={"q": "xylo"}).json
    assert found["result"] == {"datasets": [], "keywords": []}
