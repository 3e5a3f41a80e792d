"""Numbers and sizes as French and English write them."""
from __future__ import annotations

import pytest

from ckanext.poitiers import l10n


@pytest.mark.parametrize("value, lang, text", [
    (86400, "fr", "86\u202f400"), (0.3, "fr", "0,3"), (30.0, "fr", "30"),
    (5000, "fr", "5\u202f000"),
    (86400, "en", "86,400"), (0.3, "en", "0.3"), (1.23456, "fr", "1,235"),
    (10000, None, "10\u202f000"), (10000, "xx-nowhere", "10\u202f000"),
    (10000, "zz", "10\u202f000"), (999, "fr", "999"), (0, "en", "0"), (-5, "fr", "-5"),
    (999.5, "fr", "999,5"), (1000, "fr", "1\u202f000"),
])
def test_number(value, lang, text):
    assert l10n.number(value, lang) == text


UNITS = {"B": "o", "KB": "Ko", "MB": "Mo", "GB": "Go", "TB": "To"}


@pytest.mark.parametrize("nbytes, lang, text", [
    (512, "fr", "512\u00a0o"), (48213, "fr", "48,2\u00a0Ko"),
    (20 * 1024 * 1024, "fr", "21\u00a0Mo"),
    (3400000, "fr", "3,4\u00a0Mo"), (150_600, "fr", "151\u00a0Ko"), ("2000", "fr", "2\u00a0Ko"),
    (48213, "en", "48.2\u00a0KB"), (7e15, "fr", "7\u202f000\u00a0To"),
    (None, "fr", ""), ("abc", "fr", ""), (0, "fr", ""), (-5, "fr", ""), (True, "fr", ""),
    (float("inf"), "fr", ""), (float("nan"), "fr", ""), ([1], "fr", ""),
])
def test_size(nbytes, lang, text):
    gettext = (lambda unit: UNITS[unit]) if lang == "fr" else (lambda unit: unit)
    assert l10n.size(nbytes, lang, gettext) == text


def test_a_period_in_words_without_ckan():
    """The rule of a period's sentence is pure: the caller gives gettext and the language."""
    french = {"from {start} to {end}": "du {start} au {end}",
              "from {start} up to {end}": "de {start} au {end}",
              "since {start}": "depuis le {start}", "up to {end}": "jusqu’en {end}"}
    assert l10n.period_of("2015-04", "2024-03-31", french.get, "fr")["text"] == \
        "d’avril 2015 au 31 mars 2024"
    assert l10n.period_of("2016-11-15", None, french.get, "fr") == {
        "start": "15 novembre 2016", "end": "", "text": "depuis le 15 novembre 2016"}
    assert l10n.period_of("2015-04", "2024-03-31", str, "en")["text"] == \
        "from April 2015 up to March 31, 2024"
    assert l10n.period_of("pas une date", "", str, "en") == {"start": "", "end": "", "text": ""}
    assert l10n.periods([{"end": "2024"}, {}, "x"], french.get, "fr") == ["jusqu’en 2024"]
