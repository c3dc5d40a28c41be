"""Screening on the stored record: the clinical core run over a patient's chart."""

from collections.abc import Sequence
from datetime import date, datetime, time

from mesoclinic.accounts.models import Clinic
from mesoclinic.clinical.preparation import PreparationStep, preparation_steps
from mesoclinic.clinical.protocols import load_protocol
from mesoclinic.clinical.screening import Product, Screening, screen
from mesoclinic.clinical.teaching import Taught
from mesoclinic.clinics.models import OpeningHours
from mesoclinic.patients.facts import patient_facts
from mesoclinic.patients.models import Patient
from mesoclinic.patients.queries import clinic_taught

DEFAULT_PROTOCOL = "standard"
# When a day has no opening hours, preparation is dated for a session at 09:00.
USUAL_START = time(9)


def screen_patient(
    patient: Patient,
    on: date,
    protocol_id: str = DEFAULT_PROTOCOL,
    products: Sequence[Product] = (),
    taught: Taught | None = None,
) -> Screening:
    """`patient`'s screening under `protocol_id` for a treatment on `on` with the plan's
    `products`, with everything the clinic taught screening (read now unless `taught` is given).

    Raises the core's UnknownProtocol when no protocol has that id.
    """
    protocol = load_protocol(protocol_id)
    taught = clinic_taught(patient.clinic_id) if taught is None else taught
    return screen(patient_facts(patient), protocol, on, products, taught)


def preparation_for(
    patient: Patient,
    start: datetime,
    protocol_id: str = DEFAULT_PROTOCOL,
    taught: Taught | None = None,
) -> list[PreparationStep]:
    """`patient`'s dated preparation for a session at `start` (timezone-aware)."""
    protocol = load_protocol(protocol_id)
    taught = clinic_taught(patient.clinic_id) if taught is None else taught
    return preparation_steps(patient_facts(patient), protocol, start, taught=taught)


def first_opening(clinic: Clinic, on: date) -> datetime:
    """When the clinic opens on `on`, in its own time zone (09:00 on a day without hours)."""
    opens = (
        OpeningHours.objects.filter(clinic=clinic, weekday=on.weekday())
        .order_by("starts")
        .values_list("starts", flat=True)
        .first()
    )
    return datetime.combine(on, opens or USUAL_START, tzinfo=clinic.tzinfo)
