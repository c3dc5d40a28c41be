"""An urgent report nobody acknowledged in the clinic's time reaches every practitioner."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from mesoclinic.accounts.models import Role, User
from mesoclinic.audit.domain import audit_record
from mesoclinic.audit.models import Action
from mesoclinic.followup.models import ReportStatus, SideEffectReport
from mesoclinic.outbox.domain import email_queue

SUBJECT = "Urgent side effect not yet acknowledged: {patient}"
BODY = (
    "{patient} reported {effect} ({area}) at {reported:%H:%M on %a %d %b}, triaged urgent, and "
    "no one has acknowledged it in {minutes} minutes. Open the follow-up inbox: {path}"
)


@task(queue_name="reminders")
def reports_escalate() -> int:
    """Escalate every urgent report left unacknowledged past its clinic's time."""
    return escalate_due(timezone.now())


def escalate_due(now: dt.datetime) -> int:
    """Mark and announce each overdue urgent report, once; returns how many."""
    with transaction.atomic():
        waiting = (
            SideEffectReport.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(triage="urgent", status=ReportStatus.OPEN, escalated_at__isnull=True)
            .select_related("clinic", "patient")
            .defer("photo")
        )
        overdue = [
            report
            for report in waiting
            if report.reported_at
            <= now - dt.timedelta(minutes=report.clinic.urgent_escalation_minutes)
        ]
        for report in overdue:
            report.escalated_at = now
            report.save(update_fields=["escalated_at"])
            _announce(report)
    return len(overdue)


def _announce(report: SideEffectReport) -> None:
    clinical = User.objects.filter(
        clinic_id=report.clinic_id, is_active=True, role__in=(Role.PRACTITIONER, Role.ADMIN)
    ).exclude(email="")
    body = BODY.format(
        patient=report.patient,
        effect=report.effect,
        area=report.area,
        reported=report.reported_at.astimezone(report.clinic.tzinfo),
        minutes=report.clinic.urgent_escalation_minutes,
        path=f"/clinic/follow-up/{report.pk}/",
    )
    for user in clinical:
        email_queue(
            to=user.email,
            subject=SUBJECT.format(patient=report.patient),
            body=body,
            kind="urgent side effect",
            clinic_id=report.clinic_id,
        )
    audit_record(
        by=None,
        action=Action.UPDATE,
        obj=report,
        summary=f"urgent side effect escalated to {len(clinical)} clinical staff",
        patient_id=report.patient_id,
    )


def escalate_later(report: SideEffectReport) -> None:
    """Have a worker check the report when the clinic's time is up, once the report is saved."""
    if report.triage != "urgent" or not reports_escalate.get_backend().supports_defer:
        return
    minutes = report.clinic.urgent_escalation_minutes
    when = report.reported_at + dt.timedelta(minutes=minutes, seconds=5)
    transaction.on_commit(lambda: reports_escalate.using(run_after=when).enqueue())
