"""`mesoclinic import-fhir`: the Synthea samples, re-imports, bad lines, Bundles and references."""

import datetime as dt
import json
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mesoclinic.accounts.command_clinic import WHICH_CLINIC
from mesoclinic.audit.models import AuditEvent
from mesoclinic.commands import PartlyRejected
from mesoclinic.fhir.domain import fhir_import
from mesoclinic.fhir.importer import IMPORTED, UNSUPPORTED
from mesoclinic.fhir.models import ImportRun
from mesoclinic.fhir.sources import Source
from mesoclinic.patients.models import (
    Allergy,
    Condition,
    Medication,
    Observation,
    Patient,
    PatientIdentifier,
)
from tests.factories import ClinicFactory
from tests.shared import FHIR_SAMPLES, needs_shared

SYNTHEA_10 = FHIR_SAMPLES / "synthea-10"


def lines_per_type(folder):
    """How many resources of each type the sample files hold (one per line)."""
    counts = Counter()
    for path in folder.glob("*.ndjson"):
        for line in path.read_text().splitlines():
            counts[json.loads(line)["resourceType"]] += 1
    return dict(counts)


def import_json(capsys, *args):
    call_command("import-fhir", *args, json=True)
    return json.loads(capsys.readouterr().out)


def record_counts(clinic):
    return {
        "Patient": Patient.objects.filter(clinic=clinic).count(),
        "Condition": Condition.objects.filter(patient__clinic=clinic).count(),
        "MedicationRequest": Medication.objects.filter(
            patient__clinic=clinic, origin="request"
        ).count(),
        "AllergyIntolerance": Allergy.objects.filter(patient__clinic=clinic).count(),
    }


@needs_shared
def test_synthea_10_imports_every_patient_and_their_history_once(harbour, capsys):
    expected = lines_per_type(SYNTHEA_10)
    assert expected["Patient"] == 13
    first = import_json(capsys, str(SYNTHEA_10))
    assert first == {"imported": expected, "updated": {}, "unchanged": {}, "rejected": []}
    assert record_counts(harbour) == expected
    second = import_json(capsys, str(SYNTHEA_10))
    assert second == {"imported": {}, "updated": {}, "unchanged": expected, "rejected": []}
    assert record_counts(harbour) == expected


@needs_shared
def test_synthea_patient_is_read_whole(harbour, capsys):
    import_json(capsys, str(SYNTHEA_10 / "Patient.000.ndjson"))
    patient = Patient.objects.get(fhir_id="129c6ac7-8d06-89de-ad63-0204a93e76c3")
    assert {
        "given_name": patient.given_name,
        "family_name": patient.family_name,
        "birth_date": patient.birth_date,
        "sex": patient.sex,
        "phone": patient.phone,
        "address": patient.address,
        "deceased": patient.deceased,
        "deceased_at": patient.deceased_at,
    } == {
        "given_name": "Sumiko254 Larue605",
        "family_name": "Medhurst46",
        "birth_date": dt.date(1927, 5, 21),
        "sex": "female",
        "phone": "555-810-7203",
        "address": "633 Abernathy Landing, Emporia, KS, 66801, US",
        "deceased": True,
        "deceased_at": dt.datetime(1989, 5, 10, 0, 35, 22, tzinfo=dt.UTC),
    }
    assert sorted(patient.identifiers.values_list("type_text", "value")) == [
        ("", "129c6ac7-8d06-89de-ad63-0204a93e76c3"),
        ("Driver's license number", "S99940903"),
        ("Medical Record Number", "129c6ac7-8d06-89de-ad63-0204a93e76c3"),
        ("Passport Number", "X53631011X"),
        ("Social Security Number", "999-94-5397"),
    ]


@needs_shared
def test_history_is_read_with_codes_status_and_dates(harbour, capsys):
    import_json(capsys, str(SYNTHEA_10))
    condition = Condition.objects.get(fhir_id="0023b3a7-2ded-840c-ee5b-6b123fdcfb0b")
    assert (
        condition.patient.fhir_id,
        condition.code_system,
        condition.code,
        condition.code_display,
        condition.text,
        condition.clinical_status,
        condition.verification_status,
        condition.onset,
        condition.entered_by,
    ) == (
        "129c6ac7-8d06-89de-ad63-0204a93e76c3",
        "http://snomed.info/sct",
        "91302008",
        "Sepsis (disorder)",
        "",
        "active",
        "confirmed",
        dt.date(1976, 1, 19),
        "import",
    )
    request = Medication.objects.get(fhir_id="002eb5b8-2964-effd-3b09-f132017dae04")
    assert (request.origin, request.kind, request.status, request.code, request.started) == (
        "request",
        "medication",
        "stopped",
        "314076",
        dt.date(1989, 5, 27),
    )


