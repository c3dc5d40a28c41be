"""The demo's course: James has a ref-000 course booked with Dr Morgan from the coming Monday."""

from datetime import timedelta

from django.utils import timezone

from mesoclinic.accounts.models import User
from mesoclinic.clinical.planner import Preferences
from mesoclinic.clinical.protocols import load_protocol
from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.domain.courses import course_book
from mesoclinic.scheduling.proposals import propose_course

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
    proposal = propose_course(patient, protocol, protocol.course(), monday, preferences=preferences)
    if proposal.placement.complete:
        course_book(proposal=proposal, by=by)
