"""Any appointment, a session of a course too, is cancelled with a reason or marked arrived or
absent; a calendar that imported its .ics learns of every move and cancellation."""

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse

from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinical.protocols import load_protocol
from mesoclinic.scheduling.domain.appointments import AppointmentRefused, appointment_set_status
from mesoclinic.scheduling.domain.courses import course_cancel
from mesoclinic.scheduling.domain.moves import session_move
from mesoclinic.scheduling.proposals import propose_course
from tests.scheduling.factories import book_course

pytestmark = pytest.mark.usefixtures("frozen_now")

LONDON = ZoneInfo("Europe/London")
MONDAY = dt.date(2026, 11, 30)
REF_000 = load_protocol("ref-000")


@pytest.fixture
def course(rooms, pat, paula):
    return book_course(proposal=propose_course(pat, REF_000, REF_000.course(), MONDAY), by=paula)


def events(response):
    calendar = icalendar.Calendar.from_ical(response.content)
    return str(calendar["method"]), [
        (str(e["uid"]), int(e["sequence"]), str(e["status"]), e["dtstart"].dt.date())
        for e in calendar.walk("VEVENT")
    ]


def test_reception_cancels_one_session_of_a_course_with_a_reason(client_for, rita, course, pat):
    third = course.sessions.get(number=3)
    url = reverse("scheduling:appointment-status", args=[third.pk])
    client = client_for(rita)
    page = client.get(reverse("scheduling:appointment", args=[third.pk]))
    assert [c["status"] for c in page.context["changes"]] == ["cancelled"]
    refused = client.post(url, {"status": "cancelled", "reason": "  "}, follow=True)
    assert [str(m) for m in refused.context["messages"]] == [
        "Say why the appointment is cancelled (for the record and the patient)."
    ]
    client.post(url, {"status": "cancelled", "reason": "Away on holiday that week"})
    statuses = list(course.sessions.order_by("number").values_list("status", "cancel_reason"))
    assert statuses[2] == ("cancelled", "Away on holiday that week")
    assert {s for s, _ in statuses[:2] + statuses[3:]} == {"booked"}
    assert AuditEvent.objects.filter(
        patient_id=pat.pk,
        summary="session 3 of 2026-12-30 09:00: booked → cancelled (Away on holiday that week)",
    ).exists()


def test_a_session_is_marked_arrived_on_its_day_and_absent_once_begun(course, rita):
    first = course.sessions.get(number=1)
    with time_machine.travel(dt.datetime(2026, 11, 30, 8, 50, tzinfo=LONDON), tick=False):
        appointment_set_status(appointment=first, status="arrived", by=rita)
    second = course.sessions.get(number=2)
    with time_machine.travel(dt.datetime(2026, 12, 15, 9, 20, tzinfo=LONDON), tick=False):
        appointment_set_status(appointment=second, status="noshow", by=rita)
    assert list(course.sessions.order_by("number").values_list("status", flat=True))[:3] == [
        "arrived",
        "noshow",
        "booked",
    ]


def test_a_reason_longer_than_the_record_keeps_is_refused(course, rita):
    with pytest.raises(AppointmentRefused, match="keep it to 300"):
        appointment_set_status(
            appointment=course.sessions.get(number=2), status="cancelled", by=rita, reason="x" * 301
        )


@override_settings(CALENDAR_UID_DOMAIN="harbour.example.org")
def test_a_moved_session_keeps_its_uid_and_raises_its_sequence(client_for, course, pat, paula):
    url = reverse("scheduling:course-ical", args=[course.pk])
    client = client_for(pat.user)
    method, before = events(client.get(url))
    third = course.sessions.get(number=3)
    session_move(session=third, day=dt.date(2026, 12, 31), by=paula)
    _, after = events(client.get(url))
    uid = f"appointment-{third.pk}@harbour.example.org"
    assert (method, before[2], after[2]) == (
        "PUBLISH",
        (uid, 0, "CONFIRMED", dt.date(2026, 12, 30)),
        (uid, 1, "CONFIRMED", dt.date(2026, 12, 31)),
    )


def test_a_cancelled_courses_ics_cancels_every_session_in_the_calendar(
    client_for, course, pat, paula
):
    course_cancel(course=course, by=paula)
    method, cancelled = events(
        client_for(pat.user).get(reverse("scheduling:course-ical", args=[course.pk]))
    )
    assert method == "CANCEL"
    assert [(sequence, status) for _, sequence, status, _ in cancelled] == [(1, "CANCELLED")] * 6


def test_a_cancelled_consultations_own_ics_says_so(client_for, rita, pat, course):
    session = course.sessions.get(number=6)
    appointment_set_status(appointment=session, status="cancelled", by=rita, reason="Moving away")
    response = client_for(pat.user).get(reverse("scheduling:appointment-ical", args=[session.pk]))
    calendar = icalendar.Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    assert (str(calendar["method"]), str(event["status"]), int(event["sequence"])) == (
        "CANCEL",
        "CANCELLED",
        1,
    )
