"""Whether a course may be booked: its plan or a reason, the screening, a practitioner's override.

A course follows a signed consultation's treatment plan (000: "Every treatment always begins
with a consultation"). The plan lives in `treatments`, above the calendar, so it comes down here
as plain values (a `CourseBasis`); a course booked without one needs a practitioner's written
reason, kept on the course and audited like any override (SPEC.md).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from mesoclinic.accounts.models import Role, User
from mesoclinic.clinical.concepts import Verdict
from mesoclinic.clinical.screening import Product, screening_to_json
from mesoclinic.patients.models import Patient
from mesoclinic.patients.screening import screen_patient

NOT_BOOKABLE = "{patient}'s record says they have died: nothing can be booked."
NEEDS_OVERRIDE = (
    "{patient} has an absolute contraindication ({concepts}): a practitioner may book over it "
    "only with a written reason."
)
ONLY_PRACTITIONERS = "Only a practitioner can book over an absolute contraindication."
NEEDS_CONSULTATION = (
    "A course needs a signed consultation recommending it: book it from {patient}'s treatment "
    "plan, or a practitioner gives a written reason for booking without one."
)
ONLY_PRACTITIONERS_WITHOUT_PLAN = (
    "Only a practitioner can book a course without a signed consultation, with a written reason."
)
NOT_THE_PLAN = (
    "This course is not the one the treatment plan recommends ({planned}); book the plan's "
    "course, or give a reason for booking without a consultation."
)


class BookingRefused(Exception):
    """The screening does not allow this booking; the message says why and what would."""


@dataclass(frozen=True)
class CourseBasis:
    """The treatment plan a course follows, as plain values: which course, areas and products."""

    plan_id: int
    protocol_id: str
    template_id: str
    areas: tuple[str, ...]
    # Every product of the plan, numbing cream included: screening runs against them.
    products: tuple[Product, ...] = ()


@dataclass(frozen=True)
class GateResult:
    """The screening a booking stands on, as kept on the course."""

    verdict: str
    findings: list[dict[str, Any]]
    overridden: bool


def consultation_gate(
    *,
    patient: Patient,
    course: tuple[str, str, tuple[str, ...]],
    basis: CourseBasis | None,
    by: User | None,
    unplanned_reason: str,
) -> None:
    """Refuse a `course` (protocol, template, areas) that follows no plan and has no reason."""
    if basis is not None:
        planned = (basis.protocol_id, basis.template_id, tuple(sorted(basis.areas)))
        if (course[0], course[1], tuple(sorted(course[2]))) != planned:
            shown = f"{basis.protocol_id}/{basis.template_id}: {', '.join(basis.areas)}"
            raise BookingRefused(NOT_THE_PLAN.format(planned=shown))
        return
    if not unplanned_reason.strip():
        raise BookingRefused(NEEDS_CONSULTATION.format(patient=patient))
    if by is None or by.role != Role.PRACTITIONER:
        raise BookingRefused(ONLY_PRACTITIONERS_WITHOUT_PLAN)


def booking_gate(
    patient: Patient,
    protocol_id: str,
    on: date,
    by: User | None,
    override_reason: str = "",
    products: Sequence[Product] = (),
) -> GateResult:
    """Screen `patient` for a course of `products` starting `on`; refuse unless it may be booked."""
    verdict, findings = screening_for_booking(patient, protocol_id, on, products)
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
    patient: Patient, protocol_id: str, on: date, products: Sequence[Product] = ()
) -> tuple[Verdict, list[dict[str, Any]]]:
    """The verdict and findings of `patient`'s screening for a course of `products` from `on`."""
    screening = screen_patient(patient, on, protocol_id=protocol_id, products=products)
    document = screening_to_json(screening, str(patient.pk))
    return Verdict(document["verdict"]), document["findings"]
