"""Fill the search keys of patients created before the keys existed."""

import re
import unicodedata

from django.db import migrations


def key(name):
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


def fill_search_keys(apps, schema_editor):
    Patient = apps.get_model("patients", "Patient")
    for patient in Patient.objects.filter(family_key="").iterator():
        patient.family_key = key(patient.family_name)
        patient.given_key = key(patient.given_name)
        patient.phone_key = re.sub(r"\D", "", patient.phone)
        patient.save(update_fields=["family_key", "given_key", "phone_key"])


class Migration(migrations.Migration):
    dependencies = [("patients", "0002_search_keys_intake")]

    operations = [migrations.RunPython(fill_search_keys, migrations.RunPython.noop)]
