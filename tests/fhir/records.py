"""A patient record that uses every field the FHIR mapping carries, for export tests."""

import datetime as dt
from decimal import Decimal

from mesoclinic.patients.models import (
    Allergy,
    Condition,
    Medication,
    Observation,
    PatientIdentifier,
)
from tests.factories import PatientFactory

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"


def full_record(clinic):
    """A minor with a guardian and every kind of history; none of it has a FHIR id yet."""
    patient = PatientFactory(
        clinic=clinic,
        given_name="Mia Rose",
        family_name="Hart",
        birth_date=dt.date(2010, 4, 2),
        phone="+44 20 7946 0001",
        email="mia@example.org",
        address="1 Quay Street, Bristol",
        guardian_name="Jo Hart",
        guardian_phone="+44 20 7946 0002",
    )
    PatientIdentifier.objects.create(
        patient=patient, system="https://nhs.uk/nhs-number", value="9434765919", type_text="NHS"
    )
    history(patient)
    deceased = PatientFactory(
        clinic=clinic,
        given_name="Old",
        family_name="Timer",
        deceased=True,
        deceased_at=dt.datetime(2025, 2, 3, 4, 5, tzinfo=dt.UTC),
    )
    Condition.objects.create(patient=deceased, text="heart failure", clinical_status="active")
    return patient


def history(patient):
    Condition.objects.create(
        patient=patient,
        code_system=SNOMED,
        code="44054006",
        code_display="Diabetes mellitus type 2",
        text="type 2 diabetes, diet only",
        clinical_status="active",
        verification_status="confirmed",
        onset=dt.date(2020, 1, 1),
    )
    Condition.objects.create(
        patient=patient,
        code_system=SNOMED,
        code="230690007",
        code_display="Stroke",
        clinical_status="resolved",
        verification_status="entered-in-error",
        abatement=dt.date(2021, 6, 1),
    )
    Medication.objects.create(
        patient=patient,
        origin="statement",
        kind="supplement",
        text="ginkgo biloba",
        status="active",
        dosage="120 mg daily",
        started=dt.date(2026, 1, 1),
        ended=dt.date(2026, 12, 31),
    )
    Medication.objects.create(
        patient=patient,
        origin="request",
        code_system=RXNORM,
        code="855332",
        code_display="warfarin sodium 5 MG Oral Tablet",
        status="active",
        dosage="one tablet in the evening",
        started=dt.date(2026, 3, 1),
    )
    Allergy.objects.create(
        patient=patient,
        code_system=SNOMED,
        code="111088007",
        code_display="Latex",
        clinical_status="active",
        verification_status="confirmed",
        category="environment",
        criticality="high",
        reaction="Hives; Wheezing",
        onset=dt.date(2019, 5, 5),
    )
    observations(patient)


def observations(patient):
    when = dt.datetime(2026, 11, 1, 9, 30, tzinfo=dt.UTC)
    Observation.objects.create(
        patient=patient,
        code_system=LOINC,
        code="82810-3",
        code_display="Pregnancy status",
        value_code_system=SNOMED,
        value_code="60001007",
        value_display="Not pregnant",
        effective=when,
    )
    Observation.objects.create(
        patient=patient,
        code_system=LOINC,
        code="63895-7",
        code_display="Breastfeeding status",
        value_display="not breastfeeding",
        effective=when,
    )
    for code, display, value, unit in [
        ("39156-5", "Body mass index", Decimal("31.400"), "kg/m2"),
        ("29463-7", "Body weight", Decimal("82.500"), "kg"),
        ("8302-2", "Body height", Decimal("162"), "cm"),
    ]:
        Observation.objects.create(
            patient=patient,
            code_system=LOINC,
            code=code,
            code_display=display,
            value_quantity=value,
            value_unit=unit,
            effective=when,
            status="final",
        )
