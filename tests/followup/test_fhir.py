"""Side-effect reports leave in the FHIR export as AdverseEvent resources valid in R4."""

import datetime as dt

from fhirclient.models.adverseevent import AdverseEvent

from mesoclinic.fhir.exporter import clinic_resources
from mesoclinic.followup.fhir import report_to_fhir
from tests.followup.factories import SideEffectReportFactory


def test_a_report_is_a_valid_r4_adverse_event(course, pat, harbour):
    report = SideEffectReportFactory(
        patient=pat, session=course.sessions.get(number=1), status="closed"
    )
    resource = report_to_fhir(report)
    assert AdverseEvent(resource, strict=True).as_json() == resource
    assert resource == {
        "resourceType": "AdverseEvent",
        "id": f"side-effect-{report.pk}",
        "actuality": "actual",
        "category": [
            {
                "coding": [
                    {
                        "system": "https://mesoclinic.org/fhir/CodeSystem/side-effect-triage",
                        "code": "urgent",
                    }
                ]
            }
        ],
        "event": {
            "coding": [
                {"system": "https://mesoclinic.org/fhir/CodeSystem/side-effect", "code": "nodules"}
            ],
            "text": "nodules (left cheek)",
        },
        "subject": {"reference": f"Patient/{pat.pk}"},
        "date": dt.date(2026, 12, 20).isoformat(),
        "recordedDate": "2026-12-20T10:00:00Z",
        "seriousness": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness",
                    "code": "serious",
                }
            ]
        },
        "severity": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/adverse-event-severity",
                    "code": "moderate",
                }
            ]
        },
        "outcome": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/adverse-event-outcome",
                    "code": "resolved",
                }
            ]
        },
        "recorder": {"reference": f"Practitioner/practitioner-{report.practitioner_id}"},
    }


def test_the_clinics_export_carries_its_adverse_events(course, pat, harbour):
    session = course.sessions.get(number=1)
    reports = [SideEffectReportFactory(patient=pat, session=session) for _ in range(2)]
    exported = [r for kind, r in clinic_resources(harbour) if kind == "AdverseEvent"]
    assert [r["id"] for r in exported] == [f"side-effect-{r.pk}" for r in reports]
