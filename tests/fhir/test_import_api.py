"""POST /api/v1/fhir/import: clinical staff import into their own clinic, by session or token."""

import json

from django.test import Client

from mesoclinic.accounts.tokens import api_token_create
from mesoclinic.fhir.api import CLINICAL_STAFF_ONLY, TOO_BIG
from mesoclinic.patients.models import Condition, Patient

URL = "/api/v1/fhir/import"
NDJSON = "application/fhir+ndjson"
PATIENT = {"resourceType": "Patient", "id": "p1", "name": [{"family": "Shore", "given": ["Lu"]}]}
CONDITION = {
    "resourceType": "Condition",
    "id": "c1",
    "code": {"text": "psoriasis"},
    "subject": {"reference": "Patient/p1"},
}
BODY = f"{json.dumps(PATIENT)}\nnot json\n{json.dumps(CONDITION)}\n"
REPORT = {
    "imported": {"Patient": 1, "Condition": 1},
    "updated": {},
    "unchanged": {},
    "rejected": [
        {
            "file": "request body",
            "line": 2,
            "reason": "not valid JSON: Expecting value: line 1 column 1 (char 0)",
        }
    ],
}


def test_a_practitioner_imports_ndjson_into_their_clinic(client_for, paula, harbour):
    response = client_for(paula).post(URL, BODY, content_type=NDJSON)
    assert (response.status_code, response.json()) == (200, REPORT)
    assert list(Patient.objects.values_list("clinic", "fhir_id", "family_name")) == [
        (harbour.pk, "p1", "Shore")
    ]
    assert Condition.objects.get().text == "psoriasis"


def test_a_bundle_is_imported_too(client_for, alice, harbour):
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": PATIENT}, {"resource": CONDITION}],
    }
    response = client_for(alice).post(URL, bundle, content_type="application/fhir+json")
    assert response.json() == {
        "imported": {"Patient": 1, "Condition": 1},
        "updated": {},
        "unchanged": {},
        "rejected": [],
    }


def test_another_clinics_admin_imports_only_into_their_own(client_for, charlie, riverside, pat):
    client_for(charlie).post(URL, BODY, content_type=NDJSON)
    assert Patient.objects.get(fhir_id="p1").clinic == riverside
    assert Condition.objects.get().patient.clinic == riverside


def test_reception_and_patients_may_not_import(client_for, rita, pat):
    for user in (rita, pat.user):
        response = client_for(user).post(URL, BODY, content_type=NDJSON)
        assert (response.status_code, response.json()) == (403, {"detail": CLINICAL_STAFF_ONLY})
    assert Patient.objects.filter(fhir_id="p1").count() == 0


def test_anonymous_and_bad_tokens_are_refused(client, harbour):
    assert client.post(URL, BODY, content_type=NDJSON).status_code == 401
    headers = {"Authorization": "Bearer mc_wrong"}
    assert client.post(URL, BODY, content_type=NDJSON, headers=headers).status_code == 401
    assert Patient.objects.count() == 0


def test_a_token_needs_no_csrf_but_a_session_does(paula, harbour):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(paula)
    refused = strict.post(URL, BODY, content_type=NDJSON)
    assert (refused.status_code, refused.json()) == (403, {"detail": "CSRF check Failed"})
    headers = {"Authorization": f"Bearer {api_token_create(paula, scopes=['import'])}"}
    accepted = Client(enforce_csrf_checks=True).post(
        URL, BODY, content_type=NDJSON, headers=headers
    )
    assert (accepted.status_code, accepted.json()) == (200, REPORT)


def test_an_upload_too_large_says_what_to_do(client_for, paula, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = client_for(paula).post(URL, BODY, content_type=NDJSON)
    assert (response.status_code, response.json()) == (
        413,
        {"detail": TOO_BIG.format(limit=100)},
    )
    assert Patient.objects.count() == 0
