"""Scheduling factories: an open clinic, appointments, and patients the screening stops."""

import datetime as dt

import factory

from mesoclinic.clinics.models import ClinicClosure
from mesoclinic.patients.models import Condition
from mesoclinic.scheduling.domain.courses import course_book
from mesoclinic.scheduling.gate import CourseBasis
from mesoclinic.scheduling.models import Appointment
from tests import factories

WEEKDAYS = range(5)
SNOMED = "http://snomed.info/sct"


def open_clinic(clinic, practitioners=(), rooms=("Room 1", "Room 2")):
    """Open `clinic` 09:00–17:00 on weekdays, with `practitioners` working all those hours."""
    for day in WEEKDAYS:
        factories.OpeningHoursFactory(
            clinic=clinic, weekday=day, starts=dt.time(9), ends=dt.time(17)
        )
        for practitioner in practitioners:
            factories.WorkingHoursFactory(
                practitioner=practitioner, weekday=day, starts=dt.time(9), ends=dt.time(17)
            )
    return [factories.RoomFactory(clinic=clinic, name=name) for name in rooms]


class AppointmentFactory(factory.django.DjangoModelFactory):
    """A booked 30-minute consultation; give it a start."""

    class Meta:
        model = Appointment

    clinic = factory.SelfAttribute("patient.clinic")
    patient = factory.SubFactory(factories.PatientFactory)
    practitioner = factory.SubFactory(
        factories.PractitionerFactory, clinic=factory.SelfAttribute("..clinic")
    )
    room = factory.SubFactory(factories.RoomFactory, clinic=factory.SelfAttribute("..clinic"))
    start = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)
    end = factory.LazyAttribute(lambda a: a.start + dt.timedelta(minutes=30))
    kind = "consultation"
    status = "booked"


def closed_on(clinic, day, reason="Holiday"):
    return ClinicClosure.objects.create(clinic=clinic, day=day, reason=reason)


def pregnant(patient):
    """Record an active pregnancy: an absolute contraindication in every protocol that lists it."""
    return Condition.objects.create(
        patient=patient,
        code_system=SNOMED,
        code="72892002",
        code_display="Normal pregnancy (finding)",
        clinical_status="active",
    )


def planned(proposal, plan_id=1):
    """The treatment plan a proposal's course follows, as the calendar receives it."""
    return CourseBasis(
        plan_id=plan_id,
        protocol_id=proposal.protocol.id,
        template_id=proposal.template.id,
        areas=proposal.areas,
    )


def book_course(*, proposal, by, **kwargs):
    """Book `proposal` as the course of a signed treatment plan, as courses are booked."""
    return course_book(proposal=proposal, by=by, basis=planned(proposal), **kwargs)


def feed_token(practitioner):
    """A new secret for `practitioner`'s calendar feed, as their calendar page makes one."""
    from mesoclinic.scheduling.domain.feeds import feed_token_rotate

    return feed_token_rotate(practitioner=practitioner, by=practitioner.user)
