"""The outcomes tests' ground: Harbour open on weekdays with Paula, Pat's standard course."""

import pytest

from tests.followup.conftest import book_standard_course, rooms  # noqa: F401 (a fixture)
from tests.outcomes.factories import complete


@pytest.fixture
def course(frozen_now, rooms, pat, paula):  # noqa: F811
    """Pat's standard course on the face, from Monday 30 November 2026, not yet taken place."""
    return book_standard_course(pat, paula)


@pytest.fixture
def completed(course):
    """Pat's course with every session taken place and signed off: completed."""
    return complete(course)
