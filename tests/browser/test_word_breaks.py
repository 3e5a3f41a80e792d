"""Words stay whole where CKAN would cut them anywhere, in a real Chromium: CKAN's CSS breaks the
organisation's description in the sidebar of a dataset and the descriptions of the organisation
cards inside a word (« communauté ur|baine », « compétences m|obilité »); the theme wraps them
between words, and only a word longer than the line (an address) is cut."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

# words of the element's text that the layout splits over two lines (a word whose rectangles
# are on more than one line)
CUT_WORDS = """el => {
  const cut = [];
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const re = /\\S+/g;
    let m;
    while ((m = re.exec(node.data)) !== null) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const tops = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top)));
      if (tops.size > 1) cut.push(m[0]);
    }
  }
  return cut;
}"""
LONG = ("Grand Poitiers, communauté urbaine de quarante communes, exerce notamment les "
        "compétences mobilité, voirie, déchets, urbanisme et information géographique.")


@pytest.fixture
def long_description(portal):
    before = portal.action("organization_show", id="grand-poitiers")["description"]
    portal.action("organization_patch", id="grand-poitiers", description=LONG)
    yield
    portal.action("organization_patch", id="grand-poitiers", description=before)


@pytest.mark.parametrize(("path", "selector"), [
    ("/dataset/stationnement-parkings-temps-reel", ".context-info .description"),
    ("/organization/", ".media-description"),
])
def test_descriptions_wrap_between_words(portal, page_factory, long_description, path,
                                         selector):
    page = page_factory(width=1280)
    page.goto(portal.url + path)
    element = page.locator(selector).filter(has_text="communauté").first
    lines = element.evaluate("el => el.getClientRects().length && "
                             "Math.round(el.getBoundingClientRect().height / "
                             "parseFloat(getComputedStyle(el).lineHeight))")
    assert lines >= 2  # the description does wrap in this narrow column
    assert element.evaluate(CUT_WORDS) == []


def test_a_word_longer_than_the_line_still_wraps(portal, page_factory):
    address = "https://data.grandpoitiers.fr/" + "donnees-de-reference-" * 6
    before = portal.action("organization_show", id="grand-poitiers")["description"]
    portal.action("organization_patch", id="grand-poitiers", description=address)
    try:
        page = page_factory(width=1280)
        page.goto(portal.url + "/dataset/stationnement-parkings-temps-reel")
        sidebar = page.locator(".context-info").first
        overflow = sidebar.evaluate("el => el.scrollWidth - el.clientWidth")
        assert overflow <= 1
    finally:
        portal.action("organization_patch", id="grand-poitiers", description=before)
