"""Today's appointments on the staff dashboards, and the patient's own upcoming sessions."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tests import factories
from tests.scheduling.factories import AppointmentFactory

LONDON = ZoneInfo("Europe/London")
TODAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(dt.datetime(2026, 11, 23, 8, tzinfo=dt.UTC), tick=False):
        yield


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
    assert client_for(rita).get(reverse("home")).context["today"] == [
        "10:00 Pat Example · consultation with Paula Tester, Room 1",
        "11:00 Pat Example · consultation with Olga Tester, Room 1",
    ]
    assert client_for(paula).get(reverse("home")).context["today"] == [
        "10:00 Pat Example · consultation with Paula Tester, Room 1",
    ]


def test_the_patient_sees_their_own_upcoming_appointments(client_for, pat, appointments):
    assert client_for(pat.user).get(reverse("home")).context["today"] == [
        "Mon 23 Nov 2026 10:00 · consultation with Paula Tester, Room 1",
        "Mon 23 Nov 2026 11:00 · consultation with Olga Tester, Room 1",
        "Tue 24 Nov 2026 09:00 · consultation with Paula Tester, Room 1",
    ]
