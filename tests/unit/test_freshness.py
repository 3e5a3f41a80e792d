"""Freshness against the declared frequency: pure functions, no CKAN."""
from __future__ import annotations

import datetime as dt

import pytest

from ckanext.poitiers import freshness as f

NOW = dt.datetime(2026, 11, 25, 12, 0, 0)
EU = "http://publications.europa.eu/resource/authority/frequency/"


@pytest.mark.parametrize("value, code", [
    (EU + "MONTHLY", "MONTHLY"), ("monthly", "MONTHLY"), ("continuous", "UPDATE_CONT"),
    ("ANNUAL", "ANNUAL"), ("irregular", "IRREG"), ("", None), (None, None), (42, None),
])
def test_frequency_code(value, code):
    assert f.frequency_code(value) == code


@pytest.mark.parametrize("frequency, days_ago, state", [
    (EU + "MONTHLY", 10, "on_time"),
    (EU + "MONTHLY", 40, "on_time"),      # within the grace margin (31 + 15.5 days)
    (EU + "MONTHLY", 50, "late"),
    ("daily", 1.5, "on_time"),
    ("daily", 3, "late"),
    ("continuous", 0.1, "on_time"),
    ("continuous", 5, "late"),
    (EU + "ANNUAL", 400, "on_time"),
    (EU + "ANNUAL", 600, "late"),
    (EU + "IRREG", 900, "unknown"),       # no period: not judged
    ("unknown", 900, "unknown"),
    (None, 1, "unknown"),
])
def test_freshness_state(frequency, days_ago, state):
    last = (NOW - dt.timedelta(days=days_ago)).isoformat()
    assert f.freshness(frequency, last, now=NOW)["state"] == state


def test_freshness_without_a_date_is_unknown():
    assert f.freshness(EU + "DAILY", None, now=NOW)["state"] == "unknown"
    assert f.freshness(EU + "DAILY", "pas une date", now=NOW)["state"] == "unknown"


def test_due_date_and_age():
    r = f.freshness(EU + "WEEKLY", "2026-11-01T00:00:00", now=NOW)
    assert r["state"] == "late"
    assert r["due"] == dt.datetime(2026, 11, 11, 12, 0, 0)  # 7 days + 3.5 days of grace
    assert r["age_days"] == pytest.approx(24.5)


@pytest.mark.parametrize("value, expected", [
    ("2026-11-01", dt.datetime(2026, 11, 1)),
    ("2026-11-01T10:00:00Z", dt.datetime(2026, 11, 1, 10)),
    ("2026-11-01T12:00:00+02:00", dt.datetime(2026, 11, 1, 10)),
    (dt.date(2026, 1, 2), dt.datetime(2026, 1, 2)),
    ("", None), ("31/12/2026", None), (None, None),
])
def test_parse_date(value, expected):
    assert f.parse_date(value) == expected


def test_last_update_is_the_latest_data_date_not_the_record():
    pkg = {"modified": "2024-03-01", "metadata_modified": "2026-11-20T09:00:00",
           "resources": [{"last_modified": "2025-10-01T08:30:00"}, {"modified": "2025-02-01"},
                         {"last_modified": "pas une date"}, "pas une ressource"]}
    assert f.last_update(pkg) == "2025-10-01T08:30:00"


def test_last_update_without_data_date_is_the_record():
    pkg = {"metadata_modified": "2026-11-20T09:00:00", "resources": [{"name": "csv"}]}
    assert f.last_update(pkg) == "2026-11-20T09:00:00"
    assert f.last_update({}) is None


def test_a_data_date_after_the_record_is_brought_back_to_it():
    # « 2052 » typed for « 2025 »: the portal cannot know of a change after it wrote the record
    pkg = {"modified": "2052-01-01", "metadata_modified": "2026-11-20T09:00:00"}
    assert f.last_update(pkg) == "2026-11-20T09:00:00"
    # a time zone: 10:00 in Paris is 09:00 UTC, not later than the record
    pkg = {"modified": "2026-11-20T10:00:00+01:00", "metadata_modified": "2026-11-20T09:00:00"}
    assert f.last_update(pkg) == "2026-11-20T09:00:00"
