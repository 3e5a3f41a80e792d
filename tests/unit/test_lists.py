"""The three readers of a multi-valued field (ckanext/poitiers/lists.py)."""
from __future__ import annotations

import pytest

from ckanext.poitiers import lists

CASES = [
    # value,                       stored,                 strict,           strings
    (None,                         [],                     [],               []),
    ("",                           [],                     [],               []),
    ([],                           [],                     [],               []),
    (["86194", "86070"],           ["86194", "86070"],     ["86194", "86070"], ["86194", "86070"]),
    (("a", "a"),                   ["a", "a"],             ["a", "a"],       ["a"]),
    ('["86194", "86070"]',         ["86194", "86070"],     ["86194", "86070"], ["86194", "86070"]),
    (' ["x"] ',                    ["x"],                  ["x"],            ["x"]),
    ("86194",                      ["86194"],              ["86194"],        ["86194"]),
    (" 86194 ",                    [" 86194 "],            ["86194"],        ["86194"]),
    ("a, b,a",                     ["a, b,a"],             ["a, b,a"],       ["a", "b"]),
    ('["a", "b"',                  ['["a", "b"'],          None,             ["a", "b"]),
    ("[1]",                        [1],                    [1],              ["1"]),
    (42,                           [42],                   None,             ["42"]),
    ({"a": 1},                     [{"a": 1}],             None,             ["{'a': 1}"]),
]


@pytest.mark.parametrize("value,stored,strict,strings", CASES)
def test_the_three_contracts(value, stored, strict, strings):
    assert lists.stored(value) == stored
    assert lists.strict(value) == strict
    assert lists.strings(value) == strings


def test_the_modules_read_lists_through_lists():
    from ckanext.poitiers import search, validators, vocabularies

    assert search.as_list is lists.strings
    assert vocabularies.as_list is lists.stored
    # blank text is an empty value for the validators (see validators._empty)
    assert validators._as_list("  ") == [] and validators._as_list(7) is None
