"""Handouts as PDF (WeasyPrint) and timed aftercare steps as calendar events."""

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from django.template.loader import render_to_string
from icalendar import Calendar, Event

from mesoclinic.clinical.aftercare import AftercareStep
from mesoclinic.scheduling.models import Appointment

PRODID = "-//mesoclinic//followup//EN"
NO_FETCH = "A handout loads nothing from outside: {url}"


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # Everything a handout shows is in its own HTML, so a patient's PDF never calls out.
    raise ValueError(NO_FETCH.format(url=url))


def pdf_from(template: str, context: dict[str, Any]) -> bytes:
    """Render `template` with `context` and print it to a PDF."""
    from weasyprint import HTML  # imported here: WeasyPrint loads its fonts on first use

    html = render_to_string(template, context)
    document: bytes = HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()
    return document


def aftercare_to_ical(
    session: Appointment, steps: Iterable[AftercareStep], stamp: datetime
) -> bytes:
    """One event per timed aftercare step ("No sauna until Mon 14 Dec 10:30")."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Aftercare, session of {session.start:%d %b %Y}")
    for index, step in enumerate(steps):
        if step.until is None:
            continue
        event = Event()
        event.add("uid", f"aftercare-{session.pk}-{index}@mesoclinic")
        event.add("dtstamp", stamp.astimezone(UTC))
        event.add("dtstart", step.from_.astimezone(UTC))
        event.add("dtend", step.until.astimezone(UTC))
        event.add("summary", step.instruction)
        calendar.add_component(event)
    document: bytes = calendar.to_ical()
    return document
