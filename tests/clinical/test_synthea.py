"""Screening the Synthea sample patients (real FHIR exports) under `standard`, end to end.

The FHIR app owns the real import; this test reads just enough of the NDJSON itself.
"""

import json
from collections import defaultdict
from datetime import date

from mesoclinic.clinical.facts import Coding, HistoryRecord, PatientFacts, RecordKind
from mesoclinic.clinical.protocols import load_protocol
from mesoclinic.clinical.screening import screen
from tests.shared import FHIR_SAMPLES, needs_shared

ON = date(2026, 11, 21)


def day(text: str | None) -> date | None:
    return date.fromisoformat(text[:10]) if text else None


def first_code(concept: dict | None) -> str:
    return ((concept or {}).get("coding") or [{}])[0].get("code", "")


def history_record(resource: dict) -> tuple[str, HistoryRecord]:
    kind = {
        "Condition": RecordKind.CONDITION,
        "MedicationRequest": RecordKind.MEDICATION,
        "AllergyIntolerance": RecordKind.ALLERGY,
    }[resource["resourceType"]]
    concept = resource.get("code") or resource["medicationCodeableConcept"]
    subject = (resource.get("subject") or resource["patient"])["reference"].split("/")[1]
    record = HistoryRecord(
        resource=f"{resource['resourceType']}/{resource['id']}",
        kind=kind,
        codes=tuple(
            Coding(c["system"], c["code"], c.get("display", "")) for c in concept["coding"]
        ),
        text=concept.get("text", ""),
        status=resource.get("status") or first_code(resource.get("clinicalStatus")),
        verification=first_code(resource.get("verificationStatus")),
        onset=day(resource.get("onsetDateTime") or resource.get("authoredOn")),
        ended=day(resource.get("abatementDateTime")),
    )
    return subject, record


def sample_patients() -> dict[str, PatientFacts]:
    folder = FHIR_SAMPLES / "synthea-10"
    records = defaultdict(list)
    for name in ("Condition", "MedicationRequest", "AllergyIntolerance"):
        for line in (folder / f"{name}.000.ndjson").read_text(encoding="utf-8").splitlines():
            subject, record = history_record(json.loads(line))
            records[subject].append(record)
    patients = {}
    for line in (folder / "Patient.000.ndjson").read_text(encoding="utf-8").splitlines():
        patient = json.loads(line)
        patients[patient["id"]] = PatientFacts(
            day(patient.get("birthDate")),
            "deceasedDateTime" in patient,
            tuple(records[patient["id"]]),
        )
    return patients


@needs_shared
def test_every_sample_patient_gets_the_verdict_a_practitioner_would_expect():
    standard = load_protocol("standard")

    outcomes = {
        patient_id: (screening.verdict.value, [f.concept.value for f in screening.findings])
        for patient_id, facts in sample_patients().items()
        for screening in [screen(facts, standard, ON)]
    }

    assert outcomes == {
        "129c6ac7-8d06-89de-ad63-0204a93e76c3": (
            "not-bookable",
            ["deceased", "cardiac-medication", "active-infection", "obesity"],
        ),
        "3af3708d-41f1-cd80-f3dd-ec5ac76072bf": ("not-bookable", ["deceased"]),
        "63ee2253-bdd5-da55-2ad2-b4984d0ad700": ("review", ["minor"]),
        "6a4160eb-a793-2f86-2302-378626f46cce": ("contraindicated", ["active-infection"]),
        "79a66c97-6131-3213-f3c9-4606946ab056": (
            "not-bookable",
            [
                "deceased",
                "insulin-dependent-diabetes",
                "cardiac-medication",
                "obesity",
                "immunosuppression",
            ],
        ),
        "7bc002fa-dc52-17d6-1563-fd8901826f7d": ("review", ["obesity"]),
        "8e1a0a7c-e308-444b-075a-3c2b1f60f881": ("eligible", []),
        # Three resolved pregnancies and a miscarriage Synthea left "active": not pregnant.
        "a4a401d1-a46a-eb4a-8a38-760d5d79d6ec": ("eligible", []),
        "a5cb8ce9-cec6-6b23-0990-cbaf753578a4": ("contraindicated", ["active-infection"]),
        "bb6a9034-2f23-2508-d29d-35efee156dc9": ("eligible", []),
        "ca15b832-01e4-41dd-6a52-97bd3e5510cb": ("review", ["obesity"]),
        "cbc86e51-9eca-3855-76ec-c058f72c5761": (
            "review",
            ["anaphylaxis-history", "latex-allergy"],
        ),
        "fb7c882a-f897-e7c5-67e0-825e7fd55d15": ("review", ["obesity"]),
    }


@needs_shared
def test_sample_records_no_value_set_knows_are_all_kept_as_unrecognised():
    facts = sample_patients()["a4a401d1-a46a-eb4a-8a38-760d5d79d6ec"]

    screening = screen(facts, load_protocol("standard"), ON)

    displays = {record.codes[0].display for record in screening.unrecognised}
    assert "Normal pregnancy" not in displays
    assert "Miscarriage in first trimester" not in displays
    assert {"Stress (finding)", "Full-time employment (finding)"} <= displays
