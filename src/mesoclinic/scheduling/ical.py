"""Appointments as iCalendar files, for a course, one appointment and a practitioner's feed.

Each appointment is one event whose UID never changes (`appointment-<id>@<CALENDAR_UID_DOMAIN>`);
a move or a cancellation raises its SEQUENCE, and a cancelled appointment stays in the file
with STATUS:CANCELLED, so a calendar that imported the file before learns of the change when it
imports it again (RFC 5545; METHOD from RFC 5546: PUBLISH, or CANCEL when every event is).
"""

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from mesoclinic.scheduling.models import Appointment, AppointmentStatus

PRODID = "-//mesoclinic//scheduling//EN"
# What the clinical half adds to a patient's own events (their preparation), by appointment id:
# apps above the calendar register a function here, so the calendar never imports them.
patient_descriptions: list[Callable[[Sequence[Appointment]], dict[int, str]]] = []
# The statuses a calendar app knows: the rest (arrived, completed, no-show) took place or not.
EVENT_STATUS = {
    AppointmentStatus.CANCELLED: "CANCELLED",
    AppointmentStatus.PROPOSED: "TENTATIVE",
}


def appointments_to_ical(appointments: Iterable[Appointment], name: str, *, staff: bool) -> bytes:
    """An iCalendar file of `appointments`; only staff files name the patient."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    appointments = list(appointments)
    described = {} if staff else _descriptions(appointments)
    events = [_event(a, staff, described.get(a.pk, "")) for a in appointments]
    cancelled = bool(events) and all(e["status"] == "CANCELLED" for e in events)
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(event)
    document: bytes = calendar.to_ical()
    return document


def appointment_uid(appointment: Appointment) -> str:
    return f"appointment-{appointment.pk}@{settings.CALENDAR_UID_DOMAIN}"


def _event(appointment: Appointment, staff: bool, description: str) -> Event:
    event = Event()
    event.add("uid", appointment_uid(appointment))
    # When this copy of the event was made; LAST-MODIFIED says when it last changed.
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("last-modified", (appointment.changed_at or appointment.created_at).astimezone(UTC))
    event.add("sequence", appointment.sequence)
    event.add("dtstart", appointment.start.astimezone(UTC))
    event.add("dtend", appointment.end.astimezone(UTC))
    event.add("summary", _summary(appointment, staff))
    event.add("location", f"{appointment.room}, {appointment.clinic}")
    event.add("status", EVENT_STATUS.get(AppointmentStatus(appointment.status), "CONFIRMED"))
    if description:
        event.add("description", description)
    return event


def _descriptions(appointments: list[Appointment]) -> dict[int, str]:
    texts: dict[int, list[str]] = {}
    for describe in patient_descriptions:
        for pk, text in describe(appointments).items():
            texts.setdefault(pk, []).append(text)
    return {pk: "\n\n".join(parts) for pk, parts in texts.items()}


def _summary(appointment: Appointment, staff: bool) -> str:
    what = "Mesotherapy session"
    if appointment.number:
        what += f" {appointment.number}"
    if appointment.kind == "consultation":
        what = "Mesotherapy consultation"
    return f"{what}: {appointment.patient}" if staff else f"{what} with {appointment.practitioner}"
