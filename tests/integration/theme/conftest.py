"""Fixtures of the theme's integration tests: the database with our requests table."""
from __future__ import annotations

import pytest


@pytest.fixture
def theme_db(clean_db, clean_index, migrate_db_for):
    migrate_db_for("poitiers_theme")
