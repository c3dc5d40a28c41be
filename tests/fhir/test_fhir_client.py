"""The read API driven over HTTP by the SMART `fhirclient` library, as a clinic's partner would."""

import pytest
import requests
from fhirclient import client as smart_client
from fhirclient import server as smart_server
from fhirclient.models.condition import Condition as FhirCondition
from fhirclient.models.operationoutcome import OperationOutcome

from mesoclinic.accounts.tokens import api_token_create
from mesoclinic.patients.models import Condition
from tests.factories import PatientFactory

SNOMED = "http://snomed.info/sct"
CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
# (SNOMED code, clinical status) cycled over the conditions.
KINDS = [("44054006", "active"), ("44054006", "resolved"), ("38341003", "active")]
MANY = 1050


@pytest.fixture
def many_conditions(harbour):
    patients = [PatientFactory(clinic=harbour, fhir_id=f"p{n}") for n in range(3)]
    Condition.objects.bulk_create(
        Condition(
            patient=patients[n % 3],
            fhir_id=f"c{n}",
            code_system=SNOMED,
            code=KINDS[n % 3][0],
            code_display=KINDS[n % 3][0],
            clinical_status=KINDS[n % 3][1],
        )
        for n in range(MANY)
    )


@pytest.fixture
def smart(live_server, paula):
    """A fhirclient FHIRClient pointed at the server, sending Paula's API token."""
    fhir = smart_client.FHIRClient(
        settings={"app_id": "partner", "api_base": f"{live_server.url}/fhir/r4/"}
    )
    fhir.server.session.headers["Authorization"] = f"Bearer {api_token_create(paula)}"
    return fhir


def outcome_of(error):
    """The refusal's status and its OperationOutcome, read with fhirclient's R4 model."""
    response = error.response
    assert response.headers["Content-Type"] == "application/fhir+json"
    parsed = OperationOutcome(response.json(), strict=True)
    return response.status_code, parsed.issue[0].code


@pytest.mark.django_db(transaction=True)
def test_fhirclient_connects_pages_and_filters(smart, many_conditions):
    assert smart.prepare() is True
    statement = smart.server.capabilityStatement
    assert statement.fhirVersion == "4.0.1"
    condition = next(r for r in statement.rest[0].resource if r.type == "Condition")
    assert {"clinical-status", "code", "patient", "_id"} <= {p.name for p in condition.searchParam}

    pages = list(FhirCondition.where(struct={"_count": "50"}).perform_iter(smart.server))
    found = [entry.resource.id for page in pages for entry in page.entry]
    assert (len(pages), len(found), len(set(found))) == (21, MANY, MANY)
    assert found[:2] == ["c0", "c1"]

    search = FhirCondition.where(
        struct={"clinical-status": "active", "code": f"{SNOMED}|44054006", "_count": "50"}
    )
    active = list(search.perform_resources_iter(smart.server))
    assert len(active) == MANY // 3
    assert {(c.code.coding[0].code, c.clinicalStatus.coding[0].code) for c in active} == {
        ("44054006", "active")
    }
    assert {c.clinicalStatus.coding[0].system for c in active} == {CLINICAL}


@pytest.mark.django_db(transaction=True)
def test_fhirclient_gets_an_operation_outcome_for_every_error(smart, live_server, harbour):
    server = smart.server
    smart.prepare()
    refusals = []
    for attempt in [
        lambda: FhirCondition.read("no-such-condition", server),
        lambda: server.request_json("Encounter"),
        lambda: server.request_json("Condition/c1/_history"),
        lambda: server.post_json("Condition", {"resourceType": "Condition"}),
        lambda: server.put_json("Condition/c1", {"resourceType": "Condition", "id": "c1"}),
        lambda: server.delete_json("Condition/c1"),
        lambda: server.request_data("Condition?colour=blue", {"Prefer": "handling=strict"}),
        lambda: server.request_data("Condition?onset-date=someday"),
        lambda: server.request_data("Condition", {"Accept": "application/fhir+xml"}),
        lambda: server.request_data("Condition?_format=xml"),
    ]:
        with pytest.raises((requests.HTTPError, smart_server.FHIRNotFoundException)) as refused:
            attempt()
        refusals.append(outcome_of(refused.value))
    anonymous = smart_client.FHIRClient(
        settings={"app_id": "partner", "api_base": f"{live_server.url}/fhir/r4/"}
    )
    with pytest.raises(smart_server.FHIRUnauthorizedException) as refused:
        FhirCondition.read("c1", anonymous.server)
    refusals.append(outcome_of(refused.value))
    assert refusals == [
        (404, "not-found"),
        (404, "not-supported"),
        (404, "not-found"),
        (405, "not-supported"),
        (405, "not-supported"),
        (405, "not-supported"),
        (400, "not-supported"),
        (400, "invalid"),
        (406, "not-supported"),
        (406, "not-supported"),
        (401, "login"),
    ]
