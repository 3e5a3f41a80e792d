"""The README documents every declared configuration option and every `ckan poitiers` command."""
from __future__ import annotations

from pathlib import Path

import click
import yaml

from ckanext.poitiers import cli

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _declared() -> list[str]:
    path = ROOT / "ckanext" / "poitiers" / "config_declaration.yaml"
    declaration = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [o["key"] for g in declaration["groups"] for o in g["options"]]


def _commands(group: click.Group, prefix: str = "ckan poitiers") -> list[str]:
    names = []
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            names += _commands(command, f"{prefix} {name}")
        else:
            names.append(f"{prefix} {name}")
    return names


def test_every_option_is_in_the_readme_table():
    missing = [key for key in _declared() if f"| `{key}` |" not in README]
    assert missing == []


def test_every_command_is_in_the_readme_table():
    commands = _commands(cli.poitiers)
    assert "ckan poitiers migrate" in commands
    missing = [c for c in commands if f"| `{c}" not in README]
    assert missing == []
