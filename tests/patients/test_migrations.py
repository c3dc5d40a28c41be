"""The migration that carries each history entry's one coding into `codings`, on real data."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("patients", "0005_codings_reactions_statuses")]
AFTER = [("patients", "0006_carry_single_codings_over")]
SNOMED = "http://snomed.info/sct"


def migrated(targets):
    """The app registry as it stands once the database is migrated to `targets`."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_one_coding_and_the_reaction_text_are_carried_over():
    apps = migrated(BEFORE)
    clinic = apps.get_model("accounts", "Clinic").objects.create(name="Old clinic")
    patient = apps.get_model("patients", "Patient").objects.create(
        clinic=clinic, given_name="Vera", family_name="Old"
    )
    condition = apps.get_model("patients", "Condition").objects.create(
        patient=patient, code_system=SNOMED, code="55464009", code_display="Lupus"
    )
    typed = apps.get_model("patients", "Condition").objects.create(patient=patient, text="Asthma")
    allergy = apps.get_model("patients", "Allergy").objects.create(
        patient=patient, text="Wasp venom", reaction="Hives; anaphylactic shock"
    )
    answer = apps.get_model("patients", "Observation").objects.create(
        patient=patient,
        code_system="http://loinc.org",
        code="82810-3",
        value_code_system="http://loinc.org",
        value_code="LA15173-0",
        value_display="Pregnant",
    )

    apps = migrated(AFTER)

    rows = {
        name: apps.get_model("patients", name).objects.get(pk=row.pk)
        for name, row in (("Condition", condition), ("Allergy", allergy), ("Observation", answer))
    }
    assert rows["Condition"].codings == [{"system": SNOMED, "code": "55464009", "display": "Lupus"}]
    assert apps.get_model("patients", "Condition").objects.get(pk=typed.pk).codings == []
    assert rows["Allergy"].reactions == [
        {"codings": [], "text": "Hives", "severity": ""},
        {"codings": [], "text": "anaphylactic shock", "severity": ""},
    ]
    assert rows["Observation"].value_codings == [
        {"system": "http://loinc.org", "code": "LA15173-0", "display": "Pregnant"}
    ]
    # Back to every app's newest migration: the database is left as the test found it.
    migrated(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_phones_on_record_are_kept_in_e164_read_in_their_clinics_country():
    apps = migrated(
        [("patients", "0009_list_and_awaiting_indexes"), ("accounts", "0005_clinic_country")]
    )
    Clinic = apps.get_model("accounts", "Clinic")
    Patient = apps.get_model("patients", "Patient")
    london = Clinic.objects.create(name="London", country="GB")
    belgrade = Clinic.objects.create(name="Belgrade", country="RS")
    rows = [
        Patient.objects.create(
            clinic=clinic, given_name="A", family_name="B", phone=phone, phone_key="x"
        )
        for clinic, phone in (
            (london, "07700 900123"),
            (london, "+33 1 84 88 00 11"),
            (belgrade, "011 3234567"),
            (london, "ask at the desk"),
        )
    ]
    apps = migrated([("patients", "0010_phones_in_e164")])
    Patient = apps.get_model("patients", "Patient")
    assert [Patient.objects.values_list("phone", "phone_key").get(pk=p.pk) for p in rows] == [
        ("+447700900123", "447700900123"),
        ("+33184880011", "33184880011"),
        ("+381113234567", "381113234567"),
        ("ask at the desk", ""),
    ]
