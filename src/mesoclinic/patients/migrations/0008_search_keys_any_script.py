"""Search keys are made again so names in any script are found (Cyrillic, Chinese, Greek…)."""

import re
import unicodedata

from django.db import migrations

# A frozen copy of mesoclinic.patients.models.search_key.
UNDECOMPOSED_LETTERS = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"}
)


def search_key(name):
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = plain.translate(UNDECOMPOSED_LETTERS)
    return " ".join(re.sub(r"[\W_]+", " ", unicodedata.normalize("NFKC", plain)).split())


def refill(apps, schema_editor):
    Patient = apps.get_model("patients", "Patient")
    for patient in Patient.objects.only("given_name", "family_name").iterator(chunk_size=2000):
        Patient.objects.filter(pk=patient.pk).update(
            given_key=search_key(patient.given_name), family_key=search_key(patient.family_name)
        )


class Migration(migrations.Migration):
    dependencies = [("patients", "0007_clinic_mappings")]

    operations = [migrations.RunPython(refill, migrations.RunPython.noop)]
