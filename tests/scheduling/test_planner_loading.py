"""The planner fetches only the days its search looks at, and only the columns it reads."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from mesoclinic.clinical.planner import default_first_days, earliest_course
from mesoclinic.clinical.protocols import load_protocol
from mesoclinic.scheduling.course_rules import gaps_from
from mesoclinic.scheduling.models import Appointment
from mesoclinic.scheduling.queries import availability_for
from tests.scheduling.factories import AppointmentFactory

REF_000 = load_protocol("ref-000")
MONDAY = dt.date(2026, 11, 30)

pytestmark = pytest.mark.usefixtures("frozen_now")


def test_a_course_fetches_the_days_its_sessions_fall_on_not_the_months_between(rooms, pat):
    gaps = gaps_from(REF_000.course(), 1, 6)
    days = default_first_days(MONDAY)
    last = days[1] + dt.timedelta(days=sum(g.max_days for g in gaps))
    availability = availability_for(pat.clinic, pat.pk, (MONDAY, last))

    with CaptureQueriesContext(connection) as queries:
        placement = earliest_course(availability, gaps, 15, days)

    placed = {p.slot.start.date() for p in placement.sessions}
    assert placement.complete
    assert placed <= availability.loaded
    # Six sessions fortnightly on Mondays: six Mondays fetched, none of the ~250 days between.
    assert len(availability.loaded) == 6
    fetched = [q["sql"] for q in queries.captured_queries]
    assert len(fetched) == 6
    assert all(
        sql.startswith('SELECT "scheduling_appointment"."practitioner_id"') and '"notes"' not in sql
        for sql in fetched
    )


def test_a_day_fetched_holds_every_appointment_on_it_and_none_twice(rooms, pat, paula):
    practitioner = paula.practitioner
    start = dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)
    AppointmentFactory(patient=pat, practitioner=practitioner, room=rooms[0], start=start)
    # Across midnight: both days hold it, each once.
    late = dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC)
    AppointmentFactory(
        patient=pat,
        practitioner=practitioner,
        room=rooms[1],
        start=late,
        end=late + dt.timedelta(hours=1),
    )
    availability = availability_for(pat.clinic, pat.pk, (MONDAY, MONDAY))

    availability.need(MONDAY)
    availability.need(MONDAY + dt.timedelta(days=1))
    availability.need(MONDAY)

    monday = availability.practitioner_busy[(practitioner.pk, MONDAY)]
    tuesday = availability.practitioner_busy[(practitioner.pk, MONDAY + dt.timedelta(days=1))]
    assert [b for b, _ in monday] == [start, late]
    assert [b for b, _ in tuesday] == [late]
    assert availability.patient_busy[MONDAY] == monday


def test_no_appointment_lasts_more_than_a_day(pat):
    start = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)

    with pytest.raises(IntegrityError):
        AppointmentFactory(patient=pat, start=start, end=start + dt.timedelta(days=1, minutes=1))


def test_a_time_range_bounds_the_start_on_both_sides(pat):
    start = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)

    sql = str(Appointment.objects.overlapping(start, start + dt.timedelta(days=1)).query)

    assert sql.count('"scheduling_appointment"."start" <') == 1
    assert sql.count('"scheduling_appointment"."start" >') == 1
