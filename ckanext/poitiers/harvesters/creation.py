"""One dictization of a new harvested dataset for its activity and its search index (CKAN 2.12).

When a harvester creates a dataset (``base.create_dataset``: ``package_create`` with a deferred
commit, then indexing without a Solr commit), CKAN would build the same dataset dict twice:

1. the activity plugin records the "new package" activity by calling ``package_show`` on the
   dataset ``package_create`` has just written: not in the search index yet, so ``package_show``
   asks Solr in vain, then dictizes the dataset and validates it with the show schema;
2. right after, indexing (``index_update_package``) dictizes it again and validates it with the
   default and the custom show schemas (``package_show_default_and_custom_schemas``).

While a harvester creates a dataset, the chained ``package_show`` below answers the activity's
call (and only that call: ``include_tracking=False``, ``for_view=False``, no other option) for
that dataset with the result of ``package_show_default_and_custom_schemas`` — the very function,
with the very arguments, that ``index_update_package`` calls — and keeps the pair for the index.
The harvester lets ``package_create`` give the new dataset its id (CKAN checks with a query
that an id it is given is free); the activity's call is then recognised by the name the harvester
gave the dataset, read on the dataset this session has just written (no query).
The activity gets the dict ``package_show`` would have returned (the custom show schema applied,
then the ``after_dataset_show`` plugins), the index the pair it would have computed, both taken
once ``package_create`` has returned (the activity is recorded from the ``action_succeeded``
signal, and the activity is the only receiver of it that changes anything, in a table of its
own). Any other ``package_show`` call, or a harvester running without this plugin, goes through
CKAN as usual.
"""
from __future__ import annotations

import contextlib
import contextvars
import copy
from collections.abc import Iterator
from typing import Any

from ckan import logic as ckan_logic
from ckan import model
from ckan.plugins import toolkit


class Creation:
    """The dataset a harvester is creating, and its (default, custom) show dicts once built.

    Known by its id or, when ``package_create`` gives the id, by its name: the id is then the
    one of the activity's call, if the dataset this session has just written under that id
    has that name."""

    __slots__ = ("package_id", "name", "both")

    def __init__(self, package_id: str | None, name: str | None = None):
        self.package_id = package_id
        self.name = name
        self.both: tuple[dict, dict] | None = None


_creating: contextvars.ContextVar[Creation | None] = contextvars.ContextVar(
    "poitiers_harvest_creating", default=None
)

# the activity plugin's call (ckanext/activity/subscriptions.py, _create_package_activity)
ACTIVITY_SHOW_KEYS = frozenset({"id", "include_tracking"})


@contextlib.contextmanager
def creating(package_id: str | None, name: str | None = None) -> Iterator[Creation]:
    """Within this block, the activity's ``package_show`` of ``package_id`` (or, without an id,
    of the new dataset named ``name``) is shared."""
    creation = Creation(package_id, name)
    token = _creating.set(creation)
    try:
        yield creation
    finally:
        _creating.reset(token)


def index_dicts(package_id: str) -> tuple[dict, dict]:
    """What ``index_update_package`` computes before indexing (CKAN 2.12)."""
    return ckan_logic.package_show_default_and_custom_schemas({"ignore_auth": True}, package_id)


def _is_the_activity_call(context: dict, data_dict: dict, creation: Creation) -> bool:
    if not (
        creation.both is None
        and set(data_dict) == ACTIVITY_SHOW_KEYS
        and data_dict["include_tracking"] is False
        and context.get("for_view") is False
        and "schema" not in context
        and context.get("use_cache", True)
        and context.get("validate", True)
    ):
        return False
    if creation.package_id is None and creation.name and isinstance(data_dict["id"], str):
        # the dataset package_create has just written is in this session's identity map: no
        # query to read its name
        package = model.Session.get(model.Package, data_dict["id"])
        if package is not None and package.name == creation.name:
            creation.package_id = package.id
    return creation.package_id is not None and data_dict["id"] == creation.package_id


@toolkit.chained_action
@toolkit.side_effect_free
def package_show(up_func, context: dict, data_dict: dict) -> Any:
    creation = _creating.get()
    if creation is None or not _is_the_activity_call(context, data_dict or {}, creation):
        return up_func(context, data_dict)
    toolkit.check_access("package_show", context, data_dict)
    creation.both = index_dicts(creation.package_id)
    # the activity keeps its own copy: the index serialises the pair later
    return json_copy(creation.both[1])


def json_copy(value: Any) -> Any:
    """A deep copy of a dataset dict: new dicts and lists, the same immutable leaves (strings,
    numbers, None); anything else through ``copy.deepcopy``. Several times faster than
    ``copy.deepcopy`` on the dicts of ``package_show``."""
    if isinstance(value, dict):
        return {k: json_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_copy(v) for v in value]
    if value is None or isinstance(value, (str, int, float)):
        return value
    return copy.deepcopy(value)


def chained_actions() -> dict:
    return {"package_show": package_show}
