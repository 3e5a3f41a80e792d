"""The second sanitising pass of rendered Markdown (ckanext/poitiers/markdown.py)."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from markupsafe import Markup

from ckanext.poitiers.markdown import clean_rendered, ellipsis

# What CKAN 2.12's render_markdown returns for
# ![x](https://invalid.invalid/a.png "> https://x/onerror=location=/javascript:alert(1)//"):
# its auto-link inserted inside the title attribute
BROKEN = (
    '<p><img alt="x" src="https://invalid.invalid/a.png" title="> <a '
    'href="https://x/onerror=location=/javascript:alert%281%29//" target="_blank" '
    'rel="nofollow">https://x/onerror=location=/javascript:alert%281%29//</a>"></p>'
)


def test_a_link_inserted_in_an_attribute_gives_no_new_attribute():
    image = BeautifulSoup(BROKEN, "html.parser").find("img")
    assert "onerror" in image.attrs  # what a browser reads from CKAN's output
    cleaned = BeautifulSoup(clean_rendered(BROKEN), "html.parser").find("img")
    assert set(cleaned.attrs) == {"alt", "src", "title"}


def test_ordinary_rendered_markdown_is_unchanged():
    html = (
        '<h1>Titre</h1>\n<p>Voir <a href="https://data.grandpoitiers.fr" target="_blank" '
        'rel="nofollow">https://data.grandpoitiers.fr</a> et <a href="https://poitiers.fr" '
        'title="Site" rel="noopener noreferrer">le site</a> <strong>gras</strong> '
        '<a href="/dataset/?tags=bus">tag:bus</a></p>\n<blockquote>\n<p>citation</p>\n'
        '</blockquote>\n<ul>\n<li><code>code</code></li>\n</ul>\n<p><img alt="plan" '
        'src="https://example.org/p.png" title="Plan"></p>'
    )
    assert clean_rendered(html) == html


def test_scripts_and_event_handlers_are_still_dropped():
    cleaned = clean_rendered('<p onclick="x()">a<script>alert(1)</script>'
                             '<a href="javascript:alert(1)">b</a></p>')
    assert cleaned == "<p>a<a>b</a></p>"


@pytest.mark.parametrize(("extract", "expected"), [
    ("Une partie de ces jeux...", "Une partie de ces jeux…"),
    ("Une partie de ces jeux ...", "Une partie de ces jeux…"),
    ("Fin de phrase....", "Fin de phrase…"),
    ("Déjà coupé…...", "Déjà coupé…"),  # a text ending with « … » that CKAN shortened there
    ("les lignes, arrêts, tracés,...", "les lignes, arrêts, tracés…"),
    ("Champs :...", "Champs…"),
    ("Champs\u00a0:...", "Champs…"),
    ("Texte entier.", "Texte entier."),
    ("", ""),
    (None, None),
])
def test_shortened_texts_end_with_one_ellipsis_character(extract, expected):
    assert ellipsis(extract) == expected


def test_the_ellipsis_keeps_the_markup_type():
    shortened = ellipsis(Markup("a &lt; b..."))
    assert isinstance(shortened, Markup) and shortened == Markup("a &lt; b…")
