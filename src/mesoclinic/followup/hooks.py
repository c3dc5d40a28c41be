"""What the follow-up adds to the calendar below it, registered when the app is ready."""

from mesoclinic.followup.queries import session_preparation
from mesoclinic.scheduling import ical
from mesoclinic.scheduling.models import ACTIVE_STATUSES, Appointment, AppointmentKind


def preparation_description(appointment: Appointment) -> str:
    """A session's preparation as the patient's calendar event describes it."""
    if appointment.kind != AppointmentKind.SESSION or appointment.status not in ACTIVE_STATUSES:
        return ""
    steps = session_preparation(appointment)
    if not steps:
        return ""
    return "Before your session:\n" + "\n".join(f"- {step.instruction}" for step in steps)


def connect() -> None:
    """Register the follow-up's additions to the calendar (once, however often called)."""
    if preparation_description not in ical.patient_descriptions:
        ical.patient_descriptions.append(preparation_description)
