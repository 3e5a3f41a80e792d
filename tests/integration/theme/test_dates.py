"""Dates in the word order of the page's language (CKAN's ``h.render_datetime``, overridden in
ckanext/poitiers/dates.py): « 2 novembre 2026 à 04:00 », not CKAN's « novembre 2, 2026, 04:00
(+0100) »; English as CKAN writes it, but with the calendar year."""
from __future__ import annotations

import datetime as dt

import pytest
from ckan.plugins import toolkit

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("with_plugins")]

# stored in UTC; test.ini shows Europe/Paris (UTC+1 in winter)
NOV_2 = dt.datetime(2026, 11, 2, 3, 0, 5)
NOV_1 = dt.datetime(2026, 11, 1, 3, 0, 5)
# Babel's YYYY is the year of the week: CKAN wrote « December 29, 2026 » for this day
DEC_29 = dt.datetime(2025, 12, 29, 11, 0)


def _render(app, lang: str, value, **kwargs) -> str:
    with app.flask_app.test_request_context(environ_overrides={"CKAN_LANG": lang}):
        return toolkit.h.render_datetime(value, **kwargs)


@pytest.mark.parametrize("lang, kwargs, expected", [
    ("fr", {"with_hours": True}, ["2 novembre 2026 à 04:00", "1er novembre 2026 à 04:00",
                                  "29 décembre 2025 à 12:00"]),
    ("fr", {"with_seconds": True}, ["2 novembre 2026 à 04:00:05",
                                    "1er novembre 2026 à 04:00:05",
                                    "29 décembre 2025 à 12:00:00"]),
    ("fr", {}, ["2 novembre 2026", "1er novembre 2026", "29 décembre 2025"]),
    ("en", {"with_hours": True}, ["November 2, 2026, 04:00 (+0100)",
                                  "November 1, 2026, 04:00 (+0100)",
                                  # (CKAN wrote 2026: YYYY, the year of the week)
                                  "December 29, 2025, 12:00 (+0100)"]),
    ("en", {"with_seconds": True}, ["November 2, 2026, 4:00:05\u202fAM +0100",
                                    "November 1, 2026, 4:00:05\u202fAM +0100",
                                    "December 29, 2025, 12:00:00\u202fPM +0100"]),
    ("en", {}, ["November 2, 2026", "November 1, 2026", "December 29, 2025"]),
])
def test_render_datetime_in_the_language_word_order(app, lang, kwargs, expected):
    assert [_render(app, lang, d, **kwargs) for d in (NOV_2, NOV_1, DEC_29)] == expected
    # an ISO string (as the API gives dates) reads the same
    assert _render(app, lang, NOV_2.isoformat(), **kwargs) == expected[0]


def test_explicit_formats_and_bad_dates_are_ckan_s(app):
    assert _render(app, "fr", NOV_2, date_format="%Y-%m-%d %H:%M") == "2026-11-02 04:00"
    assert _render(app, "fr", "pas une date", with_hours=True) == ""
    assert _render(app, "fr", None, with_hours=True) == ""


def test_just_now_in_french(app):
    with app.flask_app.test_request_context(environ_overrides={"CKAN_LANG": "fr"}):
        assert toolkit.h.time_ago_from_timestamp(dt.datetime.utcnow()) == "À l’instant"
        assert toolkit.h.time_ago_from_timestamp(
            dt.datetime.utcnow() - dt.timedelta(days=3)) == "il y a 3 jours"
