"""Every coding, every reaction and every valid R4 status comes in, counts, and goes out again."""

import datetime as dt
import json

import pytest
import time_machine
from fhir.resources.R4B.conceptmap import ConceptMap

from mesoclinic.clinical.concepts import Verdict
from mesoclinic.clinical.facts import ATC, LOINC, RXNORM, SNOMED
from mesoclinic.fhir.domain import fhir_export, fhir_import
from mesoclinic.fhir.sources import Source
from mesoclinic.patients.domain import clinic_mapping_save
from mesoclinic.patients.models import Allergy, Medication, Observation, Patient
from mesoclinic.patients.screening import screen_patient
from tests.clinical.recognition_set import HERE as RECOGNITION_SET
from tests.clinical.recognition_set import expected, plan_products

ON = dt.date(2026, 11, 21)
PATIENT = {"resourceType": "Patient", "id": "nora", "name": [{"family": "Ilić", "given": ["Nora"]}]}
THREE_CODINGS = {
    "coding": [
        {"system": RXNORM, "code": "855332", "display": "warfarin sodium 5 MG Oral Tablet"},
        {"system": ATC, "code": "B01AA03", "display": "warfarin"},
        {"system": SNOMED, "code": "372756006", "display": "Warfarin (substance)"},
    ],
    "text": "Warfarin 5 mg",
}


def bundle(*resources):
    entries = [{"resource": r} for r in (PATIENT, *resources)]
    return Source(
        "test.json", json.dumps({"resourceType": "Bundle", "type": "collection", "entry": entries})
    )


def subject(resource, key="subject"):
    return {**resource, key: {"reference": "Patient/nora"}}


def exported(clinic, tmp_path, resource_type):
    fhir_export(clinic=clinic, directory=tmp_path, by=None)
    lines = (tmp_path / f"{resource_type}.ndjson").read_text().splitlines()
    return [json.loads(line) for line in lines]


def test_a_record_with_three_codings_comes_in_and_goes_out_with_all_three(harbour, tmp_path):
    statement = subject(
        {
            "resourceType": "MedicationStatement",
            "id": "warfarin-1",
            "status": "active",
            "medicationCodeableConcept": THREE_CODINGS,
        }
    )

    report = fhir_import(clinic=harbour, by=None, sources=[bundle(statement)])

    assert report.rejected == []
    row = Medication.objects.get(fhir_id="warfarin-1")
    assert (row.code_system, row.code, row.codings) == (RXNORM, "855332", THREE_CODINGS["coding"])
    (out,) = exported(harbour, tmp_path, "MedicationStatement")
    assert out["medicationCodeableConcept"] == THREE_CODINGS


@pytest.mark.parametrize(
    ("resource_type", "status", "verdict"),
    [
        ("MedicationStatement", "not-taken", Verdict.ELIGIBLE),
        ("MedicationStatement", "intended", Verdict.REVIEW),
        ("MedicationStatement", "on-hold", Verdict.REVIEW),
        ("MedicationStatement", "unknown", Verdict.REVIEW),
        ("MedicationRequest", "draft", Verdict.REVIEW),
        ("MedicationRequest", "cancelled", Verdict.ELIGIBLE),
        ("MedicationRequest", "stopped", Verdict.ELIGIBLE),
    ],
)
def test_every_valid_medication_status_imports_and_means_what_r4_says(
    harbour, resource_type, status, verdict
):
    medication = {
        "resourceType": resource_type,
        "id": "med-1",
        "status": status,
        "medicationCodeableConcept": THREE_CODINGS,
    }
    if resource_type == "MedicationRequest":
        medication["intent"] = "order"

    report = fhir_import(clinic=harbour, by=None, sources=[bundle(subject(medication))])

    assert (report.rejected, Medication.objects.get().status) == ([], status)
    assert screen_patient(Patient.objects.get(), ON).verdict is verdict


@pytest.mark.parametrize(
    ("status", "verdict"),
    [
        ("corrected", Verdict.CONTRAINDICATED),
        ("amended", Verdict.CONTRAINDICATED),
        ("preliminary", Verdict.CONTRAINDICATED),
        ("registered", Verdict.ELIGIBLE),
        ("cancelled", Verdict.ELIGIBLE),
    ],
)
def test_a_pregnancy_status_counts_as_its_observation_status_says(harbour, status, verdict):
    observation = subject(
        {
            "resourceType": "Observation",
            "id": "preg-1",
            "status": status,
            "code": {
                "coding": [{"system": LOINC, "code": "82810-3", "display": "Pregnancy status"}]
            },
            "effectiveDateTime": "2026-11-02",
            "valueCodeableConcept": {
                "coding": [{"system": LOINC, "code": "LA15173-0", "display": "Pregnant"}]
            },
        }
    )

    report = fhir_import(clinic=harbour, by=None, sources=[bundle(observation)])

    assert (report.rejected, Observation.objects.get().status) == ([], status)
    assert screen_patient(Patient.objects.get(), ON).verdict is verdict


def test_a_status_answered_in_words_imports_and_is_read(harbour, tmp_path):
    observation = subject(
        {
            "resourceType": "Observation",
            "id": "preg-2",
            "status": "final",
            "code": {
                "coding": [{"system": LOINC, "code": "82810-3", "display": "Pregnancy status"}]
            },
            "effectiveDateTime": "2026-11-02",
            "valueString": "not sure",
        }
    )

    fhir_import(clinic=harbour, by=None, sources=[bundle(observation)])

    screening = screen_patient(Patient.objects.get(), ON)
    assert [f.concept.value for f in screening.findings] == ["pregnancy"]
    (out,) = exported(harbour, tmp_path, "Observation")
    assert out["valueString"] == "not sure"


