"""What each role sees first after signing in."""

from typing import Any

from django.utils import timezone

from mesoclinic.accounts.models import Role, User
from mesoclinic.audit.models import AuditEvent, written_together
from mesoclinic.clinics.models import Practitioner, Room
from mesoclinic.followup.queries import inbox_counts
from mesoclinic.patients.dashboard import patient_attention, practitioner_attention
from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.dashboard import patients_upcoming, todays_appointments
from mesoclinic.scheduling.models import Course, CourseStatus
from mesoclinic.treatments.queries import awaiting_consent

TEMPLATES: dict[str, str] = {
    Role.ADMIN: "dashboard/admin.html",
    Role.PRACTITIONER: "dashboard/practitioner.html",
    Role.RECEPTION: "dashboard/reception.html",
    Role.PATIENT: "dashboard/patient.html",
}


def dashboard_context(user: User) -> dict[str, Any]:
    """The panels of `user`'s dashboard: today's work, what needs attention, the clinic."""
    # A practitioner's dashboard audits two lists, an admin's more: one write for them all.
    with written_together():
        return _panels(user)


def _panels(user: User) -> dict[str, Any]:
    context: dict[str, Any] = {"clinic": user.clinic, "today": [], "attention": []}
    if user.role == Role.ADMIN:
        context["clinic_counts"] = clinic_counts(user.clinic_id)
        context["recent_events"] = AuditEvent.objects.filter(clinic_id=user.clinic_id)[:5]
    if user.role == Role.PRACTITIONER:
        context["attention"] += practitioner_attention(user)
        today = timezone.localdate(timezone=user.clinic.tzinfo)
        context["follow_up"] = inbox_counts(user, today)
    if user.role in (Role.ADMIN, Role.PRACTITIONER, Role.RECEPTION):
        context["today"] += todays_appointments(user)
    if user.role == Role.PATIENT:
        context["attention"] += patient_attention(user)
        context["today"] += patients_upcoming(user)
        context["consents_due"] = consents_due(user)
    return context


def consents_due(user: User) -> list[Course]:
    """The patient's planned or active courses still waiting for their consent."""
    courses = Course.objects.filter(
        patient__user=user, status__in=[CourseStatus.PLANNED, CourseStatus.ACTIVE]
    )
    return list(awaiting_consent(courses))


def clinic_counts(clinic_id: int) -> dict[str, int]:
    return {
        "practitioners": Practitioner.objects.filter(clinic_id=clinic_id, active=True).count(),
        "rooms": Room.objects.filter(clinic_id=clinic_id, active=True).count(),
        "patients": Patient.objects.filter(clinic_id=clinic_id).count(),
        "staff": User.objects.filter(
            clinic_id=clinic_id, role__in=[Role.ADMIN, Role.RECEPTION]
        ).count(),
    }
