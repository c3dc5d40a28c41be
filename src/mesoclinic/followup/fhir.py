"""Side-effect reports as FHIR R4 AdverseEvent resources, for the clinic's export."""

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from mesoclinic.accounts.models import Clinic
from mesoclinic.followup.models import ReportStatus, SideEffectReport

Resource = dict[str, Any]
SERIOUSNESS = "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness"
SEVERITY = "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
OUTCOME = "http://terminology.hl7.org/CodeSystem/adverse-event-outcome"
TRIAGE = "https://mesoclinic.org/fhir/CodeSystem/side-effect-triage"  # the BASE of treatments.fhir
EFFECT = "https://mesoclinic.org/fhir/CodeSystem/side-effect"


def _instant(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%dT%H:%M:%S}Z"


def report_to_fhir(report: SideEffectReport) -> Resource:
    """One report as an AdverseEvent: what, where, since when, how severe, and its outcome."""
    patient = report.patient
    resource: Resource = {
        "resourceType": "AdverseEvent",
        "id": f"side-effect-{report.pk}",
        "actuality": "actual",
        "category": [{"coding": [{"system": TRIAGE, "code": report.triage}]}],
        "event": {
            "coding": [{"system": EFFECT, "code": report.effect}],
            "text": f"{report.effect} ({report.area})",
        },
        "subject": {"reference": f"Patient/{patient.fhir_id or patient.pk}"},
        "date": report.started_on.isoformat(),
        "recordedDate": _instant(report.reported_at),
        "seriousness": {
            "coding": [
                {
                    "system": SERIOUSNESS,
                    "code": "serious" if report.triage == "urgent" else "non-serious",
                }
            ]
        },
        "severity": {"coding": [{"system": SEVERITY, "code": report.severity}]},
        "outcome": {
            "coding": [
                {
                    "system": OUTCOME,
                    "code": "resolved" if report.status == ReportStatus.CLOSED else "ongoing",
                }
            ]
        },
    }
    if report.practitioner_id:
        resource["recorder"] = {"reference": f"Practitioner/practitioner-{report.practitioner_id}"}
    return resource


def adverse_event_resources(clinic: Clinic) -> Iterator[tuple[str, Resource]]:
    """Every side-effect report of the clinic, oldest first."""
    reports = SideEffectReport.objects.filter(clinic=clinic).select_related("patient")
    for report in reports.order_by("pk").iterator(chunk_size=2000):
        yield "AdverseEvent", report_to_fhir(report)
