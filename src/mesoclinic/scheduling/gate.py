"""Whether a course may be booked: the patient's screening, and a practitioner's override."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from mesoclinic.accounts.models import Role, User
from mesoclinic.clinical.concepts import Verdict
from mesoclinic.clinical.screening import screening_to_json
from mesoclinic.patients.models import Patient
from mesoclinic.patients.screening import screen_patient

NOT_BOOKABLE = "{patient}'s record says they have died: nothing can be booked."
NEEDS_OVERRIDE = (
    "{patient} has an absolute contraindication ({concepts}): a practitioner may book over it "
    "only with a written reason."
)
ONLY_PRACTITIONERS = "Only a practitioner can book over an absolute contraindication."


class BookingRefused(Exception):
    """The screening does not allow this booking; the message says why and what would."""


@dataclass(frozen=True)
class GateResult:
    """The screening a booking stands on, as kept on the course."""

    verdict: str
    findings: list[dict[str, Any]]
    overridden: bool


def booking_gate(
    patient: Patient, protocol_id: str, on: date, by: User | None, override_reason: str = ""
) -> GateResult:
    """Screen `patient` for a course starting `on`; refuse unless it may be booked."""
    verdict, findings = screening_for_booking(patient, protocol_id, on)
    if verdict is Verdict.NOT_BOOKABLE:
        raise BookingRefused(NOT_BOOKABLE.format(patient=patient))
    if verdict is not Verdict.CONTRAINDICATED:
        return GateResult(verdict.value, findings, overridden=False)
    if by is not None and not by.sees_clinical_notes:
        # Reception learns that a practitioner must decide, never which condition it is.
        raise BookingRefused(ONLY_PRACTITIONERS)
    if not override_reason.strip():
        absolute = sorted({f["concept"] for f in findings if f["severity"] == "absolute"})
        raise BookingRefused(NEEDS_OVERRIDE.format(patient=patient, concepts=", ".join(absolute)))
    if by is None or by.role != Role.PRACTITIONER:
        raise BookingRefused(ONLY_PRACTITIONERS)
    return GateResult(verdict.value, findings, overridden=True)


def screening_for_booking(
    patient: Patient, protocol_id: str, on: date
) -> tuple[Verdict, list[dict[str, Any]]]:
    """The verdict and findings of `patient`'s screening for a course starting `on`."""
    screening = screen_patient(patient, on, protocol_id=protocol_id)
    document = screening_to_json(screening, str(patient.pk))
    return Verdict(document["verdict"]), document["findings"]
