"""A new harvested dataset is dictized once for its activity and its search index
(``harvesters/creation.py``): the activity and the index document stay what CKAN makes.

Through the real path (CKAN 2.12, PostgreSQL, Solr, ckanext-harvest's stages, a local HTTP
server serving a Data Fair catalogue)."""
from __future__ import annotations

import json

import pytest
from ckan import logic as ckan_logic
from ckan import model
from ckan.lib import search
from ckan.lib.dictization import model_dictize
from ckan.plugins import get_plugin, toolkit
from sqlalchemy import inspect as sa_inspect

from ckanext.harvest.model import HarvestObject
from ckanext.poitiers.harvesters import base, creation
from tests.harvest.datafair_server import Catalogue, load_records

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not base.DEFERRED_INDEXING, reason="CKAN 2.12 indexing path only"),
]

# what Solr adds to a document at each indexing
SOLR_OWN_FIELDS = {"_version_", "indexed_ts"}


@pytest.fixture
def harvested(httpserver, make_runner, monkeypatch):
    catalogue = Catalogue(load_records())
    catalogue.url = catalogue.install(httpserver)
    runner = make_runner(get_plugin("poitiers_datafair_harvester"), catalogue.url)
    # the dictizations of datasets while the harvester creates them
    calls, creating = [], []
    dictize, create_dataset = model_dictize.package_dictize, base.create_dataset

    def counting_dictize(pkg, context, *args, **kwargs):
        if creating:
            calls.append(pkg.id)
        return dictize(pkg, context, *args, **kwargs)

    def counting_create(*args, **kwargs):
        creating.append(True)
        try:
            return create_dataset(*args, **kwargs)
        finally:
            creating.pop()

    monkeypatch.setattr(model_dictize, "package_dictize", counting_dictize)
    monkeypatch.setattr(base, "create_dataset", counting_create)
    job, results = runner.run()
    monkeypatch.undo()
    assert [r["errors"] for r in results.values()] == [[], [], []]
    ids = sorted(
        pid for (pid,) in model.Session.query(HarvestObject.package_id)
        .filter(HarvestObject.harvest_source_id == runner.source.id)
        .filter(HarvestObject.package_id.isnot(None))
    )
    assert len(ids) == 3
    return ids, calls


def _plain_show(package_id: str) -> dict:
    """What the activity plugin's package_show returns when the dataset is not in the index."""
    return toolkit.get_action("package_show")(
        {"for_view": False, "ignore_auth": True, "use_cache": False},
        {"id": package_id, "include_tracking": False},
    )


def _solr_document(package_id: str) -> dict:
    doc = dict(search.show(package_id))
    for field in SOLR_OWN_FIELDS:
        doc.pop(field, None)
    # the stored dicts, parsed; their extras in key order: CKAN lists a dataset's extras in
    # the order of the dataset object in memory at its creation, in PostgreSQL's jsonb order
    # once reloaded (a reindex of any dataset created by package_create shows the difference)
    for field in ("data_dict", "validated_data_dict"):
        stored = json.loads(doc[field])
        stored["extras"] = sorted(stored.get("extras") or [], key=lambda e: e["key"])
        doc[field] = stored
    return doc


def test_each_new_dataset_is_dictized_once(harvested):
    ids, calls = harvested
    # one dictization per dataset, shared by its activity and its index document
    assert sorted(calls) == ids


def test_activity_is_the_one_new_package_activity_ckan_records(harvested):
    from ckanext.activity.model import Activity

    ids, _calls = harvested
    for package_id in ids:
        activities = model.Session.query(Activity).filter(Activity.object_id == package_id).all()
        assert [a.activity_type for a in activities] == ["new package"]
        assert activities[0].data["package"] == _plain_show(package_id)
        assert activities[0].data["package"]["resources"]


def test_index_document_is_the_one_ckan_builds(harvested):
    ids, _calls = harvested
    search.commit()
    for package_id in ids:
        ours = _solr_document(package_id)
        # with ckanext-harvest's extras (its before_dataset_index finds the harvest object)
        assert "harvest_object_id" in {e["key"] for e in ours["validated_data_dict"]["extras"]}
        # CKAN's own indexing of the same dataset, with a commit
        ckan_logic.index_update_package({"ignore_auth": True}, package_id)
        assert _solr_document(package_id) == ours
    # searchable
    hits = toolkit.get_action("package_search")({"ignore_auth": True}, {"q": "Vitalis"})
    assert hits["count"] == 1


