"""Two of our modules chaining the same CKAN action (the SSRF guard of harvest sources and the
edit forms' kept fields both chain package_update): both run, neither replaces the other."""
from __future__ import annotations

from ckanext.poitiers.plugins.core import chain_actions


def _chained(mark):
    def action(original_action, context, data_dict):
        data_dict.append(mark)
        return original_action(context, data_dict)

    action.chained_action = True
    return action


def test_both_chained_actions_run_then_ckans():
    merged = chain_actions({"package_update": _chained("guard")},
                           {"package_update": _chained("form"), "other": _chained("x")})
    assert merged["package_update"].chained_action is True
    assert merged["package_update"](lambda context, data: data + ["ckan"], {}, []) == [
        "form", "guard", "ckan"]
    assert set(merged) == {"package_update", "other"}


def test_a_plain_action_is_not_chained():
    def show(context, data_dict):
        return "show"

    assert chain_actions({"show": show})["show"] is show
