"""Closing a day with bookings on it: they are listed, and each (or all) moves to the next free
time inside its window; the calendar shows the day closed."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinical.courses import check_course
from mesoclinic.clinical.protocols import load_protocol
from mesoclinic.clinics.models import ClinicClosure
from mesoclinic.scheduling.domain.appointments import consultation_book
from mesoclinic.scheduling.models import Appointment
from mesoclinic.scheduling.proposals import propose_course
from tests.scheduling.factories import book_course

pytestmark = pytest.mark.usefixtures("frozen_now")

LONDON = ZoneInfo("Europe/London")
MONDAY = dt.date(2026, 11, 30)
REF_000 = load_protocol("ref-000")


@pytest.fixture
def course(rooms, pat, paula):
    return book_course(proposal=propose_course(pat, REF_000, REF_000.course(), MONDAY), by=paula)


def local_days(course):
    return [s.start.astimezone(LONDON).date() for s in course.sessions.order_by("number")]


def test_closing_a_day_lists_its_appointments_and_moves_one(client_for, alice, course, pat):
    client = client_for(alice)
    closed = client.post(reverse("clinics:closures"), {"day": "2026-12-30", "reason": "Flood"})
    closure = ClinicClosure.objects.get()
    assert closed.url == reverse("scheduling:closure", args=[closure.pk])
    page = client.get(closed.url)
    third = course.sessions.get(number=3)
    assert [a.pk for a in page.context["appointments"]] == [third.pk]
    shown = AuditEvent.objects.filter(summary="appointments on the closed day 2026-12-30")
    assert [(e.action, e.object_type, e.shown_ids) for e in shown] == [
        ("read", "clinics.ClinicClosure", [pat.pk])
    ]
    moved = client.post(closed.url, {"appointment": third.pk}, follow=True)
    assert [str(m) for m in moved.context["messages"]] == [
        "Pat Example: moved to Thu 31 Dec 2026 09:00 with Paula Tester."
    ]
    days = local_days(course)
    assert days[2] == dt.date(2026, 12, 31)
    assert check_course(REF_000.course(), days) == []
    assert moved.context["appointments"] == []


def test_move_them_all_moves_sessions_and_consultations(
    client_for, rita, alice, course, pat, harbour
):
    from tests.factories import PatientFactory

    other = PatientFactory(clinic=harbour, given_name="Olive")
    consultation = consultation_book(
        patient=other,
        practitioner=None,
        start=dt.datetime(2026, 12, 15, 11, tzinfo=LONDON),
        by=rita,
    )
    closure = ClinicClosure.objects.create(clinic=harbour, day=dt.date(2026, 12, 15))
    url = reverse("scheduling:closure", args=[closure.pk])
    response = client_for(rita).post(url, {"appointment": "all"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Pat Example: moved to Wed 16 Dec 2026 09:00 with Paula Tester.",
        "Olive Example: moved to Wed 16 Dec 2026 09:15 with Paula Tester.",
    ]
    consultation.refresh_from_db()
    assert (consultation.sequence, local_days(course)[1]) == (1, dt.date(2026, 12, 16))


def test_a_session_with_no_room_in_its_window_says_what_to_do(client_for, alice, course, harbour):
    # Session 2 (Tue 15 Dec) may fall 29 Nov–…; close every other day of its window too.
    for n in range(14, 21):
        ClinicClosure.objects.get_or_create(clinic=harbour, day=dt.date(2026, 12, n))
    closure = ClinicClosure.objects.get(day=dt.date(2026, 12, 15))
    url = reverse("scheduling:closure", args=[closure.pk])
    response = client_for(alice).post(
        url, {"appointment": course.sessions.get(number=2).pk}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Pat Example: Session 2 has no free time between Mon 14 Dec 2026 and Wed 16 Dec 2026, "
        "its window: move it with the following sessions from the course page."
    ]


def test_another_clinics_closed_day_is_not_found(client_for, charlie, harbour):
    closure = ClinicClosure.objects.create(clinic=harbour, day=dt.date(2026, 12, 15))
    url = reverse("scheduling:closure", args=[closure.pk])
    assert client_for(charlie).get(url).status_code == 404
    assert client_for(charlie).post(url, {"appointment": "all"}).status_code == 404


def test_the_closed_days_page_query_count_does_not_grow(
    client_for, rita, harbour, rooms, django_assert_num_queries
):
    from tests.factories import PatientFactory

    client = client_for(rita)

    def consult(hour):
        consultation_book(
            patient=PatientFactory(clinic=harbour),
            practitioner=None,
            start=dt.datetime(2026, 12, 15, hour, tzinfo=LONDON),
            by=rita,
        )

    consult(9)
    consult(10)
    consult(11)
    closure = ClinicClosure.objects.create(clinic=harbour, day=dt.date(2026, 12, 15))
    url = reverse("scheduling:closure", args=[closure.pk])
    _, *others = Appointment.objects.order_by("start")
    for appointment in others:
        appointment.status = "cancelled"
        appointment.save()
    # 1 session, 2 user, 3 their second factor, 4 the closed day, 5 its appointments with
    # their people, 6 the audit chain's head, 7 the audit row naming them
    with django_assert_num_queries(7):
        client.get(url)
    for appointment in others:
        appointment.status = "booked"
        appointment.save()
    with django_assert_num_queries(7):
        response = client.get(url)
    assert len(response.context["appointments"]) == 3
