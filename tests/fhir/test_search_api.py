"""The FHIR read API as a standard client uses it: the CapabilityStatement, every listed search
parameter, cursor paging, strict handling, and an OperationOutcome for every error."""

import datetime as dt

import pytest
import time_machine
from fhirclient.models.capabilitystatement import CapabilityStatement

from mesoclinic.fhir.served import SERVED
from mesoclinic.patients.models import Condition, Observation, Patient
from mesoclinic.scheduling.models import Appointment, Course
from tests.factories import PatientFactory

# The clinical record books a course from a fixed day: the clock stands still on it.
pytestmark = pytest.mark.usefixtures("frozen_now")

SNOMED = "http://snomed.info/sct"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
BASE = "http://testserver/fhir/r4/"


def ids(response):
    assert response.status_code == 200, response.content
    return [e["resource"]["id"] for e in response.json().get("entry", [])]


def issue(response):
    assert response["Content-Type"] == "application/fhir+json"
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    (only,) = body["issue"]
    return response.status_code, only["code"], only["diagnostics"]


def link(bundle, relation):
    return next((x["url"] for x in bundle["link"] if x["relation"] == relation), None)


@pytest.fixture
def conditions(harbour):
    """Four conditions of two patients, with ids c1…c4; c2 carries a second coding."""
    ann = PatientFactory(clinic=harbour, fhir_id="ann")
    bob = PatientFactory(clinic=harbour, fhir_id="bob")
    rows = [
        (ann, "c1", "44054006", "active", "confirmed", dt.date(2020, 1, 1)),
        (ann, "c2", "38341003", "resolved", "", dt.date(2021, 6, 15)),
        (bob, "c3", "44054006", "active", "entered-in-error", dt.date(2021, 12, 31)),
        (bob, "c4", "195967001", "inactive", "", None),
    ]
    for patient, fhir_id, code, clinical, verification, onset in rows:
        codings = [{"system": SNOMED, "code": code, "display": code}]
        if fhir_id == "c2":
            codings.append({"system": ICD10, "code": "I10", "display": "Hypertension"})
        Condition.objects.create(
            patient=patient,
            fhir_id=fhir_id,
            code_system=SNOMED,
            code=code,
            codings=codings,
            clinical_status=clinical,
            verification_status=verification,
            onset=onset,
        )
    return ann, bob


def test_metadata_is_a_valid_r4_capability_statement_listing_what_is_served(client):
    response = client.get("/fhir/r4/metadata")
    assert (response.status_code, response["Content-Type"]) == (200, "application/fhir+json")
    statement = response.json()
    parsed = CapabilityStatement(statement, strict=True)
    assert (parsed.fhirVersion, parsed.kind, parsed.status) == ("4.0.1", "instance", "active")
    listed = {r["type"]: r for r in statement["rest"][0]["resource"]}
    assert list(listed) == [
        "Patient",
        "Condition",
        "MedicationStatement",
        "MedicationRequest",
        "AllergyIntolerance",
        "Observation",
        "Appointment",
        "CarePlan",
        "AdverseEvent",
        "Practitioner",
        "Location",
    ]
    assert [p["name"] for p in listed["Condition"]["searchParam"]] == [
        "_id",
        "_lastUpdated",
        "patient",
        "subject",
        "code",
        "clinical-status",
        "verification-status",
        "onset-date",
    ]
    assert {i["code"] for r in listed.values() for i in r["interaction"]} == {
        "read",
        "search-type",
    }
    # Exactly the parameters the searches act on.
    for resource_type, served in SERVED.items():
        for source in served.sources:
            assert set(source.filters) == set(served.searchable), resource_type


