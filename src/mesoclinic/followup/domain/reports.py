"""Side-effect reports: reported, triaged, acknowledged, assessed and closed; every step audited."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from mesoclinic.accounts.models import Role, User
from mesoclinic.audit.domain import audit_record
from mesoclinic.audit.models import Action
from mesoclinic.clinical.concepts import Effect
from mesoclinic.clinical.effects import Severity, classify
from mesoclinic.followup.escalation import escalate_later
from mesoclinic.followup.models import ReportStatus, SideEffectReport
from mesoclinic.followup.photos import report_photo_store
from mesoclinic.followup.queries import HELD, session_protocol
from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.domain.appointments import consultation_book
from mesoclinic.scheduling.models import Appointment, AppointmentKind
from mesoclinic.treatments.images import StoredPhoto, photo_forget

NO_SESSION = "A side effect is reported after a session; {patient} has had none before {day}."
IN_THE_FUTURE = "The day it started, {day:%a %d %b %Y}, has not come yet."
UNKNOWN_EFFECT = "There is no side effect {effect!r}; choose one of: {choices}."
UNKNOWN_SEVERITY = "Severity is mild, moderate or severe, not {severity!r}."
NOT_NOW = "This report is {status}: it cannot be {action} now."
OPEN_STEPS = (ReportStatus.OPEN, ReportStatus.ACKNOWLEDGED, ReportStatus.ASSESSED)
ALREADY_BOOKED = "A follow-up appointment is already booked from this report."


class ReportRefused(ValueError):
    """A report or a step of its follow-up cannot be taken as asked; the message says why."""


def side_effect_report(
    *,
    patient: Patient,
    effect: str,
    area: str,
    started_on: dt.date,
    severity: str,
    note: str = "",
    photo: bytes = b"",
    by: User,
) -> SideEffectReport:
    """Record a side effect, triaged against the protocol of the session it follows."""
    _refuse_values(effect, severity)
    today = timezone.localdate(timezone=patient.clinic.tzinfo)
    if started_on > today:
        raise ReportRefused(IN_THE_FUTURE.format(day=started_on))
    session = _session_before(patient, started_on)
    session_day = session.start.astimezone(patient.clinic.tzinfo).date()
    classified = classify(effect, severity, session_day, today, session_protocol(session))
    stored = report_photo_store(patient=patient, content=photo) if photo else None
    try:
        with transaction.atomic():
            report = SideEffectReport.objects.create(
                clinic_id=patient.clinic_id,
                patient=patient,
                session=session,
                practitioner_id=session.practitioner_id,
                effect=effect,
                area=area.strip(),
                started_on=started_on,
                severity=severity,
                note=note.strip(),
                **_photo_fields(stored),
                triage=classified.triage.value,
                triage_reason=classified.reason,
                passes_by=classified.passes_by,
                reported_by=by,
                reported_at=timezone.now(),
            )
            who = "the patient" if by.role == Role.PATIENT else "staff"
            audit_record(
                by=by,
                action=Action.CREATE,
                obj=report,
                summary=f"side effect reported by {who}: {effect}, {severity}, {classified.triage}",
                patient_id=patient.pk,
            )
            escalate_later(report)
    except Exception:
        # Nothing was recorded, so no photo is kept.
        if stored is not None:
            photo_forget(stored)
        raise
    return report


def _photo_fields(stored: StoredPhoto | None) -> dict[str, str]:
    if stored is None:
        return {}
    return {"photo": stored.image, "photo_thumbnail": stored.thumbnail}


def _refuse_values(effect: str, severity: str) -> None:
    if effect not in Effect.__members__.values():
        choices = ", ".join(e.value for e in Effect)
        raise ReportRefused(UNKNOWN_EFFECT.format(effect=effect, choices=choices))
    if severity not in Severity.__members__.values():
        raise ReportRefused(UNKNOWN_SEVERITY.format(severity=severity))


def _session_before(patient: Patient, day: dt.date) -> Appointment:
    """The latest session held on or before `day`, which the effect follows."""
    sessions = Appointment.objects.filter(
        patient=patient, kind=AppointmentKind.SESSION, status__in=HELD
    ).select_related("course", "clinic")
    on_or_before = [
        s
        for s in sessions.order_by("-start")
        if s.start.astimezone(patient.clinic.tzinfo).date() <= day
    ]
    if not on_or_before:
        raise ReportRefused(NO_SESSION.format(patient=patient, day=f"{day:%a %d %b %Y}"))
    return on_or_before[0]


def _step(report: SideEffectReport, allowed: tuple[str, ...], action: str) -> SideEffectReport:
    current = SideEffectReport.objects.select_for_update().get(pk=report.pk)
    if current.status not in allowed:
        raise ReportRefused(NOT_NOW.format(status=current.status, action=action))
    return current


def report_acknowledge(*, report: SideEffectReport, by: User) -> SideEffectReport:
    """A practitioner has seen the report: it no longer escalates."""
    with transaction.atomic():
        current = _step(report, (ReportStatus.OPEN,), "acknowledged")
        current.status, current.acknowledged_by = ReportStatus.ACKNOWLEDGED, by
        current.acknowledged_at = timezone.now()
        current.save(update_fields=["status", "acknowledged_by", "acknowledged_at"])
        audit_record(
            by=by,
            action=Action.UPDATE,
            obj=current,
            summary="side effect acknowledged",
            patient_id=current.patient_id,
        )
    return current


def report_assess(
    *, report: SideEffectReport, assessment: str, advice: str, by: User
) -> SideEffectReport:
    """Write the practitioner's assessment and the advice given to the patient."""
    if not assessment.strip():
        raise ReportRefused("Write what you found before saving the assessment.")
    with transaction.atomic():
        current = _step(report, (ReportStatus.OPEN, ReportStatus.ACKNOWLEDGED), "assessed")
        now = timezone.now()
        if current.acknowledged_at is None:
            current.acknowledged_by, current.acknowledged_at = by, now
        current.status, current.assessed_by, current.assessed_at = ReportStatus.ASSESSED, by, now
        current.assessment, current.advice = assessment.strip(), advice.strip()
        current.save()
        audit_record(
            by=by,
            action=Action.UPDATE,
            obj=current,
            summary="side effect assessed",
            patient_id=current.patient_id,
        )
    return current


