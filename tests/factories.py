"""Factories with no surprises: every value is plain and predictable."""

import datetime as dt

import factory

from mesoclinic.accounts.models import Clinic, Role, User
from mesoclinic.clinics.models import OpeningHours, Practitioner, Room, WorkingHours
from mesoclinic.patients.models import Patient

PASSWORD = "correct horse battery staple"


class ClinicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clinic

    name = factory.Sequence(lambda n: f"Clinic {n}")
    timezone = "Europe/London"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.LazyAttribute(lambda u: u.username.split(".")[0].capitalize())
    last_name = "Tester"
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    clinic = factory.SubFactory(ClinicFactory)
    role = Role.ADMIN
    password = factory.django.Password(PASSWORD)


class PractitionerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practitioner

    clinic = factory.SubFactory(ClinicFactory)
    user = factory.SubFactory(
        UserFactory, clinic=factory.SelfAttribute("..clinic"), role=Role.PRACTITIONER
    )
    profession = "doctor"


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    clinic = factory.SubFactory(ClinicFactory)
    name = factory.Sequence(lambda n: f"Room {n}")


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningHours

    clinic = factory.SubFactory(ClinicFactory)
    weekday = 0
    starts = dt.time(9)
    ends = dt.time(18)


class WorkingHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingHours

    practitioner = factory.SubFactory(PractitionerFactory)
    weekday = 0
    starts = dt.time(9)
    ends = dt.time(17)


class PatientFactory(factory.django.DjangoModelFactory):
    """A patient; `with_account="name"` also gives them a portal login of that user name."""

    class Meta:
        model = Patient

    class Params:
        with_account = None

    clinic = factory.SubFactory(ClinicFactory)
    given_name = factory.Sequence(lambda n: f"Patient{n}")
    family_name = "Example"
    birth_date = dt.date(1985, 5, 17)
    sex = "female"
    user = factory.Maybe(
        "with_account",
        yes_declaration=factory.SubFactory(
            UserFactory,
            username=factory.SelfAttribute("..with_account"),
            clinic=factory.SelfAttribute("..clinic"),
            role=Role.PATIENT,
        ),
        no_declaration=None,
    )
