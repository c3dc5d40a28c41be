"""An exact solver (OR-Tools CP-SAT) confirms the planner's course is the earliest feasible one.

The solver sees every quarter-hour start of every day, checked against the clinic's data by a
separate, deliberately naive test below; it then minimises the first session's start, fixes it,
minimises the second, and so on: the lexicographic order the planner promises.
"""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mesoclinic.clinical.planner import Availability, Gap, Preferences, earliest_course
from tests.scheduling.planning import busy, clinic, local, starts

cp_model = pytest.importorskip("ortools.sat.python.cp_model")

MONDAY = date(2026, 11, 30)
FIRST_DAYS = 10
DAYS = FIRST_DAYS + 3 * 9  # long enough for any course the test generates
MINUTES = 30


def naive_free(av: Availability, staff_id: int, start: datetime) -> bool:
    """Whether a session may start at `start` with `staff_id`: every rule, checked the long way."""
    end = start + timedelta(minutes=MINUTES)
    day = start.date()
    staff = next(p for p in av.practitioners if p.id == staff_id)
    if day in av.closed_days or end.date() != day:
        return False
    inside = [
        (o, w)
        for o in av.opening.get(day.weekday(), ())
        for w in staff.hours.get(day.weekday(), ())
        if max(o.starts, w.starts) <= start.time() and end.time() <= min(o.ends, w.ends)
    ]
    utc_start, utc_end = start.astimezone(UTC), end.astimezone(UTC)

    def taken(intervals):
        return any(b < utc_end and utc_start < e for b, e in intervals)

    rooms_free = [r for r in av.rooms if not taken(av.room_busy.get((r.id, day), []))]
    return bool(
        inside
        and rooms_free
        and not taken(av.practitioner_busy.get((staff_id, day), []))
        and not taken(av.patient_busy.get(day, []))
    )


def candidates(av: Availability) -> list[tuple[int, int, int]]:
    """Every (day number, minute of day, practitioner) where a session could start."""
    found = []
    for day in range(DAYS):
        for minute in range(0, 24 * 60, 15):
            start = local(MONDAY + timedelta(days=day), minute // 60, minute % 60)
            found += [(day, minute, p.id) for p in av.practitioners if naive_free(av, p.id, start)]
    return found


def solver_earliest(av: Availability, gaps: tuple[Gap, ...], same: bool) -> list[datetime] | None:
    """The lexicographically earliest start times by CP-SAT, or None when nothing fits."""
    options = candidates(av)
    model = cp_model.CpModel()
    pick = [
        [model.new_bool_var(f"x{k}_{i}") for i in range(len(options))] for k in range(len(gaps) + 1)
    ]
    day, when, who = [], [], []
    for chosen in pick:
        model.add_exactly_one(chosen)
        day.append(sum(o[0] * x for o, x in zip(options, chosen, strict=True)))
        when.append(sum((o[0] * 1440 + o[1]) * x for o, x in zip(options, chosen, strict=True)))
        who.append(sum(o[2] * x for o, x in zip(options, chosen, strict=True)))
    model.add(day[0] <= FIRST_DAYS - 1)
    for k, gap in enumerate(gaps):
        model.add(day[k + 1] - day[k] >= gap.min_days)
        model.add(day[k + 1] - day[k] <= gap.max_days)
        if same:
            model.add(who[k + 1] == who[k])
    result = []
    for start in when:
        model.minimize(start)
        solver = cp_model.CpSolver()
        if solver.solve(model) not in (cp_model.OPTIMAL,):
            return None
        best = round(solver.objective_value)
        model.add(start == best)
        result.append(local(MONDAY + timedelta(days=best // 1440), best % 1440 // 60, best % 60))
    return result


bookings = st.lists(
    st.tuples(
        st.sampled_from(["practitioner", "room", "patient"]),
        st.integers(1, 2),
        st.integers(0, DAYS - 1),
        st.integers(36, 51),
        st.sampled_from([30, 60, 120, 240]),
    ),
    max_size=40,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    gaps=st.lists(
        st.tuples(st.integers(1, 6), st.integers(0, 3)).map(lambda g: Gap(g[0], g[0] + g[1])),
        min_size=1,
        max_size=3,
    ),
    booked=bookings,
    holidays=st.sets(st.integers(0, DAYS - 1), max_size=8),
    same=st.booleans(),
)
def test_the_planner_finds_what_the_exact_solver_finds(gaps, booked, holidays, same):
    closed = frozenset(MONDAY + timedelta(days=n) for n in holidays)
    av = clinic(rooms=1, opening=(time(9), time(13)), closed=closed)
    for what, ident, day, quarter, minutes in booked:
        start = local(MONDAY + timedelta(days=day), 0) + timedelta(minutes=15 * quarter)
        busy(av, what, ident, start, minutes)
    gaps = tuple(gaps)
    first_days = (MONDAY, MONDAY + timedelta(days=FIRST_DAYS - 1))
    proposal = earliest_course(av, gaps, MINUTES, first_days, Preferences(same))
    found = starts(proposal) if proposal.complete else None
    assert found == solver_earliest(av, gaps, same)
