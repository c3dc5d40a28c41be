"""The chart's calendar lists (appointments and courses) cost the same queries however long."""

import datetime as dt

import pytest
from django.urls import reverse

from mesoclinic.scheduling.models import Course
from tests import factories
from tests.scheduling.factories import AppointmentFactory

pytestmark = pytest.mark.usefixtures("frozen_now")


def appointments_and_courses(pat, paula, room, days):
    """On each of `days` of December 2026, a consultation and a one-session course for Pat."""
    for day in days:
        course = Course.objects.create(
            clinic=pat.clinic,
            patient=pat,
            protocol_id="ref-000",
            protocol_version="1",
            template_id="course",
            verdict="eligible",
        )
        for hour, kind in ((9, "consultation"), (11, "session")):
            AppointmentFactory(
                patient=pat,
                practitioner=paula.practitioner,
                room=room,
                start=dt.datetime(2026, 12, day, hour, tzinfo=dt.UTC),
                kind=kind,
                course=course if kind == "session" else None,
                number=1 if kind == "session" else None,
            )


def test_the_charts_appointments_and_courses_query_count_does_not_grow(
    client_for, rita, paula, pat, harbour, django_assert_num_queries
):
    client = client_for(rita)
    room = factories.RoomFactory(clinic=harbour)
    appointments_and_courses(pat, paula, room, [1])
    # 1 session, 2 user, 3 their second factor, 4 patient, 5 the audit chain's head, 6 audit row,
    # 7 appointments with their practitioner and room, 8 courses, 9 consultations
    with django_assert_num_queries(9):
        client.get(reverse("chart", args=[pat.pk]))
    appointments_and_courses(pat, paula, room, [2, 3])
    with django_assert_num_queries(9):
        response = client.get(reverse("chart", args=[pat.pk]))
    assert (len(response.context["appointments"]), len(response.context["courses"])) == (6, 3)
