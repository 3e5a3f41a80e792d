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

import re

import ckan.plugins.toolkit as tk
from flask_babel import format_datetime

from ckanext.poitiers import l10n

# Babel date patterns (https://babel.pocoo.org/en/latest/dates.html#pattern-syntax): translate
# the order and the words, keep the letters; text between quotes is written as is.
# CKAN's pattern with the calendar year (y): CKAN writes YYYY, the year of the week, so that
# 29 December 2025 read « December 29, 2026 »
WITH_HOURS = l10n.N_("MMMM d, y, HH:mm (z)")
WITH_SECONDS = l10n.N_("MMMM d, y, h:mm:ss a z")  # Babel's "long" date-time in English


def first_of_month(text: str, lang: str) -> str:
    """« 1 novembre 2026 » → « 1er novembre 2026 » in French; other languages as they are."""
    if lang.startswith("fr"):
        return re.sub(r"^1(?=\s)", "1er", text)
    return text


@tk.chained_helper
def render_datetime(next_helper, datetime_, date_format=None, with_hours=False,
                    with_seconds=False):
    """CKAN's helper; a date with hours or seconds follows the pattern of the page's
    catalogue (English: CKAN's, with the calendar year). An explicit ``date_format``
    (strftime) is CKAN's, unchanged."""
    text = next_helper(datetime_, date_format=date_format, with_hours=with_hours,
                       with_seconds=with_seconds)
    if date_format or not text:
        return text
    lang = l10n.page_language()
    msgid = WITH_SECONDS if with_seconds else WITH_HOURS if with_hours else None
    pattern = tk._(msgid) if msgid else None
    # a catalogue's own pattern; untranslated (English), CKAN's text, but for the year of
    # the week of its pattern with hours
    if pattern is not None and (pattern != msgid or msgid == WITH_HOURS):
        value = tk.h.date_str_to_datetime(datetime_) if isinstance(datetime_, str) else datetime_
        if value.tzinfo is None:  # CKAN stores UTC; flask-babel shows the display timezone
            import pytz

            value = value.replace(tzinfo=pytz.utc)
        text = format_datetime(value, pattern)
    return first_of_month(text, lang)
