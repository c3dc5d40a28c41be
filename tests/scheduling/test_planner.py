"""The course planner on plain data: windows, hours, holidays, clock changes, backtracking."""

from datetime import date, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from mesoclinic.clinical.planner import (
    Gap,
    Preferences,
    TimeOfDay,
    Unplaced,
    default_first_days,
    earliest_course,
)
from tests.scheduling.planning import busy, clinic, local, overlaps, starts, window_breaches

MONDAY = date(2026, 11, 30)
WEEKLY = (Gap(7, 7), Gap(7, 7))


def test_an_empty_clinic_gets_the_first_slot_and_the_shortest_gaps():
    proposal = earliest_course(clinic(), (Gap(14, 21), Gap(14, 21)), 30, default_first_days(MONDAY))
    assert starts(proposal) == [
        local(MONDAY, 9),
        local(MONDAY + timedelta(days=14), 9),
        local(MONDAY + timedelta(days=28), 9),
    ]
    assert [(p.slot.practitioner.name, p.slot.room.name) for p in proposal.sessions] == [
        ("Practitioner 1", "Room 1")
    ] * 3
    assert proposal.unplaced == []


def test_a_greedy_first_session_would_strand_the_second_so_the_planner_backtracks():
    # Monday 7 and Tuesday 8 December are holidays: a course starting Monday 30 cannot continue.
    closed = frozenset({date(2026, 12, 7), date(2026, 12, 8)})
    proposal = earliest_course(clinic(closed=closed), (Gap(7, 8),), 30, default_first_days(MONDAY))
    assert starts(proposal) == [local(date(2026, 12, 1), 9), local(date(2026, 12, 9), 9)]


def test_sessions_avoid_busy_practitioners_rooms_and_the_patient():
    availability = clinic(practitioners=1, rooms=2)
    busy(availability, "practitioner", 1, local(MONDAY, 9), 60)
    busy(availability, "room", 1, local(MONDAY, 10), 120)
    busy(availability, "patient", 0, local(MONDAY, 10, 30), 30)
    proposal = earliest_course(availability, (), 30, default_first_days(MONDAY))
    assert [(p.slot.start, p.slot.room.name) for p in proposal.sessions] == [
        (local(MONDAY, 10), "Room 2")
    ]
    assert overlaps(proposal, availability) == []


def test_the_same_practitioner_throughout_when_asked():
    availability = clinic(practitioners=2)
    # Practitioner 1 is free first, but fully booked on the day session 2 must fall on.
    busy(availability, "practitioner", 1, local(MONDAY + timedelta(days=7), 9), 240)
    same = earliest_course(availability, (Gap(7, 7),), 30, default_first_days(MONDAY))
    assert [(p.slot.start, p.slot.practitioner.id) for p in same.sessions] == [
        (local(MONDAY, 9), 2),
        (local(MONDAY + timedelta(days=7), 9), 2),
    ]
    anyone = earliest_course(
        availability, (Gap(7, 7),), 30, default_first_days(MONDAY), Preferences(False)
    )
    assert [(p.slot.start, p.slot.practitioner.id) for p in anyone.sessions] == [
        (local(MONDAY, 9), 1),
        (local(MONDAY + timedelta(days=7), 9), 2),
    ]


def test_time_of_day_and_weekday_preferences():
    availability = clinic(opening=(time(9), time(18)))
    afternoons = Preferences(time_of_day=TimeOfDay.AFTERNOON, weekdays=frozenset({3}))
    proposal = earliest_course(availability, WEEKLY, 45, default_first_days(MONDAY), afternoons)
    thursday = date(2026, 12, 3)
    assert starts(proposal) == [local(thursday + timedelta(days=7 * n), 12) for n in range(3)]
    mornings = Preferences(time_of_day=TimeOfDay.MORNING)
    for hour in range(9, 12):
        busy(availability, "practitioner", 1, local(MONDAY, hour), 60)
        busy(availability, "practitioner", 2, local(MONDAY, hour), 60)
    proposal = earliest_course(availability, (), 45, default_first_days(MONDAY), mornings)
    assert starts(proposal) == [local(MONDAY + timedelta(days=1), 9)]


def test_sessions_keep_their_wall_clock_time_across_the_clock_change():
    # British Summer Time ends on Sunday 25 October 2026: 09:00 is 08:00 UTC before, 09:00 after.
    thursday = date(2026, 10, 22)
    proposal = earliest_course(clinic(), (Gap(7, 7),), 30, default_first_days(thursday))
    assert [p.slot.start.isoformat() for p in proposal.sessions] == [
        "2026-10-22T09:00:00+01:00",
        "2026-10-29T09:00:00+00:00",
    ]


def test_a_course_that_cannot_fit_says_which_session_and_why():
    closed = frozenset(MONDAY + timedelta(days=n) for n in range(7, 14))
    proposal = earliest_course(clinic(closed=closed), (Gap(7, 7), Gap(7, 7)), 30, (MONDAY, MONDAY))
    assert starts(proposal) == [local(MONDAY, 9)]
    assert proposal.unplaced == [
        Unplaced(
            2,
            "no 30-minute slot with a free practitioner and room while the clinic is open "
            "on Mon 07 Dec 2026 (7–7 days after session 1)",
        ),
        Unplaced(3, "comes after session 2, which could not be placed"),
    ]


gaps = st.lists(
    st.tuples(st.integers(1, 10), st.integers(0, 7)).map(lambda g: Gap(g[0], g[0] + g[1])),
    max_size=5,
)
appointments = st.lists(
    st.tuples(
        st.sampled_from(["practitioner", "room", "patient"]),
        st.integers(1, 2),
        st.integers(0, 60),
        st.integers(36, 51),
        st.sampled_from([15, 30, 60, 90]),
    ),
    max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(
    gaps=gaps,
    booked=appointments,
    holidays=st.sets(st.integers(0, 60), max_size=15),
    same=st.booleans(),
)
def test_planned_courses_always_keep_their_windows_and_their_resources_free(
    gaps, booked, holidays, same
):
    closed = frozenset(MONDAY + timedelta(days=n) for n in holidays)
    availability = clinic(rooms=2, opening=(time(9), time(13)), closed=closed)
    for what, ident, day, quarter, minutes in booked:
        start = local(MONDAY + timedelta(days=day), 0) + timedelta(minutes=15 * quarter)
        busy(availability, what, ident, start, minutes)
    gaps = tuple(gaps)
    proposal = earliest_course(
        availability, gaps, 30, default_first_days(MONDAY), Preferences(same)
    )
    assert window_breaches(proposal, gaps) == []
    assert overlaps(proposal, availability) == []
    assert [p.number for p in proposal.sessions] + [u.number for u in proposal.unplaced] == list(
        range(1, len(gaps) + 2)
    )
    assert all(p.slot.start.date() not in closed for p in proposal.sessions)
    assert all(
        time(9) <= p.slot.start.time() and p.slot.end.time() <= time(13) for p in proposal.sessions
    )
