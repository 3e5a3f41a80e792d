"""Our strings are extracted, translated into French, and compiled catalogues are current."""
from __future__ import annotations

import gettext
import glob
import os
import re
import subprocess
import sys

import pytest
import yaml
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


# French typography: a no-break space (U+00A0) before « : », « ; », « ! », « ? » and « » », and
# after « « »; the apostrophe ’ (U+2019) between two letters (l’organisation). Markup, URLs,
# placeholders and code keep their own characters.
_NOT_PROSE = re.compile(
    r"<code\b[^>]*>.*?</code>"          # code, as is
    r"|`[^`]*`"
    r"|<[^<>]+>"                        # HTML tags and their attributes
    r"|&(?:[a-zA-Z]+|#\d+);"            # HTML entities (&lt;)
    r"|\b[a-z][a-z0-9+.-]*://[^\s<>\"«»]*"  # URLs
    r"|\{[^{}]*\}"                      # {name}, {n:,}, a JSON example
    r"|%\([^)]*\)[a-z]|%[sdfr]",        # %(name)s
    re.S)
_LETTER = r"[^\W\d_]"
_TYPOGRAPHY = [
    (re.compile(r"(?<!\u00a0)[;!?»]"), "no no-break space before ; ! ? »"),
    (re.compile(r"[ \t\n\u202f]:"), "a plain space before :"),
    (re.compile(r"«(?!\u00a0)"), "no no-break space after «"),
    (re.compile(rf"{_LETTER}'{_LETTER}"), "an ASCII apostrophe between letters"),
]
# a colon glued to its word starts French prose when followed by a space (« Titre: ») unless
# the same word and colon are in the English text: a key written as code (« url: … »)
_GLUED_COLON = re.compile(rf"([\w.-]*{_LETTER}):(?=\s|$)")


def french_typography_problems(french, english=""):
    prose = _NOT_PROSE.sub("\x00", french)
    problems = [f"{why}: …{prose[max(0, m.start() - 20):m.end() + 20]}…"
                for pattern, why in _TYPOGRAPHY for m in pattern.finditer(prose)]
    problems += [f"no space before :: …{prose[max(0, m.start() - 20):m.end() + 20]}…"
                 for m in _GLUED_COLON.finditer(prose) if f"{m.group(1)}:" not in english]
    return problems


@pytest.mark.parametrize(("french", "english", "expected"), [
    ("Dernière mise à jour : {date}", "", 1),
    ("Dernière mise à jour\u00a0: {date}", "", 0),
    ("Titre: {value}", "Title: {value}", 1),
    ("«\u00a0{name}\u00a0» n’accepte que\u00a0: {choices}", "", 0),
    ("« {name} » n'accepte que", "", 3),
    ("Vraiment ?", "", 1),
    ("pas de champs (url: …, format: …)\u00a0: «\u00a0{value}\u00a0»", "(url: …, format: …)", 0),
    ("smtp.server = hôte:port, https://exemple.fr/?a=1;b=2 <code>a : b</code>", "", 0),
    ('<span style="word-break:break-all;">{n:,}</span> &lt;head&gt;', "", 0),
    ("d MMMM y 'à' HH:mm", "", 0),
])
def test_the_typography_check_reads_prose_only(french, english, expected):
    assert len(french_typography_problems(french, english)) == expected


def test_french_catalogue_follows_french_typography():
    problems = {}
    for message in _catalog("fr"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        found = [p for s in strings for p in french_typography_problems(s, " ".join(ids))]
        if found:
            problems[ids[0]] = found
    assert problems == {}


def _french_labels(node, english=None):
    """The French texts of a schema or vocabulary file (``{fr: …, en: …}``), with their English."""
    if isinstance(node, dict):
        if isinstance(node.get("fr"), str):
            yield node["fr"], node.get("en") if isinstance(node.get("en"), str) else ""
        for key, value in node.items():
            if key != "fr":
                yield from _french_labels(value)
    elif isinstance(node, list):
        for value in node:
            yield from _french_labels(value)


@pytest.mark.parametrize("path", sorted(
    glob.glob(os.path.join(ROOT, "ckanext", "poitiers", "schemas", "*.yaml"))
    + glob.glob(os.path.join(ROOT, "ckanext", "poitiers", "vocabularies", "*.yaml"))),
    ids=os.path.basename)
def test_french_labels_follow_french_typography(path):
    with open(path, encoding="utf-8") as f:
        labels = list(_french_labels(yaml.safe_load(f)))
    problems = {fr: p for fr, en in labels if (p := french_typography_problems(fr, en))}
    assert problems == {}


def test_english_pages_quote_with_english_marks():
    """Our msgids quote with French marks (« page_size »), the way most readers see them; the
    English catalogue writes them as English does (“page_size”), so that an English page or a
    portal whose default language is English does not show « »."""
    missing = []
    for m in _catalog("en"):
        ids = [m.id] if isinstance(m.id, str) else list(m.id or ())
        if not any("«" in i for i in ids):
            continue
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        if not all(strings) or any("«" in s or "»" in s for s in strings):
            missing.append(ids[0])
    assert missing == [], "give these an English msgstr with “…” (i18n/en)"
    with open(os.path.join(ROOT, "i18n", "en", "LC_MESSAGES", f"{DOMAIN}.mo"), "rb") as f:
        english = gettext.GNUTranslations(f)
    assert english.gettext("Options of the type « {title} »") == "Options of the type “{title}”"
