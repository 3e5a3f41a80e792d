"""The English scan of ``test_french_ui.py`` (public pages) and ``test_french_admin_ui.py``
(administrators' and publishers' pages): the pages are rendered by CKAN with the real plugins and
looked through for the strings that CKAN's French catalogue leaves empty or lacks, the strings of
ckanext-harvest, ckanext-dcat and ckanext-scheming (no French catalogue) and the English those
extensions and CKAN write in their templates and presets outside gettext — in the visible text,
in the accessible names (aria-label, title, alt, placeholder) and in the texts of the
confirmation windows."""
from __future__ import annotations

import functools
import html
import json
import re
from pathlib import Path

import ckan
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup, Comment

import ckanext.dcat
import ckanext.harvest
import ckanext.scheming

PLACEHOLDER = re.compile(r"\{\w*\}|%\(\w+\)s|%s|%d")
TAG = re.compile(r"<[^<>]+>")
TOKEN = re.compile(r"(<[^<>]+>|\{\w*\}|%\(\w+\)s|%s|%d)")
# names of attributes a screen reader reads out, or that show as text
READ_ATTRS = ("aria-label", "title", "alt", "placeholder", "data-bs-title",
              "data-module-content")
# an attribute of READ_ATTRS written in a template as plain text (no Jinja inside)
LITERAL_ATTR = re.compile(r"\b(?:%s)=\"([^\"{}]*)\"" % "|".join(READ_ATTRS))
# the example values of ckanext-scheming's presets (scheming shows them as placeholders)
PRESET_PLACEHOLDER = re.compile(r"\"form_placeholder\":\s*\"([^\"]+)\"")
# literal English left aside: the alternative text of the Open Definition's logo, a term French
# uses as it is (« open data »; « Open Data Commons » names licences too)
LITERAL_KEPT = {"Open Data", "[Open Data]"}


def _extension_ids(package, python: bool = True) -> set[str]:
    """The msgids of a package's templates (and Python code), extracted as ``make i18n`` does
    (ckanext-scheming ships no catalogue; ckanext-harvest's .pot and CKAN's French catalogue
    miss some of their strings: « Manage resource: {name} »)."""
    root = Path(package.__file__).parent
    methods = [("**/templates/**.html", "ckan")] + ([("**.py", "python")] if python else [])
    ids = set()
    for _file, _line, msg, _comments, _context in extract_from_dir(
            str(root), method_map=methods, options_map={"**/templates/**.html": {}}):
        ids.update([msg] if isinstance(msg, str) else msg)
    return ids


def _literal_english(package) -> set[str]:
    """The English a package writes outside gettext: attribute values of its templates
    (``title="Stop this Job"``, ``placeholder="Username"``) and the placeholders of its
    scheming presets (``http://example.com/my-data.csv``)."""
    root = Path(package.__file__).parent
    found = set()
    for path in root.glob("**/templates/**/*.html"):
        found.update(LITERAL_ATTR.findall(path.read_text(encoding="utf-8")))
    for path in root.glob("**/presets.json"):
        found.update(PRESET_PLACEHOLDER.findall(path.read_text(encoding="utf-8")))
    return {s for s in found if re.search(r"[A-Za-z]{2,}", s)} - LITERAL_KEPT


def _pattern(msgid: str) -> re.Pattern:
    """The rendered text of a msgid: its tags and placeholders may hold anything (or nothing),
    its spaces any white space, its entities their character."""
    parts = []
    for token in TOKEN.split(msgid.strip()):
        if TAG.fullmatch(token):
            parts.append(r"\s*")
        elif PLACEHOLDER.fullmatch(token):
            parts.append(r".{1,80}?")
        elif token.strip():
            words = html.unescape(token).split()
            lead = r"\s*" if token[:1].isspace() else ""
            tail = r"\s*" if token[-1:].isspace() else ""
            parts.append(lead + r"\s+".join(re.escape(w) for w in words) + tail)
    return re.compile(r"(?<![A-Za-z])" + "".join(parts) + r"(?![A-Za-z])")


@functools.cache
def untranslated() -> tuple[tuple[str, re.Pattern], ...]:
    """(msgid, pattern) for the English strings with two words or more (one word is too often
    French too: « Format », « Type », « Social »): those CKAN's French catalogue leaves empty,
    those of CKAN's templates it does not have, those of ckanext-harvest, ckanext-dcat and
    ckanext-scheming (no French catalogue), and the English of CKAN's, ckanext-harvest's and
    ckanext-scheming's templates and presets outside gettext."""
    with open(Path(ckan.__file__).parent / "i18n" / "fr" / "LC_MESSAGES" / "ckan.po", "rb") as f:
        french = read_po(f)
    ids = (_extension_ids(ckan, python=False) | _extension_ids(ckanext.harvest)
           | _extension_ids(ckanext.scheming))
    for m in french:
        if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string):
            ids.update([m.id] if isinstance(m.id, str) else m.id)
    ids = {i for i in ids if not (french.get(i) and french.get(i).string)}
    for path in [Path(ckanext.harvest.__file__).parent / "i18n" / "ckanext-harvest.pot",
                 Path(ckanext.dcat.__file__).parent / "i18n" / "ckanext-dcat.pot"]:
        with open(path, "rb") as f:
            for m in read_po(f):
                if m.id:
                    ids.update([m.id] if isinstance(m.id, str) else m.id)
    for package in (ckan, ckanext.harvest, ckanext.scheming):
        ids.update(_literal_english(package))
    patterns = []
    for msgid in ids:
        words = re.findall(r"[A-Za-z]{2,}", PLACEHOLDER.sub("", TAG.sub(" ", msgid)))
        if len(words) < 2 and not (PLACEHOLDER.search(msgid) and words and len(words[0]) > 4):
            continue
        patterns.append((msgid, _pattern(msgid)))
    return tuple(patterns)


def english(body: str, patterns=None) -> list[str]:
    """The English strings (msgids) found in an HTML page."""
    patterns = untranslated() if patterns is None else patterns
    soup = BeautifulSoup(body, "html.parser")
    for tag in soup(["script", "style", "template"]):
        tag.decompose()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    texts = [re.sub(r"\s+", " ", soup.get_text(" "))]
    texts += [el[a] for el in soup.find_all(True) for a in READ_ATTRS if el.get(a)]
    # the text of the confirmation windows CKAN's JavaScript opens (confirm-action)
    texts += [json.loads(el["data-module-i18n"]).get("content", "")
              for el in soup.find_all(attrs={"data-module-i18n": True})]
    blob = "\n".join(texts)
    return sorted(msgid for msgid, rx in patterns if rx.search(blob))


def english_on(app, paths, headers: dict | None = None, status: int | None = 200,
               statuses: dict | None = None) -> dict[str, list[str]]:
    """{path: English strings} for the pages of ``paths`` that have some, each page asked with
    ``headers`` and expected to answer ``statuses[path]``, else ``status`` (None: any status
    but a server error)."""
    patterns = untranslated()
    statuses = statuses or {}
    found = {}
    for path in paths:
        res = app.get(path, headers=headers or {}, status=statuses.get(path, status))
        assert res.status_code < 500, (path, res.status_code)
        words = english(res.get_data(as_text=True), patterns)
        if words:
            found[path] = words
    return found
