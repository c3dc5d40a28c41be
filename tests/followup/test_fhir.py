"""Side-effect reports as AdverseEvent resources valid in R4: in the FHIR export, and in the read
API, searched by patient, audited, and shown only to who may see the patient."""

import datetime as dt

import pytest
from fhirclient.models.adverseevent import AdverseEvent

from mesoclinic.audit.models import AuditEvent
from mesoclinic.fhir.exporter import clinic_resources
from mesoclinic.followup.fhir import report_to_fhir
from tests import factories
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


@pytest.fixture
def reports(course, pat, harbour):
    """Pat's urgent lump after session 1, and Olive's bruise after a session of her own."""
    olive = factories.PatientFactory(clinic=harbour, given_name="Olive", with_account="olive")
    lump = SideEffectReportFactory(patient=pat, session=course.sessions.get(number=1))
    bruise = SideEffectReportFactory(
        patient=olive,
        session=course.sessions.get(number=2),
        effect="bruising",
        started_on=dt.date(2026, 12, 15),
        severity="mild",
        triage="review",
    )
    return lump, bruise


def subject(report):
    """The patient's FHIR id, as the AdverseEvent names them (given at the first search)."""
    report.patient.refresh_from_db()
    return report_to_fhir(report)["subject"]["reference"].removeprefix("Patient/")


def entries(response):
    assert response.status_code == 200, response.content
    return [e["resource"]["id"] for e in response.json().get("entry", [])]


def test_adverse_events_are_searched_by_patient_and_read_and_audited(client_for, paula, reports):
    lump, bruise = reports
    client = client_for(paula)
    everyone = entries(client.get("/fhir/r4/AdverseEvent"))
    read = client.get(f"/fhir/r4/AdverseEvent/side-effect-{lump.pk}").json()
    assert (
        everyone,
        entries(client.get(f"/fhir/r4/AdverseEvent?patient={subject(lump)}")),
        entries(client.get(f"/fhir/r4/AdverseEvent?subject=Patient/{subject(bruise)}")),
        entries(client.get("/fhir/r4/AdverseEvent?date=ge2026-12-16")),
        {k: v for k, v in read.items() if k != "text"},
    ) == (
        [f"side-effect-{lump.pk}", f"side-effect-{bruise.pk}"],
        [f"side-effect-{lump.pk}"],
        [f"side-effect-{bruise.pk}"],
        [f"side-effect-{lump.pk}"],
        report_to_fhir(lump),
    )
    # A search is audited in one row naming every patient it showed; a read, on the patient's own.
    assert list(
        AuditEvent.objects.filter(action="read")
        .order_by("pk")
        .values_list("patient_id", "patients_shown", "summary")
    ) == [
        (None, f" {lump.patient_id} {bruise.patient_id} ", "FHIR search AdverseEvent"),
        (lump.patient_id, "", f"FHIR read AdverseEvent/side-effect-{lump.pk}"),
        (None, f" {lump.patient_id} ", "FHIR search AdverseEvent"),
        (None, f" {bruise.patient_id} ", "FHIR search AdverseEvent"),
        (None, f" {lump.patient_id} ", "FHIR search AdverseEvent"),
    ]


def test_adverse_events_are_kept_from_other_clinics_reception_and_other_patients(
    client_for, charlie, rita, reports
):
    lump, bruise = reports
    url = f"/fhir/r4/AdverseEvent/side-effect-{lump.pk}"
    # One test client, signed in as each person in turn.
    charlie_reads = client_for(charlie).get(url).status_code
    charlie_finds = entries(client_for(charlie).get("/fhir/r4/AdverseEvent"))
    rita_finds = client_for(rita).get("/fhir/r4/AdverseEvent").status_code
    olive = bruise.patient.user
    olive_reads = client_for(olive).get(url).status_code
    olive_finds = entries(client_for(olive).get(f"/fhir/r4/AdverseEvent?patient={subject(lump)}"))
    olive_owns = entries(client_for(olive).get("/fhir/r4/AdverseEvent"))
    assert [charlie_reads, charlie_finds, rita_finds, olive_reads, olive_finds, olive_owns] == [
        404,
        [],
        403,
        404,
        [],
        [f"side-effect-{bruise.pk}"],
    ]


def test_adverse_event_search_query_count_does_not_grow(
    client_for, paula, course, pat, django_assert_num_queries
):
    client = client_for(paula)
    session = course.sessions.get(number=1)
    SideEffectReportFactory(patient=pat, session=session)
    client.get("/fhir/r4/AdverseEvent")  # the first search gives every patient their FHIR id
    with django_assert_num_queries(9):
        assert len(entries(client.get("/fhir/r4/AdverseEvent"))) == 1
    SideEffectReportFactory.create_batch(2, patient=pat, session=session)
    with django_assert_num_queries(9):
        assert len(entries(client.get("/fhir/r4/AdverseEvent"))) == 3
