"""The course pages: plan from the chart, book, the course page, move, cancel, calendar files."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.test import Client
from django.urls import reverse

from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinical.protocols import load_protocol
from mesoclinic.scheduling.gate import NEEDS_CONSULTATION, ONLY_PRACTITIONERS_WITHOUT_PLAN
from mesoclinic.scheduling.models import Course
from mesoclinic.scheduling.proposals import propose_course
from mesoclinic.scheduling.views.courses import CHANGED
from tests.scheduling.factories import book_course, feed_token, pregnant

pytestmark = pytest.mark.usefixtures("frozen_now")


LONDON = ZoneInfo("Europe/London")
MONDAY = dt.date(2026, 11, 30)
REF_000 = load_protocol("ref-000")


@pytest.fixture
def course(rooms, pat, paula):
    return book_course(proposal=propose_course(pat, REF_000, REF_000.course(), MONDAY), by=paula)


def plan_data(**extra):
    data = {
        "template": "ref-000/course",
        "areas": ["face"],
        "first_day": "2026-11-30",
        "same_practitioner": "on",
        "time_of_day": "any",
        "weekdays": [str(d) for d in range(7)],
        "sessions": "4",
    }
    return {**data, **extra}


def starts(course):
    return [
        s.start.astimezone(LONDON).strftime("%a %d %b %H:%M")
        for s in course.sessions.order_by("number")
    ]


def test_a_practitioner_books_the_course_shown_without_a_consultation_giving_a_reason(
    client_for, paula, pat, rooms
):
    client = client_for(paula)
    url = reverse("scheduling:plan-course", args=[pat.pk])
    shown = client.post(url, plan_data(plan="1"), HTTP_HX_REQUEST="true")
    assert shown.templates[0].name == "scheduling/_proposal.html"
    assert [
        (p.number, p.slot.start.astimezone(LONDON).strftime("%d %b %H:%M"))
        for p in shown.context["proposal"].placement.sessions
    ] == [
        (1, "30 Nov 09:00"),
        (2, "15 Dec 09:00"),
        (3, "30 Dec 09:00"),
        (4, "14 Jan 09:00"),
    ]
    booked = client.post(
        url,
        plan_data(
            book="1",
            proposal=shown.context["book"].initial["proposal"],
            unplanned_reason="Treated here last year; the same plan goes on.",
        ),
    )
    course = Course.objects.get()
    assert (booked.status_code, booked.url) == (302, reverse("scheduling:course", args=[course.pk]))
    assert starts(course) == [
        "Mon 30 Nov 09:00",
        "Tue 15 Dec 09:00",
        "Wed 30 Dec 09:00",
        "Thu 14 Jan 09:00",
    ]


def test_without_a_consultation_reception_is_sent_to_the_plan_and_nothing_is_booked(
    client_for, rita, pat, rooms
):
    client = client_for(rita)
    url = reverse("scheduling:plan-course", args=[pat.pk])
    shown = client.post(url, plan_data(plan="1"))
    refused = client.post(
        url,
        plan_data(
            book="1",
            proposal=shown.context["book"].initial["proposal"],
            unplanned_reason="She asked for it",
        ),
    )
    assert (refused.context["book_error"], Course.objects.count()) == (
        ONLY_PRACTITIONERS_WITHOUT_PLAN,
        0,
    )


def test_a_practitioner_without_a_consultation_must_give_a_reason(client_for, paula, pat, rooms):
    client = client_for(paula)
    url = reverse("scheduling:plan-course", args=[pat.pk])
    shown = client.post(url, plan_data(plan="1"))
    refused = client.post(
        url, plan_data(book="1", proposal=shown.context["book"].initial["proposal"])
    )
    assert (refused.context["book_error"], Course.objects.count()) == (
        NEEDS_CONSULTATION.format(patient=pat),
        0,
    )


def test_the_reason_for_booking_without_a_consultation_is_kept_shown_and_audited(
    client_for, paula, rita, pat, rooms
):
    client = client_for(paula)
    url = reverse("scheduling:plan-course", args=[pat.pk])
    shown = client.post(url, plan_data(plan="1"))
    client.post(
        url,
        plan_data(
            book="1",
            proposal=shown.context["book"].initial["proposal"],
            unplanned_reason="  Consulted by phone; record to follow.  ",
        ),
    )
    course = Course.objects.get()
    assert (course.unplanned_reason, course.unplanned_by, course.unplanned_at) == (
        "Consulted by phone; record to follow.",
        paula,
        dt.datetime(2026, 11, 21, 10, tzinfo=dt.UTC),
    )
    assert list(
        AuditEvent.objects.filter(action="create", object_type="scheduling.Course").values_list(
            "summary", flat=True
        )
    ) == [
        "booked 4 sessions of ref-000/course from 2026-11-30 09:00; without a consultation: "
        "Consulted by phone; record to follow."
    ]
    page = client.get(reverse("scheduling:course", args=[course.pk])).content.decode()
    note = re.search(r'<div class="override unplanned" role="note">(.*?)</div>', page)
    assert re.sub(r"<[^>]+>", "", note.group(1)) == (
        "Booked without a consultation by Paula Tester on Sat 21 Nov 2026 10:00: "
        "“Consulted by phone; record to follow.”"
    )
    reception = client_for(rita).get(reverse("scheduling:course", args=[course.pk]))
    assert "record to follow" not in reception.content.decode()


def test_a_proposal_that_went_stale_is_shown_again_not_booked(client_for, rita, pat, rooms):
    response = client_for(rita).post(
        reverse("scheduling:plan-course", args=[pat.pk]),
        plan_data(book="1", proposal="1@yesterday"),
    )
    assert response.context["book_error"] == CHANGED
    assert Course.objects.count() == 0


def test_bad_plan_input_gives_field_errors(client_for, rita, pat, rooms):
    response = client_for(rita).post(
        reverse("scheduling:plan-course", args=[pat.pk]),
        plan_data(sessions="9", first_day="soon", areas=[]),
    )
    assert response.context["form"].errors == {
        "areas": ["This field is required."],
        "first_day": ["Enter a valid date."],
        "sessions": ["Course has 4 to 6 sessions, not 9."],
    }


def test_reception_cannot_override_a_contraindication(client_for, rita, pat, rooms):
    pregnant(pat)
    client = client_for(rita)
    url = reverse("scheduling:plan-course", args=[pat.pk])
    shown = client.post(url, plan_data(plan="1"))
    assert (shown.context["verdict"], shown.context["may_override"]) == ("contraindicated", False)
    refused = client.post(
        url,
        plan_data(
            book="1",
            override_reason="She insists",
            unplanned_reason="She insists",
            proposal=shown.context["book"].initial["proposal"],
        ),
    )
    assert refused.context["book_error"] == ONLY_PRACTITIONERS_WITHOUT_PLAN
    assert Course.objects.count() == 0


def test_a_practitioner_override_is_shown_on_the_course(client_for, paula, pat, rooms):
    pregnant(pat)
    client = client_for(paula)
    url = reverse("scheduling:plan-course", args=[pat.pk])
    shown = client.post(url, plan_data(plan="1"))
    client.post(
        url,
        plan_data(
            book="1",
            override_reason="Obstetrician agrees",
            unplanned_reason="Seen by her obstetrician, who referred her",
            proposal=shown.context["book"].initial["proposal"],
        ),
    )
    course = Course.objects.get()
    page = client.get(reverse("scheduling:course", args=[course.pk]))
    note = re.search(r'<div class="override" role="note">(.*?)</div>', page.content.decode())
    assert re.sub(r"<[^>]+>", "", note.group(1)) == (
        "Booked over an absolute contraindication by Paula Tester on Sat 21 Nov 2026 10:00: "
        "“Obstetrician agrees”"
    )


@pytest.mark.parametrize("name", ["plan-course", "course"])
def test_intruders_are_kept_out_of_course_pages(
    client, client_for, name, course, pat, charlie, peter
):
    url = reverse(f"scheduling:{name}", args=[pat.pk if name == "plan-course" else course.pk])
    assert client_for(charlie).get(url).status_code == 404
    assert client_for(pat.user).get(url).status_code == 403
    client.logout()
    response = client.get(url)
    assert (response.status_code, response.url) == (302, f"/login/?next={url}")


def test_moving_this_and_the_following_from_the_course_page(client_for, paula, course):
    client = client_for(paula)
    url = reverse("scheduling:session-move", args=[course.pk, 3])
    times = client.post(url, {"day": "2027-01-04", "scope": "following"}).context["times"]
    first = times[0]
    response = client.post(
        url,
        {
            "day": "2027-01-04",
            "scope": "following",
            "start": first.start.isoformat(),
            "practitioner": first.practitioner.id,
        },
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Moved session 3 and the following sessions."
    ]
    assert starts(course) == [
        "Mon 30 Nov 09:00",
        "Tue 15 Dec 09:00",
        "Mon 04 Jan 09:00",
        "Tue 19 Jan 09:00",
        "Wed 03 Feb 09:00",
        "Thu 18 Feb 09:00",
    ]


def test_a_move_outside_the_window_says_where_it_could_go(client_for, paula, course):
    response = client_for(paula).post(
        reverse("scheduling:session-move", args=[course.pk, 3]),
        {"day": "2027-02-01", "scope": "one"},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Session 3 must fall between Tue 29 Dec 2026 and Thu 31 Dec 2026 to keep the course's "
        "intervals; choose a day in that range, or move this and the following sessions."
    ]


def test_cancelling_from_the_course_page_is_audited(client_for, paula, course, pat):
    client_for(paula).post(reverse("scheduling:course-cancel", args=[course.pk]))
    course.refresh_from_db()
    assert course.status == "cancelled"
    assert list(
        AuditEvent.objects.filter(action="update", patient_id=pat.pk).values_list(
            "summary", flat=True
        )
    ) == ["cancelled; 6 future sessions freed"]


@pytest.mark.parametrize("status", ["completed", "cancelled"])
def test_a_finished_course_cannot_be_cancelled(client_for, paula, course, pat, status):
    Course.objects.filter(pk=course.pk).update(status=status)
    client = client_for(paula)
    page = client.get(reverse("scheduling:course", args=[course.pk])).content.decode()
    response = client.post(reverse("scheduling:course-cancel", args=[course.pk]), follow=True)
    course.refresh_from_db()
    assert (
        "Cancel the course" in page,
        [str(m) for m in response.context["messages"]],
        course.status,
        course.sessions.filter(status="cancelled").count(),
        AuditEvent.objects.filter(action="update", patient_id=pat.pk).count(),
    ) == (
        False,
        [f"This course is {status}: only a planned or active course can be cancelled."],
        status,
        0,
        0,
    )


def test_the_patient_downloads_their_course_as_a_calendar_file(
    client_for, course, pat, peter, charlie
):
    url = reverse("scheduling:course-ical", args=[course.pk])
    assert client_for(peter.user).get(url).status_code == 404
    assert client_for(charlie).get(url).status_code == 404
    response = client_for(pat.user).get(url)
    calendar = icalendar.Calendar.from_ical(response.content)
    events = [
        (
            str(e["summary"]),
            e["dtstart"].dt.astimezone(LONDON).strftime("%d %b %H:%M"),
            str(e["location"]),
        )
        for e in calendar.walk("VEVENT")
    ]
    assert events[:2] == [
        ("Mesotherapy session 1 with Paula Tester", "30 Nov 09:00", "Room 1, Harbour Skin Clinic"),
        ("Mesotherapy session 2 with Paula Tester", "15 Dec 09:00", "Room 1, Harbour Skin Clinic"),
    ]
    assert (len(events), response["Content-Type"]) == (6, "text/calendar; charset=utf-8")


def test_the_practitioner_feed_needs_its_secret(client, course, paula):
    practitioner = paula.practitioner
    wrong = client.get(reverse("scheduling:feed", args=[practitioner.pk, "0" * 40]))
    assert wrong.status_code == 404
    feed = client.get(reverse("scheduling:feed", args=[practitioner.pk, feed_token(practitioner)]))
    summaries = [
        str(e["summary"]) for e in icalendar.Calendar.from_ical(feed.content).walk("VEVENT")
    ]
    assert summaries == [f"Mesotherapy session {n}: Pat Example" for n in range(1, 7)]


@pytest.mark.parametrize(
    ("name", "data"),
    [("session-move", {"day": "2027-01-04", "scope": "following"}), ("course-cancel", {})],
)
def test_intruders_cannot_move_or_cancel(client, client_for, name, data, course, pat, charlie):
    args = [course.pk, 3] if name == "session-move" else [course.pk]
    url = reverse(f"scheduling:{name}", args=args)
    assert client_for(charlie).post(url, data).status_code == 404
    assert client_for(pat.user).post(url, data).status_code == 403
    client.logout()
    assert client.post(url, data).url == f"/login/?next={url}"
    assert (Course.objects.get().status, starts(course)[2]) == ("planned", "Wed 30 Dec 09:00")


def test_course_page_query_count_does_not_grow(
    client_for, paula, pat, rooms, django_assert_num_queries
):

    client = client_for(paula)
    short = book_course(
        proposal=propose_course(
            pat, load_protocol("ref-001"), load_protocol("ref-001").course(), MONDAY, sessions=3
        ),
        by=paula,
    )
    long = book_course(
        proposal=propose_course(pat, REF_000, REF_000.course(), dt.date(2027, 6, 7)), by=paula
    )
    # 1 session, 2 user, 3 their second factor, 4 course, 5 patient, 6 the audit chain's head,
    # 7 audit row, 8 sessions with practitioner and room
    with django_assert_num_queries(8):
        client.get(reverse("scheduling:course", args=[short.pk]))
    with django_assert_num_queries(8):
        response = client.get(reverse("scheduling:course", args=[long.pk]))
    assert len(response.context["sessions"]) == 6


def feed_url(practitioner):
    return reverse("scheduling:feed", args=[practitioner.pk, feed_token(practitioner)])


def test_the_feed_and_the_course_file_query_counts_do_not_grow(
    client_for, rooms, pat, paula, django_assert_num_queries
):
    calendar_app = Client()  # a feed reader, signed in as nobody
    short = book_course(
        proposal=propose_course(pat, REF_000, REF_000.course(), MONDAY, sessions=4), by=paula
    )
    feed = feed_url(paula.practitioner)
    # The feed: 1 practitioner, 2 appointments with their patients and rooms, 3 the
    # practitioner's user (their name), 4 the audit chain's head, 5 audit rows in one insert
    with django_assert_num_queries(5):
        calendar_app.get(feed)
    # The course file: 1 session, 2 user, 3 course, 4 patient, 5 the audit chain's head,
    # 6 audit row, 7 sessions; the preparation in its events, read once for every session:
    # 8 the courses, 9-12 the patient's conditions, medications, allergies and observations,
    # 13 the clinic's mappings
    patient = client_for(pat.user)
    with django_assert_num_queries(13):
        patient.get(reverse("scheduling:course-ical", args=[short.pk]))
    long = book_course(
        proposal=propose_course(pat, REF_000, REF_000.course(), dt.date(2027, 6, 7)), by=paula
    )
    with django_assert_num_queries(5):
        feed = calendar_app.get(feed)
    with django_assert_num_queries(13):
        ics = patient.get(reverse("scheduling:course-ical", args=[long.pk]))
    events = lambda response: icalendar.Calendar.from_ical(response.content).walk("VEVENT")  # noqa: E731 — a local shorthand
    assert (len(events(feed)), len(events(ics))) == (10, 6)


def test_a_move_offers_every_free_time_of_the_day_and_moves_to_the_one_chosen(
    client_for, rita, course, paula
):
    client = client_for(rita)
    url = reverse("scheduling:session-move", args=[course.pk, 3])
    offered = client.post(url, {"day": "2026-12-31", "scope": "one"})
    times = [
        (t.start.astimezone(LONDON).strftime("%H:%M"), t.practitioner.name, t.room.name)
        for t in offered.context["times"]
    ]
    # Open 09:00–17:00 with 15-minute sessions: every quarter hour to 16:45, afternoon included.
    assert (len(times), times[0], times[-1]) == (
        32,
        ("09:00", "Paula Tester", "Room 1"),
        ("16:45", "Paula Tester", "Room 1"),
    )
    chosen = next(t for t in offered.context["times"] if t.start.astimezone(LONDON).hour == 14)
    client.post(
        url,
        {
            "day": "2026-12-31",
            "scope": "one",
            "start": chosen.start.isoformat(),
            "practitioner": paula.practitioner.pk,
        },
    )
    assert starts(course)[2] == "Thu 31 Dec 14:00"
    assert AuditEvent.objects.filter(
        summary="moved session 3 alone to 3: 2026-12-31 14:00"
    ).exists()


def test_a_time_taken_meanwhile_is_refused_and_nothing_moves(
    client_for, rita, course, paula, harbour, rooms
):
    from tests.scheduling.factories import AppointmentFactory

    AppointmentFactory(
        patient__clinic=harbour,
        practitioner=paula.practitioner,
        room=rooms[1],
        start=dt.datetime(2026, 12, 31, 14, tzinfo=LONDON),
    )
    response = client_for(rita).post(
        reverse("scheduling:session-move", args=[course.pk, 3]),
        {
            "day": "2026-12-31",
            "scope": "one",
            "start": dt.datetime(2026, 12, 31, 14, tzinfo=LONDON).isoformat(),
            "practitioner": paula.practitioner.pk,
        },
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Thu 31 Dec 2026 14:00 is no longer free. Choose another time."
    ]
    assert starts(course)[2] == "Wed 30 Dec 09:00"


def test_the_calendar_links_a_session_to_its_appointment_and_its_course(client_for, rita, course):
    first = course.sessions.order_by("start").first()
    page = client_for(rita).get(reverse("scheduling:calendar") + "?view=day&date=2026-11-30")
    entry = page.content.decode().split(f'data-appointment="{first.pk}">')[1].split("</div>")[0]
    assert " ".join(entry.split()) == (
        f'<a class="appt-time" href="/clinic/appointments/{first.pk}/">09:00–09:15</a> '
        f'<a href="/clinic/courses/{course.pk}/">Pat Example</a> '
        '<span class="appt-what">session 1 · Room 1</span>'
    )
