"""Imported Synthea patients are screened by the clinical core, with evidence from their records."""

import json

from django.core.management import call_command

from tests.shared import FHIR_SAMPLES, needs_shared

SYNTHEA_10 = FHIR_SAMPLES / "synthea-10"
VERDICTS = {"eligible", "review", "contraindicated", "not-bookable"}


def sample_resources():
    """Every resource of the sample by its reference, e.g. "Condition/0023b3a7-…"."""
    found = {}
    for path in SYNTHEA_10.glob("*.ndjson"):
        for line in path.read_text().splitlines():
            resource = json.loads(line)
            found[f"{resource['resourceType']}/{resource['id']}"] = resource
    return found


def subject_of(resource):
    return (resource.get("subject") or resource.get("patient"))["reference"]


def codings_of(resource):
    """Every coding of the resource's code, as evidence names them."""
    concept = resource.get("code") or resource.get("medicationCodeableConcept")
    return [
        {"system": c["system"], "code": c["code"], "display": c["display"]}
        for c in concept["coding"]
    ]


@needs_shared
def test_every_imported_patient_gets_a_verdict_backed_by_imported_records(harbour, capsys):
    call_command("import-fhir", str(SYNTHEA_10), json=True)
    capsys.readouterr()
    resources = sample_resources()
    patients = [r for r in resources.values() if r["resourceType"] == "Patient"]
    evidence_types = set()
    for patient in patients:
        call_command("screen", patient["id"], "--on", "2026-11-21", "--json")
        screening = json.loads(capsys.readouterr().out)
        assert (screening["patient"], screening["verdict"] in VERDICTS) == (patient["id"], True)
        if "deceasedDateTime" in patient:
            assert screening["verdict"] == "not-bookable"
        for finding in screening["findings"]:
            for evidence in finding["evidence"]:
                if evidence["resource"] == "Patient":
                    continue
                source = resources[evidence["resource"]]
                assert (subject_of(source), evidence["code"], evidence["codes"]) == (
                    f"Patient/{patient['id']}",
                    codings_of(source)[0]["code"],
                    codings_of(source),
                )
                evidence_types.add(source["resourceType"])
    assert len(patients) == 13
    assert evidence_types == {"Condition", "MedicationRequest", "AllergyIntolerance"}
