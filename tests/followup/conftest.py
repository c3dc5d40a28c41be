"""The follow-up tests' ground: Harbour open on weekdays with Paula, Pat's standard course."""

import datetime as dt

import pytest
import time_machine

from mesoclinic.clinical.protocols import load_protocol
from mesoclinic.scheduling.proposals import propose_course
from tests.patients.factories import MedicationFactory
from tests.scheduling.factories import book_course, open_clinic

STANDARD = load_protocol("standard")
MONDAY = dt.date(2026, 11, 30)


@pytest.fixture
def rooms(harbour, paula):
    """Harbour open 09:00–17:00 on weekdays, Paula working all of it, in Room 1 and Room 2."""
    harbour.phone = "+44 20 7946 0000"
    harbour.save()
    return open_clinic(harbour, [paula.practitioner])


@pytest.fixture
def course(frozen_now, rooms, pat, paula):
    """Pat's standard course on the face, from Monday 30 November 2026."""
    return book_standard_course(pat, paula)


def book_standard_course(patient, by, first=MONDAY, areas=("face",)):
    proposal = propose_course(patient, STANDARD, STANDARD.course(), first, areas=tuple(areas))
    return book_course(proposal=proposal, by=by)


def takes(patient, text):
    """Record that `patient` takes `text` (free text, as a patient would write it)."""
    return MedicationFactory(patient=patient, text=text, status="active")


def at(moment):
    """Travel to `moment` and stay there."""
    return time_machine.travel(moment, tick=False)
