"""The read API driven by the SMART `fhirclient` library, as a clinic's partner would.

fhirclient speaks HTTP through a `requests` session; the session's transport hands each request
to Django's test client, so everything above the socket is the library's own.
"""

from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client
from fhirclient import client as smart_client
from fhirclient import server as smart_server
from fhirclient.models.condition import Condition as FhirCondition
from fhirclient.models.operationoutcome import OperationOutcome
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from mesoclinic.accounts.tokens import api_token_create
from mesoclinic.patients.models import Condition
from tests.factories import PatientFactory

SNOMED = "http://snomed.info/sct"
CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
# (SNOMED code, clinical status) cycled over the conditions.
KINDS = [("44054006", "active"), ("44054006", "resolved"), ("38341003", "active")]
MANY = 1050
BASE = "http://testserver/fhir/r4"


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


class DjangoTransport(BaseAdapter):
    """A `requests` transport that answers from the application through Django's test client."""

    def __init__(self):
        super().__init__()
        self.client = Client()

    def send(self, request, **kwargs):
        address = urlsplit(request.url)
        path = address.path + (f"?{address.query}" if address.query else "")
        headers = {k: v for k, v in request.headers.items() if k.lower() != "content-length"}
        answer = self.client.generic(
            request.method,
            path,
            data=request.body or b"",
            content_type=headers.pop("Content-Type", "application/octet-stream"),
            headers=headers,
        )
        response = requests.Response()
        response.status_code = answer.status_code
        response.headers = CaseInsensitiveDict(answer.headers)
        response._content = answer.content
        response.encoding = "utf-8"
        response.url = request.url
        response.request = request
        return response

    def close(self):
        pass


def fhir_client(token=None):
    """A fhirclient FHIRClient pointed at the server, sending `token` if given."""
    fhir = smart_client.FHIRClient(settings={"app_id": "partner", "api_base": f"{BASE}/"})
    fhir.server.session.mount("http://testserver/", DjangoTransport())
    if token:
        fhir.server.session.headers["Authorization"] = f"Bearer {token}"
    return fhir


@pytest.fixture
def smart(paula):
    """fhirclient with Paula's API token."""
    return fhir_client(api_token_create(paula))


def outcome_of(error):
    """The refusal's status and its OperationOutcome, read with fhirclient's R4 model."""
    response = error.response
    assert response.headers["Content-Type"] == "application/fhir+json"
    parsed = OperationOutcome(response.json(), strict=True)
    return response.status_code, parsed.issue[0].code


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


def test_fhirclient_gets_an_operation_outcome_for_every_error(smart, harbour):
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
    anonymous = fhir_client()
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
