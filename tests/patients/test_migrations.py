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
