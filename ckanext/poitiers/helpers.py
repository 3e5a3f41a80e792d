"""Template helpers (registered by the core plugin as ``h.poitiers_*``)."""
from __future__ import annotations

from ckanext.poitiers import dates, markdown, vocabularies


def poitiers_licence(licence_id: str) -> dict | None:
    """The licence entry of our vocabulary (title, url, SPDX id), or None."""
    return vocabularies.licence(licence_id)


def poitiers_licence_options(licenses, current: str | None = None) -> list:
    """The dataset form's ``(title, id)`` licence options, without the legacy licences (CKAN's
    default ones, kept so that older datasets keep theirs) other than the dataset's own."""
    legacy = vocabularies.legacy_licence_ids() - {current}
    return [option for option in licenses or [] if len(option) < 2 or option[1] not in legacy]


def poitiers_choices(field: dict) -> list[dict]:
    """Scheming ``choices_helper``: choices of the vocabulary named by ``field["vocabulary"]``."""
    return vocabularies.choices(field["vocabulary"])


def poitiers_vocabulary_label(name: str, value, lang: str | None = None) -> str:
    """Display label of a stored vocabulary value, in the current language by default."""
    if lang is None:
        import ckan.plugins.toolkit as tk

        try:
            lang = tk.h.lang()
        except (RuntimeError, AttributeError, TypeError):
            lang = None
    return vocabularies.label(name, value, lang)


def poitiers_facet_field(field: str) -> str:
    """The Solr field to facet / filter on for a Poitiers field (``communes`` or
    ``vocab_communes`` depending on the live Solr schema, see indexing.py)."""
    from ckanext.poitiers import indexing

    return indexing.facet_field(field)


def poitiers_schema_date(value) -> str:
    """A date of the schema as the dataset page shows it: a year or a month as such (« 2024 »,
    « mars 2024 »; CKAN's render_datetime shows nothing for them), a day or a date-time
    written in words like every date of the portal (« 31 mars 2024 », « 1er janvier 2019 »)."""
    from ckanext.poitiers import l10n

    if not value:
        return ""
    return l10n.period_date(value) or str(value)


def poitiers_periods(value) -> list[str]:
    """Each period of a ``temporal_coverage`` value as its sentence (« du 1er septembre 2025 au
    4 juillet 2026 »): the schema's display snippet, which must render without our theme."""
    import ckan.plugins.toolkit as tk

    from ckanext.poitiers import l10n

    return l10n.periods(value, tk._)


def all_helpers() -> dict:
    return {
        "poitiers_schema_date": poitiers_schema_date,
        "poitiers_periods": poitiers_periods,
        "poitiers_facet_field": poitiers_facet_field,
        "poitiers_licence": poitiers_licence,
        "poitiers_licence_options": poitiers_licence_options,
        "poitiers_choices": poitiers_choices,
        "poitiers_vocabulary_label": poitiers_vocabulary_label,
        # CKAN's own helper, made safe after its auto-linking (ckanext/poitiers/markdown.py)
        "render_markdown": markdown.render_markdown,
        # CKAN's own helper, shortened texts ending with « … » (markdown.py)
        "markdown_extract": markdown.markdown_extract,
        # CKAN's own helper, dates in the word order of the page's language (dates.py)
        "render_datetime": dates.render_datetime,
    }
