"""Today's appointments on the staff dashboards, and the patient's own upcoming sessions."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from mesoclinic.scheduling.dashboard import Upcoming
from mesoclinic.scheduling.models import Appointment, Course
from tests import factories
from tests.scheduling.factories import AppointmentFactory

LONDON = ZoneInfo("Europe/London")
TODAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(dt.datetime(2026, 11, 23, 8, tzinfo=dt.UTC), tick=False):
        yield


def at_noon(day):
    return dt.datetime.combine(day, dt.time(12), tzinfo=LONDON)


@pytest.fixture
def appointments(harbour, paula, pat, peter):
    room = factories.RoomFactory(clinic=harbour, name="Room 1")
    other = factories.PractitionerFactory(clinic=harbour, user__username="olga")
    at = lambda day, hour: dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON)  # noqa: E731 — a local shorthand
    AppointmentFactory(patient=pat, practitioner=paula.practitioner, room=room, start=at(TODAY, 10))
    AppointmentFactory(patient=pat, practitioner=other, room=room, start=at(TODAY, 11))
    AppointmentFactory(
        patient=pat,
        practitioner=paula.practitioner,
        room=room,
        start=at(TODAY + dt.timedelta(days=1), 9),
    )
    AppointmentFactory(patient=peter, start=at(TODAY, 10))


def test_reception_sees_the_whole_clinics_day_and_a_practitioner_their_own(
    client_for, rita, paula, appointments
):
    ten, eleven = Appointment.objects.filter(start__date=TODAY, patient__clinic=rita.clinic)

    expected = [
        f'<a href="{reverse("scheduling:appointment", args=[a.pk])}">{time} Pat Example</a> · '
        f'consultation with {who}, Room 1 <span class="status status-booked">Booked</span>'
        for a, time, who in ((ten, "10:00", "Paula Tester"), (eleven, "11:00", "Olga Tester"))
    ]
    assert client_for(rita).get(reverse("home")).context["today"] == expected
    assert client_for(paula).get(reverse("home")).context["today"] == expected[:1]


def test_the_admins_dashboard_shows_todays_appointments_too(client_for, alice, appointments):
    page = client_for(alice).get(reverse("home"))
    assert len(page.context["today"]) == 2
    assert "No appointments today" not in page.content.decode()


def test_the_patient_sees_every_upcoming_appointment(client_for, pat, paula, harbour):
    course_of(pat, paula, factories.RoomFactory(clinic=harbour, name="Room 1"), 9)
    assert len(client_for(pat.user).get(reverse("home")).context["today"]) == 9


def test_the_patient_sees_their_own_upcoming_appointments(client_for, pat, appointments):
    first, second, third = Appointment.objects.filter(patient=pat).order_by("start")
    ical = lambda a: reverse("scheduling:appointment-ical", args=[a.pk])  # noqa: E731 — a local shorthand
    assert client_for(pat.user).get(reverse("home")).context["today"] == [
        Upcoming(
            "Mon 23 Nov 2026 10:00",
            "consultation with Paula Tester, Room 1",
            ical(first),
            "Add to your calendar",
        ),
        Upcoming(
            "Mon 23 Nov 2026 11:00",
            "consultation with Olga Tester, Room 1",
            ical(second),
            "Add to your calendar",
        ),
        Upcoming(
            "Tue 24 Nov 2026 09:00",
            "consultation with Paula Tester, Room 1",
            ical(third),
            "Add to your calendar",
        ),
    ]


def course_of(pat, paula, room, sessions):
    """A course of `sessions` booked Wednesdays from 25 Nov, in rows of their own."""
    course = Course.objects.create(
        clinic=pat.clinic,
        patient=pat,
        protocol_id="ref-000",
        protocol_version="1",
        template_id="course",
        verdict="eligible",
    )
    for number in range(1, sessions + 1):
        AppointmentFactory(
            patient=pat,
            practitioner=paula.practitioner,
            room=room,
            kind="session",
            course=course,
            number=number,
            start=dt.datetime.combine(
                TODAY + dt.timedelta(days=2 + 14 * (number - 1)), dt.time(9), tzinfo=LONDON
            ),
        )
    return course


def test_a_course_is_added_to_the_calendar_once_from_its_first_session(
    client_for, pat, paula, harbour
):
    course = course_of(pat, paula, factories.RoomFactory(clinic=harbour, name="Room 1"), 2)
    assert client_for(pat.user).get(reverse("home")).context["today"] == [
        Upcoming(
            "Wed 25 Nov 2026 09:00",
            "session 1 with Paula Tester, Room 1",
            reverse("scheduling:course-ical", args=[course.pk]),
            "Add the course to your calendar",
        ),
        Upcoming("Wed 09 Dec 2026 09:00", "session 2 with Paula Tester, Room 1"),
    ]


def test_the_patients_dashboard_query_count_does_not_grow(
    client_for, pat, paula, harbour, django_assert_num_queries
):
    client = client_for(pat.user)
    room = factories.RoomFactory(clinic=harbour, name="Room 1")
    AppointmentFactory(
        patient=pat, practitioner=paula.practitioner, room=room, start=at_noon(TODAY)
    )
    # 1 session, 2 user, 3 the patient's record, 4 whether they answered the intake, 5 their
    # record's id, 6 upcoming appointments with their people and rooms, 7 the audit chain's head,
    # 8 audit rows in one insert, 9 the courses awaiting the patient's consent
    with django_assert_num_queries(9):
        client.get(reverse("home"))
    course_of(pat, paula, room, 2)
    with django_assert_num_queries(9):
        assert len(client.get(reverse("home")).context["today"]) == 3


def todays_consultations(harbour, paula, room, hours):
    """A consultation with Paula today at each of `hours`, each for a patient of its own."""
    for hour in hours:
        patient = factories.PatientFactory(clinic=harbour)
        AppointmentFactory(
            patient=patient,
            practitioner=paula.practitioner,
            room=room,
            start=dt.datetime.combine(TODAY, dt.time(hour), tzinfo=LONDON),
        )


# The admin's dashboard adds the clinic's four counts and its recent activity.
@pytest.mark.parametrize(("who", "queries"), [("paula", 8), ("rita", 6), ("alice", 11)])
def test_the_staff_dashboards_today_list_query_count_does_not_grow(
    request, client_for, harbour, paula, who, queries, django_assert_num_queries
):
    client = client_for(request.getfixturevalue(who))
    room = factories.RoomFactory(clinic=harbour, name="Room 1")
    todays_consultations(harbour, paula, room, [9])
    # 1 session, 2 user, 3 their second factor, then for the practitioner the patients whose
    # entries await their confirmation and the follow-up inbox's counts; today's appointments
    # with their patients', practitioners' and rooms' names; the audit chain's head and the
    # audit row
    with django_assert_num_queries(queries):
        client.get(reverse("home"))
    todays_consultations(harbour, paula, room, [10, 11])
    with django_assert_num_queries(queries):
        assert len(client.get(reverse("home")).context["today"]) == 3
