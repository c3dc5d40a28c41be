"""Finding patients: by internal or FHIR id for the command line; by name, date or phone."""

import datetime as dt

import pytest

from mesoclinic.audit.models import AuditEvent
from mesoclinic.patients.queries import PatientNotFound, find_patient, search_patients
from tests.factories import PatientFactory


def test_find_patient_by_internal_id_or_fhir_id_and_audit_the_read(pat, harbour):
    imported = PatientFactory(clinic=harbour, fhir_id="8f2a-synthea")
    assert find_patient(None, str(pat.pk)) == pat
    assert find_patient(None, "8f2a-synthea") == imported
    assert list(
        AuditEvent.objects.order_by("id").values_list("actor_label", "action", "patient_id")
    ) == [("system", "read", pat.pk), ("system", "read", imported.pk)]


def test_find_patient_explains_what_was_not_found(pat, harbour, riverside):
    with pytest.raises(PatientNotFound) as error:
        find_patient(None, "no-such-id", clinic=harbour)
    assert str(error.value) == (
        f"no patient has the id or FHIR id 'no-such-id' in clinic {harbour.pk} "
        "(Harbour Skin Clinic)"
    )
    assert AuditEvent.objects.count() == 0


def test_the_same_fhir_id_in_two_clinics_needs_a_clinic(harbour, riverside):
    PatientFactory(clinic=harbour, fhir_id="shared-1")
    theirs = PatientFactory(clinic=riverside, fhir_id="shared-1")
    with pytest.raises(PatientNotFound) as error:
        find_patient(None, "shared-1")
    assert str(error.value) == (
        "2 patients in different clinics have the FHIR id 'shared-1'; say which clinic with "
        f"--clinic (ids: {harbour.pk}, {riverside.pk})"
    )
    assert find_patient(None, "shared-1", clinic=riverside) == theirs


def test_a_user_finds_only_the_patients_they_may_see(paula, pat, peter):
    assert find_patient(paula, str(pat.pk)) == pat
    with pytest.raises(PatientNotFound):
        find_patient(paula, str(peter.pk))
    with pytest.raises(PatientNotFound):
        find_patient(pat.user, str(peter.pk))


@pytest.fixture
def harbour_patients(harbour, riverside):
    PatientFactory(
        clinic=harbour, given_name="Grace", family_name="Wilson", phone="+44 7700 900123"
    )
    PatientFactory(
        clinic=harbour,
        given_name="Zoë-Ann",
        family_name="Ó Briain",
        birth_date=dt.date(1990, 2, 3),
        phone="+447700900456",
    )
    PatientFactory(clinic=harbour, given_name="Wilma", family_name="Grant")
    PatientFactory(clinic=riverside, given_name="Grace", family_name="Wilde")


def names(patients):
    return [p.full_name for p in patients]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Wilma Grant", "Zoë-Ann Ó Briain", "Grace Wilson"]),
        ("wil", ["Wilma Grant", "Grace Wilson"]),
        ("WIL gr", ["Wilma Grant", "Grace Wilson"]),
        ("grace wilson", ["Grace Wilson"]),
        ("zoe", ["Zoë-Ann Ó Briain"]),
        ("o bri", ["Zoë-Ann Ó Briain"]),
        ("1990-02-03", ["Zoë-Ann Ó Briain"]),
        ("03/02/1990", ["Zoë-Ann Ó Briain"]),
        ("+44 7700", ["Grace Wilson", "Zoë-Ann Ó Briain"]),
        ("07700 900 4", ["Zoë-Ann Ó Briain"]),
        ("0044 7700 900456", ["Zoë-Ann Ó Briain"]),
        ("(07700) 900-123", ["Grace Wilson"]),
        ("447700900123", ["Grace Wilson"]),
        ("nobody", []),
    ],
)
def test_search_by_name_birth_date_or_phone_within_the_clinic(
    harbour_patients, alice, query, expected
):
    assert names(search_patients(alice, query)) == expected
