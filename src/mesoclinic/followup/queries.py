"""Reads shared by the portal, the chart and the reminders: each session's dated instructions."""

from collections.abc import Iterable
from datetime import date, datetime

from django.db.models import Case, Count, Q, QuerySet, When

from mesoclinic.accounts.models import Role, User
from mesoclinic.clinical.aftercare import AftercareStep, aftercare_steps
from mesoclinic.clinical.effects import follow_up_until
from mesoclinic.clinical.facts import PatientFacts
from mesoclinic.clinical.preparation import PreparationStep, preparation_steps
from mesoclinic.clinical.protocols import Protocol, load_protocol
from mesoclinic.clinical.teaching import Taught
from mesoclinic.clinics.models import WorkingHours
from mesoclinic.followup.models import ReportStatus, SideEffectReport
from mesoclinic.patients.facts import patient_facts
from mesoclinic.patients.models import Patient
from mesoclinic.patients.queries import clinic_taught
from mesoclinic.scheduling.models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentKind,
    AppointmentQuerySet,
    AppointmentStatus,
)
from mesoclinic.treatments.models import TreatmentSession

# A session booked without a course (none today) is prepared for under the default protocol.
DEFAULT_PROTOCOL = "standard"
# Sessions that took place, or may still: aftercare follows them.
HELD = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED, AppointmentStatus.COMPLETED)
# What reaches a practitioner; an expected effect only tells the patient when it should pass.
INBOX_TRIAGE = ("urgent", "review")


def treatment_end(appointment: Appointment) -> datetime:
    """When the session ended, which starts its aftercare, in the clinic's time zone.

    The signed session record's end time once there is one; before that, the booked end, so a
    patient can read what will apply before the session is recorded.
    """
    record = TreatmentSession.objects.filter(appointment=appointment, signed_at__isnull=False)
    ended = record.values_list("ended_at", flat=True).first()
    return (ended or appointment.end).astimezone(appointment.clinic.tzinfo)


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


def follow_up_ends(appointment: Appointment) -> date:
    """The last day of the follow-up of the session's course: the protocol's `follow_up_days`
    after its last session still held (infections can appear weeks later, SPEC.md)."""
    last = appointment
    if appointment.course_id is not None:
        held = Appointment.objects.filter(course_id=appointment.course_id, status__in=HELD)
        last = held.order_by("-start").first() or appointment
    day = last.start.astimezone(appointment.clinic.tzinfo).date()
    return follow_up_until(session_protocol(appointment), day)


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


def next_session(appointments: Iterable[Appointment], now: datetime) -> Appointment | None:
    """The next session to come among a patient's `appointments` (soonest first), or None."""
    return next(
        (
            a
            for a in appointments
            if a.kind == AppointmentKind.SESSION and a.status in ACTIVE_STATUSES and a.start > now
        ),
        None,
    )


def last_session_ended(patient: Patient, now: datetime) -> Appointment | None:
    """The latest session whose end has passed, whose aftercare is the one that applies."""
    held = patient_sessions(patient).filter(status__in=HELD, end__lte=now)
    return held.order_by("-end", "-id").first()


def inbox_reports(user: User, today: date) -> QuerySet[SideEffectReport]:
    """Open review and urgent reports for `user`: their own patients', and those of
    practitioners away today (not working, or no longer active); a clinic admin sees all."""
    reports = SideEffectReport.objects.filter(
        clinic_id=user.clinic_id, triage__in=INBOX_TRIAGE
    ).exclude(status=ReportStatus.CLOSED)
    if user.role != Role.ADMIN:
        working = WorkingHours.objects.filter(weekday=today.weekday(), practitioner__active=True)
        reports = reports.filter(
            Q(practitioner__user=user)
            | Q(practitioner__isnull=True)
            | Q(escalated_at__isnull=False)
            | ~Q(practitioner_id__in=working.values("practitioner_id"))
        )
    urgent_first = Case(When(triage="urgent", then=0), default=1)
    return (
        reports.select_related("patient", "practitioner__user")
        .defer("photo")
        .order_by(urgent_first, "reported_at", "id")
    )


def inbox_counts(user: User, today: date) -> dict[str, int]:
    """How many urgent and review reports wait in `user`'s inbox."""
    counts = inbox_reports(user, today).order_by().values("triage").annotate(n=Count("id"))
    found = {row["triage"]: row["n"] for row in counts}
    return {triage: found.get(triage, 0) for triage in INBOX_TRIAGE}


def patient_reports(patient: Patient) -> QuerySet[SideEffectReport]:
    return SideEffectReport.objects.filter(patient=patient).defer("photo")
