"""A wrong value quoted back in a message: one rule (``rules.quoted``) for the harvest source
configuration errors and the ``migrate`` command, and the separator of listed errors."""
from __future__ import annotations

from ckanext.poitiers import l10n_default, rules
from ckanext.poitiers.harvesters import config

NBSP = "\u00a0"


def french(msgid: str) -> str:
    return l10n_default._translations("fr").gettext(msgid)


def english(msgid: str) -> str:
    return l10n_default._translations("en").gettext(msgid)


def test_quoted_in_french_with_no_break_spaces():
    assert rules.quoted("hebdo", french) == f"«{NBSP}hebdo{NBSP}»"


def test_quoted_in_english():
    assert rules.quoted("weekly", english) == "“weekly”"


def test_quoted_collapses_spaces_and_cuts_long_values():
    assert rules.quoted("deux\n  lignes", french) == f"«{NBSP}deux lignes{NBSP}»"
    # a space around the value stays visible: it may be what is wrong
    assert rules.quoted(" 86194", french) == f"«{NBSP} 86194{NBSP}»"
    text = rules.quoted("x" * 200, french, 10)
    assert text == f"«{NBSP}{'x' * 9}…{NBSP}»"


def test_quoted_lists_and_none():
    assert rules.quoted(["a", "b"], english) == "“a, b”"
    assert rules.quoted(None, english) == "“”"


def test_configuration_values_quoted_each_and_cut(monkeypatch):
    monkeypatch.setattr(config, "_", french)
    values = ["a" * 100, "b", "c", "d", "e", "f", "g"]
    text = config.shown(values)
    parts = text.split(", ")
    # the first five values, then « … » for the others
    assert len(parts) == 6 and parts[-1] == "…"
    assert parts[0] == f"«{NBSP}{'a' * (config.SHOWN_CHARACTERS - 1)}…{NBSP}»"
    assert parts[1] == f"«{NBSP}b{NBSP}»"
    assert config.shown(["hebdo"]) == f"«{NBSP}hebdo{NBSP}»"
