"""A freshly planned course leaves every session room to move a day either way alone.

The property: over random busy calendars, every session of a course the planner plans can move
a day earlier or later without leaving its window from the session before or to the session
after, and when that day has a free time the move is made (`session_move`, "this one").
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mesoclinic.clinical.courses import check_course
from mesoclinic.clinical.planner import (
    Gap,
    Preferences,
    course_with_room,
    earliest_course,
    planning_gap,
)
from mesoclinic.clinical.protocols import load_protocol
from mesoclinic.scheduling.course_rules import gaps_from
from mesoclinic.scheduling.domain.moves import session_move
from mesoclinic.scheduling.proposals import propose_course
from tests.scheduling.factories import book_course
from tests.scheduling.planning import busy, clinic, local

LONDON = ZoneInfo("Europe/London")
MONDAY = dt.date(2026, 11, 30)
TEMPLATES = [
    load_protocol(protocol).course() for protocol in ("ref-000", "ref-001", "ref-002", "standard")
]

busy_hours = st.lists(
    st.tuples(
        st.sampled_from(["practitioner", "room", "patient"]),
        st.integers(1, 2),
        st.integers(0, 120),  # days after Monday 30 November
        st.integers(9, 12),  # the hour it starts
        st.sampled_from([30, 60, 240]),
    ),
    max_size=60,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(template=st.sampled_from(TEMPLATES), calendar=busy_hours, same=st.booleans())
def test_any_session_of_a_fresh_course_can_move_a_day_either_way(template, calendar, same):
    availability = clinic(practitioners=2, rooms=2)
    for what, ident, day, hour, minutes in calendar:
        busy(availability, what, ident, local(MONDAY + dt.timedelta(days=day), hour), minutes)
    gaps = gaps_from(template, 1, template.sessions_max)
    placement = course_with_room(
        availability, gaps, 30, (MONDAY, MONDAY + dt.timedelta(days=14)), Preferences(same)
    )
    days = [p.slot.start.date() for p in placement.sessions]
    narrow = tuple(planning_gap(g) for g in gaps)
    # When the calendar has room for a course at the planning gaps, that is the one planned.
    fits_narrow = earliest_course(
        availability, narrow, 30, (MONDAY, MONDAY + dt.timedelta(days=14)), Preferences(same)
    ).complete
    assume(placement.complete)
    assert placement.gaps == gaps
    assert check_course(template, days) == []
    if not fits_narrow:
        return
    for k in range(len(days)):
        for step in (-1, 1):
            moved = [*days[:k], days[k] + dt.timedelta(days=step), *days[k + 1 :]]
            assert check_course(template, moved) == [], (k, step, days)


def test_planning_gaps_keep_a_day_each_side_when_the_window_has_three():
    assert [planning_gap(Gap(*g)) for g in ((14, 21), (7, 14), (28, 35), (2, 3), (7, 7))] == [
        Gap(15, 20),
        Gap(8, 13),
        Gap(29, 34),
        Gap(2, 3),
        Gap(7, 7),
    ]


@pytest.mark.usefixtures("frozen_now")
@pytest.mark.parametrize("step", [-1, 1])
@pytest.mark.parametrize("number", [2, 3, 4, 5])
def test_a_middle_session_moves_alone_a_day_either_way_and_stays_in_its_window(
    rooms, pat, paula, number, step
):
    protocol = load_protocol("ref-000")
    template = protocol.course()
    course = book_course(proposal=propose_course(pat, protocol, template, MONDAY), by=paula)
    session = course.sessions.get(number=number)
    day = session.start.astimezone(LONDON).date() + dt.timedelta(days=step)
    while day.weekday() >= 5:  # the clinic is open on weekdays: the nearest open day that way
        day += dt.timedelta(days=step)
    session_move(session=session, day=day, by=paula)
    days = [s.start.astimezone(LONDON).date() for s in course.sessions.order_by("number")]
    assert days[number - 1] == day
    assert check_course(template, days) == []
