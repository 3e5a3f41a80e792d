"""CKAN's ``h.render_datetime`` in the word order of the page's language.

CKAN 2.11 and 2.12 write a date with hours with one fixed Babel pattern, « MMMM d, YYYY, HH:mm
(z) », whatever the language: French pages read « novembre 2, 2026, 04:00 (+0100) » (harvest
jobs, activity, dataset pages). Here that pattern, and the one of a date with seconds, are gettext
msgids: a catalogue that translates them gives its language's order (« 2 novembre 2026 à
04:00 »); a language that does not (English) keeps CKAN's text, its year of the week
(« December 29, 2026 » for 29 December 2025) made the calendar year. Dates without hours (Babel's
"long" date) and the relative forms (« il y a 3 jours ») already read well; French writes the
first day of a month « 1er » in every form.
"""
from __future__ import annotations

import datetime as dt

import ckan.plugins.toolkit as tk
import pytz
from flask_babel import format_date, format_datetime

from ckanext.poitiers import l10n

# Babel date patterns (https://babel.pocoo.org/en/latest/dates.html#pattern-syntax): translate
# the order and the words, keep the letters; text between quotes is written as is.
# CKAN's pattern with the calendar year (y): CKAN writes YYYY, the year of the week, so that
# 29 December 2025 read « December 29, 2026 »
WITH_HOURS = l10n.N_("MMMM d, y, HH:mm (z)")
WITH_SECONDS = l10n.N_("MMMM d, y, h:mm:ss a z")  # Babel's "long" date-time in English


def _readable(value) -> dt.datetime | None:
    """The datetime CKAN's helper would show (a datetime or an ISO string; naive is UTC);
    None for what it cannot read."""
    if isinstance(value, str):
        try:
            value = tk.h.date_str_to_datetime(value)
        except (TypeError, ValueError):
            return None
    if not isinstance(value, dt.datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=pytz.utc)


@tk.chained_helper
def render_datetime(next_helper, datetime_, date_format=None, with_hours=False,
                    with_seconds=False):
    """CKAN's helper, formatting once: a date with hours or seconds follows the pattern of
    the page's catalogue (English: CKAN's, with the calendar year). An explicit
    ``date_format`` (strftime) and what cannot be read are CKAN's, unchanged."""
    value = _readable(datetime_)
    if date_format or value is None:
        return next_helper(datetime_, date_format=date_format, with_hours=with_hours,
                           with_seconds=with_seconds)
    if with_seconds:
        pattern = tk._(WITH_SECONDS)
        # untranslated: CKAN's own choice, Babel's "long" date-time of the language
        text = format_datetime(value, "long" if pattern == WITH_SECONDS else pattern)
    elif with_hours:
        text = format_datetime(value, tk._(WITH_HOURS))
    else:
        text = format_date(value, "long")
    return l10n.first_of_month(text, l10n.page_language())
