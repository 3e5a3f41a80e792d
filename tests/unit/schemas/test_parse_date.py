"""Date parsing used by the validators (pure function)."""
import datetime

import pytest

from ckanext.poitiers.validators import parse_date


@pytest.mark.parametrize("text,expected", [
    ("2024", datetime.date(2024, 1, 1)), ("2024-03", datetime.date(2024, 3, 1)),
    ("2024-02-29", datetime.date(2024, 2, 29)), ("2024-03-31T12:30:00", datetime.date(2024, 3, 31)),
    ("2024-03-31T12:30:00+01:00", datetime.date(2024, 3, 31)),
    (" 2019-09-02 ", datetime.date(2019, 9, 2)),
])
def test_iso_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["2023-02-29", "2024-13", "31/03/2024", "demain", "2024-3-1",
                                  "2024-03-31T25:00", "", None, 2024])
def test_not_dates(text):
    assert parse_date(text) is None
