"""French typography of CKAN's own form labels, in a real Chromium: CKAN writes « : » after
every label with CSS, glued to the word (« Mot de passe: »); in French a no-break space comes
before it, in English nothing changes, and labels CKAN writes without a colon (check boxes)
stay without one."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

AFTER = "sel => getComputedStyle(document.querySelector(sel), '::after').content"


@pytest.mark.parametrize(("path", "colon"), [("/user/login", '"\u00a0:"'),
                                             ("/en/user/login", '":"')])
def test_label_colon_follows_the_language(portal, page_factory, path, colon):
    page = page_factory()
    page.goto(portal.url + path)
    assert page.evaluate(AFTER, "label[for=field-password]") == colon
    assert page.evaluate(AFTER, "label[for=field-login]") == colon
    # the « remember me » check box had no colon and still has none
    assert page.evaluate(AFTER, "label[for=field-remember]") in ("none", '""', "normal")
