"""Shortened texts (CKAN's ``h.markdown_extract``: search results, organisation summaries) end
with the ellipsis character « … », not CKAN's « ... » (ckanext/poitiers/markdown.py)."""
from __future__ import annotations

import html

import pytest
from bs4 import BeautifulSoup
from ckan.tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("theme_db", "with_plugins")]

LONG = "Horaires et tarifs des piscines municipales de Poitiers, bassin par bassin. " * 8


def _shortened(body: str, start: str) -> list[str]:
    soup = BeautifulSoup(body, "html.parser")
    return [" ".join(t.split()) for t in soup.find_all(string=True)
            if t.strip().startswith(start)]


def test_search_results_and_organisations_end_shortened_texts_with_one_character(
        app, make_dataset):
    org = factories.Organization(title="Direction des sports", description=LONG)
    make_dataset(title="Piscines municipales", notes=LONG, owner_org=org["id"])
    for path in ("/dataset/", "/organization/", f"/organization/{org['name']}"):
        texts = _shortened(html.unescape(app.get(path).body), "Horaires et tarifs")
        assert texts, path
        for text in texts:
            assert len(text) < len(LONG.strip()), path  # shortened indeed
            assert text.endswith("…") and "..." not in text, (path, text)
