"""Reads shared by the portal, the chart and the reminders: each session's dated instructions."""

from datetime import datetime

from mesoclinic.clinical.aftercare import AftercareStep, aftercare_steps
from mesoclinic.clinical.facts import PatientFacts
from mesoclinic.clinical.preparation import PreparationStep, preparation_steps
from mesoclinic.clinical.protocols import Protocol, load_protocol
from mesoclinic.clinical.teaching import Taught
from mesoclinic.patients.facts import patient_facts
from mesoclinic.patients.models import Patient
from mesoclinic.patients.queries import clinic_taught
from mesoclinic.scheduling.models import (
    Appointment,
    AppointmentKind,
    AppointmentQuerySet,
    AppointmentStatus,
)

# A session booked without a course (none today) is prepared for under the default protocol.
DEFAULT_PROTOCOL = "standard"
# Sessions that took place, or may still: aftercare follows them.
HELD = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED, AppointmentStatus.COMPLETED)


def treatment_end(appointment: Appointment) -> datetime:
    """When the session ended, which starts its aftercare, in the clinic's time zone.

    Today this is the booked end of the appointment: sessions are not yet recorded. Once a
    signed session record keeps its own end time, this is the one place to read it from.
    """
    return appointment.end.astimezone(appointment.clinic.tzinfo)


def session_protocol(appointment: Appointment) -> Protocol:
    """The protocol the session's course follows (the default one outside a course)."""
    course = appointment.course
    return load_protocol(course.protocol_id if course is not None else DEFAULT_PROTOCOL)


def session_areas(appointment: Appointment) -> list[str]:
    """The areas the session's course treats."""
    return list(appointment.course.areas) if appointment.course is not None else []


def session_preparation(
    appointment: Appointment, facts: PatientFacts | None = None, taught: Taught | None = None
) -> list[PreparationStep]:
    """The patient's preparation for `appointment`, dated from its booked start.

    A page showing several sessions reads the patient's `facts` and the clinic's `taught`
    mappings once and passes them in.
    """
    patient = appointment.patient
    start = appointment.start.astimezone(appointment.clinic.tzinfo)
    areas = session_areas(appointment) if appointment.course is not None else None
    return preparation_steps(
        patient_facts(patient) if facts is None else facts,
        session_protocol(appointment),
        start,
        areas=areas,
        taught=clinic_taught(patient.clinic_id) if taught is None else taught,
    )


def sessions_preparation(
    patient: Patient, sessions: list[Appointment]
) -> list[tuple[Appointment, list[PreparationStep]]]:
    """Each of `patient`'s `sessions` with its preparation, the record read once."""
    if not sessions:
        return []
    facts, taught = patient_facts(patient), clinic_taught(patient.clinic_id)
    for session in sessions:
        session.patient = patient
    return [(session, session_preparation(session, facts, taught)) for session in sessions]


def session_aftercare(appointment: Appointment) -> list[AftercareStep]:
    """The aftercare of a session, dated from its end; none for a session without areas."""
    areas = session_areas(appointment)
    if appointment.kind != AppointmentKind.SESSION or not areas:
        return []
    return aftercare_steps(session_protocol(appointment), areas, treatment_end(appointment))


def still_applies(steps: list[AftercareStep], now: datetime) -> list[AftercareStep]:
    """The steps not yet over at `now` (an open-ended step never is)."""
    return [step for step in steps if step.until is None or step.until > now]


def patient_sessions(patient: Patient) -> AppointmentQuerySet:
    """The patient's sessions, soonest first, with what their instructions read."""
    return (
        Appointment.objects.filter(patient=patient, kind=AppointmentKind.SESSION)
        .select_related("course", "practitioner__user", "room", "clinic")
        .order_by("start", "id")
    )


def upcoming_sessions(patient: Patient, now: datetime) -> list[Appointment]:
    """The sessions still to come, soonest first."""
    return list(patient_sessions(patient).holding().filter(start__gt=now))


def next_session(patient: Patient, now: datetime) -> Appointment | None:
    """The next session to come, or None."""
    return patient_sessions(patient).holding().filter(start__gt=now).first()


def last_session_ended(patient: Patient, now: datetime) -> Appointment | None:
    """The latest session whose end has passed, whose aftercare is the one that applies."""
    held = patient_sessions(patient).filter(status__in=HELD, end__lte=now)
    return held.order_by("-end", "-id").first()
