"""Our strings are extracted, translated into French, and compiled catalogues are current."""
from __future__ import annotations

import gettext
import os
import subprocess
import sys

import pytest
from babel.messages.pofile import read_po

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOMAIN = "ckanext-poitiers"


def _catalog(lang):
    with open(os.path.join(ROOT, "i18n", lang, "LC_MESSAGES", f"{DOMAIN}.po"), "rb") as f:
        return read_po(f, locale=lang)


def test_template_lists_every_string_of_the_sources(tmp_path):
    pot = tmp_path / "fresh.pot"
    subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "pybabel"), "-q", "extract",
         "-F", "babel.cfg", "-k", "N_", "--no-location", "-o", str(pot), "."],
        cwd=ROOT, check=True)
    with open(pot, "rb") as f:
        fresh = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    with open(os.path.join(ROOT, "i18n", f"{DOMAIN}.pot"), "rb") as f:
        committed = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    assert fresh == committed, "run `make i18n`"


def test_every_string_has_a_french_translation():
    untranslated = [
        m.id for m in _catalog("fr")
        if m.id and (m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string))
    ]
    assert untranslated == []


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_compiled_catalogue_matches_the_po_file(lang):
    mo = os.path.join(ROOT, "i18n", lang, "LC_MESSAGES", f"{DOMAIN}.mo")
    with open(mo, "rb") as f:
        compiled = gettext.GNUTranslations(f)
    for message in _catalog(lang):
        if not message.id or isinstance(message.id, tuple):
            continue
        expected = message.string or message.id
        assert compiled.gettext(message.id) == expected, "run `make i18n`"


def test_french_plural_forms():
    mo = os.path.join(ROOT, "i18n", "fr", "LC_MESSAGES", f"{DOMAIN}.mo")
    with open(mo, "rb") as f:
        fr = gettext.GNUTranslations(f)
    assert fr.ngettext("{n} problem found.", "{n} problems found.", 1) == "{n} problème trouvé."
    assert fr.ngettext("{n} problem found.", "{n} problems found.", 2) == "{n} problèmes trouvés."


def test_strings_of_our_javascript_are_marked_as_such():
    """CKAN serves to its JavaScript (/api/i18n/<lang>) only the msgids a .pot file places in a
    .js file: scripts/i18n.sh writes our .js files' names on those they use."""
    from babel.messages.extract import extract_from_dir

    used = {msgid if isinstance(msgid, str) else msgid[0]
            for _file, _line, msgid, _c, _x in extract_from_dir(
                ROOT, method_map=[("ckanext/**/assets/**.js", "javascript")])}
    assert "Remove item" in used
    with open(os.path.join(ROOT, "i18n", f"{DOMAIN}.pot"), "rb") as f:
        pot = read_po(f)
    unmarked = [msgid for msgid in used
                if not any(path.endswith(".js") for path, _line in pot[msgid].locations)]
    assert unmarked == [], "run `make i18n`"
