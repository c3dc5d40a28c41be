"""Phone numbers already on record are kept in E.164, read in their clinic's country.

A number that cannot be read as one (an old note, a typing slip) is kept as it was; its search
key stays its digits.
"""

import re

import phonenumbers
from django.db import migrations


def e164(text, region):
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return text
    if phonenumbers.is_possible_number_with_reason(number) != phonenumbers.ValidationResult.IS_POSSIBLE:
        return text
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def to_e164(apps, schema_editor):
    Patient = apps.get_model("patients", "Patient")
    patients = Patient.objects.exclude(phone="", guardian_phone="").select_related("clinic")
    for patient in patients.iterator(chunk_size=2000):
        region = patient.clinic.country
        phone = e164(patient.phone, region) if patient.phone else ""
        guardian_phone = e164(patient.guardian_phone, region) if patient.guardian_phone else ""
        Patient.objects.filter(pk=patient.pk).update(
            phone=phone, guardian_phone=guardian_phone, phone_key=re.sub(r"\D", "", phone)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0009_list_and_awaiting_indexes"),
        ("accounts", "0005_clinic_country"),
    ]

    operations = [migrations.RunPython(to_e164, migrations.RunPython.noop)]
