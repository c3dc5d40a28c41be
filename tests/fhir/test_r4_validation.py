"""Imports are checked against true R4 (4.0.1): its structure and every required code."""

import json

from mesoclinic.fhir.domain import fhir_import
from mesoclinic.fhir.r4 import CODES_FILE, problems
from mesoclinic.fhir.sources import Source
from tests.fhir.r4_bindings import build
from tests.fhir.test_official_examples import fetch_examples


def test_the_required_codes_are_the_official_r4_definitions():
    assert json.loads(CODES_FILE.read_text(encoding="utf-8")) == build(fetch_examples())


def test_an_invalid_required_code_is_refused_with_file_line_and_path(harbour, tmp_path):
    patient = {"resourceType": "Patient", "id": "p1", "gender": "female"}
    allergy = {
        "resourceType": "AllergyIntolerance",
        "id": "a1",
        "criticality": "extreme",
        "patient": {"reference": "Patient/p1"},
    }
    reaction = {
        **allergy,
        "id": "a2",
        "criticality": "high",
        "reaction": [{"manifestation": [{"text": "hives"}], "severity": "fatal"}],
    }
    good = {**allergy, "id": "a3", "criticality": "low"}
    (tmp_path / "Patient.ndjson").write_text(json.dumps(patient) + "\n")
    allergies = tmp_path / "AllergyIntolerance.ndjson"
    allergies.write_text("".join(json.dumps(a) + "\n" for a in (allergy, reaction, good)))
    report = fhir_import(
        clinic=harbour,
        by=None,
        sources=[
            Source(str(tmp_path / "Patient.ndjson"), json.dumps(patient) + "\n", ndjson=True),
            Source(str(allergies), allergies.read_text(), ndjson=True),
        ],
    ).as_json()
    assert report["imported"] == {"Patient": 1, "AllergyIntolerance": 1}
    assert report["rejected"] == [
        {
            "file": str(allergies),
            "line": 1,
            "reason": "invalid R4 AllergyIntolerance: AllergyIntolerance.criticality: 'extreme' "
            "is not an R4 code here (one of high, low, unable-to-assess)",
        },
        {
            "file": str(allergies),
            "line": 2,
            "reason": "invalid R4 AllergyIntolerance: AllergyIntolerance.reaction[0].severity: "
            "'fatal' is not an R4 code here (one of mild, moderate, severe)",
        },
    ]


def test_codes_are_checked_inside_datatypes_and_codeable_concepts():
    observation = {
        "resourceType": "Observation",
        "id": "o1",
        "status": "final",
        "code": {"text": "temperature"},
        "valueQuantity": {"value": 37, "comparator": "=="},
        "subject": {"reference": "Patient/p1"},
    }
    condition = {
        "resourceType": "Condition",
        "id": "c1",
        "subject": {"reference": "Patient/p1"},
        "clinicalStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                    "code": "cured",
                }
            ]
        },
    }
    assert problems(observation) == [
        "Observation.valueQuantity.comparator: '==' is not an R4 code here (one of <, <=, >, >=)"
    ]
    assert problems(condition) == [
        "Condition.clinicalStatus.coding[0].code: 'cured' is not an R4 code here (one of active, "
        "inactive, recurrence, relapse, remission, resolved)"
    ]
    assert problems({"resourceType": "Condition", "id": "c2"}) == [
        "Condition: subject is required and missing"
    ]