def test_only_the_activity_call_is_shared(harvested):
    ids, _calls = harvested
    package_id = ids[0]
    expected = _plain_show(package_id)
    expected_both = creation.index_dicts(package_id)

    with creation.creating(package_id) as created:
        # another package_show of the dataset (here the web page's): CKAN's, nothing kept
        shown = toolkit.get_action("package_show")(
            {"ignore_auth": True, "for_view": True}, {"id": package_id}
        )
        assert created.both is None
        assert shown["id"] == package_id
        # the activity's call: the same dict as CKAN's package_show, the index pair kept
        got = toolkit.get_action("package_show")(
            {"for_view": False, "ignore_auth": True},
            {"id": package_id, "include_tracking": False},
        )
        assert created.both == expected_both
        assert got == expected
        assert got is not created.both[1]
        # asked again: CKAN's again
        again = toolkit.get_action("package_show")(
            {"for_view": False, "ignore_auth": True, "use_cache": False},
            {"id": package_id, "include_tracking": False},
        )
        assert again == expected
    # outside a harvester's creation: CKAN's package_show, still free of side effects (GET)
    assert toolkit.get_action("package_show").side_effect_free
    with creation.creating(ids[1]) as created:
        toolkit.get_action("package_show")(
            {"for_view": False, "ignore_auth": True},
            {"id": package_id, "include_tracking": False},
        )
        assert created.both is None


def test_a_creation_known_by_its_name_shares_only_the_activity_call_of_that_dataset(harvested):
    ids, _calls = harvested
    first, second = (model.Package.get(pid) for pid in ids[:2])
    expected = _plain_show(first.id)
    activity_call = ({"for_view": False, "ignore_auth": True},
                     {"id": second.id, "include_tracking": False})
    with creation.creating(None, name=first.name) as created:
        # the activity's call for another dataset: CKAN's, nothing kept
        toolkit.get_action("package_show")(*activity_call)
        assert created.both is None and created.package_id is None
        # the call for the dataset of that name: shared, its id now known
        got = toolkit.get_action("package_show")(
            activity_call[0], dict(activity_call[1], id=first.id)
        )
        assert created.package_id == first.id
        assert got == expected
        assert created.both == creation.index_dicts(first.id)
    with creation.creating(None, name=None) as created:
        toolkit.get_action("package_show")(activity_call[0], dict(activity_call[1], id=first.id))
        assert created.both is None and created.package_id is None


def test_an_object_extra_is_stored_whether_the_extras_are_loaded_or_not(harvested):
    from ckanext.harvest.model import HarvestObjectExtra

    ids, _calls = harvested
    obj_id = (model.Session.query(HarvestObject.id)
              .filter(HarvestObject.package_id == ids[0]).scalar())

    def stored(key):
        return [v for (v,) in model.Session.query(HarvestObjectExtra.value).filter_by(
            harvest_object_id=obj_id, key=key)]

    # extras not loaded: added to the session, not loaded for that
    model.Session.remove()
    obj = HarvestObject.get(obj_id)
    base.add_object_extra(obj, "poitiers_test_a", "a")
    assert "extras" in sa_inspect(obj).unloaded
    model.Session.commit()
    assert stored("poitiers_test_a") == ["a"]
    # extras loaded in this session: they show the new extra at once (a later step of the same
    # session reads them, e.g. the content hash of the previous object)
    assert base.PoitiersHarvester._get_object_extra(obj, "poitiers_test_a") == "a"
    base.add_object_extra(obj, "poitiers_test_b", "b")
    assert base.PoitiersHarvester._get_object_extra(obj, "poitiers_test_b") == "b"
    model.Session.commit()
    assert stored("poitiers_test_b") == ["b"]
    # the content hash of each new dataset is stored on its harvest object
    hashes = model.Session.query(HarvestObjectExtra).filter_by(key=base.HASH_EXTRA).count()
    assert hashes == len(ids)
