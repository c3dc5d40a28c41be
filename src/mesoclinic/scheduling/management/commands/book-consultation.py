"""`mesoclinic book-consultation PATIENT --from DATE`: book the earliest free consultation."""

from typing import Any

from django.core.management.base import CommandError

from mesoclinic.clinics.models import Practitioner
from mesoclinic.commands import ReportCommand, calendar_date
from mesoclinic.patients.models import Patient
from mesoclinic.patients.queries import PatientNotFound, find_patient
from mesoclinic.scheduling.domain.appointments import (
    AppointmentRefused,
    NoFreeSlot,
    consultation_book,
)
from mesoclinic.scheduling.domain.booking import SlotTaken
from mesoclinic.scheduling.models import Appointment

NO_PRACTITIONER = "--practitioner {username}: no active practitioner of {clinic} has that user name"


class Command(ReportCommand):
    help = "Book a patient's consultation at the earliest free time from a day."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("patient", help="internal id or the FHIR id it was imported with")
        parser.add_argument(
            "--from", dest="first", required=True, type=calendar_date, metavar="DATE"
        )
        parser.add_argument(
            "--practitioner", metavar="USERNAME", help="this practitioner only (default: anyone)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            patient = find_patient(None, options["patient"], purpose="book consultation")
        except PatientNotFound as error:
            raise CommandError(f"PATIENT {options['patient']}: {error}") from None
        practitioner = practitioner_named(patient, options["practitioner"])
        try:
            appointment = consultation_book(
                patient=patient,
                practitioner=practitioner,
                start=None,
                by=None,
                from_day=options["first"],
            )
        except (NoFreeSlot, SlotTaken, AppointmentRefused) as error:
            raise CommandError(str(error)) from None
        document = {"appointment": appointment_to_json(appointment, patient)}
        self.report(options, document, describe(appointment, patient))


def practitioner_named(patient: Patient, username: str | None) -> Practitioner | None:
    """The practitioner of the patient's clinic who signs in as `username`, or None for anyone."""
    if username is None:
        return None
    found = (
        Practitioner.objects.filter(clinic=patient.clinic, active=True, user__username=username)
        .select_related("user")
        .first()
    )
    if found is None:
        raise CommandError(NO_PRACTITIONER.format(username=username, clinic=patient.clinic))
    return found


def appointment_to_json(appointment: Appointment, patient: Patient) -> dict[str, Any]:
    """The booked consultation, its times in the clinic's time zone."""
    tz = patient.clinic.tzinfo
    return {
        "id": appointment.pk,
        "start": appointment.start.astimezone(tz).isoformat(),
        "end": appointment.end.astimezone(tz).isoformat(),
        "practitioner": str(appointment.practitioner),
        "room": str(appointment.room),
        "patient": patient.fhir_id or str(patient.pk),
    }


def describe(appointment: Appointment, patient: Patient) -> str:
    tz = patient.clinic.tzinfo
    start, end = appointment.start.astimezone(tz), appointment.end.astimezone(tz)
    return (
        f"Booked a consultation for {patient}: {start:%a %d %b %Y %H:%M}–{end:%H:%M} "
        f"with {appointment.practitioner}, {appointment.room}."
    )
