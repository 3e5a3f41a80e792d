"""Declarative validation of a harvest source's configuration (JSON), with French errors.

Each harvester declares its options as :class:`Option` objects; :func:`validate` parses the
JSON text of the source form, checks every option and returns the normalised JSON text, or
raises :class:`ConfigError` listing every problem in French.
"""
from __future__ import annotations

import dataclasses
import json
from typing import Any

from ckanext.poitiers import rules
from ckanext.poitiers.harvesters.i18n import _, ngettext


class ConfigError(ValueError):
    pass


@dataclasses.dataclass(frozen=True)
class Option:
    kind: type  # int, str, bool, list (of str), dict (str → str)
    default: Any = None
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple | None = None
    # values must be values of this vocabulary of ckanext.poitiers.vocabularies (the forms the
    # schema accepts: for frequencies, data.gouv.fr ids and EU codes too)
    vocabulary: str | None = None
    # the longest text (characters) or list (items) accepted
    max_length: int | None = None
    # what the option does, for the source form (English, marked with N_, translated there)
    help: str = ""


SHOWN_VALUES = 5
SHOWN_CHARACTERS = 40


def shown(values) -> str:
    """Values quoted for a French message, without flooding it: the first few, each cut."""
    quoted = [rules.quoted(v, _, SHOWN_CHARACTERS) for v in list(values)[:SHOWN_VALUES]]
    if len(values) > SHOWN_VALUES:
        quoted.append("…")
    return ", ".join(quoted)


def _in_vocabulary(vocabulary: str, value: str) -> bool:
    from ckanext.poitiers import vocabularies

    if vocabulary == "frequencies":
        return vocabularies.frequency_uri(value) is not None
    return vocabularies.is_valid(vocabulary, value)


def _type_name(kind: type, gettext=_) -> str:
    return {
        int: gettext("an integer"),
        str: gettext("a text"),
        bool: gettext("true or false"),
        list: gettext("a list of texts"),
        dict: gettext("an object of texts"),
    }[kind]


def _check(name: str, option: Option, value: Any) -> list[str]:
    ok = {
        int: isinstance(value, int) and not isinstance(value, bool),
        str: isinstance(value, str),
        bool: isinstance(value, bool),
        list: isinstance(value, list) and all(isinstance(v, str) for v in value),
        dict: isinstance(value, dict)
        and all(isinstance(v, (str, int)) for v in value.values()),
    }[option.kind]
    if not ok:
        return [_("« {name} » must be {type}.").format(name=name, type=_type_name(option.kind))]
    if option.max_length is not None and len(value) > option.max_length:
        return [
            (_("« {name} » is too long: at most {maximum} characters.") if isinstance(value, str)
             else _("« {name} » is too long: at most {maximum} items.")).format(
                name=name, maximum=option.max_length)
        ]
    errors = []
    if option.minimum is not None and value < option.minimum:
        errors.append(
            _("« {name} » must be at least {minimum}.").format(name=name, minimum=option.minimum)
        )
    if option.maximum is not None and value > option.maximum:
        errors.append(
            _("« {name} » must be at most {maximum}.").format(name=name, maximum=option.maximum)
        )
    if option.choices is not None:
        values = value if isinstance(value, list) else [value]
        bad = [v for v in values if v not in option.choices]
        if bad:
            errors.append(
                _("« {name} » accepts only: {choices}.").format(
                    name=name, choices=", ".join(str(c) for c in option.choices)
                )
            )
    if option.vocabulary is not None:
        values = value if isinstance(value, list) else [value]
        bad = [v for v in values if not _in_vocabulary(option.vocabulary, v)]
        if bad:
            errors.append(
                ngettext(
                    "« {name} »: {values} is not a value of the vocabulary « {vocabulary} ».",
                    "« {name} »: {values} are not values of the vocabulary « {vocabulary} ».",
                    len(bad),
                ).format(name=name, values=shown(bad), vocabulary=option.vocabulary)
            )
    return errors


def describe(options: dict[str, Option], gettext=_) -> list[dict]:
    """Each option as the source form explains it: its name, what it does and its JSON type,
    translated by ``gettext`` (the page's language), its bounds, the values it accepts (an
    empty text aside) and its default (as JSON): what the checks above apply, said once."""
    return [
        {"name": name, "type": _type_name(option.kind, gettext),
         "help": gettext(option.help) if option.help else "",
         "minimum": option.minimum, "maximum": option.maximum,
         "choices": [c for c in option.choices or () if c != ""],
         "default": json.dumps(option.default, ensure_ascii=False)}
        for name, option in options.items()
    ]


def parse(text: str | None, options: dict[str, Option]) -> dict:
    """The configuration as a dict with defaults filled in; raises ConfigError."""
    if text is None or not str(text).strip():
        data = {}
    else:
        try:
            data = json.loads(text)
        except ValueError as e:
            raise ConfigError(
                _("The configuration is not valid JSON (line {line}, column {column}).").format(
                    line=getattr(e, "lineno", "?"), column=getattr(e, "colno", "?")
                )
            ) from e
        if not isinstance(data, dict):
            raise ConfigError(_('The configuration must be a JSON object, like {"key": "value"}.'))
    errors = []
    unknown = sorted(set(data) - set(options))
    if unknown:
        errors.append(
            _("Unknown options: {unknown}. Known options: {known}.").format(
                unknown=", ".join(unknown), known=", ".join(sorted(options)) or "—"
            )
        )
    result = {}
    for name, option in options.items():
        if name in data and data[name] is not None:
            errors.extend(_check(name, option, data[name]))
            result[name] = data[name]
        else:
            result[name] = option.default
    if errors:
        raise ConfigError(" ".join(errors))
    return result


def validate(text: str | None, options: dict[str, Option]) -> str:
    """Normalised JSON text of a valid configuration (only the keys the publisher gave)."""
    parse(text, options)
    return text if text and text.strip() else ""