@needs_shared
def test_a_changed_resource_updates_its_row(harbour, capsys, tmp_path):
    import_json(capsys, str(SYNTHEA_10))
    line = (SYNTHEA_10 / "AllergyIntolerance.000.ndjson").read_text().splitlines()[0]
    allergy = json.loads(line)
    allergy["clinicalStatus"]["coding"][0]["code"] = "resolved"
    (tmp_path / "changed.ndjson").write_text(json.dumps(allergy))
    report = import_json(capsys, str(tmp_path))
    assert report == {
        "imported": {},
        "updated": {"AllergyIntolerance": 1},
        "unchanged": {},
        "rejected": [],
    }
    assert Allergy.objects.get(fhir_id=allergy["id"]).clinical_status == "resolved"
    assert Allergy.objects.count() == 11


def patient_json(fhir_id="p1", **extra):
    return {"resourceType": "Patient", "id": fhir_id, "name": [{"family": "Shore"}], **extra}


def condition_json(fhir_id, subject, code="44054006"):
    return {
        "resourceType": "Condition",
        "id": fhir_id,
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": code}]},
        "subject": {"reference": subject},
    }


def write_ndjson(path, lines):
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n")
    return path


def test_a_bad_line_mid_file_is_reported_and_the_rest_imported(harbour, tmp_path, capsys):
    write_ndjson(tmp_path / "Patient.ndjson", [patient_json("p1")])
    conditions = write_ndjson(
        tmp_path / "Condition.ndjson",
        [
            condition_json("c1", "Patient/p1"),
            '{"resourceType": "Condition", "id": ',
            {"resourceType": "Condition", "id": "c3", "subject": {"reference": 7}},
            {"resourceType": "Immunization", "id": "e1", "status": "completed"},
            condition_json("c5", "Patient/nobody"),
            condition_json("c6", "Patient/p1", code="73211009"),
        ],
    )
    with pytest.raises(PartlyRejected) as raised:
        call_command("import-fhir", str(tmp_path), json=True)
    assert raised.value.returncode == 3
    report = json.loads(capsys.readouterr().out)
    supported = ", ".join(IMPORTED)
    assert report == {
        "imported": {"Patient": 1, "Condition": 2},
        "updated": {},
        "unchanged": {},
        "rejected": [
            {
                "file": str(conditions),
                "line": 2,
                "reason": "not valid JSON: Expecting value: line 1 column 37 (char 36)",
            },
            {
                "file": str(conditions),
                "line": 3,
                "reason": "invalid R4 Condition: Condition.subject.reference: a number where R4 "
                "expects a string",
            },
            {
                "file": str(conditions),
                "line": 4,
                "reason": UNSUPPORTED.format(type="Immunization", supported=supported),
            },
            {
                "file": str(conditions),
                "line": 5,
                "reason": "patient 'Patient/nobody' is neither in this import nor in the clinic",
            },
        ],
    }
    assert sorted(Condition.objects.values_list("fhir_id", "code")) == [
        ("c1", "44054006"),
        ("c6", "73211009"),
    ]


@pytest.mark.django_db(transaction=True)
def test_the_command_line_exits_3_when_lines_are_rejected(tmp_path, capsys):
    ClinicFactory()
    write_ndjson(tmp_path / "Patient.ndjson", [patient_json("p1"), "not json"])
    command = load_import_command()
    with pytest.raises(SystemExit) as exited:
        command.run_from_argv(["mesoclinic", "import-fhir", str(tmp_path), "--skip-checks"])
    assert exited.value.code == 3
    out, err = capsys.readouterr()
    assert out.splitlines()[-1] == (
        f"Rejected {tmp_path / 'Patient.ndjson'}:2: "
        "not valid JSON: Expecting value: line 1 column 1 (char 0)"
    )
    assert err == (
        "PartlyRejected: 1 resource(s) rejected, each listed with its reason; "
        "the rest was imported.\n"
    )
    assert Patient.objects.values_list("fhir_id", flat=True).get() == "p1"


def load_import_command():
    from django.core.management import load_command_class

    return load_command_class("mesoclinic.fhir", "import-fhir")


