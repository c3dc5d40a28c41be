"""History entries with plain, predictable values; each kind's default is uncoded free text."""

import factory

from mesoclinic.patients.models import Allergy, Condition, Medication, Observation
from tests.factories import PatientFactory


class ConditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Condition

    patient = factory.SubFactory(PatientFactory)
    text = "Migraine"


class MedicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Medication

    patient = factory.SubFactory(PatientFactory)
    text = "Paracetamol"


class AllergyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allergy

    patient = factory.SubFactory(PatientFactory)
    text = "Penicillin"


class ObservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Observation

    patient = factory.SubFactory(PatientFactory)
    text = "Body weight"
    value_quantity = 64
    value_unit = "kg"
