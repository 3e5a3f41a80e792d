"""Messages in the portal's default language (``ckan.locale_default``, French here), whatever
the language of the current page, from our own gettext catalogue (msgids are English).

For texts written outside the page that shows them: harvest errors stored by background
consumers (no web request, no user language) and read later on the harvest source page, the
email telling a requester of the answer (``requests_mail``). ``N_`` marks a string for extraction
only (``doctor`` translates its marked strings where it shows them). Numbers and sizes are written
by :mod:`ckanext.poitiers.l10n`.
"""
from __future__ import annotations

import functools
import gettext

from ckanext.poitiers import l10n

DOMAIN = "ckanext-poitiers"


def _i18n_dir() -> str:
    from ckanext.poitiers.plugins.core import i18n_dir

    return i18n_dir()


@functools.cache
def _translations(locale: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, _i18n_dir(), languages=[locale], fallback=True)


def default_locale() -> str:
    try:
        from ckan.plugins import toolkit

        return toolkit.config.get("ckan.locale_default") or "fr"
    except Exception:  # noqa: BLE001 - no CKAN configuration loaded (pure unit tests)
        return "fr"


def _(msgid: str) -> str:
    return _translations(default_locale()).gettext(msgid)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form the default language uses for ``n`` (French: singular for 0 and 1)."""
    return _translations(default_locale()).ngettext(singular, plural, n)


def number(value: float) -> str:
    """``value`` written as the default language writes it (« 86 400 », « 0,3 »)."""
    return l10n.number(value, default_locale())


def size(nbytes: float) -> str:
    """A size in bytes with its unit, in the default language (« 21 Mo »)."""
    return l10n.size(nbytes, default_locale(), _)


def N_(msgid: str) -> str:  # noqa: N802 - gettext's name for "mark for extraction only"
    return msgid
