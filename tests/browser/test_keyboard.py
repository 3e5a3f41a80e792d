"""Keyboard only: the skip link comes first and works, focus is always visible, and the menu
opens, is navigable and follows links on a phone-sized screen."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

FOCUS_STYLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  const text = el.innerText || el.value || el.getAttribute('aria-label') || '';
  return {tag: el.tagName, text: text.trim().slice(0, 40),
          outline: s.outlineStyle, width: parseFloat(s.outlineWidth), shadow: s.boxShadow,
          visible: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 &&
                   r.top < window.innerHeight + window.scrollY};
}"""


def test_skip_link_is_first_and_moves_to_the_content(portal, page_factory):
    page = page_factory()
    page.goto(portal.url + "/dataset/")
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUS_STYLE)
    assert focused["tag"] == "A" and focused["text"] == "Aller au contenu principal"
    box = page.locator(".poitiers-skip-link").bounding_box()
    assert box["y"] >= 0 and box["height"] > 10, "the skip link must be visible when focused"
    page.keyboard.press("Enter")
    assert page.url.endswith("#content")
    page.keyboard.press("Tab")
    inside = page.evaluate("() => !!document.activeElement.closest('#content')")
    assert inside, "after the skip link, Tab continues inside the main content"


def test_skip_link_passes_the_filters_on_the_search_page(portal, page_factory):
    """RGAA 12.7: after the skip link, the next Tab reaches the results' search box, not the
    breadcrumb and the sidebar's filters (CKAN's #content holds them before the main column)."""
    page = page_factory()
    page.goto(portal.url + "/dataset/?q=parking")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    where = page.evaluate("""() => { const a = document.activeElement;
      return {main: !!a.closest('[role=main], main'), aside: !!a.closest('aside'),
              id: a.id, text: (a.innerText || '').trim().slice(0, 40)}; }""")
    assert where["main"] and not where["aside"], where


def test_a_filter_followed_with_the_keyboard_announces_the_new_results(portal, page_factory):
    """The filters are followed by htmx (no page load, nothing announced): the focus goes to the
    new results' heading, and the skip link still works on the new page."""
    page = page_factory()
    page.goto(portal.url + "/dataset/")
    page.evaluate("() => { window.poitiersSamePage = true; }")
    link = page.locator("nav[aria-label^='Filtrer par'] a", has_text="Grand Poitiers").first
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**organization=grand-poitiers**")
    page.wait_for_function("() => document.activeElement.tagName === 'H1'")
    assert page.evaluate("() => window.poitiersSamePage === true"), "not followed by htmx"
    heading = page.evaluate("() => document.activeElement.innerText.trim()")
    assert heading.endswith("jeux de données trouvés") or "trouvé" in heading, heading
    assert page.title().startswith("Jeux de données\u00a0: 2 jeux de données, 1 filtre")
    # the skip link of the new page (htmx replaced it) still leads to the main landmark
    page.locator(".poitiers-skip-link").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("() => !!document.activeElement.closest('[role=main], main')")


@pytest.mark.parametrize("path", ["/", "/dataset/stationnement-parkings-temps-reel",
                                  "/contribuer"])
def test_focus_is_always_visible(portal, page_factory, path):
    page = page_factory()
    page.goto(portal.url + path)
    seen = 0
    for _ in range(25):
        page.keyboard.press("Tab")
        f = page.evaluate(FOCUS_STYLE)
        if f is None:
            continue
        seen += 1
        assert f["visible"], f"focused element off-screen or hidden: {f}"
        assert (f["outline"] != "none" and f["width"] >= 2) or f["shadow"] != "none", \
            f"no visible focus indicator on {f}"
    assert seen >= 15


def test_menu_works_with_the_keyboard_on_a_phone(portal, page_factory):
    page = page_factory(width=375, height=740)
    page.goto(portal.url + "/")
    toggler = page.locator(".navbar-toggler")
    assert toggler.is_visible()
    assert not page.locator("#main-navigation-toggle a[href='/dataset/']").is_visible()
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('navbar-toggler')"):
            break
    else:
        pytest.fail("the menu button cannot be reached with Tab")
    page.keyboard.press("Enter")
    page.wait_for_timeout(600)  # Bootstrap's collapse transition
    assert toggler.get_attribute("aria-expanded") == "true"
    link = page.locator("#main-navigation-toggle a[href='/dataset/']")
    assert link.is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('href')") == "/dataset/"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.rstrip("/").endswith("/dataset")
    assert page.locator("h1").first.is_visible()
