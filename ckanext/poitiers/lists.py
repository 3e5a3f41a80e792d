"""Reading a multi-valued field, in one place.

A multi-valued field reaches us as a list (API, harvesters), one string (a form), a JSON list
in a string (scheming's multiple fields, as stored) or a comma-separated string (older data).
One parser, three contracts:

* :func:`stored`: what is stored, as a list (lenient: a broken JSON list is one value);
* :func:`strict`: for validators; ``None`` when the value is not a list at all;
* :func:`strings`: for indexing and display; non-empty, de-duplicated strings, commas split.
"""
from __future__ import annotations

import json
from typing import Any

_BROKEN = object()


def _parsed(value: Any) -> Any:
    """A JSON list written in a string, loaded; other strings stripped; ``_BROKEN`` when the
    string looks like a JSON list but is not one."""
    text = value.strip()
    if not text.startswith("["):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return _BROKEN


def stored(value: Any) -> list:
    """A multi-valued field as stored (list, JSON list string, or one string) → a list."""
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, str):
        loaded = _parsed(value)
        if loaded is _BROKEN or isinstance(loaded, str):
            return [value]
        return loaded if isinstance(loaded, list) else [loaded]
    return [value]


def strict(value: Any) -> list | None:
    """Form (one string), API (list) or stored (JSON list string) value → list; None if
    invalid (a broken or non-list JSON value, a number…)."""
    if value is None or value == "" or value == []:
        return []
    if isinstance(value, str):
        loaded = _parsed(value)
        if isinstance(loaded, str):
            return [loaded]
        return loaded if isinstance(loaded, list) else None
    if isinstance(value, (list, tuple)):
        return list(value)
    return None


def strings(value: Any) -> list[str]:
    """A multi-valued field as a list of non-empty, de-duplicated strings: a list, a JSON list
    in a string, a comma-separated string, a single value or nothing."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        loaded = _parsed(value)
        if loaded is _BROKEN:
            value = value.strip().strip("[]").split(",")
        elif isinstance(loaded, str):
            value = loaded.split(",") if "," in loaded else [loaded]
        else:
            value = loaded
    if not isinstance(value, (list, tuple, set)):
        value = [value]
    out: list[str] = []
    for item in value:
        item = str(item).strip().strip('"').strip()
        if item and item not in out:
            out.append(item)
    return out
