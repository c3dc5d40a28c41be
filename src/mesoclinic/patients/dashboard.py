"""What the patient record adds to the dashboards: entries to confirm, a questionnaire to fill."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from mesoclinic.accounts.models import User
from mesoclinic.audit.domain import audit_list_shown
from mesoclinic.patients.queries import awaiting_confirmation, has_answered_intake

MOST_SHOWN = 10


def practitioner_attention(user: User) -> list[SafeString]:
    """A line per patient whose own entries wait for a practitioner's confirmation."""
    patients = list(awaiting_confirmation(user)[:MOST_SHOWN])
    audit_list_shown(by=user, patients=patients, summary="dashboard: entries to confirm")
    return [
        format_html(
            '<a href="{}#history">{}</a>: entries from the patient to confirm',
            reverse("chart", args=[patient.pk]),
            patient,
        )
        for patient in patients
    ]


def patient_attention(user: User) -> list[SafeString]:
    """ "Fill in your health questionnaire" until the patient has sent it once."""
    patient = getattr(user, "patient", None)
    if patient is None or has_answered_intake(patient):
        return []
    return [
        format_html(
            '<a href="{}">Fill in your health questionnaire</a> before your first visit.',
            reverse("portal:intake"),
        )
    ]
