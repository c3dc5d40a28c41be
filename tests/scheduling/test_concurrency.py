"""Many receptions book overlapping courses at the same moment: PostgreSQL lets only one have
each practitioner and room at a time, and every other booking fails cleanly with SlotTaken."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction

from mesoclinic.clinical.planner import Named, Preferences, Slot
from mesoclinic.clinical.protocols import load_protocol
from mesoclinic.scheduling.domain import booking
from mesoclinic.scheduling.domain.booking import SlotTaken
from mesoclinic.scheduling.models import Appointment, Course
from mesoclinic.scheduling.proposals import propose_course
from tests import factories
from tests.scheduling.factories import AppointmentFactory, book_course, open_clinic

THREADS = 8
REF_000 = load_protocol("ref-000")

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="exclusion constraints are PostgreSQL's"
    ),
    pytest.mark.django_db(transaction=True),
]


def overlapping_pairs(column):
    """Pairs of active appointments that share `column` at overlapping times."""
    rows = list(Appointment.objects.holding().values_list("id", column, "start", "end"))
    return [
        (a[0], b[0])
        for a in rows
        for b in rows
        if a[0] < b[0] and a[1] == b[1] and a[2] < b[3] and b[2] < a[3]
    ]


def book_at_once(plans, by):
    """Book every plan from its own thread (its own connection), all released together."""
    start = threading.Barrier(len(plans))
    outcomes = [None] * len(plans)

    def book(n):
        try:
            start.wait()
            outcomes[n] = book_course(proposal=plans[n], by=by)
        except SlotTaken as taken:
            outcomes[n] = taken
        except Exception as error:
            outcomes[n] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(n,)) for n in range(len(plans))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_overlapping_courses_booked_at_once_never_double_book():
    harbour = factories.ClinicFactory(name="Harbour Skin Clinic")
    practitioners = [factories.PractitionerFactory(clinic=harbour) for _ in range(2)]
    open_clinic(harbour, practitioners)
    patients = [factories.PatientFactory(clinic=harbour) for _ in range(THREADS)]
    with time_machine.travel(dt.datetime(2026, 11, 21, 10, tzinfo=dt.UTC), tick=False):
        # Everyone plans against the same empty calendar, so their courses overlap.
        plans = [
            propose_course(
                patient,
                REF_000,
                REF_000.course(),
                dt.date(2026, 11, 30),
                preferences=Preferences(practitioner_id=practitioners[n % 2].pk),
            )
            for n, patient in enumerate(patients)
        ]
        outcomes = book_at_once(plans, practitioners[0].user)
    booked = [o for o in outcomes if isinstance(o, Course)]
    refused = [o for o in outcomes if isinstance(o, SlotTaken)]
    others = [o for o in outcomes if not isinstance(o, Course | SlotTaken)]
    assert [repr(o) for o in others] == []
    assert (len(booked) >= 1, len(booked) + len(refused)) == (True, THREADS)
    assert (overlapping_pairs("practitioner_id"), overlapping_pairs("room_id")) == ([], [])
    # Losers left nothing behind: every appointment belongs to a booked course, six each.
    assert Appointment.objects.count() == 6 * len(booked) == 6 * Course.objects.count()
    when = (
        " is already booked on Mon 30 Nov 2026 09:00–09:15. "
        "Nothing was booked; plan the course again."
    )
    assert [str(r)[str(r).index(" is already") :] for r in refused] == [when] * len(refused)


def test_the_database_itself_refuses_a_double_booking(harbour, paula, pat):
    room = factories.RoomFactory(clinic=harbour)
    first = AppointmentFactory(patient=pat, practitioner=paula.practitioner, room=room)
    other_room = factories.RoomFactory(clinic=harbour)
    for overlapping in [
        {"practitioner": paula.practitioner, "room": other_room},
        {"practitioner": factories.PractitionerFactory(clinic=harbour), "room": room},
    ]:
        with pytest.raises(IntegrityError), transaction.atomic():
            AppointmentFactory(
                patient=pat, start=first.start + dt.timedelta(minutes=15), **overlapping
            )
    # A cancelled appointment lets its time go.
    first.status = "cancelled"
    first.save()
    AppointmentFactory(patient=pat, practitioner=paula.practitioner, room=room)
    assert Appointment.objects.holding().count() == 1


def test_the_databases_refusal_reads_as_a_conflict(harbour, paula, pat):
    # The booking's own check runs first; this is the guard behind it, for any writer that skips it.
    room = factories.RoomFactory(clinic=harbour, name="Room 1")
    taken = AppointmentFactory(patient=pat, practitioner=paula.practitioner, room=room)
    course = Course.objects.create(
        clinic=harbour,
        patient=pat,
        protocol_id="ref-000",
        protocol_version="1",
        template_id="course",
        verdict="eligible",
    )
    other_room = factories.RoomFactory(clinic=harbour, name="Room 2")
    practitioner = Named(paula.practitioner.pk, "Paula Tester")
    slot = Slot(taken.start, taken.end, practitioner, Named(other_room.pk, other_room.name))
    with pytest.raises(SlotTaken) as refused:
        booking.appointment_insert(
            patient=pat,
            slot=slot,
            by=paula,
            advice=booking.NOTHING_BOOKED,
            kind="session",
            course=course,
            number=1,
        )
    assert str(refused.value) == (
        "Paula Tester is already booked on Tue 01 Dec 2026 09:00–09:30. "
        "Nothing was booked; plan the course again."
    )
