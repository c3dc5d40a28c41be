"""The scheduling tests' shared ground: a fixed now and Harbour open on weekdays with Paula."""

import datetime as dt

import pytest
import time_machine

from tests.scheduling.factories import open_clinic


@pytest.fixture
def frozen_now():
    """Saturday 21 November 2026, 10:00 UTC: the Monday courses start on is nine days away."""
    with time_machine.travel(dt.datetime(2026, 11, 21, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def rooms(harbour, paula):
    """Harbour open 09:00–17:00 on weekdays, Paula working all of it, in Room 1 and Room 2."""
    return open_clinic(harbour, [paula.practitioner])
