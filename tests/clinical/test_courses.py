"""Courses: session windows from a first date, and whether a planned course keeps its intervals."""

from datetime import date, timedelta

import pytest

from mesoclinic.clinical.courses import SessionWindow, check_course, course_windows, gap_window
from mesoclinic.clinical.protocols import load_protocol

BOOSTER = load_protocol("standard").course("booster")
SEED_000 = load_protocol("ref-000").course()
FIRST = date(2026, 12, 1)


def test_windows_of_a_course_that_starts_weekly_and_then_goes_monthly():
    assert course_windows(BOOSTER, FIRST) == [
        SessionWindow(1, date(2026, 12, 1), date(2026, 12, 1)),
        SessionWindow(2, date(2026, 12, 8), date(2026, 12, 15)),
        SessionWindow(3, date(2027, 1, 5), date(2027, 1, 12)),
        SessionWindow(4, date(2027, 2, 2), date(2027, 2, 9), optional=True),
        SessionWindow(5, date(2027, 3, 2), date(2027, 3, 9), optional=True),
        SessionWindow(6, date(2027, 3, 30), date(2027, 4, 6), optional=True),
    ]


def test_each_gap_has_the_window_of_its_phase():
    assert [gap_window(BOOSTER, number) for number in range(2, 7)] == [
        (7, 14),
        (28, 35),
        (28, 35),
        (28, 35),
        (28, 35),
    ]
    assert [gap_window(SEED_000, number) for number in range(2, 7)] == [(14, 21)] * 5


@pytest.mark.parametrize("number", [0, 1, 7])
def test_a_session_without_a_predecessor_in_the_template_has_no_gap(number):
    with pytest.raises(ValueError, match=f"session {number} has no interval in 'course'"):
        gap_window(SEED_000, number)


def test_a_course_within_every_window_has_no_problems():
    dates = [FIRST + timedelta(days=days) for days in (0, 14, 35, 56)]

    assert check_course(SEED_000, dates) == []


def test_each_problem_says_which_session_and_by_how_much():
    dates = [
        FIRST,
        FIRST + timedelta(days=10),
        FIRST + timedelta(days=40),
        FIRST + timedelta(days=54),
    ]

    assert check_course(SEED_000, dates) == [
        "Session 2 is 10 days after session 1; it should be 14–21 days after (4 days too early).",
        "Session 3 is 30 days after session 2; it should be 14–21 days after (9 days too late).",
    ]


def test_a_course_too_short_or_too_long_is_reported():
    assert check_course(SEED_000, [FIRST]) == ["The course has 1 session; course needs at least 4."]
    seven = [FIRST + timedelta(days=14 * n) for n in range(7)]
    assert check_course(SEED_000, seven) == ["The course has 7 sessions; course allows at most 6."]


def test_sessions_out_of_order_are_too_early():
    dates = [
        FIRST,
        FIRST - timedelta(days=1),
        FIRST + timedelta(days=20),
        FIRST + timedelta(days=40),
    ]

    assert check_course(SEED_000, dates)[0] == (
        "Session 2 is -1 days after session 1; it should be 14–21 days after (15 days too early)."
    )


def test_templates_record_their_session_length():
    assert (SEED_000.minutes, load_protocol("standard").course().minutes) == ((10, 15), (30, 60))
