"""The scheduling lines of the dashboards: today's appointments for staff, upcoming for patients."""

from dataclasses import dataclass
from datetime import time, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from mesoclinic.accounts.models import User
from mesoclinic.audit.domain import audit_ids_shown, audit_list_shown
from mesoclinic.clinical.planner import wall
from mesoclinic.patients.access import patients_visible_to
from mesoclinic.scheduling.links import address_of_each, entry_html
from mesoclinic.scheduling.models import Appointment, what_of
from mesoclinic.scheduling.queries import appointment_entries, appointments_on, upcoming_sessions


def todays_appointments(user: User) -> list[SafeString]:
    """The clinic's appointments today, each linked, with its status; a practitioner sees only
    their own."""
    tz = user.clinic.tzinfo
    today = timezone.localdate(timezone=tz)
    day = appointments_on(
        user.clinic_id, wall(today, time(), tz), wall(today + timedelta(days=1), time(), tz)
    )
    if user.role == "practitioner":
        day = day.filter(practitioner__user=user)
    shown = appointment_entries(day, user.clinic)
    audit_ids_shown(
        by=user,
        patient_ids=(a.patient_id for a in shown),
        summary="dashboard: today's appointments",
        clinic_id=user.clinic_id,
    )
    appointment_at = address_of_each("scheduling:appointment")
    return [
        entry_html(
            '<a href="{}">{} {}</a> · {} with {}, {} <span class="status status-{}">{}</span>',
            appointment_at.format(a.pk),
            f"{a.start:%H:%M}",
            a.patient,
            a.what,
            a.practitioner,
            a.room,
            a.status,
            a.status_label,
        )
        for a in shown
    ]


@dataclass(frozen=True)
class Upcoming:
    """One coming appointment on the patient's dashboard, with a calendar file to add it."""

    when: str
    what: str
    calendar_url: str = ""
    calendar_label: str = ""


def patients_upcoming(user: User) -> list[Upcoming]:
    """Every one of a patient's own coming appointments, soonest first."""
    tz = user.clinic.tzinfo
    mine = patients_visible_to(user).values_list("pk", flat=True)
    coming = list(upcoming_sessions(mine, timezone.now()).select_related("patient"))
    audit_list_shown(
        by=user, patients=(a.patient for a in coming), summary="dashboard: upcoming appointments"
    )
    courses_linked: set[int] = set()
    return [
        Upcoming(
            f"{a.start.astimezone(tz):%a %d %b %Y %H:%M}",
            f"{_what(a)} with {a.practitioner}, {a.room}",
            *_calendar_link(a, courses_linked),
        )
        for a in coming
    ]


def _calendar_link(appointment: Appointment, courses_linked: set[int]) -> tuple[str, str]:
    """A consultation's own .ics; for a course, its .ics once, on its first session shown."""
    course_id = appointment.course_id
    if course_id is None:
        url = reverse("scheduling:appointment-ical", args=[appointment.pk])
        return url, "Add to your calendar"
    if course_id in courses_linked:
        return "", ""
    courses_linked.add(course_id)
    return reverse("scheduling:course-ical", args=[course_id]), "Add the course to your calendar"


def _what(appointment: Appointment) -> str:
    return what_of(appointment.number, appointment.kind)
