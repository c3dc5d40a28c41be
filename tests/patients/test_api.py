"""The patient API: search and screening, with the same intruders as the pages."""

import pytest

from mesoclinic.accounts.tokens import api_token_create
from mesoclinic.audit.models import AuditEvent
from mesoclinic.clinical.facts import RXNORM
from mesoclinic.patients.domain import clinic_mapping_save
from mesoclinic.patients.queries import mapping_note
from tests.factories import PatientFactory
from tests.patients.factories import ConditionFactory, MedicationFactory

SEARCH = "/api/v1/patients/"


def screening_url(patient, **query):
    params = "&".join(f"{key}={value}" for key, value in query.items())
    return f"/api/v1/patients/{patient.pk}/screening?{params}"


def test_staff_search_their_clinics_patients(client_for, rita, harbour, riverside):
    grace = PatientFactory(clinic=harbour, given_name="Grace", family_name="Wilson", phone="0770")
    PatientFactory(clinic=riverside, given_name="Grace", family_name="Wilde")
    response = client_for(rita).get(SEARCH, {"q": "grace"})
    assert (response.status_code, response.json()) == (
        200,
        [
            {
                "id": grace.pk,
                "fhir_id": "",
                "given_name": "Grace",
                "family_name": "Wilson",
                "birth_date": "1985-05-17",
                "phone": "0770",
            }
        ],
    )


def test_a_practitioner_screens_a_patient_and_the_read_is_audited(client_for, paula, pat):
    MedicationFactory(patient=pat, code_system=RXNORM, code="11289", code_display="warfarin")
    response = client_for(paula).get(screening_url(pat, on="2026-11-27"))
    document = response.json()
    assert (response.status_code, document["on"], document["verdict"]) == (
        200,
        "2026-11-27",
        "review",
    )
    assert [f["concept"] for f in document["findings"]] == ["anticoagulant-therapy"]
    assert list(AuditEvent.objects.filter(action="read").values_list("actor_label", "summary")) == [
        ("paula", "screen")
    ]


def test_scripts_screen_with_an_api_token(client, paula, pat):
    token = api_token_create(paula)
    response = client.get(screening_url(pat), headers={"Authorization": f"Bearer {token}"})
    assert (response.status_code, response.json()["protocol"]) == (
        200,
        {"id": "standard", "version": 1},
    )


def test_an_unknown_protocol_is_a_clear_400(client_for, paula, pat):
    response = client_for(paula).get(screening_url(pat, protocol="house"))
    assert (response.status_code, response.json()["detail"]) == (
        400,
        "protocol: no protocol 'house'; the protocols are: ref-000, ref-001, ref-002, ref-003, "
        "ref-004, standard",
    )


@pytest.mark.parametrize(
    ("who", "status"), [("charlie", 404), ("rita", 403), ("peter", 403), ("alice", 200)]
)
def test_screening_intruders(client_for, request, pat, who, status):
    intruder = request.getfixturevalue(who)
    user = intruder.user if who == "peter" else intruder
    assert client_for(user).get(screening_url(pat)).status_code == status


def test_anonymous_callers_are_refused(client, pat):
    assert [client.get(url).status_code for url in (SEARCH, screening_url(pat))] == [401, 401]


def test_patients_cannot_search(client_for, pat):
    assert client_for(pat.user).get(SEARCH).status_code == 403


def test_the_search_query_count_does_not_grow(client_for, rita, harbour, django_assert_num_queries):
    client = client_for(rita)
    PatientFactory(clinic=harbour, family_name="Wilson")
    # 1 session, 2 user, 3 their second factor, 4 the matching patients, 5 the audit chain's
    # head, 6 an audit row per patient shown in one insert
    with django_assert_num_queries(6):
        client.get(SEARCH, {"q": "wilson"})
    PatientFactory.create_batch(2, clinic=harbour, family_name="Wilson")
    with django_assert_num_queries(6):
        assert len(client.get(SEARCH, {"q": "wilson"}).json()) == 3


def test_the_api_screens_with_the_clinic_s_mappings(client_for, paula, pat, harbour):
    ConditionFactory(patient=pat, text="Essential hypertension")
    client = client_for(paula)
    before = client.get(screening_url(pat, on="2026-11-27")).json()

    mapping = clinic_mapping_save(
        clinic=harbour,
        system="",
        code="",
        phrase="Essential hypertension",
        display="Essential hypertension",
        target="not-relevant",
        note="Checked at the consultation",
        by=paula,
    )
    after = client.get(screening_url(pat, on="2026-11-27")).json()

    assert (before["verdict"], [f["concept"] for f in before["findings"]]) == (
        "review",
        ["unrecognised"],
    )
    assert (after["verdict"], after["findings"], after["unrecognised"]) == ("eligible", [], [])
    assert [(item["text"], item["reason"]) for item in after["not_relevant"]] == [
        ("Essential hypertension", mapping_note(mapping))
    ]