def test_clinical_status_and_code_filter(client_for, paula, conditions):
    client = client_for(paula)
    assert ids(client.get("/fhir/r4/Condition?clinical-status=active")) == ["c1"]
    status = "http://terminology.hl7.org/CodeSystem/condition-clinical|active,resolved"
    assert ids(client.get("/fhir/r4/Condition", {"clinical-status": status})) == ["c1", "c2"]
    assert ids(client.get("/fhir/r4/Condition", {"code": f"{SNOMED}|44054006"})) == ["c1", "c3"]
    assert ids(client.get("/fhir/r4/Condition", {"code": "44054006"})) == ["c1", "c3"]
    # The second coding counts, and its system must be the one asked for.
    assert ids(client.get("/fhir/r4/Condition", {"code": f"{ICD10}|I10"})) == ["c2"]
    assert ids(client.get("/fhir/r4/Condition", {"code": f"{SNOMED}|I10"})) == []
    assert ids(client.get("/fhir/r4/Condition", {"code": "|I10"})) == []
    assert ids(client.get("/fhir/r4/Condition", {"code": f"{ICD10}|"})) == ["c2"]
    assert ids(client.get("/fhir/r4/Condition?verification-status=confirmed")) == ["c1"]


def test_patient_subject_and_id(client_for, paula, conditions):
    client = client_for(paula)
    assert ids(client.get("/fhir/r4/Condition?patient=bob")) == ["c3", "c4"]
    assert ids(client.get("/fhir/r4/Condition?subject=Patient/ann")) == ["c1", "c2"]
    assert ids(client.get(f"/fhir/r4/Condition?subject={BASE}Patient/ann")) == ["c1", "c2"]
    assert ids(client.get("/fhir/r4/Condition?_id=c2,c4")) == ["c2", "c4"]
    assert ids(client.get("/fhir/r4/Patient?_id=bob")) == ["bob"]
    assert issue(client.get("/fhir/r4/Condition?patient=Practitioner/1")) == (
        400,
        "invalid",
        "Search parameter 'patient' refers to Patient resources, not 'Practitioner/1'.",
    )


def test_date_ranges_at_the_values_precision(client_for, paula, conditions):
    client = client_for(paula)
    assert ids(client.get("/fhir/r4/Condition?onset-date=2021")) == ["c2", "c3"]
    assert ids(client.get("/fhir/r4/Condition?onset-date=2021-06")) == ["c2"]
    assert ids(client.get("/fhir/r4/Condition?onset-date=ge2021-06-15&onset-date=lt2022")) == [
        "c2",
        "c3",
    ]
    assert ids(client.get("/fhir/r4/Condition?onset-date=gt2021-06-15")) == ["c3"]
    assert ids(client.get("/fhir/r4/Condition?onset-date=le2020")) == ["c1"]
    assert ids(client.get("/fhir/r4/Condition?onset-date=ne2020-01-01")) == ["c2", "c3"]
    assert issue(client.get("/fhir/r4/Condition?onset-date=ap2021")) == (
        400,
        "invalid",
        "Search parameter 'onset-date': 'ap2021' is not a FHIR date (YYYY, YYYY-MM, "
        "YYYY-MM-DD or YYYY-MM-DDThh:mm:ss with a time zone).",
    )
    assert issue(client.get("/fhir/r4/Condition?onset-date=2021-02-30"))[:2] == (400, "invalid")


def test_observation_status_and_date(client_for, paula, harbour):
    ann = PatientFactory(clinic=harbour, fhir_id="ann")
    for fhir_id, status, hour in [("o1", "final", 9), ("o2", "amended", 11), ("o3", "final", 13)]:
        Observation.objects.create(
            patient=ann,
            fhir_id=fhir_id,
            status=status,
            text="weight",
            effective=dt.datetime(2026, 3, 1, hour, tzinfo=dt.UTC),
        )
    client = client_for(paula)
    assert ids(client.get("/fhir/r4/Observation?status=final")) == ["o1", "o3"]
    window = {"date": ["ge2026-03-01T10:00:00Z", "lt2026-03-01T13:00:00+00:00"]}
    assert ids(client.get("/fhir/r4/Observation", window)) == ["o2"]
    assert ids(client.get("/fhir/r4/Observation?date=2026-03-01T13:00Z")) == ["o3"]


