"""A small, believable history for the demo patients: one eligible, one to review, one not."""

import datetime as dt
from typing import Any

from mesoclinic.clinical.facts import LOINC, RXNORM, SNOMED
from mesoclinic.patients.models import (
    Allergy,
    AnyHistoryEntry,
    Condition,
    EnteredBy,
    Medication,
    MedicationKind,
    Observation,
    Patient,
)

# By demo user name: Grace is eligible, James needs review (warfarin), Mia is pregnant.
DEMO_HISTORY: dict[str, list[tuple[type[AnyHistoryEntry], dict[str, Any]]]] = {
    "patient": [
        (
            Condition,
            dict(
                code_system=SNOMED,
                code="88594005",
                code_display="Herpes simplex (disorder)",
                text="Cold sore",
                clinical_status="resolved",
                onset=dt.date(2025, 2, 1),
                abatement=dt.date(2025, 2, 20),
            ),
        ),
        (Medication, {"text": "Paracetamol 500 mg when needed"}),
        (Medication, {"text": "Vitamin D", "kind": MedicationKind.SUPPLEMENT}),
    ],
    "patient.james": [
        (
            Condition,
            dict(
                code_system=SNOMED,
                code="49436004",
                code_display="Atrial fibrillation (disorder)",
                onset=dt.date(2021, 6, 1),
            ),
        ),
        (
            Medication,
            dict(
                code_system=RXNORM,
                code="855332",
                code_display="warfarin sodium 5 MG Oral Tablet",
                dosage="5 mg daily",
                started=dt.date(2021, 6, 15),
            ),
        ),
        (Allergy, {"text": "Penicillin", "reaction": "Rash", "criticality": "low"}),
    ],
    "patient.mia": [
        (
            Observation,
            dict(
                code_system=LOINC,
                code="82810-3",
                code_display="Pregnancy status",
                value_code_system=LOINC,
                value_code="LA15173-0",
                value_display="Pregnant",
                entered_by=EnteredBy.PATIENT,
            ),
        ),
        (Medication, {"text": "Folic acid 400 micrograms", "kind": MedicationKind.SUPPLEMENT}),
    ],
}


def demo_history_load() -> None:
    """Give each demo patient their history, once: a patient with any history is left alone."""
    for username, entries in DEMO_HISTORY.items():
        patient = Patient.objects.filter(user__username=username).first()
        if patient is None or has_history(patient):
            continue
        for model, values in entries:
            model.objects.create(patient=patient, **values)


def has_history(patient: Patient) -> bool:
    related = ("conditions", "medications", "allergies", "observations")
    return any(getattr(patient, name).exists() for name in related)
