"""What reception types is checked as a person would: plausible dates, phones, look-alikes."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from mesoclinic.audit.models import AuditEvent
from mesoclinic.audit.queries import naming
from mesoclinic.patients.models import Patient
from mesoclinic.patients.phones import PhoneNumberError, phone_e164, phone_search_digits
from mesoclinic.patients.queries import search_patients
from tests.factories import PatientFactory
from tests.patients.test_pages import TODAY, patient_data


@time_machine.travel(TODAY)
@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"birth_date": "1800-01-01"},
            {
                "birth_date": [
                    "A birth date of 01/01/1800 would make the patient 226 years old: "
                    "check the year."
                ]
            },
        ),
        (
            {"deceased": "on", "deceased_at": "2099-01-01T10:00"},
            {
                "deceased_at": [
                    "The date of death is in the future: a death is recorded once it happened."
                ]
            },
        ),
        (
            {"deceased": "on", "deceased_at": "1980-01-01T10:00"},
            {"deceased_at": ["The date of death is before the birth date."]},
        ),
        (
            {"phone": "call me"},
            {
                "phone": [
                    "“call me” is not a phone number: it holds too few digits or other characters."
                ]
            },
        ),
        (
            {"phone": "+44 20 7946"},
            {
                "phone": [
                    "“+44 20 7946” is not a phone number: it is too short: give the whole "
                    "number with its area code."
                ]
            },
        ),
        (
            {"given_name": "x" * 101},
            {"given_name": ["Ensure this value has at most 100 characters (it has 101)."]},
        ),
    ],
)
def test_implausible_details_are_refused_with_the_reason(client_for, rita, changes, errors):
    response = client_for(rita).post(reverse("patients:new"), patient_data(**changes))
    assert (response.status_code, response.context["form"].errors) == (200, errors)
    assert Patient.objects.count() == 0


@time_machine.travel(TODAY)
@pytest.mark.parametrize("typed", ["020 7946 0999", "+44 20 7946 0999", "0044 (20) 7946-0999"])
def test_a_phone_is_kept_in_e164_however_it_is_typed(client_for, rita, typed):
    client_for(rita).post(reverse("patients:new"), patient_data(phone=typed))
    assert Patient.objects.values_list("phone", "phone_key").get() == (
        "+442079460999",
        "442079460999",
    )


def test_a_phone_without_country_code_is_read_in_the_clinics_country(harbour):
    harbour.country = "RS"
    assert phone_e164("011 3234567", harbour.country) == "+381113234567"
    assert phone_e164("+44 7700 900123", harbour.country) == "+447700900123"
    with pytest.raises(PhoneNumberError, match="its country code is unknown"):
        phone_e164("+999 123 456", "GB")


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("07700 900123", "447700900123"),
        ("07700", "447700"),
        ("+44 7700", "447700"),
        ("0044 7700", "447700"),
    ],
)
def test_a_phone_search_reads_what_is_typed_as_the_clinic_would_dial_it(typed, digits):
    assert phone_search_digits(typed, "GB") == digits


@time_machine.travel(TODAY)
def test_a_patient_typed_in_again_is_found_whatever_the_phones_layout(client_for, rita, harbour):
    client_for(rita).post(reverse("patients:new"), patient_data(phone="07700 900123"))
    for typed in ("07700 900123", "+44 7700 900123", "0044 7700 900 123", "07700"):
        assert [p.full_name for p in search_patients(rita, typed)] == ["Lena Brook"], typed


@time_machine.travel(TODAY)
@pytest.mark.parametrize(
    ("existing", "reason"),
    [
        (
            {"given_name": "LENA", "family_name": "Brook", "birth_date": dt.date(1990, 3, 4)},
            "the same name and birth date",
        ),
        ({"phone": "+442079460999"}, "the same phone number"),
        ({"email": "Lena@Example.org"}, "the same email address"),
    ],
)
def test_a_possible_duplicate_is_shown_with_a_link_before_anything_is_saved(
    client_for, rita, harbour, existing, reason
):
    other = PatientFactory(clinic=harbour, **existing)
    client = client_for(rita)
    response = client.post(reverse("patients:new"), patient_data())
    page = response.content.decode()
    assert response.status_code == 200
    assert Patient.objects.count() == 1
    assert f'<a href="{reverse("chart", args=[other.pk])}">{other}</a>' in page
    assert reason in page
    assert AuditEvent.objects.filter(naming(other.pk), action="read").exists()
    confirmed = client.post(reverse("patients:new"), patient_data(different_person="on"))
    assert confirmed.status_code == 302
    assert Patient.objects.count() == 2


@time_machine.travel(TODAY)
def test_a_look_alike_in_another_clinic_is_never_shown(client_for, rita, riverside):
    PatientFactory(clinic=riverside, given_name="Lena", family_name="Brook", phone="+442079460999")
    response = client_for(rita).post(reverse("patients:new"), patient_data())
    assert response.status_code == 302


@time_machine.travel(TODAY)
def test_editing_a_patient_does_not_warn_about_themselves(client_for, rita, harbour):
    lena = PatientFactory(
        clinic=harbour, given_name="Lena", family_name="Brook", birth_date=dt.date(1990, 3, 4)
    )
    response = client_for(rita).post(reverse("patients:edit", args=[lena.pk]), patient_data())
    assert response.status_code == 302