def test_last_updated_filters_and_sorts_newest_first(client_for, paula, harbour):
    ann = PatientFactory(clinic=harbour, fhir_id="ann")
    for day, fhir_id in [(3, "first"), (5, "second"), (4, "third")]:
        with time_machine.travel(dt.datetime(2026, 5, day, 12, tzinfo=dt.UTC), tick=False):
            Condition.objects.create(patient=ann, fhir_id=fhir_id, text=fhir_id)
    client = client_for(paula)
    assert ids(client.get("/fhir/r4/Condition?_lastUpdated=ge2026-05-04")) == ["second", "third"]
    assert ids(client.get("/fhir/r4/Condition?_sort=-_lastUpdated")) == [
        "second",
        "third",
        "first",
    ]
    first = client.get("/fhir/r4/Condition?_sort=-_lastUpdated&_count=2").json()
    assert [e["resource"]["id"] for e in first["entry"]] == ["second", "third"]
    with time_machine.travel(dt.datetime(2026, 5, 6, tzinfo=dt.UTC), tick=False):
        Condition.objects.create(patient=ann, fhir_id="newest", text="newest")
    assert ids(client.get(link(first, "next"))) == ["first"]


def test_cursor_pages_stay_put_while_records_are_added(client_for, paula, conditions):
    ann, _ = conditions
    client = client_for(paula)
    first = client.get("/fhir/r4/Condition?_count=2&_total=accurate").json()
    assert (first["total"], [e["resource"]["id"] for e in first["entry"]]) == (4, ["c1", "c2"])
    assert link(first, "self") == f"{BASE}Condition?_count=2&_total=accurate"
    Condition.objects.create(patient=ann, fhir_id="c5", text="added while paging")
    second = client.get(link(first, "next")).json()
    assert (second["total"], [e["resource"]["id"] for e in second["entry"]]) == (5, ["c3", "c4"])
    third = client.get(link(second, "next")).json()
    assert [e["resource"]["id"] for e in third["entry"]] == ["c5"]
    assert link(third, "next") is None
    assert "total" not in client.get("/fhir/r4/Condition").json()
    assert client.get("/fhir/r4/Condition?_count=0").json()["total"] == 5
    assert issue(client.get("/fhir/r4/Condition?_cursor=x"))[:2] == (400, "invalid")
    assert issue(client.get("/fhir/r4/Condition?_count=-1")) == (
        400,
        "invalid",
        "_count='-1' is not a whole number from 0 to 1000.",
    )


def test_an_unknown_parameter_is_left_out_or_refused_when_strict(client_for, paula, conditions):
    client = client_for(paula)
    lenient = client.get("/fhir/r4/Condition?patient=ann&colour=blue&code:text=sugar")
    assert link(lenient.json(), "self") == f"{BASE}Condition?patient=ann&_count=50"
    assert ids(lenient) == ["c1", "c2"]
    strict = client.get(
        "/fhir/r4/Condition?patient=ann&colour=blue", headers={"Prefer": "handling=strict"}
    )
    status, code, text = issue(strict)
    assert (status, code) == (400, "not-supported")
    assert text.startswith(
        "Search parameter 'colour' is not supported on Condition; supported: _id"
    )
    sort = client.get(
        "/fhir/r4/Location?_sort=-_lastUpdated", headers={"Prefer": "handling=strict"}
    )
    assert issue(sort) == (
        400,
        "not-supported",
        "_sort='-_lastUpdated' is not supported on Location; it has no _sort.",
    )


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "head"])
def test_writes_and_head_are_refused_with_an_operation_outcome(client_for, paula, method):
    response = getattr(client_for(paula), method)("/fhir/r4/Condition/c1")
    assert (response.status_code, response["Allow"]) == (405, "GET")
    if method != "head":
        assert issue(response) == (
            405,
            "not-supported",
            f"The FHIR API only reads: {method.upper()} is not allowed here; use GET.",
        )


@pytest.mark.parametrize(
    ("address", "headers", "what"),
    [
        ("/fhir/r4/Patient?_format=xml", {}, "_format asks for 'xml'"),
        ("/fhir/r4/metadata?_format=application/fhir+xml", {}, "_format"),
        ("/fhir/r4/Patient/x", {"Accept": "application/fhir+xml"}, "Accept asks for"),
        ("/fhir/r4/Patient", {"Accept": "text/xml, application/json;q=0"}, "Accept"),
    ],
)
def test_xml_is_refused_with_406(client_for, paula, address, headers, what):
    status, code, text = issue(client_for(paula).get(address, headers=headers))
    assert (status, code) == (406, "not-supported")
    assert text.startswith("This server speaks FHIR JSON only")
    assert what in text


