"""The FHIR read API: who may read what, every read audited, errors as OperationOutcomes."""

import datetime as dt

import pytest

from mesoclinic.accounts.tokens import api_token_create, api_token_revoke_all
from mesoclinic.audit.models import AuditEvent
from mesoclinic.fhir.exporter import assign_clinic_fhir_ids
from mesoclinic.fhir.queries import RECEPTION_ONLY_PATIENTS, UNKNOWN_TYPE
from mesoclinic.fhir.views import BAD_TOKEN, SIGN_IN
from mesoclinic.patients.models import Condition
from tests.factories import PatientFactory
from tests.fhir.records import full_record

FHIR_JSON = "application/fhir+json"


@pytest.fixture
def mia(harbour):
    patient = full_record(harbour)
    assign_clinic_fhir_ids(harbour)
    patient.refresh_from_db()
    return patient


@pytest.fixture
def pats_record(pat):
    pat.fhir_id = "pat-1"
    pat.save()
    Condition.objects.create(patient=pat, fhir_id="pat-c1", text="eczema")
    return pat


def narrative(line):
    """The short narrative every resource carries, as XHTML."""
    return {
        "status": "generated",
        "div": f'<div xmlns="http://www.w3.org/1999/xhtml"><p>{line}</p></div>',
    }


def outcome(code, text):
    issue = {"severity": "error", "code": code, "diagnostics": text}
    return {"resourceType": "OperationOutcome", "issue": [issue]}


def answer(response):
    return response.status_code, response["Content-Type"], response.json()


def test_a_practitioner_reads_a_condition_and_the_read_is_audited(client_for, paula, mia):
    stroke = mia.conditions.get(code="230690007")
    response = client_for(paula).get(f"/fhir/r4/Condition/{stroke.fhir_id}")
    assert answer(response) == (
        200,
        FHIR_JSON,
        {
            "resourceType": "Condition",
            "id": stroke.fhir_id,
            "text": narrative(f"<b>Condition</b> · Stroke · for Patient/{mia.fhir_id}"),
            "verificationStatus": {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                        "code": "entered-in-error",
                    }
                ]
            },
            "code": {
                "coding": [
                    {"system": "http://snomed.info/sct", "code": "230690007", "display": "Stroke"}
                ],
                "text": "Stroke",
            },
            "subject": {"reference": f"Patient/{mia.fhir_id}"},
        },
    )
    assert list(
        AuditEvent.objects.filter(action="read").values_list("actor", "patient_id", "summary")
    ) == [(paula.pk, mia.pk, f"FHIR read Condition/{stroke.fhir_id}")]


def test_search_by_patient_gives_a_searchset_bundle_and_is_audited(client_for, paula, mia):
    response = client_for(paula).get(
        f"/fhir/r4/MedicationRequest?patient={mia.fhir_id}&_total=accurate"
    )
    warfarin = mia.medications.get(origin="request")
    status, content_type, bundle = answer(response)
    assert (status, content_type) == (200, FHIR_JSON)
    assert bundle == {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": 1,
        "link": [
            {
                "relation": "self",
                "url": "http://testserver/fhir/r4/MedicationRequest"
                f"?patient={mia.fhir_id}&_total=accurate&_count=50",
            }
        ],
        "entry": [
            {
                "fullUrl": f"http://testserver/fhir/r4/MedicationRequest/{warfarin.fhir_id}",
                "resource": {
                    "resourceType": "MedicationRequest",
                    "id": warfarin.fhir_id,
                    "text": narrative(
                        "<b>MedicationRequest</b> · warfarin sodium 5 MG Oral Tablet · active · "
                        f"2026-03-01 · for Patient/{mia.fhir_id}"
                    ),
                    "status": "active",
                    "intent": "order",
                    "medicationCodeableConcept": {
                        "coding": [
                            {
                                "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                                "code": "855332",
                                "display": "warfarin sodium 5 MG Oral Tablet",
                            }
                        ],
                        "text": "warfarin sodium 5 MG Oral Tablet",
                    },
                    "subject": {"reference": f"Patient/{mia.fhir_id}"},
                    "authoredOn": "2026-03-01",
                    "dosageInstruction": [{"text": "one tablet in the evening"}],
                },
                "search": {"mode": "match"},
            }
        ],
    }
    assert list(AuditEvent.objects.filter(action="read").values_list("summary", flat=True)) == [
        "FHIR search MedicationRequest"
    ]


def test_search_query_count_does_not_grow(client_for, paula, mia, django_assert_num_queries):
    client = client_for(paula)
    Condition.objects.filter(patient=mia).exclude(code="44054006").delete()
    url = f"/fhir/r4/Condition?patient=Patient/{mia.fhir_id}&_total=accurate"
    # 1 session, 2 user, 3 their second factor, 4 savepoint, 5 patients without FHIR id,
    # 6 conditions without FHIR id, 7 release savepoint, 8 the count, 9 the page's conditions
    # with their patients, 10 the audit chain's head, 11 the audit rows, 12 what was received
    with django_assert_num_queries(12):
        assert client.get(url).json()["total"] == 1
    Condition.objects.create(patient=mia, text="acne", fhir_id="c-2")
    Condition.objects.create(patient=mia, text="rosacea", fhir_id="c-3")
    with django_assert_num_queries(12):
        assert client.get(url).json()["total"] == 3


