"""The dataset and resource pages as a reuser meets them, in a real Chromium (RGAA): the
headings follow each other without a jump and « Informations complémentaires » is a section of
the page (not a sub-part of « Utiliser l’API »), its table is named and has headers, every link
of the reuser blocks makes sense read alone, the English guide says so, and the keyboard reaches
every control of the page with a visible focus."""
from __future__ import annotations

import re

import pytest

from tests.browser.test_keyboard import FOCUS_STYLE

pytestmark = pytest.mark.browser

DATASET = "/dataset/stationnement-parkings-temps-reel"
SELECTOR = ", ".join(f"{root} h{n}" for root in ("main", "[role=main]") for n in range(1, 7))
HEADINGS = f"""() => Array.from(document.querySelectorAll('{SELECTOR}'))
  .filter(h => h.offsetParent !== null)
  .map(h => [parseInt(h.tagName[1]), h.innerText.trim()])"""


def _resource_path(portal) -> str:
    res = portal.data["datasets"]["stationnement-parkings-temps-reel"]["resources"][0]
    return f"{DATASET}/resource/{res['id']}"


def _outline(page) -> list:
    seen, out = set(), []
    for level, text in page.evaluate(HEADINGS):
        if (level, text) not in seen:
            seen.add((level, text))
            out.append((level, text))
    return out


@pytest.mark.parametrize("which", ["dataset", "resource"])
def test_headings_follow_each_other(portal, page_factory, which):
    page = page_factory()
    page.goto(portal.url + (DATASET if which == "dataset" else _resource_path(portal)))
    outline = _outline(page)
    assert outline[0][0] == 1, outline
    assert [lvl for lvl, _ in outline].count(1) == 1, outline
    for (before, _), (after, text) in zip(outline, outline[1:], strict=False):
        assert after <= before + 1, f"{text!r} jumps from h{before} to h{after}: {outline}"
    # the resource page had its title (and download) in a « complementary » landmark
    assert page.locator("main, [role=main]").count() == 1
    # one h1 in the whole page (CKAN 2.11 wrote the sidebar's dataset and producer as h1s)
    assert page.locator("h1").count() == 1
    assert outline[0] == (1, page.locator("h1").inner_text().strip())
    if which == "resource":
        main = page.locator("main, [role=main]")
        assert main.locator("a.resource-url-analytics").count() >= 1  # the download link
    if which == "dataset":
        # was an h3 right after « Utiliser l’API » (h2): read as a part of the API section
        assert (2, "Informations complémentaires") in outline, outline


@pytest.mark.parametrize("which", ["dataset", "resource"])
def test_the_additional_information_table_has_headers(portal, page_factory, which):
    page = page_factory()
    page.goto(portal.url + (DATASET if which == "dataset" else _resource_path(portal)))
    if which == "dataset":  # named by its heading (RGAA 5.4)
        table = page.get_by_role("table", name=re.compile(r"^Informations complémentaires$"))
        assert table.count() == 1
    else:
        table = page.locator("section.module table")
    assert table.get_by_role("columnheader").all_inner_texts() == ["Champ", "Valeur"]
    rows = table.locator("tbody tr")
    assert rows.count() >= 3
    for i in range(rows.count()):
        assert rows.nth(i).get_by_role("rowheader").count() == 1


def test_links_of_the_reuser_blocks_make_sense_read_alone(portal, page_factory):
    page = page_factory()
    page.goto(portal.url + DATASET)
    names = [page.get_by_role("link", name=n, exact=True).count()
             for n in ("Turtle", "RDF/XML", "JSON-LD")]
    # a list of links read by a screen reader said « Turtle », « RDF/XML », « JSON-LD »
    assert names == [0, 0, 0]
    described = page.get_by_role("link", name=re.compile(
        r": description DCAT de ce jeu de données$"))
    assert described.count() == 3
    for i, fmt in enumerate(("Turtle", "RDF/XML", "JSON-LD")):
        # the visible text starts the accessible name (WCAG 2.5.3)
        assert described.nth(i).inner_text().split()[0] == fmt
        assert described.nth(i).text_content().startswith(f"{fmt}\u00a0: description DCAT")
    guide = page.get_by_role("link", name=re.compile("guide de l’API de CKAN"))
    assert guide.get_attribute("hreflang") == "en"
    # no two links with the same text lead to different places in the reuser blocks
    texts: dict[str, str] = {}
    for a in page.locator(".poitiers-understand a, .poitiers-api a, .poitiers-resources a"
                          ).all():
        text = " ".join((a.inner_text() + " " + (a.get_attribute("aria-label") or "")).split())
        href = a.get_attribute("href")
        assert texts.setdefault(text, href) == href, f"{text!r}: {texts[text]} and {href}"


@pytest.mark.parametrize("which", ["dataset", "resource"])
def test_the_keyboard_reaches_the_whole_page_with_a_visible_focus(portal, page_factory, which):
    page = page_factory()
    page.goto(portal.url + (DATASET if which == "dataset" else _resource_path(portal)))
    reached = []
    for _ in range(150):
        page.keyboard.press("Tab")
        f = page.evaluate(FOCUS_STYLE)
        if f is None:
            continue
        assert f["visible"], f"focused element off-screen or hidden: {f}"
        assert (f["outline"] != "none" and f["width"] >= 2) or f["shadow"] != "none", \
            f"no visible focus indicator on {f}"
        reached.append(f["text"])
        if page.evaluate("() => !!document.activeElement.closest('footer')"):
            break
    else:
        pytest.fail("the footer was never reached with Tab")
    if which == "dataset":
        assert "Avec curl" in reached and "Avec Python" in reached
        page.get_by_text("Avec curl").focus()
        page.keyboard.press("Enter")  # a summary opens with the keyboard
        assert page.locator(".poitiers-api details").first.evaluate("d => d.open")
