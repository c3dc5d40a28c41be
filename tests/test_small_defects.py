"""Defect 7, the smaller ones: each reproduced as the attacker found it, and now refused."""

import pytest
from django.urls import reverse

from mesoclinic.patients.models import Condition
from mesoclinic.safety import NUL_REFUSED
from tests.factories import PatientFactory


def test_an_empty_fhir_id_finds_no_patient_while_some_have_none(client_for, paula, harbour):
    """`Condition?patient=Patient/` answered the records of a patient given no FHIR id yet."""
    unnamed = PatientFactory(clinic=harbour, fhir_id="")
    Condition.objects.create(patient=unnamed, text="eczema")
    client = client_for(paula)
    answers = [
        client.get("/fhir/r4/Condition", {"patient": "Patient/"}),
        client.get("/fhir/r4/Patient", {"patient": ""}),
        client.get("/fhir/r4/Condition/"),
    ]
    assert [r.status_code for r in answers] == [400, 200, 404]
    assert answers[0].json()["issue"][0]["diagnostics"] == (
        "Search parameter 'patient': 'Patient/' names no Patient id."
    )
    # Patient has no `patient` parameter: it is left out, and every patient has an id by now.
    assert answers[1].json()["link"][0]["url"] == "http://testserver/fhir/r4/Patient?_count=50"
    unnamed.refresh_from_db()
    assert unnamed.fhir_id != ""
    assert [e["resource"]["id"] for e in answers[1].json()["entry"]] == [unnamed.fhir_id]
    assert answers[2].json()["issue"][0]["code"] == "not-found"


@pytest.mark.parametrize(
    ("method", "address", "body"),
    [
        ("get", "/fhir/r4/Patient/a%00b", None),
        ("get", "/api/v1/patients/?q=a%00b", None),
        ("get", "/patients/?q=%00", None),
        ("post", "/api/v1/scheduling/courses/plan", '{"patient": "1\\u0000", "template": "x"}'),
    ],
)
def test_a_nul_character_is_refused_with_400_not_500(client_for, paula, method, address, body):
    """PostgreSQL refuses NUL in text, so a NUL in an id once answered 500 there."""
    client = client_for(paula)
    if body is None:
        response = client.get(address)
    else:
        response = client.post(address, body, content_type="application/json")
    text = response.json()["detail"] if "/api/" in address else response.content.decode()
    assert (response.status_code, text) == (400, NUL_REFUSED)


def test_every_answer_with_patient_data_says_no_store(client_for, paula, pat):
    client = client_for(paula)
    answers = [
        client.get(reverse("chart", args=[pat.pk])),
        client.get("/api/v1/patients/", {"q": "pat"}),
        client.get(reverse("patients:search")),
    ]
    assert [r["Cache-Control"] for r in answers] == [
        "max-age=0, no-cache, no-store, must-revalidate, private"
    ] * 3
