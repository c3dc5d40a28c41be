"""What the follow-up adds to the calendar below it, registered when the app is ready."""

from collections.abc import Sequence
from typing import Any

from mesoclinic.accounts.models import User
from mesoclinic.followup.domain.reminders import reminders_sync
from mesoclinic.followup.queries import sessions_preparation
from mesoclinic.scheduling import ical
from mesoclinic.scheduling.models import ACTIVE_STATUSES, Appointment, AppointmentKind, Course
from mesoclinic.scheduling.signals import appointments_changed


def preparation_descriptions(appointments: Sequence[Appointment]) -> dict[int, str]:
    """Each session's preparation as the patient's calendar event describes it."""
    sessions = [
        a for a in appointments if a.kind == AppointmentKind.SESSION and a.status in ACTIVE_STATUSES
    ]
    described = {}
    for patient_sessions in _by_patient(sessions).values():
        for session, steps in sessions_preparation(patient_sessions[0].patient, patient_sessions):
            if steps:
                lines = [f"- {step.instruction}" for step in steps]
                described[session.pk] = "\n".join(["Before your session:", *lines])
    return described


def _by_patient(sessions: list[Appointment]) -> dict[int, list[Appointment]]:
    courses = Course.objects.in_bulk({s.course_id for s in sessions if s.course_id})
    grouped: dict[int, list[Appointment]] = {}
    for session in sessions:
        if session.course_id:
            session.course = courses[session.course_id]
        grouped.setdefault(session.patient_id, []).append(session)
    return grouped


def reminders_follow(
    sender: object, *, appointment_ids: list[int], by: User | None, **kwargs: Any
) -> None:
    """Booked, moved or cancelled appointments take their reminders with them."""
    reminders_sync(appointment_ids=appointment_ids, by=by)


def connect() -> None:
    """Register the follow-up's additions to the calendar (once, however often called)."""
    if preparation_descriptions not in ical.patient_descriptions:
        ical.patient_descriptions.append(preparation_descriptions)
    appointments_changed.connect(reminders_follow, dispatch_uid="followup-reminders")
