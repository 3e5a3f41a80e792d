"""RGAA 10.11: at 320 CSS pixels wide (a 1280 px screen zoomed to 400 %), no page scrolls
sideways; RGAA 10.4: text enlarged to 200 % stays readable (no clipped heading)."""
from __future__ import annotations

import pytest

from tests.browser.conftest import ADMIN

pytestmark = pytest.mark.browser

OVERFLOW = """() => {
  const w = document.documentElement.clientWidth;
  const wide = [];
  document.querySelectorAll('body *').forEach(e => {
    const r = e.getBoundingClientRect();
    if (r.width && r.right > w + 1 && !e.closest('.visually-hidden, .poitiers-skip-link') &&
        getComputedStyle(e).position !== 'fixed') {
      wide.push(e.tagName + '.' + String(e.className).slice(0, 40) + ' → ' + Math.round(r.right));
    }
  });
  return {scroll: document.documentElement.scrollWidth, width: w, wide: wide.slice(0, 5)};
}"""

PUBLIC = ["/", "/dataset/", "/dataset/?q=parking", "/dataset/?q=zzzintrouvable",
          "/dataset/stationnement-parkings-temps-reel", "/dataset/deliberations-conseil-municipal",
          "/organization/", "/organization/grand-poitiers", "/harvest/",
          "/harvest/moissonnage-ckan-exemple", "/contribuer", "/accessibilite", "/page-absente",
          "/user/login"]
PUBLISHER = ["/dataset/new", "/dataset/edit/stationnement-parkings-temps-reel",
             "/dataset/stationnement-parkings-temps-reel/resource/new",
             "/organization/edit/grand-poitiers", "/harvest/new", "/ckan-admin/demandes"]


@pytest.mark.parametrize("user", [None, ADMIN], ids=["anonymous", "sysadmin"])
def test_no_horizontal_scroll_at_320_px(portal, page_factory, user):
    page = page_factory(user, width=320, height=640)
    failures = {}
    for path in PUBLISHER if user else PUBLIC:
        page.goto(portal.url + path)
        page.wait_for_load_state("networkidle")
        measure = page.evaluate(OVERFLOW)
        if measure["scroll"] > measure["width"]:
            failures[path] = measure
    assert failures == {}


def test_text_at_200_percent_stays_readable(portal, page_factory):
    """Text enlarged to 200 % (the browser's text zoom: root font size doubled) at 1280 px: no
    heading clipped by its container, no sideways scroll."""
    page = page_factory(width=1280)
    for path in ("/", "/dataset/stationnement-parkings-temps-reel", "/dataset/"):
        page.goto(portal.url + path)
        page.add_style_tag(content="html { font-size: 200% !important; }")
        clipped = page.evaluate("""() => [...document.querySelectorAll('h1, h2, .btn, label')]
          .filter(e => e.offsetParent && !e.closest('.visually-hidden') &&
                       e.scrollWidth > e.clientWidth + 1 &&
                       ['hidden', 'clip'].includes(getComputedStyle(e).overflowX))
          .map(e => e.tagName + ': ' + e.innerText.slice(0, 40))""")
        assert clipped == [], (path, clipped)
        measure = page.evaluate(OVERFLOW)
        assert measure["scroll"] <= measure["width"], (path, measure)