def test_references_resolve_across_files_in_any_order_and_urn_uuid(harbour, tmp_path, capsys):
    # The history file sorts before the patients' file: Patients are still imported first.
    write_ndjson(
        tmp_path / "A-Observation.ndjson",
        [
            {
                "resourceType": "Observation",
                "id": "o1",
                "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": "39156-5"}]},
                "subject": {"reference": "urn:uuid:3b1c"},
                "valueQuantity": {"value": 31.25, "unit": "kg/m2"},
            }
        ],
    )
    write_ndjson(tmp_path / "B-Patient.ndjson", [patient_json("3b1c")])
    report = import_json(capsys, str(tmp_path))
    assert report["imported"] == {"Patient": 1, "Observation": 1}
    observation = Observation.objects.get()
    assert (observation.patient.fhir_id, observation.value_quantity, observation.value_unit) == (
        "3b1c",
        Decimal("31.250"),
        "kg/m2",
    )


def test_a_later_import_finds_patients_imported_earlier(harbour, tmp_path, capsys):
    write_ndjson(tmp_path / "Patient.ndjson", [patient_json("p1")])
    import_json(capsys, str(tmp_path / "Patient.ndjson"))
    write_ndjson(tmp_path / "Condition.ndjson", [condition_json("c1", "Patient/p1")])
    assert import_json(capsys, str(tmp_path / "Condition.ndjson"))["imported"] == {"Condition": 1}


TRANSACTION_BUNDLE = {
    "resourceType": "Bundle",
    "type": "transaction",
    "entry": [
        {
            "fullUrl": "urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a",
            "resource": {"resourceType": "Patient", "name": [{"given": ["Ada"], "family": "Ng"}]},
            "request": {"method": "POST", "url": "Patient"},
        },
        {
            "fullUrl": "urn:uuid:88f151c0-a954-468a-88bd-5ae15c08e059",
            "resource": {
                "resourceType": "Medication",
                "code": {"coding": [{"system": "http://www.whocc.no/atc", "code": "B01AA03"}]},
            },
            "request": {"method": "POST", "url": "Medication"},
        },
        {
            "fullUrl": "urn:uuid:0d1f2a3b-0000-4000-8000-000000000001",
            "resource": {
                "resourceType": "MedicationStatement",
                "status": "active",
                "category": {"text": "Dietary supplement"},
                "medicationReference": {
                    "reference": "urn:uuid:88f151c0-a954-468a-88bd-5ae15c08e059"
                },
                "subject": {"reference": "urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a"},
                "effectivePeriod": {"start": "2026-01-05", "end": "2026-03-01"},
            },
            "request": {"method": "POST", "url": "MedicationStatement"},
        },
        {"request": {"method": "DELETE", "url": "Patient/old"}},
    ],
}


def test_a_transaction_bundle_with_referenced_medication(harbour, tmp_path, capsys):
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(TRANSACTION_BUNDLE))
    with pytest.raises(PartlyRejected):
        call_command("import-fhir", str(path), json=True)
    report = json.loads(capsys.readouterr().out)
    assert report == {
        "imported": {"Patient": 1, "MedicationStatement": 1},
        "updated": {},
        "unchanged": {},
        "rejected": [{"file": str(path), "line": 4, "reason": "Bundle entry 4 holds no resource"}],
    }
    statement = Medication.objects.get()
    assert (
        statement.patient.full_name,
        statement.origin,
        statement.kind,
        statement.code_system,
        statement.code,
        statement.started,
        statement.ended,
    ) == (
        "Ada Ng",
        "statement",
        "supplement",
        "http://www.whocc.no/atc",
        "B01AA03",
        dt.date(2026, 1, 5),
        dt.date(2026, 3, 1),
    )


def test_each_run_is_audited_once_plus_once_per_patient(harbour, tmp_path, capsys):
    write_ndjson(
        tmp_path / "all.ndjson",
        [patient_json("p1"), patient_json("p2"), condition_json("c1", "Patient/p1")],
    )
    import_json(capsys, str(tmp_path))
    run = ImportRun.objects.get()
    p1, p2 = Patient.objects.order_by("fhir_id")
    events = AuditEvent.objects.order_by("id").values_list(
        "action", "object_type", "object_id", "patient_id", "summary"
    )
    history = "FHIR import: 1 Condition created or updated"
    run_summary = "FHIR import: 3 imported, 0 updated, 0 unchanged, 0 rejected"
    assert list(events) == [
        ("create", "patients.Patient", str(p1.pk), p1.pk, "FHIR import created"),
        ("create", "patients.Patient", str(p2.pk), p2.pk, "FHIR import created"),
        ("update", "patients.Patient", str(p1.pk), p1.pk, history),
        ("import", "fhir.ImportRun", str(run.pk), None, run_summary),
    ]
    assert (run.imported, run.rejected, run.finished_at is not None) == (
        {"Patient": 2, "Condition": 1},
        [],
        True,
    )


