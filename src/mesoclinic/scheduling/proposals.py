"""A course proposal: the earliest course for one patient, before and while it is booked."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from mesoclinic.clinical.areas import area_named
from mesoclinic.clinical.courses import CourseTemplate
from mesoclinic.clinical.planner import (
    Gap,
    Placement,
    Preferences,
    course_with_room,
    default_first_days,
)
from mesoclinic.clinical.protocols import Protocol
from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.course_rules import gaps_from, session_count, session_minutes
from mesoclinic.scheduling.queries import availability_for


@dataclass
class CourseProposal:
    """Who, which template, which areas, and the sessions the planner proposes."""

    patient: Patient
    protocol: Protocol
    template: CourseTemplate
    areas: tuple[str, ...]
    preferences: Preferences
    first_days: tuple[date, date]
    placement: Placement

    @property
    def template_spec(self) -> str:
        return f"{self.protocol.id}/{self.template.id}"


def propose_course(
    patient: Patient,
    protocol: Protocol,
    template: CourseTemplate,
    first_day: date,
    *,
    areas: tuple[str, ...] = ("face",),
    preferences: Preferences | None = None,
    sessions: int | None = None,
) -> CourseProposal:
    """Plan a whole course for `patient` from `first_day` against the clinic's real calendar."""
    count = session_count(template, sessions)
    areas = tuple(area_named(area) for area in areas)
    first_days = default_first_days(first_day)
    gaps = gaps_from(template, 1, count)
    minutes = session_minutes(template, areas)
    preferences = preferences or Preferences()
    proposal = _earliest(patient, gaps, minutes, first_days, preferences)
    return CourseProposal(patient, protocol, template, areas, preferences, first_days, proposal)


def _earliest(
    patient: Patient,
    gaps: tuple[Gap, ...],
    minutes: int,
    first_days: tuple[date, date],
    preferences: Preferences,
) -> Placement:
    """The earliest course with room around each session (`course_with_room`); the calendar of
    each day is fetched when the search reaches it."""
    last_day = first_days[1] + timedelta(days=sum(g.max_days for g in gaps))
    availability = availability_for(patient.clinic, patient.pk, (first_days[0], last_day))
    return course_with_room(availability, gaps, minutes, first_days, preferences)


def proposal_key(proposal: CourseProposal) -> str:
    """What the person saw, so a booking never books a different course than the one shown."""
    return "|".join(
        f"{p.number}@{p.slot.start.isoformat()}#{p.slot.practitioner.id}#{p.slot.room.id}"
        for p in proposal.placement.sessions
    )


def proposal_windows(proposal: CourseProposal) -> list[dict[str, Any]]:
    """The days each session may fall on, the later ones counted from the session before."""
    placed = {p.number: p.slot.start.date() for p in proposal.placement.sessions}
    windows = [_window(1, proposal.first_days, proposal.template)]
    for number, gap in enumerate(proposal.placement.gaps, start=2):
        before = placed.get(number - 1)
        if before is None:
            break
        days = (before + timedelta(days=gap.min_days), before + timedelta(days=gap.max_days))
        windows.append(_window(number, days, proposal.template))
    return windows


def _window(number: int, days: tuple[date, date], template: CourseTemplate) -> dict[str, Any]:
    return {
        "number": number,
        "earliest": days[0].isoformat(),
        "latest": days[1].isoformat(),
        "optional": number > template.sessions_min,
    }


def proposal_to_json(proposal: CourseProposal) -> dict[str, Any]:
    """The plan as SPEC.md's `plan-course --json` document."""
    return {
        "template": proposal.template_spec,
        "windows": proposal_windows(proposal),
        "sessions": [
            {
                "number": p.number,
                "start": p.slot.start.isoformat(),
                "end": p.slot.end.isoformat(),
                "practitioner": p.slot.practitioner.name,
                "room": p.slot.room.name,
            }
            for p in proposal.placement.sessions
        ],
        "unplaced": [{"number": u.number, "reason": u.reason} for u in proposal.placement.unplaced],
    }
