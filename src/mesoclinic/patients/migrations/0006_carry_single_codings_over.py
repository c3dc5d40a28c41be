"""Every history entry keeps its one coding in `codings`; an allergy's reaction text becomes its
reactions, so screening reads anaphylaxis written there. Uses no app code."""

from django.db import migrations

HISTORY = ("Condition", "Medication", "Allergy", "Observation")


def carry_over(apps, schema_editor):
    for name in HISTORY:
        model = apps.get_model("patients", name)
        for row in model.objects.exclude(code="").iterator(chunk_size=500):
            if row.codings:
                continue
            row.codings = [{"system": row.code_system, "code": row.code, "display": row.code_display}]
            row.save(update_fields=["codings"])
    observation = apps.get_model("patients", "Observation")
    for row in observation.objects.exclude(value_code="").iterator(chunk_size=500):
        row.value_codings = [
            {"system": row.value_code_system, "code": row.value_code, "display": row.value_display}
        ]
        row.save(update_fields=["value_codings"])
    allergy = apps.get_model("patients", "Allergy")
    for row in allergy.objects.exclude(reaction="").iterator(chunk_size=500):
        row.reactions = [
            {"codings": [], "text": part.strip(), "severity": ""}
            for part in row.reaction.split(";")
            if part.strip()
        ]
        row.save(update_fields=["reactions"])


class Migration(migrations.Migration):
    dependencies = [("patients", "0005_codings_reactions_statuses")]

    operations = [migrations.RunPython(carry_over, migrations.RunPython.noop)]
