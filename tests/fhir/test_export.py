"""`mesoclinic export-fhir`: valid R4, stable ids, and export → import → export gives the same."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from fhir.resources.R4B import get_fhir_model_class

from mesoclinic.audit.models import AuditEvent
from mesoclinic.audit.queries import naming
from mesoclinic.fhir.domain import fhir_export
from mesoclinic.fhir.exporter import ndjson_line
from mesoclinic.patients.models import Condition, Patient
from mesoclinic.scheduling.models import Course
from tests.factories import PatientFactory, PractitionerFactory, RoomFactory
from tests.fhir.records import full_record
from tests.scheduling.factories import AppointmentFactory
from tests.shared import FHIR_SAMPLES, needs_shared

TYPES = [
    "Patient",
    "Condition",
    "MedicationStatement",
    "MedicationRequest",
    "AllergyIntolerance",
    "Observation",
]
CALENDAR_TYPES = ["Practitioner", "Location", "CarePlan", "Appointment"]
QUERIES_FOR_AN_EXPORT = 42


def export(folder, clinic, capsys):
    call_command("export-fhir", str(folder), clinic=clinic.pk, json=True)
    return json.loads(capsys.readouterr().out)


def resources_in(folder):
    """Every exported resource by file, in a stable order."""
    found = {}
    for path in sorted(folder.glob("*.ndjson")):
        lines = [json.loads(line) for line in path.read_text().splitlines()]
        found[path.name] = sorted(lines, key=lambda r: r["id"])
    return found


def test_every_exported_resource_is_valid_r4b(harbour, riverside, tmp_path, capsys):
    full_record(harbour)
    report = export(tmp_path, harbour, capsys)
    assert report == {
        "directory": str(tmp_path),
        "exported": {
            "Patient": 2,
            "Condition": 3,
            "MedicationStatement": 1,
            "MedicationRequest": 1,
            "AllergyIntolerance": 1,
            "Observation": 5,
        },
    }
    exported = resources_in(tmp_path)
    assert sorted(exported) == sorted(f"{t}.ndjson" for t in TYPES)
    for resources in exported.values():
        for resource in resources:
            model = get_fhir_model_class(resource["resourceType"]).model_validate(resource)
            assert model.model_dump(mode="json", exclude_none=True) == resource


def test_the_exported_patient_carries_every_field(harbour, tmp_path, capsys):
    patient = full_record(harbour)
    export(tmp_path, harbour, capsys)
    patient.refresh_from_db()
    exported = {r["id"]: r for r in resources_in(tmp_path)["Patient.ndjson"]}
    assert exported[patient.fhir_id] == {
        "resourceType": "Patient",
        "id": patient.fhir_id,
        "text": {
            "status": "generated",
            "div": '<div xmlns="http://www.w3.org/1999/xhtml"><p><b>Patient</b> · Mia Rose Hart · '
            "2010-04-02</p></div>",
        },
        "identifier": [
            {"type": {"text": "NHS"}, "system": "https://nhs.uk/nhs-number", "value": "9434765919"}
        ],
        "name": [{"use": "official", "family": "Hart", "given": ["Mia", "Rose"]}],
        "telecom": [
            {"system": "phone", "value": "+44 20 7946 0001"},
            {"system": "email", "value": "mia@example.org"},
        ],
        "gender": "female",
        "birthDate": "2010-04-02",
        "address": [{"text": "1 Quay Street, Bristol"}],
        "contact": [
            {
                "relationship": [
                    {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/v3-RoleCode",
                                "code": "GUARD",
                                "display": "guardian",
                            }
                        ],
                        "text": "guardian",
                    }
                ],
                "name": {"text": "Jo Hart"},
                "telecom": [{"system": "phone", "value": "+44 20 7946 0002"}],
            }
        ],
    }


def test_ids_are_kept_so_a_second_export_is_the_same(harbour, tmp_path, capsys):
    full_record(harbour)
    export(tmp_path / "first", harbour, capsys)
    export(tmp_path / "second", harbour, capsys)
    assert resources_in(tmp_path / "first") == resources_in(tmp_path / "second")
    assert Patient.objects.filter(fhir_id="").count() == 0
    assert Condition.objects.filter(fhir_id="").count() == 0


def test_export_import_export_gives_the_same_resources(harbour, riverside, tmp_path, capsys):
    full_record(harbour)
    export(tmp_path / "harbour", harbour, capsys)
    call_command("import-fhir", str(tmp_path / "harbour"), clinic=riverside.pk, json=True)
    capsys.readouterr()
    export(tmp_path / "riverside", riverside, capsys)
    assert resources_in(tmp_path / "riverside") == resources_in(tmp_path / "harbour")


@needs_shared
def test_synthea_round_trip_gives_the_same_resources(harbour, riverside, tmp_path, capsys):
    call_command("import-fhir", str(FHIR_SAMPLES / "synthea-10"), clinic=harbour.pk, json=True)
    capsys.readouterr()
    export(tmp_path / "harbour", harbour, capsys)
    call_command("import-fhir", str(tmp_path / "harbour"), clinic=riverside.pk, json=True)
    capsys.readouterr()
    export(tmp_path / "riverside", riverside, capsys)
    first, second = resources_in(tmp_path / "harbour"), resources_in(tmp_path / "riverside")
    assert {name: len(rs) for name, rs in first.items()} == {
        "AllergyIntolerance.ndjson": 11,
        "Condition.ndjson": 555,
        "MedicationRequest.ndjson": 1745,
        "Patient.ndjson": 13,
    }
    assert second == first


def test_export_is_audited_for_the_clinic_and_on_each_patients_trail(
    harbour, riverside, alice, tmp_path, capsys
):
    full_record(harbour)
    full_record(riverside)
    export(tmp_path, harbour, capsys)
    exports = AuditEvent.objects.filter(action="export").order_by("id")
    harbour_patients = list(Patient.objects.filter(clinic=harbour).order_by("pk"))
    # One row for the export, naming every patient whose record left.
    assert [(e.object_type, e.patient_id, e.clinic_id, e.summary) for e in exports] == [
        (
            "accounts.Clinic",
            None,
            harbour.pk,
            f"FHIR export to {tmp_path}: 2 Patient, 3 Condition, 1 MedicationStatement, "
            "1 MedicationRequest, 1 AllergyIntolerance, 5 Observation",
        ),
    ]
    assert exports.get().patients_shown == f" {' '.join(str(p.pk) for p in harbour_patients)} "
    for patient in harbour_patients:
        assert list(AuditEvent.objects.filter(naming(patient.pk))) == [exports.get()]


def test_export_needs_a_clinic_when_there_are_several(harbour, riverside, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="There are 2 clinics; say which with --clinic ID"):
        call_command("export-fhir", str(tmp_path))


def test_booked_sessions_are_exported_as_appointments_with_practitioner_and_room(
    harbour, pat, paula, tmp_path, capsys
):
    course = Course.objects.create(
        clinic=harbour,
        patient=pat,
        protocol_id="ref-000",
        protocol_version="1",
        template_id="default",
        areas=["face"],
        verdict="eligible",
    )
    room = RoomFactory(clinic=harbour, name="Room 1")
    for number, day in enumerate((1, 15), start=1):
        AppointmentFactory(
            patient=pat,
            practitioner=paula.practitioner,
            room=room,
            kind="session",
            course=course,
            number=number,
            start=dt.datetime(2026, 12, day, 10, tzinfo=dt.UTC),
        )
    report = export(tmp_path, harbour, capsys)
    assert {t: report["exported"][t] for t in CALENDAR_TYPES} == {
        "Practitioner": 1,
        "Location": 1,
        "CarePlan": 1,
        "Appointment": 2,
    }
    exported = resources_in(tmp_path)
    ids = {f"{r['resourceType']}/{r['id']}" for rs in exported.values() for r in rs}
    pat.refresh_from_db()
    for appointment in exported["Appointment.ndjson"]:
        actors = [p["actor"]["reference"] for p in appointment["participant"]]
        assert actors == [
            f"Patient/{pat.fhir_id}",
            f"Practitioner/practitioner-{paula.practitioner.pk}",
            f"Location/room-{room.pk}",
        ]
        assert set(actors) <= ids
        assert "basedOn" not in appointment
    (course,) = exported["CarePlan.ndjson"]
    # The course names its sessions the R4 way: an Appointment's basedOn is a ServiceRequest.
    assert [a["reference"]["reference"] for a in course["activity"]] == [
        f"Appointment/{a['id']}" for a in exported["Appointment.ndjson"]
    ]
    assert [(a["description"], a["start"]) for a in exported["Appointment.ndjson"]] == [
        ("Mesotherapy session 1", "2026-12-01T10:00:00+00:00"),
        ("Mesotherapy session 2", "2026-12-15T10:00:00+00:00"),
    ]
    for name in ("Practitioner.ndjson", "Location.ndjson", "CarePlan.ndjson"):
        for resource in exported[name]:
            model = get_fhir_model_class(resource["resourceType"]).model_validate(resource)
            assert model.model_dump(mode="json", exclude_none=True) == resource
    assert exported["CarePlan.ndjson"][0]["subject"]["reference"] == f"Patient/{pat.fhir_id}"


# Each table is read in chunks, and an appointment names its practitioner and room by the names
# read with the clinic's practitioners and rooms: the export of one appointment (and its
# patient) or of three takes as many queries, on a clinic of two practitioners and rooms.
@pytest.mark.parametrize("appointments", [1, 3])
def test_the_export_takes_a_constant_number_of_queries(
    harbour, paula, tmp_path, appointments, django_assert_num_queries
):
    rooms = [RoomFactory(clinic=harbour, name=f"Room {n}") for n in (1, 2)]
    practitioners = [paula.practitioner, PractitionerFactory(clinic=harbour)]
    for n in range(appointments):
        AppointmentFactory(
            patient=PatientFactory(clinic=harbour),
            practitioner=practitioners[n % 2],
            room=rooms[n % 2],
            start=dt.datetime(2026, 12, 1 + n, 10, tzinfo=dt.UTC),
        )
    fhir_export(clinic=harbour, by=None, directory=tmp_path)  # gives every row its FHIR id
    with django_assert_num_queries(QUERIES_FOR_AN_EXPORT):
        counts = fhir_export(clinic=harbour, by=None, directory=tmp_path)
    assert (counts["Appointment"], counts["Patient"]) == (appointments, appointments)


def test_a_line_of_the_export_is_utf8_json_and_a_huge_integer_still_leaves():
    said = {"resourceType": "Patient", "name": [{"family": "Đorđević", "given": ["Çağla"]}]}
    assert (
        ndjson_line(said)
        == '{"resourceType":"Patient","name":[{"family":"Đorđević","given":["Çağla"]}]}\n'.encode()
    )
    # A decimal received as a whole number past 64 bits: orjson refuses it, the line is kept.
    huge = {"resourceType": "Observation", "valueQuantity": {"value": 2**70}}
    assert json.loads(ndjson_line(huge)) == huge
