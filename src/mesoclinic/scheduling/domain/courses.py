"""Booking a whole course of sessions, all or nothing, and cancelling it."""

from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from mesoclinic.accounts.models import User, signed_in_user
from mesoclinic.audit.domain import audit_record
from mesoclinic.audit.models import Action
from mesoclinic.clinical.courses import CourseTemplate
from mesoclinic.clinical.planner import Preferences, Slot
from mesoclinic.clinical.protocols import Protocol
from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.domain.booking import (
    NOTHING_BOOKED,
    appointment_insert,
    clinic_lock,
    refuse_taken,
)
from mesoclinic.scheduling.gate import CourseBasis, booking_gate, consultation_gate
from mesoclinic.scheduling.models import AppointmentKind, AppointmentStatus, Course, CourseStatus
from mesoclinic.scheduling.proposals import CourseProposal, propose_course
from mesoclinic.scheduling.signals import appointments_changed


class CourseIncomplete(Exception):
    """Some sessions of the proposal could not be placed, so the course cannot be booked."""


class CourseFinished(Exception):
    """The course is completed or cancelled already: it cannot be cancelled (again)."""


# A completed course keeps its outcome: cancelling it would count it as abandoned in the reports.
FINISHED = "This course is {status}: only a planned or active course can be cancelled."


def course_book(
    *,
    proposal: CourseProposal,
    by: User | None,
    override_reason: str = "",
    basis: CourseBasis | None = None,
    unplanned_reason: str = "",
) -> Course:
    """Book every session of `proposal` in one transaction, or none; audited.

    The course follows the treatment plan `basis`, or a practitioner says why it needs none.
    """
    placement, patient = proposal.placement, proposal.patient
    if not placement.complete:
        numbers = ", ".join(str(u.number) for u in placement.unplaced)
        raise CourseIncomplete(f"Sessions {numbers} could not be placed. {NOTHING_BOOKED}")
    course_is = (proposal.protocol.id, proposal.template.id, proposal.areas)
    consultation_gate(
        patient=patient, course=course_is, basis=basis, by=by, unplanned_reason=unplanned_reason
    )
    first = placement.sessions[0].slot.start.date()
    products = basis.products if basis else ()
    gate = booking_gate(patient, proposal.protocol.id, first, by, override_reason, products)
    unplanned = unplanned_reason.strip() if basis is None else ""
    with transaction.atomic():
        clinic_lock(patient=patient)
        slots = [p.slot for p in placement.sessions]
        refuse_taken(patient=patient, slots=slots, ignoring=())
        course = Course.objects.create(
            clinic=patient.clinic,
            patient=patient,
            protocol_id=proposal.protocol.id,
            protocol_version=str(proposal.protocol.version),
            template_id=proposal.template.id,
            areas=list(proposal.areas),
            status=CourseStatus.PLANNED,
            verdict=gate.verdict,
            findings=gate.findings,
            override_reason=override_reason.strip() if gate.overridden else "",
            override_by=by if gate.overridden else None,
            override_at=timezone.now() if gate.overridden else None,
            treatment_plan_id=basis.plan_id if basis else None,
            unplanned_reason=unplanned,
            unplanned_by=by if unplanned else None,
            unplanned_at=timezone.now() if unplanned else None,
            created_by=signed_in_user(by),
        )
        for placed in placement.sessions:
            appointment_insert(
                patient=course.patient,
                slot=placed.slot,
                by=by,
                advice=NOTHING_BOOKED,
                kind=AppointmentKind.SESSION,
                course=course,
                number=placed.number,
            )
        audit_record(
            by=by,
            action=Action.CREATE,
            obj=course,
            summary=_booked_summary(course, slots),
            patient_id=patient.pk,
        )
        _announce(course, by)
    return course


def _announce(course: Course, by: User | None) -> None:
    """Tell the apps above the calendar that the course's sessions changed."""
    ids = list(course.sessions.values_list("pk", flat=True))
    appointments_changed.send(sender=Course, appointment_ids=ids, by=by)


def course_plan_and_book(
    *,
    patient: Patient,
    protocol: Protocol,
    template: CourseTemplate,
    first_day: date,
    areas: tuple[str, ...],
    preferences: Preferences,
    sessions: int | None,
    by: User | None,
    basis: CourseBasis | None = None,
    unplanned_reason: str = "",
    override_reason: str = "",
) -> tuple[CourseProposal, Course]:
    """Plan the earliest course and book it at once, under the clinic's booking lock.

    Asked to plan and book (the command line, a script), a run never books a proposal another
    run has just taken: it plans after every earlier booking is in, so parallel runs all
    succeed while the calendar has room.
    """
    with transaction.atomic():
        clinic_lock(patient=patient)
        proposal = propose_course(
            patient,
            protocol,
            template,
            first_day,
            areas=areas,
            preferences=preferences,
            sessions=sessions,
        )
        course = course_book(
            proposal=proposal,
            by=by,
            basis=basis,
            unplanned_reason=unplanned_reason,
            override_reason=override_reason,
        )
    return proposal, course


def _booked_summary(course: Course, slots: list[Slot]) -> str:
    summary = (
        f"booked {len(slots)} sessions of {course.protocol_id}/{course.template_id} "
        f"from {slots[0].start:%Y-%m-%d %H:%M}"
    )
    if course.treatment_plan_id:
        summary += f" following treatment plan {course.treatment_plan_id}"
    if course.unplanned_reason:
        summary += f"; without a consultation: {course.unplanned_reason}"
    if course.override_reason:
        summary += f"; over a contraindication: {course.override_reason}"
    return summary


def course_cancel(*, course: Course, by: User | None) -> int:
    """Cancel `course` and free all its future sessions; returns how many were freed."""
    with transaction.atomic():
        future = course.sessions.holding().filter(start__gte=timezone.now())
        freed = future.update(
            status=AppointmentStatus.CANCELLED,
            sequence=F("sequence") + 1,
            changed_at=timezone.now(),
            cancel_reason="the course was cancelled",
        )
        # Sessions first, then the course, in the order signing takes them; a course completed
        # or cancelled meanwhile refuses, and the freeing above is undone with it.
        open_course = Course.objects.filter(
            pk=course.pk, status__in=(CourseStatus.PLANNED, CourseStatus.ACTIVE)
        )
        if not open_course.update(status=CourseStatus.CANCELLED):
            course.refresh_from_db(fields=["status"])
            raise CourseFinished(FINISHED.format(status=course.get_status_display().lower()))
        course.status = CourseStatus.CANCELLED
        audit_record(
            by=by,
            action=Action.UPDATE,
            obj=course,
            summary=f"cancelled; {freed} future sessions freed",
            patient_id=course.patient_id,
        )
        _announce(course, by)
    return freed
