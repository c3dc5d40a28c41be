"""`mesoclinic screen PATIENT`: screen a stored patient against a protocol, as text or JSON."""

from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone

from mesoclinic.accounts.models import Clinic
from mesoclinic.clinical.facts import HistoryRecord
from mesoclinic.clinical.preparation import PreparationStep
from mesoclinic.clinical.protocols import protocol_ids
from mesoclinic.clinical.screening import Screening, screening_to_json
from mesoclinic.commands import ReportCommand, calendar_date
from mesoclinic.patients.queries import PatientNotFound, find_patient
from mesoclinic.patients.screening import (
    DEFAULT_PROTOCOL,
    first_opening,
    preparation_for,
    screen_patient,
)

NO_SUCH_CLINIC = "--clinic {clinic_id}: there is no clinic with that id"


class Command(ReportCommand):
    help = (
        "Screen a patient's stored history against a protocol for a treatment on a day. "
        "PATIENT is the internal id or the FHIR id the patient was imported with. "
        "Preparation is dated for a session at the clinic's first opening time that day "
        "(09:00 in the clinic's time zone when it has no hours that day)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("patient", metavar="PATIENT", help="internal id or imported FHIR id")
        parser.add_argument(
            "--on",
            type=calendar_date,
            metavar="DATE",
            help="the day of the treatment (default: today in the clinic's time zone)",
        )
        parser.add_argument(
            "--protocol",
            default=DEFAULT_PROTOCOL,
            choices=protocol_ids(),
            metavar="ID",
            help=f"protocol id: {', '.join(protocol_ids())} (default: {DEFAULT_PROTOCOL})",
        )
        parser.add_argument(
            "--clinic", type=int, metavar="ID", help="the clinic, when a FHIR id is in several"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            patient = find_patient(None, options["patient"], clinic_of(options["clinic"]))
        except PatientNotFound as error:
            raise CommandError(f"PATIENT {options['patient']}: {error}") from None
        on = options["on"] or timezone.localdate(timezone=patient.clinic.tzinfo)
        screening = screen_patient(patient, on, options["protocol"])
        steps = preparation_for(patient, first_opening(patient.clinic, on), options["protocol"])
        document = screening_to_json(screening, patient.fhir_id or str(patient.pk), steps)
        self.report(options, document, screening_text(patient, screening, steps))


def clinic_of(clinic_id: int | None) -> Clinic | None:
    if clinic_id is None:
        return None
    clinic = Clinic.objects.filter(pk=clinic_id).first()
    if clinic is None:
        raise CommandError(NO_SUCH_CLINIC.format(clinic_id=clinic_id))
    return clinic


def record_label(record: HistoryRecord) -> str:
    """A record as the chart names it: its text, else its first code's name."""
    named = [coding.display or coding.code for coding in record.codes]
    return record.text or (named[0] if named else record.resource)


def screening_text(patient: Any, screening: Screening, steps: list[PreparationStep]) -> str:
    """The screening as a practitioner reads it in a terminal."""
    lines = [
        f"{patient} on {screening.on:%a %d %b %Y}, protocol {screening.protocol_id} "
        f"v{screening.protocol_version}: {screening.verdict.value}"
    ]
    for finding in screening.findings:
        shown = "; ".join(e.display for e in finding.evidence)
        lines.append(f"  {finding.severity.value:<9} {finding.concept.value}: {shown}")
        lines.append(f"            source: {finding.source.document}: {finding.source.quote}")
    # Records not recognised that could not matter (a measurement, a stopped medicine) hold
    # nothing, but a practitioner still sees them.
    held = {e.resource for f in screening.findings for e in f.evidence}
    lines += [
        f"  not recognised: {record_label(r)}"
        for r in screening.unrecognised
        if r.resource not in held
    ]
    lines += ["Preparation:", *(f"  {step.instruction}" for step in steps)] if steps else []
    return "\n".join(lines)