def test_a_record_entered_here_gets_its_fhir_id_when_first_searched(client_for, paula, mia):
    acne = Condition.objects.create(patient=mia, text="acne")
    response = client_for(paula).get(f"/fhir/r4/Condition?patient={mia.fhir_id}")
    acne.refresh_from_db()
    assert acne.fhir_id != ""
    found = [e["resource"]["id"] for e in response.json()["entry"]]
    assert acne.fhir_id in found


def test_another_clinic_gets_404_for_a_read_and_finds_nothing(client_for, charlie, mia):
    client = client_for(charlie)
    condition = mia.conditions.first()
    for url, missing, fhir_id in [
        (f"/fhir/r4/Patient/{mia.fhir_id}", "No Patient", mia.fhir_id),
        (f"/fhir/r4/Condition/{condition.fhir_id}", "No Condition", condition.fhir_id),
    ]:
        assert answer(client.get(url)) == (
            404,
            FHIR_JSON,
            outcome("not-found", f"{missing} with id {fhir_id!r} in your clinic."),
        )
    for url in [f"/fhir/r4/Condition?patient={mia.fhir_id}", "/fhir/r4/Condition"]:
        status, _, bundle = answer(client.get(url))
        assert (status, bundle["type"], "entry" in bundle) == (200, "searchset", False)
    assert AuditEvent.objects.filter(action="read").count() == 0


def test_reception_reads_patients_but_no_clinical_resources(client_for, rita, mia):
    client = client_for(rita)
    assert client.get(f"/fhir/r4/Patient/{mia.fhir_id}").status_code == 200
    condition = mia.conditions.first()
    for url in [
        f"/fhir/r4/Condition/{condition.fhir_id}",
        f"/fhir/r4/Observation?patient={mia.fhir_id}",
    ]:
        assert answer(client.get(url)) == (
            403,
            FHIR_JSON,
            outcome("forbidden", RECEPTION_ONLY_PATIENTS),
        )


def test_a_patient_reads_only_their_own_record(client_for, harbour, pats_record, mia):
    client = client_for(pats_record.user)
    assert client.get("/fhir/r4/Condition/pat-c1").json()["code"] == {"text": "eczema"}
    assert client.get("/fhir/r4/Patient/pat-1").status_code == 200
    other = mia.conditions.first()
    assert client.get(f"/fhir/r4/Condition/{other.fhir_id}").status_code == 404
    assert client.get(f"/fhir/r4/Patient/{mia.fhir_id}").status_code == 404
    assert "entry" not in client.get(f"/fhir/r4/Condition?patient={mia.fhir_id}").json()
    mine = client.get("/fhir/r4/Condition").json()["entry"]
    assert [e["resource"]["id"] for e in mine] == ["pat-c1"]


def test_anonymous_and_bad_tokens_get_401(client, mia):
    url = f"/fhir/r4/Patient/{mia.fhir_id}"
    response = client.get(url)
    assert answer(response) == (401, FHIR_JSON, outcome("login", SIGN_IN))
    assert response["WWW-Authenticate"] == 'Bearer realm="mesoclinic"'
    response = client.get(url, headers={"Authorization": "Bearer mc_not-a-token"})
    assert answer(response) == (401, FHIR_JSON, outcome("login", BAD_TOKEN))


def test_a_staff_token_reads_until_it_is_revoked(client, paula, mia):
    token = api_token_create(paula)
    url = f"/fhir/r4/Patient/{mia.fhir_id}"
    headers = {"Authorization": f"Bearer {token}"}
    response = client.get(url, headers=headers)
    assert (response.status_code, response.json()["name"]) == (
        200,
        [{"use": "official", "family": "Hart", "given": ["Mia", "Rose"]}],
    )
    token_use, patient_read = AuditEvent.objects.filter(action="read").order_by("id")
    assert (token_use.actor, token_use.summary) == (
        paula,
        f"API token {token[:9]}… used: GET {url}",
    )
    assert (patient_read.actor, patient_read.patient_id) == (paula, mia.pk)
    api_token_revoke_all(paula)
    assert client.get(url, headers=headers).status_code == 401


def test_unknown_types_say_what_is_served(client_for, paula, mia):
    client = client_for(paula)
    for url in ["/fhir/r4/Encounter/1", "/fhir/r4/Encounter"]:
        assert answer(client.get(url)) == (
            404,
            FHIR_JSON,
            outcome("not-supported", UNKNOWN_TYPE.format(type="Encounter")),
        )


def test_a_deceased_patient_reads_with_the_date_of_death(client_for, paula, harbour):
    patient = PatientFactory(
        clinic=harbour,
        fhir_id="gone",
        given_name="Ann",
        family_name="Lee",
        deceased=True,
        deceased_at=dt.datetime(2025, 2, 3, 4, 5, tzinfo=dt.UTC),
    )
    response = client_for(paula).get(f"/fhir/r4/Patient/{patient.fhir_id}")
    assert response.json() == {
        "resourceType": "Patient",
        "id": "gone",
        "text": narrative("<b>Patient</b> · Ann Lee · 1985-05-17"),
        "name": [{"use": "official", "family": "Lee", "given": ["Ann"]}],
        "gender": "female",
        "birthDate": "1985-05-17",
        "deceasedDateTime": "2025-02-03T04:05:00Z",
    }
