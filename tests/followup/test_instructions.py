"""Preparation dated from each booked session, and aftercare from its end: chart, portal, files."""

import datetime as dt

import icalendar
import pytest
from django.urls import reverse

from mesoclinic.audit.models import AuditEvent
from mesoclinic.scheduling.models import AppointmentStatus
from tests.followup.conftest import at, takes
from tests.scheduling.factories import AppointmentFactory

WARFARIN_STEP = (
    "Do not stop taking warfarin on your own: from Mon 23 Nov, ask the doctor who prescribed it "
    "whether to pause it before your treatment on Mon 30 Nov."
)


@pytest.fixture
def medicated(pat):
    takes(pat, "Ibuprofen 400 mg")
    takes(pat, "Warfarin 5 mg")
    return pat


def instructions(steps):
    return [step.instruction for step in steps]


def test_the_chart_dates_preparation_from_the_next_booked_session_not_today(
    client_for, paula, course, medicated
):
    response = client_for(paula).get(reverse("chart", args=[medicated.pk]))
    assert response.context["preparation_session"] == course.sessions.get(number=1)
    assert instructions(response.context["preparation"])[:3] == [
        WARFARIN_STEP,
        "Stop taking ibuprofen from Wed 25 Nov until after your treatment: it raises the risk "
        "of bleeding and bruising.",
        "No alcohol from Fri 27 Nov until after your treatment.",
    ]


def test_the_chart_prepares_for_the_next_session_still_booked_not_a_cancelled_one(
    client_for, paula, course, medicated
):
    first, second = course.sessions.order_by("number")[:2]
    first.status = AppointmentStatus.CANCELLED
    first.save()
    response = client_for(paula).get(reverse("chart", args=[medicated.pk]))
    assert response.context["preparation_session"] == second


def test_a_session_to_come_adds_only_its_preparations_reads_to_the_chart(
    client_for, paula, rooms, course, medicated, django_assert_num_queries
):
    client = client_for(paula)
    # A chart's 15 (tests/patients/test_pages.py) and three: the session is among the
    # appointments, with its patient (whose history the chart has read); its preparation reads
    # its course, its clinic's time zone and the clinic's mappings.
    with django_assert_num_queries(18):
        response = client.get(reverse("chart", args=[medicated.pk]))
    assert response.context["preparation_session"] == course.sessions.get(number=1)


def test_the_chart_has_no_preparation_without_a_session_to_come(client_for, paula, rooms, pat):
    response = client_for(paula).get(reverse("chart", args=[pat.pk]))
    assert (response.context["preparation_session"], response.context["preparation"]) == (
        None,
        [],
    )


def test_the_portal_shows_each_upcoming_session_with_its_own_dates(client_for, course, medicated):
    response = client_for(medicated.user).get(reverse("portal:sessions"))
    shown = response.context["sessions"]
    assert [(session.number, instructions(steps)[1]) for session, steps in shown] == [
        (
            1,
            "Stop taking ibuprofen from Wed 25 Nov until after your treatment: it raises the "
            "risk of bleeding and bruising.",
        ),
        (
            2,
            "Stop taking ibuprofen from Wed 9 Dec until after your treatment: it raises the "
            "risk of bleeding and bruising.",
        ),
        (
            3,
            "Stop taking ibuprofen from Wed 23 Dec until after your treatment: it raises the "
            "risk of bleeding and bruising.",
        ),
        (
            4,
            "Stop taking ibuprofen from Wed 6 Jan until after your treatment: it raises the "
            "risk of bleeding and bruising.",
        ),
        (
            5,
            "Stop taking ibuprofen from Wed 20 Jan until after your treatment: it raises the "
            "risk of bleeding and bruising.",
        ),
        (
            6,
            "Stop taking ibuprofen from Wed 3 Feb until after your treatment: it raises the "
            "risk of bleeding and bruising.",
        ),
    ]
    assert "Stop taking ibuprofen from Wed 25 Nov" in response.content.decode()


def test_a_prescribed_anticoagulant_is_never_stopped_only_asked_about(
    client_for, course, medicated
):
    response = client_for(medicated.user).get(reverse("portal:sessions"))
    _, steps = response.context["sessions"][0]
    assert [s for s in instructions(steps) if "warfarin" in s] == [WARFARIN_STEP]


def test_reading_the_preparation_is_audited(client_for, course, pat):
    client_for(pat.user).get(reverse("portal:sessions"))
    assert list(
        AuditEvent.objects.filter(patient_id=pat.pk, action="read").values_list(
            "summary", flat=True
        )
    ) == ["preparation"]


@pytest.mark.parametrize(("count", "queries"), [(1, 12), (3, 12)])
def test_the_sessions_page_reads_a_fixed_number_of_queries(
    client_for, frozen_now, rooms, pat, paula, django_assert_num_queries, count, queries
):
    for day in range(count):
        AppointmentFactory(
            patient=pat,
            practitioner=paula.practitioner,
            room=rooms[0],
            kind="session",
            start=dt.datetime(2026, 12, 1 + day, 9, tzinfo=dt.UTC),
        )
    client = client_for(pat.user)
    with django_assert_num_queries(queries):
        response = client.get(reverse("portal:sessions"))
    assert len(response.context["sessions"]) == count


