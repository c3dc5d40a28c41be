"""`mesoclinic book-consultation`: the earliest free consultation, as one JSON document."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from mesoclinic.audit.models import AuditEvent
from mesoclinic.scheduling.models import Appointment
from tests import factories
from tests.scheduling.factories import closed_on

pytestmark = pytest.mark.usefixtures("frozen_now")


def run(capsys, *args):
    call_command("book-consultation", *args, "--json")
    return json.loads(capsys.readouterr().out)


def test_book_consultation_prints_the_appointment(capsys, harbour, rooms, pat):
    pat.fhir_id = "synthea-123"
    pat.save()
    closed_on(harbour, dt.date(2026, 11, 30))
    printed = run(capsys, "synthea-123", "--from=2026-11-30")
    appointment = Appointment.objects.get()
    assert printed == {
        "appointment": {
            "id": appointment.pk,
            "start": "2026-12-01T09:00:00+00:00",
            "end": "2026-12-01T09:30:00+00:00",
            "practitioner": "Paula Tester",
            "room": "Room 1",
            "patient": "synthea-123",
        }
    }
    assert list(
        AuditEvent.objects.filter(action="create").values_list("actor_label", "patient_id")
    ) == [("system", pat.pk)]


def test_book_consultation_with_one_practitioner(capsys, harbour, rooms, pat):
    olga = factories.PractitionerFactory(clinic=harbour, user__username="olga")
    factories.WorkingHoursFactory(practitioner=olga, weekday=0, starts=dt.time(14))
    printed = run(capsys, str(pat.pk), "--from=2026-11-23", "--practitioner=olga")
    assert (printed["appointment"]["start"], printed["appointment"]["practitioner"]) == (
        "2026-11-23T14:00:00+00:00",
        "Olga Tester",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--from=2026-11-23", "--practitioner=nobody"],
            "--practitioner nobody: no active practitioner of Harbour Skin Clinic has that "
            "user name",
        ),
        (
            ["--from=2026-11-23", "--practitioner=charlie"],
            "--practitioner charlie: no active practitioner of Harbour Skin Clinic has that "
            "user name",
        ),
    ],
)
def test_an_unknown_practitioner_is_named(rooms, pat, charlie, args, message):
    with pytest.raises(CommandError) as error:
        call_command("book-consultation", str(pat.pk), *args)
    assert (str(error.value), error.value.returncode) == (message, 1)


def test_no_free_time_in_sixty_days_exits_1_and_books_nothing(harbour, pat, paula):
    factories.RoomFactory(clinic=harbour)
    with pytest.raises(CommandError) as error:
        call_command("book-consultation", str(pat.pk), "--from=2026-11-23")
    assert (str(error.value), error.value.returncode, Appointment.objects.count()) == (
        "No free 30-minute consultation between Mon 23 Nov 2026 and Fri 22 Jan 2027: the "
        "practitioners' hours, the rooms and the closures leave no time.",
        1,
        0,
    )


def test_an_unknown_patient_is_named(rooms):
    with pytest.raises(CommandError) as error:
        call_command("book-consultation", "nobody-1", "--from=2026-11-23")
    assert str(error.value) == "PATIENT nobody-1: no patient has the id or FHIR id 'nobody-1'"