def test_an_anaphylaxis_reaction_comes_in_counts_and_goes_out(harbour, tmp_path):
    reaction = {
        "manifestation": [
            {
                "coding": [
                    {"system": SNOMED, "code": "39579001", "display": "Anaphylaxis (disorder)"}
                ],
                "text": "Anaphylaxis (disorder)",
            }
        ],
        "severity": "severe",
    }
    allergy = subject(
        {
            "resourceType": "AllergyIntolerance",
            "id": "bee-1",
            "code": {
                "coding": [
                    {"system": SNOMED, "code": "288328004", "display": "Bee venom (substance)"}
                ]
            },
            "reaction": [reaction],
        },
        key="patient",
    )

    fhir_import(clinic=harbour, by=None, sources=[bundle(allergy)])

    row = Allergy.objects.get()
    assert (row.reaction, row.reactions) == (
        "Anaphylaxis (disorder)",
        [
            {
                "codings": reaction["manifestation"][0]["coding"],
                "text": "Anaphylaxis (disorder)",
                "severity": "severe",
            }
        ],
    )
    screening = screen_patient(Patient.objects.get(), ON)
    assert [f.concept.value for f in screening.findings] == ["anaphylaxis-history"]
    (out,) = exported(harbour, tmp_path, "AllergyIntolerance")
    assert out["reaction"] == [reaction]


@time_machine.travel(dt.datetime(2026, 11, 21, 9, tzinfo=dt.UTC), tick=False)
def test_the_clinic_s_mappings_are_exported_as_a_concept_map(harbour, paula, tmp_path):
    made = [
        ("http://hl7.org/fhir/sid/icd-10", "M32.9", "", "SLE", "autoimmune-disease", ""),
        (SNOMED, "84757009", "", "Epilepsy (disorder)", "not-relevant", "Seizure-free"),
        ("", "", "sintrom mite", "Sintrom Mite", "anticoagulant-therapy", ""),
    ]
    for system, code, phrase, display, target, note in made:
        clinic_mapping_save(
            clinic=harbour,
            system=system,
            code=code,
            phrase=phrase,
            display=display,
            target=target,
            note=note,
            by=paula,
        )

    (concept_map,) = exported(harbour, tmp_path, "ConceptMap")

    ConceptMap.model_validate(concept_map)
    assert concept_map.pop("text")["div"].startswith(
        '<div xmlns="http://www.w3.org/1999/xhtml"><p><b>ConceptMap</b> · '
        "ScreeningMappings · active"
    )
    assert concept_map == {
        "resourceType": "ConceptMap",
        "id": f"clinic-{harbour.pk}-screening",
        "url": f"https://mesoclinic.org/fhir/ConceptMap/clinic-{harbour.pk}-screening",
        "version": "3",
        "name": "ScreeningMappings",
        "title": "Harbour Skin Clinic: what screening was taught",
        "status": "active",
        "date": "2026-11-21T09:00:00Z",
        "publisher": "Harbour Skin Clinic",
        "targetUri": "https://mesoclinic.org/fhir/CodeSystem/screening-concept",
        "group": [
            {
                "source": "http://hl7.org/fhir/sid/icd-10",
                "target": "https://mesoclinic.org/fhir/CodeSystem/screening-concept",
                "element": [
                    {
                        "code": "M32.9",
                        "display": "SLE",
                        "target": [
                            {
                                "code": "autoimmune-disease",
                                "equivalence": "relatedto",
                                "comment": f"Version 1, by {paula} on 2026-11-21",
                            }
                        ],
                    }
                ],
            },
            {
                "source": SNOMED,
                "target": "https://mesoclinic.org/fhir/CodeSystem/screening-concept",
                "element": [
                    {
                        "code": "84757009",
                        "display": "Epilepsy (disorder)",
                        "target": [
                            {
                                "equivalence": "unmatched",
                                "comment": "Not relevant to screening. Version 1, by "
                                f"{paula} on 2026-11-21: Seizure-free",
                            }
                        ],
                    }
                ],
            },
            {
                "source": "https://mesoclinic.org/fhir/CodeSystem/typed-words",
                "target": "https://mesoclinic.org/fhir/CodeSystem/screening-concept",
                "element": [
                    {
                        "code": "sintrom mite",
                        "display": "Sintrom Mite",
                        "target": [
                            {
                                "code": "anticoagulant-therapy",
                                "equivalence": "relatedto",
                                "comment": f"Version 1, by {paula} on 2026-11-21",
                            }
                        ],
                    }
                ],
            },
        ],
    }


@time_machine.travel(dt.datetime(2026, 11, 21, 9, tzinfo=dt.UTC), tick=False)
def test_the_recognition_set_imports_and_screens_as_written(harbour):
    sources = [
        Source(path.name, path.read_text(encoding="utf-8"), ndjson=True)
        for path in sorted(RECOGNITION_SET.glob("*.ndjson"))
    ]
    document = expected()

    report = fhir_import(clinic=harbour, by=None, sources=sources)

    assert report.rejected == []
    found = {}
    for case in document["patients"]:
        patient = Patient.objects.get(clinic=harbour, fhir_id=case["patient"])
        plan = plan_products(document["plans"][case["plan"]]) if case["plan"] else ()
        screening = screen_patient(patient, ON, products=plan)
        found[case["patient"]] = (
            screening.verdict.value,
            sorted(f.concept.value for f in screening.findings),
        )
    assert found == {c["patient"]: (c["verdict"], c["findings"]) for c in expected()["patients"]}
