"""The stored record as the clinical core reads it: `PatientFacts` built from the chart."""

from collections.abc import Iterable
from datetime import tzinfo
from typing import TypeVar

from django.db.models import prefetch_related_objects

from mesoclinic.clinical.facts import Coding, HistoryRecord, PatientFacts, Reaction, RecordKind
from mesoclinic.patients.models import (
    Allergy,
    Condition,
    HistoryEntry,
    Medication,
    MedicationOrigin,
    Observation,
    Patient,
)

ENTERED_IN_ERROR = "entered-in-error"
# One kind of history entry: `live` keeps the kind it is given.
Entry = TypeVar("Entry", bound=HistoryEntry)
HISTORY = ("conditions", "medications", "allergies", "observations")
RESOURCE_TYPES = {
    "condition": "Condition",
    "allergy": "AllergyIntolerance",
    "observation": "Observation",
}


def patient_facts(patient: Patient) -> PatientFacts:
    """Everything screening may use about `patient`; one query per kind unless prefetched."""
    prefetch_related_objects([patient], *HISTORY)
    records = [
        *(condition_record(c) for c in live(patient.conditions.all())),
        *(medication_record(m) for m in live(patient.medications.all())),
        *(allergy_record(a) for a in live(patient.allergies.all())),
        *(observation_record(o, patient.clinic.tzinfo) for o in live(patient.observations.all())),
    ]
    return PatientFacts(
        birth_date=patient.birth_date, deceased=patient.deceased, records=tuple(records)
    )


def live(entries: Iterable[Entry]) -> list[Entry]:
    """The entries that count, oldest first; entered-in-error ones were never true.

    Unconfirmed entries by the patient stay in: screening must not ignore what the patient said.
    """
    return sorted(
        (e for e in entries if ENTERED_IN_ERROR not in (record_status(e), verification(e))),
        key=lambda e: e.pk,
    )


def record_status(entry: HistoryEntry) -> str:
    return getattr(entry, "clinical_status", "") or getattr(entry, "status", "")


def verification(entry: HistoryEntry) -> str:
    return getattr(entry, "verification_status", "")


def resource_of(entry: HistoryEntry) -> str:
    """The FHIR reference of an entry, e.g. "Condition/abc-123" (its own pk when not imported)."""
    kind = RESOURCE_TYPES.get(entry._meta.model_name or "", "MedicationStatement")
    if isinstance(entry, Medication) and entry.origin == MedicationOrigin.REQUEST:
        kind = "MedicationRequest"
    return f"{kind}/{entry.fhir_id or entry.pk}"


def codings(entry: HistoryEntry) -> tuple[Coding, ...]:
    """Every coding of the entry, as FHIR gave them or the staff chose them."""
    return coded(entry.all_codings)


def coded(found: Iterable[dict[str, str]]) -> tuple[Coding, ...]:
    return tuple(
        Coding(c.get("system", ""), c["code"], c.get("display", "")) for c in found if c.get("code")
    )


def reactions(entry: Allergy) -> tuple[Reaction, ...]:
    """The allergy's reactions, each manifestation with its codes, words and severity."""
    return tuple(
        Reaction(coded(r.get("codings", [])), r.get("text", ""), r.get("severity", ""))
        for r in entry.reactions
    )


def condition_record(entry: Condition) -> HistoryRecord:
    return HistoryRecord(
        resource=resource_of(entry),
        kind=RecordKind.CONDITION,
        codes=codings(entry),
        text=entry.text,
        status=entry.clinical_status,
        verification=entry.verification_status,
        onset=entry.onset,
        ended=entry.abatement,
    )


def medication_record(entry: Medication) -> HistoryRecord:
    return HistoryRecord(
        resource=resource_of(entry),
        kind=RecordKind.MEDICATION,
        codes=codings(entry),
        text=entry.text,
        status=entry.status,
        onset=entry.started,
        ended=entry.ended,
    )


def allergy_record(entry: Allergy) -> HistoryRecord:
    return HistoryRecord(
        resource=resource_of(entry),
        kind=RecordKind.ALLERGY,
        codes=codings(entry),
        text=entry.text,
        status=entry.clinical_status,
        verification=entry.verification_status,
        onset=entry.onset,
        reactions=reactions(entry),
    )


def observation_record(entry: Observation, zone: tzinfo) -> HistoryRecord:
    """An observation: its question and its coded answer are among its codes; an answer in
    words ("not sure") is its text."""
    value = entry.value_quantity
    said = entry.value_display if entry.value_display and not entry.value_code else ""
    return HistoryRecord(
        resource=resource_of(entry),
        kind=RecordKind.OBSERVATION,
        codes=codings(entry) + coded(entry.all_value_codings),
        text=said or entry.text,
        status=entry.status,
        # The day it was observed is the clinic's day, not the server's.
        onset=entry.effective.astimezone(zone).date() if entry.effective else None,
        value=float(value) if value is not None else None,
        unit=entry.value_unit,
    )
