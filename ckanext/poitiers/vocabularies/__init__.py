"""Vocabularies of the portal, kept as data files next to this module.

Every consumer (schemas, mappings, templates, DCAT profile, CLI) reads them from here so that a
licence or a theme is known in exactly one place.
"""
from __future__ import annotations

import functools
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
LICENCES_FILE = os.path.join(HERE, "licences.json")
DEFAULT_LICENCE = "lov2"


@functools.cache
def licences() -> tuple[dict, ...]:
    """The licences offered to publishers, in display order (Licence Ouverte 2.0 first)."""
    with open(LICENCES_FILE, encoding="utf-8") as f:
        return tuple(json.load(f))


def licence(licence_id: str) -> dict | None:
    return next((lic for lic in licences() if lic["id"] == licence_id), None)
