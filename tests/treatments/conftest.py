"""The treatments tests' shared ground: Harbour open on weekdays with Paula."""

import pytest

from tests.scheduling.factories import open_clinic


@pytest.fixture
def rooms(harbour, paula):
    """Harbour open 09:00–17:00 on weekdays, Paula working all of it, in Room 1 and Room 2."""
    return open_clinic(harbour, [paula.practitioner])