def test_json_in_any_spelling_is_accepted(client_for, paula, conditions):
    client = client_for(paula)
    for accept in ["application/fhir+json", "application/json", "*/*", "text/html, */*;q=0.8"]:
        assert client.get("/fhir/r4/Patient/ann", headers={"Accept": accept}).status_code == 200
    assert client.get("/fhir/r4/Patient/ann?_format=json").status_code == 200


def test_unknown_addresses_answer_404_outcomes(client):
    for address in ["/fhir/r4/", "/fhir/r4/Patient/1/_history", "/fhir/r4/Patient/$everything/x"]:
        status, code, text = issue(client.get(address))
        assert (status, code) == (404, "not-found")
        assert text.startswith(f"There is no {address!r} here")


def test_calendar_resources_are_served(client_for, paula, rita, clinical_record):
    client = client_for(paula)
    appointment = Appointment.objects.get(kind="consultation")
    course = Course.objects.get()
    # Every patient and plan has a FHIR id once searched.
    client.get("/fhir/r4/Patient")
    client.get("/fhir/r4/CarePlan")
    pat = Patient.objects.get(pk=course.patient_id)
    found = ids(client.get(f"/fhir/r4/Appointment?patient={pat.fhir_id}&status=booked"))
    # The consultation and the course's six sessions.
    assert len(found) == 7
    assert found[0] == f"appointment-{appointment.pk}"
    assert ids(client.get("/fhir/r4/Appointment?date=2026-11-21")) == found[:1]
    assert ids(client.get("/fhir/r4/Appointment?date=2026-11-22")) == []
    plan = clinical_record
    plan.refresh_from_db()
    assert ids(client.get(f"/fhir/r4/CarePlan?patient={pat.fhir_id}")) == [
        plan.fhir_id,
        f"course-{course.pk}",
    ]
    assert ids(client.get("/fhir/r4/CarePlan?status=draft")) == []
    course_plan = client.get(f"/fhir/r4/CarePlan/course-{course.pk}").json()
    assert course_plan["basedOn"] == [{"reference": f"CarePlan/{plan.fhir_id}"}]
    practitioner = client.get(f"/fhir/r4/Practitioner/practitioner-{paula.practitioner.pk}")
    assert practitioner.json()["name"] == [{"family": paula.last_name, "given": [paula.first_name]}]
    rooms = client.get("/fhir/r4/Location").json()["entry"]
    assert {e["resource"]["name"] for e in rooms} >= {"Consultation room"}
    reception = client_for(rita)
    assert ids(reception.get("/fhir/r4/Appointment")) == found
    assert issue(reception.get("/fhir/r4/CarePlan"))[:2] == (403, "forbidden")


def test_a_clinic_wide_search_audits_every_patient_shown_in_one_row(client_for, paula, conditions):
    from mesoclinic.audit.models import AuditEvent

    client_for(paula).get("/fhir/r4/Condition?clinical-status=active,inactive")
    ann, bob = conditions
    assert list(
        AuditEvent.objects.filter(action="read").values_list(
            "object_type", "patient_id", "patients_shown", "summary"
        )
    ) == [("patients.Patient list", None, f" {ann.pk} {bob.pk} ", "FHIR search Condition")]


def test_care_plan_search_query_count_does_not_grow(
    client_for, paula, clinical_record, django_assert_num_queries
):
    client = client_for(paula)
    url = "/fhir/r4/CarePlan?_total=accurate"
    client.get(url)  # the first search gives every record its FHIR id
    with django_assert_num_queries(20):
        assert client.get(url).json()["total"] == 2
    course = Course.objects.get()
    for _ in range(2):
        course.pk = None
        course.save()
    with django_assert_num_queries(20):
        assert client.get(url).json()["total"] == 4
