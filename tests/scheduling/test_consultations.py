"""Booking a consultation: the earliest free slot inside every rule, the race, status changes."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinics.models import WorkingHours
from mesoclinic.scheduling.domain.appointments import (
    AppointmentRefused,
    NoFreeSlot,
    appointment_set_status,
    consultation_book,
    status_changes,
)
from mesoclinic.scheduling.domain.booking import SlotTaken
from mesoclinic.scheduling.models import Appointment
from tests import factories
from tests.scheduling.factories import AppointmentFactory, closed_on

LONDON = ZoneInfo("Europe/London")
SATURDAY_NOON = dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC)
MONDAY = dt.date(2026, 11, 23)


def at(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(SATURDAY_NOON, tick=False):
        yield


def booked(appointment):
    """When, with whom and where, as reception reads it."""
    start = appointment.start.astimezone(LONDON)
    end = appointment.end.astimezone(LONDON)
    return (
        f"{start:%a %d %b %H:%M}–{end:%H:%M}",
        str(appointment.practitioner),
        str(appointment.room),
        appointment.kind,
    )


def test_the_earliest_consultation_is_the_first_opening_of_the_day_asked_for(rita, pat, rooms):
    appointment = consultation_book(
        patient=pat, practitioner=None, start=None, by=rita, from_day=MONDAY
    )
    assert booked(appointment) == (
        "Mon 23 Nov 09:00–09:30",
        "Paula Tester",
        "Room 1",
        "consultation",
    )


def test_a_consultation_room_is_preferred_to_a_treatment_room(harbour, rita, pat, paula, rooms):
    consulting = factories.RoomFactory(clinic=harbour, name="Consultation room", for_sessions=False)
    first = consultation_book(patient=pat, practitioner=None, start=None, by=rita, from_day=MONDAY)
    other = factories.PatientFactory(clinic=harbour)
    nurse = factories.PractitionerFactory(clinic=harbour, user__username="nina")
    factories.WorkingHoursFactory(practitioner=nurse, weekday=0, starts=dt.time(9))
    # The consultation room is taken at 09:00: Nina's consultation goes to a treatment room.
    second = consultation_book(
        patient=other, practitioner=nurse, start=None, by=rita, from_day=MONDAY
    )
    assert (first.room, booked(second)[1:3]) == (consulting, ("Nina Tester", "Room 1"))


def test_the_practitioners_working_hours_bound_the_slot(rita, pat, paula, rooms):
    WorkingHours.objects.filter(practitioner=paula.practitioner, weekday=0).update(
        starts=dt.time(11)
    )
    appointment = consultation_book(
        patient=pat, practitioner=None, start=None, by=rita, from_day=MONDAY
    )
    assert booked(appointment)[0] == "Mon 23 Nov 11:00–11:30"


def test_the_clinics_opening_hours_bound_the_slot(harbour, rita, pat, paula, rooms):
    harbour.opening_hours.filter(weekday=0).update(starts=dt.time(13, 30))
    appointment = consultation_book(
        patient=pat, practitioner=None, start=None, by=rita, from_day=MONDAY
    )
    assert booked(appointment)[0] == "Mon 23 Nov 13:30–14:00"


def test_a_closed_day_is_skipped(harbour, rita, pat, rooms):
    closed_on(harbour, MONDAY)
    appointment = consultation_book(
        patient=pat, practitioner=None, start=None, by=rita, from_day=MONDAY
    )
    assert booked(appointment)[0] == "Tue 24 Nov 09:00–09:30"


def test_the_practitioners_room_and_patients_appointments_are_avoided(
    harbour, rita, pat, paula, rooms
):
    room_1, room_2 = rooms
    olga = factories.PractitionerFactory(clinic=harbour, user__username="olga")
    someone = factories.PatientFactory(clinic=harbour)
    # Paula is busy until 10:00.
    AppointmentFactory(
        patient=someone,
        practitioner=paula.practitioner,
        room=room_1,
        start=at(MONDAY, 9),
        end=at(MONDAY, 10),
    )
    # From 10:00 both rooms are busy until 10:30.
    AppointmentFactory(patient=someone, practitioner=olga, room=room_2, start=at(MONDAY, 10))
    AppointmentFactory(
        patient=factories.PatientFactory(clinic=harbour),
        practitioner=factories.PractitionerFactory(clinic=harbour),
        room=room_1,
        start=at(MONDAY, 10),
    )
    # Pat is elsewhere (with Olga, in no room of ours that matters) until 11:15.
    third = factories.RoomFactory(clinic=harbour, name="Room 3", active=False)
    AppointmentFactory(
        patient=pat,
        practitioner=olga,
        room=third,
        start=at(MONDAY, 10, 30),
        end=at(MONDAY, 11, 15),
    )
    appointment = consultation_book(
        patient=pat, practitioner=paula.practitioner, start=None, by=rita, from_day=MONDAY
    )
    assert booked(appointment)[:3] == ("Mon 23 Nov 11:15–11:45", "Paula Tester", "Room 1")


def test_cancelled_appointments_free_their_time(harbour, rita, pat, paula, rooms):
    AppointmentFactory(
        patient=pat,
        practitioner=paula.practitioner,
        room=rooms[0],
        start=at(MONDAY, 9),
        status="cancelled",
    )
    appointment = consultation_book(
        patient=pat, practitioner=None, start=None, by=rita, from_day=MONDAY
    )
    assert booked(appointment)[0] == "Mon 23 Nov 09:00–09:30"


def test_wall_clock_hours_hold_on_the_day_the_clocks_go_forward(harbour, rita, pat, paula, rooms):
    sunday = dt.date(2027, 3, 28)  # British Summer Time begins at 01:00 UTC
    factories.OpeningHoursFactory(clinic=harbour, weekday=6, starts=dt.time(9), ends=dt.time(17))
    factories.WorkingHoursFactory(
        practitioner=paula.practitioner, weekday=6, starts=dt.time(9), ends=dt.time(17)
    )
    appointment = consultation_book(
        patient=pat, practitioner=None, start=None, by=rita, from_day=sunday
    )
    assert (appointment.start.astimezone(dt.UTC), appointment.end.astimezone(dt.UTC)) == (
        dt.datetime(2027, 3, 28, 8, tzinfo=dt.UTC),  # 09:00 British Summer Time
        dt.datetime(2027, 3, 28, 8, 30, tzinfo=dt.UTC),
    )


def test_today_starts_from_now_on_the_quarter_hour(harbour, rita, pat, rooms):
    with time_machine.travel(at(MONDAY, 10, 5), tick=False):
        appointment = consultation_book(
            patient=pat, practitioner=None, start=None, by=rita, from_day=MONDAY
        )
    assert booked(appointment)[0] == "Mon 23 Nov 10:15–10:45"


def test_a_chosen_start_is_booked_exactly(rita, pat, paula, rooms):
    appointment = consultation_book(
        patient=pat, practitioner=paula.practitioner, start=at(MONDAY, 14, 30), by=rita
    )
    assert booked(appointment)[:3] == ("Mon 23 Nov 14:30–15:00", "Paula Tester", "Room 1")


def test_losing_the_race_for_a_start_is_slot_taken_and_leaves_nothing(
    harbour, rita, pat, paula, rooms
):
    # Both receptions saw 09:00 free; another patient was booked with Paula first.
    consultation_book(
        patient=factories.PatientFactory(clinic=harbour),
        practitioner=paula.practitioner,
        start=at(MONDAY, 9),
        by=rita,
    )
    counts = (Appointment.objects.count(), AuditEvent.objects.count())
    with pytest.raises(SlotTaken) as taken:
        consultation_book(
            patient=pat, practitioner=paula.practitioner, start=at(MONDAY, 9), by=rita
        )
    assert str(taken.value) == (
        "Paula Tester is already booked on Mon 23 Nov 2026 09:00–09:30. "
        "Nothing was booked; choose another time."
    )
    assert (Appointment.objects.count(), AuditEvent.objects.count()) == counts


def test_a_start_outside_the_hours_is_refused(rita, pat, paula, rooms):
    with pytest.raises(AppointmentRefused) as refused:
        consultation_book(
            patient=pat, practitioner=paula.practitioner, start=at(MONDAY, 18), by=rita
        )
    assert str(refused.value) == (
        "Paula Tester does not see patients at 18:00 on Mon 23 Nov 2026, or the clinic is closed "
        "then; choose one of the free times shown."
    )
    assert Appointment.objects.count() == 0


def test_a_start_in_the_past_is_refused(rita, pat, paula, rooms):
    with pytest.raises(AppointmentRefused) as refused:
        consultation_book(
            patient=pat,
            practitioner=paula.practitioner,
            start=at(dt.date(2026, 11, 20), 9),
            by=rita,
        )
    assert str(refused.value) == "Fri 20 Nov 2026 09:00 has already passed; choose a time to come."


def test_nothing_is_booked_for_a_patient_who_has_died(rita, pat, rooms):
    pat.deceased = True
    pat.save()
    with pytest.raises(AppointmentRefused) as refused:
        consultation_book(patient=pat, practitioner=None, start=None, by=rita, from_day=MONDAY)
    assert (str(refused.value), Appointment.objects.count()) == (
        "Pat Example's record says they have died: nothing can be booked.",
        0,
    )


def test_no_slot_within_sixty_days_says_so(harbour, rita, pat, paula):
    factories.RoomFactory(clinic=harbour)  # a room, but no opening hours at all
    with pytest.raises(NoFreeSlot) as none:
        consultation_book(
            patient=pat, practitioner=paula.practitioner, start=None, by=rita, from_day=MONDAY
        )
    assert str(none.value) == (
        "No free 30-minute consultation with Paula Tester between Mon 23 Nov 2026 and "
        "Fri 22 Jan 2027: the practitioners' hours, the rooms and the closures leave no time."
    )


def test_booking_is_audited_with_the_patient(rita, pat, rooms):
    appointment = consultation_book(
        patient=pat, practitioner=None, start=None, by=rita, from_day=MONDAY
    )
    assert list(
        AuditEvent.objects.filter(action="create").values_list(
            "actor__username", "object_type", "object_id", "patient_id", "summary"
        )
    ) == [
        (
            "rita",
            "scheduling.Appointment",
            str(appointment.pk),
            pat.pk,
            "booked a consultation on 2026-11-23 09:00 with Paula Tester in Room 1",
        )
    ]


# Arrived, no-show, cancelled -----------------------------------------------------------------


@pytest.fixture
def consultation(rita, pat, rooms):
    return consultation_book(patient=pat, practitioner=None, start=None, by=rita, from_day=MONDAY)


def test_a_future_consultation_can_only_be_cancelled(consultation, rita, pat):
    assert status_changes(appointment=consultation, now=SATURDAY_NOON) == ["cancelled"]
    appointment_set_status(appointment=consultation, status="cancelled", by=rita, reason="Unwell")
    consultation.refresh_from_db()
    assert consultation.status == "cancelled"
    assert list(
        AuditEvent.objects.filter(action="update").values_list("patient_id", "summary")
    ) == [(pat.pk, "consultation of 2026-11-23 09:00: booked → cancelled (Unwell)")]


def test_on_the_day_the_patient_arrives_or_does_not(consultation, rita):
    before = at(MONDAY, 8)
    after = at(MONDAY, 9, 5)
    assert (
        status_changes(appointment=consultation, now=before),
        status_changes(appointment=consultation, now=after),
    ) == (
        ["cancelled", "arrived"],
        ["arrived", "noshow"],
    )
    with time_machine.travel(after, tick=False):
        appointment_set_status(appointment=consultation, status="arrived", by=rita)
    consultation.refresh_from_db()
    assert (consultation.status, status_changes(appointment=consultation, now=after)) == (
        "arrived",
        [],
    )


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("arrived", "A patient is marked arrived on the day of the appointment, Mon 23 Nov 2026."),
        (
            "noshow",
            "A patient is marked absent once the appointment has begun, "
            "at 09:00 on Mon 23 Nov 2026.",
        ),
        (
            "fulfilled",
            "An appointment can be cancelled, or its patient marked arrived or absent; "
            "not 'fulfilled'.",
        ),
    ],
)
def test_status_changes_that_do_not_fit_are_refused(consultation, rita, status, message):
    with pytest.raises(AppointmentRefused) as refused:
        appointment_set_status(appointment=consultation, status=status, by=rita)
    consultation.refresh_from_db()
    assert (str(refused.value), consultation.status) == (message, "booked")
    assert AuditEvent.objects.filter(action="update").count() == 0


def test_a_begun_consultation_cannot_be_cancelled_and_a_cancelled_one_cannot_change(
    consultation, rita
):
    with (
        time_machine.travel(at(MONDAY, 9, 5), tick=False),
        pytest.raises(AppointmentRefused) as begun,
    ):
        appointment_set_status(
            appointment=consultation, status="cancelled", by=rita, reason="Unwell"
        )
    appointment_set_status(appointment=consultation, status="cancelled", by=rita, reason="Unwell")
    with pytest.raises(AppointmentRefused) as gone:
        appointment_set_status(
            appointment=consultation, status="cancelled", by=rita, reason="Unwell"
        )
    assert (str(begun.value), str(gone.value)) == (
        "This appointment began at 09:00 on Mon 23 Nov 2026; it can no longer be cancelled.",
        "This appointment is cancelled: only a booked appointment can change.",
    )
