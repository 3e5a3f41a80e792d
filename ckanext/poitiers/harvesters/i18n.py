"""The messages of the harvesters, in the portal's default language: see
:mod:`ckanext.poitiers.l10n_default` (re-exported here for the harvester modules)."""
from __future__ import annotations

from ckanext.poitiers.l10n_default import N_, _, default_locale, ngettext, number, size

__all__ = ["N_", "_", "default_locale", "ngettext", "number", "size"]