def report_close(*, report: SideEffectReport, by: User) -> SideEffectReport:
    """Close an assessed report: nothing more to follow."""
    with transaction.atomic():
        current = _step(report, (ReportStatus.ASSESSED,), "closed")
        current.status, current.closed_by, current.closed_at = (
            ReportStatus.CLOSED,
            by,
            timezone.now(),
        )
        current.save(update_fields=["status", "closed_by", "closed_at"])
        audit_record(
            by=by,
            action=Action.UPDATE,
            obj=current,
            summary="side effect closed",
            patient_id=current.patient_id,
        )
    return current


def report_book_appointment(
    *, report: SideEffectReport, from_day: dt.date | None, by: User
) -> Appointment:
    """Book the earliest consultation from `from_day` with the treating practitioner to see the
    side effect, linked to the report."""
    with transaction.atomic():
        current = _step(report, OPEN_STEPS, "booked from")
        if current.appointment_id is not None:
            raise ReportRefused(ALREADY_BOOKED)
        appointment = consultation_book(
            patient=report.patient,
            practitioner=current.practitioner,
            start=None,
            from_day=from_day,
            by=by,
        )
        current.appointment = appointment
        current.save(update_fields=["appointment"])
        start = appointment.start.astimezone(current.clinic.tzinfo)
        audit_record(
            by=by,
            action=Action.UPDATE,
            obj=current,
            summary=f"follow-up consultation booked for {start:%Y-%m-%d %H:%M}",
            patient_id=current.patient_id,
        )
    return appointment
