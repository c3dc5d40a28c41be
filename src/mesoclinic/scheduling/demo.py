"""The demo's course: James has a ref-000 course booked with Dr Morgan from the coming Monday."""

from datetime import timedelta

from django.utils import timezone

from mesoclinic.accounts.models import User
from mesoclinic.clinical.protocols import load_protocol
from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.domain import course_book
from mesoclinic.scheduling.planner import Preferences
from mesoclinic.scheduling.plans import course_plan

PATIENT = "patient.james"
PRACTITIONER = "dr.morgan"
PROTOCOL = "ref-000"


def demo_courses_load() -> None:
    """Book the demo course unless the demo patient already has one (safe to run twice)."""
    patient = Patient.objects.filter(user__username=PATIENT).select_related("clinic").first()
    by = User.objects.filter(username=PRACTITIONER).select_related("practitioner").first()
    if patient is None or by is None or patient.courses.exists():
        return
    today = timezone.localdate(timezone=patient.clinic.tzinfo)
    monday = today + timedelta(days=7 - today.weekday())
    protocol = load_protocol(PROTOCOL)
    preferences = Preferences(practitioner_id=by.practitioner.pk)
    plan = course_plan(patient, protocol, protocol.course(), monday, preferences=preferences)
    if plan.proposal.complete:
        course_book(plan, by)
