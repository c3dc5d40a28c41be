"""The chart's calendar lists (appointments and courses) cost the same queries however long."""

import datetime as dt

import pytest
from django.urls import reverse

from tests import factories
from tests.scheduling.factories import AppointmentFactory
from tests.scheduling.test_dashboards import course_of

pytestmark = pytest.mark.usefixtures("frozen_now")


def appointments_and_courses(pat, paula, room, count):
    """`count` consultations and `count` one-session courses for Pat, from 1 Dec 2026."""
    for n in range(count):
        start = dt.datetime(2026, 12, 1 + n, 9, tzinfo=dt.UTC)
        AppointmentFactory(patient=pat, practitioner=paula.practitioner, room=room, start=start)
        course_of(pat, paula, room, 1)


def test_the_charts_appointments_and_courses_query_count_does_not_grow(
    client_for, rita, paula, pat, harbour, django_assert_num_queries
):
    client = client_for(rita)
    room = factories.RoomFactory(clinic=harbour)
    appointments_and_courses(pat, paula, room, 1)
    # 1 session, 2 user, 3 patient, 4 audit row, 5 appointments with their practitioner and
    # room, 6 courses
    with django_assert_num_queries(6):
        client.get(reverse("chart", args=[pat.pk]))
    appointments_and_courses(pat, paula, room, 2)
    with django_assert_num_queries(6):
        response = client.get(reverse("chart", args=[pat.pk]))
    assert (len(response.context["appointments"]), len(response.context["courses"])) == (6, 3)
