"""Booking, moving and cancelling whole courses: all or nothing, inside their windows, audited."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinical.courses import check_course
from mesoclinic.clinical.protocols import load_protocol
from mesoclinic.scheduling.domain.booking import SlotTaken
from mesoclinic.scheduling.domain.courses import course_cancel
from mesoclinic.scheduling.domain.moves import MoveRefused, session_move
from mesoclinic.scheduling.gate import BookingRefused
from mesoclinic.scheduling.models import Appointment, Course
from mesoclinic.scheduling.proposals import propose_course
from tests.scheduling.factories import (
    AppointmentFactory,
    book_course,
    closed_on,
    open_clinic,
    pregnant,
)

LONDON = ZoneInfo("Europe/London")
MONDAY = dt.date(2026, 11, 30)
REF_000 = load_protocol("ref-000")
COURSE = REF_000.course()

pytestmark = pytest.mark.usefixtures("frozen_now")


def at(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


def plan_for(patient, first=MONDAY):
    return propose_course(patient, REF_000, COURSE, first)


def sessions_of(course):
    return [
        (
            s.number,
            s.start.astimezone(LONDON),
            s.end.astimezone(LONDON),
            str(s.practitioner),
            str(s.room),
            s.status,
        )
        for s in course.sessions.order_by("number")
    ]


def test_booking_a_course_books_every_session_in_its_window(rooms, pat, paula):
    course = book_course(proposal=plan_for(pat), by=paula)
    # Planned a day inside each 14–21-day window: 15 days apart, the weekend skipped.
    days = [MONDAY + dt.timedelta(days=n) for n in (0, 15, 30, 45, 60, 77)]
    assert sessions_of(course) == [
        (n + 1, at(day, 9), at(day, 9, 15), "Paula Tester", "Room 1", "booked")
        for n, day in enumerate(days)
    ]
    assert check_course(COURSE, days) == []
    assert (course.protocol_id, course.protocol_version, course.template_id, course.verdict) == (
        "ref-000",
        str(REF_000.version),
        "course",
        "eligible",
    )
    assert list(
        AuditEvent.objects.filter(action="create").values_list(
            "object_type", "patient_id", "summary"
        )
    ) == [
        (
            "scheduling.Course",
            pat.pk,
            "booked 6 sessions of ref-000/course from 2026-11-30 09:00 following treatment plan 1",
        )
    ]


def test_a_course_planned_in_the_afternoon_never_starts_in_the_morning_gone_by(rooms, pat):
    with time_machine.travel(at(MONDAY, 15, 5), tick=False):
        plan = plan_for(pat, first=MONDAY)
    assert plan.placement.sessions[0].slot.start == at(MONDAY, 15, 15)


def test_sessions_are_never_booked_into_a_consultation_only_room(harbour, pat, paula):
    consultation, treatment = open_clinic(
        harbour, [paula.practitioner], rooms=("A consultation room", "Treatment room")
    )
    consultation.for_sessions = False
    consultation.save()
    # Both sessions on the same day at the same hour: the second room taken is not an option.
    AppointmentFactory(
        patient__clinic=harbour,
        practitioner__clinic=harbour,
        room=treatment,
        start=at(MONDAY, 9),
        end=at(MONDAY, 12),
    )
    course = book_course(proposal=plan_for(pat), by=paula)
    assert {str(s.room) for s in course.sessions.all()} == {"Treatment room"}
    assert course.sessions.order_by("number").first().start == at(MONDAY, 12)


def test_a_booking_that_loses_the_race_says_who_and_when_and_leaves_nothing(
    rooms, pat, paula, harbour
):
    plan = plan_for(pat)
    # Between planning and booking, someone books Paula for the third session's time.
    other = AppointmentFactory(
        patient__clinic=harbour,
        practitioner=paula.practitioner,
        room=rooms[1],
        start=at(MONDAY + dt.timedelta(days=30), 9),
    )
    with pytest.raises(SlotTaken) as refused:
        book_course(proposal=plan, by=paula)
    assert str(refused.value) == (
        "Paula Tester is already booked on Wed 30 Dec 2026 09:00–09:30. "
        "Nothing was booked; plan the course again."
    )
    assert (Course.objects.count(), list(Appointment.objects.all())) == (0, [other])


def test_an_absolute_contraindication_blocks_booking_without_a_written_override(
    rooms, pat, paula, rita
):
    pregnant(pat)
    plan = plan_for(pat)
    with pytest.raises(BookingRefused) as refused:
        book_course(proposal=plan, by=paula)
    assert str(refused.value) == (
        "Pat Example has an absolute contraindication (pregnancy): a practitioner may book over it "
        "only with a written reason."
    )
    with pytest.raises(BookingRefused) as reception:
        book_course(proposal=plan, by=rita, override_reason="Patient insists")
    assert str(reception.value) == "Only a practitioner can book over an absolute contraindication."
    assert Appointment.objects.count() == 0


def test_a_practitioner_override_is_kept_shown_and_audited(rooms, pat, paula):
    pregnant(pat)
    course = book_course(
        proposal=plan_for(pat),
        by=paula,
        override_reason="  Obstetrician agrees in writing (letter scanned).  ",
    )
    assert (course.verdict, course.override_reason, course.override_by, course.override_at) == (
        "contraindicated",
        "Obstetrician agrees in writing (letter scanned).",
        paula,
        dt.datetime(2026, 11, 21, 10, tzinfo=dt.UTC),
    )
    assert [f["concept"] for f in course.findings] == ["pregnancy"]
    assert list(AuditEvent.objects.filter(action="create").values_list("summary", flat=True)) == [
        "booked 6 sessions of ref-000/course from 2026-11-30 09:00 following treatment plan 1; "
        "over a contraindication: "
        "Obstetrician agrees in writing (letter scanned)."
    ]


def test_a_deceased_patient_can_never_be_booked(rooms, pat, paula):
    pat.deceased = True
    pat.save()
    with pytest.raises(BookingRefused) as refused:
        book_course(proposal=plan_for(pat), by=paula, override_reason="Override")
    assert str(refused.value) == "Pat Example's record says they have died: nothing can be booked."


def test_moving_one_session_keeps_it_between_its_neighbours(rooms, pat, paula):
    course = book_course(proposal=plan_for(pat), by=paula)
    third = course.sessions.get(number=3)
    with pytest.raises(MoveRefused) as refused:
        session_move(session=third, day=dt.date(2027, 1, 6), by=paula)
    assert str(refused.value) == (
        "Session 3 must fall between Tue 29 Dec 2026 and Thu 31 Dec 2026 to keep the course's "
        "intervals; choose a day in that range, or move this and the following sessions."
    )
    # The last session has only a neighbour before it: 14–21 days after session 5 is allowed.
    session_move(session=course.sessions.get(number=6), day=dt.date(2027, 2, 12), by=paula)
    days = [s.start.astimezone(LONDON).date() for s in course.sessions.order_by("number")]
    assert days[4:] == [dt.date(2027, 1, 29), dt.date(2027, 2, 12)]
    assert check_course(COURSE, days) == []


def test_moving_this_and_the_following_replans_the_rest_inside_their_windows(
    rooms, pat, paula, harbour
):
    course = book_course(proposal=plan_for(pat), by=paula)
    # Paula is busy all of Monday 18 January: session 4 cannot simply follow 14 days later.
    for hour in range(9, 17):
        AppointmentFactory(
            patient__clinic=harbour,
            practitioner=paula.practitioner,
            room=rooms[1],
            start=at(dt.date(2027, 1, 18), hour),
            end=at(dt.date(2027, 1, 18), hour + 1),
        )
    session_move(
        session=course.sessions.get(number=3), day=dt.date(2027, 1, 4), by=paula, following=True
    )
    days = [s.start.astimezone(LONDON).date() for s in course.sessions.order_by("number")]
    assert days == [
        MONDAY,
        dt.date(2026, 12, 15),
        dt.date(2027, 1, 4),
        dt.date(2027, 1, 19),
        dt.date(2027, 2, 3),
        dt.date(2027, 2, 18),
    ]
    assert check_course(COURSE, days) == []
    assert AuditEvent.objects.filter(action="update").values_list("summary", flat=True)[0] == (
        "moved session 3 and the following to 3: 2027-01-04 09:00, 4: 2027-01-19 09:00, "
        "5: 2027-02-03 09:00, 6: 2027-02-18 09:00"
    )


def test_cancelling_a_course_frees_its_future_sessions(rooms, pat, paula):
    course = book_course(proposal=plan_for(pat), by=paula)
    assert course_cancel(course=course, by=paula) == 6
    course.refresh_from_db()
    assert (course.status, set(course.sessions.values_list("status", flat=True))) == (
        "cancelled",
        {"cancelled"},
    )
    # The freed times can be booked again at once.
    assert sessions_of(book_course(proposal=plan_for(pat), by=paula))[0][1] == at(MONDAY, 9)


def test_a_course_after_a_long_closure_is_found_beyond_the_first_fortnight(rooms, pat, harbour):
    for offset in range(21):
        closed_on(harbour, MONDAY + dt.timedelta(days=offset), "Winter closure")
    plan = plan_for(pat)
    days = [p.slot.start.astimezone(LONDON).date() for p in plan.placement.sessions]
    assert (days[0], plan.placement.unplaced) == (MONDAY + dt.timedelta(days=21), [])
    assert check_course(COURSE, days) == []


def test_a_session_that_took_place_still_bounds_the_next_ones(rooms, pat, paula):
    course = book_course(proposal=plan_for(pat), by=paula)
    course.sessions.filter(number=1).update(status="fulfilled")
    later = time_machine.travel(dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC), tick=False)
    with later, pytest.raises(MoveRefused) as refused:
        session_move(
            session=course.sessions.get(number=2),
            day=dt.date(2026, 12, 10),
            by=paula,
            following=True,
        )
    assert str(refused.value) == (
        "Session 2 must fall between Mon 14 Dec 2026 and Mon 21 Dec 2026 to keep the course's "
        "intervals; choose a day in that range."
    )
