"""Receptions book consultations at the same moment on PostgreSQL: the clinic's booking lock
lets one through at a time, so the same time goes to one patient and the earliest never clashes."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from mesoclinic.clinical.planner import Named, Slot
from mesoclinic.clinics.models import Room
from mesoclinic.scheduling.domain import appointments, booking
from mesoclinic.scheduling.domain.appointments import consultation_book
from mesoclinic.scheduling.domain.booking import SlotTaken
from mesoclinic.scheduling.models import Appointment
from tests import factories
from tests.scheduling.factories import open_clinic
from tests.scheduling.test_concurrency import overlapping_pairs

THREADS = 8
LONDON = ZoneInfo("Europe/London")
MONDAY_NINE = dt.datetime(2026, 11, 30, 9, tzinfo=LONDON)

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks and exclusion constraints"
    ),
    pytest.mark.django_db(transaction=True),
]


def book_at_once(patients, practitioner, start):
    """Book a consultation for every patient from its own thread, all released together."""
    barrier = threading.Barrier(len(patients))
    outcomes = [None] * len(patients)

    def book(n):
        try:
            barrier.wait()
            outcomes[n] = consultation_book(
                patient=patients[n],
                practitioner=practitioner,
                start=start,
                by=None,
                from_day=MONDAY_NINE.date(),
            )
        except Exception as error:
            outcomes[n] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(n,)) for n in range(len(patients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.fixture
def clinic():
    harbour = factories.ClinicFactory(name="Harbour Skin Clinic")
    practitioners = [factories.PractitionerFactory(clinic=harbour) for _ in range(2)]
    open_clinic(harbour, practitioners)
    patients = [factories.PatientFactory(clinic=harbour) for _ in range(THREADS)]
    return practitioners, patients


def test_the_same_time_goes_to_one_patient_and_every_other_gets_slot_taken(clinic):
    practitioners, patients = clinic
    with time_machine.travel(dt.datetime(2026, 11, 21, 10, tzinfo=dt.UTC), tick=False):
        outcomes = book_at_once(patients, practitioners[0], MONDAY_NINE)
    booked = [o for o in outcomes if isinstance(o, Appointment)]
    refused = [str(o) for o in outcomes if isinstance(o, SlotTaken)]
    name = str(practitioners[0])
    assert (len(booked), refused) == (
        1,
        [
            f"{name} is already booked on Mon 30 Nov 2026 09:00–09:30. "
            "Nothing was booked; choose another time."
        ]
        * (THREADS - 1),
    )
    assert Appointment.objects.count() == 1


def test_the_earliest_for_everyone_at_once_never_double_books(clinic):
    _, patients = clinic
    with time_machine.travel(dt.datetime(2026, 11, 21, 10, tzinfo=dt.UTC), tick=False):
        outcomes = book_at_once(patients, None, None)
    assert [repr(o) for o in outcomes if not isinstance(o, Appointment)] == []
    assert (overlapping_pairs("practitioner_id"), overlapping_pairs("room_id")) == ([], [])
    # Two practitioners and two rooms: two at a time, every half hour from 09:00.
    starts = sorted(a.start.astimezone(LONDON).strftime("%H:%M") for a in outcomes)
    assert starts == ["09:00", "09:00", "09:30", "09:30", "10:00", "10:00", "10:30", "10:30"]


def test_the_databases_refusal_of_a_consultation_reads_as_a_conflict(clinic):
    # The booking's own check under the lock runs first; this is the guard behind it.
    practitioners, patients = clinic
    with time_machine.travel(dt.datetime(2026, 11, 21, 10, tzinfo=dt.UTC), tick=False):
        taken = consultation_book(
            patient=patients[0], practitioner=practitioners[0], start=MONDAY_NINE, by=None
        )
    other_room = Room.objects.get(clinic=patients[0].clinic, name="Room 2")
    person = Named(practitioners[0].pk, str(practitioners[0]))
    slot = Slot(taken.start, taken.end, person, Named(other_room.pk, other_room.name))
    with pytest.raises(SlotTaken) as refused:
        booking.appointment_insert(
            patient=patients[1],
            slot=slot,
            by=None,
            advice=appointments.CHOOSE_ANOTHER,
            kind="consultation",
        )
    assert str(refused.value) == (
        f"{practitioners[0]} is already booked on Mon 30 Nov 2026 09:00–09:30. "
        "Nothing was booked; choose another time."
    )
