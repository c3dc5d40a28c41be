"""Appointments as iCalendar files, for a course and for a practitioner's private feed."""

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC

from icalendar import Calendar, Event

from mesoclinic.scheduling.models import Appointment

PRODID = "-//mesoclinic//scheduling//EN"
# What the clinical half adds to a patient's own events (their preparation), by appointment id:
# apps above the calendar register a function here, so the calendar never imports them.
patient_descriptions: list[Callable[[Sequence[Appointment]], dict[int, str]]] = []


def appointments_to_ical(appointments: Iterable[Appointment], name: str, *, staff: bool) -> bytes:
    """An iCalendar file of `appointments`; only staff files name the patient."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    appointments = list(appointments)
    described = {} if staff else _descriptions(appointments)
    for appointment in appointments:
        calendar.add_component(_event(appointment, staff, described.get(appointment.pk, "")))
    document: bytes = calendar.to_ical()
    return document


def _event(appointment: Appointment, staff: bool, description: str) -> Event:
    event = Event()
    event.add("uid", f"appointment-{appointment.pk}@mesoclinic")
    event.add("dtstamp", appointment.created_at.astimezone(UTC))
    event.add("dtstart", appointment.start.astimezone(UTC))
    event.add("dtend", appointment.end.astimezone(UTC))
    event.add("summary", _summary(appointment, staff))
    event.add("location", f"{appointment.room}, {appointment.clinic}")
    event.add("status", "CANCELLED" if appointment.status == "cancelled" else "CONFIRMED")
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