def test_a_patient_is_written_whole_or_not_at_all(harbour):
    too_long = {"system": "urn:x", "value": "v" * 101}
    report = fhir_import(
        clinic=harbour,
        by=None,
        sources=[
            Source("inline", json.dumps(patient_json("p1", identifier=[too_long])), ndjson=True)
        ],
    )
    assert report.rejected == [
        {"file": "inline", "line": 1, "reason": "value is longer than 100 characters"}
    ]
    assert (Patient.objects.count(), PatientIdentifier.objects.count()) == (0, 0)


def test_several_clinics_need_clinic_and_an_unknown_clinic_is_named(
    harbour, riverside, tmp_path, capsys
):
    write_ndjson(tmp_path / "Patient.ndjson", [patient_json("p1")])
    names = f"{harbour.pk} Harbour Skin Clinic, {riverside.pk} Riverside Aesthetics"
    with pytest.raises(CommandError) as raised:
        call_command("import-fhir", str(tmp_path))
    assert str(raised.value) == WHICH_CLINIC.format(count=2, names=names)
    with pytest.raises(CommandError) as raised:
        call_command("import-fhir", str(tmp_path), clinic=999)
    assert str(raised.value) == f"--clinic 999: no such clinic ({names})."
    with pytest.raises(CommandError) as raised:
        call_command("import-fhir", str(tmp_path / "missing"), clinic=riverside.pk)
    assert str(raised.value) == f"{tmp_path / 'missing'}: no such file or folder"
    assert import_json(capsys, str(tmp_path), "--clinic", str(riverside.pk))["imported"] == {
        "Patient": 1
    }
    assert Patient.objects.get().clinic == riverside


def test_history_never_attaches_to_another_clinics_patient(harbour, riverside, tmp_path):
    fhir_import(
        clinic=harbour,
        by=None,
        sources=[Source("p.ndjson", json.dumps(patient_json("p1")), ndjson=True)],
    )
    condition = json.dumps(condition_json("c1", "Patient/p1"))
    report = fhir_import(
        clinic=riverside, by=None, sources=[Source("c.ndjson", condition, ndjson=True)]
    )
    assert report.rejected == [
        {
            "file": "c.ndjson",
            "line": 1,
            "reason": "patient 'Patient/p1' is neither in this import nor in the clinic",
        }
    ]
    assert Condition.objects.count() == 0


def test_a_medication_named_by_absolute_url_is_found(harbour):
    medication = {
        "resourceType": "Medication",
        "id": "m1",
        "code": {"coding": [{"system": "http://www.whocc.no/atc", "code": "N02BA01"}]},
    }
    statement = {
        "resourceType": "MedicationStatement",
        "id": "s1",
        "status": "active",
        "medicationReference": {"reference": "https://ehr.example.org/fhir/Medication/m1"},
        "subject": {"reference": "Patient/p1"},
    }
    lines = "\n".join(json.dumps(r) for r in (patient_json("p1"), medication, statement))
    report = fhir_import(
        clinic=harbour, by=None, sources=[Source("meds.ndjson", lines, ndjson=True)]
    )
    assert (report.as_json()["imported"], report.rejected) == (
        {"Patient": 1, "MedicationStatement": 1},
        [],
    )
    assert Medication.objects.values_list("code_system", "code").get() == (
        "http://www.whocc.no/atc",
        "N02BA01",
    )


def test_the_history_of_many_patients_is_audited_in_one_insert(harbour, tmp_path, capsys):
    patients = [patient_json(f"p{n}") for n in range(3)]
    conditions = [condition_json(f"c{n}", f"Patient/p{n}") for n in range(3)]
    write_ndjson(tmp_path / "patients.ndjson", patients)
    write_ndjson(tmp_path / "conditions.ndjson", conditions)
    with CaptureQueriesContext(connection) as queries:
        import_json(capsys, str(tmp_path))
    inserts = [q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "audit_auditevent"')]
    # One for the patients created (a batch at a time), one for all the history, one run.
    assert len(inserts) == 1 + 1 + 1
    updates = AuditEvent.objects.filter(action="update").order_by("patient_id")
    assert list(updates.values_list("patient_id", "summary")) == [
        (p.pk, "FHIR import: 1 Condition created or updated")
        for p in Patient.objects.order_by("pk")
    ]