def test_the_appointments_calendar_file_describes_its_preparation(client_for, course, medicated):
    session = course.sessions.get(number=1)
    url = reverse("scheduling:appointment-ical", args=[session.pk])
    event = icalendar.Calendar.from_ical(client_for(medicated.user).get(url).content).walk(
        "VEVENT"
    )[0]
    lines = str(event["DESCRIPTION"]).split("\n")
    assert lines[:3] == [
        "Before your session:",
        f"- {WARFARIN_STEP}",
        "- Stop taking ibuprofen from Wed 25 Nov until after your treatment: it raises the risk "
        "of bleeding and bruising.",
    ]


def test_the_staff_calendar_file_carries_no_instructions(client_for, paula, course, medicated):
    session = course.sessions.get(number=1)
    url = reverse("scheduling:appointment-ical", args=[session.pk])
    event = icalendar.Calendar.from_ical(client_for(paula).get(url).content).walk("VEVENT")[0]
    assert "DESCRIPTION" not in event


def test_the_preparation_pdf_is_the_sessions_own(client_for, course, medicated):
    session = course.sessions.get(number=2)
    response = client_for(medicated.user).get(reverse("portal:preparation-pdf", args=[session.pk]))
    assert (response["Content-Type"], response.content[:5]) == ("application/pdf", b"%PDF-")
    assert (response.context["session"], instructions(response.context["steps"])[1]) == (
        session,
        "Stop taking ibuprofen from Wed 9 Dec until after your treatment: it raises the risk "
        "of bleeding and bruising.",
    )


def test_aftercare_shows_what_still_applies_and_until_when(client_for, course, pat):
    with at(dt.datetime(2026, 12, 2, 12, tzinfo=dt.UTC)):
        response = client_for(pat.user).get(reverse("portal:aftercare"))
    context = response.context
    assert (
        context["session"].number,
        context["ended"],
        context["over"],
        context["follow_up_ends"],
    ) == (
        1,
        dt.datetime(2026, 11, 30, 10, tzinfo=dt.UTC),
        5,
        # 42 days (the standard protocol's follow_up_days) after the course's last session.
        dt.date(2027, 2, 8) + dt.timedelta(days=42),
    )
    assert [(s.instruction, s.until) for s in context["steps"]][:3] == [
        (
            "No sun or sunbathing until Thu 3 Dec 10:00, and for as long as any bruise remains.",
            dt.datetime(2026, 12, 3, 10, tzinfo=dt.UTC),
        ),
        ("No sunbeds until Thu 3 Dec 10:00.", dt.datetime(2026, 12, 3, 10, tzinfo=dt.UTC)),
        (
            "Keep drinking enough water every day until Mon 7 Dec 10:00.",
            dt.datetime(2026, 12, 7, 10, tzinfo=dt.UTC),
        ),
    ]


def test_aftercare_before_any_session_says_when_it_will_appear(client_for, course, pat):
    response = client_for(pat.user).get(reverse("portal:aftercare"))
    assert (response.context["session"], response.context["steps"]) == (None, [])
    assert "Your aftercare appears here after your first session." in response.content.decode()


def test_the_aftercare_pdf_names_the_clinic_and_the_patients_dates(client_for, course, pat):
    session = course.sessions.get(number=1)
    response = client_for(pat.user).get(reverse("portal:aftercare-pdf", args=[session.pk]))
    assert (response["Content-Type"], response.content[:5]) == ("application/pdf", b"%PDF-")
    context = response.context
    assert (context["clinic"].phone, context["ended"]) == (
        "+44 20 7946 0000",
        dt.datetime(2026, 11, 30, 10, tzinfo=dt.UTC),
    )
    assert "No sauna until Mon 14 Dec 10:00." in instructions(context["steps"])


def test_the_aftercare_calendar_has_an_event_per_timed_step(client_for, course, pat):
    session = course.sessions.get(number=1)
    body = client_for(pat.user).get(reverse("portal:aftercare-ical", args=[session.pk])).content
    events = icalendar.Calendar.from_ical(body).walk("VEVENT")
    sauna = [e for e in events if str(e["SUMMARY"]) == "No sauna until Mon 14 Dec 10:00."]
    assert (len(events), sauna[0].decoded("DTEND")) == (
        11,
        dt.datetime(2026, 12, 14, 10, tzinfo=dt.UTC),
    )


def test_another_patients_session_is_not_found(client_for, course, peter):
    session = course.sessions.get(number=1)
    response = client_for(peter.user).get(reverse("portal:aftercare-pdf", args=[session.pk]))
    assert response.status_code == 404
