"""Numbers, file sizes and days as a language writes them: « 86 400 », « 0,3 », « 3,4 Mo »,
« 1er janvier 2015 ».

The caller gives the language and its gettext: the page's (``page_language``) for the theme
and the forms, the portal's default language for the messages harvesters store.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from babel import UnknownLocaleError
from babel.numbers import format_decimal


def N_(message: str) -> str:  # noqa: N802 - gettext's name for "mark for extraction only"
    return message


def page_language() -> str:
    """The language of the current page; the portal's default outside a request."""
    import ckan.plugins.toolkit as tk

    try:
        return (tk.h.lang() or "fr")[:2]
    except Exception:  # noqa: BLE001 - outside a request
        return (tk.config.get("ckan.locale_default") or "fr")[:2]


SIZE_UNITS = (N_("B"), N_("KB"), N_("MB"), N_("GB"), N_("TB"))
TODAY, YESTERDAY = N_("today"), N_("yesterday")


def _decimal(value: float, digits: str, lang: str | None) -> str:
    try:
        return format_decimal(value, format=digits, locale=lang or page_language())
    except (UnknownLocaleError, ValueError, TypeError):  # a locale name Babel does not know
        return format_decimal(value, format=digits, locale="fr")


def month_year(year: int, month: int, lang: str | None = None) -> str:
    """A month of a year as the page's language writes it: « mars 2024 », "March 2024"."""
    import datetime as dt

    from babel.dates import format_date

    day = dt.date(year, month, 1)
    try:
        return format_date(day, format="LLLL y", locale=lang or page_language())
    except (UnknownLocaleError, ValueError, TypeError):
        return format_date(day, format="LLLL y", locale="fr")


def partial_date(value, lang: str | None = None) -> str | None:
    """A year (``2024`` → « 2024 ») or a month (``2024-03`` → « mars 2024 ») as written in
    ``lang``; None for anything else (a full date is formatted by the caller)."""
    import re

    text = value.strip() if isinstance(value, str) else ""
    if re.fullmatch(r"[0-9]{4}", text):
        return text
    match = re.fullmatch(r"([0-9]{4})-(0[1-9]|1[0-2])", text)
    if match:
        return month_year(int(match.group(1)), int(match.group(2)), lang)
    return None


def elide(text: str, lang: str | None = None) -> str:
    """French elides « de » before a vowel: « de avril 2015 » → « d’avril 2015 » (months
    avril, août and octobre); other languages are left as they are."""
    import re

    if (lang or page_language()) != "fr":
        return text
    return re.sub(r"\b([dD])e (?=(?:avril|août|octobre)\b)", "\\1’", text)


def number(value: float, lang: str | None = None) -> str:
    """``value`` with the digit grouping and decimal sign of ``lang`` (default: the page's
    language), at most 3 decimals."""
    if type(value) is int and 0 <= value < 1000:
        return str(value)  # the same in every language: the facet counts of a page, at once
    return _decimal(value, "#,##0.###", lang)


def size(nbytes, lang: str | None, gettext: Callable[[str], str]) -> str:
    """A file size in decimal units (1 Ko = 1,000 octets): one decimal below 100 (« 48,2 Ko »),
    none above or in bytes; empty when unknown or not positive."""
    if isinstance(nbytes, bool) or not isinstance(nbytes, (int, float, str)):
        return ""
    try:
        n = float(nbytes)
    except ValueError:
        return ""
    if not n > 0 or n == float("inf"):
        return ""
    i = 0
    while n >= 1000 and i < len(SIZE_UNITS) - 1:
        n /= 1000.0
        i += 1
    text = _decimal(n, "#,##0" if i == 0 or n >= 100 else "#,##0.#", lang)
    return f"{text}\u00a0{gettext(SIZE_UNITS[i])}"


def long_date(day, lang: str | None = None) -> str:
    """A day as the language writes it in a sentence: « 1er janvier 2015 », « 26 novembre
    2026 », "January 1, 2015" (``day``: a date or datetime)."""
    from babel.dates import format_date

    lang = lang or page_language()
    try:
        text = format_date(day, format="long", locale=lang)
    except (UnknownLocaleError, ValueError, TypeError):
        lang, text = "fr", format_date(day, format="long", locale="fr")
    return first_of_month(text, lang)


def first_of_month(text: str, lang: str) -> str:
    """French writes the first day of a month as an ordinal: « 1 novembre 2026 » →
    « 1er novembre 2026 »; other languages as they are."""
    if lang.startswith("fr"):
        return re.sub(r"^1(?=\s)", "1er", text)
    return text


def ago(days: int, lang: str | None, gettext: Callable[[str], str]) -> str:
    """How long ago, in whole days, as the language says it: « aujourd’hui », « hier »,
    « il y a 3 jours », « il y a 2 mois », "3 weeks ago"; empty for a date in the future."""
    import datetime as dt

    from babel.dates import format_timedelta

    if days < 0:
        return ""
    if days == 0:
        return gettext(TODAY)
    if days == 1:
        return gettext(YESTERDAY)
    delta = -dt.timedelta(days=days)
    try:
        return format_timedelta(delta, granularity="day", add_direction=True,
                                locale=lang or page_language())
    except (UnknownLocaleError, ValueError, TypeError):
        return format_timedelta(delta, granularity="day", add_direction=True, locale="fr")


def period_date(value, lang: str | None = None) -> str:
    """A bound of a period as the publisher gave it: a year (« 2024 »), a month (« mars
    2024 ») or a day (« 31 mars 2024 »); a partial date is not turned into its first day."""
    from ckanext.poitiers.freshness import parse_date

    partial = partial_date(value, lang)
    if partial:
        return partial
    day = parse_date(value)
    return long_date(day, lang) if day else ""


def period_of(raw_start, raw_end, gettext: Callable[[str], str],
              lang: str | None = None) -> dict:
    """The bounds of a period, and the sentence that says it: French puts « le » before a day
    and nothing before a month or a year (« depuis le 15 novembre 2016 », « depuis mars 2024 »,
    « du 1er janvier 2015 au 31 décembre 2024 », « de 2015 à 2024 », « du 1er janvier 2015 à
    2024 », « d’avril 2015 au 31 mars 2024 »). The one rule of a period's sentence: the dataset
    page's « Comprendre ces données » and the schema's display of ``temporal_coverage``."""
    start, end = period_date(raw_start, lang), period_date(raw_end, lang)
    start_day = bool(start) and not partial_date(raw_start, lang)
    end_day = bool(end) and not partial_date(raw_end, lang)
    if start and end:
        if start_day:
            message = (gettext("from {start} to {end}") if end_day
                       else gettext("from {start} through {end}"))
        else:
            message = (gettext("from {start} up to {end}") if end_day
                       else gettext("from {start} until {end}"))
        text = elide(message.format(start=start, end=end), lang)
    elif start:
        text = (gettext("since {start}") if start_day
                else gettext("starting {start}")).format(start=start)
    elif end:
        text = (gettext("until {end}") if end_day else gettext("up to {end}")).format(end=end)
    else:
        text = ""
    return {"start": start, "end": end, "text": text}


def periods(value, gettext: Callable[[str], str], lang: str | None = None) -> list[str]:
    """Each period of a ``temporal_coverage`` value as its sentence (:func:`period_of`), in the
    order given; periods without a bound are left out."""
    entries = value if isinstance(value, list) else [value]
    texts = (period_of(e.get("start"), e.get("end"), gettext, lang)["text"]
             for e in entries if isinstance(e, dict))
    return [text for text in texts if text]
