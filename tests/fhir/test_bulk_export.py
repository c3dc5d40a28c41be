"""Acceptance: FHIR Bulk Data `$export` as a bulk-data client drives it: kick off, poll, fetch."""

import json

import pytest

from mesoclinic.accounts.tokens import api_token_create
from mesoclinic.audit.models import AuditEvent
from mesoclinic.fhir.models import BulkExport
from mesoclinic.fhir.views import ADMIN_ONLY, RESPOND_ASYNC
from tests.fhir.records import full_record

# The clinical record books a course from a fixed day: the clock stands still on it.
pytestmark = pytest.mark.usefixtures("frozen_now")

KICK_OFF = {"Accept": "application/fhir+json", "Prefer": "respond-async"}


@pytest.fixture(autouse=True)
def export_folder(settings, tmp_path):
    settings.FHIR_EXPORT_DIR = tmp_path / "exports"


@pytest.fixture
def admin_token(alice):
    return {"Authorization": f"Bearer {api_token_create(alice)}"}


def outcome_of(response):
    assert response["Content-Type"] == "application/fhir+json"
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    return response.status_code, body["issue"][0]["code"], body["issue"][0]["diagnostics"]


def kick_off(client, address, headers, django_capture_on_commit_callbacks):
    """Kick off an export; the worker (immediate in tests) runs it once the request commits."""
    with django_capture_on_commit_callbacks(execute=True):
        return client.get(address, headers=headers)


def test_a_bulk_data_client_kicks_off_polls_and_downloads(
    client, harbour, alice, admin_token, clinical_record, django_capture_on_commit_callbacks
):
    full_record(harbour)
    headers = {**KICK_OFF, **admin_token}
    started = kick_off(client, "/fhir/r4/$export", headers, django_capture_on_commit_callbacks)
    assert started.status_code == 202
    status_url = started["Content-Location"]
    assert status_url.startswith("http://testserver/fhir/r4/$export-status/")

    polled = client.get(status_url, headers=admin_token)
    assert (polled.status_code, polled["Content-Type"]) == (200, "application/json")
    manifest = polled.json()
    assert manifest["request"] == "http://testserver/fhir/r4/$export"
    assert manifest["requiresAccessToken"] is True
    assert manifest["error"] == []
    by_type = {o["type"]: o for o in manifest["output"]}
    assert {"Patient", "Condition", "CarePlan", "Appointment", "Practitioner"} <= set(by_type)

    for output in manifest["output"]:
        file = client.get(output["url"], headers=admin_token)
        assert (file.status_code, file["Content-Type"]) == (200, "application/fhir+ndjson")
        lines = b"".join(file.streaming_content).decode().splitlines()
        resources = [json.loads(line) for line in lines]
        assert len(resources) == output["count"]
        assert {r["resourceType"] for r in resources} == {output["type"]}
    # The files are the clinic's records: they are for whoever asked, with the token.
    patients = by_type["Patient"]["url"]
    assert outcome_of(client.get(patients))[:2] == (401, "login")
    job = BulkExport.objects.get()
    downloads = AuditEvent.objects.filter(object_type="fhir.BulkExport", object_id=str(job.pk))
    assert downloads.count() == 1 + len(manifest["output"])


def test_a_patient_level_export_holds_the_patients_compartments_of_the_types_asked(
    client, harbour, admin_token, clinical_record, django_capture_on_commit_callbacks
):
    full_record(harbour)
    headers = {**KICK_OFF, **admin_token}
    started = kick_off(
        client, "/fhir/r4/Patient/$export", headers, django_capture_on_commit_callbacks
    )
    manifest = client.get(started["Content-Location"], headers=admin_token).json()
    types = {o["type"] for o in manifest["output"]}
    assert "Patient" in types
    assert types.isdisjoint({"Practitioner", "Location", "Medication", "ConceptMap"})
    chosen = kick_off(
        client,
        "/fhir/r4/$export?_type=Patient,Condition&_outputFormat=application/fhir%2Bndjson",
        headers,
        django_capture_on_commit_callbacks,
    )
    manifest = client.get(chosen["Content-Location"], headers=admin_token).json()
    assert [o["type"] for o in manifest["output"]] == ["Patient", "Condition"]


def test_a_running_export_answers_202_and_a_failed_one_says_why(client, alice, admin_token):
    running = BulkExport.objects.create(clinic=alice.clinic, requested_by=alice, request="x")
    polled = client.get(f"/fhir/r4/$export-status/{running.pk}", headers=admin_token)
    assert (polled.status_code, polled["X-Progress"], polled["Retry-After"]) == (
        202,
        "running",
        "2",
    )
    failed = BulkExport.objects.create(
        clinic=alice.clinic, requested_by=alice, request="x", status="failed", error="disk full"
    )
    polled = client.get(f"/fhir/r4/$export-status/{failed.pk}", headers=admin_token)
    assert outcome_of(polled) == (500, "exception", f"Bulk export {failed.pk} failed: disk full")
    file = client.get(f"/fhir/r4/$export-file/{running.pk}/Patient.ndjson", headers=admin_token)
    assert outcome_of(file)[:2] == (404, "not-found")


def test_kick_off_refusals_are_operation_outcomes(client, paula, charlie, alice, admin_token):
    assert outcome_of(client.get("/fhir/r4/$export", headers=admin_token)) == (
        400,
        "required",
        RESPOND_ASYNC,
    )
    headers = {**KICK_OFF, **admin_token}
    for address, start in [
        ("/fhir/r4/$export?_since=2026-01-01", "_since is not supported"),
        ("/fhir/r4/$export?_outputFormat=text/csv", "_outputFormat='text/csv' is not offered"),
        ("/fhir/r4/Patient/$export?_type=Location", "_type 'Location' is not exported"),
    ]:
        status, code, text = outcome_of(client.get(address, headers=headers))
        assert (status, code) == (400, "not-supported")
        assert text.startswith(start)
    practitioner = {**KICK_OFF, "Authorization": f"Bearer {api_token_create(paula)}"}
    assert outcome_of(client.get("/fhir/r4/$export", headers=practitioner)) == (
        403,
        "forbidden",
        ADMIN_ONLY,
    )
    job = BulkExport.objects.create(clinic=alice.clinic, requested_by=alice, request="x")
    other = {"Authorization": f"Bearer {api_token_create(charlie)}"}
    missing = client.get(f"/fhir/r4/$export-status/{job.pk}", headers=other)
    assert outcome_of(missing) == (404, "not-found", f"No bulk export {job.pk} of yours.")
    assert BulkExport.objects.count() == 1
