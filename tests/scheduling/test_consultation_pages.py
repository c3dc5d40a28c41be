"""Booking a consultation from the chart, the appointment's page, its status, its .ics file."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
from django.urls import reverse

from mesoclinic.audit.models import AuditEvent
from mesoclinic.scheduling.domain.appointments import consultation_book
from mesoclinic.scheduling.models import Appointment
from mesoclinic.scheduling.views.consultations import NOT_SHOWN
from tests import factories
from tests.scheduling.factories import AppointmentFactory

pytestmark = pytest.mark.usefixtures("frozen_now")


LONDON = ZoneInfo("Europe/London")
MONDAY = dt.date(2026, 11, 23)


def at(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


@pytest.fixture
def consultation(rita, pat, rooms):
    return consultation_book(patient=pat, practitioner=None, start=None, by=rita, from_day=MONDAY)


def shown(response):
    return [
        (s.start.astimezone(LONDON).strftime("%a %d %b %H:%M"), s.practitioner.name, s.room.name)
        for s in response.context["slots"]
    ]


def test_the_page_shows_every_free_time_of_the_first_open_day_from_tomorrow(
    client_for, rita, pat, rooms
):
    response = client_for(rita).get(reverse("scheduling:book-consultation", args=[pat.pk]))
    # Tomorrow is Sunday, when the clinic is closed: every free time of Monday is offered,
    # the afternoon's too, each with its practitioner and room.
    quarter_hours = [f"{h:02}:{m:02}" for h in range(9, 17) for m in (0, 15, 30, 45)][:-1]
    assert shown(response) == [(f"Mon 23 Nov {t}", "Paula Tester", "Room 1") for t in quarter_hours]
    page = response.content.decode()
    assert "No free time on Sun 22 Nov 2026" in page
    assert "Mon 23 Nov 2026 is the first day with free times." in page


def test_a_past_day_says_it_has_passed(client_for, rita, pat, rooms):
    response = client_for(rita).get(
        reverse("scheduling:book-consultation", args=[pat.pk]), {"day": "2026-11-02"}
    )
    assert (response.context["search"].errors, response.context["slots"]) == (
        {"day": ["Mon 02 Nov 2026 has passed: choose today (Sat 21 Nov 2026) or a later day."]},
        [],
    )
    assert "no free consultation" not in response.content.decode().lower()


def test_htmx_swaps_in_the_times_of_another_day_and_practitioner(
    client_for, rita, pat, harbour, rooms
):
    olga = factories.PractitionerFactory(clinic=harbour, user__username="olga")
    factories.WorkingHoursFactory(practitioner=olga, weekday=2, starts=dt.time(15))
    response = client_for(rita).get(
        reverse("scheduling:book-consultation", args=[pat.pk]),
        {"day": "2026-11-24", "practitioner": olga.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.templates[0].name == "scheduling/_consultation_slots.html"
    assert shown(response)[:2] == [
        ("Wed 25 Nov 15:00", "Olga Tester", "Room 1"),
        ("Wed 25 Nov 15:15", "Olga Tester", "Room 1"),
    ]


def test_a_bad_search_says_which_field(client_for, rita, pat, rooms):
    response = client_for(rita).get(
        reverse("scheduling:book-consultation", args=[pat.pk]), {"day": "soon", "practitioner": "x"}
    )
    assert (response.context["search"].errors, response.context["slots"]) == (
        {
            "day": ["Enter a valid date."],
            "practitioner": [
                "Select a valid choice. That choice is not one of the available choices."
            ],
        },
        [],
    )


def test_reception_books_a_time_shown_and_lands_on_the_appointment(
    client_for, rita, pat, paula, rooms
):
    client = client_for(rita)
    url = reverse("scheduling:book-consultation", args=[pat.pk])
    response = client.post(
        url,
        {"start": at(MONDAY, 9, 30).isoformat(), "practitioner": paula.practitioner.pk},
        follow=True,
    )
    appointment = Appointment.objects.get()
    assert response.redirect_chain == [
        (reverse("scheduling:appointment", args=[appointment.pk]), 302)
    ]
    assert [str(m) for m in response.context["messages"]] == [
        "Booked a consultation for Pat Example on Mon 23 Nov 2026 09:30 with Paula Tester."
    ]
    assert (appointment.kind, appointment.status, appointment.start) == (
        "consultation",
        "booked",
        at(MONDAY, 9, 30),
    )


def test_a_time_taken_meanwhile_is_refused_and_the_times_shown_again(
    client_for, rita, pat, paula, harbour, rooms
):
    consultation_book(
        patient=factories.PatientFactory(clinic=harbour),
        practitioner=paula.practitioner,
        start=at(MONDAY, 9),
        by=rita,
    )
    response = client_for(rita).post(
        reverse("scheduling:book-consultation", args=[pat.pk]),
        {"start": at(MONDAY, 9).isoformat(), "practitioner": paula.practitioner.pk},
    )
    assert response.context["book_error"] == (
        "Paula Tester is already booked on Mon 23 Nov 2026 09:00–09:30. "
        "Nothing was booked; choose another time."
    )
    assert shown(response)[0] == ("Mon 23 Nov 09:30", "Paula Tester", "Room 1")
    assert Appointment.objects.filter(patient=pat).count() == 0


def test_a_made_up_time_is_not_booked(client_for, rita, pat, rooms):
    response = client_for(rita).post(
        reverse("scheduling:book-consultation", args=[pat.pk]),
        {"start": "tomorrow", "practitioner": "999999"},
    )
    assert (response.context["book_error"], Appointment.objects.count()) == (NOT_SHOWN, 0)


def test_the_free_times_cost_the_same_queries_however_busy_the_day(
    client_for, rita, pat, paula, harbour, rooms, django_assert_num_queries
):
    client = client_for(rita)
    url = reverse("scheduling:book-consultation", args=[pat.pk])
    others = [factories.PatientFactory(clinic=harbour) for _ in range(3)]
    AppointmentFactory(
        patient=others[0], practitioner=paula.practitioner, room=rooms[0], start=at(MONDAY, 9)
    )
    # 1 session, 2 user, 3 their second factor, 4 patient with their clinic, 5 the audit chain's
    # head, 6 audit row, 7 practitioners in the form, 8 opening hours, 9 closures,
    # 10 practitioners, 11 their working hours, 12 rooms, 13 appointments
    with django_assert_num_queries(13):
        client.get(url, {"day": "2026-11-23"}, HTTP_HX_REQUEST="true")
    for n, other in enumerate(others[1:], start=1):
        AppointmentFactory(
            patient=other,
            practitioner=paula.practitioner,
            room=rooms[0],
            start=at(MONDAY, 9) + dt.timedelta(minutes=30 * n),
        )
    with django_assert_num_queries(13):
        response = client.get(url, {"day": "2026-11-23"}, HTTP_HX_REQUEST="true")
    assert shown(response)[0] == ("Mon 23 Nov 10:30", "Paula Tester", "Room 1")


def test_the_chart_offers_booking_and_opens_each_appointment(client_for, rita, pat, consultation):
    page = client_for(rita).get(reverse("chart", args=[pat.pk])).content.decode()
    assert re.findall(r'<a class="button" href="(/clinic/[^"]+)">', page) == [
        f"/clinic/patients/{pat.pk}/book-consultation/",
        f"/clinic/patients/{pat.pk}/plan-course/",
    ]
    assert re.findall(r'href="([^"]+)" class="appointment-link"', page) == [
        f"/clinic/appointments/{consultation.pk}/"
    ]


def test_the_calendar_entry_opens_the_appointment(client_for, rita, consultation):
    page = client_for(rita).get(
        reverse("scheduling:calendar"), {"view": "day", "date": "2026-11-23"}
    )
    assert re.findall(r'<a class="appt-time" href="([^"]+)">', page.content.decode()) == [
        f"/clinic/appointments/{consultation.pk}/"
    ]


def test_the_appointment_page_offers_what_fits_now_and_no_notes_to_reception(
    client_for, rita, consultation
):
    consultation.notes = "Worried about bruising after the last treatment elsewhere"
    consultation.save()
    response = client_for(rita).get(reverse("scheduling:appointment", args=[consultation.pk]))
    assert response.context["changes"] == [
        {"status": "cancelled", "question": "Cancel this appointment and free its time?"}
    ]
    assert "bruising" not in response.content.decode()


def test_marking_arrived_from_the_appointment_page_is_audited(client_for, rita, pat, consultation):
    url = reverse("scheduling:appointment-status", args=[consultation.pk])
    with time_machine.travel(at(MONDAY, 8, 55), tick=False):
        response = client_for(rita).post(url, {"status": "arrived"}, follow=True)
    consultation.refresh_from_db()
    assert [str(m) for m in response.context["messages"]] == ["Pat Example has arrived."]
    assert consultation.status == "arrived"
    assert list(
        AuditEvent.objects.filter(patient_id=pat.pk, actor__username="rita")
        .order_by("id")
        .values_list("action", "summary")
    )[-3:] == [
        ("read", "change appointment"),
        ("update", "consultation of 2026-11-23 09:00: booked → arrived"),
        ("read", "appointment"),
    ]


def test_a_refused_change_is_said_and_a_get_changes_nothing(client_for, rita, consultation):
    client = client_for(rita)
    url = reverse("scheduling:appointment-status", args=[consultation.pk])
    refused = client.post(url, {"status": "noshow"}, follow=True)
    assert [str(m) for m in refused.context["messages"]] == [
        "A patient is marked absent once the appointment has begun, at 09:00 on Mon 23 Nov 2026."
    ]
    assert client.get(url, {"status": "cancelled"}).status_code == 405
    consultation.refresh_from_db()
    assert consultation.status == "booked"


def test_intruders_are_kept_out_of_the_staff_pages(client, client_for, pat, consultation, charlie):
    pages = [
        ("get", reverse("scheduling:book-consultation", args=[pat.pk])),
        ("get", reverse("scheduling:appointment", args=[consultation.pk])),
        ("post", reverse("scheduling:appointment-status", args=[consultation.pk])),
    ]
    data = {"get": {}, "post": {"status": "cancelled"}}
    assert [getattr(client_for(charlie), m)(url, data[m]).status_code for m, url in pages] == [
        404
    ] * 3
    assert [getattr(client_for(pat.user), m)(url, data[m]).status_code for m, url in pages] == [
        403
    ] * 3
    client.logout()
    assert [getattr(client, m)(url, data[m]).url for m, url in pages] == [
        f"/login/?next={url}" for _, url in pages
    ]
    consultation.refresh_from_db()
    assert consultation.status == "booked"


def test_an_impossible_appointment_id_is_a_404(client_for, rita):
    url = reverse("scheduling:appointment", args=[2**64])
    assert client_for(rita).get(url).status_code == 404


def test_the_patient_downloads_their_consultation_and_nobody_else_can(
    client, client_for, pat, peter, charlie, consultation
):

    url = reverse("scheduling:appointment-ical", args=[consultation.pk])
    assert client_for(peter.user).get(url).status_code == 404
    assert client_for(charlie).get(url).status_code == 404
    client.logout()
    assert client.get(url).url == f"/login/?next={url}"
    response = client_for(pat.user).get(url)
    events = [
        (
            str(e["summary"]),
            e["dtstart"].dt.astimezone(LONDON).strftime("%d %b %H:%M"),
            e["dtend"].dt.astimezone(LONDON).strftime("%H:%M"),
            str(e["location"]),
        )
        for e in icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    ]
    assert events == [
        (
            "Mesotherapy consultation with Paula Tester",
            "23 Nov 09:00",
            "09:30",
            "Room 1, Harbour Skin Clinic",
        )
    ]
    assert (
        response["Content-Disposition"],
        AuditEvent.objects.filter(actor=pat.user, patient_id=pat.pk)
        .values_list("summary", flat=True)
        .last(),
    ) == (
        f'attachment; filename="appointment-{consultation.pk}.ics"',
        "appointment calendar file",
    )


def test_practitioners_book_consultations_too(client_for, paula, pat, rooms):
    response = client_for(paula).get(reverse("scheduling:book-consultation", args=[pat.pk]))
    assert (response.status_code, shown(response)[0]) == (
        200,
        ("Mon 23 Nov 09:00", "Paula Tester", "Room 1"),
    )
